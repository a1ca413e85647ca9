"""The change history in plain words: one history entry (famguard.domain.models.ActivityEntry)
as a sentence a parent reads ("Jordan turned search off", "Alex approved 30 min more for Maya",
"Maya unlinked"), its before → after, who (name and role) and when in the reader's local time;
the reader's own entries as "You" (told by account, never by name: another account may carry the
reader's name, a teen's second account made to look like the guardian);
the filter choices; and whether "Undo this change" still makes sense for an entry. Every
control's name and value words come from its declaration (famguard.domain.controls; its label
about the teen from famguard.domain.control_words), never from text written here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import tzinfo
from typing import Any

from famguard.domain.age_transition import AGE_KIND, TURNED_16, turned_16_words
from famguard.domain.control_words import control_label
from famguard.domain.controls import CONTROLS, SPECS, ValueKind
from famguard.domain.models import SYSTEM_ACTOR, ActivityEntry, GuardianLink, Role
from famguard.domain.plain_text import carries_my_name
from famguard.domain.teen_view import activity_in_words
from famguard.domain.values import FieldError, recorded_minutes

KINDS: tuple[tuple[str, str], ...] = (
    ("controls", "Changes to settings"),
    ("link", "Links started or ended"),
    ("time_request", "Requests for more time"),
    ("temporary_rule", "Temporary rules"),
    (AGE_KIND, "Birthdays that change the rules"),
)
ROLE_WORDS = {Role.GUARDIAN: "guardian", Role.TEEN: "teen"}


@dataclass(frozen=True)
class HistoryLine:
    """What the history list shows for one entry."""

    entry_id: int
    headline: str  # "Jordan turned search off"
    change: str  # "On → Off" ("" when there is no before/after)
    who: str  # "Jordan (guardian)"
    when: str  # "Thu 3 Dec 2026, 14:02"

    @property
    def detail(self) -> str:
        """The second line under the headline: before → after, who, when."""
        return " · ".join(p for p in (self.change, self.who, self.when) if p)

    def text(self) -> str:
        """All of it in one line (screen readers, copying)."""
        parts = [self.headline, self.change, f"by {'you' if self.who == YOU else self.who}", self.when]
        return " · ".join(p for p in parts if p)


def value_words(field: str, raw: Any) -> str:  # noqa: ANN401 - a control's wire value
    """A control's wire value as its declaration words it; an unknown or broken value verbatim."""
    spec = SPECS.get(field)
    if spec is None:
        return str(raw)
    try:
        return spec.describe(spec.parse(raw))
    except (FieldError, TypeError, ValueError):
        return str(raw)


YOU = "You"


def _mine(entry: ActivityEntry, me: str | None) -> bool:
    return me is not None and entry.actor is not None and entry.actor.id == me


def who(entry: ActivityEntry, me: str | None = None) -> str:
    """Who made the entry; `me`: the reader's account id, whose entries are "You" — a name alone
    cannot tell the reader from another account with the same name."""
    if entry.actor is None:
        return "FamGuard"
    if _mine(entry, me):
        return YOU
    return f"{entry.actor.display_name} ({ROLE_WORDS.get(entry.actor.role, entry.actor.role)})"


def changed_by(entry: ActivityEntry, me: str | None, my_name: str = "") -> str:
    """Who made an entry, after "changed by": "you" for the reader's account (`me`), and another
    account carrying the reader's name (`my_name`) said to be another account."""
    if entry.actor is None:
        return "FamGuard"
    if _mine(entry, me):
        return "you"
    name = entry.actor.display_name
    if carries_my_name(name, my_name):
        return f"another account named “{name}”"
    return name


_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def when(entry: ActivityEntry, zone: tzinfo | None = None) -> str:
    """The moment in the reader's local time zone (`zone` None: this computer's). Written out by
    hand: three strftime calls took ~35 us an entry, half the cost of wording a page of the
    history on the worker (tests/benchmarks/bench_history.py)."""
    local = entry.at.astimezone(zone)
    day, month = _WEEKDAYS[local.weekday()], _MONTHS[local.month - 1]
    return f"{day} {local.day} {month} {local.year}, {local.hour:02d}:{local.minute:02d}"


def _guardian_in(value: Any) -> str | None:  # noqa: ANN401 - the link entry's JSON
    if isinstance(value, dict) and isinstance(value.get("guardian"), str):
        return value["guardian"]
    return None


def headline(entry: ActivityEntry, teen_name: str, me: str | None = None) -> tuple[str, str]:
    """(sentence, before → after) for one entry; `me` as in `who`."""
    mine = _mine(entry, me)
    actor = YOU if mine else entry.actor.display_name if entry.actor else None
    if entry.kind == "controls" and entry.field:
        label = control_label(entry.field, teen_name)
        in_sentence = control_label(entry.field, teen_name, in_sentence=True)
        spec = SPECS.get(entry.field)
        before, after = value_words(entry.field, entry.before), value_words(entry.field, entry.after)
        subject = actor or "FamGuard"
        if spec is not None and spec.kind is ValueKind.TOGGLE and isinstance(entry.after, bool):
            name = in_sentence if len(label.split()) <= 2 else f"“{label}”"
            return f"{subject} turned {name} {'on' if entry.after else 'off'}", f"{before} → {after}"
        return f"{subject} changed {in_sentence}", f"{before} → {after}"
    if entry.kind == "temporary_rule" or (entry.kind == "link" and entry.field == "ending"):
        sentence = activity_in_words(entry)  # worded alike for the teen and the guardians
        if mine and entry.actor is not None and sentence.startswith(entry.actor.display_name):
            sentence = YOU + sentence[len(entry.actor.display_name) :]
        return sentence, ""
    if entry.kind == AGE_KIND and entry.field == TURNED_16:
        return turned_16_words(teen_name, entry.after), ""
    if entry.kind == "link":
        started, ended = _guardian_in(entry.after), _guardian_in(entry.before)
        if started:
            link: dict[str, Any] = entry.after if isinstance(entry.after, dict) else {}
            approver = link.get("approved_by")
            by_me = me is not None and link.get("approved_by_id") == me  # by account: names can repeat
            approved = "approved by you" if by_me else f"approved by {approver}" if isinstance(approver, str) else ""
            return f"{YOU if mine else started} linked with {teen_name}", approved
        guardian = ended or "a guardian"
        if entry.actor is None:
            return f"The link between {guardian} and {teen_name} ended: {teen_name} turned 18", ""
        if entry.actor.role is Role.TEEN:
            return f"{teen_name} unlinked from {guardian}", ""
        return f"{actor} unlinked from {teen_name}", ""
    if entry.kind == "time_request":
        # The service records a request as nothing → the minutes asked, and an answer as the
        # minutes asked → the minutes granted (famguard.server.routes_family).
        if entry.field == "requested":
            return f"{teen_name} asked for {recorded_minutes(entry.after)} more", ""
        asked = recorded_minutes(entry.before)
        if entry.field == "approved":
            return (
                f"{actor or 'A guardian'} approved {recorded_minutes(entry.after)} more for {teen_name}",
                f"asked {asked}",
            )
        if entry.field == "denied" and entry.actor is None:  # the service closed it with the last link
            return f"{teen_name}'s request for {asked} more closed unanswered: no guardian was linked any more", ""
        if entry.field == "denied":
            return f"{actor or 'A guardian'} denied {teen_name}'s request for {asked} more", ""
    return f"{actor or 'FamGuard'}: {entry.kind} {entry.field or ''}".strip(), ""


def describe(entry: ActivityEntry, teen_name: str, zone: tzinfo | None = None, me: str | None = None) -> HistoryLine:
    sentence, change = headline(entry, teen_name, me)
    return HistoryLine(entry.id, sentence, change, who(entry, me), when(entry, zone))


def who_choices(
    teen_id: str, teen_name: str, guardians: list[GuardianLink], me: str | None = None
) -> list[tuple[str, str]]:
    """(actor filter value, label) for the "Who" filter: every guardian linked with the teen (the
    reader, `me`, as "You"), the teen, and FamGuard for the entries the service wrote itself
    (worded as `who` words them)."""
    people = [(g.id, YOU if g.id == me else f"{g.display_name} ({ROLE_WORDS[Role.GUARDIAN]})") for g in guardians]
    return [*people, (teen_id, f"{teen_name} ({ROLE_WORDS[Role.TEEN]})"), (SYSTEM_ACTOR, "FamGuard")]


def field_choices(teen_name: str) -> list[tuple[str, str]]:
    """(field, label) of every declared control, for the "Setting" filter."""
    return [(spec.name, control_label(spec.name, teen_name)) for spec in CONTROLS]


def undo_blocker(entry: ActivityEntry, current: dict[str, Any] | None) -> str | None:
    """Why "Undo this change" makes no sense for `entry` given the teen's current controls
    (wire form, unsent edits included), or None when it does: only a settings change can be
    undone, and only while the setting still has the value that change gave it."""
    if entry.kind != "controls" or entry.field not in SPECS:
        return "Only changes to settings can be undone."
    if current is None:
        return "The current settings are not loaded yet."
    if current.get(entry.field) != entry.after:
        return "This setting was changed again since; undo the later change instead."
    if entry.before == entry.after:
        return "This change did not change the value."
    return None
