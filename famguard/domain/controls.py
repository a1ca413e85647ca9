"""Every safety control of a teen: its allowed values, its default at link time, the age rules,
and its JSON form on the wire. Declared once here; the server validates with it and the client
explains and pre-checks with it."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from famguard.domain.age import is_under_16
from famguard.domain.errors import DomainValidationError


class Audience(StrEnum):
    """Who may comment on the teen's videos or message the teen."""

    EVERYONE = "everyone"
    FRIENDS = "friends"
    NO_ONE = "no_one"


class LikedVisibility(StrEnum):
    """Who may see the videos the teen liked."""

    EVERYONE = "everyone"
    FRIENDS = "friends"
    ONLY_ME = "only_me"


WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAILY_LIMIT_MIN = 10
DAILY_LIMIT_MAX = 720
DAILY_LIMIT_PRESETS: tuple[int, ...] = (40, 60, 90, 120)
DEFAULT_DAILY_LIMIT = 60
MAX_KEYWORDS = 200
MAX_KEYWORD_LENGTH = 50
MAX_TIME_AWAY_BLOCKS = 14
DEFAULT_TIMEZONE = "UTC"

_CLOCK_RE = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")

UNDER_16_REASON = "Not available under 16"


@dataclass(frozen=True)
class TimeAwayBlock:
    """The app is locked from `start` to `end` (24-hour "HH:MM") starting on each of `days`;
    an end at or before the start runs into the next morning."""

    days: tuple[str, ...]
    start: str
    end: str


@dataclass(frozen=True)
class QuietHours:
    """Push notifications are muted from `start` to `end` every day."""

    start: str
    end: str


@dataclass(frozen=True)
class Controls:
    comments: Audience = Audience.FRIENDS
    direct_messages: Audience = Audience.NO_ONE
    search_enabled: bool = True
    restricted_mode: bool = False
    private_account: bool = True
    suggest_account: bool = True
    liked_videos: LikedVisibility = LikedVisibility.ONLY_ME
    daily_limit_minutes: int | None = DEFAULT_DAILY_LIMIT
    daily_limit_overrides: Mapping[str, int] = field(default_factory=dict)
    time_away: tuple[TimeAwayBlock, ...] = ()
    quiet_hours: QuietHours | None = None
    keyword_filters: tuple[str, ...] = ()
    timezone: str = DEFAULT_TIMEZONE

    def replace(self, **changes: Any) -> Controls:
        return dataclasses.replace(self, **changes)


CONTROL_FIELDS: tuple[str, ...] = tuple(f.name for f in dataclasses.fields(Controls))


def defaults_for_age(age: int, timezone: str = DEFAULT_TIMEZONE) -> Controls:
    """The controls a teen gets when a guardian first links, as PRODUCT.md's table says."""
    young = is_under_16(age)
    return Controls(
        comments=Audience.FRIENDS,
        direct_messages=Audience.NO_ONE,
        search_enabled=True,
        restricted_mode=False,
        private_account=True,
        suggest_account=not young,
        liked_videos=LikedVisibility.ONLY_ME,
        daily_limit_minutes=DEFAULT_DAILY_LIMIT,
        daily_limit_overrides={},
        time_away=(),
        quiet_hours=QuietHours("21:00", "08:00") if young else QuietHours("22:00", "08:00"),
        keyword_filters=(),
        timezone=timezone,
    )


def option_restriction(field_name: str, value: Any, age: int) -> str | None:
    """Why `value` is not allowed for `field_name` at `age`, or None when it is allowed."""
    if not is_under_16(age):
        return None
    if field_name == "comments" and value == Audience.EVERYONE:
        return f"{UNDER_16_REASON}: comments from everyone are off for younger teens."
    if field_name == "direct_messages" and value != Audience.NO_ONE:
        return f"{UNDER_16_REASON}: direct messages are turned off for younger teens."
    return None


def age_rule_violations(controls: Controls, age: int) -> dict[str, str]:
    """Each field of `controls` that breaks an age rule, with the reason."""
    problems: dict[str, str] = {}
    for name in ("comments", "direct_messages"):
        reason = option_restriction(name, getattr(controls, name), age)
        if reason:
            problems[name] = reason
    return problems


def conform_to_age(controls: Controls, age: int) -> Controls:
    """The closest controls that obey the age rules (used when a teen's age band changes)."""
    if not is_under_16(age):
        return controls
    return controls.replace(
        comments=Audience.FRIENDS if controls.comments == Audience.EVERYONE else controls.comments,
        direct_messages=Audience.NO_ONE,
    )


# --- the wire form -------------------------------------------------------------------------


def controls_to_json(controls: Controls) -> dict[str, Any]:
    return {
        "comments": controls.comments.value,
        "direct_messages": controls.direct_messages.value,
        "search_enabled": controls.search_enabled,
        "restricted_mode": controls.restricted_mode,
        "private_account": controls.private_account,
        "suggest_account": controls.suggest_account,
        "liked_videos": controls.liked_videos.value,
        "daily_limit_minutes": controls.daily_limit_minutes,
        "daily_limit_overrides": {
            d: controls.daily_limit_overrides[d] for d in WEEKDAYS if d in controls.daily_limit_overrides
        },
        "time_away": [time_away_block_to_json(b) for b in controls.time_away],
        "quiet_hours": None
        if controls.quiet_hours is None
        else {"start": controls.quiet_hours.start, "end": controls.quiet_hours.end},
        "keyword_filters": list(controls.keyword_filters),
        "timezone": controls.timezone,
    }


def time_away_block_to_json(block: TimeAwayBlock) -> dict[str, Any]:
    return {"days": list(block.days), "start": block.start, "end": block.end}


def controls_from_json(raw: Any) -> Controls:
    """A complete controls object from JSON; every field must be present and valid."""
    if not isinstance(raw, Mapping):
        raise DomainValidationError({"controls": "Expected an object with every control."})
    missing = [name for name in CONTROL_FIELDS if name not in raw]
    if missing:
        raise DomainValidationError({name: "This setting is missing." for name in missing})
    return Controls(**parse_controls_patch(raw))


def parse_controls_patch(raw: Any) -> dict[str, Any]:
    """Typed values for the fields present in `raw`, a partial controls object from JSON.

    Unknown fields, wrong types and out-of-range values raise DomainValidationError, with every
    broken field named at once so the user can fix them together."""
    if not isinstance(raw, Mapping):
        raise DomainValidationError({"controls": "Expected an object of settings to change."})
    values: dict[str, Any] = {}
    problems: dict[str, str] = {}
    for name, value in raw.items():
        parser = _FIELD_PARSERS.get(name)
        if parser is None:
            problems[str(name)] = "This is not a setting FamGuard knows."
            continue
        try:
            values[name] = parser(value)
        except _FieldError as exc:
            problems[name] = str(exc)
    if problems:
        raise DomainValidationError(problems)
    return values


def apply_patch(current: Controls, patch: Mapping[str, Any], age: int) -> Controls:
    """`current` with the typed `patch` applied; the result must obey the age rules."""
    updated = current.replace(**patch)
    problems = {k: v for k, v in age_rule_violations(updated, age).items() if k in patch}
    if problems:
        raise DomainValidationError(problems)
    return updated


class _FieldError(ValueError):
    pass


def _enum(kind: type[StrEnum], label: str):
    def parse(value: Any) -> StrEnum:
        try:
            return kind(value)
        except ValueError:
            allowed = ", ".join(repr(m.value) for m in kind)
            raise _FieldError(f"{label} must be one of {allowed}.") from None

    return parse


def _bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise _FieldError("Must be on (true) or off (false).")
    return value


def _minutes(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _FieldError("Must be a whole number of minutes.")
    if not DAILY_LIMIT_MIN <= value <= DAILY_LIMIT_MAX:
        raise _FieldError(
            f"A daily limit must be between {DAILY_LIMIT_MIN} minutes and "
            f"{DAILY_LIMIT_MAX // 60} hours ({DAILY_LIMIT_MAX} minutes)."
        )
    return value


def _optional_minutes(value: Any) -> int | None:
    return None if value is None else _minutes(value)


def _overrides(value: Any) -> dict[str, int]:
    if not isinstance(value, Mapping):
        raise _FieldError("Must map weekdays (mon … sun) to minutes.")
    result: dict[str, int] = {}
    for day, minutes in value.items():
        if day not in WEEKDAYS:
            raise _FieldError(f"{day!r} is not a weekday; use mon, tue, wed, thu, fri, sat or sun.")
        result[day] = _minutes(minutes)
    return result


def _clock(value: Any) -> str:
    if not isinstance(value, str) or not _CLOCK_RE.match(value):
        raise _FieldError("Times are written as HH:MM on a 24-hour clock, for example 22:00.")
    return value


def _time_away(value: Any) -> tuple[TimeAwayBlock, ...]:
    if not isinstance(value, list):
        raise _FieldError("Must be a list of blocks, each with days, start and end.")
    if len(value) > MAX_TIME_AWAY_BLOCKS:
        raise _FieldError(f"At most {MAX_TIME_AWAY_BLOCKS} time-away blocks.")
    blocks = []
    for item in value:
        if not isinstance(item, Mapping) or set(item) != {"days", "start", "end"}:
            raise _FieldError("Each block needs exactly days, start and end.")
        days = item["days"]
        if not isinstance(days, list) or not days or any(d not in WEEKDAYS for d in days):
            raise _FieldError("Each block needs at least one weekday (mon … sun).")
        start, end = _clock(item["start"]), _clock(item["end"])
        if start == end:
            raise _FieldError("A time-away block must end at a different time than it starts.")
        ordered = tuple(d for d in WEEKDAYS if d in days)
        blocks.append(TimeAwayBlock(ordered, start, end))
    return tuple(blocks)


def _quiet_hours(value: Any) -> QuietHours | None:
    if value is None:
        return None
    if not isinstance(value, Mapping) or set(value) != {"start", "end"}:
        raise _FieldError("Quiet hours need a start and an end, or null for none.")
    start, end = _clock(value["start"]), _clock(value["end"])
    if start == end:
        raise _FieldError("Quiet hours must end at a different time than they start.")
    return QuietHours(start, end)


def _keywords(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise _FieldError("Must be a list of words or hashtags.")
    seen: set[str] = set()
    words: list[str] = []
    for item in value:
        if not isinstance(item, str):
            raise _FieldError("Each keyword must be text.")
        word = " ".join(item.split())
        if not word:
            raise _FieldError("A keyword cannot be empty.")
        if len(word) > MAX_KEYWORD_LENGTH:
            raise _FieldError(f"A keyword can be at most {MAX_KEYWORD_LENGTH} characters.")
        if word.casefold() not in seen:
            seen.add(word.casefold())
            words.append(word)
    if len(words) > MAX_KEYWORDS:
        raise _FieldError(f"At most {MAX_KEYWORDS} keywords; remove {len(words) - MAX_KEYWORDS}.")
    return tuple(words)


def _timezone(value: Any) -> str:
    if not isinstance(value, str) or not value or len(value) > 64 or value.startswith("/") or ".." in value:
        raise _FieldError("Must be a time zone name such as Europe/London.")
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise _FieldError(f"{value!r} is not a time zone FamGuard knows; use a name such as Europe/London.") from None
    return value


_FIELD_PARSERS = {
    "comments": _enum(Audience, "Comments"),
    "direct_messages": _enum(Audience, "Direct messages"),
    "search_enabled": _bool,
    "restricted_mode": _bool,
    "private_account": _bool,
    "suggest_account": _bool,
    "liked_videos": _enum(LikedVisibility, "Liked videos"),
    "daily_limit_minutes": _optional_minutes,
    "daily_limit_overrides": _overrides,
    "time_away": _time_away,
    "quiet_hours": _quiet_hours,
    "keyword_filters": _keywords,
    "timezone": _timezone,
}
assert set(_FIELD_PARSERS) == set(CONTROL_FIELDS), "every control needs a parser"
