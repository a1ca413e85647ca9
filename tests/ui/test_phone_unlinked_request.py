"""After the teen unlinks, the phone no longer says a guardian is about to answer: a request asked
before went on showing "◷ Waiting for an answer: 30 min more" with nobody left to answer it, and
later showed in the inbox of the next guardian the teen paired with. The service now closes it
with the last link, and the phone says it closed unanswered and why (no guardian said no)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton

from famguard.ui.teen_panel import MORE_TIME_ASKED

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


def test_time_given_before_the_teen_unlinks_is_not_said_after_and_a_reset_clears_what_was_typed(qtbot, launch):
    """The phone kept "✓ Alex Morgan gave you 30 min more today" after the teen unlinked, where no
    limit applies any more (an outside tester), and after Reset demo its Extra time box still held
    the minutes and reason typed for the practice family before."""
    controller, _window, panel = demo_with_phone(qtbot, launch)
    answer = find(panel, QLabel, "teenRequestAnswer")
    qtbot.mouseClick(find(panel, QPushButton, "teenMoreButton"), Qt.MouseButton.LeftButton)
    home = controller.family.home
    qtbot.waitUntil(lambda: any(name == "Maya" for name, _r in home.pending()), timeout=WAIT)
    mayas = next(r for name, r in home.pending() if name == "Maya")
    controller.family.requests.decide_many([(mayas, True, 30)])
    qtbot.waitUntil(lambda: "gave you 30 min more today" in answer.text(), timeout=WAIT)
    answer_next_question(qtbot, "Unlink")
    qtbot.mouseClick(find(panel, QPushButton, "teenUnlinkButton"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "no limits apply" in find(panel, QLabel, "teenUsed").text(), timeout=WAIT)
    assert answer.text() == ""

    panel.more_spin.setValue(90)
    panel.reason_edit.setText("finishing a school project")
    panel.reset()  # what Reset demo and the demo's end do to the phone (TeenPresenter.close)
    assert (panel.more_spin.value(), panel.reason_edit.text()) == (MORE_TIME_ASKED, "")
