"""A setting's sync status that no longer fits beside its title ("✓ saved — on Maya's phone
since 14:02" in a narrow window, "↻ changed by <a long name>", a refusal) moves to a line of its
own and makes its row a line taller. Every setting below then moved down under the guardian's
pointer between two clicks — the second click could land on another choice than the one aimed
at. The page scrolls by as much instead: what is under the pointer (or, with the pointer away,
the keyboard's focus) stays where it was."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QCursor
from PySide6.QtWidgets import QApplication, QScrollArea, QWidget

from famguard.domain.controls import defaults_for_age
from famguard.ui.main_window import MainWindow
from famguard.ui.viewstate import SyncState, TeenRow

LONG_NAME = "Maximiliana Featherstonehaugh"


def _first_stop(editor: QWidget) -> QWidget:
    return next(
        w
        for w in editor.findChildren(QWidget)
        if w.isVisible() and w.focusPolicy() & Qt.FocusPolicy.TabFocus == Qt.FocusPolicy.TabFocus
    )


@pytest.mark.parametrize("guardian_uses", ["the pointer", "the keyboard"])
def test_a_status_moving_to_its_own_line_never_moves_the_setting_being_used(qtbot, guardian_uses: str) -> None:
    window = MainWindow()
    qtbot.addWidget(window)
    window.show_family()
    window.teen_list.set_teens([TeenRow("t1", LONG_NAME, 14, 35, 90)])
    page = window.ensure_controls_page()
    controls = defaults_for_age(14, "Europe/London")
    page.show_teen("t1", LONG_NAME, 14, controls)
    window.show_page("controls")
    window.resize(900, 560)
    window.show()
    qtbot.waitExposed(window)
    rows = page.rows
    area = page.findChild(QScrollArea, "controlsScroll")
    qtbot.waitUntil(lambda: area.verticalScrollBar().maximum() > 0, timeout=5000)
    target = _first_stop(rows["search_enabled"].editor)  # a setting low on the page
    area.ensureWidgetVisible(target, 0, area.viewport().height() // 2)
    QApplication.processEvents()
    if guardian_uses == "the pointer":
        QCursor.setPos(target.mapToGlobal(target.rect().center()))
        qtbot.waitUntil(lambda: area.viewport().rect().contains(area.viewport().mapFromGlobal(QCursor.pos())))
    else:
        QCursor.setPos(window.mapToGlobal(QPoint(2, 2)))  # over the window's edge, not the page
        target.setFocus()
    QApplication.processEvents()
    before = target.mapTo(window, QPoint(0, 0))

    # The last change of a setting higher up is saved and has reached the phone: its status no
    # longer fits beside the title in this window. And another guardian changed one.
    page.set_receipt(f"on {LONG_NAME}'s phone since 14:02")
    page.set_field_state("comments", SyncState.SAVED)
    page.update_controls(controls, ("direct_messages",), LONG_NAME)
    QApplication.processEvents()
    assert not rows["comments"].status_beside_title(), "nothing moved: this test proves nothing"
    assert target.mapTo(window, QPoint(0, 0)) == before
    qtbot.wait(100)  # and after anything the event loop had still to lay out
    assert target.mapTo(window, QPoint(0, 0)) == before


def test_a_choice_waiting_under_the_arrow_keys_is_said_beside_the_title(qtbot) -> None:
    """As "✓ saved — on Maya's phone 19:34" is, in a row as wide as a laptop's window gives it: the
    longer "◷ not sent yet: it applies when you stop, or press Enter" took a line of its own and
    moved the choices down under the arrow keys (a parent trying the demo)."""
    from famguard.ui.controls_page import ControlRow
    from famguard.ui.deliberate import CHOOSING
    from famguard.ui.viewstate import Held

    row = ControlRow("daily_limit_minutes")
    qtbot.addWidget(row)
    row.resize(580, row.sizeHint().height())  # about its width in a 1280-pixel window beside the demo's phone
    row.show()
    qtbot.waitExposed(row)
    row.receipt = "on Maya's phone 19:34"
    row.set_state(SyncState.SAVED, held=Held.NOT, message=None)
    QApplication.processEvents()
    assert row.status.text() == "✓ saved — on Maya's phone 19:34" and row.status_beside_title()
    row.editor.choosing.emit(CHOOSING)
    QApplication.processEvents()
    assert row.status.text() == CHOOSING
    assert row.status_beside_title()


def test_minutes_waiting_in_the_custom_box_never_move_the_box(qtbot) -> None:
    """Up in the custom daily limit: "◷ not set yet" went to a line of its own and the box being
    typed in moved down a line, and back once set (an outside tester, at 150 %)."""
    from famguard.ui.control_editors import CUSTOM_NOT_SET

    window = MainWindow()
    qtbot.addWidget(window)
    window.show_family()
    window.teen_list.set_teens([TeenRow("t1", LONG_NAME, 14, 35, 90)])
    page = window.ensure_controls_page()
    page.show_teen("t1", LONG_NAME, 14, defaults_for_age(14, "Europe/London"))
    window.show_page("controls")
    window.resize(640, 560)
    window.show()
    qtbot.waitExposed(window)
    area = page.findChild(QScrollArea, "controlsScroll")
    qtbot.waitUntil(lambda: area.verticalScrollBar().maximum() > 0, timeout=5000)
    row = page.rows["daily_limit_minutes"]
    box = row.editor.custom_spin
    area.ensureWidgetVisible(box, 0, area.viewport().height() // 2)
    QCursor.setPos(window.mapToGlobal(QPoint(2, 2)))  # over the window's edge: the keyboard is used
    box.setFocus()
    QApplication.processEvents()
    before = box.mapTo(window, QPoint(0, 0))

    qtbot.keyClick(box, Qt.Key.Key_Up)
    QApplication.processEvents()
    assert row.status.text() == CUSTOM_NOT_SET
    assert not row.status_beside_title(), "nothing moved: this test proves nothing"
    assert box.mapTo(window, QPoint(0, 0)) == before
    qtbot.keyClick(box, Qt.Key.Key_Down)  # back to the limit set: the words go
    QApplication.processEvents()
    assert row.status.text() == ""
    assert box.mapTo(window, QPoint(0, 0)) == before
