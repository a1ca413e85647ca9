"""What reaches the guardian outside the window: the system tray icon (where the desktop has one)
with the number of requests waiting and a menu to open the app or the inbox, and desktop
notifications for a new request, a teen unlinking, a change made elsewhere, a teen near today's
limit and another guardian linked with a teen — each switchable in Preferences
(famguard.ui.settings). Without a tray the notification is said in the window's notice bar
instead, so it is never lost. Every notification shown is kept in `shown` (what the guardian was
told, for the tests and the log)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection

from PySide6.QtCore import QObject, QRect, Signal
from PySide6.QtGui import QAction, QColor, QFont, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import QMenu, QSystemTrayIcon

from famguard.ui.common import ALIGN_CENTER
from famguard.ui.main_window import MainWindow
from famguard.ui.settings import NOTIFY_KINDS, Settings

log = logging.getLogger(__name__)
# A symbol with the words of each notification in the window (fonts everywhere have these).
SYMBOLS = {"request": "✉", "unlinked": "ℹ", "changed": "↻", "near_limit": "⚠", "guardian_joined": "⚠"}


def tags_disarmed(text: str) -> str:
    """`text` for the desktop's notification server, with every "<" as "‹" (U+2039). The names and
    reasons in a notification are chosen by others (a teen names herself), and Qt hands the words
    to the server as they are: a server that reads markup in a body (the freedesktop "body-markup"
    capability: GNOME's, KDE's, dunst's) made a name like `Maya<a href="…">approve</a>` a link in
    a notification from FamGuard, or `<img …>` a picture. Without "<" no tag begins, whichever
    server it is; escaping as `&lt;` instead would show the entity itself on servers that read no
    markup, and the app cannot ask which kind it has without a D-Bus call."""
    return text.replace("<", "\u2039")


def badge_icon(count: int) -> QIcon:
    """The app's mark (a shield-blue disc with "F") with the count of waiting requests."""
    pixmap = QPixmap(64, 64)
    pixmap.fill(QColor(0, 0, 0, 0))  # no `Qt` enum: famguard.ui.common
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setBrush(QColor("#1e5aa8"))
    painter.setPen(QColor(0, 0, 0, 0))
    painter.drawEllipse(4, 4, 56, 56)
    font = QFont()
    font.setBold(True)
    font.setPixelSize(34)
    painter.setFont(font)
    painter.setPen(QColor("white"))
    painter.drawText(QRect(4, 4, 56, 56), ALIGN_CENTER, "F")
    if count:
        painter.setBrush(QColor("#c62828"))
        painter.setPen(QColor(0, 0, 0, 0))
        painter.drawEllipse(30, 0, 34, 34)
        font.setPixelSize(22)
        painter.setFont(font)
        painter.setPen(QColor("white"))
        painter.drawText(QRect(30, 0, 34, 34), ALIGN_CENTER, str(count) if count < 10 else "9+")
    painter.end()
    return QIcon(pixmap)


class Alerts(QObject):
    inbox_requested = Signal()

    def __init__(self, window: MainWindow, settings: Callable[[], Settings | None]) -> None:
        super().__init__(window)
        self.window = window
        self.settings = settings
        self.pending = 0
        self.shown: list[tuple[str, str, str]] = []  # (kind, title, text) the guardian was told
        # Without a tray: the notice bar's words about a request, and which request (hidden once
        # it is answered, here or elsewhere).
        self._request_notices: dict[str, str] = {}  # the requests' notices shown (by request), shown or covered
        # Without a tray: news of accounts asking to become, or becoming, a guardian — (what it is
        # about, words) — kept in the notice bar until dismissed. The teen's own guardian account
        # changes her rules right after joining, and that notice replaced this one within a second.
        # A question among them goes once it is answered (`settled`).
        self._joined: list[tuple[str, str]] = []
        # Without a tray: other news about something that can stop being so ("Maya is near
        # today's limit"), by what it is about: the notice shown — taken back once it is no
        # longer so (`settled`). It stayed, and came back from under the news that followed it,
        # after the limit was reached (an outside tester).
        self._told: dict[str, str] = {}
        self.tray: QSystemTrayIcon | None = None
        self.menu = QMenu(window)
        self.menu.setObjectName("trayMenu")
        self.open_action = QAction("&Open FamGuard", self.menu)
        self.open_action.triggered.connect(self.open_window)
        self.inbox_action = QAction("Requests &inbox", self.menu)
        self.inbox_action.triggered.connect(self._open_inbox)
        self.quit_action = QAction("&Quit FamGuard", self.menu)
        self.quit_action.triggered.connect(self.quit)
        for action in (self.open_action, self.inbox_action):
            self.menu.addAction(action)
        self.menu.addSeparator()
        self.menu.addAction(self.quit_action)
        window.setWindowIcon(badge_icon(0))
        if QSystemTrayIcon.isSystemTrayAvailable():
            self.tray = QSystemTrayIcon(badge_icon(0), self)
            self.tray.setContextMenu(self.menu)
            self.tray.activated.connect(self._activated)
            self.tray.messageClicked.connect(self._open_inbox)
            self.tray.show()
        self.set_pending(())

    @property
    def has_tray(self) -> bool:
        return self.tray is not None

    def close_to_tray(self) -> bool:
        """Whether closing the window hides it (the tray keeps requests reachable)."""
        settings = self.settings()
        return self.tray is not None and settings is not None and settings.close_to_tray and not self._quitting

    _quitting = False

    def set_pending(self, waiting: Collection[str]) -> None:
        """The requests waiting (their ids), for the badge and the tray; a request's notice in the
        window goes once that request is no longer waiting."""
        count = self.pending = len(waiting)
        # Each: two requests' notices, one covering the other, and the covered one came back
        # after both were answered (a parent trying the demo).
        for about in [about for about in self._request_notices if about not in waiting]:
            self.window.withdraw_notice(self._request_notices.pop(about))
        words = "no requests waiting" if not count else f"{count} request{'s' if count > 1 else ''} waiting"
        self.inbox_action.setText(f"Requests &inbox ({count})")
        if self.tray is not None:
            self.tray.setIcon(badge_icon(count))
            self.tray.setToolTip(f"FamGuard — {words}")

    def notify(
        self, kind: str, title: str, text: str, about: str = "", *, symbol: str = "", in_window: bool = True
    ) -> None:
        """Tell the guardian; `about`: the request a "request" notification is about; `symbol`: the
        news's own, where its kind's would mislead ("⚠ You are now a guardian…" read as a warning
        about good news: an outside tester). `in_window=False`: news the window's notice bar says
        already; where there is no tray to show it, nothing more is shown."""
        settings = self.settings()
        if settings is not None and not settings.notify.get(kind, True):
            return
        if kind not in NOTIFY_KINDS:
            log.warning("Unknown notification kind %s", kind)
        self.shown.append((kind, title, text))
        if self.tray is not None and self.tray.supportsMessages():
            self.tray.showMessage(
                tags_disarmed(title), tags_disarmed(text), QSystemTrayIcon.MessageIcon.Information, 10000
            )
        elif in_window:
            # A sentence follows the title as one ("Maya is no longer linked. You can…"); a figure
            # as its detail ("Leo asks for more time: 45 min").
            joint = ". " if text[:1].isupper() else ": "
            words = f"{symbol or SYMBOLS.get(kind, 'ℹ')} {title}{joint}{text}"
            # The news that stays, shown or under a passing notice (MainWindow.show_notice).
            standing, joined = self.window.standing_notice() or "", self._joined_words()
            keep = bool(joined) and standing.startswith(joined)
            if not keep:
                self._joined = []  # dismissed (or never shown): what stays starts again
            if kind == "guardian_joined":  # news of the kind that stays: all of it stays
                self._joined.append((about, words))
                words, keep = self._joined_words(), True
            elif keep:
                words = f"{joined}\n{words}"  # said under it, and kept until dismissed as well
            self.window.show_notice(words, hide_after_ms=0 if keep else 20000)
            if about and kind == "request":
                self._request_notices[about] = words
            elif about and kind != "guardian_joined":
                self._told[about] = words

    def _joined_words(self) -> str:
        return "\n".join(words for _about, words in self._joined)

    def settled(self, about: str) -> None:
        """The question `about` was answered (here, by another guardian) or withdrawn: its call to
        act ("… asks to become a guardian of Maya. Answer on Maya's home…") leaves the notice bar,
        the rest stays. It stayed there, above the news of its answer, until dismissed. So does
        other news `about` something that is no longer so ("near today's limit")."""
        shown = self._told.pop(about, None)
        if shown is not None:
            joined = self._joined_words()
            # Said under news that stays (one line under it), and still so shown:
            if joined and shown.rpartition("\n")[0] == joined and self.window.standing_notice() == shown:
                self.window.show_notice(joined, hide_after_ms=0)  # what stays, stays
            else:
                self.window.withdraw_notice(shown)
            return
        joined = self._joined_words()
        remaining = [(a, words) for a, words in self._joined if a != about]
        if len(remaining) == len(self._joined):
            return
        standing = self.window.standing_notice() or ""
        self._joined = remaining
        if not joined or not standing.startswith(joined):
            return
        rest = standing[len(joined) :].lstrip("\n")
        words = "\n".join([w for _a, w in remaining] + ([rest] if rest else []))
        if words:
            self.window.show_notice(words, hide_after_ms=0)
        else:
            self.window.withdraw_notice(standing)

    def open_window(self) -> None:
        self.window.showNormal()
        self.window.raise_()
        self.window.activateWindow()

    def _open_inbox(self) -> None:
        self.open_window()
        self.inbox_requested.emit()

    def _activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason in (QSystemTrayIcon.ActivationReason.Trigger, QSystemTrayIcon.ActivationReason.DoubleClick):
            self.open_window()

    def quit(self) -> None:
        self._quitting = True
        try:
            self.window.close()
        finally:
            # A quit the guardian is asked about first (unsent changes) ends with the window's
            # quit_now, or not at all: either way closing the window later hides it to the tray again.
            self._quitting = False

    def hide_tray(self) -> None:
        if self.tray is not None:
            self.tray.hide()
