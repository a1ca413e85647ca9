"""Delivery receipts over real HTTP: the phone reports the version of its effective controls it
applied, the guardians see it (and whether it is the current one), a `controls_applied` event
reaches them, and an ETag the teen never had is refused. Also the teen's own reads: its history
(the same entries as the guardians') and today's use."""

from __future__ import annotations

from datetime import date
from typing import Any

from tests.support.accounts import link as pair
from tests.support.accounts import make_guardian, make_teen, renew
from tests.support.http import Api, BackgroundPoll, assert_error
from tests.support.servers import FakeClock


def _family(api: Api, clock: FakeClock) -> tuple[Any, Any]:
    guardian = make_guardian(api, "Alex")
    teen = make_teen(api, "Maya", 14, clock.now.date())
    pair(api, guardian, teen)
    return guardian, teen


def _applied(api: Api, teen: Any, etag: str) -> Any:  # noqa: ANN401 - a response
    return api.call("POST", "/v1/me/controls/applied", teen.token, json={"etag": etag})


def test_the_guardian_sees_what_the_phone_applied_and_when(live: Api, clock: FakeClock) -> None:
    guardian, teen = _family(live, clock)
    phone = live.call("GET", f"/v1/teens/{teen.id}/phone", guardian.token).json()
    assert phone["last_seen_at"] is None and phone["applied_etag"] is None and phone["applied_at"] is None
    assert phone["up_to_date"] is False

    mine = live.call("GET", "/v1/me/controls", teen.token)
    etag = mine.headers["ETag"]
    assert _applied(live, teen, etag).status_code == 204
    phone = live.call("GET", f"/v1/teens/{teen.id}/phone", guardian.token).json()
    assert phone == {
        "last_seen_at": "2026-11-25T12:00:00Z",
        "applied_etag": etag,
        "applied_at": "2026-11-25T12:00:00Z",
        "current_etag": etag,
        "up_to_date": True,
        "link_ends_on": None,
    }

    # The guardian changes something: the phone is behind until it reports the new version.
    clock.advance(minutes=5)
    changed = live.call("PATCH", f"/v1/teens/{teen.id}/controls", guardian.token,
                        json={"search_enabled": False}, headers={"If-Match": etag})  # fmt: skip
    assert changed.status_code == 200
    phone = live.call("GET", f"/v1/teens/{teen.id}/phone", guardian.token).json()
    assert phone["up_to_date"] is False and phone["applied_etag"] == etag
    assert phone["current_etag"] == changed.headers["ETag"]

    # A second report of the same version is a check-in: last seen moves, applied_at does not.
    clock.advance(minutes=2)
    assert _applied(live, teen, etag).status_code == 204
    phone = live.call("GET", f"/v1/teens/{teen.id}/phone", guardian.token).json()
    assert phone["last_seen_at"] == "2026-11-25T12:07:00Z" and phone["applied_at"] == "2026-11-25T12:00:00Z"

    new_etag = live.call("GET", "/v1/me/controls", teen.token).headers["ETag"]
    assert new_etag == changed.headers["ETag"]
    assert _applied(live, teen, new_etag).status_code == 204
    phone = live.call("GET", f"/v1/teens/{teen.id}/phone", guardian.token).json()
    assert phone["up_to_date"] is True and phone["applied_at"] == "2026-11-25T12:07:00Z"


def test_an_etag_the_teen_never_had_is_refused_and_changes_nothing(live: Api, clock: FakeClock) -> None:
    guardian, teen = _family(live, clock)
    etag = live.call("GET", "/v1/me/controls", teen.token).headers["ETag"]
    version = int(etag.strip('"').split("-")[0])
    # The current version in other scripts' digits: never an ETag of the service (Python's \d and
    # int() read them as the version, and the guardian was told a phone applied "\u0661").
    other_digits = [
        str(version).translate({ord("0") + d: zero + d for d in range(10)}) for zero in (0x0660, 0x1D7CE, 0xFF10)
    ]
    for wrong in (
        f'"{version + 1}"',
        f'"0{version}"',  # the current version with a leading zero: stored as sent, it was never one
        '"0"',
        "7",
        '"1-r0123456789ab"',
        '"1-xyz"',
        "",
        *(f'"{d}"' for d in other_digits),
    ):
        response = _applied(live, teen, wrong)
        assert response.status_code == 422, wrong
        if wrong:
            assert "etag" in response.json()["error"]["fields"]
    phone = live.call("GET", f"/v1/teens/{teen.id}/phone", guardian.token).json()
    assert phone["last_seen_at"] is None  # nothing was recorded


def test_a_controls_applied_event_reaches_every_guardian_but_not_a_stranger(live: Api, clock: FakeClock) -> None:
    guardian, teen = _family(live, clock)
    second = make_guardian(live, "Jordan")
    pair(live, second, teen, approver=guardian)
    stranger = make_guardian(live, "Stranger")
    etag = live.call("GET", "/v1/me/controls", teen.token).headers["ETag"]
    cursors = {p.name: live.call("GET", "/v1/events", p.token).json()["cursor"] for p in (second, stranger)}
    poll = BackgroundPoll(live, guardian, live.call("GET", "/v1/events", guardian.token).json()["cursor"])
    assert _applied(live, teen, etag).status_code == 204
    events = poll.join()
    assert [e["type"] for e in events] == ["controls_applied"]
    assert events[0]["teen_id"] == teen.id
    assert events[0]["data"] == {"etag": etag, "at": "2026-11-25T12:00:00+00:00"}
    jordan = live.call("GET", "/v1/events", second.token, params={"after": cursors["Jordan"]}).json()["events"]
    assert [e["type"] for e in jordan] == ["controls_applied"]
    other = live.call("GET", "/v1/events", stranger.token, params={"after": cursors["Stranger"]}).json()["events"]
    assert other == []


def test_a_teen_without_a_guardian_cannot_report_and_a_guardian_of_another_family_sees_nothing(
    live: Api, clock: FakeClock
) -> None:
    lonely = make_teen(live, "Lou", 15, clock.now.date())
    assert_error(_applied(live, lonely, '"1"'), 404, "not_found")
    guardian, teen = _family(live, clock)
    stranger = make_guardian(live, "Stranger")
    assert_error(live.call("GET", f"/v1/teens/{teen.id}/phone", stranger.token), 404, "not_found")
    assert_error(live.call("GET", f"/v1/teens/{teen.id}/phone", teen.token), 403, "forbidden")
    assert_error(_applied(live, guardian, '"1"'), 403, "forbidden")


def test_the_teen_reads_the_same_history_as_the_guardians(live: Api, clock: FakeClock) -> None:
    guardian, teen = _family(live, clock)
    etag = live.call("GET", f"/v1/teens/{teen.id}/controls", guardian.token).headers["ETag"]
    live.call("PATCH", f"/v1/teens/{teen.id}/controls", guardian.token,
              json={"daily_limit_minutes": 45}, headers={"If-Match": etag})  # fmt: skip
    theirs = live.call("GET", f"/v1/teens/{teen.id}/activity", guardian.token).json()
    mine = live.call("GET", "/v1/me/activity", teen.token)
    assert mine.status_code == 200
    assert mine.json() == theirs
    change = next(e for e in mine.json() if e["kind"] == "controls")
    assert change["actor"]["display_name"] == "Alex" and (change["before"], change["after"]) == (60, 45)
    assert_error(live.call("GET", "/v1/me/activity", guardian.token), 403, "forbidden")


def test_the_teen_reads_today_s_use_and_limit(live: Api, clock: FakeClock) -> None:
    _guardian, teen = _family(live, clock)
    today = live.call("GET", "/v1/me/usage", teen.token).json()
    assert today == {"date": "2026-11-25", "minutes": 0, "limit_minutes": 60, "extra_minutes": 0}
    live.call("POST", "/v1/me/usage", teen.token, json={"date": "2026-11-25", "minutes": 42})
    assert live.call("GET", "/v1/me/usage", teen.token).json()["minutes"] == 42
    assert live.call("GET", "/v1/me/usage", teen.token, params={"date": "2026-11-24"}).json()["minutes"] == 0


def test_thirty_days_before_18_the_family_is_told_once_that_the_link_will_end(live: Api, clock: FakeClock) -> None:
    guardian = make_guardian(live, "Alex")
    # 17, with the 18th birthday 40 days from now
    teen = make_teen(live, "Maya", 17, clock.now.date(), days_since_birthday=325)
    pair(live, guardian, teen)
    cursors = {p.name: live.call("GET", "/v1/events", p.token).json()["cursor"] for p in (guardian, teen)}
    assert live.call("GET", f"/v1/teens/{teen.id}/phone", guardian.token).json()["link_ends_on"] is None

    clock.advance(days=11)  # 29 days to go
    for person in (guardian, teen):
        renew(live, person)
    live.call("GET", "/v1/me/controls", teen.token)
    live.call("GET", "/v1/me/controls", teen.token)  # a second look tells nothing new
    phone = live.call("GET", f"/v1/teens/{teen.id}/phone", guardian.token).json()
    ends = phone["link_ends_on"]
    assert ends is not None and (date.fromisoformat(ends) - clock.now.date()).days == 29
    for person in (guardian, teen):
        seen = live.call("GET", "/v1/events", person.token, params={"after": cursors[person.name]}).json()["events"]
        assert [(e["type"], e["data"]) for e in seen] == [("link_ending", {"on": ends})], person.name
    told = [e for e in live.call("GET", "/v1/me/activity", teen.token).json() if e["field"] == "ending"]
    assert len(told) == 1 and told[0]["kind"] == "link" and told[0]["after"] == {"on": ends}
