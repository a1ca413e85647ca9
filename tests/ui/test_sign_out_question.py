"""The sign-out question (famguard.ui.dialogs.confirm_sign_out) as the guardian reads and answers it:
the number of unsent changes and the words after it agree, and Enter keeps the guardian signed in."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from famguard.ui.dialogs import confirm_sign_out


def _ask(qtbot, unsent: int) -> tuple[str, str, bool]:
    parent = QWidget()
    qtbot.addWidget(parent)
    seen: list[tuple[str, str]] = []

    def read_and_press_enter() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(10, read_and_press_enter)
            return
        seen.append((box.text(), box.informativeText()))
        qtbot.keyClick(box, Qt.Key.Key_Return)

    QTimer.singleShot(0, read_and_press_enter)
    signed_out = confirm_sign_out(parent, unsent)
    (words,) = seen
    return *words, signed_out


@pytest.mark.parametrize(
    ("unsent", "text", "informative"),
    [
        (1, "1 change has not reached the service yet.", "If you sign out now it will be lost. Sign out anyway?"),
        (3, "3 changes have not reached the service yet.", "If you sign out now they will be lost. Sign out anyway?"),
        (0, "Sign out of FamGuard on this computer?", ""),
    ],
)
def test_the_question_agrees_with_its_count_and_enter_stays_signed_in(qtbot, unsent, text, informative) -> None:
    assert _ask(qtbot, unsent) == (text, informative, False)
