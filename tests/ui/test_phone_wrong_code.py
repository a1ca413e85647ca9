"""A wrong pairing code on the Teen's phone panel is said, and the code stays where it was typed,
selected, with the keyboard back in it: the panel cleared the field (for a teen already linked)
and left the focus on whatever followed the field while it was disabled, so the next keys went
nowhere and the teen could not see what they had mistyped."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLineEdit

from .test_flows import WAIT, demo_with_phone, find

pytestmark = pytest.mark.slow


def test_a_wrong_code_is_kept_selected_with_the_focus_in_the_field(qtbot, launch):
    _controller, window, panel = demo_with_phone(qtbot, launch)
    code = find(panel, QLineEdit, "teenCodeEdit")
    message = find(panel, QLabel, "teenPairingMessage")
    code.setFocus()
    qtbot.keyClicks(code, "WXYZ-WXYZ")
    qtbot.keyClick(code, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: message.text().startswith("✗"), timeout=WAIT)
    assert "not found" in message.text()
    assert code.text() == "WXYZ-WXYZ" and code.isEnabled()
    assert window.focusWidget() is code
    assert code.selectedText() == "WXYZ-WXYZ"  # typing again replaces it
