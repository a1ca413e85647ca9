"""The teen's phone says the rules were applied, in words, without the service's version tag: it
read "✓ Rules version 5-rf158ebfe189d applied at 08:23" — an ETag with a rule's hash, shown to a
14-year-old — once a temporary rule was in force."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton

from .test_flows import WAIT, custom_rule, demo_at, find

pytestmark = pytest.mark.slow


def test_the_phone_says_when_the_rules_were_applied_without_the_version_tag(qtbot, launch):
    controller, window, panel = demo_at(qtbot, launch, "Maya")
    applied = find(panel, QLabel, "teenApplied")
    qtbot.waitUntil(lambda: "applied at" in applied.text(), timeout=WAIT)
    trust = controller.family.trust
    qtbot.waitUntil(lambda: trust.cached is not None, timeout=WAIT)
    qtbot.mouseClick(find(window.ensure_home_page(), QPushButton, "homePlansButton"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: trust.dialog is not None and trust.dialog.isVisible(), timeout=WAIT)
    custom_rule(qtbot, trust.dialog, "Exam weeks", 30)
    qtbot.mouseClick(trust.dialog.save, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Temporary rule: Exam weeks" in panel.view.plain_text(), timeout=WAIT)
    qtbot.waitUntil(lambda: "applied at" in applied.text(), timeout=WAIT)
    assert applied.text().startswith("✓ Rules applied at ")
    assert "version" not in applied.text() and "-r" not in applied.text()
