"""Two history entries found misworded from outside, in the words every reader gets them: the
guardians' history (activity_words), and the teen's change log — `famguard-teen activity`, the
phone panel and the guardian's "What Maya sees" (teen_view). A rule a guardian ended while it
was in force (`ended_early`) read "removed", as if it had never applied; one removed before it
began stays "removed", and so does an older service's entry (which said "removed" of both). A
request for time the service closed when the teen's last link ended (`denied`, no actor) must not
read as a guardian's "no"."""

from __future__ import annotations

from datetime import UTC, datetime

from famguard.domain import teen_view
from famguard.domain.activity_words import describe
from famguard.domain.models import ActivityEntry, Actor, Role

AT = datetime(2026, 12, 3, 13, 2, tzinfo=UTC)
ALEX = Actor("g1", "Alex", Role.GUARDIAN)
MAYA = Actor("t1", "Maya", Role.TEEN)
EXAMS = {"name": "Exams", "starts_on": "2026-12-01", "ends_on": "2026-12-06", "controls": {"daily_limit_minutes": 30}}


def entry(kind: str, field: str, before: object, after: object, actor: Actor | None = ALEX) -> ActivityEntry:
    return ActivityEntry(7, AT, actor, "t1", kind, field, before, after)


def test_a_rule_ended_while_in_force_reads_ended_early_for_everyone() -> None:
    ended = entry("temporary_rule", "ended_early", EXAMS, None)
    words = "Alex ended the temporary rule “Exams” early (planned until Sunday 6 December)"
    assert teen_view.activity_in_words(ended) == words  # the teen's log
    line = describe(ended, "Maya", UTC)
    assert (line.headline, line.who) == (words, "Alex (guardian)")  # the other guardians' history
    assert describe(ended, "Maya", UTC, me="g1").headline.startswith("You ended the temporary rule “Exams” early")
    assert "removed" not in words


def test_a_rule_removed_before_it_began_and_an_older_entry_still_read_removed() -> None:
    removed = entry("temporary_rule", "removed", EXAMS, None)
    assert teen_view.activity_in_words(removed) == "Alex removed the temporary rule “Exams”"
    assert describe(removed, "Maya").headline == "Alex removed the temporary rule “Exams”"


def test_an_ended_early_entry_without_its_dates_still_reads() -> None:
    sparse = entry("temporary_rule", "ended_early", {"name": "Exams"}, None)
    assert teen_view.activity_in_words(sparse) == "Alex ended the temporary rule “Exams” early"


def test_a_request_closed_with_the_last_link_is_nobodys_no() -> None:
    closed = entry("time_request", "denied", 30, 0, actor=None)
    assert teen_view.activity_in_words(closed) == (
        "Your request for 30 min more closed unanswered: no guardian managed this account any more"
    )
    line = describe(closed, "Maya", UTC)
    assert line.headline == "Maya's request for 30 min more closed unanswered: no guardian was linked any more"
    assert line.who == "FamGuard"
    # A guardian's answer reads as before.
    assert teen_view.activity_in_words(entry("time_request", "denied", 30, 0)) == "Alex said no to 30 min more"
    assert (
        describe(entry("time_request", "denied", 30, 0), "Maya").headline
        == "Alex denied Maya's request for 30 min more"
    )
