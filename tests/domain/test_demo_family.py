"""The demo family's plan tells one story: each time request's entries in the change history are at
the request's own moments. The pending request read "asked at 22:19" on the home and in the inbox
and 22:18 in the history (found trying the demo as a new parent)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from famguard.domain.controls import SPECS, defaults_for_age
from famguard.domain.demo_family import DEMO_TIMEZONE, make_demo_plan
from famguard.domain.schedule import end_of_day, limit_for_day, teen_today


@pytest.mark.parametrize(
    "now", [datetime(2026, 12, 5, 22, 19, 8, tzinfo=UTC), datetime(2026, 3, 29, 0, 30, tzinfo=UTC)]
)
def test_each_requests_history_entries_are_at_its_own_moments(now: datetime) -> None:
    plan = make_demo_plan(now)
    entries = [e for e in plan.history if e.kind == "time_request"]
    for request in plan.requests:
        asked = [e.at for e in entries if e.teen_id == request.teen_id and e.field == "requested"]
        assert request.created_at in asked
        if request.decided_at is not None:
            decided = [e.at for e in entries if e.teen_id == request.teen_id and e.field == request.status.value]
            assert decided == [request.decided_at]
    assert len(entries) == 3


@pytest.mark.parametrize(
    "now",
    [
        datetime(2026, 12, 5, 22, 19, 8, tzinfo=UTC),
        datetime(2026, 3, 29, 0, 30, tzinfo=UTC),
        # London's clocks went back on 25 Oct: Jordan's change "six days ago" is on Sunday 25 Oct
        # at 00:30, so the Saturday before it is in the week's table.
        datetime(2026, 10, 30, 23, 30, tzinfo=UTC),
    ],
)
def test_the_usage_table_judges_each_day_by_the_limit_the_history_says_was_in_force(now: datetime) -> None:
    """The tester read 1 h 30 / 2 h for Sam's days before Jordan raised his 1 h and added weekend
    limits. Replaying each teen's history forward from the controls as they were made must reach
    the controls the plan stores, and give each day of the usage table the limit it shows."""
    plan = make_demo_plan(now)
    for teen in plan.teens:
        made = defaults_for_age(teen.age, DEMO_TIMEZONE)
        changes = sorted(
            (e for e in plan.history if e.teen_id == teen.person.id and e.kind == "controls"), key=lambda e: e.at
        )
        state, states = made, []
        for change in changes:
            assert change.field is not None
            assert SPECS[change.field].dump(getattr(state, change.field)) == change.before, change
            state = state.replace(**{change.field: SPECS[change.field].parse(change.after)})
            states.append((change.at, state))
        assert state == teen.controls
        for day in plan.usage_days(teen.person.id):
            in_force = made
            for at, then in states:
                if at < end_of_day(day.date, DEMO_TIMEZONE):
                    in_force = then
            assert day.limit_minutes == limit_for_day(in_force, day.date, day.extra_minutes), (
                teen.person.display_name,
                day,
            )
    sam = next(teen for teen in plan.teens if teen.person.display_name == "Sam")
    if now.month == 10:  # Saturday 24 Oct, then Sunday 25 Oct with its new weekend limit
        limits = {day.date: day.limit_minutes for day in plan.usage_days(sam.person.id)}
        assert [limits[date(2026, 10, 24)], limits[date(2026, 10, 25)]] == [60, 120]


@pytest.mark.parametrize(
    "now", [datetime(2026, 12, 5, 22, 19, 8, tzinfo=UTC), datetime(2026, 3, 29, 0, 30, tzinfo=UTC)]
)
def test_the_demo_teens_used_the_app_every_day_since_they_were_linked(now: datetime) -> None:
    """The 28-day chart of the demo showed two weeks of 0 min before the week's figures: a family
    that never opened the app, read as a broken chart at a demo (a support agent at a projector).
    Each teen has minutes on every day from the day after their first link to their today."""
    plan = make_demo_plan(now)
    today = teen_today(DEMO_TIMEZONE, now)
    for teen in plan.teens:
        linked = min(link.linked_at for link in plan.links if link.teen_id == teen.person.id)
        first = linked.astimezone(ZoneInfo(DEMO_TIMEZONE)).date() + timedelta(days=1)
        used = {day.date: day.minutes for day in plan.usage_days(teen.person.id)}
        every_day = [first + timedelta(days=n) for n in range((today - first).days + 1)]
        assert len(every_day) >= 14, "linked long enough ago for the 28-day chart to show weeks of figures"
        assert [day for day in every_day if not used.get(day)] == [], teen.person.display_name
