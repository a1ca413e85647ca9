"""Temporary rules ("Exam weeks: one hour a day until 20 June"): a partial controls object laid
over a teen's controls between two of the teen's local dates, both inclusive. The rules of a
rule — its dates, its status on a given day, its controls checked by the same parsing and age
rules as a PATCH (famguard.domain.controls) — and the effective controls with a rule on top.
Shared by the service (which enforces them) and the app (which pre-checks and words them).

A rule starts at 00:00 of `starts_on` and ends at 24:00 of `ends_on` in the teen's time zone;
every question is asked as "what is the teen's date now" (schedule.teen_today), so a
daylight-saving change inside a rule moves nothing."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any, Protocol, TypeVar

from famguard.domain.controls import (
    Controls,
    apply_patch,
    controls_from_json,
    controls_to_json,
    parse_controls_patch,
    parse_sent_patch,
)
from famguard.domain.errors import DomainValidationError
from famguard.domain.plain_text import plain_text_problem
from famguard.domain.values import short_day

MAX_RULE_DAYS = 92
MAX_RULE_NAME = 80
# A rule changes what the teen may do, not the calendar the rule itself is measured in.
NOT_IN_A_RULE = frozenset({"timezone"})


# A day as it is typed: "15 Mar 2027", "15/3/27", "15.03", "Mar 15", "2027-03-15", "15".
# English, as every screen words a day; not the system's: Qt sets the C library's locale.
MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
               "November", "December")  # fmt: skip
HOW_TO_TYPE_A_DAY = "type the day, month and year, as 15 Mar 2027"
_DAY_PARTS = re.compile(r"[0-9]+|[A-Za-z]+")
_DAY_SEPARATORS = re.compile(r"[\s/.,-]*")
_ORDINAL = re.compile(r"(?<=\d)(st|nd|rd|th)\b", re.IGNORECASE)  # "1st", "22nd"


def day_text(day: date) -> str:
    """ "15 Mar 2027": a day as a date box shows it, and as `read_day` reads it back."""
    return f"{day.day} {MONTH_NAMES[day.month - 1][:3]} {day.year}"


def read_day(typed: str, shown: date, from_day: date | None = None) -> date:
    """The day `typed` names, as a guardian types one into a date box that showed `shown`: the day,
    month and year in that order, the month in words or digits, any of " / . , -" between them
    ("15 Mar 2027", "15/3/27", "15.03.2027"), or the year first ("2027-03-15"), or the month in
    words first ("Mar 15"), a day written "1st". What is left out is `shown`'s: "20" is the 20th
    of its month; a day and month without a year are the one nearest to it ("5 Jan" typed over
    20 Dec 2026 is 5 Jan 2027) — from `from_day` on when one is given, for a day alone too (a
    rule's days are today or later: "1/12" typed on 6 December 2026 is 1 December 2027, "3" is
    3 January). Raises ValueError with the reason in words ("February 2027 has 28 days")."""
    text = _ORDINAL.sub("", typed)
    parts = _DAY_PARTS.findall(text)
    if not parts or "".join(parts) != _DAY_SEPARATORS.sub("", text) or len(parts) > 3:
        raise ValueError(HOW_TO_TYPE_A_DAY)
    if parts[0].isalpha() and len(parts) >= 2:  # "Mar 15 [2027]"
        parts[0], parts[1] = parts[1], parts[0]
    elif len(parts[0]) == 4 and len(parts) == 3:  # "2027-03-15"
        parts.reverse()
    day_part, month_part, year_part = (parts + [None, None])[:3]
    if not day_part or not day_part.isdigit() or len(day_part) > 2:
        raise ValueError(HOW_TO_TYPE_A_DAY)
    if month_part is None:  # a day alone: of the month shown, or the nearest month from `from_day` on
        year, month = _nearest_month(int(day_part), shown, from_day)
    else:
        month = _month(month_part)
        if year_part is None:
            year = _nearest_year(int(day_part), month, shown, from_day)
        elif year_part.isdigit() and len(year_part) in (2, 4):
            year = int(year_part) + (2000 if len(year_part) == 2 else 0)
        else:
            raise ValueError(HOW_TO_TYPE_A_DAY)
    if not 1900 <= year <= 2999:  # "0000" or "9999": a slip, and beyond what `date` can step over
        raise ValueError(HOW_TO_TYPE_A_DAY)
    day = int(day_part)
    if day < 1:
        raise ValueError(f"there is no day {day_part}: {HOW_TO_TYPE_A_DAY}")
    if day > _days_in(year, month):
        raise ValueError(f"{MONTH_NAMES[month - 1]} {year} has {_days_in(year, month)} days")
    return date(year, month, day)


def _days_in(year: int, month: int) -> int:
    return (date(year + month // 12, month % 12 + 1, 1) - date(year, month, 1)).days


def _month(part: str) -> int:
    if part.isdigit():
        if 1 <= int(part) <= 12 and len(part) <= 2:
            return int(part)
        raise ValueError(f"there is no month {part}: {HOW_TO_TYPE_A_DAY}")
    for number, name in enumerate(MONTH_NAMES, start=1):
        if len(part) >= 3 and name.lower().startswith(part.lower()):
            return number
    raise ValueError(f"“{part}” is not a month: {HOW_TO_TYPE_A_DAY}")


def _nearest_month(day: int, shown: date, from_day: date | None) -> tuple[int, int]:
    """(year, month) of a day typed alone: `shown`'s month; with `from_day`, of the months before,
    of and after `shown`'s, the one whose `day` is nearest to `shown` from `from_day` on ("28" typed
    into a last day showing 2 January, the first day being 20 December, is 28 December)."""
    months = [(shown.year + (shown.month - 1 + step) // 12, (shown.month - 1 + step) % 12 + 1) for step in (-1, 0, 1)]
    found = _nearest_to_come(day, months, shown, from_day) if from_day is not None else None
    return found or (shown.year, shown.month)


def _nearest_year(day: int, month: int, shown: date, from_day: date | None) -> int:
    """Of the years before, of and after `shown`'s, the one whose `month` and `day` are nearest to it,
    among those from `from_day` on when any is (a day that is in none of them, 30 February, is left
    to be refused in words)."""
    months = [(year, month) for year in (shown.year - 1, shown.year, shown.year + 1)]
    found = _nearest_to_come(day, months, shown, from_day) or _nearest_to_come(day, months, shown, None)
    return found[0] if found else shown.year


def _nearest_to_come(
    day: int, months: list[tuple[int, int]], shown: date, from_day: date | None
) -> tuple[int, int] | None:
    """Of `months` (year, month) that have a `day`, the one whose `day` is nearest to `shown`,
    among those on or after `from_day` (any, without it); None when none is."""
    having = [
        (year, month)
        for year, month in months
        if 1 <= day <= _days_in(year, month) and (from_day is None or date(year, month, day) >= from_day)
    ]
    return min(having, key=lambda ym: abs((date(ym[0], ym[1], day) - shown).days), default=None)


class RuleStatus(StrEnum):
    SCHEDULED = "scheduled"
    ACTIVE = "active"
    ENDED = "ended"


def rule_status(starts_on: date, ends_on: date, today: date) -> RuleStatus:
    """Where a rule stands on the teen's `today`."""
    if today < starts_on:
        return RuleStatus.SCHEDULED
    if today > ends_on:
        return RuleStatus.ENDED
    return RuleStatus.ACTIVE


class Dated(Protocol):
    """A rule as the service stores it or the app reads it: what `in_force` needs of it."""

    @property
    def starts_on(self) -> date: ...

    @property
    def ends_on(self) -> date: ...


R = TypeVar("R", bound=Dated)


def in_force(rules: Iterable[R], day: date) -> R | None:
    """The rule in force on the teen's `day`, if any (rules do not overlap: at most one is)."""
    return next((r for r in rules if rule_status(r.starts_on, r.ends_on, day) is RuleStatus.ACTIVE), None)


@dataclass(frozen=True)
class RulePreset:
    """A starting point the app offers when planning a rule."""

    name: str
    days: int
    controls: Mapping[str, Any]


EVERY_NIGHT = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
# A rule's limit comes with empty per-weekday limits, or a weekday's own limit would beat it.
PRESETS: tuple[RulePreset, ...] = (
    RulePreset(
        "Exam weeks",
        14,
        {
            "daily_limit_minutes": 60,
            "daily_limit_overrides": {},
            "time_away": [{"days": EVERY_NIGHT, "start": "22:00", "end": "07:00"}],
        },
    ),
    RulePreset("Holiday", 14, {"daily_limit_minutes": 120, "daily_limit_overrides": {}}),
)


def overlaps(starts_on: date, ends_on: date, start: date, end: date) -> bool:
    """Whether the days from `starts_on` to `ends_on` and from `start` to `end` (each inclusive)
    share one: two rules of a teen may not."""
    return starts_on <= end and start <= ends_on


def check_dates(
    name: str, starts_on: date, ends_on: date, today: date, others: Iterable[tuple[date, date]] = ()
) -> dict[str, str]:
    """Every broken rule of a rule's name and dates, by field ({} when all is well). `others` are
    the (starts_on, ends_on) of the teen's other rules, which it may not overlap."""
    problems: dict[str, str] = {}
    if not name.strip():
        problems["name"] = "Give the rule a name, for example “Exam weeks”."
    elif len(name.strip()) > MAX_RULE_NAME:
        problems["name"] = f"Use at most {MAX_RULE_NAME} characters (this name has {len(name.strip())})."
    elif (hidden := plain_text_problem(name)) is not None:
        problems["name"] = hidden
    if ends_on < starts_on:
        problems["ends_on"] = "The last day comes before the first day."
    elif (ends_on - starts_on).days + 1 > MAX_RULE_DAYS:
        problems["ends_on"] = f"A temporary rule lasts at most {MAX_RULE_DAYS} days."
    elif ends_on < today:
        problems["ends_on"] = "This rule would already be over: choose a last day from today on."
    elif starts_on < today:
        # A rule cannot have applied on days gone by: one begun "last Tuesday" was in force at once
        # and the screen-time chart drew those days against its limit, over it (an outside tester).
        problems["starts_on"] = "A rule cannot begin on a day gone by: choose today or a later first day."
    if not problems:
        for start, end in others:
            if overlaps(starts_on, ends_on, start, end):
                # Where the guardian can do what is asked: "end that rule first" pointed nowhere
                # for a rule not started yet, which the app could not remove.
                way = (
                    "end that rule first (“End now…” on the Phone and temporary rules page)"
                    if start <= today
                    else "remove that rule first (“Remove…” on the Phone and temporary rules page)"
                )
                problems["starts_on"] = (
                    f"Another temporary rule runs from {short_day(start)} to {short_day(end)} {end.year}; rules "
                    f"cannot overlap. Choose days outside it, or {way}."
                )
                break
    return problems


def parse_rule_controls(raw: Any, base: Controls, age: int) -> dict[str, Any]:  # noqa: ANN401 - JSON
    """A rule's typed controls, checked exactly like a PATCH of `base` at `age` (the same parsing
    and age rules); problems are named `controls.<field>`."""
    if isinstance(raw, Mapping) and not raw:
        raise DomainValidationError({"controls": "Choose at least one setting for the rule to change."})
    try:
        patch = parse_sent_patch(raw, controls_to_json(base))
        banned = {name: "A temporary rule cannot change this." for name in patch if name in NOT_IN_A_RULE}
        if banned:
            raise DomainValidationError(banned)
        apply_patch(base, patch, age)
    except DomainValidationError as exc:
        raise DomainValidationError(
            {name if name == "controls" else f"controls.{name}": reason for name, reason in exc.fields.items()}
        ) from None
    return patch


def with_rule(base: Controls, rule_controls: Mapping[str, Any], age: int) -> Controls:
    """The effective controls: `base` with a rule's JSON values on top. Values the teen's age no
    longer allows (they were checked when the rule was made) are left out rather than break."""
    body = controls_to_json(base)
    for name, value in rule_controls.items():
        if name in body and name not in NOT_IN_A_RULE:
            try:
                body = controls_to_json(
                    apply_patch(controls_from_json(body, age), parse_controls_patch({name: value}), age)
                )
            except DomainValidationError:
                continue
    return controls_from_json(body, age)
