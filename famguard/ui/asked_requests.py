""" "Waiting for approval" under the list of teens: this guardian's own questions to become a
guardian of a teen who has guardians already — which teen, until when the question stands — with
"Call off…" for each, and what became of the last one (approved, refused, expired, called off).
It stays after the pairing window is closed: the question stands three days, and a guardian who
closed the window must still see it, take it back, and learn the answer. Hidden while there is
nothing to say. Pure view: its facts come from famguard.ui.asked_requests_presenter."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

from famguard.ui.common import (
    clear_rows,
    focus_first_button,
    named,
    say_outcome,
    set_row_busy,
    wrapping_label,
)

if TYPE_CHECKING:  # the pairing models are made when first asked for, after the family is painted
    from famguard.domain.models import Pairing


def teen_name(pairing: Pairing) -> str:
    return pairing.teen.display_name if pairing.teen is not None else "a teen"


def waiting_words(pairing: Pairing) -> str:
    """ "Maya: one of Maya's guardians must approve you, until Tuesday 8 December at 15:04." in
    this computer's time."""
    from famguard.domain.teen_view import day_in_words  # it makes the history's models: only when asked

    name = teen_name(pairing)
    if pairing.expires_at is None:
        return f"{name}: one of {name}'s guardians must approve you."
    ends = pairing.expires_at.astimezone()
    return f"{name}: one of {name}'s guardians must approve you, until {day_in_words(ends.date())} at {ends:%H:%M}."


class AskedRequestsPanel(QWidget):
    call_off_requested = Signal(object)  # the Pairing

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("askedRequestsPanel")
        title = QLabel("Waiting for approval")
        font = title.font()
        font.setBold(True)
        title.setFont(font)
        self.title = title
        self.rows = QVBoxLayout()
        self.rows.setContentsMargins(0, 0, 0, 0)
        self.outcome = named(wrapping_label("", "askedRequestsOutcome"), "askedRequestsOutcome", "Your request")
        self.outcome.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 4)
        layout.addWidget(title)
        layout.addLayout(self.rows)
        layout.addWidget(self.outcome)
        self.shown: list[Pairing] = []
        self.hide()

    def show_requests(self, pairings: list[Pairing]) -> None:
        """This guardian's questions still waiting (none: the panel hides, unless it still says
        what became of the last one)."""
        if pairings == self.shown:
            return  # the same list again (every notice re-reads it): the focus stays where it is
        had_focus = self.isAncestorOf(self.focusWidget()) if self.focusWidget() else False
        self.shown = list(pairings)
        clear_rows(self.rows)
        for pairing in pairings:
            self.rows.addWidget(self._row(pairing))
        self.title.setVisible(bool(pairings))
        self._show_if_needed()
        if had_focus:
            self.focus_first()

    def _row(self, pairing: Pairing) -> QWidget:
        row = QWidget()
        row.setObjectName(f"askedRequest_{pairing.id}")
        name = teen_name(pairing)
        words = named(wrapping_label(waiting_words(pairing), "askedRequestWords"), "askedRequestWords", "Request")
        call_off = named(
            # No Alt+letter: each of "Call off"'s is another button's on the family screen
            # ("Change controls…", "Un&link…", "Acc&ount", "Re&fuse"); Tab reaches it.
            QPushButton("Call off…"),
            "callOffAskedButton",
            f"Call off your request to become a guardian of {name}",
            f"Take back the question to {name}'s guardians (pairing again needs a new code)",
        )
        call_off.clicked.connect(lambda: self.call_off_requested.emit(pairing))
        layout = QVBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(words)
        layout.addWidget(call_off)
        return row

    def set_busy(self, pairing: Pairing, busy: bool) -> None:
        """While a call-off is on its way its button waits (a second click would send it twice)."""
        set_row_busy(self, f"askedRequest_{pairing.id}", busy)

    def say(self, words: str) -> None:
        """What became of a question ("✓ …", "✗ …"); empty: nothing to say."""
        say_outcome(self.outcome, words)
        self._show_if_needed()

    def _show_if_needed(self) -> None:
        self.setVisible(bool(self.shown) or self.outcome.isVisibleTo(self))

    def focus_first(self) -> None:
        focus_first_button(self)

    def text(self) -> str:
        """What the panel says, as a person reads it (for tests and the screen reader check)."""
        labels = [w.text() for w in self.findChildren(QLabel, "askedRequestWords")]
        return "\n".join([*labels, self.outcome.text() if self.outcome.isVisibleTo(self) else ""]).strip()
