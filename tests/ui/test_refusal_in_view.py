"""A refusal beside a setting is on screen when it is said. Found by trying the demo as a careless
parent: a pasted keyword list with an invisible character, Enter — and nothing seemed to happen,
because the refusal ("… holds an invisible U+202E …") was below the visible part of the page."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QScrollArea

from .test_flows import WAIT, demo_at, find

pytestmark = pytest.mark.slow


def test_a_keyword_refused_with_its_box_at_the_bottom_of_the_page_scrolls_the_refusal_into_view(qtbot, launch):
    _controller, window, _panel = demo_at(qtbot, launch, "Maya", controls=True)
    page = window.ensure_controls_page()
    edit = find(page, QLineEdit, "keywordEdit")
    message = find(page, QLabel, "keywordMessage")
    area = next(a for a in page.findChildren(QScrollArea) if a.isAncestorOf(edit))
    qtbot.waitUntil(lambda: area.verticalScrollBar().maximum() > 0, timeout=WAIT)
    # The window is fitted to the screen once its frame is known, 300 ms after its first paint
    # (MainWindow._keep_frame_within_screen), and every row wraps again then: measured after it,
    # as the page is by the time a guardian has scrolled to the keyword box.
    room = window.screen().availableGeometry()
    qtbot.waitUntil(lambda: window.frameGeometry().width() <= room.width(), timeout=WAIT)
    seen: list[tuple[int, int]] = []

    def page_settled() -> bool:  # its width and height the same at two looks in a row
        seen.append((area.width(), area.verticalScrollBar().maximum()))
        return len(seen) > 1 and seen[-1] == seen[-2]

    qtbot.waitUntil(page_settled, timeout=WAIT)
    # The page scrolled so that the keyword box is the last thing in view, as a guardian leaves it
    # after scrolling down to it.
    viewport = area.viewport()
    box_bottom = edit.mapTo(area.widget(), QPoint(0, edit.height())).y()
    area.verticalScrollBar().setValue(max(0, box_bottom - viewport.height() + 2))

    def message_in_view() -> bool:
        top_left = message.mapTo(viewport, QPoint(0, 0))
        return message.isVisible() and viewport.rect().contains(QRect(top_left, message.size()))

    assert not message_in_view()

    QApplication.clipboard().setText("crash diet\nsk\u202eip")
    edit.setFocus()
    qtbot.keyClick(edit, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert "U+202E" in message.text()
    qtbot.waitUntil(message_in_view, timeout=WAIT)
    assert edit.hasFocus() and edit.text() == "crash diet\nsk\u202eip"  # kept, to be corrected
