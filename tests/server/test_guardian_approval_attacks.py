"""The guardian-approval step attacked from outside, over real HTTP: what a teen with guardian
accounts of her own, or a stranger, found.

- A refused account was told which guardian refused it (`refused_by`, a guardian's name): an
  account that is nobody's guardian learnt who looks after the teen.
- approve/refuse answered a stranger "That teen was not found" for a pairing that exists and
  "That request was not found" for one that does not: the answer told them apart.
- (On PostgreSQL, test_guardian_approval_postgres: a call-off racing an answer.)
- A teen with accounts of her own could ask, call off and ask again without end: every question
  reaches each of her guardians."""

from __future__ import annotations

from famguard.server.routes_pairing import APPROVALS_PER_DAY, MAX_WAITING_APPROVALS
from tests.server.test_guardian_approval import accepted, ask, asked_family
from tests.support.accounts import link, make_guardian, make_teen, renew
from tests.support.http import Api, assert_error
from tests.support.servers import FakeClock


def test_a_refused_account_is_not_told_which_guardian_refused(live: Api, clock: FakeClock) -> None:
    (alex,), maya, stranger, pairing_id = asked_family(live, clock, ("Alex Rivera",))
    start = live.call("GET", "/v1/events", stranger.token).json()["cursor"]
    maya_start = live.call("GET", "/v1/events", maya.token).json()["cursor"]
    assert live.call("POST", f"/v1/pairings/{pairing_id}/refuse", alex.token).status_code == 200

    told = live.call("GET", "/v1/events", stranger.token, params={"after": start}).json()["events"]
    refused = [e for e in told if e["type"] == "pairing_refused"]
    assert [e["data"] for e in refused] == [{"pairing_id": pairing_id, "guardian_id": stranger.id}]
    assert "Alex Rivera" not in str(told)
    # The teen knows her guardians: she is still told who said no.
    hers = live.call("GET", "/v1/events", maya.token, params={"after": maya_start}).json()["events"]
    assert [e["data"]["refused_by"] for e in hers if e["type"] == "pairing_refused"] == ["Alex Rivera"]


def test_a_stranger_cannot_tell_a_real_request_from_a_made_up_one(live: Api, clock: FakeClock) -> None:
    (alex,), _, _, pairing_id = asked_family(live, clock)
    stranger = make_guardian(live, "Stranger")
    made_up = "0" * len(pairing_id)
    for verb in ("approve", "refuse"):
        real = live.call("POST", f"/v1/pairings/{pairing_id}/{verb}", stranger.token)
        fake = live.call("POST", f"/v1/pairings/{made_up}/{verb}", stranger.token)
        assert_error(real, 404, "not_found")
        assert real.json() == fake.json()
    assert live.call("GET", f"/v1/pairings/{pairing_id}", alex.token).status_code == 404  # not Alex's own pairing


def test_a_teen_cannot_ask_her_guardians_without_end(live: Api, clock: FakeClock) -> None:
    """Asking, calling off and asking again: each question reaches every guardian, so a teen with
    accounts of her own could keep them answering (or muting) all day."""
    alex = make_guardian(live, "Alex")
    maya = make_teen(live, "Maya", 14, clock.now.date())
    link(live, alex, maya)
    start = live.call("GET", "/v1/events", alex.token).json()["cursor"]
    own, other = make_guardian(live, "Own"), make_guardian(live, "Other")
    for n in range(APPROVALS_PER_DAY):  # two accounts of hers, taking turns
        asker = (own, other)[n % 2]
        pairing_id = ask(live, asker, maya)
        assert live.call("DELETE", f"/v1/pairings/{pairing_id}", asker.token).status_code == 204
    one_more = accepted(live, own, maya)
    refused = live.call("POST", f"/v1/pairings/{one_more}/confirm", own.token)
    assert f"{APPROVALS_PER_DAY} times" in assert_error(refused, 429, "rate_limited")["message"]
    assert int(refused.headers["Retry-After"]) > 0
    assert live.call("GET", f"/v1/pairings/{one_more}", own.token).json()["status"] == "accepted"
    events = live.call("GET", "/v1/events", alex.token, params={"after": start}).json()["events"]
    assert [e["type"] for e in events].count("pairing_approval_requested") == APPROVALS_PER_DAY
    # A day after the first question, one may be asked again.
    clock.advance(seconds=24 * 3600)
    for person in (alex, own, maya):  # a day on: their sign-ins renew, as an app's do
        renew(live, person)
    ask(live, own, maya)
    assert MAX_WAITING_APPROVALS < APPROVALS_PER_DAY  # the daily count refused, not the waiting one


def test_the_history_tells_which_account_approved_not_only_its_name(live: Api, clock: FakeClock) -> None:
    """A teen with no guardian yet pairs an account of her own named like her mother; the real
    mother then needs its approval, and so does the father: "approved by Mom" in the history and in
    the event, by name alone, read the same to the real Mom and to the father whichever account
    gave it. The approver's account id goes with the name, as the newcomer's does."""
    maya = make_teen(live, "Maya", 14, clock.now.date())
    fake = make_guardian(live, "Mom")
    link(live, fake, maya)  # her first guardian: nobody was there to approve
    mom = make_guardian(live, "Mom")
    link(live, mom, maya, approver=fake)
    dad = make_guardian(live, "Dad")
    start = live.call("GET", "/v1/events", mom.token).json()["cursor"]
    link(live, dad, maya, approver=fake)

    told = live.call("GET", "/v1/events", mom.token, params={"after": start}).json()["events"]
    confirmed = [e["data"] for e in told if e["type"] == "pairing_confirmed"]
    assert [(d["approved_by"], d["approved_by_id"]) for d in confirmed] == [("Mom", fake.id)]
    links = live.call("GET", f"/v1/teens/{maya.id}/activity", mom.token, params={"kind": "link"}).json()
    dads = [e["after"] for e in links if e["actor"]["id"] == dad.id]
    assert dads == [{"guardian": "Dad", "approved_by": "Mom", "approved_by_id": fake.id}]


def test_a_question_ends_when_nobody_is_left_to_answer_it(live: Api, clock: FakeClock) -> None:
    """The teen ended every link while an account waited for her guardians' answer: the question
    stood 3 days with nobody to ask (the asking guardian's app still said it waited), and the next
    guardian she paired found it on her home — asked of someone else — and could let it in."""
    _, maya, kim, pairing_id = asked_family(live, clock)
    start = live.call("GET", "/v1/events", kim.token).json()["cursor"]
    assert live.call("DELETE", f"/v1/teens/{maya.id}/link", maya.token).status_code == 204

    assert live.call("GET", f"/v1/pairings/{pairing_id}", kim.token).json()["status"] == "cancelled"
    told = live.call("GET", "/v1/events", kim.token, params={"after": start}).json()["events"]
    assert [e["data"] for e in told if e["type"] == "pairing_cancelled"] == [{"pairing_id": pairing_id}]
    newcomer = make_guardian(live, "Sam")
    link(live, newcomer, maya)  # her first guardian again: nobody asked
    assert live.call("GET", f"/v1/teens/{maya.id}/guardian-requests", newcomer.token).json() == []
    assert_error(live.call("POST", f"/v1/pairings/{pairing_id}/approve", newcomer.token), 404, "not_found")
    assert live.call("GET", "/v1/teens", kim.token).json() == []


def test_a_guardian_leaving_while_others_stay_leaves_the_question_to_them(live: Api, clock: FakeClock) -> None:
    (alex, jordan), maya, kim, pairing_id = asked_family(live, clock, ("Alex", "Jordan"))
    assert live.call("DELETE", f"/v1/teens/{maya.id}/link", alex.token).status_code == 204
    assert live.call("GET", f"/v1/pairings/{pairing_id}", kim.token).json()["status"] == "approval"
    assert live.call("POST", f"/v1/pairings/{pairing_id}/approve", jordan.token).json()["status"] == "active"
