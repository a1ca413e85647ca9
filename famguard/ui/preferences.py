"""The Preferences dialog: the service address to sign in to, which desktop notifications to show
(each kind declared in famguard.ui.settings.NOTIFY_KINDS), and whether closing the window keeps
FamGuard running in the tray. A pure view: `values()` is what the guardian set; the controller
saves it on a worker."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from famguard.ui.common import named, one_line, show_words, wrapping_label
from famguard.ui.settings import NOTIFY_KINDS, Settings
from famguard.ui.signin import normalise_server, server_problem

SERVER_HINT = "Used the next time you sign in; https:// is assumed."


@dataclass(frozen=True)
class Preferences:
    server_url: str
    notify: dict[str, bool]
    close_to_tray: bool


class PreferencesDialog(QDialog):
    def __init__(self, settings: Settings, *, has_tray: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("preferencesDialog")
        self.setWindowTitle("FamGuard — Preferences")
        self.setAccessibleName("Preferences")
        self.server_edit = one_line(named(QLineEdit(settings.server_url), "prefServerEdit", "Service address"))
        self.server_edit.setPlaceholderText("famguard.example.org")
        server_label = QLabel("Service a&ddress")  # Alt+S is Save's, as in every dialog that saves
        server_label.setBuddy(self.server_edit)
        server_hint = self.server_hint = wrapping_label(SERVER_HINT, "prefServerHint")
        form = QFormLayout()
        form.addRow(server_label, self.server_edit)

        notifications = QGroupBox("Desktop notifications")
        notifications.setObjectName("prefNotifications")
        column = QVBoxLayout(notifications)
        self.notify_checks: dict[str, QCheckBox] = {}
        mnemonics = {"request": "&asks", "unlinked": "&no longer", "changed": "&guardian", "near_limit": "&90",
                     "guardian_joined": "&join"}  # fmt: skip
        for kind, text in NOTIFY_KINDS.items():
            marked = text.replace(mnemonics[kind].lstrip("&"), mnemonics[kind], 1)
            check = named(QCheckBox(marked), f"prefNotify_{kind}", text)
            check.setChecked(settings.notify.get(kind, True))
            self.notify_checks[kind] = check
            column.addWidget(check)

        self.tray_check = named(
            QCheckBox("&Keep running in the tray when the window is closed"), "prefCloseToTray", "Close to tray"
        )
        self.tray_check.setChecked(settings.close_to_tray and has_tray)
        self.tray_check.setEnabled(has_tray)
        self.tray_reason = wrapping_label(
            "" if has_tray else "⊘ This desktop has no system tray, so closing the window quits FamGuard.",
            "prefTrayReason",
        )
        self.tray_reason.setVisible(not has_tray)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        save = named(self.buttons.button(QDialogButtonBox.StandardButton.Save), "prefSave", "Save preferences")
        save.setText("&Save")  # Qt's own had no Alt letter (an outside tester's Alt+S went to the address)
        named(self.buttons.button(QDialogButtonBox.StandardButton.Cancel), "prefCancel", "Cancel")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        # Under the form, not in it: in the form's field column the wrapped line was measured at a
        # narrow width and took 140 px for one line, a band of nothing under the address.
        layout.addWidget(server_hint)
        layout.addWidget(notifications)
        layout.addWidget(self.tray_check)
        layout.addWidget(self.tray_reason)
        layout.addStretch(1)  # a taller window: the room below the rows, not in bands between them
        layout.addWidget(self.buttons)
        self.setMinimumWidth(480)

    def accept(self) -> None:
        """Save, unless the address is not one: then say why under it and keep the dialog open
        (a broken address was saved and pre-filled the next sign-in)."""
        server = normalise_server(self.server_edit.text())
        problem = server_problem(server) if server else None
        if problem is not None:
            show_words(self.server_hint, f"✗ {problem}")
            self.server_hint.setStyleSheet("color: #a4000f;")
            self.server_edit.setFocus()
            return
        show_words(self.server_hint, SERVER_HINT)
        self.server_hint.setStyleSheet("")
        super().accept()

    def values(self) -> Preferences:
        return Preferences(
            server_url=normalise_server(self.server_edit.text()),
            notify={kind: check.isChecked() for kind, check in self.notify_checks.items()},
            close_to_tray=self.tray_check.isChecked(),
        )
