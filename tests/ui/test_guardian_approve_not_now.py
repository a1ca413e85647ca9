"""A guardian who opens "Approve a guardian?" from the keyboard and answers "Not now" (or Escape)
is back on "Approve…", the button that asked: the keyboard went to the section's first button,
"Refuse", and one more Return refused the person at once, without a question (an outside tester,
keyboard only). In the demo: "Someone asks to join" (Alt+J) has Robin Morgan ask on Maya's home."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QPushButton

from famguard.ui.guardian_requests import GuardianRequestsSection

from .test_flows import WAIT, click, demo_at, find

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("cancel", ["escape", "not now"])
def test_not_now_puts_the_keyboard_back_on_approve(qtbot, launch, cancel) -> None:
    controller, window, _panel = demo_at(qtbot, launch, "Maya")
    section = window.ensure_home_page().section(GuardianRequestsSection)
    click(qtbot, window.ask_to_join_button)
    qtbot.waitUntil(lambda: section.isVisible() and "“Robin Morgan” asked today at" in section.text(), timeout=WAIT)
    approve = find(section, QPushButton, "approveGuardianButton")
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=WAIT)
    approve.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is approve, timeout=WAIT)
    questions = controller.family.guardian_requests
    for _time in range(2):  # and again: the same question, not a refusal
        qtbot.keyClick(approve, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: questions.question is not None and questions.question.isVisible(), timeout=WAIT)
        box = questions.question
        if cancel == "escape":
            qtbot.keyClick(box, Qt.Key.Key_Escape)
        else:
            qtbot.mouseClick(next(b for b in box.buttons() if b.text() == "&Not now"), Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: questions.question is None, timeout=WAIT)
        qtbot.wait(100)  # the focus settled where it lands
        assert window.focusWidget() is approve, window.focusWidget().objectName()  # not "Refuse"
        window.activateWindow()  # as the window manager does once the question has gone
        qtbot.waitUntil(lambda: QApplication.focusWidget() is approve, timeout=WAIT)
    assert "Refused" not in section.text()
