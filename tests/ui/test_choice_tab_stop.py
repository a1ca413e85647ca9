"""Tab reaches a group of choices once, at the choice that is set, and leaves it with the next Tab
(the arrows move within it). In some groups Tab landed on another choice ("Everyone" with "Only
me" set, "40 min" with "1 h" set), which a screen reader read out as the focused choice and Space
there changed the setting (found driving the demo with the keyboard alone)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QRadioButton, QWidget

from famguard.ui.controls_page import ControlsPage


@pytest.mark.parametrize(
    ("field", "prefix", "checked"),
    [
        ("daily_limit_minutes", "dailyLimit_", "dailyLimit_60"),
        ("comments", "comments_", "comments_friends"),
        ("direct_messages", "direct_messages_", "direct_messages_no_one"),
        ("liked_videos", "liked_videos_", "liked_videos_only_me"),
        ("duet_stitch", "duet_stitch_", "duet_stitch_no_one"),
    ],
)
def test_tab_into_a_choice_lands_on_the_one_set(qtbot, built_page: ControlsPage, field: str, prefix: str, checked: str):
    page = built_page
    group = [b for b in page.findChildren(QRadioButton) if b.objectName().startswith(prefix)]
    assert len(group) >= 3 and [b.objectName() for b in group if b.isChecked()] == [checked]
    before = page.findChild(QWidget, f"learnMore_{field}")
    before.setFocus()
    qtbot.waitUntil(before.hasFocus, timeout=2000)
    qtbot.keyClick(before, Qt.Key.Key_Tab)
    focus = QApplication.focusWidget()
    assert focus is not None and focus.objectName() == checked
    qtbot.keyClick(focus, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() not in group  # on out of the group, not to its next choice


def test_after_a_choice_is_made_tab_lands_on_it(qtbot, built_page: ControlsPage) -> None:
    page = built_page
    two_hours = page.findChild(QRadioButton, "dailyLimit_120")
    qtbot.mouseClick(two_hours, Qt.MouseButton.LeftButton)
    assert two_hours.isChecked()
    before = page.findChild(QWidget, "learnMore_daily_limit_minutes")
    before.setFocus()
    qtbot.waitUntil(before.hasFocus, timeout=2000)
    qtbot.keyClick(before, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is two_hours
