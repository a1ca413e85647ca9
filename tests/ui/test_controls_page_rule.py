"""The controls page says when a temporary rule is in force: during exam weeks the page showed the
usual "1 h" with nothing else, while the teen's phone counted against the rule's 30 minutes (found
by the screens-tell-the-truth pass). The page names the rule and its end, says the phone follows
it on top of the settings shown, and says nothing once the rule is ended."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from .test_flows import WAIT, custom_rule, demo_at, find

pytestmark = pytest.mark.slow


def test_the_controls_page_names_the_rule_in_force_until_it_is_ended(qtbot, launch):
    controller, window, _panel = demo_at(qtbot, launch, "Maya")
    home = window.ensure_home_page()
    trust = controller.family.trust
    qtbot.waitUntil(lambda: trust.cached is not None, timeout=WAIT)
    page = window.ensure_controls_page()
    qtbot.mouseClick(find(home, QPushButton, "homeControlsButton"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.isVisible() and page.title.text().startswith("Maya"), timeout=WAIT)
    assert page.rule_notice.isHidden()  # no rule: the settings shown are what the phone follows

    window.show_page("home")
    qtbot.mouseClick(find(home, QPushButton, "homePlansButton"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: trust.dialog is not None and trust.dialog.isVisible(), timeout=WAIT)
    dialog = trust.dialog
    custom_rule(qtbot, dialog, "Exam weeks", 30)
    dialog.ends.setDate(dialog.starts.date().addDays(9))  # from today, the teen's day
    qtbot.mouseClick(dialog.save, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=WAIT)

    qtbot.mouseClick(find(home, QPushButton, "homeControlsButton"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.isVisible() and not page.rule_notice.isHidden(), timeout=WAIT)
    words = page.rule_notice.text()
    assert words.startswith("◷ In force now: Exam weeks")
    assert "Daily screen-time limit 30 min" in words and "until" in words
    assert "Maya's phone follows it on top of the settings below" in words
    assert page.rule_notice.accessibleDescription() == words  # a screen reader reads the words

    trust_page = trust.page
    next(a for a in window.view_menu.actions() if a.text() == "&Phone and temporary rules").trigger()
    qtbot.waitUntil(lambda: trust_page.isVisible(), timeout=WAIT)
    qtbot.mouseClick(find(trust_page, QPushButton, "endRuleButton"), Qt.MouseButton.LeftButton)
    question = trust.question
    qtbot.mouseClick(next(b for b in question.buttons() if b.text() == "&End the rule"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(page.rule_notice.isHidden, timeout=WAIT)
