"""The banners below the page: offline with the count of queued changes, and one-line notices
such as "signed in for this session only". On the path to the first paint (the window has them
from the start), so this module touches no Qt namespace enum (importing `Qt` alone costs ~28 ms
of CPU: PySide creates all of its enums at once)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QApplication, QFrame, QHBoxLayout, QPushButton, QWidget

from famguard.ui.common import RestOfAQuickPress, announce, named, show_words, wrapping_label

if TYPE_CHECKING:
    from datetime import datetime

    from PySide6.QtGui import QHideEvent, QMoveEvent


# How long a banner's buttons take no press after it appeared, changed its words or moved: longer
# than a double click, for the pointer was on its way to what was there before.
BANNER_SETTLE_MS = 700


class Banner(QFrame):
    """A one-line message above the page, with a symbol and words (not just a coloured strip)
    and an optional action button."""

    action_clicked = Signal()
    focus_left = Signal()  # hidden while it had the keyboard focus
    gone = Signal(bool)  # hidden by its own timer (False) or by the guardian's Dismiss (True)

    def __init__(self, object_name: str, accessible_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(object_name)
        self.setAccessibleName(accessible_name)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.label = named(wrapping_label(""), f"{object_name}Text", accessible_name)
        self.action = named(QPushButton(), f"{object_name}Action", accessible_name)
        self.action.setVisible(False)
        self.action.clicked.connect(self.action_clicked)
        self.close_button = named(QPushButton("Dismiss"), f"{object_name}Dismiss", "Dismiss message")
        self.close_button.setVisible(False)
        self.close_button.clicked.connect(lambda: self._go(dismissed=True))
        # A banner's buttons take no press just after it appeared, changed its words or moved: a
        # click meant for "Try again now" dismissed, unread, the notice that took its place as the
        # offline banner went ("… were not applied": an outside tester); one meant for the words
        # before dismissed the words that replaced them.
        self._settling = [RestOfAQuickPress(button, ms=BANNER_SETTLE_MS) for button in (self.action, self.close_button)]
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.action)
        layout.addWidget(self.close_button)
        self.setStyleSheet(f"#{object_name} {{ background: palette(alternate-base); }}")
        self.hide()
        self._words = ""  # what the label shows, as given (show_words may write it otherwise)
        self._hide_timer = QTimer(self)
        self._hide_timer.setSingleShot(True)
        self._hide_timer.timeout.connect(lambda: self._go(dismissed=False))

    def show_text(self, text: str, *, action: str = "", dismissible: bool = False, hide_after_ms: int = 0) -> None:
        # Said when it appears or its words change: a screen reader heard nothing of a banner
        # coming up, and read its label by the name alone ("Offline"), never the words.
        if self.isHidden():
            announce(self, text)
        elif text != self._words:
            # Only the lines that are new: news joined under what was shown re-read the old lines
            # ("… asks to become a guardian …" again with "… is now a guardian"), and a line taken
            # away said again what stayed (an outside tester, by ear).
            before = set(self._words.split("\n"))
            new = [line for line in text.split("\n") if line not in before]
            if new:
                announce(self, "\n".join(new))
        if self.isHidden() or text != self._words:
            self._settle()
        self._words = text
        show_words(self.label, text)
        self.action.setText(action)
        self.action.setVisible(bool(action))
        self.close_button.setVisible(dismissible)
        self.show()
        if hide_after_ms:
            self._hide_timer.start(hide_after_ms)
        else:
            self._hide_timer.stop()

    def text(self) -> str:
        return self.label.text()

    def _settle(self) -> None:
        for guard in self._settling:
            guard.armed()

    def moveEvent(self, event: QMoveEvent) -> None:  # noqa: N802 - Qt's name
        if self.isVisible():
            self._settle()  # moved under the pointer (a banner above it went or came)
        super().moveEvent(event)

    def time_left_ms(self) -> int:
        """How long it has still to be shown by its timer (0: it stays, or it is not shown)."""
        return max(0, self._hide_timer.remainingTime()) if self._hide_timer.isActive() else 0

    def _go(self, *, dismissed: bool) -> None:
        self._hide_timer.stop()
        self.hide()
        self.gone.emit(dismissed)

    def hideEvent(self, event: QHideEvent) -> None:  # noqa: N802 - Qt's name
        # Hidden with the keyboard on its Dismiss (clicked, or hidden by its timer): Qt passed the
        # focus to the next widget in the chain, which could be a toolbar button a second Enter
        # would press. The window puts it back where a person expects it (`focus_left`).
        focus = QApplication.focusWidget()
        if focus is not None and self.isAncestorOf(focus):
            self.focus_left.emit()
        super().hideEvent(event)


class OfflineBanner(Banner):
    """ "You are offline" with the number of changes waiting, or "Sync paused until …" when the
    service asked the app to wait (its write budget, famguard/server/write_budget.py: the app is
    not offline then, and saying so sent a parent to check a connection that was fine), whether or
    not the service answers other calls meanwhile, or the service's own failure in words when it
    answers but fails (a 500, a cut-off or malformed answer: not offline either); hidden when
    changes go through."""

    retry_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("offlineBanner", "Offline", parent)
        self.action_clicked.connect(self.retry_requested)

    def set_offline(
        self, offline: bool, queued: int = 0, paused_until: datetime | None = None, problem: str | None = None
    ) -> None:
        """`problem`: the service's failure in words, when it answers but fails (not offline)."""
        if not offline and paused_until is None:
            if not self.isHidden():
                # its going away was only visible
                back = {"Sync paused": "Sync resumed.", "Service problem": "The service works again."}
                announce(self, back.get(self.accessibleName(), "Back online."))
            self.hide()
            return
        if paused_until is not None:
            when = "then"
        elif problem:
            when = "when the service works again"
        else:
            when = "when the connection is back"
        if queued == 0:
            waiting = f"Changes you make are kept and sent {when}."
        elif queued == 1:
            waiting = f"1 change is waiting and will be sent {when}."
        else:
            waiting = f"{queued} changes are waiting and will be sent {when}."
        if paused_until is not None:
            self.setAccessibleName("Sync paused")
            until = f"{paused_until.astimezone():%H:%M}"
            self.show_text(f"◷ Sync paused until {until}: the service asked FamGuard to wait. {waiting}",
                           action="&Try again now")  # fmt: skip
        elif problem:
            self.setAccessibleName("Service problem")
            self.show_text(f"⚠ {problem} {waiting}", action="&Try again now")
        else:
            self.setAccessibleName("Offline")
            self.show_text(f"⚠ You are offline. {waiting}", action="&Try again now")
