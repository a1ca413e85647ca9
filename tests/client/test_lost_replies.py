"""A reply lost on its way back — the service did the work, then the connection closed before
the answer arrived (a proxy or a NAT dropping a kept-alive connection, a Wi-Fi hand-over) — is
asked again and reads as the first answer would have: applied once, and no error for work
that was done. Before, a POST without an Idempotency-Key said "can't reach … check your
connection", and doing it again said "already answered" or "overlaps another rule"; a DELETE
was sent again and its second answer, 404, said "not found" for a rule that had been removed.

The real server behind the fault proxy (tests/support/proxy.py), which lets the request through
and swallows the reply once; each client signed in through the proxy."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

import pytest

from famguard.api import ApiClient
from famguard.domain.models import PairingStatus, TimeRequestStatus
from tests.support.accounts import ask_to_pair, guardian, pair, teen
from tests.support.proxy import FaultProxy


@dataclass
class Family:
    proxy: FaultProxy
    guardian: ApiClient
    teen: ApiClient


@pytest.fixture
def family(live_server: str) -> Iterator[Family]:
    with FaultProxy(live_server) as proxy:
        alex, _ = guardian(proxy.url, "Alex")
        maya = teen(proxy.url, "Maya", 14)
        yield Family(proxy, alex, maya)


def lose_the_next_reply(family: Family, request_line: str) -> None:
    family.proxy.drop_reply(request_line)


def sent(family: Family, request_line: str) -> int:
    return family.proxy.count(request_line)


def test_a_temporary_rule_is_planned_changed_and_removed_once(family: Family) -> None:
    teen_id = pair(family.guardian, family.teen)
    start = date.today() + timedelta(days=3)
    lose_the_next_reply(family, "POST /v1/teens/")
    rule = family.guardian.create_temporary_rule(
        teen_id, "Exam week", start, start + timedelta(days=4), {"daily_limit_minutes": 30}
    )
    assert sent(family, "/temporary-rules") == 2
    assert [r.id for r in family.guardian.temporary_rules(teen_id)] == [rule.id]
    kinds = [a.field for a in family.guardian.activity(teen_id) if a.kind == "temporary_rule"]
    assert kinds == ["created"]

    lose_the_next_reply(family, "PUT /v1/teens/")
    changed = family.guardian.change_temporary_rule(
        teen_id, rule.id, "Mock exams", start, start + timedelta(days=3), {"daily_limit_minutes": 45}
    )
    assert sent(family, "PUT /v1/teens/") == 2
    assert (changed.id, changed.name, changed.controls["daily_limit_minutes"]) == (rule.id, "Mock exams", 45)
    kinds = [a.field for a in family.guardian.activity(teen_id) if a.kind == "temporary_rule"]
    assert kinds == ["changed", "created"]  # changed once

    lose_the_next_reply(family, "DELETE /v1/teens/")
    family.guardian.remove_temporary_rule(teen_id, rule.id)  # the second answer is 404: it is gone
    assert family.guardian.temporary_rules(teen_id) == []


def test_a_question_for_more_time_is_asked_once(family: Family) -> None:
    teen_id = pair(family.guardian, family.teen)
    lose_the_next_reply(family, "POST /v1/me/time-requests")
    asked = family.teen.ask_for_time(20, "finish the video for school")
    assert sent(family, "POST /v1/me/time-requests") == 2
    [waiting] = family.guardian.time_requests(teen_id)
    assert (waiting.id, waiting.status, waiting.minutes) == (asked.id, TimeRequestStatus.PENDING, 20)


def test_each_step_of_a_pairing_is_taken_once(family: Family) -> None:
    pairing = family.guardian.start_pairing()
    redeemed = family.teen.redeem_pairing(pairing.code)
    lose_the_next_reply(family, "/accept")
    accepted = family.teen.accept_pairing(redeemed.id)
    assert accepted.status == PairingStatus.ACCEPTED and sent(family, "/accept") == 2
    lose_the_next_reply(family, "/confirm")
    confirmed = family.guardian.confirm_pairing(pairing.id)
    assert confirmed.status == PairingStatus.ACTIVE and sent(family, "/confirm") == 2
    [linked] = family.guardian.teens()
    assert linked.display_name == "Maya"
    assert [g.display_name for g in family.teen.my_guardians()] == ["Alex"]

    lose_the_next_reply(family, "DELETE /v1/teens/")
    family.guardian.unlink(linked.id)  # the second answer: no link left to end
    assert family.guardian.teens() == []


def test_an_answer_to_a_guardian_s_request_is_given_once(family: Family) -> None:
    """Alex approves Jordan's request and refuses Robin's; each reply is lost and asked again:
    the answer stands as given (before: "This request was approved already" for Alex's own)."""
    pair(family.guardian, family.teen)
    jordan, _ = guardian(family.proxy.url, "Jordan")
    asked = ask_to_pair(jordan, family.teen)
    lose_the_next_reply(family, "/approve")
    approved = family.guardian.approve_pairing(asked.id)
    assert approved.status == PairingStatus.ACTIVE and sent(family, "/approve") == 2
    assert [t.display_name for t in jordan.teens()] == ["Maya"]

    robin, _ = guardian(family.proxy.url, "Robin")
    asked = ask_to_pair(robin, family.teen)
    lose_the_next_reply(family, "/refuse")
    refused = family.guardian.refuse_pairing(asked.id)
    assert refused.status == PairingStatus.REFUSED and sent(family, "/refuse") == 2
    assert robin.teens() == []


def test_a_pairing_called_off_is_called_off_once(family: Family) -> None:
    pairing = family.guardian.start_pairing()
    lose_the_next_reply(family, "DELETE /v1/pairings/")
    family.guardian.cancel_pairing(pairing.id)
    assert family.guardian.get_pairing(pairing.id).status == PairingStatus.CANCELLED


def test_the_phone_s_reports_arrive(family: Family) -> None:
    pair(family.guardian, family.teen)
    today = family.teen.my_usage().date
    lose_the_next_reply(family, "POST /v1/me/usage")
    assert family.teen.report_usage(today, 25).minutes == 25
    etag = family.teen.my_controls().etag
    lose_the_next_reply(family, "POST /v1/me/controls/applied")
    family.teen.report_applied(etag)
    assert sent(family, "POST /v1/me/controls/applied") == 2


def test_a_lost_refresh_answer_does_not_sign_the_guardian_out(family: Family) -> None:
    """Found by an outside tester: the app started while the service hung; its tries to renew the
    sign-in waited in the service's queue, which answered the first and took the others for the
    reuse of a stolen copy — signed out once the service was back. Here the first renewal's answer
    is lost: the next call renews with the same refresh token and retry key, and works on."""
    from famguard.api import errors as e

    client = family.guardian
    remembered = client.tokens.refresh_token
    assert remembered is not None
    client.tokens.clear()
    client.tokens.restore(remembered)  # as at a start: the keyring's refresh token, no access token
    lose_the_next_reply(family, "POST /v1/auth/refresh")
    with pytest.raises(e.ApiError) as lost:
        client.me()  # its renewal's answer never arrives
    assert not isinstance(lost.value, e.SignedOut)
    assert client.me().display_name == "Alex"  # renewed again: the same sign-in, not ended
    assert sent(family, "POST /v1/auth/refresh") == 2
