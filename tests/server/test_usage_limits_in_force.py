"""A past day's limit in the usage answer is the one in force at the end of that day in the teen's
time zone, not today's: the tester of `famguard --demo` saw 1 h 30 / 2 h for the days before
Jordan raised Sam's limit from 1 h and added weekend limits, and "Over limit" judged against
limits not in force then. Over real HTTP against the real server, the clock moved by the test;
the scenarios also run on PostgreSQL (test_usage_limits_in_force_postgres.py)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import requests

from famguard.domain.demo_family import DEMO_TIMEZONE, make_demo_plan
from famguard.domain.schedule import limit_for_day, weekday_key
from famguard.server.runner import ServerThread
from tests.server.test_temporary_rules import _create as create_rule
from tests.support.accounts import Person, change_controls, link, make_guardian, make_teen, renew
from tests.support.http import Api
from tests.support.servers import FakeClock


def _limits(api: Api, guardian: Person, teen: Person, first: date, last: date) -> dict[str, int | None]:
    renew(api, guardian)  # the clock moved past the access token's life
    params = {"from": first.isoformat(), "to": last.isoformat()}
    response = api.call("GET", f"/v1/teens/{teen.id}/usage", guardian.token, params=params)
    assert response.status_code == 200, response.text
    return {day["date"]: day["limit_minutes"] for day in response.json()["days"]}


def _family(api: Api, clock: FakeClock, timezone: str = "UTC") -> tuple[Person, Person]:
    guardian = make_guardian(api, "Jordan")
    teen = make_teen(api, "Sam", 16, clock.now.date())
    link(api, guardian, teen)
    if timezone != "UTC":
        change_controls(api, guardian, teen, {"timezone": timezone})
    return guardian, teen


def _at(clock: FakeClock, moment: datetime) -> None:
    assert moment >= clock.now, "the clock only moves forward"
    clock.now = moment


def a_changed_limit_is_the_old_one_before_its_day(api: Api, clock: FakeClock) -> None:
    """The clock starts on Wednesday 25 Nov 2026, 12:00 UTC (07:00 in New York)."""
    guardian, teen = _family(api, clock, "America/New_York")
    start = clock.now
    # Friday 27 Nov, 22:30 in New York (already Saturday in UTC): the phone enforced 1 h 30 last
    # that Friday, so Friday is judged against it.
    _at(clock, start + timedelta(days=2, hours=15, minutes=30))
    renew(api, guardian)
    change_controls(api, guardian, teen, {"daily_limit_minutes": 90})
    _at(clock, start + timedelta(days=4))  # Sunday 29 Nov, 07:00 in New York
    renew(api, guardian)
    change_controls(api, guardian, teen, {"daily_limit_minutes": 45})
    assert _limits(api, guardian, teen, date(2026, 11, 25), date(2026, 11, 30)) == {
        "2026-11-25": 60,
        "2026-11-26": 60,
        "2026-11-27": 90,
        "2026-11-28": 90,
        "2026-11-29": 45,
        "2026-11-30": 45,  # a day to come: the limit as it stands
    }


def weekend_limits_apply_from_their_day_only(api: Api, clock: FakeClock) -> None:
    guardian, teen = _family(api, clock)
    start = clock.now
    _at(clock, start + timedelta(days=6))  # Tuesday 1 Dec: after a weekend without its own limits
    renew(api, guardian)
    change_controls(api, guardian, teen, {"daily_limit_overrides": {"sat": 120, "sun": 120}})
    _at(clock, start + timedelta(days=8))  # Thursday 3 Dec
    renew(api, guardian)
    change_controls(api, guardian, teen, {"daily_limit_overrides": {"sat": 90}})
    limits = _limits(api, guardian, teen, date(2026, 11, 25), date(2026, 12, 6))
    weekends = {
        day: minutes for day, minutes in limits.items() if weekday_key(date.fromisoformat(day)) in {"sat", "sun"}
    }
    assert weekends == {"2026-11-28": 60, "2026-11-29": 60, "2026-12-05": 90, "2026-12-06": 60}
    assert {minutes for day, minutes in limits.items() if day not in weekends} == {60}


def rules_and_extra_time_still_apply_to_past_days(api: Api, clock: FakeClock) -> None:
    guardian, teen = _family(api, clock)
    start = clock.now  # Wednesday 25 Nov
    made = create_rule(api, guardian, teen, starts_on="2026-11-26", ends_on="2026-11-27")  # 30 min a day
    assert made.status_code == 201, made.text
    asked = api.call("POST", "/v1/me/time-requests", teen.token, json={"minutes": 30, "reason": "Project"}).json()
    approved = api.call(
        "POST", f"/v1/time-requests/{asked['id']}/decision", guardian.token, json={"approve": True, "minutes": 15}
    )
    assert approved.status_code == 200, approved.text
    _at(clock, start + timedelta(days=4))  # Sunday 29 Nov: the rule is over, the limit is raised
    renew(api, guardian)
    change_controls(api, guardian, teen, {"daily_limit_minutes": 90})
    assert _limits(api, guardian, teen, date(2026, 11, 25), date(2026, 11, 30)) == {
        "2026-11-25": 75,  # the limit then, 1 h, with the 15 minutes approved that day
        "2026-11-26": 30,  # the rule's limit replaces the limit on its days
        "2026-11-27": 30,
        "2026-11-28": 60,
        "2026-11-29": 90,
        "2026-11-30": 90,
    }


SCENARIOS = [
    a_changed_limit_is_the_old_one_before_its_day,
    weekend_limits_apply_from_their_day_only,
    rules_and_extra_time_still_apply_to_past_days,
]


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.__name__ for s in SCENARIOS])
def test_each_past_day_has_the_limit_in_force_at_its_end(
    live: Api,
    clock: FakeClock,
    scenario: Any,  # noqa: ANN401 - one of SCENARIOS
) -> None:
    scenario(live, clock)


@pytest.fixture
def demo_at_a_clock_change(tmp_path: Path) -> Iterator[tuple[Api, Any]]:
    """The practice service seeded with a demo plan made at 23:30 on Friday 30 Oct 2026 in London,
    the week after the clocks went back: Jordan's change "six days ago" falls on Sunday 25 Oct,
    so the demo's week has a day before it."""
    plan = make_demo_plan(datetime.fromisoformat("2026-10-30T23:30:00+00:00"))
    url = f"sqlite:///{tmp_path / 'demo.sqlite3'}"
    with ServerThread(url, demo=True, demo_plan=plan, clock=FakeClock(plan.now)) as server:
        assert server.base_url is not None
        with requests.Session() as session:
            yield Api(session, server.base_url), plan


def test_the_practice_service_answers_the_demo_plans_limits_and_its_history(
    demo_at_a_clock_change: tuple[Api, Any],
) -> None:
    api, plan = demo_at_a_clock_change
    signed_in = api.call(
        "POST", "/v1/auth/token", json={"email": plan.guardian.email, "password": plan.guardian.password}
    )
    token = signed_in.json()["access_token"]
    sam = next(teen for teen in plan.teens if teen.person.display_name == "Sam")
    first = plan.today - timedelta(days=29)
    params = {"from": first.isoformat(), "to": plan.today.isoformat()}
    days = api.call("GET", f"/v1/teens/{sam.person.id}/usage", token, params=params).json()["days"]
    answered = {day["date"]: day["limit_minutes"] for day in days}
    week = {day.date.isoformat(): day.limit_minutes for day in plan.usage_days(sam.person.id)}
    assert {day: answered[day] for day in week} == week  # the plan the app draws first
    assert week[(plan.today - timedelta(days=6)).isoformat()] == 60  # Saturday 24 Oct, before the change
    # The history says: 1 h and no weekend limits until Jordan's change, 1 h 30 and 2 h from it.
    changed = next(e.at for e in plan.history if e.field == "daily_limit_minutes").astimezone(ZoneInfo(DEMO_TIMEZONE))
    assert changed.date() == date(2026, 10, 25) and changed.hour == 0  # 00:30 BST
    for day, minutes in answered.items():
        then = date.fromisoformat(day)
        assert minutes == (60 if then < date(2026, 10, 25) else limit_for_day(sam.controls, then)), day
