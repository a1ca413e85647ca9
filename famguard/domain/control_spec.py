"""How a control is declared: the kinds of value (each with one wire form and one schema type),
the editor kinds the app builds, age rules, and `ControlSpec`, which ties them together. The
controls themselves are declared in famguard.domain.controls."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, NamedTuple

from famguard.domain.age import OLDER_TEEN_AGE
from famguard.domain.values import (
    choice_parser,
    describe_keywords,
    describe_quiet_hours,
    describe_time_away,
    describe_weekday_minutes,
    dump_keywords,
    dump_plain,
    dump_quiet_hours,
    dump_time_away,
    dump_weekday_minutes,
    format_minutes,
    parse_bool,
    parse_keywords,
    parse_optional_minutes,
    parse_quiet_hours,
    parse_time_away,
    parse_weekday_minutes,
)


class ValueKind(StrEnum):
    """What a control holds; each kind has one wire form (values.py) and one schema type."""

    CHOICE = "choice"  # one of the spec's `choices`
    TOGGLE = "toggle"  # on (true) or off (false)
    MINUTES = "minutes"  # whole minutes within `bounds`, or null for none
    WEEKDAY_MINUTES = "weekday_minutes"  # {"sat": 120, ...}, minutes within `bounds`
    TIME_AWAY = "time_away"  # up to `max_items` weekly blocks
    QUIET_HOURS = "quiet_hours"  # {"start", "end"} or null
    KEYWORDS = "keywords"  # up to `max_items` words or hashtags
    TIMEZONE = "timezone"  # an IANA name


class EditorKind(StrEnum):
    """The widget the app builds for a control (ui/control_editors.py EDITORS)."""

    RADIO = "radio"
    CHECKBOX = "checkbox"
    DAILY_LIMIT = "daily_limit"
    WEEKDAY_LIMITS = "weekday_limits"
    TIME_AWAY = "time_away"
    QUIET_HOURS = "quiet_hours"
    KEYWORD_LIST = "keyword_list"
    TIMEZONE_PICKER = "timezone_picker"


@dataclass(frozen=True)
class AgeRule:
    """Below `min_age` only the `allowed` values may be set; the first is where conform_to_age
    moves any other value. A single allowed value means the control is not available at all."""

    allowed: tuple[Any, ...]
    reason: str  # said after "Not available under 16: "
    min_age: int = OLDER_TEEN_AGE

    @property
    def unavailable(self) -> bool:
        return len(self.allowed) == 1


_SAME: Any = object()  # young_default not given: the same default at every age


class _Kind(NamedTuple):
    parse: Callable[[Any], Any]
    dump: Callable[[Any], Any]
    describe: Callable[[Any], str]


@dataclass(frozen=True)
class ControlSpec:
    """One control, declared once."""

    name: str
    kind: ValueKind
    editor: EditorKind
    group: str
    label: str
    summary: str
    details: str
    default: Any  # at 16–17 (and under 16 unless young_default says otherwise)
    young_default: Any = _SAME
    choices: tuple[tuple[Any, str], ...] = ()  # (value, label) in the order shown
    bounds: tuple[int, int] | None = None
    max_items: int | None = None
    age_rule: AgeRule | None = None
    toggle_text: str = ""  # the checkbox's words for an on/off control
    parser: Callable[[Any], Any] | None = None  # instead of the kind's own (the time zone's is in controls.py)

    def default_for(self, age: int) -> Any:
        young = self.age_rule.min_age if self.age_rule else OLDER_TEEN_AGE
        if age < young and self.young_default is not _SAME:
            return self.young_default
        return self.default

    def parse(self, raw: Any) -> Any:
        """The typed value of its wire form; FieldError says what is wrong."""
        if self.parser is not None:
            return self.parser(raw)
        if self.kind is ValueKind.CHOICE:
            return choice_parser(type(self.choices[0][0]), self.label)(raw)
        return _KINDS[self.kind].parse(raw)

    def dump(self, value: Any) -> Any:
        return _KINDS[self.kind].dump(value)

    def describe(self, value: Any) -> str:
        """The value as a parent reads it ("Friends", "1 h 30 min", "Off")."""
        if self.kind is ValueKind.CHOICE:
            return dict(self.choices).get(value, str(value))
        return _KINDS[self.kind].describe(value)

    def restriction(self, value: Any, age: int) -> str | None:
        """Why `value` is not allowed at `age`, or None when it is."""
        rule = self.age_rule
        if rule is None or age >= rule.min_age or value in rule.allowed:
            return None
        return f"Not available under {rule.min_age}: {rule.reason}"


def _needs_own_parser(raw: Any) -> Any:
    raise TypeError("this kind is parsed by the spec (its choices or its `parser`)")


def _on_off(value: Any) -> str:
    return "On" if value else "Off"


def _describe_minutes(value: Any) -> str:
    return format_minutes(value)


_KINDS: dict[ValueKind, _Kind] = {
    ValueKind.TOGGLE: _Kind(parse_bool, dump_plain, _on_off),
    ValueKind.MINUTES: _Kind(parse_optional_minutes, dump_plain, _describe_minutes),
    ValueKind.WEEKDAY_MINUTES: _Kind(parse_weekday_minutes, dump_weekday_minutes, describe_weekday_minutes),
    ValueKind.TIME_AWAY: _Kind(parse_time_away, dump_time_away, describe_time_away),
    ValueKind.QUIET_HOURS: _Kind(parse_quiet_hours, dump_quiet_hours, describe_quiet_hours),
    ValueKind.KEYWORDS: _Kind(parse_keywords, dump_keywords, describe_keywords),
    ValueKind.CHOICE: _Kind(_needs_own_parser, dump_plain, str),  # parsed and described by its choices
    ValueKind.TIMEZONE: _Kind(_needs_own_parser, dump_plain, str),
}
