"""What the running app does with a famguard:// link (from its own command line, from a second
launch through famguard.instance, or from macOS's open-URL event): it raises the window and puts
the pairing code where it makes sense.

A pairing link is for the teen's side. In the demo, that is the "Teen's phone" panel: the code is
filled in there, and the demonstrator presses "Enter code" (nothing is sent by itself). A
guardian's own app cannot enter a code for the teen, so it says where the code goes instead.
A link that is not a pairing link gets a notice saying so; nothing else happens."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication

from famguard.identity import URL_SCHEME
from famguard.links import LinkError, PairLink, parse_link

if TYPE_CHECKING:
    from famguard.ui.main_window import MainWindow

log = logging.getLogger(__name__)

# While the demo's practice service is still starting, its "Teen's phone" panel does not exist yet: look again.
RETRY_MS = 250
RETRY_LIMIT = 240  # a minute


class LinkHandler(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self._waiting: PairLink | None = None
        self._retries = 0

    def raise_window(self) -> None:
        from PySide6.QtCore import Qt  # not at the top: on the path to the first paint (see ui.banners)

        w = self.window
        w.setWindowState((w.windowState() & ~Qt.WindowState.WindowMinimized) | Qt.WindowState.WindowActive)
        w.show()
        w.raise_()
        w.activateWindow()

    def open(self, text: str) -> None:
        """Raise the window and act on the link `text` ("" only raises)."""
        self.raise_window()
        if not text:
            return
        try:
            link = parse_link(text)
        except LinkError as exc:
            self.window.show_notice(f"⚠ {exc.title}. {exc.message}")
            return
        log.info("Opening %s", link)  # the link's kind only: its code is a secret
        self._waiting, self._retries = link, 0
        self._deliver()

    def _deliver(self) -> None:
        link = self._waiting
        if link is None:
            return
        from famguard.ui.pairing import format_code

        window = self.window
        panel = window.teen_phone
        # The demo's phone panel comes with its practice service, after the demo family is shown.
        demo_starting = window.in_demo()
        if panel is None and demo_starting and self._retries < RETRY_LIMIT:
            self._retries += 1
            QTimer.singleShot(RETRY_MS, self, self._deliver)
            return
        self._waiting = None
        code = format_code(link.code)
        if panel is not None:
            panel.show()
            panel.raise_()
            panel.code_edit.setText(code)
            panel.redeem_button.setFocus()
            window.show_notice(f"ℹ The code {code} from the link is in the Teen's phone panel: choose “Enter code”.")
            return
        window.show_notice(
            f"ℹ This pairing link is for your teen's phone. On the phone, open the video app's Family "
            f"Pairing and scan the QR code, or type the code {code}."
        )


class Application(QApplication):
    """FamGuard's QApplication: macOS hands over a famguard:// link (also the one that launched the
    app) as a FileOpen event sent to the application object, which becomes `url_opened`. An
    override of event() sees only the application's own events; an application-wide event filter
    would run Python for every event of every widget (~70 ms more before the first paint)."""

    url_opened = Signal(str)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FileOpen:
            url = event.url()  # type: ignore[attr-defined]
            if url.scheme() == URL_SCHEME:
                self.url_opened.emit(url.toString())
                return True
        return super().event(event)
