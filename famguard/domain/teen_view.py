"""What the teen reads about its own supervision (UK Children's Code, standard 11), in words fit
for a teen: who manages the account and since when, the rules in plain words (not `no_one`, not
`60`), any temporary rule and when it ends, the change log, whether the app is locked now and
why, and the notice before the link ends at 18. Pure functions shared by `famguard-teen`, the
demo's Teen's phone panel and the guardian's "What Maya sees" preview, so all three say the same."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from famguard.domain.age_transition import AGE_KIND, TURNED_16, turned_16_words
from famguard.domain.control_words import kept_off_by_age
from famguard.domain.controls import CONTROLS, SPECS, Controls, parse_controls_patch
from famguard.domain.errors import DomainValidationError
from famguard.domain.models import ActivityEntry, GuardianLink, TemporaryRule, TimeRequest, TimeRequestStatus
from famguard.domain.plain_text import listed
from famguard.domain.schedule import in_time_away
from famguard.domain.temporary import RuleStatus, rule_status
from famguard.domain.values import format_minutes, recorded_minutes

LINK_END_NOTICE_DAYS = 30
LOG_LINES = 8  # the change log's entries a view lists
# The history entries a view is given (the phone's and the guardian's preview read so many; their
# readers run on workers, which must not import a Qt module: famguard.ui.trust_presenter).
VIEW_ENTRIES = 20
EARLIER_COUNTED = VIEW_ENTRIES - LOG_LINES  # older ones past the listed: as many or more


def _for_teen(text: str) -> str:
    """A parent's wording ("your teen's videos", "Only your teen") as the teen reads it."""
    return (
        text.replace("Your teen's ", "Your ")
        .replace("your teen's ", "your ")
        .replace("Only your teen", "Only you")
        .replace("your teen", "you")
    )


def label(field: str) -> str:
    return _for_teen(SPECS[field].label)


def value_words(field: str, value: Any) -> str:  # noqa: ANN401 - a control's typed value
    return _for_teen(SPECS[field].describe(value))


def rules_in_words(controls: Controls, age: int | None = None) -> list[tuple[str, str]]:
    """(setting, value) for every control, in the teen's words; one the teen's `age` keeps off
    says so ("No one (not available under 16)")."""
    return [
        (label(spec.name), value_words(spec.name, getattr(controls, spec.name)) + kept_off_by_age(spec.name, age))
        for spec in CONTROLS
    ]


def wire_in_words(field: str, wire: Any) -> str:  # noqa: ANN401 - a JSON value
    """A control's JSON value in words; the raw value if this version does not know it."""
    if field not in SPECS:
        return str(wire)
    try:
        return value_words(field, parse_controls_patch({field: wire})[field])
    except DomainValidationError:
        return str(wire)


def day_in_words(day: date, today: date | None = None) -> str:
    """ "Saturday 14 November": a day of the teen's, as every screen words it; with `today`, the
    year too when it is another ("Tuesday 5 January 2027": a rule across the new year)."""
    year = f" {day.year}" if today is not None and day.year != today.year else ""
    return f"{day:%A} {day.day} {day:%B}{year}"


def rule_changes(controls: Mapping[str, Any]) -> str:
    """A rule's settings in words: "Daily screen-time limit 30 min, Search Off". Empty per-weekday
    limits go with a rule's daily limit (so that it applies every day): not worth a word; others
    are said with it: "Daily screen-time limit 1 h (Sat 2 h, Sun 2 h)"."""
    days = controls.get("daily_limit_overrides")
    with_limit = "daily_limit_minutes" in controls and days is not None
    words = []
    for field, value in controls.items():
        if field == "daily_limit_overrides" and (with_limit or value == {}):
            continue
        said = f"{label(field) if field in SPECS else field} {wire_in_words(field, value)}"
        if field == "daily_limit_minutes" and with_limit and days:
            said += f" ({wire_in_words('daily_limit_overrides', days)})"
        words.append(said)
    return ", ".join(words)


def rule_in_words(rule: TemporaryRule, today: date, me: str | None = None) -> str:
    """ "Exam weeks (set by Alex): Daily screen-time limit 30 min — until Sunday 6 December";
    "(set by you)" for a rule of the reader's account, `me` (told by account, never by name, as
    the history tells its entries: two guardians may share a name)."""
    status = rule_status(rule.starts_on, rule.ends_on, today)
    if status is RuleStatus.ACTIVE:
        when = "ends today" if rule.ends_on == today else f"until {day_in_words(rule.ends_on, today)}"
    elif status is RuleStatus.SCHEDULED:
        when = f"from {day_in_words(rule.starts_on, today)} to {day_in_words(rule.ends_on, today)}"
    else:
        when = f"ended {day_in_words(rule.ends_on, today)}"
    who = "you" if me is not None and rule.created_by_id == me else rule.created_by
    return f"{rule.name} (set by {who}): {rule_changes(rule.controls)} — {when}"


def rules_ahead(rules: Iterable[TemporaryRule], today: date) -> list[str]:
    """The temporary rules in force or planned on the teen's `today`, in words, first first."""
    return [
        rule_in_words(r, today) for r in sorted((r for r in rules if r.ends_on >= today), key=lambda r: r.starts_on)
    ]


def managed_by(guardians: Iterable[GuardianLink], timezone: str | None = None) -> str:
    """Who manages the account and since which of the teen's days (`timezone`: the teen's; None:
    the moment's own, UTC from the service)."""
    links = sorted(guardians, key=lambda g: g.linked_at)
    if not links:
        return "No guardian manages this account: no controls apply."
    days = [g.linked_at.astimezone(ZoneInfo(timezone)) if timezone else g.linked_at for g in links]
    since = [f"{day_in_words(day.date())} {day.year}" for day in days]
    parts = [f"{g.display_name} (since {when})" for g, when in zip(links, since, strict=True)]
    return "Managed by " + ", ".join(parts) + ". They can see and change the settings below."


def _who(entry: ActivityEntry) -> str:
    return entry.actor.display_name if entry.actor is not None else "FamGuard"


def _planned_end(rule: Mapping[str, Any], recorded: date) -> str:
    """ "Sunday 6 December": a rule's last day from a history entry, or "" when it does not say."""
    try:
        return day_in_words(date.fromisoformat(str(rule.get("ends_on"))), recorded)
    except ValueError:
        return ""


def _from_to(rule: Mapping[str, Any], recorded: date) -> str:
    """ "from Thursday 10 December to Saturday 2 January 2027": a recorded rule's days, with the
    year when it is not that of the entry, `recorded` ("from Saturday 20 March" left the year to
    guess, an outside tester). Raises KeyError or ValueError for an entry without its days."""
    start, end = date.fromisoformat(str(rule["starts_on"])), date.fromisoformat(str(rule["ends_on"]))
    return f"from {day_in_words(start, recorded)} to {day_in_words(end, recorded)}"


def _rule_changed(before: Mapping[str, Any], after: Mapping[str, Any], recorded: date) -> str:
    """ ": now called “Mocks”; now from Monday 14 December to Friday 18 December; settings now
    Daily screen-time limit 45 min" — what a change to a planned rule changed, each part once."""
    parts = []
    if after.get("name") != before.get("name"):
        parts.append(f"now called “{after.get('name')}”")
    if (after.get("starts_on"), after.get("ends_on")) != (before.get("starts_on"), before.get("ends_on")):
        try:
            parts.append(f"now {_from_to(after, recorded)}")
        except (KeyError, ValueError):
            parts.append("new days")
    if after.get("controls") != before.get("controls") and isinstance(after.get("controls"), Mapping):
        parts.append(f"settings now {rule_changes(after['controls'])}")
    return f": {'; '.join(parts)}" if parts else ""


def activity_in_words(entry: ActivityEntry) -> str:
    """One line of the change log, without the time (the view adds it in the teen's zone)."""
    who = _who(entry)
    if entry.kind == "controls" and entry.field:
        name = label(entry.field) if entry.field in SPECS else entry.field
        before, after = wire_in_words(entry.field, entry.before), wire_in_words(entry.field, entry.after)
        return f"{who} changed {name} from {before} to {after}"
    if entry.kind == "link":
        if entry.field == "ending" and isinstance(entry.after, Mapping):
            return f"FamGuard said the link ends on {entry.after.get('on')}, the 18th birthday"
        if isinstance(entry.after, Mapping):
            started = f"{entry.after.get('guardian') or 'A guardian'} started managing this account"
            approver = entry.after.get("approved_by")
            return f"{started}, approved by {approver}" if isinstance(approver, str) and approver else started
        if isinstance(entry.before, Mapping):
            guardian = entry.before.get("guardian") or "A guardian"
            if entry.actor is None:  # only the 18th birthday ends a link by itself
                return f"You turned 18: {guardian} no longer manages this account"
            return f"{guardian} stopped managing this account"
    if entry.kind == AGE_KIND and entry.field == TURNED_16:
        return turned_16_words("", entry.after, for_teen=True)
    if entry.kind == "time_request":
        if entry.field == "requested":
            return f"{who} asked for {recorded_minutes(entry.after)} more"
        if entry.field == "approved":
            return f"{who} gave {recorded_minutes(entry.after)} more"
        if entry.field == "denied" and entry.actor is None:  # closed by the service with the last link
            return (
                f"Your request for {recorded_minutes(entry.before)} more closed unanswered: "
                "no guardian managed this account any more"
            )
        if entry.field == "denied":
            return f"{who} said no to {recorded_minutes(entry.before)} more"
    if entry.kind == "temporary_rule":
        recorded = entry.at.date()  # a day of another year than the entry's is said with its year
        rule = entry.after if isinstance(entry.after, Mapping) else entry.before
        name = rule.get("name", "A temporary rule") if isinstance(rule, Mapping) else "A temporary rule"
        if entry.field == "created" and isinstance(rule, Mapping):
            changes = rule_changes(rule["controls"])
            return f"{who} planned “{name}” {_from_to(rule, recorded)}: {changes}"
        if entry.field == "changed" and isinstance(entry.before, Mapping) and isinstance(entry.after, Mapping):
            return f"{who} changed the temporary rule “{entry.before.get('name', name)}”" + _rule_changed(
                entry.before, entry.after, recorded
            )
        if entry.field == "ended_early" and isinstance(rule, Mapping):
            # A guardian stopped a rule in force ("removed" read as if it had never applied).
            until = _planned_end(rule, recorded)
            return f"{who} ended the temporary rule “{name}” early" + (f" (planned until {until})" if until else "")
        if entry.field == "removed":  # before it began (older services also said this of a rule in force)
            return f"{who} removed the temporary rule “{name}”"
        if entry.field in ("started", "ended"):
            return f"The temporary rule “{name}” {entry.field}"
    return f"{who}: {entry.kind} {entry.field or ''}".strip()


def lock_reason(controls: Controls, local_now: datetime, used_minutes: int, limit_minutes: int | None) -> str | None:
    """Why the app is locked at the teen's local wall-clock time, or None when it is open.
    `limit_minutes` is today's limit as the service counts it (extra time and any rule in)."""
    block = in_time_away(controls, local_now)
    if block is not None:
        return f"Time away until {block.end}"
    if limit_minutes is not None and used_minutes >= limit_minutes:
        return "Daily limit reached"
    return None


def status_words(controls: Controls, local_now: datetime, used_minutes: int, limit_minutes: int | None) -> str:
    """The phone's line about right now: "Locked now: Time away until 07:00", or "Open now — 20 min
    of 30 min used today, 10 min left" (the guardian's preview says the same line)."""
    reason = lock_reason(controls, local_now, used_minutes, limit_minutes)
    return f"Locked now: {reason}" if reason else f"Open now — {time_left(used_minutes, limit_minutes)}"


def time_left(used_minutes: int, limit_minutes: int | None) -> str:
    if limit_minutes is None:
        return f"{format_minutes(used_minutes)} used today, no daily limit"
    left = max(0, limit_minutes - used_minutes)
    return f"{format_minutes(used_minutes)} of {format_minutes(limit_minutes)} used today, {format_minutes(left)} left"


def link_end_notice(name: str, eighteenth: date, today: date, *, for_teen: bool) -> str | None:
    """The notice shown from 30 days before the 18th birthday (None before then)."""
    days = (eighteenth - today).days
    if days > LINK_END_NOTICE_DAYS or days < 0:
        return None
    when = "today" if days == 0 else f"on {day_in_words(eighteenth)} ({days} day{'s' if days != 1 else ''} from now)"
    if for_teen:
        return f"You turn 18 {when}: then your guardians' link ends and no controls apply any more."
    return f"{name} turns 18 {when}: then your link ends and FamGuard stops managing {name}'s account."


def link_ends_on(activity: Iterable[ActivityEntry]) -> date | None:
    """The 18th birthday, when the history says the family was told the link will end."""
    for entry in activity:
        if entry.kind == "link" and entry.field == "ending" and isinstance(entry.after, Mapping):
            try:
                return date.fromisoformat(str(entry.after.get("on")))
            except ValueError:
                return None
    return None


def requests_in_words(today: Sequence[TimeRequest], *, linked: bool) -> str:
    """What became of each of the teen's requests for more time today (`today`, newest first), a
    line for each kind, the newest news first: what still waits, what was given (added up, with
    who gave it), what was refused (by whom) and what closed unanswered. The phone said only the
    newest request: after 45 and 1 h 40 min were given it said "gave you 1 h 40 min more today",
    one waiting request of three, and a refusal went as soon as another was answered (outside
    testers)."""
    if not today:
        return ""
    latest = today[0]
    waiting = [r for r in today if r.status == TimeRequestStatus.PENDING]
    if not linked:
        if latest.status == TimeRequestStatus.PENDING:
            # A service from before requests closed with the last link kept them waiting.
            asked = "Your request" if len(waiting) == 1 else "Your requests"
            return (
                f"◷ {asked} for {_minutes_listed(waiting)} more wait{'s' if len(waiting) == 1 else ''} until a "
                "guardian links with you: no guardian manages this account now."
            )
        if _closed_unanswered(latest):
            return (
                f"✗ Your request for {format_minutes(latest.minutes)} more closed unanswered: no guardian manages "
                "this account now. Ask again once a guardian links with you."
            )
        return ""  # what was given no longer counts: no limit applies (the time left says so)
    lines: list[tuple[datetime, str]] = []  # (when its newest news came, the line)
    if waiting:
        asked = f"{_minutes_listed(waiting)} more"
        line = f"◷ Waiting for an answer: {asked}" if len(waiting) == 1 else f"◷ Waiting for answers: {asked}"
        lines.append((max(r.created_at for r in waiting), line))
    given = [r for r in today if r.status == TimeRequestStatus.APPROVED]
    if given:
        lines.append((_newest_answer(given), _given_words(given)))
    refused = [r for r in today if r.status == TimeRequestStatus.DENIED and not _closed_unanswered(r)]
    if refused:
        lines.append((_newest_answer(refused), _refused_words(refused)))
    closed = [r for r in today if _closed_unanswered(r)]
    if closed:
        requests = "Your request" if len(closed) == 1 else "Your requests"
        words = (f"✗ {requests} for {_minutes_listed(closed)} more closed unanswered when no guardian was "
                 "linked. Ask again if you still need it.")  # fmt: skip
        lines.append((_newest_answer(closed), words))
    lines.sort(key=lambda line: line[0], reverse=True)  # stable: alike times keep the order above
    return "\n".join(words for _when, words in lines)


def _newest_answer(requests: Sequence[TimeRequest]) -> datetime:
    return max(r.decided_at or r.created_at for r in requests)


def _refused_words(refused: Sequence[TimeRequest]) -> str:
    """ "✗ Alex said no to 20 min more", "✗ Alex said no to 10 min and 15 min more; Sam to 1 h
    more" — each guardian once, the amounts in the order asked."""
    by_guardian: dict[str, list[TimeRequest]] = {}
    for request in reversed(refused):
        by_guardian.setdefault(request.decided_by or "Your guardian", []).append(request)
    said = [f"{who} said no to" if not k else f"{who} to" for k, who in enumerate(by_guardian)]
    return "✗ " + "; ".join(
        f"{words} {listed([format_minutes(r.minutes) for r in requests])} more"
        for words, requests in zip(said, by_guardian.values(), strict=True)
    )


def _closed_unanswered(request: TimeRequest) -> bool:
    """Closed by the service when the last link ended: no guardian said no."""
    return request.status == TimeRequestStatus.DENIED and request.decided_by is None


def _minutes_listed(requests: Sequence[TimeRequest]) -> str:
    return listed([format_minutes(r.minutes) for r in reversed(requests)])  # in the order asked


def _given_words(given: Sequence[TimeRequest]) -> str:
    """ "✓ Alex gave you 30 min more today", or for several "✓ Alex gave you 2 h 25 min more today
    (45 min and 1 h 40 min)" — with each one's giver when more than one guardian gave."""
    amounts = [(r.granted_minutes or r.minutes, r.decided_by or "Your guardian") for r in reversed(given)]
    total = format_minutes(sum(minutes for minutes, _ in amounts))
    givers = {who for _, who in amounts}
    if len(amounts) == 1:
        return f"✓ {amounts[0][1]} gave you {total} more today"
    if len(givers) == 1:
        each = listed([format_minutes(minutes) for minutes, _ in amounts])
        return f"✓ {amounts[0][1]} gave you {total} more today ({each})"
    each = listed([f"{format_minutes(minutes)} from {who}" for minutes, who in amounts])
    return f"✓ You were given {total} more today ({each})"
