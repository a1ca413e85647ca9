"""The controls page says when a temporary rule is in force: during exam weeks the page showed the
usual "1 h" with nothing else, while the teen's phone counted against the rule's 30 minutes (found
by the screens-tell-the-truth pass). The page names the rule and its end, says the phone follows
it on top of the settings shown, and says nothing once the rule is ended."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from .test_flows import WAIT, demo_at, end_rule_on_phone_page, find, plan_rule_from_home

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

    plan_rule_from_home(qtbot, controller, "Exam weeks", 30)

    qtbot.mouseClick(find(home, QPushButton, "homeControlsButton"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.isVisible() and not page.rule_notice.isHidden(), timeout=WAIT)
    words = page.rule_notice.text()
    assert words.startswith("◷ In force now: Exam weeks")
    assert "Daily screen-time limit 30 min" in words and "until" in words
    assert "Maya's phone follows it on top of the settings below" in words
    assert page.rule_notice.accessibleDescription() == words  # a screen reader reads the words

    end_rule_on_phone_page(qtbot, controller)
    qtbot.waitUntil(page.rule_notice.isHidden, timeout=WAIT)
