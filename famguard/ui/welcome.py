"""The first screen of a first run: sign in to a service, create an account, or try the demo.
Kept apart and small: it is on the path to the first paint."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from famguard.ui.common import heading, named, wrapping_label


class WelcomeView(QWidget):
    """First run: choose between a real service and the demo."""

    sign_in_chosen = Signal()
    demo_chosen = Signal()
    create_account_chosen = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("welcomeView")
        title = heading("Welcome to FamGuard", "welcomeTitle", 1.8)
        intro = wrapping_label(
            "FamGuard lets you set what your teen can do on the video app — who can comment, "
            "whether they can search, and how long they can use it each day — and shows you that "
            "every change really reached their phone.",
            "welcomeIntro",
        )
        self.sign_in_button = named(
            QPushButton("&Sign in to a service"), "signInChoice", "Sign in to a service", "Use your FamGuard account"
        )
        self.demo_button = named(
            QPushButton("Try the &demo"), "demoChoice", "Try the demo", "A made-up family; nothing leaves this computer"
        )
        self.create_button = named(QPushButton("&Create an account"), "createAccountChoice", "Create an account")
        self.sign_in_button.setDefault(True)
        for button in (self.sign_in_button, self.demo_button, self.create_button):
            button.setMinimumHeight(40)
        self.sign_in_button.clicked.connect(self.sign_in_chosen)
        self.demo_button.clicked.connect(self.demo_chosen)
        self.create_button.clicked.connect(self.create_account_chosen)

        demo_hint = wrapping_label(
            "The demo runs a practice service on this computer with a made-up family. "
            "No account and no internet needed; nothing is saved.",
            "demoHint",
        )
        box = QVBoxLayout()
        box.addWidget(title)
        box.addWidget(intro)
        box.addSpacing(16)
        box.addWidget(self.sign_in_button)
        box.addWidget(self.create_button)
        box.addSpacing(8)
        box.addWidget(self.demo_button)
        box.addWidget(demo_hint)
        box.addStretch(1)
        outer = QHBoxLayout(self)
        outer.addStretch(1)
        column = QWidget()
        column.setLayout(box)
        column.setMaximumWidth(520)
        outer.addWidget(column, 3)
        outer.addStretch(1)
        outer.setContentsMargins(24, 48, 24, 24)
