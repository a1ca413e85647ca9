"""Ctrl+Z, as the Undo button says, puts the last change back wherever the cursor is on the
controls page — also in the time-zone box or a minutes box, which took the keys for their own
(empty) typing history and did nothing. Typing of the box's own is still undone first."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractSpinBox, QCheckBox, QComboBox, QLineEdit, QWidget

from famguard.ui.controls_page import ControlsPage


@pytest.fixture
def page(built_page: ControlsPage) -> ControlsPage:
    return built_page


def shown():  # what the page fixture shows
    from famguard.domain.controls import defaults_for_age

    return defaults_for_age(14, "Europe/London")


def focus_box(page: ControlsPage, name: str) -> QWidget:
    if name == "timezoneCombo":
        box: QWidget = page.findChild(QComboBox, name).lineEdit()
    elif name == "keywordEdit":
        box = page.findChild(QLineEdit, name)
    else:
        box = page.findChild(QAbstractSpinBox, name)
    box.setFocus()
    return box


@pytest.mark.parametrize("box_name", ["timezoneCombo", "keywordEdit", "dailyLimitCustom"])
def test_ctrl_z_in_a_box_undoes_the_last_change(qtbot, page: ControlsPage, box_name: str) -> None:
    qtbot.mouseClick(page.findChild(QCheckBox, "search_enabled_check"), Qt.MouseButton.LeftButton)
    assert page.undo_button.isEnabled()
    box = focus_box(page, box_name)
    qtbot.waitUntil(box.hasFocus, timeout=2000)
    with qtbot.waitSignal(page.change_requested, timeout=2000) as signal:
        qtbot.keyClick(box, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert signal.args == ["teen-1", "search_enabled", True]
    assert page.findChild(QCheckBox, "search_enabled_check").isChecked()


def test_typing_in_a_box_is_undone_before_the_last_change(qtbot, page: ControlsPage) -> None:
    qtbot.mouseClick(page.findChild(QCheckBox, "search_enabled_check"), Qt.MouseButton.LeftButton)
    box = focus_box(page, "keywordEdit")
    qtbot.keyClicks(box, "#dare")
    with qtbot.assertNotEmitted(page.change_requested, wait=300):
        qtbot.keyClick(box, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert box.text() == ""  # the typing went, the change stays
    assert not page.findChild(QCheckBox, "search_enabled_check").isChecked()


def test_an_undo_that_would_change_nothing_is_no_longer_offered(qtbot, page: ControlsPage) -> None:
    """Undone from the history (or set back by another guardian), a change stayed offered as
    "Undo 'Search'", and pressing it did nothing visible (found trying the demo)."""
    from dataclasses import replace

    from famguard.domain.controls import defaults_for_age

    shown = defaults_for_age(14, "Europe/London")
    qtbot.mouseClick(page.findChild(QCheckBox, "search_enabled_check"), Qt.MouseButton.LeftButton)
    assert page.undo_button.isEnabled() and "Search" in page.undo_button.text()
    # The change on its way, then landed: Undo still puts the old value back.
    page.update_controls(replace(shown, search_enabled=not shown.search_enabled))
    assert page.undo_button.isEnabled() and "Search" in page.undo_button.text()
    # Set back to what Undo would give: nothing is left to undo.
    page.update_controls(shown)
    assert not page.undo_button.isEnabled()
    assert page.undo_button.accessibleName() == "Undo: nothing to undo"


def test_ctrl_z_after_a_keyword_is_added_takes_the_keyword_away(qtbot, page: ControlsPage) -> None:
    """ "vape" added with Enter, then Ctrl+Z: "vape" came back into the box (its own typing
    history) and stayed in the list (an outside tester). Set, it is the page's to undo."""
    box = focus_box(page, "keywordEdit")
    with qtbot.waitSignal(page.change_requested, timeout=2000) as added:
        qtbot.keyClicks(box, "vape")
        qtbot.keyClick(box, Qt.Key.Key_Return)
    assert "vape" in added.args[2]
    page.update_controls(shown().replace(keyword_filters=tuple(added.args[2])))  # landed
    with qtbot.waitSignal(page.change_requested, timeout=2000) as undone:
        qtbot.keyClick(box, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert "vape" not in undone.args[2]
    assert box.text() == ""


def test_ctrl_z_after_a_time_is_set_puts_the_setting_back_not_the_box_alone(qtbot, page: ControlsPage) -> None:
    """21:30 typed in quiet hours and set with Enter, then Ctrl+Z: the box showed 21:00 again while
    21:30 stayed set, and leaving the box sent 21:00 as a new change (an outside tester)."""
    from PySide6.QtWidgets import QTimeEdit

    box = page.findChild(QTimeEdit, "quietHoursStart")
    box.setFocus()
    qtbot.waitUntil(box.hasFocus, timeout=2000)
    with qtbot.waitSignal(page.change_requested, timeout=2000) as set_:
        box.lineEdit().selectAll()
        qtbot.keyClicks(box, "21:30")
        qtbot.keyClick(box, Qt.Key.Key_Return)
    assert set_.args[2].start == "21:30"
    page.update_controls(shown().replace(quiet_hours=set_.args[2]))  # landed
    with qtbot.waitSignal(page.change_requested, timeout=2000) as undone:
        qtbot.keyClick(box, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert undone.args[1] == "quiet_hours" and undone.args[2].start == "21:00"  # the page's Undo


def test_each_teens_undo_is_kept_while_another_teen_is_shown(qtbot, page: ControlsPage) -> None:
    """Maya's limit changed to 2 h, a look at Sam, back to Maya: her 'Undo "Daily screen-time
    limit"' was gone (an outside tester). It is kept, unless it would change nothing by then."""
    from PySide6.QtWidgets import QRadioButton

    from famguard.domain.controls import defaults_for_age

    qtbot.mouseClick(page.findChild(QRadioButton, "dailyLimit_120"), Qt.MouseButton.LeftButton)
    assert "Daily screen-time limit" in page.undo_button.text()
    maya_now = shown().replace(daily_limit_minutes=120)
    page.show_teen("teen-2", "Sam", 17, defaults_for_age(17, "Europe/London"))
    assert not page.undo_button.isEnabled()  # nothing of Sam's to undo
    page.show_teen("teen-1", "Maya", 14, maya_now)
    assert page.undo_button.isEnabled() and "Daily screen-time limit" in page.undo_button.text()
    with qtbot.waitSignal(page.change_requested, timeout=2000) as undone:
        qtbot.mouseClick(page.undo_button, Qt.MouseButton.LeftButton)
    assert undone.args == ["teen-1", "daily_limit_minutes", 60]

    # Changed back meanwhile (another guardian, the history): nothing left to undo.
    qtbot.mouseClick(page.findChild(QRadioButton, "dailyLimit_120"), Qt.MouseButton.LeftButton)
    page.show_teen("teen-2", "Sam", 17, defaults_for_age(17, "Europe/London"))
    page.show_teen("teen-1", "Maya", 14, shown())  # 60 min again
    assert not page.undo_button.isEnabled()


def test_ctrl_z_or_escape_over_a_time_not_set_puts_back_the_time_set_whole(qtbot, page: ControlsPage) -> None:
    """ "06:30" typed over a saved 08:00, no Enter, then Ctrl+Z: the box showed 06:00, then 00:00,
    a third Ctrl+Z undid another setting, and leaving the box saved 21:00–00:00 (an outside tester).
    The time set comes back whole, nothing is sent, and only then is Ctrl+Z the page's."""
    from PySide6.QtWidgets import QRadioButton, QTimeEdit

    qtbot.mouseClick(page.findChild(QRadioButton, "dailyLimit_120"), Qt.MouseButton.LeftButton)  # to undo
    box = page.findChild(QTimeEdit, "quietHoursEnd")
    box.setFocus()
    qtbot.waitUntil(box.hasFocus, timeout=2000)
    for undo_key in ((Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier), (Qt.Key.Key_Escape,)):
        box.lineEdit().selectAll()
        qtbot.keyClicks(box, "06:30")
        assert box.time().toString("HH:mm") == "06:30"
        with qtbot.assertNotEmitted(page.change_requested, wait=100):
            qtbot.keyClick(box, *undo_key)
        assert box.time().toString("HH:mm") == "08:00"
    with qtbot.assertNotEmitted(page.change_requested, wait=100):
        page.findChild(QCheckBox, "search_enabled_check").setFocus()  # left: nothing to set
    box.setFocus()
    with qtbot.waitSignal(page.change_requested, timeout=2000) as undone:
        qtbot.keyClick(box, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # now the page's
    assert undone.args[1:] == ["daily_limit_minutes", 60]


def test_ctrl_z_after_a_refused_keyword_undoes_the_typing_not_a_setting(qtbot, page: ControlsPage) -> None:
    """ "#DIET" refused (in the list already) and Ctrl+Z twice: "#DIET" stayed and two quiet-hours
    changes were undone off screen (an outside tester). The box's typing goes first."""
    box = focus_box(page, "keywordEdit")
    with qtbot.waitSignal(page.change_requested, timeout=2000) as added:
        qtbot.keyClicks(box, "#diet")
        qtbot.keyClick(box, Qt.Key.Key_Return)
    page.update_controls(shown().replace(keyword_filters=tuple(added.args[2])))  # landed
    qtbot.keyClicks(box, "#DIET")
    qtbot.keyClick(box, Qt.Key.Key_Return)
    assert page.editor("keyword_filters").message.text() == "✗ “#DIET” is already in the list."
    with qtbot.assertNotEmitted(page.change_requested, wait=100):
        qtbot.keyClick(box, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert box.text() == ""
    with qtbot.waitSignal(page.change_requested, timeout=2000) as undone:
        qtbot.keyClick(box, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert undone.args[1:] == ["keyword_filters", ()]  # then the page's: the word added goes


def test_minutes_refused_as_words_are_selected_by_ctrl_a_and_replaced(qtbot, page: ControlsPage) -> None:
    """ "xyz" refused in the custom box, then Ctrl+A and "30": the box read "3xyz0" — Ctrl+A selected
    nothing (an outside tester)."""
    spin = focus_box(page, "dailyLimitCustom")
    spin.lineEdit().selectAll()
    qtbot.keyClicks(spin.lineEdit(), "xyz")
    qtbot.keyClick(spin, Qt.Key.Key_Return)
    assert page.editor("daily_limit_minutes").message.text().startswith("✗ “xyz”")
    qtbot.keyClick(spin, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(spin.lineEdit(), "30")
    assert spin.lineEdit().text().removesuffix(" min") == "30"
