"""Races an outside tester found on PostgreSQL (and one more of their kind), over real HTTP, on
both databases (the races are PostgreSQL's: its requests run side by side; SQLite's writers take
turns, and must answer the same):

- A teen asks for time while the last link ends (the guardian unlinks, or the teen ends every
  link). Ending the links took the teen's event locks (telling everyone) before the lock of the
  teen's requests for time, and asking took them the other way round: PostgreSQL broke the
  deadlock with a 500 for one of the two. Now every ask is either made (then closed with the link)
  or refused for want of a guardian, the unlink succeeds, and nothing is left waiting.
- The same temporary rule removed by several requests at once: each read the rule before taking
  the teen's lock, so every one of them removed it: several 204s, "ended early" twice in the
  history, twice told. Now exactly one removal wins; the others are answered like a rule removed
  already (404).
- A rule planned while readers settle the teen's new day (PostgreSQL only, on the fake clock):
  planning told the family before it took the teen's settling lock, a settling reader takes them
  the other way round: deadlocks, 500s. Now the rule is planned and every read answers.

Many families, each raced once, make a lost race likely on every run (before the fixes most
PostgreSQL runs had several 500s and several double removals)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests

from famguard.server.limits import Limits
from tests.server.test_postgres import postgres_server  # noqa: F401 - the fixture (and its skip without PostgreSQL)
from tests.support.accounts import Person, link, make_guardian, make_teen, renew
from tests.support.http import Api, all_at_once
from tests.support.postgres import fresh_database
from tests.support.servers import FakeClock, LocalServer

ASKS_AT_ONCE = 3
REMOVALS_AT_ONCE = 8


@pytest.fixture(params=["sqlite", "postgres"])
def server_url(request: pytest.FixtureRequest, tmp_path: Path) -> Any:  # noqa: ANN401 - a generator of the URL
    """The real server on 127.0.0.1 over a fresh SQLite file or PostgreSQL database; the
    requests of a race run in parallel on its worker threads, one database connection each."""
    if request.param == "postgres":
        database = fresh_database(request.getfixturevalue("postgres_server"))
    else:
        database = f"sqlite:///{tmp_path / 'server.sqlite3'}"
    with LocalServer(database, limits=Limits(signups_per_address=1000)) as server:
        yield server.url


def _call(base: str, method: str, path: str, person: Person, body: dict[str, Any] | None = None) -> Any:  # noqa: ANN401 - the response
    with requests.Session() as session:  # a connection of its own: the requests really run at once
        return Api(session, base).call(method, path, person.token, json=body)


def _ask_while_the_last_link_ends(base: str, teen: Person, ender: Person) -> tuple[Any, list[int]]:  # noqa: ANN401
    """The teen asks ASKS_AT_ONCE times while `ender` ends the link(s), all at the same instant;
    the unlink's response and the asks' statuses."""
    asks = [
        lambda i=i: _call(base, "POST", "/v1/me/time-requests", teen, {"minutes": 15, "reason": f"r{i}"})
        for i in range(ASKS_AT_ONCE)
    ]
    *asked, ended = all_at_once([*asks, lambda: _call(base, "DELETE", f"/v1/teens/{teen.id}/link", ender)])
    return ended, sorted(answer.status_code for answer in asked)


def test_asking_for_time_while_the_last_link_ends_neither_fails_nor_leaves_a_request_waiting(server_url: str) -> None:
    problems = []
    with requests.Session() as setup:
        api = Api(setup, server_url)
        for trial in range(24):
            alex = make_guardian(api, "Alex")
            maya = make_teen(api, "Maya", 14, date.today())
            link(api, alex, maya)
            ender = maya if trial % 2 else alex  # the teen ends every link, or the guardian its own
            ended, statuses = _ask_while_the_last_link_ends(server_url, maya, ender)
            mine = api.call("GET", "/v1/me/time-requests", maya.token).json()
            waiting = [r for r in mine if r["status"] == "pending"]
            if ended.status_code != 204 or not set(statuses) <= {201, 404} or waiting:
                problems.append((trial, ended.status_code, ended.text[:120], statuses, len(waiting)))
    assert problems == []


def _remove_at_once(base: str, path: str, guardians: tuple[Person, Person]) -> list[int]:
    """REMOVALS_AT_ONCE DELETEs of `path` at the same instant, by either guardian in turn."""
    removals = [
        lambda who=guardians[i % 2]: _call(base, "DELETE", path, who).status_code for i in range(REMOVALS_AT_ONCE)
    ]
    return sorted(all_at_once(removals))


def test_the_same_rule_removed_at_once_is_removed_told_and_recorded_exactly_once(server_url: str) -> None:
    problems = []
    with requests.Session() as setup:
        api = Api(setup, server_url)
        for trial in range(8):
            alex, jordan = make_guardian(api, "Alex"), make_guardian(api, "Jordan")
            maya = make_teen(api, "Maya", 14, date.today())
            link(api, alex, maya)
            link(api, jordan, maya, approver=alex)
            today = date.fromisoformat(api.call("GET", "/v1/me/usage", maya.token).json()["date"])
            in_force = trial % 2 == 0  # ended early, or a planned one removed
            starts = today if in_force else today + timedelta(days=3)
            body = {"name": "Exams", "starts_on": str(starts), "ends_on": str(starts + timedelta(days=4)),
                    "controls": {"daily_limit_minutes": 30}}  # fmt: skip
            planned = api.call("POST", f"/v1/teens/{maya.id}/temporary-rules", alex.token, json=body)
            assert planned.status_code == 201, planned.text
            path = f"/v1/teens/{maya.id}/temporary-rules/{planned.json()['id']}"
            statuses = _remove_at_once(server_url, path, (alex, jordan))
            history = api.call("GET", f"/v1/teens/{maya.id}/activity", alex.token).json()
            rule_steps = [e["field"] for e in history if e["kind"] == "temporary_rule"]
            removals = [field for field in rule_steps if field in ("ended_early", "removed")]
            events = api.call("GET", "/v1/events", maya.token, params={"after": 0}).json()["events"]
            told = [e for e in events if e["type"] == "temporary_rule_removed"]
            expected = ["ended_early" if in_force else "removed"]
            if statuses != [204] + [404] * (REMOVALS_AT_ONCE - 1) or removals != expected or len(told) != 1:
                problems.append((trial, statuses, removals, len(told)))
    assert problems == []


def test_planning_a_rule_while_the_teens_day_is_settled_never_fails(postgres_server: str) -> None:  # noqa: F811 - the fixture
    """A rule planned while readers settle the teen's new day (a rule starting at midnight, told
    by the first read): planning told the family (their event locks) before it took the teen's
    settling lock, a settling reader takes them the other way round. PostgreSQL only: the fake
    clock moves the day, and SQLite's writers take turns anyway."""
    clock = FakeClock()
    problems = []
    with (
        LocalServer(fresh_database(postgres_server), clock=clock, limits=Limits(signups_per_address=1000)) as server,
        requests.Session() as setup,
    ):
        api = Api(setup, server.url)
        for trial in range(12):
            alex = make_guardian(api, "Alex")
            maya = make_teen(api, "Maya", 14, clock.now.date())
            link(api, alex, maya)
            today = date.fromisoformat(api.call("GET", "/v1/me/usage", maya.token).json()["date"])
            path = f"/v1/teens/{maya.id}/temporary-rules"
            first = _rule_body("Exams", today + timedelta(days=1))
            assert api.call("POST", path, alex.token, json=first).status_code == 201
            clock.advance(days=1)  # it starts: the next read tells it
            renew(api, alex)
            renew(api, maya)
            answers = _plan_while_read(server.url, path, alex, maya, _rule_body("Trip", today + timedelta(days=10)))
            if answers != [201] + [200] * 4:
                problems.append((trial, answers))
    assert problems == []


def _rule_body(name: str, starts: date) -> dict[str, Any]:
    return {"name": name, "starts_on": str(starts), "ends_on": str(starts + timedelta(days=2)),
            "controls": {"daily_limit_minutes": 30}}  # fmt: skip


def _plan_while_read(base: str, path: str, guardian: Person, teen: Person, body: dict[str, Any]) -> list[int]:
    """The guardian plans a rule while the teen reads its rules 4 times, at the same instant."""
    plan = [lambda: _call(base, "POST", path, guardian, body).status_code]
    reads = [lambda: _call(base, "GET", "/v1/me/temporary-rules", teen).status_code for _ in range(4)]
    return list(all_at_once(plan + reads))
