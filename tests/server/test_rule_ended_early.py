"""Ending a temporary rule that is in force is not taking it back (outside testers): the app's
"End the rule" on a rule that had begun was recorded as `removed`, and the teen's history said
the rule was "removed", as if it had never applied. Over real HTTP, the history entry says
`ended_early` for a rule that had begun and `removed` for one that had not, for the guardians
and the teen alike; a rule that began at the teen's midnight without anybody looking is told
to have started before it is told to have ended early."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from tests.support.accounts import Person, link, make_guardian, make_teen, renew
from tests.support.http import Api
from tests.support.servers import FakeClock


def _plan(api: Api, guardian: Person, teen: Person, name: str, starts_on: date, days: int = 5) -> str:
    body = {
        "name": name,
        "starts_on": starts_on.isoformat(),
        "ends_on": (starts_on + timedelta(days=days)).isoformat(),
        "controls": {"daily_limit_minutes": 30},
    }
    created = api.call("POST", f"/v1/teens/{teen.id}/temporary-rules", guardian.token, json=body)
    assert created.status_code == 201, created.text
    return str(created.json()["id"])


def _end(api: Api, guardian: Person, teen: Person, rule_id: str) -> None:
    ended = api.call("DELETE", f"/v1/teens/{teen.id}/temporary-rules/{rule_id}", guardian.token)
    assert ended.status_code == 204, ended.text


def _rule_steps(entries: list[dict[str, Any]]) -> list[tuple[str, str, str | None]]:
    """(field, rule name, actor) of each temporary-rule entry, oldest first."""
    steps = []
    for entry in reversed(entries):
        if entry["kind"] == "temporary_rule":
            rule = entry["after"] or entry["before"]
            steps.append((entry["field"], rule["name"], entry["actor"]["display_name"] if entry["actor"] else None))
    return steps


def test_a_rule_ended_while_in_force_is_history_as_ended_early_and_a_planned_one_as_removed(
    live: Api, clock: FakeClock
) -> None:
    alex = make_guardian(live, "Alex")
    maya = make_teen(live, "Maya", 14, clock.now.date())
    link(live, alex, maya)
    today = date.fromisoformat(live.call("GET", "/v1/me/usage", maya.token).json()["date"])
    exams = _plan(live, alex, maya, "Exam weeks", today)  # in force from now
    holiday = _plan(live, alex, maya, "Holiday", today + timedelta(days=20))  # not begun
    _end(live, alex, maya, exams)
    _end(live, alex, maya, holiday)

    guardians = live.call("GET", f"/v1/teens/{maya.id}/activity", alex.token).json()
    assert _rule_steps(guardians) == [
        ("created", "Exam weeks", "Alex"),
        ("started", "Exam weeks", None),
        ("created", "Holiday", "Alex"),
        ("ended_early", "Exam weeks", "Alex"),
        ("removed", "Holiday", "Alex"),
    ]
    ended = next(e for e in guardians if e["field"] == "ended_early")
    assert ended["before"]["ends_on"] == (today + timedelta(days=5)).isoformat() and ended["after"] is None
    assert live.call("GET", "/v1/me/activity", maya.token).json() == guardians  # the teen reads the same
    # Only the entries asked for, by the history's field filter.
    only = live.call("GET", f"/v1/teens/{maya.id}/activity", alex.token, params={"field": "ended_early"}).json()
    assert [e["id"] for e in only] == [ended["id"]]


def test_a_rule_that_began_at_midnight_unseen_is_told_started_then_ended_early(live: Api, clock: FakeClock) -> None:
    alex = make_guardian(live, "Alex")
    maya = make_teen(live, "Maya", 14, clock.now.date())
    link(live, alex, maya)
    today = date.fromisoformat(live.call("GET", "/v1/me/usage", maya.token).json()["date"])
    exams = _plan(live, alex, maya, "Exam weeks", today + timedelta(days=1))
    clock.advance(days=1)  # past the teen's midnight; nobody reads the rules before ending it
    renew(live, alex)
    _end(live, alex, maya, exams)
    renew(live, maya)
    steps = _rule_steps(live.call("GET", "/v1/me/activity", maya.token).json())
    assert steps == [
        ("created", "Exam weeks", "Alex"),
        ("started", "Exam weeks", None),
        ("ended_early", "Exam weeks", "Alex"),
    ]
