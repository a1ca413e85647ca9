"""Time in the teen's world: "today" in the teen's time zone, the limit that applies to a day
(also a past day's: the limits in force then, from the recorded changes), and whether a moment
falls in time away or quiet hours (correct across daylight-saving changes, because every question
is asked in the teen's local wall-clock time)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from famguard.domain.controls import SPECS, WEEKDAYS, Controls, TimeAwayBlock
from famguard.domain.values import FieldError
from famguard.domain.values import format_minutes as format_minutes  # moved; kept importable here

# The controls that make a day's limit; a change of either is undone to find a past day's limit.
LIMIT_FIELDS = ("daily_limit_minutes", "daily_limit_overrides")
DAY_MINUTES = 24 * 60


def teen_today(timezone: str, now: datetime) -> date:
    """The teen's calendar date at the instant `now` (which must be timezone-aware)."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    return now.astimezone(ZoneInfo(timezone)).date()


def weekday_key(day: date) -> str:
    return WEEKDAYS[day.weekday()]


def limit_for_day(controls: Controls, day: date, extra_minutes: int = 0) -> int | None:
    """Minutes allowed on `day` (the weekday override, else the daily limit) plus approved extra
    time; None when there is no limit at all."""
    base = controls.daily_limit_overrides.get(weekday_key(day), controls.daily_limit_minutes)
    if base is None:
        return None
    return base + max(0, extra_minutes)


@dataclass(frozen=True)
class LimitChange:
    """A recorded change of one of LIMIT_FIELDS: when it was made (aware), and the field's value
    before it, in the wire form the history keeps (60, {"sat": 120})."""

    at: datetime
    field: str
    before: Any


def end_of_day(day: date, timezone: str) -> datetime:
    """The instant `day` ends in `timezone`: the next day's local midnight (a change made at that
    instant belongs to the next day). The calendar's last day has no next: it ends after every
    moment there is."""
    if day == date.max:
        return datetime.max.replace(tzinfo=UTC)
    return datetime.combine(day + timedelta(days=1), time(), ZoneInfo(timezone))


def limits_in_force(
    controls: Controls, changes: Sequence[LimitChange], days: Iterable[date], timezone: str
) -> dict[date, Controls]:
    """Each day's controls with the limits in force at the end of that day in the teen's time
    zone: `controls` (the current ones) with the `changes` made after that moment undone, newest
    first. The end of the day, because that is the limit the phone enforced last that day (a
    limit raised at noon let the teen use the afternoon; one raised tomorrow did not).

    `changes`: in the order they were made (the history's), at least every limit change after
    the earliest day's end; changes of other fields are passed over. What is known goes back only
    as far as they do: a day before the oldest change given gets the state before that change,
    the oldest known (the controls as they were made, when the history is complete). A change
    whose `before` this version cannot read ends the reconstruction there: the days before it
    keep the state after it, rather than a guess."""
    newest_first = [change for change in reversed(changes) if change.field in LIMIT_FIELDS]
    undone = 0
    state = controls
    in_force: dict[date, Controls] = {}
    for day in sorted(set(days), reverse=True):
        ends = end_of_day(day, timezone)
        while undone < len(newest_first) and newest_first[undone].at >= ends:
            change = newest_first[undone]
            try:
                state = state.replace(**{change.field: SPECS[change.field].parse(change.before)})
            except FieldError:
                newest_first = newest_first[:undone]  # unreadable: nothing older is known either
                break
            undone += 1
        in_force[day] = state
    return in_force


def parse_clock(text: str) -> time:
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


def _minute_of_day(moment: time) -> int:
    return moment.hour * 60 + moment.minute


def _in_window(start: str, end: str, minute: int) -> tuple[bool, bool]:
    """(inside today's part, inside the part carried over from yesterday) of a window that may
    cross midnight."""
    start_m, end_m = _minute_of_day(parse_clock(start)), _minute_of_day(parse_clock(end))
    if start_m < end_m:
        return start_m <= minute < end_m, False
    return minute >= start_m, minute < end_m


def in_time_away(controls: Controls, local: datetime) -> TimeAwayBlock | None:
    """The time-away block that locks the app at the teen's local wall-clock time, if any.
    A block belongs to the day it starts on: a Sunday 22:00–07:00 block locks Monday 06:00."""
    minute = _minute_of_day(local.time())
    today = weekday_key(local.date())
    yesterday = weekday_key(local.date() - timedelta(days=1))
    for block in controls.time_away:
        tonight, carried = _in_window(block.start, block.end, minute)
        if (tonight and today in block.days) or (carried and yesterday in block.days):
            return block
    return None


def _week_minutes(block: TimeAwayBlock) -> list[tuple[int, int]]:
    """The stretches of the week (minutes from Monday 00:00, a week being 7 × 1440) that `block`
    locks; one that crosses midnight runs into the next day (Sunday's into Monday's)."""
    start = _minute_of_day(parse_clock(block.start))
    end = _minute_of_day(parse_clock(block.end))
    length = end - start if start < end else DAY_MINUTES - start + end
    week = 7 * DAY_MINUTES
    stretches = []
    for day in block.days:
        begin = WEEKDAYS.index(day) * DAY_MINUTES + start
        if begin + length <= week:
            stretches.append((begin, begin + length))
        else:  # Sunday night into Monday morning
            stretches += [(begin, week), (0, begin + length - week)]
    return stretches


def blocks_overlapping(block: TimeAwayBlock, others: Iterable[TimeAwayBlock]) -> list[TimeAwayBlock]:
    """The blocks of `others` that lock some of the same minutes as `block`."""
    mine = _week_minutes(block)
    return [other for other in others if any(a < d and c < b for a, b in mine for c, d in _week_minutes(other))]


def in_quiet_hours(controls: Controls, local: datetime) -> bool:
    if controls.quiet_hours is None:
        return False
    tonight, carried = _in_window(controls.quiet_hours.start, controls.quiet_hours.end, _minute_of_day(local.time()))
    return tonight or carried
