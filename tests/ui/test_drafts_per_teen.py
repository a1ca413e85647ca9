"""What was typed on one teen's controls page and not set does not wait on the next teen's:
an outside tester found Maya's custom "100 min" beside Sam's limit (a "Set" away from giving
Sam 100 minutes), a new time-away block's "to 07:30" and a half-typed keyword carried over.
Against the demo's practice service."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QTime

from .test_flows import WAIT, demo_at, wait_teen_page

pytestmark = pytest.mark.slow

DRAFTED = ("daily_limit_minutes", "time_away", "keyword_filters")


def test_another_teen_s_page_starts_from_their_own_values(qtbot, launch) -> None:
    controller, window, _panel = demo_at(qtbot, launch, "Maya", controls=True)
    page = window.ensure_controls_page()
    qtbot.waitUntil(lambda: set(DRAFTED) <= set(page.rows), timeout=WAIT)
    limit, away, words = (page.editor(field) for field in DRAFTED)
    limit.custom_spin.setValue(100)  # typed, not set
    away.end_edit.setTime(QTime(7, 30))
    away.day_checks["fri"].setChecked(True)
    words.edit.setText("vap")

    window.teen_list.select(next(t for t, r in controller.family.teens.items() if r.name == "Sam"))
    wait_teen_page(qtbot, controller, "Sam")
    sams_limit = limit.value()
    assert sams_limit is not None and limit.custom_spin.value() == sams_limit
    assert (away.start_edit.time().toString("HH:mm"), away.end_edit.time().toString("HH:mm")) == ("22:00", "07:00")
    assert {day for day, check in away.day_checks.items() if check.isChecked()} == {"sun", "mon", "tue", "wed", "thu"}
    assert words.edit.text() == ""
