"""A time zone typed that is not one is refused in words, the refusal goes when the guardian types
again, and Escape puts back the zone that is set. Found by trying the demo as a careless parent:
after "Mars/Olympus" was refused, Escape left it in the box, and the refusal stayed while a new
zone was typed."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLabel

from famguard.ui.controls_page import ControlsPage


def test_escape_puts_the_zone_that_is_set_back_and_typing_clears_the_refusal(qtbot, built_page: ControlsPage):
    page = built_page
    combo = page.findChild(QComboBox, "timezoneCombo")
    message = page.findChild(QLabel, "timezoneMessage")
    edit = combo.lineEdit()
    sent: list[object] = []
    page.change_requested.connect(lambda *args: sent.append(args))
    edit.setFocus()
    qtbot.waitUntil(edit.hasFocus, timeout=2000)
    edit.selectAll()
    qtbot.keyClicks(edit, "Mars/Olympus")
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert message.text().startswith("✗ “Mars/Olympus” is not a time zone")

    qtbot.keyClicks(edit, "x")  # typing again: the refusal was about the text before
    assert message.text() == ""
    qtbot.keyClick(edit, Qt.Key.Key_Escape)
    assert combo.currentText() == "Europe/London" and message.text() == ""
    assert sent == []  # nothing was asked of the service
