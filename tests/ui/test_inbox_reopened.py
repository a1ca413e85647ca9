"""The inbox opened again starts without the last visit's outcome: after answering Sam's request and
closing it, Maya asked for more time, and the inbox opened on her new request still saying
"✓ 1 answered." — as if hers had been answered already."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import QLabel, QLineEdit, QPushButton

from famguard.ui.inbox import InboxDialog

from .test_flows import WAIT, demo_with_phone, find

pytestmark = pytest.mark.slow


def test_the_inbox_opened_again_does_not_say_the_last_answer(qtbot, launch):
    controller, _window, panel = demo_with_phone(qtbot, launch)
    inbox = controller.family.inbox
    dialog: InboxDialog = inbox.open()
    status = find(dialog, QLabel, "inboxStatus")
    qtbot.waitUntil(lambda: len(dialog.selected()) == 1, timeout=WAIT)  # Sam's, from the demo family
    qtbot.mouseClick(dialog.buttons[30], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: status.text() == "✓ Allowed 30 min more for Sam.", timeout=WAIT)
    face = QAccessible.queryAccessibleInterface(status)
    assert "Allowed 30 min more for Sam" in face.text(QAccessible.Text.Description)  # said to a screen reader too
    dialog.close()

    qtbot.keyClicks(find(panel, QLineEdit, "teenReasonEdit"), "one more level")
    qtbot.mouseClick(find(panel, QPushButton, "teenMoreButton"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: any(r.reason == "one more level" for _n, r in controller.family.home.pending()),
                    timeout=WAIT)  # fmt: skip
    again = inbox.open()
    qtbot.waitUntil(lambda: len(again.selected()) == 1, timeout=WAIT)
    assert status.text() == ""
