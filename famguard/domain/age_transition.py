"""The age-transition preview: for a teen within 60 days of turning 16 or 18, what will change
and when, in plain words. At 16 every age rule of the controls (famguard.domain.controls) lifts:
the options it kept closed become available, while each setting keeps its value until a guardian
changes it; at 18 the link ends and FamGuard stops managing the account. Pure: the caller gives
the birth date, the teen's today and the current controls."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from famguard.domain.age import ADULT_AGE, OLDER_TEEN_AGE, date_of_age
from famguard.domain.controls import CONTROLS, Controls

PREVIEW_DAYS = 60  # how long before the birthday the preview shows


@dataclass(frozen=True)
class AgeTransition:
    teen_name: str
    new_age: int
    on: date  # the birthday, in the teen's calendar
    days_left: int  # 0 on the day itself
    changes: tuple[str, ...]  # one sentence per change

    def headline(self) -> str:
        when = f"{self.on.day} {self.on:%B}"
        if self.days_left == 0:
            return f"Today {self.teen_name} turns {self.new_age}"
        soon = "tomorrow" if self.days_left == 1 else f"in {self.days_left} days"
        return f"On {when} ({soon}) {self.teen_name} turns {self.new_age}"

    def text(self) -> str:
        return f"{self.headline()}: " + " ".join(self.changes)


def _at_16(name: str, controls: Controls | None) -> tuple[str, ...]:
    changes = []
    for spec in CONTROLS:
        rule = spec.age_rule
        if rule is None or rule.min_age != OLDER_TEEN_AGE:
            continue
        now = f"“{spec.describe(getattr(controls, spec.name))}”" if controls is not None else "what it is"
        label = spec.label.replace("your teen's", f"{name}'s")
        if rule.unavailable:
            changes.append(f"{label} become available (it stays {now} until you change it).")
        else:
            opened = ", ".join(f"“{text}”" for value, text in spec.choices if value not in rule.allowed)
            changes.append(f"{label} can also be set to {opened} (it stays {now} until you change it).")
    changes.append("No setting changes by itself.")
    return tuple(changes)


def _at_18(name: str) -> tuple[str, ...]:
    return (
        f"the link ends and FamGuard stops managing {name}'s account.",
        "Until then every rule stays as it is.",
    )


def upcoming_transition(
    name: str, birth_date: date | None, today: date, controls: Controls | None = None, days: int = PREVIEW_DAYS
) -> AgeTransition | None:
    """The next transition (16 or 18) if it falls within `days` of `today` (the day itself
    included), else None; also None without a birth date."""
    if birth_date is None:
        return None
    for new_age in (OLDER_TEEN_AGE, ADULT_AGE):
        on = date_of_age(birth_date, new_age)
        left = (on - today).days
        if left < 0:
            continue  # already that age before today
        if left <= days:
            changes = _at_16(name, controls) if new_age == OLDER_TEEN_AGE else _at_18(name)
            if new_age == OLDER_TEEN_AGE:
                changes = (changes[0][:1].lower() + changes[0][1:], *changes[1:])
            return AgeTransition(name, new_age, on, left, changes)
        return None  # the next birthday that matters is further away
    return None
