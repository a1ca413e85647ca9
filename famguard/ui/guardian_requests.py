"""The home's "Asking to become a guardian" section: other accounts that paired with the teen and
wait for a guardian's yes before they can see or change anything — who, when, until when the
question stands — with "Approve…" and "Refuse" for each, and what became of the last answer.
Hidden while nobody asks. Its facts come from famguard.ui.guardian_requests_presenter (the
service's list, kept fresh by the events feed), so `show_facts` only clears what belonged to
another teen. Pure view: it emits the guardian's answer."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from famguard.domain.plain_text import carries_my_name
from famguard.ui.common import (
    clear_rows,
    focus_first_button,
    focus_with_ring,
    named,
    say_outcome,
    set_row_busy,
    show_words,
    wrapping_label,
)
from famguard.ui.home import HomeFacts, HomeSection

if TYPE_CHECKING:  # the pairing models are made when first asked for, after the family is painted
    from famguard.domain.models import GuardianRequest


def asked_words(request: GuardianRequest, now: datetime) -> str:
    """ "“Jordan Morgan” asked today at 11:40; the question stands until Tuesday 8 December." in
    this computer's time (the guardian's)."""
    from famguard.domain.teen_view import day_in_words  # it makes the history's models: only when asked

    asked, ends = request.asked_at.astimezone(), request.expires_at.astimezone()
    today = now.astimezone().date()
    day = "today" if asked.date() == today else f"on {day_in_words(asked.date())}"
    until = day_in_words(ends.date())
    return f"“{request.guardian_name}” asked {day} at {asked:%H:%M}; the question stands until {until}."


class GuardianRequestsSection(HomeSection):
    answer_requested = Signal(object, bool)  # the GuardianRequest, approve

    def __init__(self) -> None:
        super().__init__("Asking to become a guardian", "homeGuardianRequests")
        self.teen_id = ""
        self.intro = named(wrapping_label("", "guardianRequestsIntro"), "guardianRequestsIntro", "Why this is asked")
        self.rows = QVBoxLayout()
        self.outcome = named(wrapping_label("", "guardianRequestsOutcome"), "guardianRequestsOutcome", "Answer")
        self.outcome.hide()
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(self.rows)
        layout.addWidget(self.outcome)
        self._shown: list[GuardianRequest] = []
        self.hide()

    def show_facts(self, facts: HomeFacts) -> None:
        if facts.teen_id != self.teen_id:  # another teen: nothing of the last one may stay
            self.show_requests(facts.teen_id, facts.name, [], "", datetime.now().astimezone())
            self.say("")

    def forget(self, teen_id: str) -> None:
        """The teen is no longer linked: how the last answer about them went is no longer so. Linked
        again, the home still said "✓ “Jordan” is now a guardian of Maya" beside "Guardians: you"
        (an outside tester)."""
        if teen_id == self.teen_id:
            self.show_requests("", "", [], "", datetime.now().astimezone())
            self.say("")

    def show_requests(
        self, teen_id: str, teen_name: str, requests: list[GuardianRequest], my_name: str, now: datetime
    ) -> None:
        """The accounts waiting for an answer about `teen_name` (none: the section hides, unless
        it still says how the last answer went)."""
        if teen_id == self.teen_id and requests == self._shown and self.rows.count() == len(requests):
            return  # the same question again (each notice re-reads it): the focus stays where it is
        had_focus = self.isAncestorOf(self.focusWidget()) if self.focusWidget() else False
        if teen_id == self.teen_id and {r.id for r in requests} - {r.id for r in self._shown}:
            # A new question: "✓ Refused: Robin …" stayed under Robin asking again (an outside tester).
            say_outcome(self.outcome, "")
        self.teen_id, self._shown = teen_id, list(requests)
        clear_rows(self.rows)
        show_words(
            self.intro,
            f"{teen_name} accepted a pairing on the phone, but that alone does not make anyone a guardian: "
            f"one of {teen_name}'s guardians must approve. A guardian can change every rule of {teen_name}'s "
            f"and answer {teen_name}'s requests. Approve only someone you know; if you are not sure, ask "
            f"{teen_name} first.",
        )
        self.intro.setVisible(bool(requests))  # after the last answer only the answer stays
        for request in requests:
            self.rows.addWidget(self._row(request, teen_name, my_name, now))
        self.setVisible(bool(requests) or self.outcome.isVisible())
        self.buttons_remade.emit()
        if had_focus:
            self.focus_first()

    def _row(self, request: GuardianRequest, teen_name: str, my_name: str, now: datetime) -> QWidget:
        row = QWidget()
        row.setObjectName(f"guardianRequest_{request.id}")
        words = asked_words(request, now)
        if carries_my_name(request.guardian_name, my_name):
            words += " This account carries your name, but it is not yours."
        label = named(wrapping_label(words, "guardianRequestWords"), "guardianRequestWords", "Request")
        approve = named(
            # No Alt+letter: each of "Approve"'s is another button's on the family screen ("&Add a
            # teen", "&Plan …", "&View", …), and a shared one only moves the focus between them.
            # Tab reaches it after "Refuse", and it asks before anything is given.
            QPushButton("Approve…"),
            "approveGuardianButton",
            f"Approve {request.guardian_name} as a guardian of {teen_name}",
        )
        refuse = named(
            QPushButton("Re&fuse"),
            "refuseGuardianButton",
            f"Refuse {request.guardian_name} as a guardian of {teen_name}",
        )
        approve.clicked.connect(lambda: self.answer_requested.emit(request, True))
        refuse.clicked.connect(lambda: self.answer_requested.emit(request, False))
        buttons = QHBoxLayout()
        buttons.addWidget(refuse)  # the safe answer first in the Tab order
        buttons.addWidget(approve)
        buttons.addStretch(1)
        layout = QVBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(label)
        layout.addLayout(buttons)
        return row

    def set_busy(self, request: GuardianRequest, busy: bool) -> None:
        """While an answer is on its way its buttons wait (a second click would answer twice)."""
        set_row_busy(self, f"guardianRequest_{request.id}", busy)

    def say(self, words: str) -> None:
        """How the last answer went ("✓ …", "✗ …"); empty: nothing to say."""
        say_outcome(self.outcome, words)
        self.setVisible(bool(self._shown) or bool(words))

    def focus_first(self) -> None:
        focus_first_button(self)

    def focus_approve(self, request: GuardianRequest) -> None:
        """The keyboard back on `request`'s "Approve…", which asked the question just left
        unanswered ("Not now", Escape): it went to the section's first button, "Refuse", and the
        next Return refused the person at once (an outside tester, keyboard only). The first
        usable button when that one is gone or waits."""
        row = self.findChild(QWidget, f"guardianRequest_{request.id}")
        approve = row.findChild(QPushButton, "approveGuardianButton") if row is not None else None
        if approve is not None and approve.isVisible() and approve.isEnabled():
            focus_with_ring(approve)
        else:
            self.focus_first()

    def text(self) -> str:
        """What the section says, as a person reads it (for tests and the screen reader check)."""
        labels = [w.text() for w in self.findChildren(QLabel, "guardianRequestWords")]
        return "\n".join([self.intro.text(), *labels, self.outcome.text() if self.outcome.isVisible() else ""])
