"""A control's declared label in a sentence about one teen ("Comments on Maya's videos", "changed
Maya's time zone"): the one implementation the history, the home, Undo, the notices and the clash
dialog share. Light on purpose (the declarations only): the home imports it before the family's
first paint, when nothing of the history may be loaded yet."""

from __future__ import annotations

from famguard.domain.controls import SPECS

FEATURE_NAMES = ("Duet",)  # the platform's own feature names keep their capital inside a sentence


def mid_sentence(label: str) -> str:
    """A label for the middle of a sentence: its first word lower-cased, unless it is one of the
    platform's feature names ("Duet and Stitch…" keeps its capital)."""
    return label if label.split(" ", 1)[0] in FEATURE_NAMES else label[:1].lower() + label[1:]


def control_label(field: str, teen_name: str, *, in_sentence: bool = False) -> str:
    """The control's declared label, about this teen ("Comments on Maya's videos"); `in_sentence`
    lower-cases its first word for the middle of a sentence ("changed comments on Maya's videos").
    That is done before the teen's name goes in: "Your teen's time zone" must become "Maya's time
    zone", never "maya's"."""
    spec = SPECS.get(field)
    label = spec.label if spec else field.replace("_", " ")
    if in_sentence:
        label = mid_sentence(label)
    return label.replace("your teen's", f"{teen_name}'s").replace("Your teen's", f"{teen_name}'s")


def kept_off_by_age(field: str, age: int | None) -> str:
    """ " (not available under 16)" after the value of a control the teen's age keeps off, else "":
    "Direct messages: No one" for a 14-year-old read as the family's choice, to be argued over (the
    agreement, the home, the teen's own view)."""
    spec = SPECS.get(field)
    rule = spec.age_rule if spec else None
    if age is not None and rule is not None and rule.unavailable and age < rule.min_age:
        return f" (not available under {rule.min_age})"
    return ""
