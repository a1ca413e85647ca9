"""schedule.limits_in_force: a past day's limits are the current ones with the changes made after
that day's end undone, newest first — the same as replaying the history forward from the controls
as they were made (checked by hypothesis, across London's clock changes)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from famguard.domain.controls import SPECS, WEEKDAYS, Controls, defaults_for_age
from famguard.domain.schedule import LimitChange, end_of_day, limit_for_day, limits_in_force

LONDON = "Europe/London"
MADE = defaults_for_age(16, LONDON)  # 1 h a day, no weekday limits


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def test_a_day_before_a_change_keeps_the_old_limit_and_the_day_of_it_has_the_new() -> None:
    now = MADE.replace(daily_limit_minutes=90)
    changes = [LimitChange(_at("2026-11-26T23:30:00+00:00"), "daily_limit_minutes", 60)]  # Thursday 23:30
    days = [date(2026, 11, 25), date(2026, 11, 26), date(2026, 11, 27)]
    in_force = limits_in_force(now, changes, days, LONDON)
    assert [in_force[day].daily_limit_minutes for day in days] == [60, 90, 90]


def test_a_change_at_midnight_belongs_to_the_day_it_starts() -> None:
    now = MADE.replace(daily_limit_minutes=90)
    midnight = end_of_day(date(2026, 11, 26), "America/New_York")
    assert midnight == _at("2026-11-27T05:00:00+00:00")
    in_force = limits_in_force(
        now, [LimitChange(midnight, "daily_limit_minutes", 60)], [date(2026, 11, 26)], "America/New_York"
    )
    assert in_force[date(2026, 11, 26)].daily_limit_minutes == 60


def test_weekday_limits_and_the_daily_limit_are_undone_each_by_its_own_change() -> None:
    now = MADE.replace(daily_limit_minutes=90, daily_limit_overrides={"sat": 120, "sun": 120})
    changes = [
        LimitChange(_at("2026-11-24T12:00:00+00:00"), "daily_limit_minutes", 60),
        LimitChange(_at("2026-11-30T12:00:00+00:00"), "daily_limit_overrides", {}),
        LimitChange(_at("2026-11-30T12:00:00+00:00"), "duet_stitch", "friends"),  # not a limit: passed over
    ]
    days = [date(2026, 11, 22), date(2026, 11, 29), date(2026, 12, 5)]  # Sundays and a Saturday
    in_force = limits_in_force(now, changes, days, LONDON)
    assert [limit_for_day(in_force[day], day) for day in days] == [60, 90, 120]
    assert all(controls.duet_stitch == now.duet_stitch for controls in in_force.values())


def test_days_before_the_oldest_change_known_get_the_state_before_it_and_nothing_is_guessed() -> None:
    now = MADE.replace(daily_limit_minutes=None)
    changes = [
        LimitChange(_at("2026-11-10T12:00:00+00:00"), "daily_limit_minutes", 5000),  # no longer readable
        LimitChange(_at("2026-11-20T12:00:00+00:00"), "daily_limit_minutes", 45),
    ]
    days = [date(2026, 11, 1), date(2026, 11, 15), date(2026, 11, 25)]
    in_force = limits_in_force(now, changes, days, LONDON)
    # Before the unreadable change, the oldest state known is the one after it.
    assert [in_force[day].daily_limit_minutes for day in days] == [45, 45, None]
    assert limits_in_force(now, [], days, LONDON) == dict.fromkeys(days, now)


_LIMITS = st.one_of(st.none(), st.integers(15, 600))
_WEEKDAY_LIMITS = st.dictionaries(st.sampled_from(WEEKDAYS), st.integers(15, 600), max_size=3)
_FIRST = datetime(2026, 10, 20, tzinfo=UTC)  # London's clocks go back on 25 Oct 2026


@st.composite
def _histories(draw: Any) -> tuple[list[tuple[datetime, str, Any]], list[date]]:  # noqa: ANN401 - hypothesis' draw
    """Changes (when, field, value after) in time order over about two weeks, and days to ask about."""
    minutes = draw(st.lists(st.integers(0, 14 * 24 * 60), max_size=8))
    changes = []
    for minute in sorted(minutes):
        field = draw(st.sampled_from(["daily_limit_minutes", "daily_limit_overrides"]))
        value = draw(_LIMITS if field == "daily_limit_minutes" else _WEEKDAY_LIMITS)
        changes.append((_FIRST + timedelta(minutes=minute), field, value))
    days = draw(st.lists(st.dates(date(2026, 10, 18), date(2026, 11, 5)), min_size=1, max_size=10))
    return changes, days


@given(_histories())
def test_undoing_the_history_backwards_is_replaying_it_forwards(
    history: tuple[list[tuple[datetime, str, Any]], list[date]],
) -> None:
    changes, days = history
    state, recorded, states = MADE, [], []
    for at, field, after in changes:
        recorded.append(LimitChange(at, field, SPECS[field].dump(getattr(state, field))))
        state = state.replace(**{field: after})
        states.append((at, state))
    in_force = limits_in_force(state, recorded, days, LONDON)
    for day in days:
        ends = end_of_day(day, LONDON)
        expected: Controls = MADE
        for at, then in states:
            if at < ends:
                expected = then
        assert in_force[day] == expected, day


def test_the_calendars_first_and_last_days_have_an_end() -> None:
    """A usage answer for 9999-12-31 was a 500: its next day's midnight is past the calendar."""
    changes = [LimitChange(_at("2026-11-26T12:00:00+00:00"), "daily_limit_minutes", 60)]
    now = MADE.replace(daily_limit_minutes=90)
    days = [date.min, date.max]
    in_force = limits_in_force(now, changes, days, "Pacific/Kiritimati")
    assert [in_force[day].daily_limit_minutes for day in days] == [60, 90]
    assert end_of_day(date.max, "America/New_York") > _at("9999-12-31T23:59:59+00:00")
