"""Enter presses the focused button everywhere, not only in dialogs: in the main window and in the
Teen's phone panel a focused QPushButton took Space but ignored Enter (Qt clicks on Enter only for
a dialog's buttons), so a keyboard user who tabbed to "Accept" on the phone, or to "Change
controls…" on the home, pressed Enter and nothing happened."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLineEdit, QPushButton

from .test_flows import WAIT, demo_at, find

pytestmark = pytest.mark.slow


def test_enter_on_a_focused_button_of_the_window_and_of_the_phone_presses_it(qtbot, launch):
    _controller, window, panel = demo_at(qtbot, launch, "Maya")
    home = window.ensure_home_page()

    home.controls_button.setFocus()
    qtbot.keyClick(home.controls_button, Qt.Key.Key_Return)
    page = window.ensure_controls_page()
    qtbot.waitUntil(lambda: page.isVisible() and page.title.text().startswith("Maya"), timeout=WAIT)

    # The phone: the teen tabs to "Ask for more time" with a reason typed, and presses Enter.
    qtbot.keyClicks(find(panel, QLineEdit, "teenReasonEdit"), "finishing my project")
    ask = find(panel, QPushButton, "teenMoreButton")
    ask.setFocus()
    qtbot.keyClick(ask, Qt.Key.Key_Enter, Qt.KeyboardModifier.KeypadModifier)
    said = [find(panel, QLabel, "teenUsageMessage"), find(panel, QLabel, "teenRequestAnswer")]
    qtbot.waitUntil(lambda: any("Asked for 30 more minutes" in label.text() for label in said), timeout=WAIT)
