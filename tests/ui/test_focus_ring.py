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
