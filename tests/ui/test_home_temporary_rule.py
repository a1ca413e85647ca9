"""The home answers "what can she do today?" with the temporary rule in force: a rule planned from
today with a 30-minute limit makes the home's minutes, its limit line, its rules in plain words
and the teen list's row say 30 min — as the teen's phone does — not the usual limit underneath;
ending the rule brings the usual limit back on the home."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QWidget

from famguard.ui.home import RulesSection

from .test_flows import WAIT, demo_at, end_rule_on_phone_page, find, plan_rule_from_home

pytestmark = pytest.mark.slow


def test_the_home_and_the_teen_list_count_today_against_the_rule_in_force(qtbot, launch):
    controller, window, panel = demo_at(qtbot, launch, "Maya")
    maya = controller.family.current
    home = window.ensure_home_page()
    assert "of 1 h today" in home.today_text() and "Limit: 1 h a day" in home.today_text()

    plan_rule_from_home(qtbot, controller, "Exam weeks", 30)  # from today, the teen's day

    # The phone counts against 30 minutes; so must the guardian's home, its rules and the list.
    qtbot.waitUntil(lambda: "Open now — 20 min of 30 min used today" in panel.view.plain_text(), timeout=WAIT)
    qtbot.waitUntil(lambda: "20 min of 30 min today — 10 min left" in home.today_text(), timeout=WAIT)
    assert "Limit: 30 min a day" in home.today_text()
    rules = home.section(RulesSection)
    assert isinstance(rules, RulesSection)
    assert "Daily screen-time limit: 30 min" in rules.text()
    row = controller.family.teens[maya]
    assert row.limit_minutes == 30
    assert "◷ Exam weeks" in find(home, QWidget, "homeRule").text()

    end_rule_on_phone_page(qtbot, controller)
    # Told, as planning it was (it was not: a parent trying the demo).
    qtbot.waitUntil(lambda: window.notice.text() == "✓ “Exam weeks” ended for Maya: the usual rules apply again.")
    qtbot.waitUntil(lambda: "20 min of 1 h today — 40 min left" in home.today_text(), timeout=WAIT)
    assert "Daily screen-time limit: 1 h" in rules.text()
    assert controller.family.teens[maya].limit_minutes == 60
