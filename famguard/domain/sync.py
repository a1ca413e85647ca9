"""The one vocabulary of a change's way to the server, shared from the local store (its outbox
rows) through the sync engine (each setting's state) to the ui (the words next to a setting).
It lives in the domain because the store, the services and the ui may all import it."""

from __future__ import annotations

from enum import StrEnum


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


def not_reached_words(unsent: int) -> str:
    """The changes that have not reached the service, counted in words ("1 change has not reached
    the service yet."): the first line of the sign-out and quit questions."""
    changes = "1 change has" if unsent == 1 else f"{unsent} changes have"
    return f"{changes} not reached the service yet."
