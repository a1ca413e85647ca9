"""The teen's day, limits per day, time away across midnight, and birthdays."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from famguard.domain.age import age_on, date_of_age, is_teen_age
from famguard.domain.controls import QuietHours, TimeAwayBlock, defaults_for_age
from famguard.domain.schedule import (
    format_minutes,
    in_quiet_hours,
    in_time_away,
    limit_for_day,
    teen_today,
)


def test_today_is_the_teens_date_not_the_guardians() -> None:
    instant = datetime(2026, 11, 25, 23, 30, tzinfo=UTC)
    assert teen_today("UTC", instant) == date(2026, 11, 25)
    assert teen_today("Australia/Sydney", instant) == date(2026, 11, 26)
    assert teen_today("America/Los_Angeles", instant) == date(2026, 11, 25)


def test_today_is_right_on_the_night_the_clocks_go_back() -> None:
    # London falls back at 01:00 UTC on 25 Oct 2026: 23:30 UTC the evening before is already
    # 00:30 BST on the 25th, and 01:30 UTC is 01:30 GMT, still the 25th.
    assert teen_today("Europe/London", datetime(2026, 10, 25, 1, 30, tzinfo=UTC)) == date(2026, 10, 25)
    assert teen_today("Europe/London", datetime(2026, 10, 24, 23, 30, tzinfo=UTC)) == date(2026, 10, 25)


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError):
        teen_today("UTC", datetime(2026, 1, 1))


def test_weekend_override_and_extra_time() -> None:
    exams = defaults_for_age(16).replace(daily_limit_minutes=60, daily_limit_overrides={"sat": 120, "sun": 120})
    assert limit_for_day(exams, date(2026, 11, 25)) == 60  # a Wednesday
    assert limit_for_day(exams, date(2026, 11, 28)) == 120  # a Saturday
    assert limit_for_day(exams, date(2026, 11, 25), extra_minutes=30) == 90
    assert limit_for_day(defaults_for_age(16).replace(daily_limit_minutes=None), date(2026, 11, 25)) is None


def test_a_sunday_night_block_locks_monday_morning_but_not_monday_night() -> None:
    school_nights = defaults_for_age(16).replace(time_away=(TimeAwayBlock(("sun",), "22:00", "07:00"),))
    assert in_time_away(school_nights, datetime(2026, 11, 29, 23, 0)) is not None  # Sunday 23:00
    assert in_time_away(school_nights, datetime(2026, 11, 30, 6, 59)) is not None  # Monday 06:59
    assert in_time_away(school_nights, datetime(2026, 11, 30, 7, 0)) is None
    assert in_time_away(school_nights, datetime(2026, 11, 30, 23, 0)) is None  # Monday night


def test_quiet_hours_cross_midnight() -> None:
    c = defaults_for_age(16).replace(quiet_hours=QuietHours("21:00", "08:00"))
    assert in_quiet_hours(c, datetime(2026, 11, 25, 21, 0))
    assert in_quiet_hours(c, datetime(2026, 11, 25, 7, 59))
    assert not in_quiet_hours(c, datetime(2026, 11, 25, 12, 0))
    assert not in_quiet_hours(defaults_for_age(16).replace(quiet_hours=None), datetime(2026, 11, 25, 23, 0))


def test_ages_and_birthdays() -> None:
    born = date(2010, 11, 26)
    assert age_on(born, date(2026, 11, 25)) == 15
    assert age_on(born, date(2026, 11, 26)) == 16
    assert date_of_age(born, 18) == date(2028, 11, 26)
    assert date_of_age(date(2012, 2, 29), 18) == date(2030, 3, 1)
    assert is_teen_age(13) and is_teen_age(17) and not is_teen_age(12) and not is_teen_age(18)


def test_durations_read_like_a_parent_says_them() -> None:
    assert [format_minutes(m) for m in (None, 45, 60, 90)] == ["No limit", "45 min", "1 h", "1 h 30 min"]


def test_blocks_overlap_when_they_lock_a_minute_in_common_also_across_sunday_night() -> None:
    from famguard.domain.schedule import blocks_overlapping

    school_nights = TimeAwayBlock(("sun", "mon", "tue", "wed", "thu"), "22:00", "07:00")
    assert blocks_overlapping(TimeAwayBlock(("mon",), "21:00", "07:00"), [school_nights]) == [school_nights]
    assert blocks_overlapping(TimeAwayBlock(("mon",), "06:00", "08:00"), [school_nights])  # Sunday's night
    assert blocks_overlapping(TimeAwayBlock(("fri",), "06:59", "08:00"), [school_nights])  # Thursday's
    assert not blocks_overlapping(TimeAwayBlock(("mon",), "07:00", "08:00"), [school_nights])  # ends at 07:00
    assert not blocks_overlapping(TimeAwayBlock(("sat",), "06:00", "08:00"), [school_nights])  # Friday is free
    assert not blocks_overlapping(TimeAwayBlock(("sat",), "12:00", "13:00"), [school_nights])


def test_a_block_past_midnight_says_whether_it_ends_in_the_morning_or_later() -> None:
    """ "Mon, Tue, Wed, Thu, Sun: 21:30–19:00 (into the next morning)": 19:00 is the next day's
    evening (an outside tester added it by mistake and the words did not show it)."""
    from famguard.domain.values import TimeAwayBlock, block_text

    assert block_text(TimeAwayBlock(("mon",), "22:00", "07:00")) == "Mon: 22:00–07:00 (into the next morning)"
    assert block_text(TimeAwayBlock(("mon",), "21:30", "19:00")) == "Mon: 21:30–19:00 (into the next day)"
    assert block_text(TimeAwayBlock(("mon",), "10:00", "12:00")) == "Mon: 10:00–12:00"
