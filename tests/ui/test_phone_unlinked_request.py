"""After the teen unlinks, the phone no longer says a guardian is about to answer: a request asked
before went on showing "◷ Waiting for an answer: 30 min more" with nobody left to answer it, and
later showed in the inbox of the next guardian the teen paired with. The service now closes it
with the last link, and the phone says it closed unanswered and why (no guardian said no)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton

from .conftest import answer_next_question
from .test_flows import WAIT, demo_with_phone, find

pytestmark = pytest.mark.slow


def test_a_request_waiting_when_the_teen_unlinks_says_it_closed_unanswered(qtbot, launch):
    _controller, _window, panel = demo_with_phone(qtbot, launch)
    answer = find(panel, QLabel, "teenRequestAnswer")
    qtbot.mouseClick(find(panel, QPushButton, "teenMoreButton"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: answer.text() == "◷ Waiting for an answer: 30 min more", timeout=WAIT)
    answer_next_question(qtbot, "Unlink")
    qtbot.mouseClick(find(panel, QPushButton, "teenUnlinkButton"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "no guardian manages this account now" in answer.text(), timeout=WAIT)
    assert answer.text().startswith("✗ Your request for 30 min more closed unanswered")
    assert "said no" not in answer.text()
