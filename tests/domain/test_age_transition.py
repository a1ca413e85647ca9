"""The age-transition preview: when it shows, and what it says at 16 and at 18."""

from __future__ import annotations

from datetime import date

from famguard.domain.age_transition import opened_at_16, turned_16_words, upcoming_transition
from famguard.domain.controls import Audience, defaults_for_age

BORN = date(2010, 3, 3)  # 16 on 3 March 2026, 18 on 3 March 2028


def test_within_60_days_of_16_it_says_what_becomes_available_and_that_nothing_changes_by_itself() -> None:
    controls = defaults_for_age(15).replace(comments=Audience.NO_ONE)
    preview = upcoming_transition("Maya", BORN, date(2026, 1, 2), controls)
    assert preview is not None and (preview.new_age, preview.on, preview.days_left) == (16, date(2026, 3, 3), 60)
    text = preview.text()
    assert text.startswith("On 3 March (in 60 days) Maya turns 16: comments on Maya's videos can also be set to")
    assert "“Everyone” (it stays “No one” until you change it)." in text
    assert "Direct messages become available (it stays “No one” until you change it)." in text
    assert "Downloads of Maya's videos become available (it stays “Off” until you change it)." in text
    assert text.endswith("No setting changes by itself.")


def test_not_shown_earlier_nor_once_it_happened() -> None:
    assert upcoming_transition("Maya", BORN, date(2026, 1, 1)) is None  # 61 days before
    eve = upcoming_transition("Maya", BORN, date(2026, 3, 2))
    assert eve is not None and eve.headline() == "On 3 March (tomorrow) Maya turns 16"
    assert upcoming_transition("Maya", BORN, date(2026, 3, 3)) is None  # the day itself: the history says it
    assert upcoming_transition("Maya", BORN, date(2026, 3, 4)) is None
    assert upcoming_transition("Maya", None, date(2026, 3, 3)) is None


def test_at_18_the_link_ends() -> None:
    preview = upcoming_transition("Sam", BORN, date(2028, 3, 2))
    assert preview is not None and preview.new_age == 18
    assert preview.text() == (
        "On 3 March (tomorrow) Sam turns 18: the link ends and FamGuard stops managing Sam's account. "
        "Until then every rule stays as it is."
    )


def test_a_29_february_birthday_counts_from_1_march_in_common_years() -> None:
    preview = upcoming_transition("Leo", date(2012, 2, 29), date(2028, 2, 20))
    assert preview is not None and preview.on == date(2028, 2, 29)  # 2028 is a leap year
    common = upcoming_transition("Leo", date(2008, 2, 29), date(2026, 2, 20))
    assert common is not None and common.on == date(2026, 3, 1) and common.new_age == 18


def test_turning_16_in_words_comes_from_the_declarations() -> None:
    opened = opened_at_16()
    assert opened == {"available": ["direct_messages", "downloads", "duet_stitch"], "widened": ["comments"]}
    assert turned_16_words("Maya", opened) == (
        "Maya turned 16: direct messages, downloads of Maya's videos and Duet and Stitch with Maya's videos "
        "became available — they stay off until you change them; comments on Maya's videos can also be set "
        "to “Everyone”"
    )
    assert turned_16_words("Maya", opened, for_teen=True).startswith(
        "You turned 16: direct messages, downloads of your"
    )
    assert turned_16_words("Maya", {"available": ["downloads", "a_future_control"]}) == (
        "Maya turned 16: downloads of Maya's videos became available — it stays off until you change it"
    )
    assert turned_16_words("Maya", "garbage") == "Maya turned 16"
