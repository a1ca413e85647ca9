"""What the teen's phone says of the day's requests for more time. It said only the newest one:
after 45 min and 1 h 40 min were given it said "gave you 1 h 40 min more today", it showed one
waiting request of three, and a refusal went as soon as another request was answered (outside
testers)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from famguard.domain.models import TimeRequest, TimeRequestStatus
from famguard.domain.teen_view import requests_in_words

PENDING, APPROVED, DENIED = TimeRequestStatus.PENDING, TimeRequestStatus.APPROVED, TimeRequestStatus.DENIED
NOON = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)


def request(
    minutes: int,
    status: TimeRequestStatus = PENDING,
    by: str | None = None,
    granted: int | None = None,
    *,
    asked: int = 0,
    answered: int | None = None,
) -> TimeRequest:
    """Asked `asked` minutes after noon, answered `answered` minutes after noon (default: a minute
    after it was asked)."""
    created = NOON + timedelta(minutes=asked)
    decided = None if status == PENDING else NOON + timedelta(minutes=asked + 1 if answered is None else answered)
    return TimeRequest(f"r{asked}", "t", date(2026, 12, 7), minutes, "", status, created, decided, by, granted)


def newest_first(*requests: TimeRequest) -> list[TimeRequest]:
    return sorted(requests, key=lambda r: r.created_at, reverse=True)


def test_one_request_is_said_as_before() -> None:
    assert requests_in_words([request(30)], linked=True) == "◷ Waiting for an answer: 30 min more"
    assert requests_in_words([request(30, APPROVED, "Alex", 15)], linked=True) == "✓ Alex gave you 15 min more today"
    assert requests_in_words([request(30, DENIED, "Alex")], linked=True) == "✗ Alex said no to 30 min more"
    assert requests_in_words([], linked=True) == ""


def test_everything_given_today_is_added_up() -> None:
    given = newest_first(request(45, APPROVED, "Alex", asked=0), request(100, APPROVED, "Alex", asked=5))
    said = requests_in_words(given, linked=True)
    assert said == "✓ Alex gave you 2 h 25 min more today (45 min and 1 h 40 min)"
    two_guardians = newest_first(request(45, APPROVED, "Alex", 30, asked=0), request(60, APPROVED, "Sam", asked=5))
    said = requests_in_words(two_guardians, linked=True)
    assert said == "✓ You were given 1 h 30 min more today (30 min from Alex and 1 h from Sam)"


def test_every_waiting_request_is_said_in_the_order_asked() -> None:
    said = requests_in_words(
        newest_first(request(45, asked=0), request(30, asked=1), request(60, asked=2)), linked=True
    )
    assert said == "◷ Waiting for answers: 45 min, 30 min and 1 h more"


def test_every_refusal_stays_said_with_who_said_no() -> None:
    day = newest_first(
        request(20, DENIED, "Alex", asked=0, answered=2),
        request(10, DENIED, "Sam", asked=3, answered=4),
        request(15, DENIED, "Alex", asked=5, answered=6),
        request(100, APPROVED, "Alex", asked=7, answered=8),  # an answer after them: they stay
    )
    said = requests_in_words(day, linked=True).splitlines()
    assert said == [
        "✓ Alex gave you 1 h 40 min more today",
        "✗ Alex said no to 20 min and 15 min more; Sam to 10 min more",
    ]


def test_the_newest_news_comes_first() -> None:
    asked_after_a_gift = newest_first(request(45, APPROVED, "Alex", asked=0), request(30, asked=5))
    said = requests_in_words(asked_after_a_gift, linked=True)
    assert said == "◷ Waiting for an answer: 30 min more\n✓ Alex gave you 45 min more today"
    # Asked first, given later: the gift is the news (the waiting line stood above it).
    given_after_asking = newest_first(request(45, APPROVED, "Alex", asked=0, answered=10), request(30, asked=5))
    said = requests_in_words(given_after_asking, linked=True)
    assert said == "✓ Alex gave you 45 min more today\n◷ Waiting for an answer: 30 min more"
    refused_after_a_gift = newest_first(request(45, APPROVED, "Alex", asked=0), request(60, DENIED, "Sam", asked=5))
    said = requests_in_words(refused_after_a_gift, linked=True)
    assert said == "✗ Sam said no to 1 h more\n✓ Alex gave you 45 min more today"


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
    said = requests_in_words(newest_first(request(20, asked=0), request(30, asked=1)), linked=False)
    assert said.startswith("◷ Your requests for 20 min and 30 min more wait until a guardian links with you")
