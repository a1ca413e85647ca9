"""Ctrl+Z, as the Undo button says, puts the last change back wherever the cursor is on the
controls page — also in the time-zone box or a minutes box, which took the keys for their own
(empty) typing history and did nothing. Typing of the box's own is still undone first."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractSpinBox, QCheckBox, QComboBox, QLineEdit, QWidget

from famguard.ui.controls_page import ControlsPage


@pytest.fixture
def page(page: ControlsPage, qtbot) -> ControlsPage:
    """The controls page of tests/ui/conftest.py, every row built and the window active."""
    while page.build_next():
        pass
    page.activateWindow()
    qtbot.waitActive(page)
    return page


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
