"""Choosing a kind of rule fills in only what the guardian has not set: with "Mocks" typed as the
name, Down on "Kind" made it "Holiday", raised the limit to 120 min and unticked the nights (an
outside tester). Driven by keys, on the dialog itself."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt

from famguard.ui.temporary_rules import RuleDialog


def test_a_kind_chosen_after_typing_keeps_what_was_typed_and_fills_in_the_rest(qtbot) -> None:
    dialog = RuleDialog("Maya", date.today())
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.kind.currentText() == "Exam weeks"
    assert dialog.limit.value() == 60 and dialog.nights_on.isChecked()

    dialog.name.selectAll()
    qtbot.keyClicks(dialog.name, "Mocks")
    dialog.kind.setFocus()
    qtbot.keyClick(dialog.kind, Qt.Key.Key_Down)  # "Holiday"
    assert dialog.kind.currentText() == "Holiday"
    assert dialog.name.text() == "Mocks"  # typed: kept
    assert dialog.limit.value() == 120 and not dialog.nights_on.isChecked()  # as offered: the kind's

    dialog.limit.setFocus()
    dialog.limit.selectAll()
    qtbot.keyClicks(dialog.limit, "45")
    qtbot.keyClick(dialog.kind, Qt.Key.Key_Up)  # back to "Exam weeks"
    assert dialog.kind.currentText() == "Exam weeks"
    assert dialog.name.text() == "Mocks" and dialog.limit.value() == 45 and dialog.limit_on.isChecked()
    assert dialog.nights_on.isChecked()  # never set by the guardian: the kind's again
    assert dialog.controls()["daily_limit_minutes"] == 45


def test_escape_half_way_asks_before_the_rule_is_given_up_and_keeping_it_is_the_default(qtbot) -> None:
    """Escape half-way through a rule closed the dialog and threw away what was filled in, without
    a word (an outside tester). Untouched, it still just closes."""
    from PySide6.QtWidgets import QMessageBox, QPushButton

    untouched = RuleDialog("Maya", date.today())
    qtbot.addWidget(untouched)
    untouched.show()
    qtbot.waitExposed(untouched)
    qtbot.keyClick(untouched, Qt.Key.Key_Escape)
    assert not untouched.isVisible() and untouched.findChild(QMessageBox) is None

    dialog = RuleDialog("Maya", date.today())
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.name.selectAll()
    qtbot.keyClicks(dialog.name, "Mocks")

    def question() -> QMessageBox | None:
        box = dialog.findChild(QMessageBox, "discardRuleQuestion")
        return box if box is not None and box.isVisible() else None

    qtbot.keyClick(dialog.name, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: question() is not None, timeout=2000)
    assert question().text() == "Give up this rule?"
    qtbot.keyClick(question(), Qt.Key.Key_Return)  # the default answer: keep editing
    qtbot.waitUntil(lambda: question() is None, timeout=2000)
    assert dialog.isVisible() and dialog.name.text() == "Mocks"

    qtbot.keyClick(dialog.name, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: question() is not None, timeout=2000)
    give_up = next(b for b in question().findChildren(QPushButton) if b.text() == "&Give it up")
    qtbot.mouseClick(give_up, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=2000)
    assert dialog.result() == RuleDialog.DialogCode.Rejected


def test_a_rule_given_up_leaves_the_keyboard_on_the_button_that_opened_it(qtbot, launch) -> None:
    """Given up through "Give up this rule?", the question and the dialog closed together and, two
    times in six, no window was active: Tab and every shortcut did nothing until Alt+Tab (an
    outside tester, keyboard only, under a window manager). The window takes the keyboard back,
    at "Plan a temporary rule…"."""
    from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton, QWidget

    from .test_flows import WAIT, demo_at, find, open_rule_dialog

    controller, window, _panel = demo_at(qtbot, launch, "Maya")
    plans = find(window.ensure_home_page(), QPushButton, "homePlansButton")
    dialog = open_rule_dialog(qtbot, controller)
    qtbot.keyClicks(dialog.name, "Mocks")
    qtbot.keyClick(dialog.name, Qt.Key.Key_Escape)

    def question() -> QMessageBox | None:
        box = dialog.findChild(QMessageBox, "discardRuleQuestion")
        return box if box is not None and box.isVisible() else None

    qtbot.waitUntil(lambda: question() is not None, timeout=WAIT)
    # What a window manager can leave as both close: another window active, not FamGuard's.
    elsewhere = QWidget()
    qtbot.addWidget(elsewhere)
    elsewhere.show()
    elsewhere.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is elsewhere, timeout=WAIT)
    give_up = next(b for b in question().findChildren(QPushButton) if b.text() == "&Give it up")
    qtbot.mouseClick(give_up, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=WAIT)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=WAIT)
    qtbot.waitUntil(lambda: window.focusWidget() is plans, timeout=WAIT)
