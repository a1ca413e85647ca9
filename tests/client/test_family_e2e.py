"""The guardian's family through FamilyService against the real server: pairing step by step
with the teen played by the simulator's functions, usage, time requests and the activity log,
each also readable from the cache afterwards (offline)."""

from __future__ import annotations

from datetime import date

import pytest

from famguard import teen_cli
from famguard.api import errors as e
from famguard.domain.controls import Audience
from famguard.domain.models import PairingStatus, TimeRequestStatus
from tests.support.accounts import guardian, pair, teen

from .test_sync_e2e import sign_in


def test_pair_change_and_see_it_as_the_teen(live_server: str) -> None:
    _, address = guardian(live_server, "Alex")
    t = teen(live_server, "Sam", age=15)
    session = sign_in(live_server, address)
    family = session.family

    pairing = family.start_pairing()
    assert pairing.status == PairingStatus.WAITING and len(pairing.code) == 8
    assert pairing.pair_uri.endswith(pairing.code)
    redeemed = teen_cli.redeem(t, pairing.code)
    assert redeemed.guardian_name == "Alex"
    teen_cli.accept(t, redeemed)
    seen = family.poll_pairing(pairing.id)
    assert seen.status == PairingStatus.ACCEPTED and (seen.teen.display_name, seen.teen.age) == ("Sam", 15)
    family.confirm_pairing(pairing.id)
    [summary] = family.cached_teens()
    assert (summary.display_name, summary.age) == ("Sam", 15)

    session.sync.refresh_controls(summary.id)
    session.sync.queue_change(summary.id, age=15, comments=Audience.NO_ONE, daily_limit_minutes=45)
    assert session.sync.send_pending() == 1
    as_teen = teen_cli.effective_controls(t)
    assert (as_teen.comments, as_teen.daily_limit_minutes) == (Audience.NO_ONE, 45)
    assert [g.display_name for g in teen_cli.guardians(t)] == ["Alex"]
    session.close()


def test_a_cancelled_pairing_cannot_be_redeemed(live_server: str) -> None:
    _, address = guardian(live_server)
    t = teen(live_server)
    session = sign_in(live_server, address)
    pairing = session.family.start_pairing()
    session.family.cancel_pairing(pairing.id)
    assert session.family.poll_pairing(pairing.id).status == PairingStatus.CANCELLED
    with pytest.raises(e.ApiError):
        teen_cli.redeem(t, pairing.code)
    session.close()


def test_usage_time_requests_and_activity_are_fetched_and_cached(live_server: str) -> None:
    from tests.support.accounts import pair

    g, address = guardian(live_server, "Alex")
    t = teen(live_server)
    teen_id = pair(g, t)
    session = sign_in(live_server, address)
    family = session.family
    today = teen_cli.report_usage(t, 50).date
    request = teen_cli.ask_for_time(t, 20, "finish the video for school")

    days = family.refresh_usage(teen_id)
    assert days[-1].date == today and days[-1].minutes == 50 and days[-1].limit_minutes == 60
    [pending] = family.refresh_time_requests(teen_id)
    assert (pending.id, pending.status) == (request.id, TimeRequestStatus.PENDING)

    decided = family.decide_time_request(pending, approve=True, minutes=15)
    assert (decided.status, decided.granted_minutes, decided.decided_by) == (TimeRequestStatus.APPROVED, 15, "Alex")
    with pytest.raises(e.Conflict) as caught:
        family.decide_time_request(pending, approve=False)
    assert caught.value.code == "already_decided"
    assert family.refresh_usage(teen_id, today, today)[0].limit_minutes == 75

    kinds = {a.kind for a in family.refresh_activity(teen_id)}
    assert {"link", "time_request"} <= kinds
    # Offline, the cache still answers.
    assert family.cached_usage(teen_id)[-1].limit_minutes == 75
    assert family.cached_time_requests(teen_id)[0].status == TimeRequestStatus.APPROVED
    assert {a.kind for a in family.cached_activity(teen_id)} == kinds
    assert isinstance(family.cached_usage(teen_id)[0].date, date)

    family.unlink(teen_id)
    assert family.cached_teens() == []
    session.close()


def test_requests_for_more_time_read_in_the_history_with_their_minutes(live_server: str) -> None:
    """The history as the service records it: "Sam asked for 30 min more" (it read "asked for None
    more": the request's minutes are the entry's `after`, not its `before`)."""
    from famguard.domain.activity_words import describe

    parent, _email = guardian(live_server)
    phone = teen(live_server)
    teen_id = pair(parent, phone)
    asked = phone.ask_for_time(30, "finishing a school project")
    parent.decide_time_request(asked.id, True, 15)
    denied = phone.ask_for_time(45, "one more video")
    parent.decide_time_request(denied.id, False)
    entries = [entry for entry in parent.activity(teen_id) if entry.kind == "time_request"]
    headlines = [describe(entry, "Sam").headline for entry in entries]
    assert headlines == [
        "Alex denied Sam's request for 45 min more",
        "Sam asked for 45 min more",
        "Alex approved 15 min more for Sam",
        "Sam asked for 30 min more",
    ], headlines


def test_an_answer_whose_reply_was_lost_is_asked_again_and_applied_once(live_server: str) -> None:
    """A proxy closed the connection the answer went out on after the service had applied it
    (the reply lost): the app said "can't reach … check your connection", and answering again
    said "This request was already answered". The answer is sent again and reads as given."""
    from tests.support.proxy import FaultProxy

    with FaultProxy(live_server) as proxy:
        g, address = guardian(proxy.url, "Alex")
        t = teen(live_server)
        teen_id = pair(g, t)
        session = sign_in(proxy.url, address)
        request = teen_cli.ask_for_time(t, 20, "finish the video for school")
        [pending] = session.family.refresh_time_requests(teen_id)
        proxy.drop_reply("/decision")  # the service decides; its reply never arrives
        decided = session.family.decide_time_request(pending, approve=True, minutes=15)
        assert (decided.id, decided.status, decided.granted_minutes) == (request.id, TimeRequestStatus.APPROVED, 15)
        assert proxy.count("/decision") == 2  # asked again once
        today = decided.date
        assert session.family.refresh_usage(teen_id, today, today)[0].limit_minutes == 75  # 60 + 15, once
        session.close()
