"""The line under a temporary rule's dates ("14 days: Sun 6 Dec to Sat 19 Dec"). Found by an
outside tester: reversed dates were said twice — "The last day is before the first." under the
dates and, after Save, "✗ Last day: The last day comes before the first day." — while a span over
the most (92 days) was said only on Save; and the dialog grew as the dates were typed (the line
asked to be as wide as its words). Now the line says a problem at once, with ✗, and Save's
refusal replaces it; the dialog keeps its size."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import QPoint
from PySide6.QtGui import QCursor
from PySide6.QtWidgets import QApplication, QLabel, QWidget

from famguard.ui.temporary_rules import RuleDialog

from .test_flows import WAIT, click, demo_at, open_rule_dialog
from .test_rule_dates_typed import shown_rule_dialog, type_day

TODAY = date(2026, 12, 6)


def _texts(dialog: QWidget) -> list[str]:
    return [label.text() for label in dialog.findChildren(QLabel) if label.isVisible() and label.text()]


def test_the_dialog_keeps_its_size_while_the_name_and_the_dates_are_typed(qtbot) -> None:
    dialog = RuleDialog("Maya", TODAY)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    QApplication.processEvents()
    size = dialog.size()
    seen = []
    dialog.kind.setCurrentText("Custom")
    for letter in "Winter break at Grandma's":
        qtbot.keyClicks(dialog.name, letter)
        QApplication.processEvents()
        seen.append((dialog.name.text(), dialog.size()))
    for first, last in [
        (TODAY, TODAY + timedelta(days=40)),  # "… to Fri 15 Jan 2027"
        (TODAY, TODAY + timedelta(days=365)),  # the most the box takes, over the most a rule lasts
        (TODAY - timedelta(days=365), TODAY + timedelta(days=365)),  # both days with their year
        (TODAY + timedelta(days=3), TODAY),  # reversed
    ]:
        dialog.starts.set_day(first)
        dialog.ends.set_day(last)
        QApplication.processEvents()
        seen.append((dialog.span.text(), dialog.size()))
    assert [said for said, grown in seen if grown != size] == []
    assert dialog.span.width() >= dialog.span.sizeHint().width()  # the longest line is not cut


def test_a_span_over_the_most_is_said_at_once(qtbot) -> None:
    dialog = RuleDialog("Maya", TODAY)
    qtbot.addWidget(dialog)
    dialog.ends.set_day(TODAY + timedelta(days=342))
    assert dialog.span.text() == "✗ 343 days: Sun 6 Dec to Sat 13 Nov 2027 — at most 92"
    assert dialog.ends.accessibleDescription() == dialog.span.text()  # read with the box
    dialog.ends.set_day(TODAY + timedelta(days=91))
    assert dialog.span.text() == "92 days: Sun 6 Dec to Sun 7 Mar 2027"


@pytest.mark.slow
def test_a_problem_with_the_dates_is_said_once(qtbot, launch) -> None:
    controller, _window, _panel = demo_at(qtbot, launch, "Maya")
    dialog = open_rule_dialog(qtbot, controller)
    today = dialog.today
    qtbot.keyClicks(dialog.name, "Exams")

    dialog.ends.set_day(today - timedelta(days=2))
    dialog.starts.set_day(today)
    assert dialog.span.text() == "✗ The last day is before the first."  # at once, before Save
    click(qtbot, dialog.save)
    qtbot.waitUntil(lambda: dialog.problems.text() != "", timeout=WAIT)
    assert dialog.problems.text() == "✗ Last day: The last day comes before the first day."
    assert [t for t in _texts(dialog) if "before the first" in t] == [dialog.problems.text()]
    # A date changed: the refusal goes, the line says what is wrong now.
    dialog.starts.set_day(today - timedelta(days=1))
    assert dialog.problems.text() == ""
    assert dialog.span.text() == "✗ The last day is before the first."

    dialog.starts.set_day(today)
    dialog.ends.set_day(today + timedelta(days=100))
    assert dialog.span.text().startswith("✗ 101 days: ") and dialog.span.text().endswith(" — at most 92")
    click(qtbot, dialog.save)
    qtbot.waitUntil(lambda: dialog.problems.text() != "", timeout=WAIT)
    assert dialog.problems.text() == "✗ Last day: A temporary rule lasts at most 92 days."
    assert dialog.span.text().startswith("101 days: ") and "at most" not in dialog.span.text()
    assert dialog.isVisible()
    dialog.give_up()  # closed without the question a filled-in rule asks


EXAMS = (date(2026, 12, 15), date(2026, 12, 20), "Exams")


def _shown(qtbot, dialog: RuleDialog) -> None:
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    QApplication.processEvents()


def test_days_over_another_rule_are_said_at_once_with_that_rules_name_and_days(qtbot) -> None:
    """A parent-tester learnt of an overlap only from Save's refusal (stop 39)."""
    dialog = shown_rule_dialog(qtbot)
    dialog.set_taken([EXAMS])
    dialog.kind.setCurrentText("Custom")
    type_day(qtbot, dialog.starts, "14 Dec")
    type_day(qtbot, dialog.ends, "16 Dec")
    said = "✗ 3 days: Mon 14 Dec to Wed 16 Dec — “Exams” has Tue 15 Dec to Sun 20 Dec"
    assert dialog.span.text() == said
    assert dialog.ends.accessibleDescription() == said  # read with the box
    assert dialog.span.height() <= dialog.span.heightForWidth(dialog.span.width()) + 1  # not cut
    dialog.ends.set_day(date(2026, 12, 14))  # the day before the exams: free
    assert dialog.span.text() == "1 day: Mon 14 Dec"
    # And as it is typed, before the box is left (it changed only on Tab: a parent trying the demo).
    dialog.ends.setFocus()
    dialog.ends.selectAll()
    qtbot.keyClicks(dialog.ends, "17 Dec")
    assert dialog.ends.day() == date(2026, 12, 14)  # not taken yet: the box is still being typed in
    assert dialog.span.text() == "✗ 4 days: Mon 14 Dec to Thu 17 Dec — “Exams” has Tue 15 Dec to Sun 20 Dec"
    qtbot.keyClicks(dialog.ends, "x")  # no day at all: the line keeps to the day the box holds
    assert dialog.span.text() == "1 day: Mon 14 Dec"


def test_the_days_offered_begin_after_a_rule_in_force(qtbot) -> None:
    """With a rule running, the dialog opened on today's days, over it."""
    running = (TODAY - timedelta(days=2), TODAY + timedelta(days=4), "Holiday")  # to Thu 10 Dec
    dialog = RuleDialog("Maya", TODAY)
    dialog.set_taken([running, EXAMS])
    _shown(qtbot, dialog)
    assert dialog.kind.currentText() == "Exam weeks"  # 14 days: past the holiday, and past the exams
    assert dialog.span.text() == "14 days: Mon 21 Dec to Sun 3 Jan 2027"
    dialog.kind.setCurrentText("Custom")  # 7 days: between the holiday and the exams there are 4
    assert dialog.span.text() == "7 days: Mon 21 Dec to Sun 27 Dec"
    dialog.give_up()


TWO_PROBLEMS = {  # three lines of refusal: the dialog grows for them
    "name": "Give the rule a name, for example “Exam weeks”.",
    "starts_on": "Another temporary rule runs from Tue 15 Dec to Sun 20 Dec 2026; rules cannot overlap. "
    "Choose days outside it, or remove that rule first (“Remove…” on the Phone and temporary rules page).",
}


def test_the_dialog_is_its_own_height_again_once_a_refusal_goes(qtbot) -> None:
    """An empty band stayed under the form after a refusal was cleared (a parent-tester)."""
    dialog = RuleDialog("Maya", TODAY)
    _shown(qtbot, dialog)
    height = dialog.height()
    dialog.show_problems(TWO_PROBLEMS)
    QApplication.processEvents()
    assert dialog.height() > height  # room for the refusal
    assert dialog.problems.height() >= dialog.problems.heightForWidth(dialog.problems.width())
    QCursor.setPos(dialog.mapToGlobal(QPoint(-50, -50)))  # the pointer elsewhere: the keyboard is used
    qtbot.keyClicks(dialog.name, "x")  # an edit takes the refusal away
    QApplication.processEvents()
    assert dialog.problems.text() == ""
    assert dialog.height() == height
    dialog.give_up()


def test_the_dialog_waits_for_the_pointer_to_leave_before_it_shrinks(qtbot) -> None:
    """Shrunk as a refusal went (the field mended, the pointer on its way to "Save rule"), the
    dialog moved the button from under the click, which landed on nothing (an outside tester)."""
    from PySide6.QtCore import QEvent

    dialog = RuleDialog("Maya", TODAY)
    _shown(qtbot, dialog)
    height = dialog.height()
    dialog.show_problems(TWO_PROBLEMS)
    QApplication.processEvents()
    grown = dialog.height()
    assert grown > height
    save_at = dialog.save.mapTo(dialog, QPoint(0, 0))
    QCursor.setPos(dialog.save.mapToGlobal(dialog.save.rect().center()))  # on its way to Save
    qtbot.keyClicks(dialog.name, "x")
    QApplication.processEvents()
    assert dialog.problems.text() == ""
    assert dialog.height() == grown and dialog.save.mapTo(dialog, QPoint(0, 0)) == save_at  # still there
    QCursor.setPos(dialog.mapToGlobal(QPoint(-50, -50)))
    QApplication.sendEvent(dialog, QEvent(QEvent.Type.Leave))
    QApplication.processEvents()
    assert dialog.height() == height  # no band left under the form
    dialog.give_up()


def test_a_first_day_gone_by_is_said_at_once_and_the_calendar_offers_none(qtbot) -> None:
    """A parent picked yesterday on the calendar, which drew the days gone by as any other, and
    the line under the days said nothing wrong; only Save refused it."""
    from PySide6.QtCore import QDate, Qt
    from PySide6.QtGui import QPalette
    from PySide6.QtWidgets import QCalendarWidget

    dialog = shown_rule_dialog(qtbot)
    dialog.kind.setCurrentText("Custom")
    type_day(qtbot, dialog.starts, "5 Dec 2026")  # yesterday: typed, it is held, and said at once
    assert dialog.starts.day() == TODAY - timedelta(days=1)
    assert dialog.span.text() == "✗ 8 days: Sat 5 Dec to Sat 12 Dec — the first day has gone by"
    type_day(qtbot, dialog.starts, "7 Dec")
    assert dialog.span.text() == "6 days: Mon 7 Dec to Sat 12 Dec"

    dialog.starts.setFocus()
    qtbot.keyClick(dialog.starts, Qt.Key.Key_F4)
    calendar = dialog.starts.findChild(QCalendarWidget)
    qtbot.waitUntil(lambda: calendar is not None and calendar.isVisible(), timeout=2000)
    assert calendar.minimumDate().toPython() == TODAY  # the days gone by are not offered
    grey = calendar.dateTextFormat(QDate(2026, 12, 5)).foreground().color()  # and look it
    assert grey == calendar.palette().color(QPalette.ColorRole.PlaceholderText)
    assert calendar.dateTextFormat(QDate(2026, 12, 7)).foreground().color() != grey
    qtbot.keyClick(calendar, Qt.Key.Key_Escape)
    dialog.give_up()


def test_a_last_day_taken_along_by_the_first_is_said(qtbot) -> None:
    """A parent typed "1/12" into the first day in December: next December's, and the last day
    went along to the next year without a word."""
    dialog = shown_rule_dialog(qtbot)
    dialog.kind.setCurrentText("Custom")  # 6 to 12 December
    type_day(qtbot, dialog.starts, "1/12")
    assert (dialog.starts.day(), dialog.ends.day()) == (date(2027, 12, 1), date(2027, 12, 6))  # as far as it goes
    assert dialog.span.text() == "6 days: Wed 1 Dec 2027 to Mon 6 Dec 2027 (the last day moved with the first)"
    type_day(qtbot, dialog.ends, "4 Dec 2027")  # the guardian's own last day: nothing to explain
    assert dialog.span.text() == "4 days: Wed 1 Dec 2027 to Sat 4 Dec 2027"
    dialog.give_up()
