"""Age arithmetic and the age bands that the platform's rules depend on."""

from __future__ import annotations

from datetime import date

TEEN_MIN_AGE = 13
TEEN_MAX_AGE = 17
ADULT_AGE = 18
OLDER_TEEN_AGE = 16


def age_on(birth_date: date, on: date) -> int:
    """Whole years lived on `on` (a 29 February birthday counts from 1 March in common years)."""
    years = on.year - birth_date.year
    if (on.month, on.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years


def is_teen_age(age: int) -> bool:
    return TEEN_MIN_AGE <= age <= TEEN_MAX_AGE


def is_under_16(age: int) -> bool:
    return age < OLDER_TEEN_AGE


def birthday_in_year(birth_date: date, year: int) -> date:
    """The birthday as celebrated in `year`; 29 February falls back to 1 March."""
    try:
        return birth_date.replace(year=year)
    except ValueError:
        return date(year, 3, 1)


def date_of_age(birth_date: date, age: int) -> date:
    """The first day on which someone born on `birth_date` is `age` years old."""
    return birthday_in_year(birth_date, birth_date.year + age)
