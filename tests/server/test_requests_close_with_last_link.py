"""A request for more time still waiting when the teen's last link to a guardian ends (outside
testers): it stayed `pending`, and showed in the inbox of a guardian who paired with the teen
later — a question nobody had put to them, about a day gone by. Over real HTTP: when the last link
ends (the guardian unlinks, or the teen ends every link) the request is `denied` by the service,
with no decider, the teen is told and the history says so; the next guardian finds nothing
waiting. While another guardian is still linked the request waits for them."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.accounts import Person, link, make_guardian, make_teen
from tests.support.http import Api
from tests.support.servers import FakeClock


def _ask(api: Api, teen: Person, minutes: int = 30) -> dict[str, Any]:
    asked = api.call("POST", "/v1/me/time-requests", teen.token, json={"minutes": minutes, "reason": "Homework"})
    assert asked.status_code == 201, asked.text
    return dict(asked.json())


def _unlink(api: Api, who: Person, teen: Person) -> None:
    ended = api.call("DELETE", f"/v1/teens/{teen.id}/link", who.token)
    assert ended.status_code == 204, ended.text


def _inbox(api: Api, guardian: Person, teen: Person) -> list[dict[str, Any]]:
    """The teen's requests waiting for an answer, as the guardian's app reads them."""
    listed = api.call("GET", f"/v1/teens/{teen.id}/time-requests", guardian.token)
    assert listed.status_code == 200, listed.text
    return [r for r in listed.json() if r["status"] == "pending"]


def last_link_ends_then_a_new_guardian_pairs(api: Api, clock: FakeClock, teen_unlinks: bool) -> None:
    alex = make_guardian(api, "Alex")
    maya = make_teen(api, "Maya", 14, clock.now.date())
    link(api, alex, maya)
    asked = _ask(api, maya)
    assert [r["id"] for r in _inbox(api, alex, maya)] == [asked["id"]]
    cursor = api.call("GET", "/v1/events", maya.token).json()["cursor"]
    _unlink(api, maya if teen_unlinks else alex, maya)

    mine = api.call("GET", "/v1/me/time-requests", maya.token).json()
    assert [(r["id"], r["status"], r["decided_by"], r["granted_minutes"]) for r in mine] == [
        (asked["id"], "denied", None, None)
    ]
    assert mine[0]["decided_at"] is not None
    told = api.call("GET", "/v1/events", maya.token, params={"after": cursor}).json()["events"]
    decided = [e["data"] for e in told if e["type"] == "time_request_decided"]
    assert decided == [{"request_id": asked["id"], "status": "denied", "granted_minutes": None, "actor": None}]
    history = api.call("GET", "/v1/me/activity", maya.token).json()
    closing = [(e["field"], e["actor"], e["before"], e["after"]) for e in history if e["kind"] == "time_request"]
    assert closing == [("denied", None, 30, 0), ("requested", maya_actor(history), None, 30)]

    jordan = make_guardian(api, "Jordan")
    link(api, jordan, maya)
    assert _inbox(api, jordan, maya) == []
    # The closed request cannot be answered afterwards either.
    late = api.call("POST", f"/v1/time-requests/{asked['id']}/decision", jordan.token, json={"approve": True})
    assert late.status_code == 409, late.text
    # A new request reaches the new guardian as ever.
    again = _ask(api, maya, 15)
    assert [r["id"] for r in _inbox(api, jordan, maya)] == [again["id"]]


def maya_actor(history: list[dict[str, Any]]) -> dict[str, Any]:
    """The teen as the history names it (the actor of its own request)."""
    return next(e["actor"] for e in history if e["field"] == "requested")


def one_of_two_guardians_unlinks(api: Api, clock: FakeClock) -> None:
    alex, jordan = make_guardian(api, "Alex"), make_guardian(api, "Jordan")
    maya = make_teen(api, "Maya", 14, clock.now.date())
    link(api, alex, maya)
    link(api, jordan, maya, approver=alex)
    asked = _ask(api, maya)
    _unlink(api, jordan, maya)
    assert [r["id"] for r in _inbox(api, alex, maya)] == [asked["id"]]
    assert [r["status"] for r in api.call("GET", "/v1/me/time-requests", maya.token).json()] == ["pending"]
    answered = api.call("POST", f"/v1/time-requests/{asked['id']}/decision", alex.token, json={"approve": True})
    assert answered.status_code == 200 and answered.json()["decided_by"] == "Alex", answered.text


@pytest.mark.parametrize("teen_unlinks", [False, True], ids=["guardian-unlinks", "teen-ends-every-link"])
def test_a_request_waiting_when_the_last_link_ends_is_closed_and_not_in_the_next_guardians_inbox(
    live: Api, clock: FakeClock, teen_unlinks: bool
) -> None:
    last_link_ends_then_a_new_guardian_pairs(live, clock, teen_unlinks)


def test_a_request_stays_for_the_guardian_still_linked(live: Api, clock: FakeClock) -> None:
    one_of_two_guardians_unlinks(live, clock)
