"""A teen who has a guardian gets another only when one of her guardians approves. Found from
outside: a teen made a guardian account of her own, paired it with herself (her code, her
"Accept", her "Confirm") and changed her own rules; her guardian heard of it only afterwards.
Now the confirm waits for a linked guardian's answer, which only that guardian can give."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from famguard.server.routes_pairing import APPROVAL_TTL, MAX_WAITING_APPROVALS
from tests.support.accounts import Family, Person, link, make_guardian, make_teen, renew
from tests.support.http import Api, assert_error
from tests.support.servers import FakeClock


def accepted(api: Api, newcomer: Person, teen: Person) -> str:
    """The newcomer's code, redeemed and accepted by the teen; returns the pairing id."""
    pairing = api.call("POST", "/v1/pairings", newcomer.token).json()
    assert api.call("POST", "/v1/pairings/redeem", teen.token, json={"code": pairing["code"]}).status_code == 200
    assert api.call("POST", f"/v1/pairings/{pairing['id']}/accept", teen.token).status_code == 200
    return pairing["id"]


def ask(api: Api, newcomer: Person, teen: Person) -> str:
    """The newcomer's code, redeemed and accepted by the teen, confirmed by the newcomer."""
    pairing_id = accepted(api, newcomer, teen)
    confirmed = api.call("POST", f"/v1/pairings/{pairing_id}/confirm", newcomer.token)
    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.json()["status"] == "approval"
    return pairing_id


def asked_family(
    api: Api, clock: FakeClock, guardians: tuple[str, ...] = ("Alex",)
) -> tuple[list[Person], Person, Person, str]:
    """Guardians linked with Maya (the first approves the others) and Kim's question waiting for
    them: (guardians, Maya, Kim, the pairing id)."""
    linked = [make_guardian(api, name) for name in guardians]
    maya = make_teen(api, "Maya", 14, clock.now.date())
    for guardian in linked:
        link(api, guardian, maya, approver=linked[0])
    kim = make_guardian(api, "Kim")
    return linked, maya, kim, ask(api, kim, maya)


def _events(api: Api, person: Person, after: int) -> list[dict]:
    return api.call("GET", "/v1/events", person.token, params={"after": after}).json()["events"]


def _cursor(api: Api, person: Person) -> int:
    return api.call("GET", "/v1/events", person.token).json()["cursor"]


def _requests(api: Api, guardian: Person, teen: Person) -> list[dict]:
    listed = api.call("GET", f"/v1/teens/{teen.id}/guardian-requests", guardian.token)
    assert listed.status_code == 200, listed.text
    return listed.json()


def _mine(api: Api, guardian: Person) -> list[dict]:
    listed = api.call("GET", "/v1/me/guardian-requests", guardian.token)
    assert listed.status_code == 200, listed.text
    return listed.json()


def test_the_teens_own_guardian_account_changes_nothing_until_her_guardian_approves(
    api: Api, family: Family, clock: FakeClock
) -> None:
    alex, maya = family.guardian, family.teen
    start = _cursor(api, alex)
    own = make_guardian(api, "Alex")  # the teen's own account, named like her guardian
    pairing_id = ask(api, own, maya)

    # Not linked: it sees no teen, reads and changes nothing, and the teen's guardians are Alex alone.
    assert api.call("GET", "/v1/teens", own.token).json() == []
    assert_error(api.call("GET", f"/v1/teens/{maya.id}/controls", own.token), 404, "not_found")
    patch = api.call("PATCH", f"/v1/teens/{maya.id}/controls", own.token, json={"search": True},
                     headers={"If-Match": '"1"'})  # fmt: skip
    assert patch.status_code == 404
    assert [g["id"] for g in api.call("GET", "/v1/me/guardians", maya.token).json()] == [alex.id]
    assert api.call("GET", f"/v1/pairings/{pairing_id}", own.token).json()["status"] == "approval"

    # Alex is asked, by account (the name is Alex's own), and sees the request with its deadline.
    asked = [e for e in _events(api, alex, start) if e["type"] == "pairing_approval_requested"]
    assert [e["data"] for e in asked] == [{"pairing_id": pairing_id, "guardian": "Alex", "guardian_id": own.id}]
    listed = _requests(api, alex, maya)
    assert [(r["id"], r["guardian"]["id"]) for r in listed] == [(pairing_id, own.id)]
    assert listed[0]["expires_at"] == (clock.now + APPROVAL_TTL).isoformat().replace("+00:00", "Z")

    # Only a guardian linked with Maya answers: not the account that asked, not Maya, not a stranger.
    stranger = make_guardian(api, "Stranger")
    for person in (own, stranger):
        assert_error(api.call("POST", f"/v1/pairings/{pairing_id}/approve", person.token), 404, "not_found")
        assert_error(api.call("GET", f"/v1/teens/{maya.id}/guardian-requests", person.token), 404, "not_found")
    assert_error(api.call("POST", f"/v1/pairings/{pairing_id}/approve", maya.token), 403, "forbidden")

    # Alex says no: nothing is linked, and the account that asked and Maya are told.
    own_start, maya_start = _cursor(api, own), _cursor(api, maya)
    refused = api.call("POST", f"/v1/pairings/{pairing_id}/refuse", alex.token)
    assert refused.status_code == 200 and refused.json()["status"] == "refused"
    assert api.call("GET", f"/v1/pairings/{pairing_id}", own.token).json()["status"] == "refused"
    for person, after in ((own, own_start), (maya, maya_start)):
        assert "pairing_refused" in [e["type"] for e in _events(api, person, after)]
    assert api.call("GET", "/v1/teens", own.token).json() == []
    assert _requests(api, alex, maya) == []
    again = api.call("POST", f"/v1/pairings/{pairing_id}/approve", alex.token)
    assert "refused already" in assert_error(again, 409, "pairing_not_open")["message"]


def test_an_approved_guardian_is_linked_and_the_history_says_who_let_them_in(api: Api, family: Family) -> None:
    alex, maya = family.guardian, family.teen
    jordan = make_guardian(api, "Jordan")
    pairing_id = ask(api, jordan, maya)
    jordan_start = _cursor(api, jordan)
    approved = api.call("POST", f"/v1/pairings/{pairing_id}/approve", alex.token)
    assert approved.status_code == 200 and approved.json()["status"] == "active"
    assert [t["id"] for t in api.call("GET", "/v1/teens", jordan.token).json()] == [maya.id]
    assert api.call("GET", f"/v1/teens/{maya.id}/controls", jordan.token).status_code == 200
    told = [e["data"] for e in _events(api, jordan, jordan_start) if e["type"] == "pairing_confirmed"]
    assert told == [
        {
            "guardian": "Jordan",
            "approved_by": "Alex",
            "approved_by_id": alex.id,
            "guardian_id": jordan.id,
            "new_link": True,
        }
    ]
    links = api.call("GET", f"/v1/teens/{maya.id}/activity", alex.token, params={"kind": "link"}).json()
    assert links[0]["after"] == {"guardian": "Jordan", "approved_by": "Alex", "approved_by_id": alex.id}
    assert links[0]["actor"]["id"] == jordan.id
    # Linked now: Jordan pairing again needs nobody's approval (it changes nothing).
    link(api, jordan, maya)
    again = api.call("POST", f"/v1/pairings/{pairing_id}/refuse", alex.token)
    assert "approved already" in assert_error(again, 409, "pairing_not_open")["message"]


def test_two_guardians_answering_at_once_give_one_answer(live: Api, clock: FakeClock) -> None:
    (alex, jordan), maya, kim, pairing_id = asked_family(live, clock, ("Alex", "Jordan"))

    def answer(pair: tuple[Person, str]) -> int:
        guardian, verb = pair
        return live.call("POST", f"/v1/pairings/{pairing_id}/{verb}", guardian.token).status_code

    with ThreadPoolExecutor(2) as pool:
        codes = sorted(pool.map(answer, [(alex, "approve"), (jordan, "refuse")]))
    assert codes == [200, 409]
    status = live.call("GET", f"/v1/pairings/{pairing_id}", kim.token).json()["status"]
    linked = [t["id"] for t in live.call("GET", "/v1/teens", kim.token).json()]
    assert (status, linked) in (("active", [maya.id]), ("refused", []))


def test_an_answer_sent_again_by_the_guardian_who_gave_it_is_answered_as_it_was(live: Api, clock: FakeClock) -> None:
    """A guardian's approve or refuse whose reply was lost, sent again: 200 the pairing as it
    stands, nothing linked, recorded or told twice. Before: 409 "approved already" for the
    guardian's own answer. The other guardian answering afterwards still gets the 409."""
    (alex, jordan), maya, kim, approved_id = asked_family(live, clock, ("Alex", "Jordan"))
    start = _cursor(live, kim)
    for _ in range(2):
        approved = live.call("POST", f"/v1/pairings/{approved_id}/approve", alex.token)
        assert approved.status_code == 200 and approved.json()["status"] == "active", approved.text
    assert [t["id"] for t in live.call("GET", "/v1/teens", kim.token).json()] == [maya.id]
    assert [e["type"] for e in _events(live, kim, start)].count("pairing_confirmed") == 1
    links = live.call("GET", f"/v1/teens/{maya.id}/activity", alex.token, params={"kind": "link"}).json()
    assert [e["actor"]["id"] for e in links].count(kim.id) == 1
    late = live.call("POST", f"/v1/pairings/{approved_id}/approve", jordan.token)
    assert "approved already" in assert_error(late, 409, "pairing_not_open")["message"]
    changed_mind = live.call("POST", f"/v1/pairings/{approved_id}/refuse", alex.token)
    assert "approved already" in assert_error(changed_mind, 409, "pairing_not_open")["message"]

    robin = make_guardian(live, "Robin")
    refused_id = ask(live, robin, maya)
    start = _cursor(live, robin)
    for _ in range(2):
        refused = live.call("POST", f"/v1/pairings/{refused_id}/refuse", jordan.token)
        assert refused.status_code == 200 and refused.json()["status"] == "refused", refused.text
    assert [e["type"] for e in _events(live, robin, start)] == ["pairing_refused"]
    assert live.call("GET", "/v1/teens", robin.token).json() == []
    late = live.call("POST", f"/v1/pairings/{refused_id}/refuse", alex.token)
    assert "refused already" in assert_error(late, 409, "pairing_not_open")["message"]


def test_a_request_nobody_answers_expires_after_three_days(api: Api, family: Family, clock: FakeClock) -> None:
    jordan = make_guardian(api, "Jordan")
    pairing_id = ask(api, jordan, family.teen)
    clock.advance(seconds=APPROVAL_TTL.total_seconds() - 1)
    for person in (family.guardian, jordan):  # three days on: their sign-ins renew, as an app's do
        renew(api, person)
    assert len(_requests(api, family.guardian, family.teen)) == 1
    assert [p["id"] for p in _mine(api, jordan)] == [pairing_id]
    clock.advance(seconds=1)
    assert _requests(api, family.guardian, family.teen) == []
    assert _mine(api, jordan) == []  # the asker's list ends with it
    late = api.call("POST", f"/v1/pairings/{pairing_id}/approve", family.guardian.token)
    assert_error(late, 410, "pairing_expired")
    assert api.call("GET", f"/v1/pairings/{pairing_id}", jordan.token).json()["status"] == "expired"
    assert api.call("GET", "/v1/teens", jordan.token).json() == []


def test_a_teen_cannot_bury_her_guardians_in_requests(api: Api, family: Family) -> None:
    """A teen with many guardian accounts of her own: at most three questions wait per teen, and
    an account asking again replaces its own question."""
    askers = [make_guardian(api, f"Account {n}") for n in range(MAX_WAITING_APPROVALS)]
    for asker in askers:
        ask(api, asker, family.teen)
    replaced = ask(api, askers[0], family.teen)  # the same account again: still three
    assert len(_requests(api, family.guardian, family.teen)) == MAX_WAITING_APPROVALS
    assert replaced in [r["id"] for r in _requests(api, family.guardian, family.teen)]
    one_more = make_guardian(api, "One more")
    pairing = api.call("POST", "/v1/pairings", one_more.token).json()
    api.call("POST", "/v1/pairings/redeem", family.teen.token, json={"code": pairing["code"]})
    api.call("POST", f"/v1/pairings/{pairing['id']}/accept", family.teen.token)
    refused = api.call("POST", f"/v1/pairings/{pairing['id']}/confirm", one_more.token)
    assert "3 requests like this to answer already" in assert_error(refused, 409, "pairing_not_open")["message"]
    assert api.call("GET", f"/v1/pairings/{pairing['id']}", one_more.token).json()["status"] == "accepted"


def test_the_asking_guardian_calls_it_off_and_the_guardians_are_told(api: Api, family: Family) -> None:
    jordan = make_guardian(api, "Jordan")
    pairing_id = ask(api, jordan, family.teen)
    start = _cursor(api, family.guardian)
    assert api.call("DELETE", f"/v1/pairings/{pairing_id}", jordan.token).status_code == 204
    assert "pairing_cancelled" in [e["type"] for e in _events(api, family.guardian, start)]
    assert _requests(api, family.guardian, family.teen) == []
    assert_error(api.call("POST", f"/v1/pairings/{pairing_id}/approve", family.guardian.token), 404, "not_found")


def test_the_asking_guardian_sees_their_own_questions_until_they_are_answered(api: Api, family: Family) -> None:
    """The question stands three days, so an app whose pairing window was closed reads it again
    (to show it and to call it off): only the asker's own, each with the teen it is about."""
    jordan = make_guardian(api, "Jordan")
    pairing_id = ask(api, jordan, family.teen)
    (mine,) = _mine(api, jordan)
    assert mine["id"] == pairing_id and mine["status"] == "approval"
    assert mine["teen"]["display_name"] == family.teen.name and mine["teen"]["id"] == family.teen.id
    assert _mine(api, family.guardian) == []  # asked of Alex, not by him
    by_teen = api.call("GET", "/v1/me/guardian-requests", family.teen.token)
    assert by_teen.status_code == 403, by_teen.text  # a guardian's list
    assert api.call("GET", "/v1/me/guardian-requests").status_code == 401
    assert api.call("POST", f"/v1/pairings/{pairing_id}/approve", family.guardian.token).status_code == 200
    assert _mine(api, jordan) == []
    assert api.call("GET", f"/v1/pairings/{pairing_id}", jordan.token).json()["status"] == "active"
