"""The Help menu's windows: a short "getting started" page, the keyboard shortcuts, and About
(the version and the service this app talks to). Plain text kept here, next to the windows that
show it; each window is non-modal and closes with Esc."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from famguard.ui.common import heading, named

GETTING_STARTED = (
    ("Link your teen", "Choose “Add a teen” (Alt+A). Your teen types the code, or scans the QR code, on "
     "their phone and accepts; you check their name and age and confirm."),
    ("See today at a glance", "Select a teen: their home shows how long they used the app today against "
     "today's limit, whether the app is locked or muted right now, their requests, and the rules in "
     "plain words."),
    ("Answer requests", "A request for more time shows on the home, in the inbox (Ctrl+I) for all your teens, "
     "and as a notification. Answer with +15 min, +30 min, +1 h, what was asked, the rest of the day, or deny."),
    ("Change a rule", "“Change controls” (Alt+C on the home) opens every setting with a short explanation. "
     "A change applies when you make it; Undo (Ctrl+Z) puts it back. The mouse wheel only scrolls."),
    ("Offline", "Changes made without a connection are kept on this computer and sent when it is back."),
    ("Talk it through", "View › What the teen sees shows the rules as your teen sees them on their phone. "
     "Account › Family agreement makes a page of the rules to print and sign together. Help › Safety "
     "Centre has tips, tutorials and where to report illegal content."),
)  # fmt: skip

SHORTCUTS = (
    ("Ctrl+1, Ctrl+2, …", "The pages of the selected teen (Home, Controls, …), as listed in the View menu"),
    (
        "Alt+Y",
        "The list of your teens (then Up and Down choose a teen); in the demo, where the phone "
        "hides the list, the phone is hidden to show it",
    ),
    ("Ctrl+PgDown, Ctrl+PgUp", "The next teen, the previous teen (also while the demo's phone hides the list)"),
    ("Ctrl+I", "The requests inbox of all your teens"),
    ("Ctrl+N", "Add a teen"),
    ("Ctrl+Z", "Undo the last change on the controls page"),
    ("Ctrl+,", "Preferences"),
    ("Ctrl+T", "In the demo: show or hide the teen's phone beside the family"),
    ("F6", "In the demo, while adding a teen: from the pairing window to the teen's phone and back"),
    ("F1", "Getting started"),
    ("F10", "Open the menus (then the arrow keys, Enter; Escape or F10 again closes them)"),
    ("Escape", "Dismiss the notice under the page (when nothing else is open to close)"),
    ("Up, Down in a day's box", "A day later, a day earlier (a temporary rule's first and last day)"),
    ("Alt+Down or F4 in a day's box", "Pick the day on a calendar"),
    ("Alt + underlined letter", "The button, box or menu with that letter underlined"),
    ("Arrow keys in a list of choices", "Move the choice; it applies when you stop, or at once with Enter"),
    ("Ctrl+Q", "Quit"),
)


class HelpWindow(QDialog):
    """A titled page of text with a Close button."""

    def __init__(self, parent: QWidget | None, object_name: str, title: str, body_html: str) -> None:
        super().__init__(parent)
        self.setObjectName(object_name)
        self.setWindowTitle(f"FamGuard — {title}")
        self.setAccessibleName(title)
        self.body = named(QLabel(body_html), f"{object_name}Text", title)
        self.body.setTextFormat(Qt.TextFormat.RichText)
        self.body.setWordWrap(True)
        self.body.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        named(close, f"{object_name}Close", "Close")
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(heading(title, f"{object_name}Title", 1.3))
        layout.addWidget(self.body, 1)
        layout.addWidget(buttons)
        self.setMinimumWidth(520)
        close.setDefault(True)

    def text(self) -> str:
        return self.body.text()


def _open(window: HelpWindow) -> HelpWindow:
    window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    window.show()
    window.raise_()
    window.activateWindow()
    return window


def show_getting_started(parent: QWidget) -> HelpWindow:
    items = "".join(f"<li><b>{html.escape(t)}.</b> {html.escape(b)}</li>" for t, b in GETTING_STARTED)
    return _open(HelpWindow(parent, "gettingStarted", "Getting started", f"<ol>{items}</ol>"))


def show_shortcuts(parent: QWidget) -> HelpWindow:
    rows = "".join(
        f"<tr><td><b>{html.escape(k)}</b>&nbsp;&nbsp;</td><td>{html.escape(w)}</td></tr>" for k, w in SHORTCUTS
    )
    return _open(HelpWindow(parent, "keyboardShortcuts", "Keyboard shortcuts", f"<table>{rows}</table>"))


def show_about(parent: QWidget, version: str, server: str) -> HelpWindow:
    service = f"Connected to the service at <b>{html.escape(server)}</b>." if server else "Not signed in to a service."
    body = (
        f"<p>FamGuard {html.escape(version)}</p>"
        "<p>Set your teen's safety controls and see them arrive.</p>"
        f"<p>{service}</p>"
    )
    return _open(HelpWindow(parent, "aboutFamGuard", "About FamGuard", body))
