"""The demo phone's lines under "The app" say what is true now. Found by trying the demo: "Use the
app", then "Stop" within the minute, left "Using the app: every minute is counted and reported."
on screen; and "✓ Asked for 30 min more." stayed under the guardian's answer, as if the
question were still open."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton

from .test_flows import WAIT, demo_with_phone, find

pytestmark = pytest.mark.slow


def test_a_stop_within_the_minute_and_an_answered_request_leave_no_stale_line(qtbot, launch):
    controller, _window, panel = demo_with_phone(qtbot, launch)
    usage = find(panel, QLabel, "teenUsageMessage")
    answer = find(panel, QLabel, "teenRequestAnswer")
    use = find(panel, QPushButton, "teenUseButton")
    qtbot.mouseClick(use, Qt.MouseButton.LeftButton)
    assert usage.text().startswith("Using the app")
    qtbot.mouseClick(use, Qt.MouseButton.LeftButton)  # stopped at once
    assert usage.text() == "Stopped within the first minute: nothing was counted."

    qtbot.mouseClick(find(panel, QPushButton, "teenMoreButton"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: usage.text() == "✓ Asked for 30 min more.", timeout=WAIT)
    home = controller.family.home
    qtbot.waitUntil(lambda: any(name == "Maya" for name, _r in home.pending()), timeout=WAIT)
    mayas = next(r for name, r in home.pending() if name == "Maya")
    controller.family.requests.decide_many([(mayas, True, 30)])
    qtbot.waitUntil(lambda: "gave you 30 min more today" in answer.text(), timeout=WAIT)
    assert usage.text() == ""
