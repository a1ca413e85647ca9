"""Small leaks found from outside (issue 13), over real HTTP: a long poll opened before logout
still delivered an event written after it; `{"approve": "yes"}` approved a request; the events
cursor was global, so a family saw how busy the others were; re-pairing an already linked pair
added a false history entry."""

from __future__ import annotations

from tests.support.accounts import Family, Person, link, make_guardian, make_teen
from tests.support.http import Api, BackgroundPoll, assert_error
from tests.support.servers import FakeClock


def _cursor(live: Api, person: Person) -> str:
    reply = live.call("GET", "/v1/events", person.token)
    assert reply.status_code == 200, reply.text
    return reply.json()["cursor"]


def test_a_long_poll_opened_before_logout_delivers_nothing_after_it(live: Api, live_family: Family) -> None:
    guardian, teen = live_family.guardian, live_family.teen
    poll = BackgroundPoll(live, guardian, _cursor(live, guardian), wait=10)
    assert live.call("POST", "/v1/auth/logout", guardian.token).status_code == 204
    asked = live.call("POST", "/v1/me/time-requests", teen.token, json={"minutes": 15, "reason": "homework"})
    assert asked.status_code == 201
    poll.thread.join(12)
    assert not poll.thread.is_alive()
    assert_error(poll.response, 401, "unauthorized")


def test_approve_must_be_a_json_boolean(live: Api, live_family: Family) -> None:
    guardian, teen = live_family.guardian, live_family.teen
    asked = live.call("POST", "/v1/me/time-requests", teen.token, json={"minutes": 15, "reason": ""}).json()
    for sloppy in ({"approve": "yes"}, {"approve": 1}, {"approve": "true"}, {"approve": True, "minutes": "30"}):
        refused = live.call("POST", f"/v1/time-requests/{asked['id']}/decision", guardian.token, json=sloppy)
        assert_error(refused, 422, "validation_failed")
    still = live.call("GET", f"/v1/teens/{teen.id}/time-requests", guardian.token).json()
    assert still[0]["status"] == "pending"
    for sloppy_number in ({"minutes": "15", "reason": ""}, {"minutes": 15.0, "reason": ""}):
        assert_error(
            live.call("POST", "/v1/me/time-requests", teen.token, json=sloppy_number), 422, "validation_failed"
        )


def test_the_events_cursor_does_not_show_other_families_activity(live: Api, clock: FakeClock) -> None:
    alex = make_guardian(live, "Alex")
    maya = make_teen(live, "Maya", 14, clock.now.date())
    link(live, alex, maya)
    before = _cursor(live, alex)
    # Another family is busy.
    other = make_guardian(live, "Other")
    sam = make_teen(live, "Sam", 15, clock.now.date())
    link(live, other, sam)
    for n in range(5):
        live.call("POST", "/v1/me/time-requests", sam.token, json={"minutes": 15, "reason": f"r{n}"})
    assert _cursor(live, alex) == before
    # One event of our own moves the cursor by exactly one, and its id says nothing more.
    live.call("POST", "/v1/me/time-requests", maya.token, json={"minutes": 15, "reason": "mine"})
    reply = live.call("GET", "/v1/events", alex.token, params={"after": before}).json()
    assert [e["type"] for e in reply["events"]] == ["time_requested"]
    assert int(reply["cursor"]) == int(before) + 1
    assert reply["events"][0]["id"] == int(before) + 1
    # A fresh account starts at zero whatever happened on the server.
    assert _cursor(live, make_guardian(live, "New")) == "0"


def test_re_pairing_an_already_linked_pair_adds_no_history(live: Api, live_family: Family) -> None:
    guardian, teen = live_family.guardian, live_family.teen
    link(live, guardian, teen)  # a second code, redeemed, accepted and confirmed by the same pair
    history = live.call("GET", f"/v1/teens/{teen.id}/activity", guardian.token).json()
    assert [entry["kind"] for entry in history].count("link") == 1
    teens = live.call("GET", "/v1/teens", guardian.token).json()
    assert [t["id"] for t in teens] == [teen.id]
