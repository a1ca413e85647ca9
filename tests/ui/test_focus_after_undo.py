"""The keyboard never lands somewhere a second Enter would do something unasked. Found by trying
the demo with the keyboard alone: "Undo this change" in the history, pressed with Enter, greyed
itself out with the focus and Qt passed the focus on — to the notice's Dismiss ("Undoing …"), and
when that notice hid itself, to the demo toolbar's "Someone asks to join"."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QPushButton

from famguard.ui.history_page import ChangeHistoryPage

from .test_flows import WAIT, demo_at

pytestmark = pytest.mark.slow


def test_undo_from_the_history_by_keyboard_keeps_the_focus_in_the_history(qtbot, launch):
    controller, window, _panel = demo_at(qtbot, launch, "Maya")
    window.page_requested.emit("history")  # View > Change history
    page = window.page("history", ChangeHistoryPage)
    qtbot.waitUntil(lambda: page.isVisible() and bool(page.model.entries) and not page.model.loading, timeout=WAIT)
    for row in range(page.model.rowCount()):
        page.list.setCurrentIndex(page.model.index(row, 0))
        if page.undo_button.isEnabled():
            break
    assert page.undo_button.isEnabled(), "the demo's history has a change to undo"
    window.activateWindow()
    page.undo_button.setFocus()
    qtbot.waitUntil(page.undo_button.hasFocus, timeout=WAIT)

    qtbot.keyClick(page.undo_button, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.notice.isVisible() and "Undoing" in window.notice.text(), timeout=WAIT)
    qtbot.waitUntil(lambda: not page.undo_button.isEnabled(), timeout=WAIT)  # undone: nothing more to undo
    assert QApplication.focusWidget() is page.list

    # The notice hides itself (its timer) while the keyboard is on its Dismiss.
    window.notice.close_button.setFocus()
    qtbot.waitUntil(window.notice.close_button.hasFocus, timeout=WAIT)
    window.notice.hide()
    focus = QApplication.focusWidget()
    assert focus is not None and not window.demo_bar.isAncestorOf(focus), focus
    assert not isinstance(focus, QPushButton) or focus.objectName() != "demoAskToJoinButton"
    assert window.family.isAncestorOf(focus), focus.objectName()
