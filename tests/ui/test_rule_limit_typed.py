"""Minutes typed into a temporary rule's daily limit are taken as typed or refused in words, never
swapped for another value. Found by trying the demo as a careless parent: "5" typed into the limit
(allowed 10–720) and Enter saved the rule with the 60 minutes the box had quietly put back; and a
refusal stayed on screen, wrong, while the field was mended."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from .test_flows import WAIT, click, demo_at, find

pytestmark = pytest.mark.slow


def _type_minutes(qtbot, dialog, text: str) -> None:
    dialog.limit.setFocus()
    dialog.limit.selectAll()
    qtbot.keyClicks(dialog.limit, text)
    qtbot.keyClick(dialog.limit, Qt.Key.Key_Return)  # Enter: the dialog's default button, Save


def test_minutes_out_of_range_are_refused_in_words_and_typed_minutes_are_saved(qtbot, launch):
    controller, window, _panel = demo_at(qtbot, launch, "Maya")
    trust = controller.family.trust
    qtbot.waitUntil(lambda: trust.cached is not None, timeout=WAIT)
    rules_before = list(trust.cached.rules)
    click(qtbot, find(window.ensure_home_page(), QPushButton, "homePlansButton"))
    qtbot.waitUntil(lambda: trust.dialog is not None and trust.dialog.isVisible(), timeout=WAIT)
    dialog = trust.dialog
    assert "10–720 min" in dialog.limit_range.text()
    dialog.kind.setCurrentText("Custom")
    qtbot.keyClicks(dialog.name, "Revision week")
    dialog.limit_on.setChecked(True)

    _type_minutes(qtbot, dialog, "5")
    qtbot.wait(300)  # a save would be on its way by now
    assert dialog.isVisible()
    assert dialog.problems.text() == (
        "✗ Daily screen-time limit: 5 min is outside the allowed 10–720 min (12 h). Nothing was saved."
    )
    assert dialog.limit.value() == 5 and dialog.limit.hasFocus()  # what was typed stays, to be mended
    assert list(trust.cached.rules) == rules_before
    qtbot.keyClicks(dialog.limit, "0")  # mending it: the refusal was about "5"
    assert dialog.problems.text() == ""

    _type_minutes(qtbot, dialog, "45")
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=WAIT)
    qtbot.waitUntil(lambda: any(r.name == "Revision week" for r in trust.cached.rules), timeout=WAIT)
    rule = next(r for r in trust.cached.rules if r.name == "Revision week")
    assert rule.controls["daily_limit_minutes"] == 45
