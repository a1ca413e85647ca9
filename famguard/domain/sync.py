"""The one vocabulary of a change's way to the server, shared from the local store (its outbox
rows) through the sync engine (each setting's state) to the ui (the words next to a setting).
It lives in the domain because the store, the services and the ui may all import it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from famguard.domain.plain_text import listed


class SyncState(StrEnum):
    """Where a change of a setting is. The store keeps the values in its outbox rows as they are."""

    IDLE = "idle"  # nothing in flight for this setting (never stored: the absence of a change)
    PENDING = "pending"  # queued, waiting to be sent
    SENDING = "sending"  # on the wire
    SAVED = "saved"  # the server applied it
    CONFLICT = "conflict"  # someone else changed it too: the guardian chooses
    REJECTED = "rejected"  # the server refused it (the reason is kept)


OPEN_STATES = (SyncState.PENDING, SyncState.SENDING, SyncState.CONFLICT)  # what sign-out would lose
FINISHED_STATES = (SyncState.SAVED, SyncState.REJECTED)


MOST_TEENS_NAMED = 3
MOST_SETTINGS_NAMED = 4


@dataclass(frozen=True)
class NotApplied:
    """A change set aside because its teen is no longer linked here: the teen's id and name as
    last listed, and the fields it would have set (wire values)."""

    teen_id: str
    name: str
    fields: dict[str, object]


def not_applied_words(changes: Sequence[NotApplied]) -> tuple[str, str]:
    """The title and text that tell a guardian which of their changes were not applied because
    the teen is no longer linked ("Your change to Maya's controls was not applied", "Maya is no
    longer linked to you, so FamGuard could not set daily screen-time limit to 1 h 30 min."). Each
    setting once, with the last value asked for. Found by an outside tester: such changes were
    refused by the service and vanished with the teen, the notice saying only that it had gone."""
    from famguard.domain.activity_words import value_words  # told rarely: loaded when it is
    from famguard.domain.control_words import control_label

    by_teen: dict[str, tuple[str, dict[str, object]]] = {}
    for change in changes:
        by_teen.setdefault(change.teen_id, (change.name, {}))[1].update(change.fields)
    names = [name for name, _fields in by_teen.values()]
    one = sum(len(fields) for _name, fields in by_teen.values()) == 1
    whose = listed([f"{name}'s" for name in names])
    title = f"Your {'change' if one else 'changes'} to {whose} controls {'was' if one else 'were'} not applied"
    from famguard.domain.controls import CONTROLS, GROUPS

    # As the controls page lists them (by group), whichever change was set aside first.
    order = {spec.name: (GROUPS.index(spec.group), i) for i, spec in enumerate(CONTROLS)}
    last = (len(GROUPS), len(CONTROLS))
    sentences = []
    for name, fields in by_teen.values():
        ordered = sorted(fields.items(), key=lambda item: order.get(item[0], last))
        settings = [f"{control_label(f, name, in_sentence=True)} to {value_words(f, v)}" for f, v in ordered]
        sentences.append(
            f"{name} is no longer linked to you, so FamGuard could not set "
            f"{listed(settings, most=MOST_SETTINGS_NAMED)}."
        )
    return title, " ".join(sentences)


@dataclass(frozen=True)
class UnsentSummary:
    """The changes that have not reached the service: how many (outbox rows, as
    `unsent_count`) and, by teen's name, the settings they change (field names, in the order
    they were first changed)."""

    count: int = 0
    by_teen: tuple[tuple[str, tuple[str, ...]], ...] = ()


def not_reached_words(unsent: int | UnsentSummary) -> str:
    """The changes that have not reached the service, counted and, when known, named ("1 change
    has not reached the service yet: Maya's “Search”."): the first line of the sign-out and quit
    questions and of the notice of a start whose keyring cannot be read. Only counted, a parent
    could not tell which of their edits the phone does not have yet (an outside tester)."""
    count = unsent.count if isinstance(unsent, UnsentSummary) else unsent
    changes = "1 change has" if count == 1 else f"{count} changes have"
    named = unsent.by_teen if isinstance(unsent, UnsentSummary) else ()
    if not named:
        return f"{changes} not reached the service yet."
    return f"{changes} not reached the service yet: {_named(named)}."


def _named(by_teen: Sequence[tuple[str, Sequence[str]]]) -> str:
    from famguard.domain.controls import SPECS  # the labels; loaded long before anyone asks

    def settings(fields: Sequence[str]) -> str:
        return listed([f"“{SPECS[f].label if f in SPECS else f}”" for f in fields], most=MOST_SETTINGS_NAMED)

    teens = [f"{name}'s {settings(fields)}" for name, fields in by_teen[:MOST_TEENS_NAMED]]
    if len(by_teen) > MOST_TEENS_NAMED:
        others = len(by_teen) - MOST_TEENS_NAMED
        teens.append(f"settings of {others} more teen{'s' if others > 1 else ''}")
    return "; ".join(teens)
