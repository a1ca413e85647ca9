"""A time box reached by the keyboard takes a time typed whole: Shift+Tab put the keyboard on
its minutes, and "08:00" typed there gave 21:08 (an outside tester). Against the demo."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTimeEdit

from .test_flows import WAIT, demo_at, find

pytestmark = pytest.mark.slow


@pytest.mark.parametrize(
    "arrival", [Qt.FocusReason.BacktabFocusReason, Qt.FocusReason.TabFocusReason], ids=["shift+tab", "tab"]
)
def test_a_time_typed_after_tabbing_in_is_that_time(qtbot, launch, arrival) -> None:
    _controller, window, _panel = demo_at(qtbot, launch, "Maya", controls=True)
    page = window.ensure_controls_page()
    qtbot.waitUntil(lambda: "quiet_hours" in page.rows, timeout=WAIT)
    box = find(page, QTimeEdit, "quietHoursEnd")
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=WAIT)
    box.setFocus(arrival)
    qtbot.waitUntil(box.hasFocus, timeout=WAIT)
    qtbot.keyClicks(box, "09:30")
    assert box.time().toString("HH:mm") == "09:30"
