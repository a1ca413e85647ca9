"""The plain data the views are given to show (no Qt here): a teen's row in the side list and the
sync state of one setting, each with the words and symbol that say it — never colour alone."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from famguard.domain.schedule import format_minutes
from famguard.domain.sync import SyncState

__all__ = ["Held", "SyncState", "TeenRow", "TeenSync", "state_text"]  # SyncState: the domain's, one vocabulary


# symbol, words; the words are what a screen reader says and what a colour-blind parent reads.
_STATE_TEXT: dict[SyncState, tuple[str, str]] = {
    SyncState.IDLE: ("", ""),
    SyncState.PENDING: ("↻", "saving…"),
    SyncState.SENDING: ("↻", "saving…"),
    SyncState.SAVED: ("✓", "saved"),
    SyncState.CONFLICT: ("⚠", "changed by someone else — choose which to keep"),
    SyncState.REJECTED: ("✗", "not saved"),
}


class Held(StrEnum):
    """Why changes are not going out now, in the words a waiting setting says: they are not held
    (they go), the connection is down, or the service answers with a failure or a reply FamGuard
    cannot read (a 500, a cut-off answer) — which is not the parent's connection."""

    NOT = ""
    OFFLINE = "will be sent when online"
    SERVICE = "will be sent when the service works again"


def state_text(state: SyncState, *, held: Held = Held.NOT, message: str | None = None) -> str:
    """The status line shown next to a setting, e.g. "✓ saved" or "✗ not saved: <reason>"."""
    if held is not Held.NOT and state in (SyncState.PENDING, SyncState.SENDING):
        symbol, words = "◷", held.value
    else:
        symbol, words = _STATE_TEXT[state]
    if not words:
        return ""
    if message and state == SyncState.CONFLICT:  # who changed it: "⚠ Jordan also changed it — choose…"
        return f"{symbol} {message} — choose which to keep"
    text = f"{symbol} {words}"
    if message and state == SyncState.REJECTED:
        text = f"{text}: {message}"
    return text


class TeenSync(StrEnum):
    """The one dot next to a teen in the side list, summarising all of that teen's settings."""

    UP_TO_DATE = "up_to_date"
    SYNCING = "syncing"
    QUEUED = "queued"
    ATTENTION = "attention"


TEEN_SYNC_TEXT: dict[TeenSync, tuple[str, str]] = {
    # About this app's changes reaching the service, in words that say so: "● up to date" beside
    # "Waiting for Sam's phone: it has not reported yet" on the home read as a contradiction (an
    # outside tester). Whether the phone has the settings is the home's receipt, not this mark.
    TeenSync.UP_TO_DATE: ("●", "all changes saved"),
    TeenSync.SYNCING: ("◐", "saving changes"),
    TeenSync.QUEUED: ("○", "changes waiting to be sent"),
    TeenSync.ATTENTION: ("▲", "needs your attention"),
}


@dataclass(frozen=True)
class TeenRow:
    """What the side list shows for one linked teen."""

    teen_id: str
    name: str
    age: int
    used_minutes: int | None = None
    limit_minutes: int | None = None
    sync: TeenSync = TeenSync.UP_TO_DATE
    pending: int = 0  # requests for more time waiting for an answer

    def usage_text(self) -> str:
        if self.used_minutes is None:
            return "No use reported today"
        if self.limit_minutes is None:
            return f"{format_minutes(self.used_minutes)} today, no limit"
        over = " ⚠ limit reached" if self.used_minutes >= self.limit_minutes else ""
        return f"{format_minutes(self.used_minutes)} of {format_minutes(self.limit_minutes)} today{over}"

    def pending_text(self) -> str:
        """The badge: "✉ 2 requests waiting" (empty when none)."""
        if not self.pending:
            return ""
        return f"✉ {self.pending} request{'s' if self.pending > 1 else ''} waiting"

    def sync_text(self) -> str:
        symbol, words = TEEN_SYNC_TEXT[self.sync]
        return f"{symbol} {words}"
