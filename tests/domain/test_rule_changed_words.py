"""A change to a planned temporary rule, in the words every reader gets it: the guardians'
history (activity_words) and the teen's change log (teen_view) — what changed, and only that."""

from __future__ import annotations

from datetime import UTC, datetime

from famguard.domain import teen_view
from famguard.domain.activity_words import describe
from famguard.domain.models import ActivityEntry, Actor, Role

AT = datetime(2026, 12, 3, 13, 2, tzinfo=UTC)
JORDAN = Actor("g2", "Jordan", Role.GUARDIAN)
EXAMS = {"name": "Exams", "starts_on": "2026-12-10", "ends_on": "2026-12-20",
         "controls": {"daily_limit_minutes": 30, "daily_limit_overrides": {}}}  # fmt: skip


def changed(after: dict[str, object]) -> ActivityEntry:
    return ActivityEntry(9, AT, JORDAN, "t1", "temporary_rule", "changed", EXAMS, {**EXAMS, **after})


def test_a_changed_rule_says_each_part_that_changed() -> None:
    everything = changed({"name": "Mocks", "ends_on": "2026-12-18",
                          "controls": {"daily_limit_minutes": 45, "search_enabled": False}})  # fmt: skip
    words = (
        "Jordan changed the temporary rule “Exams”: now called “Mocks”; now from Thursday 10 December to"
        " Friday 18 December; settings now Daily screen-time limit 45 min, Search Off"
    )
    assert teen_view.activity_in_words(everything) == words  # the teen's log
    line = describe(everything, "Maya", UTC)
    assert (line.headline, line.who) == (words, "Jordan (guardian)")  # the other guardians' history
    assert describe(everything, "Maya", UTC, me="g2").headline == "You" + words[len("Jordan") :]


def test_only_what_changed_is_said() -> None:
    assert teen_view.activity_in_words(changed({"ends_on": "2026-12-18"})) == (
        "Jordan changed the temporary rule “Exams”: now from Thursday 10 December to Friday 18 December"
    )
    assert teen_view.activity_in_words(changed({"name": "Mocks"})) == (
        "Jordan changed the temporary rule “Exams”: now called “Mocks”"
    )


def test_a_day_of_another_year_than_the_entry_s_is_said_with_its_year() -> None:
    """Found by an outside tester on 6 December 2026: "You planned “Exam weeks” from Saturday 20
    March to Sunday 11 April" — of which year?"""
    spring = {"name": "Exam weeks", "starts_on": "2027-03-20", "ends_on": "2027-04-11",
              "controls": {"daily_limit_minutes": 60}}  # fmt: skip
    planned = ActivityEntry(3, AT, JORDAN, "t1", "temporary_rule", "created", None, spring)
    assert teen_view.activity_in_words(planned) == (
        "Jordan planned “Exam weeks” from Saturday 20 March 2027 to Sunday 11 April 2027: Daily screen-time limit 1 h"
    )
    this_year = ActivityEntry(4, AT, JORDAN, "t1", "temporary_rule", "created", None, EXAMS)
    assert "from Thursday 10 December to Sunday 20 December:" in teen_view.activity_in_words(this_year)
    moved = ActivityEntry(5, AT, JORDAN, "t1", "temporary_rule", "changed", EXAMS,
                          {**EXAMS, "ends_on": "2027-01-02"})  # fmt: skip
    assert teen_view.activity_in_words(moved).endswith("now from Thursday 10 December to Saturday 2 January 2027")
