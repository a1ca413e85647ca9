"""What a teen can do today, in the teen's time zone: minutes used against today's limit (the
weekday's own value and the extra time approved today included), whether the app is locked (time
away) or muted (quiet hours) right now and until when, the requests still waiting, and the rules
in plain words — each worded from the control declarations (famguard.domain.controls), so a new
control appears in the rules by itself. Pure: the caller passes the moment."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from famguard.domain.control_words import control_label, kept_off_by_age
from famguard.domain.controls import CONTROLS, GROUPS, Controls
from famguard.domain.models import TimeRequest, TimeRequestStatus, UsageDay
from famguard.domain.schedule import in_quiet_hours, in_time_away, limit_for_day, teen_today, weekday_key
from famguard.domain.values import DAY_NAMES, WEEKDAYS, format_minutes

NEAR_LIMIT = 0.9  # "at 90 % of today's limit": the guardian is told once a day
GRANT_MIN, GRANT_MAX = 5, 240  # what the service accepts as extra minutes for one request


@dataclass(frozen=True)
class TeenToday:
    """One teen's today, as the home and the teen list show it."""

    day: date
    timezone: str
    used_minutes: int | None  # None: no use reported yet
    base_limit: int | None  # this weekday's limit before extra time; None: no limit
    extra_minutes: int  # approved today
    locked_until: str | None  # "07:00" while time away locks the app
    muted_until: str | None  # "08:00" while quiet hours mute notifications
    pending: tuple[TimeRequest, ...]
    # Time away ends before midnight (13:00–15:00 at 14:00), so today's limit still counts after
    # it; not so for a night's block ending tomorrow morning, when a new day's limit begins.
    unlocked_today: bool = False

    @property
    def limit_minutes(self) -> int | None:
        return None if self.base_limit is None else self.base_limit + self.extra_minutes

    @property
    def near_limit(self) -> bool:
        limit = self.limit_minutes
        return bool(limit) and (self.used_minutes or 0) >= NEAR_LIMIT * (limit or 0)

    @property
    def limit_reached(self) -> bool:
        limit = self.limit_minutes
        return limit is not None and (self.used_minutes or 0) >= limit

    def usage_words(self) -> str:
        """ "35 min of 1 h 30 min today (1 h + 30 min extra) — 55 min left"."""
        used = self.used_minutes
        if used is None:
            return "No use reported today"
        limit = self.limit_minutes
        if limit is None:
            return f"{format_minutes(used)} today, no limit"
        text = f"{format_minutes(used)} of {format_minutes(limit)} today"
        if self.extra_minutes and self.base_limit is not None:
            text += f" ({format_minutes(self.base_limit)} + {format_minutes(self.extra_minutes)} extra)"
        left = limit - used
        return f"{text} — limit reached" if self.limit_reached else f"{text} — {format_minutes(left)} left"

    def now_words(self) -> str:
        """Whether the app can be used right now, and until when it cannot."""
        parts = []
        if self.locked_until and self.limit_reached and self.unlocked_today:
            # Not "until 15:00" alone: the limit keeps it locked after time away ends (a tester).
            parts.append(
                f"⊘ Locked now (time away) until {self.locked_until}, then by today's limit — until "
                "midnight, unless you allow more time"
            )
        elif self.locked_until:
            parts.append(f"⊘ Locked now (time away) until {self.locked_until}")
        elif self.limit_reached:  # "✓ The app can be used now" stood under "limit reached" (a tester)
            parts.append("⊘ Locked now: today's limit is reached — until midnight, unless you allow more time")
        if self.muted_until:
            parts.append(f"◐ Notifications muted (quiet hours) until {self.muted_until}")
        return " · ".join(parts) or "✓ The app can be used now"


def today_of(
    controls: Controls, usage: Iterable[UsageDay], requests: Iterable[TimeRequest], now: datetime
) -> TeenToday:
    """The teen's today at the instant `now` (timezone-aware)."""
    day = teen_today(controls.timezone, now)
    used = next((u.minutes for u in usage if u.date == day), None)
    requests = list(requests)
    extra = sum(r.granted_minutes or 0 for r in requests if r.status == TimeRequestStatus.APPROVED and r.date == day)
    local = now.astimezone(ZoneInfo(controls.timezone))
    block = in_time_away(controls, local)
    quiet = controls.quiet_hours if in_quiet_hours(controls, local) else None
    pending = tuple(sorted((r for r in requests if r.status == TimeRequestStatus.PENDING), key=lambda r: r.created_at))
    return TeenToday(
        day=day,
        timezone=controls.timezone,
        used_minutes=used,
        base_limit=limit_for_day(controls, day),
        extra_minutes=extra,
        locked_until=block.end if block else None,
        muted_until=quiet.end if quiet else None,
        pending=pending,
        unlocked_today=block is not None and block.end > f"{local:%H:%M}",
    )


def minutes_to_midnight(timezone: str, now: datetime) -> int:
    """Whole minutes from `now` to midnight in the teen's time zone."""
    local = now.astimezone(ZoneInfo(timezone))
    midnight = datetime.combine(local.date() + timedelta(days=1), datetime.min.time(), local.tzinfo)
    return int((midnight - local).total_seconds() // 60)


def rest_of_day_minutes(timezone: str, now: datetime) -> int:
    """Extra minutes that let the teen use the app until midnight in their time zone, within
    what one answer may grant (GRANT_MAX: in the teen's morning, less than the rest of the day)."""
    return max(GRANT_MIN, min(GRANT_MAX, minutes_to_midnight(timezone, now)))


def limit_words(controls: Controls) -> str:
    """ "1 h a day, 2 h on Sat, Sun" — the daily limit with the weekdays that differ."""
    daily = controls.daily_limit_minutes
    text = "No daily limit" if daily is None else f"{format_minutes(daily)} a day"
    by_value: dict[int, list[str]] = {}
    for day in WEEKDAYS:
        minutes = controls.daily_limit_overrides.get(day)
        if minutes is not None and minutes != daily:
            by_value.setdefault(minutes, []).append(DAY_NAMES[day])
    for minutes, days in by_value.items():
        text += f", {format_minutes(minutes)} on {', '.join(days)}"
    return text


def plain_rules(
    controls: Controls, teen_name: str, waiting: Collection[str] = (), age: int | None = None
) -> list[tuple[str, str]]:
    """(group, "Label: value · Label: value …") per group of controls, in the declared order and
    words (each control's `describe`), labelled about the teen by name ("Maya's time zone", as the
    history says it: famguard.domain.control_words.control_label). A setting in `waiting` (changed,
    not sent yet) says so after its value; one the teen's `age` keeps off, that."""
    lines = []
    for group in GROUPS:
        words = [
            f"{control_label(spec.name, teen_name)}: {spec.describe(getattr(controls, spec.name))}"
            + kept_off_by_age(spec.name, age)
            + (" (not sent yet)" if spec.name in waiting else "")
            for spec in CONTROLS
            if spec.group == group
        ]
        lines.append((group, " · ".join(words)))
    return lines


def weekday_name(day: date) -> str:
    return DAY_NAMES[weekday_key(day)]


def request_day_words(asked_for: date, today: date) -> str:
    """ "today", or "on Friday 4 December (yesterday)": the teen's day a request for more time is
    about. An approval raises that day's limit only (the service's rule), so a request still
    waiting from an earlier day must not read as more time today."""
    if asked_for == today:
        return "today"
    ago = (today - asked_for).days
    when = "yesterday" if ago == 1 else f"{ago} days ago"
    return f"on {asked_for:%A} {asked_for.day} {asked_for:%B} ({when})"
