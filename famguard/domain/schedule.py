"""Time in the teen's world: "today" in the teen's time zone, the limit that applies to a day,
and whether a moment falls in time away or quiet hours (correct across daylight-saving changes,
because every question is asked in the teen's local wall-clock time)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from famguard.domain.controls import WEEKDAYS, Controls, TimeAwayBlock
from famguard.domain.values import format_minutes as format_minutes  # moved; kept importable here


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


def in_quiet_hours(controls: Controls, local: datetime) -> bool:
    if controls.quiet_hours is None:
        return False
    tonight, carried = _in_window(controls.quiet_hours.start, controls.quiet_hours.end, _minute_of_day(local.time()))
    return tonight or carried
