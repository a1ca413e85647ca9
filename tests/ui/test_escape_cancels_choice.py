"""Escape takes back a choice still settling: after arrowing from "1 h" to "2 h", Escape left the
check mark on "2 h" and the limit was sent 1.2 s later — the key a keyboard user presses to back
out changed the teen's limit. Now the check mark goes back to what is set and nothing is sent."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QRadioButton

from famguard.ui.deliberate import SETTLE_MS

from .test_deliberate import _open_controls, patches
from .test_flows import find


@pytest.mark.usefixtures("real_keyring")
def test_escape_while_arrowing_through_the_limit_puts_it_back_and_sends_nothing(
    qtbot, launch, proxy, guardian, teen
) -> None:
    controller, page = _open_controls(qtbot, launch, proxy, guardian, teen)
    teen_id = controller.family.current
    sixty = find(page, QRadioButton, "dailyLimit_60")
    assert sixty.isChecked()
    sixty.setFocus()
    sent_before = len(patches(proxy))
    for key in (Qt.Key.Key_Right, Qt.Key.Key_Right):  # 90, 120
        qtbot.keyClick(QApplication.focusWidget(), key)
    assert find(page, QRadioButton, "dailyLimit_120").isChecked()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)
    assert sixty.isChecked() and page.editor("daily_limit_minutes").value() == 60
    assert find(page, QLabel, "message_daily_limit_minutes").text() == ""  # no "… applies when you stop"
    qtbot.wait(SETTLE_MS + 300)  # past the settle delay: a choice still queued would be on its way
    assert patches(proxy)[sent_before:] == []
    assert sixty.isChecked()
    assert guardian.api.get_controls(teen_id).controls.daily_limit_minutes == 60
