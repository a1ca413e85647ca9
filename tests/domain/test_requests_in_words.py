"""What the teen's phone says of the day's requests for more time. It said only the newest one:
after 45 min and 1 h 40 min were given it said "gave you 1 h 40 min more today", and it showed
one waiting request of three (an outside tester)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from famguard.domain.models import TimeRequest, TimeRequestStatus
from famguard.domain.teen_view import requests_in_words

PENDING, APPROVED, DENIED = TimeRequestStatus.PENDING, TimeRequestStatus.APPROVED, TimeRequestStatus.DENIED


def request(minutes: int, status: TimeRequestStatus = PENDING, by: str | None = None, granted: int | None = None):
    at = datetime(2026, 12, 7, 15, 0, tzinfo=UTC)
    decided = at if status != PENDING else None
    return TimeRequest("r", "t", date(2026, 12, 7), minutes, "", status, at, decided, by, granted)


def test_one_request_is_said_as_before() -> None:
    assert requests_in_words([request(30)], linked=True) == "◷ Waiting for an answer: 30 min more"
    assert requests_in_words([request(30, APPROVED, "Alex", 15)], linked=True) == "✓ Alex gave you 15 min more today"
    assert requests_in_words([request(30, DENIED, "Alex")], linked=True) == "✗ Alex said no to 30 min more"
    assert requests_in_words([], linked=True) == ""


def test_everything_given_today_is_added_up() -> None:
    newest_first = [request(100, APPROVED, "Alex"), request(45, APPROVED, "Alex")]
    said = requests_in_words(newest_first, linked=True)
    assert said == "✓ Alex gave you 2 h 25 min more today (45 min and 1 h 40 min)"
    two_guardians = [request(60, APPROVED, "Sam"), request(45, APPROVED, "Alex", 30)]
    said = requests_in_words(two_guardians, linked=True)
    assert said == "✓ You were given 1 h 30 min more today (30 min from Alex and 1 h from Sam)"


def test_every_waiting_request_is_said_in_the_order_asked() -> None:
    said = requests_in_words([request(60), request(30), request(45)], linked=True)
    assert said == "◷ Waiting for answers: 45 min, 30 min and 1 h more"


def test_the_newest_news_comes_first() -> None:
    asked_after_a_gift = [request(30), request(45, APPROVED, "Alex")]
    said = requests_in_words(asked_after_a_gift, linked=True)
    assert said == "◷ Waiting for an answer: 30 min more\n✓ Alex gave you 45 min more today"
    refused_after_a_gift = [request(60, DENIED, "Sam"), request(45, APPROVED, "Alex")]
    said = requests_in_words(refused_after_a_gift, linked=True)
    assert said == "✗ Sam said no to 1 h more\n✓ Alex gave you 45 min more today"
    answered_while_one_waits = [request(45, APPROVED, "Alex"), request(30)]
    said = requests_in_words(answered_while_one_waits, linked=True)
    assert said == "✓ Alex gave you 45 min more today\n◷ Waiting for an answer: 30 min more"


def test_requests_closed_with_the_last_link() -> None:
    closed = request(30, DENIED, None)
    said = requests_in_words([closed], linked=True)
    assert said.startswith("✗ Your request for 30 min more closed unanswered when no guardian was linked.")
    said = requests_in_words([closed], linked=False)
    assert said.startswith("✗ Your request for 30 min more closed unanswered: no guardian manages this account now.")
    said = requests_in_words([request(30)], linked=False)
    assert said.startswith("◷ Your request for 30 min more waits until a guardian links with you")
    # Given before the link ended: no limit applies now, so nothing is said of it.
    assert requests_in_words([request(30, APPROVED, "Alex")], linked=False) == ""
    said = requests_in_words([request(30), request(20)], linked=False)
    assert said.startswith("◷ Your requests for 20 min and 30 min more wait until a guardian links with you")
