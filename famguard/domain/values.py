"""The kinds of value a control can hold, each with its wire form (parse and serialise) and the
words a parent reads for it. A control (famguard.domain.controls) picks one of these kinds; a
new control of an existing kind needs nothing here."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from famguard.domain.plain_text import harmless

WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_NAMES = {"mon": "Mon", "tue": "Tue", "wed": "Wed", "thu": "Thu", "fri": "Fri", "sat": "Sat", "sun": "Sun"}
DAILY_LIMIT_MIN = 10
DAILY_LIMIT_MAX = 720
DAILY_LIMIT_PRESETS: tuple[int, ...] = (40, 60, 90, 120)
DEFAULT_DAILY_LIMIT = 60
MAX_KEYWORDS = 200
MAX_KEYWORD_LENGTH = 50
MAX_TIME_AWAY_BLOCKS = 14
DEFAULT_TIMEZONE = "UTC"
CLOCK_PATTERN = r"^([01][0-9]|2[0-3]):([0-5][0-9])$"  # ASCII digits: \d takes any script's

_CLOCK_RE = re.compile(CLOCK_PATTERN)


class Audience(StrEnum):
    """Who may comment on, message, or Duet and Stitch with the teen."""

    EVERYONE = "everyone"
    FRIENDS = "friends"
    NO_ONE = "no_one"


class LikedVisibility(StrEnum):
    """Who may see the videos the teen liked."""

    EVERYONE = "everyone"
    FRIENDS = "friends"
    ONLY_ME = "only_me"


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


class FieldError(ValueError):
    """One value broke its rule; the message says why in a parent's words."""


# --- parsing the wire form ---------------------------------------------------------------------


def choice_parser(kind: type[StrEnum], label: str) -> Callable[[Any], StrEnum]:
    def parse(value: Any) -> StrEnum:
        try:
            return kind(value)
        except ValueError:
            allowed = ", ".join(repr(m.value) for m in kind)
            raise FieldError(f"{label} must be one of {allowed}.") from None

    return parse


def parse_bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise FieldError("Must be on (true) or off (false).")
    return value


def parse_minutes(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise FieldError("Must be a whole number of minutes.")
    if not DAILY_LIMIT_MIN <= value <= DAILY_LIMIT_MAX:
        raise FieldError(
            f"A daily limit must be between {DAILY_LIMIT_MIN} minutes and "
            f"{DAILY_LIMIT_MAX // 60} hours ({DAILY_LIMIT_MAX} minutes)."
        )
    return value


def parse_optional_minutes(value: Any) -> int | None:
    return None if value is None else parse_minutes(value)


def parse_weekday_minutes(value: Any) -> dict[str, int]:
    if not isinstance(value, Mapping):
        raise FieldError("Must map weekdays (mon … sun) to minutes.")
    result: dict[str, int] = {}
    for day, minutes in value.items():
        if day not in WEEKDAYS:
            raise FieldError(f"{day!r} is not a weekday; use mon, tue, wed, thu, fri, sat or sun.")
        result[day] = parse_minutes(minutes)
    return result


def parse_clock(value: Any) -> str:
    # fullmatch: `$` also matches before a final line break, and "07:00\n" (an end equal to its
    # start once read, a line break kept in the controls) was taken.
    if not isinstance(value, str) or not _CLOCK_RE.fullmatch(value):
        raise FieldError("Times are written as HH:MM on a 24-hour clock, for example 22:00.")
    return value


def parse_time_away(value: Any) -> tuple[TimeAwayBlock, ...]:
    if not isinstance(value, list):
        raise FieldError("Must be a list of blocks, each with days, start and end.")
    if len(value) > MAX_TIME_AWAY_BLOCKS:
        raise FieldError(f"At most {MAX_TIME_AWAY_BLOCKS} time-away blocks.")
    blocks = []
    for item in value:
        if not isinstance(item, Mapping) or set(item) != {"days", "start", "end"}:
            raise FieldError("Each block needs exactly days, start and end.")
        days = item["days"]
        if not isinstance(days, list) or not days or any(d not in WEEKDAYS for d in days):
            raise FieldError("Each block needs at least one weekday (mon … sun).")
        start, end = parse_clock(item["start"]), parse_clock(item["end"])
        if start == end:
            raise FieldError("A time-away block must end at a different time than it starts.")
        ordered = tuple(d for d in WEEKDAYS if d in days)
        blocks.append(TimeAwayBlock(ordered, start, end))
    return tuple(blocks)


def parse_quiet_hours(value: Any) -> QuietHours | None:
    if value is None:
        return None
    if not isinstance(value, Mapping) or set(value) != {"start", "end"}:
        raise FieldError("Quiet hours need a start and an end, or null for none.")
    start, end = parse_clock(value["start"]), parse_clock(value["end"])
    if start == end:
        raise FieldError("Quiet hours must end at a different time than they start.")
    return QuietHours(start, end)


def kept_keyword(text: str) -> str:
    """A keyword as the controls keep it: trimmed, its inner spaces (tabs, runs) one space each."""
    return " ".join(text.split())


def parse_keywords(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise FieldError("Must be a list of words or hashtags.")
    seen: set[str] = set()
    words: list[str] = []
    for item in value:
        if not isinstance(item, str):
            raise FieldError("Each keyword must be text.")
        word = kept_keyword(item)
        if not word:
            raise FieldError("A keyword cannot be empty.")
        if len(word) > MAX_KEYWORD_LENGTH:
            raise FieldError(f"A keyword can be at most {MAX_KEYWORD_LENGTH} characters.")
        if word.casefold() not in seen:
            seen.add(word.casefold())
            words.append(word)
    if len(words) > MAX_KEYWORDS:
        raise FieldError(f"At most {MAX_KEYWORDS} keywords; remove {len(words) - MAX_KEYWORDS}.")
    return tuple(words)


# --- serialising ------------------------------------------------------------------------------


def dump_plain(value: Any) -> Any:
    """Booleans, numbers, text and None are their own wire form; enums are their value."""
    return value.value if isinstance(value, StrEnum) else value


def dump_weekday_minutes(value: Mapping[str, int]) -> dict[str, int]:
    return {d: value[d] for d in WEEKDAYS if d in value}


def time_away_block_to_json(block: TimeAwayBlock) -> dict[str, Any]:
    return {"days": list(block.days), "start": block.start, "end": block.end}


def dump_time_away(value: tuple[TimeAwayBlock, ...]) -> list[dict[str, Any]]:
    return [time_away_block_to_json(b) for b in value]


def dump_quiet_hours(value: QuietHours | None) -> dict[str, str] | None:
    return None if value is None else {"start": value.start, "end": value.end}


def dump_keywords(value: tuple[str, ...]) -> list[str]:
    return list(value)


# --- in a parent's words ---------------------------------------------------------------------


def format_minutes(minutes: int | None) -> str:
    """A duration as a parent says it: "No limit", "45 min", "1 h", "1 h 30 min"."""
    if minutes is None:
        return "No limit"
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h" if not rest else f"{hours} h {rest} min"


def recorded_minutes(value: Any) -> str:  # noqa: ANN401 - an activity entry's JSON number, normally
    """Minutes as a history entry recorded them, said like any duration ("1 h 40 min")."""
    return format_minutes(value) if isinstance(value, int) else str(value)


# Minutes as a box takes them ("90"), or hours and minutes as a parent writes them: "1:30", "1.30",
# "1h30", "1 h 30 min", "2h". After ":" or "." the minutes are two digits (under 60): "1.5" could
# be one and a half hours or 1 h 05, and is not guessed.
# The words for minutes and hours as parents write them ("90 mins", "2 hours", "1 hr 30 m"): once a
# box kept letters as typed, "90 minutes" would otherwise be refused as no number of minutes.
_MINUTE_WORD = r"(?:m|mins?|minutes?)"
_HOUR_WORD = r"(?:h|hrs?|hours?)"
_WHOLE_MINUTES = re.compile(rf"(\d{{1,5}})(?:\s*{_MINUTE_WORD})?", re.IGNORECASE)
_HOURS_AND_MINUTES = re.compile(
    rf"(\d{{1,2}})\s*(?:[:.]\s*(\d{{2}})|{_HOUR_WORD}\s*(?:(\d{{1,2}})\s*{_MINUTE_WORD}?)?)", re.IGNORECASE
)
# What a minutes box lets be typed, and keeps as typed to be refused with words when it says no
# minutes: any short printable text. Held to digits and what hours and minutes are written with, a
# box dropped "-" and letters without a word — "-5" asked for 5 min (an outside tester).
MINUTES_TYPING = re.compile(r"[^\x00-\x1f\x7f]{0,24}")


def read_minutes(typed: str) -> int | None:
    """The minutes `typed` says ("90", "1:30", "1.30", "1h30", "1 h 30 min", "2h"), or None when
    it says no number of minutes for certain ("1.5", "1:75", "1,30", "h")."""
    text = typed.strip()
    whole = _WHOLE_MINUTES.fullmatch(text)
    if whole:
        return int(whole.group(1))
    split = _HOURS_AND_MINUTES.fullmatch(text)
    if split is None:
        return None
    hours, minutes = int(split.group(1)), int(split.group(2) or split.group(3) or 0)
    return hours * 60 + minutes if minutes < 60 else None


def short_day(day: date, today: date | None = None) -> str:
    """ "Sat 14 Nov" (never "Sat 06 Dec"): a day where room is short, as every screen words it;
    with `today`, the year too when it is another ("Tue 5 Jan 2027")."""
    year = f" {day.year}" if today is not None and day.year != today.year else ""
    return f"{day:%a} {day.day} {day:%b}{year}"


def block_text(block: TimeAwayBlock) -> str:
    days = ", ".join(DAY_NAMES[d] for d in block.days)
    overnight = ""
    if block.end <= block.start:
        # 21:30–19:00 ends in the next day's evening: "into the next morning" said otherwise (a tester).
        overnight = " (into the next morning)" if block.end <= "12:00" else " (into the next day)"
    return f"{days}: {block.start}–{block.end}{overnight}"


def describe_weekday_minutes(value: Mapping[str, int]) -> str:
    return ", ".join(f"{DAY_NAMES[d]} {format_minutes(m)}" for d, m in dump_weekday_minutes(value).items()) or "None"


def describe_time_away(value: tuple[TimeAwayBlock, ...]) -> str:
    return "; ".join(block_text(b) for b in value) or "None"


def describe_quiet_hours(value: QuietHours | None) -> str:
    return "Off" if value is None else f"{value.start}–{value.end}"


def describe_keywords(value: tuple[str, ...]) -> str:
    # A keyword stored by an older service may hold what the plain-text rule now refuses.
    return ", ".join(harmless(word) for word in value) or "None"
