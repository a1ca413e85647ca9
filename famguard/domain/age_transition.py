"""The age-transition preview: for a teen within 60 days of turning 16 or 18, what will change
and when, in plain words. At 16 every age rule of the controls (famguard.domain.controls) lifts:
the options it kept closed become available, while each setting keeps its value until a guardian
changes it; at 18 the link ends and FamGuard stops managing the account. Pure: the caller gives
the birth date, the teen's today and the current controls."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from famguard.domain.age import ADULT_AGE, OLDER_TEEN_AGE, date_of_age
from famguard.domain.control_words import mid_sentence
from famguard.domain.controls import CONTROLS, SPECS, Controls
from famguard.domain.plain_text import listed

PREVIEW_DAYS = 60  # how long before the birthday the preview shows
AGE_KIND = "age"  # the history entry's kind and field when the teen turns 16
TURNED_16 = "turned_16"


@dataclass(frozen=True)
class AgeTransition:
    """A teen's coming birthday that changes their controls, with what changes."""

    teen_name: str
    new_age: int
    on: date  # the birthday, in the teen's calendar
    days_left: int  # 1 the day before; on the day itself it has happened (the history says so)
    changes: tuple[str, ...]  # one sentence per change

    def headline(self) -> str:
        when = f"{self.on.day} {self.on:%B}"
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
    """The next transition (16 or 18) if it falls within `days` after `today`, else None; also
    None without a birth date. On the birthday itself the transition has happened: the preview
    gives way to the history entry the service writes that day."""
    if birth_date is None:
        return None
    for new_age in (OLDER_TEEN_AGE, ADULT_AGE):
        on = date_of_age(birth_date, new_age)
        left = (on - today).days
        if left <= 0:
            continue  # that age already (since today or before)
        if left <= days:
            changes = _at_16(name, controls) if new_age == OLDER_TEEN_AGE else _at_18(name)
            if new_age == OLDER_TEEN_AGE:
                changes = (changes[0][:1].lower() + changes[0][1:], *changes[1:])
            return AgeTransition(name, new_age, on, left, changes)
        return None  # the next birthday that matters is further away
    return None


def opened_at_16() -> dict[str, list[str]]:
    """What turning 16 opens, from the declarations' age rules: `available` the controls that
    were not available at all, `widened` the others whose closed values open, with those values
    (wire form). What the service records in the `turned_16` entry."""
    available: list[str] = []
    widened: list[str] = []
    for spec in CONTROLS:
        rule = spec.age_rule
        if rule is None or rule.min_age != OLDER_TEEN_AGE:
            continue
        (available if rule.unavailable else widened).append(spec.name)
    return {"available": available, "widened": widened}


def _control_names(fields: Any, owner: str) -> list[str]:  # noqa: ANN401 - a JSON list, normally
    """The fields' declared labels, lower-cased and about `owner` ("downloads of Maya's videos");
    fields this version does not know are left out."""
    if not isinstance(fields, list):
        return []
    names = []
    for field in fields:
        spec = SPECS.get(field) if isinstance(field, str) else None
        if spec is not None:
            names.append(mid_sentence(spec.label.replace("your teen's", owner)))
    return names


def turned_16_words(name: str, after: Any, *, for_teen: bool = False) -> str:  # noqa: ANN401 - the entry's JSON
    """The `turned_16` history entry in words for a guardian ("Maya turned 16: direct messages,
    … became available — they stay off until you change them") or, `for_teen`, for the teen."""
    facts: Mapping[str, Any] = after if isinstance(after, Mapping) else {}
    owner, subject, changer = ("your", "You", "a guardian changes") if for_teen else (f"{name}'s", name, "you change")
    available = _control_names(facts.get("available"), owner)
    parts = []
    if available:
        them = "they stay off until {} them" if len(available) > 1 else "it stays off until {} it"
        parts.append(f"{listed(available)} became available — {them.format(changer)}")
    widened = [f for f in facts.get("widened") or [] if isinstance(f, str) and f in SPECS]
    for field, words in zip(widened, _control_names(widened, owner), strict=True):
        rule = SPECS[field].age_rule
        opened = [text for value, text in SPECS[field].choices if rule is not None and value not in rule.allowed]
        if opened:
            parts.append(f"{words} can also be set to {listed([f'“{o}”' for o in opened])}")
    return f"{subject} turned 16" + (": " + "; ".join(parts) if parts else "")
