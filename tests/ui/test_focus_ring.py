"""Tab onto a page's scroll area shows where the keyboard is. The home, the phone's screen, the
controls page and the trust page each take a Tab stop (arrows and Page Down scroll them), and with
no frame nothing was drawn there: trying the demo with the keyboard alone, a Tab seemed to go
nowhere. A ring is drawn while the keyboard has the area, gone when it leaves, and not drawn
after a click (as Qt's own focus rectangles are not)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication, QScrollArea, QWidget

from .test_flows import demo_at

pytestmark = pytest.mark.slow


def tab_until(qtbot, window, target: QWidget, limit: int = 60) -> None:
    """Press Tab, as a keyboard user does, until `target` has the focus."""
    for _ in range(limit):
        if QApplication.focusWidget() is target:
            return
        qtbot.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_Tab)
    raise AssertionError(f"{limit} Tabs never reached {target.objectName()}")


def ring_drawn(area: QScrollArea) -> bool:
    """Whether the area's left edge, halfway down, is drawn in the highlight colour."""
    highlight = area.palette().color(QPalette.ColorRole.Highlight)
    image = area.grab().toImage()
    return image.pixelColor(1, image.height() // 2).name() == highlight.name()


def test_tab_onto_the_homes_and_the_phones_screens_draws_a_ring_that_goes_with_the_focus(qtbot, launch):
    _controller, window, panel = demo_at(qtbot, launch, "Maya")
    window.activateWindow()
    home = window.findChild(QScrollArea, "homeScroll")
    phone = panel.findChild(QScrollArea, "teenPhoneScroll")
    assert not ring_drawn(home)

    tab_until(qtbot, window, home)
    assert ring_drawn(home)
    tab_until(qtbot, window, phone)
    assert ring_drawn(phone) and not ring_drawn(home)

    # A click gives the home the focus too (a click on its empty part), with no ring.
    qtbot.mouseClick(home.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(5, home.viewport().height() - 5))
    assert QApplication.focusWidget() is home
    assert not ring_drawn(home) and not ring_drawn(phone)


def test_the_teen_list_draws_a_ring_when_the_keyboard_is_there(qtbot, launch):
    """The selected teen is drawn alike with the keyboard in the list or not: after "Reset demo"
    (which leaves the keyboard there) an outside tester could not see where it was."""
    _controller, window, _panel = demo_at(qtbot, launch, "Maya")
    window.activateWindow()
    teens = window.teen_list.list
    if not teens.isVisible():  # folded away beside the docked phone on a narrow screen
        window.teen_phone.hide()
        qtbot.waitUntil(teens.isVisible, timeout=5000)
    assert not ring_drawn(teens)
    tab_until(qtbot, window, teens)
    assert ring_drawn(teens)


def test_a_focus_given_while_another_window_is_active_is_set_once_its_window_is(qtbot, launch):
    """After a dialog, the window manager makes the main window active a moment later: the ring
    set before that was not drawn (an outside tester). It is set again once the window is active,
    unless the keyboard went elsewhere meanwhile."""
    from famguard.ui.common import focus_with_ring

    _controller, window, _panel = demo_at(qtbot, launch, "Maya")
    home = window.ensure_home_page()
    elsewhere = QWidget()
    qtbot.addWidget(elsewhere)
    elsewhere.show()
    elsewhere.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is elsewhere, timeout=5000)
    focus_with_ring(home.controls_button)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is home.controls_button, timeout=5000)
    # Qt clears the window's "keyboard focus change" (which draws the ring) as it becomes active.
    qtbot.waitUntil(lambda: window.testAttribute(Qt.WidgetAttribute.WA_KeyboardFocusChange), timeout=5000)

    elsewhere.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is elsewhere, timeout=5000)
    focus_with_ring(home.controls_button)
    home.title.setFocus()  # the keyboard taken elsewhere in the window before it is active again
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5000)
    qtbot.wait(100)
    assert QApplication.focusWidget() is not home.controls_button
