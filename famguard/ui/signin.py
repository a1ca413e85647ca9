"""The sign-in / create-account form. A pure view: it emits what the guardian asked for and shows
the state it is given; the controller does the work."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
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

from famguard.ui.common import heading, named, wrapping_label


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

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("signInView")
        self._creating = False
        self.title = heading("Sign in", "signInTitle", 1.6)
        self.server_edit = named(QLineEdit(), "serverEdit", "Server address", "The FamGuard service to sign in to")
        self.server_edit.setPlaceholderText("https://famguard.example.org")
        self.name_edit = named(QLineEdit(), "displayNameEdit", "Your name", "How your teen and co-guardians see you")
        self.email_edit = named(QLineEdit(), "emailEdit", "Email")
        self.email_edit.setPlaceholderText("you@example.org")
        self.password_edit = named(QLineEdit(), "passwordEdit", "Password")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.keep_check = named(
            QCheckBox("&Keep me signed in on this computer"),
            "keepSignedInCheck",
            "Keep me signed in",
            "Stores a sign-in token (never your password) in the system keyring",
        )
        self.keep_check.setChecked(True)
        self.progress = named(QProgressBar(), "signInProgress", "Signing in")
        self.progress.setRange(0, 0)  # busy indicator: we cannot know how long the server takes
        self.progress.setTextVisible(False)
        self.progress.setVisible(False)
        self.message = named(wrapping_label("", "signInMessage"), "signInMessage", "Sign-in message")
        self.message.setVisible(False)
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
            form.addRow(label, edit)
        form.insertRow(1, self._name_label, self.name_edit)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.submit_button)

        column = QVBoxLayout()
        column.addWidget(self.title)
        column.addLayout(form)
        column.addWidget(self.keep_check)
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

    def set_mode(self, *, create_account: bool) -> None:
        self._creating = create_account
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

    def set_busy(self, busy: bool) -> None:
        self.progress.setVisible(busy)
        for widget in (self.server_edit, self.name_edit, self.email_edit, self.password_edit, self.keep_check):
            widget.setEnabled(not busy)
        self.submit_button.setEnabled(not busy)
        if busy:
            self.show_message("Signing in…" if not self._creating else "Creating your account…")

    def show_message(self, text: str, *, error: bool = False) -> None:
        """A precise sentence about what happened; errors start with a symbol, not only red."""
        self.message.setText(f"✗ {text}" if error and text else text)
        self.message.setProperty("error", error)
        self.message.setStyleSheet("color: #a4000f;" if error else "")
        self.message.setVisible(bool(text))

    def clear_password(self) -> None:
        self.password_edit.clear()

    def _submit(self) -> None:
        if not self.submit_button.isEnabled():
            return
        problem = self._problem()
        if problem:
            self.show_message(problem, error=True)
            return
        self.submitted.emit(
            SignInRequest(
                server=self.server_edit.text().strip().rstrip("/"),
                email=self.email_edit.text().strip(),
                password=self.password_edit.text(),
                keep_signed_in=self.keep_check.isChecked(),
                create_account=self._creating,
                display_name=self.name_edit.text().strip(),
            )
        )

    def _problem(self) -> str | None:
        server = self.server_edit.text().strip()
        if not server.startswith(("http://", "https://")):
            return "Enter the server address, starting with https:// (or http:// for a server on this computer)."
        if self._creating and not self.name_edit.text().strip():
            return "Enter your name, as your teen will see it."
        if "@" not in self.email_edit.text():
            return "Enter your email address."
        if not self.password_edit.text():
            return "Enter your password."
        if self._creating and len(self.password_edit.text()) < 8:
            return "Choose a password of at least 8 characters."
        return None
