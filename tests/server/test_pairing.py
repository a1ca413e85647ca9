"""Pairing and links: the code's format and lifetime, case-insensitive single use, wrong-guess
limits, concurrent redeems, several guardians, and ending a link from either side."""

from __future__ import annotations

import re

import pytest

from famguard.server.routes_pairing import MAX_GUARDIANS_PER_TEEN, PAIRINGS_PER_HOUR
from famguard.server.security import PAIRING_ALPHABET
from tests.support.accounts import Family, Person, link, make_guardian, make_teen, renew
from tests.support.http import Api, assert_error, redeem_all_at_once
from tests.support.servers import FakeClock


def _code(api: Api, guardian: Person) -> dict:
    created = api.call("POST", "/v1/pairings", guardian.token)
    assert created.status_code == 201, created.text
    return created.json()


def _redeem(api: Api, teen: Person, code: str) -> object:
    return api.call("POST", "/v1/pairings/redeem", teen.token, json={"code": code})


def _wrong_code(code: str, keep_locator: bool) -> str:
    """A code that differs from `code`; with keep_locator it shares the first four characters."""
    alphabet = PAIRING_ALPHABET
    if keep_locator:
        last = alphabet[(alphabet.index(code[-1]) + 1) % len(alphabet)]
        return code[:-1] + last
    first = alphabet[(alphabet.index(code[0]) + 1) % len(alphabet)]
    return first + code[1:]


def test_code_format_and_pair_uri(api: Api, clock: FakeClock) -> None:
    guardian = make_guardian(api)
    created = _code(api, guardian)
    assert re.fullmatch(r"[23456789ABCDEFGHJKLMNPQRSTUVWXYZ]{8}", created["code"])
    assert created["pair_uri"] == f"famguard://pair?code={created['code']}"
    assert created["status"] == "waiting"
    assert created["expires_at"] == (clock.now.replace(minute=10)).isoformat().replace("+00:00", "Z")
    codes = {_code(api, guardian)["code"] for _ in range(PAIRINGS_PER_HOUR - 1)}
    assert len(codes) == PAIRINGS_PER_HOUR - 1  # random, not a sequence


def test_a_guardian_makes_at_most_twenty_codes_an_hour(api: Api, clock: FakeClock) -> None:
    """Found from outside: one signed-in guardian could make codes at hundreds a second without
    end (each a kept row and a place in the code space)."""
    alex, jordan = make_guardian(api, "Alex"), make_guardian(api, "Jordan")
    _code(api, alex)
    for _ in range(PAIRINGS_PER_HOUR - 1):
        clock.advance(seconds=30)
        _code(api, alex)
    refused = api.call("POST", "/v1/pairings", alex.token)
    assert_error(refused, 429, "rate_limited")
    assert "20 pairing codes in the last hour" in refused.json()["error"]["message"]
    assert refused.headers["Retry-After"] == str(60 * 60 - 19 * 30)  # when the first leaves the hour
    assert _code(api, jordan)["status"] == "waiting"  # another guardian's count is their own
    clock.advance(seconds=60 * 60 - 19 * 30)  # the first code's hour is over
    renew(api, alex)
    assert _code(api, alex)["status"] == "waiting"
    assert_error(api.call("POST", "/v1/pairings", alex.token), 429, "rate_limited")


def test_full_handshake_links_and_applies_age_defaults(api: Api, clock: FakeClock) -> None:
    guardian = make_guardian(api, "Alex")
    teen = make_teen(api, "Maya", 14, clock.now.date())
    created = _code(api, guardian)
    typed = created["code"].lower()[:4] + " - " + created["code"].lower()[4:]  # case and separators ignored
    redeemed = _redeem(api, teen, typed)
    assert redeemed.status_code == 200
    assert redeemed.json()["guardian"] == {"display_name": "Alex"}
    assert redeemed.json()["status"] == "waiting"
    # redeeming shows who asks but links nothing yet
    assert api.call("GET", "/v1/teens", guardian.token).json() == []
    seen = api.call("GET", f"/v1/pairings/{created['id']}", guardian.token).json()
    assert seen["teen"] == {"id": teen.id, "display_name": "Maya", "age": 14}
    # the guardian cannot confirm before the teen accepts
    assert_error(api.call("POST", f"/v1/pairings/{created['id']}/confirm", guardian.token), 409, "pairing_not_open")
    assert api.call("POST", f"/v1/pairings/{created['id']}/accept", teen.token).json()["status"] == "accepted"
    assert api.call("POST", f"/v1/pairings/{created['id']}/confirm", guardian.token).json()["status"] == "active"
    teens = api.call("GET", "/v1/teens", guardian.token).json()
    assert [(t["id"], t["display_name"], t["age"]) for t in teens] == [(teen.id, "Maya", 14)]
    guardians = api.call("GET", "/v1/me/guardians", teen.token).json()
    assert [(g["id"], g["display_name"]) for g in guardians] == [(guardian.id, "Alex")]
    controls = api.call("GET", f"/v1/teens/{teen.id}/controls", guardian.token).json()
    assert controls["direct_messages"] == "no_one" and controls["suggest_account"] is False
    assert controls["quiet_hours"] == {"start": "21:00", "end": "08:00"}


def test_each_step_taken_again_by_its_owner_is_answered_as_it_stands_and_told_once(api: Api, clock: FakeClock) -> None:
    """A retry whose reply was lost: accepting or confirming again said "This pairing is not
    waiting for that step" for a step that had been taken. Its owner's repeat is answered with
    the pairing as it is now; nobody else's."""
    guardian = make_guardian(api, "Alex")
    teen = make_teen(api, "Maya", 14, clock.now.date())
    created = _code(api, guardian)
    assert _redeem(api, teen, created["code"]).status_code == 200
    cursor = api.call("GET", "/v1/events", guardian.token).json()["cursor"]
    accept, confirm = (f"/v1/pairings/{created['id']}/{step}" for step in ("accept", "confirm"))
    assert [api.call("POST", accept, teen.token).json()["status"] for _ in range(2)] == ["accepted", "accepted"]
    assert [api.call("POST", confirm, guardian.token).json()["status"] for _ in range(2)] == ["active", "active"]
    assert api.call("POST", accept, teen.token).json()["status"] == "active"  # later still: as it stands
    told = api.call("GET", "/v1/events", guardian.token, params={"after": cursor}).json()["events"]
    assert [e["type"] for e in told] == ["pairing_accepted", "pairing_confirmed"]  # once each
    assert len(api.call("GET", "/v1/me/guardians", teen.token).json()) == 1
    assert_error(api.call("POST", confirm, teen.token), 403, "forbidden")  # the guardian's step, not hers
    stranger = make_teen(api, "Sam", 15, clock.now.date())
    assert_error(api.call("POST", accept, stranger.token), 404, "not_found")


def test_code_works_once(api: Api, clock: FakeClock) -> None:
    guardian = make_guardian(api)
    maya, sam = make_teen(api, "Maya", 14, clock.now.date()), make_teen(api, "Sam", 16, clock.now.date())
    code = _code(api, guardian)["code"]
    assert _redeem(api, maya, code).status_code == 200
    assert_error(_redeem(api, sam, code), 409, "pairing_not_open")


def test_code_expires_after_10_minutes(api: Api, clock: FakeClock) -> None:
    guardian = make_guardian(api)
    teen = make_teen(api, "Maya", 14, clock.now.date())
    created = _code(api, guardian)
    clock.advance(minutes=10)
    assert_error(_redeem(api, teen, created["code"]), 410, "pairing_expired")
    assert api.call("GET", f"/v1/pairings/{created['id']}", guardian.token).json()["status"] == "expired"


def test_five_wrong_guesses_at_a_code_kill_it(api: Api, clock: FakeClock) -> None:
    guardian = make_guardian(api)
    teen = make_teen(api, "Maya", 14, clock.now.date())
    created = _code(api, guardian)
    near_miss = _wrong_code(created["code"], keep_locator=True)
    for _ in range(4):
        assert_error(_redeem(api, teen, near_miss), 404, "not_found")
    assert _redeem(api, teen, created["code"]).status_code == 200  # 4 wrong guesses: still alive
    second = _code(api, guardian)
    for _ in range(5):
        assert_error(_redeem(api, teen, _wrong_code(second["code"], keep_locator=True)), 404, "not_found")
    assert_error(_redeem(api, teen, second["code"]), 410, "pairing_expired")
    assert api.call("GET", f"/v1/pairings/{second['id']}", guardian.token).json()["status"] == "expired"


def test_guesses_far_from_a_code_do_not_kill_it(api: Api, clock: FakeClock) -> None:
    guardian = make_guardian(api)
    teen = make_teen(api, "Maya", 14, clock.now.date())
    created = _code(api, guardian)
    for _ in range(6):
        other = make_teen(api, "Guesser", 15, clock.now.date())
        _redeem(api, other, _wrong_code(created["code"], keep_locator=False))
    assert _redeem(api, teen, created["code"]).status_code == 200


def test_ten_wrong_codes_are_rate_limited_even_for_the_right_code(api: Api, clock: FakeClock) -> None:
    guardian = make_guardian(api)
    teen = make_teen(api, "Maya", 14, clock.now.date())
    created = _code(api, guardian)
    for _ in range(10):
        assert_error(_redeem(api, teen, _wrong_code(created["code"], keep_locator=False)), 404, "not_found")
    limited = _redeem(api, teen, created["code"])
    assert_error(limited, 429, "rate_limited")
    assert int(limited.headers["Retry-After"]) == 15 * 60
    # the same address is limited for another teen account too
    other = make_teen(api, "Sam", 16, clock.now.date())
    assert_error(_redeem(api, other, created["code"]), 429, "rate_limited")
    clock.advance(minutes=14, seconds=59)
    renew(api, teen)
    renew(api, guardian)
    assert_error(_redeem(api, teen, _code(api, guardian)["code"]), 429, "rate_limited")
    clock.advance(seconds=1)  # the 15-minute window has passed
    assert _redeem(api, teen, _code(api, guardian)["code"]).status_code == 200


def test_fifty_concurrent_redeems_of_one_code_make_at_most_one_link(live: Api, clock: FakeClock) -> None:
    guardian = make_guardian(live)
    teens = [make_teen(live, f"Teen{n}", 15, clock.now.date()) for n in range(50)]
    code = _code(live, guardian)
    results = redeem_all_at_once(live, teens, code["code"])
    statuses = sorted(status for _teen, status in results)
    assert statuses.count(200) == 1 and statuses.count(409) == 49, statuses
    winner = next(teen for teen, status in results if status == 200)
    for teen, _status in results:
        accepted = live.call("POST", f"/v1/pairings/{code['id']}/accept", teen.token)
        assert accepted.status_code == (200 if teen is winner else 404)
    assert live.call("POST", f"/v1/pairings/{code['id']}/confirm", guardian.token).status_code == 200
    assert [t["id"] for t in live.call("GET", "/v1/teens", guardian.token).json()] == [winner.id]


def test_cancel_from_either_side(api: Api, clock: FakeClock) -> None:
    guardian = make_guardian(api)
    teen = make_teen(api, "Maya", 14, clock.now.date())
    created = _code(api, guardian)
    _redeem(api, teen, created["code"])
    assert api.call("DELETE", f"/v1/pairings/{created['id']}", teen.token).status_code == 204
    assert api.call("GET", f"/v1/pairings/{created['id']}", guardian.token).json()["status"] == "cancelled"
    assert_error(api.call("POST", f"/v1/pairings/{created['id']}/accept", teen.token), 409, "pairing_not_open")
    second = _code(api, guardian)
    assert api.call("DELETE", f"/v1/pairings/{second['id']}", guardian.token).status_code == 204
    assert_error(_redeem(api, teen, second["code"]), 409, "pairing_not_open")


def test_roles_are_enforced_in_pairing(api: Api, clock: FakeClock) -> None:
    guardian = make_guardian(api)
    teen = make_teen(api, "Maya", 14, clock.now.date())
    assert_error(api.call("POST", "/v1/pairings", teen.token), 403, "forbidden")
    created = _code(api, guardian)
    assert_error(_redeem(api, guardian, created["code"]), 403, "forbidden")
    assert_error(api.call("GET", "/v1/me/guardians", guardian.token), 403, "forbidden")
    assert_error(api.call("GET", "/v1/teens", teen.token), 403, "forbidden")


def test_two_guardians_link_the_same_teen(api: Api, family: Family) -> None:
    jordan = make_guardian(api, "Jordan")
    link(api, jordan, family.teen, approver=family.guardian)
    names = [g["display_name"] for g in api.call("GET", "/v1/me/guardians", family.teen.token).json()]
    assert sorted(names) == ["Alex", "Jordan"]
    for guardian in (family.guardian, jordan):
        assert api.call("GET", f"/v1/teens/{family.teen.id}/controls", guardian.token).status_code == 200


def test_a_guardian_ends_only_their_own_link(api: Api, family: Family) -> None:
    jordan = make_guardian(api, "Jordan")
    link(api, jordan, family.teen, approver=family.guardian)
    assert api.call("DELETE", f"/v1/teens/{family.teen.id}/link", jordan.token).status_code == 204
    assert api.call("GET", "/v1/teens", jordan.token).json() == []
    assert_error(api.call("GET", f"/v1/teens/{family.teen.id}/controls", jordan.token), 404, "not_found")
    names = [g["display_name"] for g in api.call("GET", "/v1/me/guardians", family.teen.token).json()]
    assert names == ["Alex"]


def test_the_teen_ends_every_link_and_guardians_are_told(api: Api, family: Family) -> None:
    cursor = api.call("GET", "/v1/events", family.guardian.token).json()["cursor"]
    assert api.call("DELETE", f"/v1/teens/{family.teen.id}/link", family.teen.token).status_code == 204
    assert api.call("GET", "/v1/teens", family.guardian.token).json() == []
    assert api.call("GET", "/v1/me/guardians", family.teen.token).json() == []
    events = api.call("GET", "/v1/events", family.guardian.token, params={"after": cursor}).json()["events"]
    assert [e["type"] for e in events] == ["link_ended"]
    assert events[0]["teen_id"] == family.teen.id
    # the teen can be linked again later with a new code; the old controls are kept
    link(api, family.guardian, family.teen)
    assert [t["id"] for t in api.call("GET", "/v1/teens", family.guardian.token).json()] == [family.teen.id]


@pytest.mark.parametrize("age", [13, 17])
def test_teens_of_every_allowed_age_can_pair(api: Api, clock: FakeClock, age: int) -> None:
    guardian = make_guardian(api)
    teen = make_teen(api, "Kid", age, clock.now.date())
    link(api, guardian, teen)
    assert api.call("GET", "/v1/teens", guardian.token).json()[0]["age"] == age


def test_a_teen_links_with_at_most_ten_guardians(live: Api, clock: FakeClock) -> None:
    """Every event about a teen has a row per guardian and reaches each one's polls: a teen linked
    with 300 guardians (each a sign-up) made every usage report hold the service's one SQLite
    writer ~25 ms, and a loop of them held other families' changes back ~1 s each."""
    maya = make_teen(live, "Maya", 14, clock.now.date())
    guardians = [make_guardian(live, f"Guardian {n}") for n in range(MAX_GUARDIANS_PER_TEEN - 1)]
    for guardian in guardians:
        link(live, guardian, maya, approver=guardians[0])
    # Two more guardians at once: both codes redeemed, accepted and confirmed while the teen has
    # nine; the guardians approve both, and the second approval would make an 11th link.
    late = [make_guardian(live, name) for name in ("Kim", "Lee")]
    pairings = [live.call("POST", "/v1/pairings", g.token).json() for g in late]
    for pairing in pairings:
        assert live.call("POST", "/v1/pairings/redeem", maya.token, json={"code": pairing["code"]}).status_code == 200
        assert live.call("POST", f"/v1/pairings/{pairing['id']}/accept", maya.token).status_code == 200
    for pairing, guardian in zip(pairings, late, strict=True):
        confirmed = live.call("POST", f"/v1/pairings/{pairing['id']}/confirm", guardian.token)
        assert confirmed.json()["status"] == "approval"
    assert live.call("POST", f"/v1/pairings/{pairings[0]['id']}/approve", guardians[0].token).status_code == 200
    refused = live.call("POST", f"/v1/pairings/{pairings[1]['id']}/approve", guardians[1].token)
    assert "10 guardians" in assert_error(refused, 409, "pairing_not_open")["message"]
    assert live.call("GET", "/v1/teens", late[1].token).json() == []  # not linked
    # With ten, a new code is refused at once, when the teen enters it.
    code = live.call("POST", "/v1/pairings", late[1].token).json()["code"]
    assert_error(live.call("POST", "/v1/pairings/redeem", maya.token, json={"code": code}), 409, "pairing_not_open")
    # A linked guardian pairing again changes nothing and is not refused.
    link(live, guardians[0], maya)
    assert len(live.call("GET", "/v1/me/guardians", maya.token).json()) == MAX_GUARDIANS_PER_TEEN
    # One ends their link: there is room again.
    assert live.call("DELETE", f"/v1/teens/{maya.id}/link", guardians[1].token).status_code == 204
    link(live, late[1], maya, approver=guardians[0])


def test_the_other_guardians_are_told_which_account_joined_and_whether_it_is_new(api: Api, family: Family) -> None:
    """A teen can make a guardian account with her guardian's own name and pair it with herself:
    the guardian's app must tell that account from its own, which a name cannot do."""
    start = api.call("GET", "/v1/events", family.guardian.token).json()["cursor"]
    namesake = make_guardian(api, family.guardian.name)
    link(api, namesake, family.teen, approver=family.guardian)
    link(api, namesake, family.teen)  # pairing again: nothing new, and nobody is asked
    seen = api.call("GET", f"/v1/events?after={start}", family.guardian.token).json()["events"]
    told = [e["data"] for e in seen if e["type"] == "pairing_confirmed"]
    assert told == [
        {
            "guardian": family.guardian.name,
            "approved_by": family.guardian.name,
            "approved_by_id": family.guardian.id,
            "guardian_id": namesake.id,
            "new_link": True,
        },  # fmt: skip
        {"guardian": family.guardian.name, "guardian_id": namesake.id, "new_link": False},
    ]
