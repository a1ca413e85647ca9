"""The sign-in / create-account form. A pure view: it emits what the guardian asked for and shows
the state it is given; the controller does the work.

It helps rather than blocks: every field's problem is said at once, under its field, and the
focus goes to the first one; the rules (8 characters for a new password) are shown before they
can fail; an address without a scheme means https; "Keep me signed in" is disabled, with the
reason, when the keyring cannot keep a sign-in (asked each time the form is shown, by
famguard.ui.signin_presenter) and enabled again, as the guardian left it, once it can."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from famguard.domain.loopback import is_loopback_host
from famguard.domain.plain_text import plain_text_problem
from famguard.ui.common import heading, named, one_line, show_words, wrapping_label

MIN_PASSWORD = 8  # the service's rule for a new password


def normalise_server(text: str) -> str:
    """The service address as typed, with https:// assumed when no scheme was given."""
    server = text.strip().rstrip("/")
    if server and "://" not in server:
        server = f"https://{server}"
    return server


NOT_AN_ADDRESS = "This is not a web address; use e.g. famguard.example.org."


def server_problem(server: str) -> str | None:
    """Why `server` (as normalise_server made it) is not a service address (None: it is one)."""
    from urllib.parse import urlsplit

    if not server.startswith(("http://", "https://")) or any(c.isspace() for c in server) or len(server) > 2048:
        return NOT_AN_ADDRESS
    try:
        parts = urlsplit(server)
        port = parts.port
    except ValueError:
        return "The port after the “:” is a number from 1 to 65535, e.g. famguard.example.org:8443."
    host = parts.hostname
    if not host:
        return NOT_AN_ADDRESS
    # A name is at most 253 characters in labels of 1-63 (RFC 1035): a paste of page text (an
    # outside tester's 32,767 characters) was saved as the address and failed only at sign-in.
    if ":" not in host and (len(host) > 253 or not all(0 < len(label) <= 63 for label in host.rstrip(".").split("."))):
        return NOT_AN_ADDRESS
    if port == 0:
        return "The port after the “:” is a number from 1 to 65535, e.g. famguard.example.org:8443."
    if parts.scheme == "http" and not is_loopback_host(host):
        # What the client refuses at the first call (api.transport.check_server_url), said when typed.
        return f"FamGuard only talks to {host} over a secure connection. Use https:// instead of http://."
    return None


# What remembering does (famguard.services.session): the tick's tooltip and accessible description.
_KEEP_DESCRIPTION = (
    "Stores a sign-in token (never your password) in the system keyring, and makes this a known computer: "
    "your password still works here while someone else's wrong guesses lock your account"
)


@dataclass(frozen=True)
class SignInRequest:
    """What the guardian typed. The password lives only as long as the request does."""

    server: str
    email: str
    password: str
    keep_signed_in: bool
    create_account: bool = False
    display_name: str = ""


class SignInView(QWidget):
    """Email, password, "keep me signed in", the server address; Enter submits, Esc cancels."""

    submitted = Signal(object)  # SignInRequest
    cancelled = Signal()
    shown = Signal()  # the form came on screen: time to ask whether the keyring can keep a sign-in

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("signInView")
        self._creating = False
        # Why nothing can be kept on this computer ("": it can), and the guardian's own tick, given
        # back when the keyring can keep a sign-in again.
        self._cannot_keep = ""
        self._keep_wanted = True
        self.title = heading("Sign in", "signInTitle", 1.6)
        # One-line boxes: a pasted line break becomes the space they show (not the password's).
        self.server_edit = one_line(
            named(QLineEdit(), "serverEdit", "Server address", "The FamGuard service to sign in to")
        )
        self.server_edit.setPlaceholderText("https://famguard.example.org")
        self.name_edit = one_line(
            named(QLineEdit(), "displayNameEdit", "Your name", "How your teen and co-guardians see you")
        )
        self.email_edit = one_line(named(QLineEdit(), "emailEdit", "Email"))
        self.email_edit.setPlaceholderText("you@example.org")
        self.password_edit = named(QLineEdit(), "passwordEdit", "Password")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.keep_check = named(
            QCheckBox("&Keep me signed in on this computer"),
            "keepSignedInCheck",
            "Keep me signed in",
            _KEEP_DESCRIPTION,
        )
        self.keep_check.setToolTip(_KEEP_DESCRIPTION)
        self.keep_check.setChecked(True)
        self.keep_check.clicked.connect(self._keep_chosen)
        self.progress = named(QProgressBar(), "signInProgress", "Signing in")
        self.progress.setRange(0, 0)  # busy indicator: we cannot know how long the server takes
        self.progress.setTextVisible(False)
        self.progress.setVisible(False)
        self.message = named(wrapping_label("", "signInMessage"), "signInMessage", "Sign-in message")
        self.message.setVisible(False)
        self.keep_reason = named(wrapping_label("", "keepSignedInReason"), "keepSignedInReason", "Why not")
        self.keep_reason.setVisible(False)
        # One line under each field: its rule before it fails, its problem after.
        self.field_notes: dict[QLineEdit, QLabel] = {}
        for edit, hint in (
            (self.server_edit, "e.g. famguard.example.org (https:// is assumed)"),
            (self.name_edit, ""),
            (self.email_edit, ""),
            (self.password_edit, ""),
        ):
            note = named(wrapping_label(hint, f"{edit.objectName()}Note"), f"{edit.objectName()}Note", "")
            note.setAccessibleName(f"{edit.accessibleName()}: note")
            if not hint:
                note.hide()  # (showing a label without a parent yet would open it as a window)
            self.field_notes[edit] = note
        self.submit_button = named(QPushButton("&Sign in"), "signInSubmit", "Sign in")
        self.submit_button.setDefault(True)
        self.cancel_button = named(QPushButton("Cancel"), "signInCancel", "Cancel")
        self.submit_button.clicked.connect(self._submit)
        self.cancel_button.clicked.connect(self.cancelled)
        for edit in (self.server_edit, self.name_edit, self.email_edit, self.password_edit):
            edit.returnPressed.connect(self._submit)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.cancelled.emit)

        form = QFormLayout()
        self._name_label = QLabel("Your &name")
        self._name_label.setBuddy(self.name_edit)
        for text, edit in (
            ("Se&rver", self.server_edit),
            ("&Email", self.email_edit),
            ("&Password", self.password_edit),
        ):
            label = QLabel(text)
            label.setBuddy(edit)
            form.addRow(label, self._with_note(edit))
        form.insertRow(1, self._name_label, self._with_note(self.name_edit))
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.submit_button)

        column = QVBoxLayout()
        column.addWidget(self.title)
        column.addLayout(form)
        column.addWidget(self.keep_check)
        column.addWidget(self.keep_reason)
        column.addWidget(self.progress)
        column.addWidget(self.message)
        column.addLayout(buttons)
        column.addStretch(1)
        holder = QWidget()
        holder.setLayout(column)
        holder.setMaximumWidth(480)
        outer = QHBoxLayout(self)
        outer.addStretch(1)
        outer.addWidget(holder, 3)
        outer.addStretch(1)
        outer.setContentsMargins(24, 48, 24, 24)
        for first, second in (
            (self.server_edit, self.name_edit),
            (self.name_edit, self.email_edit),
            (self.email_edit, self.password_edit),
            (self.password_edit, self.keep_check),
            (self.keep_check, self.cancel_button),
            (self.cancel_button, self.submit_button),
        ):
            QWidget.setTabOrder(first, second)
        self.set_mode(create_account=False)

    def _with_note(self, edit: QLineEdit) -> QWidget:
        holder = QWidget()
        column = QVBoxLayout(holder)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(edit)
        column.addWidget(self.field_notes[edit])
        return holder

    def set_keyring_available(self, available: bool, reason: str = "") -> None:
        """Without a keyring nothing can be remembered: say so instead of a tick that does nothing.
        Available again (unlocked since): the tick is enabled and set as the guardian left it."""
        self._cannot_keep = "" if available else (reason or "FamGuard can't use your system keyring.")
        self.keep_check.setEnabled(available and self.submit_button.isEnabled())
        self.keep_check.setChecked(available and self._keep_wanted)
        self.keep_reason.setText(
            f"⊘ {self._cannot_keep} You will be asked for your password next time, "
            "and FamGuard will check the keyring again then."
            if self._cannot_keep
            else ""
        )
        self.keep_reason.setVisible(bool(self._cannot_keep))
        self.keep_check.setAccessibleDescription(self._cannot_keep or _KEEP_DESCRIPTION)
        self.keep_check.setToolTip(self._cannot_keep or _KEEP_DESCRIPTION)

    def _keep_chosen(self, checked: bool) -> None:
        self._keep_wanted = checked

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        if not event.spontaneous():  # not a window brought back from minimised
            self.shown.emit()

    def set_mode(self, *, create_account: bool) -> None:
        self._creating = create_account
        # The other form's problems go with it: "Create an account" after an empty "Sign in"
        # opened on "✗ Enter the service address" before anything was asked (an outside tester).
        self._show_problems({})
        self.title.setText("Create a guardian account" if create_account else "Sign in")
        self.submit_button.setText("&Create account" if create_account else "&Sign in")
        self.submit_button.setAccessibleName("Create account" if create_account else "Sign in")
        self.name_edit.setVisible(create_account)
        self._name_label.setVisible(create_account)
        self.show_message("")

    @property
    def creating_account(self) -> bool:
        return self._creating

    def set_server(self, url: str) -> None:
        self.server_edit.setText(url)

    def set_email(self, email: str) -> None:
        self.email_edit.setText(email)

    def focus_first_empty(self) -> None:
        for edit in (self.server_edit, self.name_edit, self.email_edit, self.password_edit):
            if edit.isVisible() and not edit.text():
                edit.setFocus()
                return
        self.password_edit.setFocus()

    def _password_rule(self) -> None:
        note = self.field_notes[self.password_edit]
        note.setText(f"At least {MIN_PASSWORD} characters." if self._creating else "")
        note.setStyleSheet("")
        note.setVisible(self._creating)

    def set_busy(self, busy: bool) -> None:
        self.progress.setVisible(busy)
        for widget in (self.server_edit, self.name_edit, self.email_edit, self.password_edit):
            widget.setEnabled(not busy)
        # (Not the reason label's visibility: it reads False while this form is not on screen.)
        self.keep_check.setEnabled(not busy and not self._cannot_keep)
        self.submit_button.setEnabled(not busy)
        if busy:
            self.show_message("Signing in…" if not self._creating else "Creating your account…")

    def show_message(self, text: str, *, error: bool = False) -> None:
        """A precise sentence about what happened; errors start with a symbol, not only red."""
        show_words(self.message, f"✗ {text}" if error and text else text)
        self.message.setProperty("error", error)
        self.message.setStyleSheet("color: #a4000f;" if error else "")
        self.message.setVisible(bool(text))

    def clear_password(self) -> None:
        self.password_edit.clear()

    def _submit(self) -> None:
        if not self.submit_button.isEnabled():
            return
        problems = self.problems()
        self._show_problems(problems)
        if problems:
            count = len(problems)
            fields = "the field" if count == 1 else f"the {count} fields"
            self.show_message(f"Check {fields} marked above.", error=True)  # the summary is under the form
            next(iter(problems)).setFocus()
            return
        self.show_message("")
        server = normalise_server(self.server_edit.text())
        self.server_edit.setText(server)
        self.submitted.emit(
            SignInRequest(
                server=server,
                email=self.email_edit.text().strip(),
                password=self.password_edit.text(),
                keep_signed_in=self.keep_check.isChecked(),
                create_account=self._creating,
                display_name=self.name_edit.text().strip(),
            )
        )

    def problems(self) -> dict[QLineEdit, str]:
        """Every field's problem, in the form's order (empty: nothing to fix)."""
        problems: dict[QLineEdit, str] = {}
        server = normalise_server(self.server_edit.text())
        if not server:
            problems[self.server_edit] = "Enter the service address, e.g. famguard.example.org."
        elif (wrong := server_problem(server)) is not None:
            problems[self.server_edit] = wrong
        if self._creating and not self.name_edit.text().strip():
            problems[self.name_edit] = "Enter your name, as your teen will see it."
        elif self._creating and (hidden := plain_text_problem(self.name_edit.text())) is not None:
            problems[self.name_edit] = hidden
        email = self.email_edit.text().strip()
        if not email:
            problems[self.email_edit] = "Enter your email address."
        elif "@" not in email:
            problems[self.email_edit] = "An email address has an @, e.g. sam@example.org."
        if not self.password_edit.text():
            problems[self.password_edit] = "Enter your password."
        elif self._creating and len(self.password_edit.text()) < MIN_PASSWORD:
            length = len(self.password_edit.text())
            problems[self.password_edit] = f"At least {MIN_PASSWORD} characters; this one has {length}."
        return problems

    def _show_problems(self, problems: dict[QLineEdit, str]) -> None:
        for edit, note in self.field_notes.items():
            problem = problems.get(edit)
            if problem:
                note.setText(f"✗ {problem}")
                note.setStyleSheet("color: #a4000f;")
                note.setVisible(True)
                edit.setAccessibleDescription(problem)
            else:
                edit.setAccessibleDescription("")
                note.setStyleSheet("")
                if edit is self.password_edit:
                    self._password_rule()
                elif edit is self.server_edit:
                    note.setText("e.g. famguard.example.org (https:// is assumed)")
                else:
                    note.setVisible(False)
