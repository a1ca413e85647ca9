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


@pytest.mark.parametrize("key", [Qt.Key.Key_Tab, Qt.Key.Key_Backtab])
def test_tab_after_the_page_scrolled_goes_to_a_control_in_sight(qtbot, built_page: ControlsPage, key) -> None:
    """Found by a support agent: Page Down to "Comments", then Tab, went back to the top of the
    page ("Learn more" of the time zone) and scrolled there. From the page itself (where the
    keyboard goes when the view scrolls away from the focused control) Tab goes to the first
    control in sight, Shift+Tab to the last; a group of choices at the one set."""
    from PySide6.QtCore import QRect
    from PySide6.QtWidgets import QScrollArea

    page = built_page
    scroll = page.findChild(QScrollArea, "controlsScroll")
    page.resize(900, 500)
    comments = page.findChild(QWidget, "comments_friends")
    scroll.ensureWidgetVisible(page.findChild(QWidget, "learnMore_comments"), 0, 0)
    scroll.setFocus(Qt.FocusReason.ShortcutFocusReason)
    qtbot.waitUntil(scroll.hasFocus, timeout=2000)
    top = scroll.verticalScrollBar().value()
    assert top > 0 and comments is not None
    qtbot.keyClick(scroll, key)
    focus = QApplication.focusWidget()
    viewport = scroll.viewport()
    assert focus is not None and scroll.widget().isAncestorOf(focus)
    seen = QRect(focus.mapTo(viewport, focus.rect().topLeft()), focus.size())
    assert viewport.rect().intersects(seen), focus.objectName()
    assert scroll.verticalScrollBar().value() >= top - 40  # the view stays about where it was
    if isinstance(focus, QRadioButton):
        assert focus.isChecked()  # a group of choices: at the one set


def test_a_time_box_scrolled_to_the_views_edge_hands_the_keyboard_to_the_page(qtbot, built_page: ControlsPage) -> None:
    """Found by a re-tester with the keyboard: Page Up from the quiet hours' end scrolled the page so
    that the box sat at the view's bottom edge, a few pixels in sight; it kept the keyboard, and
    Down changed the time unseen (saved). Mostly out of sight is out of sight."""
    from PySide6.QtWidgets import QScrollArea, QTimeEdit

    page = built_page
    page.resize(900, 500)
    scroll = page.findChild(QScrollArea, "controlsScroll")
    box = page.findChild(QTimeEdit, "quietHoursEnd")
    scroll.ensureWidgetVisible(box)
    box.setFocus(Qt.FocusReason.BacktabFocusReason)
    qtbot.waitUntil(box.hasFocus, timeout=2000)
    viewport, bar = scroll.viewport(), scroll.verticalScrollBar()
    top_in_view = box.mapTo(viewport, box.rect().topLeft()).y()
    bar.setValue(bar.value() + top_in_view - (viewport.height() - 4))  # 4 px of it in sight
    assert 0 < viewport.height() - box.mapTo(viewport, box.rect().topLeft()).y() <= 5
    assert QApplication.focusWidget() is scroll
    time = box.time()
    qtbot.keyClick(scroll, Qt.Key.Key_Down)
    assert box.time() == time
