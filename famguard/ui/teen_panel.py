"""The "Teen's phone" dock of the demo: plays the teen's side with the same public API as
`famguard-teen` — accept a pairing code, report usage, ask for more time, and see the effective
controls update live. Pure view: it emits what the demonstrator asks and shows what it is told."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDockWidget,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from famguard.domain.controls import CONTROLS, Controls
from famguard.ui.common import named, wrapping_label


class TeenPhonePanel(QDockWidget):
    redeem_requested = Signal(str)  # the code as typed
    accept_requested = Signal()
    decline_requested = Signal()
    usage_requested = Signal(int)  # minutes used today
    more_time_requested = Signal(int, str)  # minutes, reason

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Teen's phone", parent)
        self.setObjectName("teenPhoneDock")
        self.setAccessibleName("Teen's phone")
        self.setAllowedAreas(Qt.DockWidgetArea.LeftDockWidgetArea | Qt.DockWidgetArea.RightDockWidgetArea)
        body = QWidget()
        self.who = named(wrapping_label("", "teenWho"), "teenWho", "Signed in teen")

        pairing = QGroupBox("Link to a guardian")
        self.code_edit = named(QLineEdit(), "teenCodeEdit", "Pairing code from the guardian")
        self.code_edit.setPlaceholderText("ABCD-EFGH")
        self.redeem_button = named(QPushButton("&Enter code"), "teenRedeemButton", "Enter pairing code")
        self.accept_button = named(QPushButton("Acce&pt"), "teenAcceptButton", "Accept the guardian")
        self.decline_button = named(QPushButton("Decline"), "teenDeclineButton", "Decline the guardian")
        self.pairing_message = named(wrapping_label("", "teenPairingMessage"), "teenPairingMessage", "Pairing")
        self.redeem_button.clicked.connect(lambda: self.redeem_requested.emit(self.code_edit.text()))
        self.code_edit.returnPressed.connect(lambda: self.redeem_requested.emit(self.code_edit.text()))
        self.accept_button.clicked.connect(self.accept_requested)
        self.decline_button.clicked.connect(self.decline_requested)
        code_row = QHBoxLayout()
        code_row.addWidget(self.code_edit, 1)
        code_row.addWidget(self.redeem_button)
        answer_row = QHBoxLayout()
        answer_row.addWidget(self.accept_button)
        answer_row.addWidget(self.decline_button)
        pairing_layout = QVBoxLayout(pairing)
        pairing_layout.addLayout(code_row)
        pairing_layout.addWidget(self.pairing_message)
        pairing_layout.addLayout(answer_row)

        usage = QGroupBox("Use of the app")
        self.usage_spin = named(QSpinBox(), "teenUsageSpin", "Minutes used today")
        self.usage_spin.setRange(0, 1440)
        self.usage_spin.setSuffix(" min")
        self.usage_button = named(QPushButton("Report u&se"), "teenUsageButton", "Report use today")
        self.usage_button.clicked.connect(lambda: self.usage_requested.emit(self.usage_spin.value()))
        self.more_spin = named(QSpinBox(), "teenMoreSpin", "Extra minutes to ask for")
        self.more_spin.setRange(5, 240)
        self.more_spin.setValue(30)
        self.more_spin.setSuffix(" min")
        self.reason_edit = named(QLineEdit(), "teenReasonEdit", "Reason")
        self.reason_edit.setPlaceholderText("e.g. finishing a school project")
        self.more_button = named(QPushButton("As&k for more time"), "teenMoreButton", "Ask for more time")
        self.more_button.clicked.connect(
            lambda: self.more_time_requested.emit(self.more_spin.value(), self.reason_edit.text().strip())
        )
        self.usage_message = named(wrapping_label("", "teenUsageMessage"), "teenUsageMessage", "Use")
        usage_form = QFormLayout(usage)
        usage_form.addRow("Used today", self._row(self.usage_spin, self.usage_button))
        usage_form.addRow("Extra time", self.more_spin)
        usage_form.addRow("Reason", self.reason_edit)
        usage_form.addRow(self.more_button)
        usage_form.addRow(self.usage_message)

        effective = QGroupBox("What the teen's app allows now")
        self.controls_label = named(wrapping_label("Not linked yet.", "teenControls"), "teenControls", "Effective")
        self.controls_label.setTextFormat(Qt.TextFormat.RichText)
        effective_layout = QVBoxLayout(effective)
        effective_layout.addWidget(self.controls_label)

        layout = QVBoxLayout(body)
        layout.addWidget(self.who)
        layout.addWidget(pairing)
        layout.addWidget(usage)
        layout.addWidget(effective)
        layout.addStretch(1)
        self.setWidget(body)
        self.set_pairing_state("idle")

    @staticmethod
    def _row(*widgets: QWidget) -> QWidget:
        holder = QWidget()
        row = QHBoxLayout(holder)
        row.setContentsMargins(0, 0, 0, 0)
        for widget in widgets:
            row.addWidget(widget)
        return holder

    def set_teen(self, name: str, age: int) -> None:
        self.who.setText(f"Signed in on the phone as <b>{name}</b>, {age}")

    def set_pairing_state(self, state: str, message: str = "") -> None:
        """idle (enter a code) · redeemed (accept or decline who is asking) · busy · done."""
        self.code_edit.setEnabled(state in ("idle",))
        self.redeem_button.setEnabled(state == "idle")
        self.accept_button.setVisible(state == "redeemed")
        self.decline_button.setVisible(state == "redeemed")
        self.pairing_message.setText(message)
        if state == "done":
            self.code_edit.clear()

    def show_usage_message(self, text: str) -> None:
        self.usage_message.setText(text)

    def set_effective_controls(self, controls: Controls | None) -> None:
        if controls is None:
            self.controls_label.setText("Not linked to a guardian: no controls apply.")
            return
        rows = "".join(
            f"<tr><td>{html.escape(spec.label)}</td>"
            f"<td><b>{html.escape(spec.describe(getattr(controls, spec.name)))}</b></td></tr>"
            for spec in CONTROLS
        )
        self.controls_label.setText(f"<table cellspacing='3'>{rows}</table>")

    def effective_text(self) -> str:
        return self.controls_label.text()
