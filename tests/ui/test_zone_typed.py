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


def test_a_huge_paste_is_refused_in_a_short_message_and_escape_still_puts_the_zone_back(
    qtbot, built_page: ControlsPage
):
    """Found by an outside tester: 5,000 characters pasted, then Enter, repeated all 5,000 in the
    refusal (cut by the window's edge), squeezed the box to half its width, and Escape did not put
    the zone back."""
    from PySide6.QtWidgets import QApplication

    page = built_page
    page.resize(900, 700)
    page.show()
    qtbot.waitExposed(page)
    combo = page.findChild(QComboBox, "timezoneCombo")
    message = page.findChild(QLabel, "timezoneMessage")
    edit = combo.lineEdit()
    width = combo.width()
    edit.setFocus()
    qtbot.waitUntil(edit.hasFocus, timeout=2000)
    edit.selectAll()
    QApplication.clipboard().setText("a" * 5000)
    qtbot.keyClick(edit, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert 0 < len(edit.text()) <= 64  # no zone name is longer: the rest never goes in
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert message.text().startswith("✗ “aaaa") and "is not a time zone" in message.text()
    assert len(message.text()) < 140, message.text()
    qtbot.wait(50)  # laid out again
    assert combo.width() == width  # the box keeps its width beside what is said
    qtbot.keyClick(edit, Qt.Key.Key_Escape)
    assert combo.currentText() == "Europe/London" and message.text() == ""


def test_escape_after_tabbing_in_and_a_space_puts_the_zone_back(qtbot, built_page: ControlsPage):
    """Tab into the box selects its zone; a Space (which opens other drop-downs) typed over it
    left a blank, and Escape — which the drop-down, holding the keyboard, answered itself — did
    not bring the zone back (an outside tester)."""
    page = built_page
    combo = page.findChild(QComboBox, "timezoneCombo")
    sent: list[object] = []
    page.change_requested.connect(lambda *args: sent.append(args))
    combo.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(combo.hasFocus, timeout=2000)
    qtbot.keyClick(combo, Qt.Key.Key_Space)
    assert combo.currentText().strip() == ""
    qtbot.keyClick(combo, Qt.Key.Key_Escape)
    assert combo.currentText() == "Europe/London"
    assert sent == []
