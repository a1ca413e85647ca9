"""Enter presses the focused button everywhere, not only in dialogs: in the main window and in the
Teen's phone panel a focused QPushButton took Space but ignored Enter (Qt clicks on Enter only for
a dialog's buttons), so a keyboard user who tabbed to "Accept" on the phone, or to "Change
controls…" on the home, pressed Enter and nothing happened."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from famguard.ui.main_window import MainWindow

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
    qtbot.waitUntil(lambda: any("Asked for 30 min more" in label.text() for label in said), timeout=WAIT)


def test_enter_on_a_button_of_the_floating_phone_presses_it(qtbot, launch):
    """Floating, the phone panel is a window of its own: Enter on its focused button presses it
    as in the main window."""
    _controller, _window, panel = demo_at(qtbot, launch, "Maya")
    panel.setFloating(True)
    qtbot.waitUntil(panel.isFloating, timeout=WAIT)
    panel.activateWindow()
    qtbot.waitUntil(panel.isActiveWindow, timeout=WAIT)
    used = find(panel, QLabel, "teenUsageMessage")
    before = used.text()
    add = find(panel, QPushButton, "teenAdd5Button")
    add.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is add, timeout=WAIT)
    qtbot.keyClick(add, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: used.text() != before, timeout=WAIT)


def test_enter_in_a_box_that_moves_the_focus_onto_a_button_does_not_press_it(qtbot):
    """The sign-in form sends on Enter in the password box and moves the focus on; the Enter the
    box leaves goes on to its window. Were "the focused button" pressed there, a button the focus
    had just reached (a Cancel) was pressed by the same key."""
    window = MainWindow()
    qtbot.addWidget(window)
    body = QWidget()
    layout = QVBoxLayout(body)
    box, button = QLineEdit(), QPushButton("Cancel")
    layout.addWidget(box)
    layout.addWidget(button)
    window.setCentralWidget(body)
    pressed: list[bool] = []
    button.clicked.connect(lambda: pressed.append(True))
    box.returnPressed.connect(button.setFocus)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    box.setFocus()
    qtbot.keyClick(box, Qt.Key.Key_Return)
    qtbot.wait(200)  # longer than animateClick's 100 ms
    assert QApplication.focusWidget() is button and pressed == []
    qtbot.keyClick(button, Qt.Key.Key_Return)  # the button's own Enter still presses it
    qtbot.waitUntil(lambda: pressed == [True], timeout=WAIT)
