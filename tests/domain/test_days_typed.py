"""A day as a guardian types one into a date box (famguard.ui.date_box): whole, in the order the
app writes days (day, month, year), with what is left out taken from the day the box showed.
A day that cannot be is refused with a reason a parent can act on, never moved to another day:
Qt's date box turned "31" in February into the 3rd and "15 Mar 2027" into 15 February."""

from __future__ import annotations

from datetime import date

import pytest

from famguard.domain.temporary import HOW_TO_TYPE_A_DAY, day_text, read_day

SHOWN = date(2027, 2, 10)


@pytest.mark.parametrize(
    ("typed", "day"),
    [
        ("15 Mar 2027", date(2027, 3, 15)),
        ("15 march 2027", date(2027, 3, 15)),
        ("15 Mar, 2027", date(2027, 3, 15)),
        ("15-Mar-2027", date(2027, 3, 15)),
        ("15/3/27", date(2027, 3, 15)),
        ("15.03.2027", date(2027, 3, 15)),
        ("3/4/2027", date(2027, 4, 3)),  # the day first, as every screen writes it
        ("2027-03-15", date(2027, 3, 15)),
        ("Mar 15", date(2027, 3, 15)),
        ("Mar 15 2027", date(2027, 3, 15)),
        ("20", date(2027, 2, 20)),  # the month and year shown
        ("  7  ", date(2027, 2, 7)),
        ("28", date(2027, 2, 28)),
        ("29 Feb 2028", date(2028, 2, 29)),
        ("5 jan", date(2027, 1, 5)),
        ("15 Mar", date(2027, 3, 15)),
        ("1st Mar", date(2027, 3, 1)),
        ("22nd March 2027", date(2027, 3, 22)),
        ("Mar 3rd", date(2027, 3, 3)),
    ],
)
def test_a_day_is_read_as_it_is_typed(typed: str, day: date) -> None:
    assert read_day(typed, SHOWN) == day


def test_a_day_and_month_without_a_year_are_the_nearest_to_the_day_shown() -> None:
    assert read_day("5 Jan", date(2026, 12, 20)) == date(2027, 1, 5)  # not last January
    assert read_day("20 Dec", date(2027, 1, 3)) == date(2026, 12, 20)
    assert read_day("1 Jul", date(2027, 6, 1)) == date(2027, 7, 1)


def test_from_a_day_on_the_nearest_day_to_come_is_meant() -> None:
    """A rule's days are today or later: "1/12" typed on 6 December 2026 into a box showing the
    19th is 1 December 2027, not five days ago (an outside tester's rule began in the past)."""
    today = date(2026, 12, 6)
    assert read_day("1/12", date(2026, 12, 19), today) == date(2027, 12, 1)
    assert read_day("20 Dec", date(2026, 12, 19), today) == date(2026, 12, 20)
    assert read_day("5 Jan", date(2026, 12, 19), today) == date(2027, 1, 5)
    assert read_day("3", date(2026, 12, 19), today) == date(2027, 1, 3)  # a day alone: the next 3rd
    assert read_day("28", date(2027, 1, 2), date(2026, 12, 20)) == date(2026, 12, 28)  # nearest, from the 20th
    assert read_day("20", date(2027, 3, 28), date(2027, 3, 15)) == date(2027, 3, 20)
    assert read_day("3", date(2026, 12, 19)) == date(2026, 12, 3)  # without a day to come from: the month shown


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("31", "February 2027 has 28 days"),
        ("31 Feb 2027", "February 2027 has 28 days"),
        ("29 Feb 2027", "February 2027 has 28 days"),
        ("31 Apr", "April 2027 has 30 days"),
        ("32 Jan", "January 2027 has 31 days"),
        ("0", f"there is no day 0: {HOW_TO_TYPE_A_DAY}"),
        ("15 13 2027", f"there is no month 13: {HOW_TO_TYPE_A_DAY}"),
        ("15 Foo", f"“Foo” is not a month: {HOW_TO_TYPE_A_DAY}"),
        ("15 Ma", f"“Ma” is not a month: {HOW_TO_TYPE_A_DAY}"),  # March or May: not guessed
        ("someday", HOW_TO_TYPE_A_DAY),
        ("", HOW_TO_TYPE_A_DAY),
        ("1 2 3 4", HOW_TO_TYPE_A_DAY),
        ("15 Mar 202", HOW_TO_TYPE_A_DAY),
        ("15 Mar 9999", HOW_TO_TYPE_A_DAY),
        ("31 Dec 0000", HOW_TO_TYPE_A_DAY),
        ("15 Mar 2027!", HOW_TO_TYPE_A_DAY),
        ("١٥ Mar 2027", HOW_TO_TYPE_A_DAY),  # digits of another script: not read as 15
    ],
)
def test_a_day_that_cannot_be_is_refused_with_the_reason(typed: str, reason: str) -> None:
    with pytest.raises(ValueError) as refused:
        read_day(typed, SHOWN)
    assert str(refused.value) == reason


@pytest.mark.parametrize("day", [date(2027, 3, 5), date(2026, 12, 31), date(2028, 2, 29), date(2027, 9, 30)])
def test_a_day_shown_reads_back_as_itself(day: date) -> None:
    assert read_day(day_text(day), SHOWN) == day
