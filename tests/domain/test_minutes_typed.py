"""Minutes as a parent types them into a minutes box: a number of minutes, or hours and minutes as
written on paper. "1.30" was read as 130 min (the dot dropped) and saved — an exam rule meant to
cut the day to 1 h 30 raised it to 2 h 10 (an outside tester). What could mean two things is not
guessed: it is refused, in words, by the box (famguard.ui.deliberate.MinutesBox)."""

from __future__ import annotations

import pytest

from famguard.domain.values import MINUTES_TYPING, read_minutes


@pytest.mark.parametrize(
    ("typed", "minutes"),
    [
        ("90", 90),
        ("0", 0),
        (" 45 ", 45),
        ("90 min", 90),
        ("1:30", 90),
        ("1.30", 90),
        ("7.30", 450),
        ("12:00", 720),
        ("1h30", 90),
        ("1 h 30", 90),
        ("1 h 30 min", 90),
        ("1h 5", 65),
        ("2h", 120),
        ("2 h", 120),
        ("2H", 120),
        # In words, as parents write them: a box that keeps letters must read these.
        ("90 mins", 90),
        ("90 Minutes", 90),
        ("45m", 45),
        ("2 hours", 120),
        ("1 hr 30", 90),
        ("1h30m", 90),
        ("1 hour 30 minutes", 90),
    ],
)
def test_minutes_and_hours_and_minutes_are_read_as_a_parent_means_them(typed: str, minutes: int) -> None:
    assert read_minutes(typed) == minutes


_NOT_MINUTES = ["1.5", "1,30", "1,5", "1:75", "1.", "1:", "h", "", "1.305", "100:00", ":30"]
# Kept as typed by the box since an outside tester's "-5" asked for 5 min: refused in words.
_NOT_MINUTES += ["-5", "abc", "12x", "five", "1 hour 75", "90 seconds"]


@pytest.mark.parametrize("typed", _NOT_MINUTES)
def test_what_could_mean_two_things_or_nothing_is_not_guessed(typed: str) -> None:
    assert read_minutes(typed) is None
    assert MINUTES_TYPING.fullmatch(typed), "the box must let it be typed, to refuse it in words"
