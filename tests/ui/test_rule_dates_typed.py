"""A temporary rule's days are typed with the keyboard: found by an outside tester using the
keyboard alone, "20" typed in the first day's day left it on "Sun 6 Dec" and "18" in the last day
made it "Tue 8 Dec" — each day's first digit named a day before today, which the box refused,
and only the second digit stayed. A rule over before today is refused on Save instead, in words.
The real dialog, typed into with real key events."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDateTimeEdit, QLabel, QPushButton

from famguard.domain.temporary import check_dates
from famguard.ui.temporary_rules import RuleDialog


def _type_day(qtbot, box: QDateTimeEdit, digits: str) -> None:
    """As a keyboard user does: into the box (its day first), type, Tab on."""
    box.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(box.hasFocus, timeout=2000)
    assert box.currentSection() == QDateTimeEdit.Section.DaySection
    qtbot.keyClicks(box, digits)
    qtbot.keyClick(box, Qt.Key.Key_Tab)  # on to the month: the day is taken


def test_the_days_of_a_rule_are_typed_digit_by_digit(qtbot) -> None:
    dialog = RuleDialog("Maya", date(2026, 12, 6))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    _type_day(qtbot, dialog.starts, "20")
    _type_day(qtbot, dialog.ends, "28")
    assert (dialog.starts.date().toPython(), dialog.ends.date().toPython()) == (date(2026, 12, 20), date(2026, 12, 28))


def test_a_rule_over_before_today_is_refused_in_words_on_save(qtbot) -> None:
    dialog = RuleDialog("Maya", date(2026, 12, 6))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    sent: list[object] = []
    dialog.submitted.connect(lambda *args: sent.append(args))
    dialog.name.setText("Exams")
    _type_day(qtbot, dialog.starts, "1")
    _type_day(qtbot, dialog.ends, "3")
    assert dialog.ends.date().toPython() == date(2026, 12, 3)
    qtbot.mouseClick(dialog.findChild(QPushButton, "saveRuleButton"), Qt.MouseButton.LeftButton)
    [(name, starts_on, ends_on, _controls)] = sent
    assert (name, starts_on, ends_on) == ("Exams", date(2026, 12, 1), date(2026, 12, 3))
    # What the phone page's presenter asks of every rule before sending it (famguard.ui.trust_presenter).
    assert check_dates(name, starts_on, ends_on, date(2026, 12, 6)) == {
        "ends_on": "This rule would already be over: choose a last day from today on."
    }


def test_each_date_box_is_three_tab_stops_and_the_days_are_said_with_their_weekdays(qtbot) -> None:
    """Found by the same tester: each box began with a weekday section, a Tab stop of its own
    (4 per box) where typing moved the date by whole days. The boxes hold the day, month and year;
    the weekdays are said beside them, with the number of days."""
    dialog = RuleDialog("Maya", date(2026, 12, 6))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    span = dialog.findChild(QLabel, "ruleSpan")
    assert span.text() == "14 days: Sun 6 Dec to Sat 19 Dec"  # the first preset: two weeks
    dialog.starts.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(dialog.starts.hasFocus, timeout=2000)
    sections = []
    while dialog.starts.hasFocus():
        sections.append(dialog.starts.currentSection())
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    day, month, year = (
        QDateTimeEdit.Section.DaySection,
        QDateTimeEdit.Section.MonthSection,
        QDateTimeEdit.Section.YearSection,
    )
    assert sections == [day, month, year]
    assert dialog.ends.hasFocus()  # the next Tab stop is the last day
    qtbot.keyClicks(dialog.ends, "6")
    qtbot.keyClick(dialog.ends, Qt.Key.Key_Tab)
    assert span.text() == "1 day: Sun 6 Dec" == dialog.ends.accessibleDescription()  # read with the box
    dialog.ends.setDate(dialog.ends.date().addDays(-2))
    assert span.text() == "✗ The last day is before the first."  # at once (Save would say it too, instead)
    dialog.ends.setDate(dialog.ends.date().addDays(40))
    assert span.text() == "39 days: Sun 6 Dec to Wed 13 Jan 2027"


def test_a_pasted_name_longer_than_a_rule_may_have_is_kept_whole_and_refused_with_its_length(qtbot) -> None:
    """Found by an outside tester: a pasted 130-character name was cut to its first 80 characters
    without a word (the box's own limit), and saved so. It is kept whole in the box, and Save's
    check (the one the service makes too) says how long it is."""
    dialog = RuleDialog("Maya", date(2026, 12, 6))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    pasted = "Revision weeks before the mock exams, agreed with the school and with Maya at the kitchen table"
    assert len(pasted) > 80
    QApplication.clipboard().setText(pasted)
    dialog.name.selectAll()
    qtbot.keyClick(dialog.name, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert dialog.name.text() == pasted
    assert check_dates(dialog.name.text(), date(2026, 12, 7), date(2026, 12, 9), date(2026, 12, 6)) == {
        "name": f"Use at most 80 characters (this name has {len(pasted)})."
    }
