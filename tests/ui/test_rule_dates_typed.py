"""A temporary rule's days are typed with the keyboard, each whole in one box: "15 Mar 2027",
"15/3/27", or only the day "20". Found by outside testers and our own probe of Qt's date box:
"20" typed in the first day left it on "Sun 6 Dec" (the first digit named a day before today);
"15 Mar 2027" gave 15 February (the space jumped past the month); "31" in February gave the 3rd;
and with all of it selected it took nothing — each without a word. A day that cannot be is now
refused in words and the box shows its day again; a rule over before today is refused on Save.
The real dialog, typed into with real key events."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QCalendarWidget, QLabel, QLineEdit, QPushButton

from famguard.domain.temporary import check_dates
from famguard.ui.date_box import DateBox
from famguard.ui.temporary_rules import RuleDialog


def shown_rule_dialog(qtbot, today: date = date(2026, 12, 6)) -> RuleDialog:
    dialog = RuleDialog("Maya", today)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()  # focus comes with its reason (Tab selects the day) only in the active window
    qtbot.waitUntil(dialog.isActiveWindow, timeout=2000)
    return dialog


def type_day(qtbot, box: DateBox, typed: str) -> None:
    """As a keyboard user does: Tab into the box (all of it selected), type, Tab on."""
    box.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(box.hasFocus, timeout=2000)
    assert box.selectedText() == box.text()  # typing replaces the day shown
    qtbot.keyClicks(box, typed)
    qtbot.keyClick(box, Qt.Key.Key_Tab)


def test_the_days_of_a_rule_are_typed_digit_by_digit(qtbot) -> None:
    dialog = shown_rule_dialog(qtbot)
    type_day(qtbot, dialog.starts, "20")
    type_day(qtbot, dialog.ends, "28")
    assert (dialog.starts.day(), dialog.ends.day()) == (date(2026, 12, 20), date(2026, 12, 28))
    assert (dialog.starts.text(), dialog.ends.text()) == ("20 Dec 2026", "28 Dec 2026")
    assert dialog.span.text() == "9 days: Sun 20 Dec to Mon 28 Dec"


@pytest.mark.parametrize(
    ("typed", "first_day"),
    [
        ("15 Mar 2027", date(2027, 3, 15)),  # Qt's box: 15 Feb
        ("31 Mar 2027", date(2027, 3, 31)),
        ("15/3/27", date(2027, 3, 15)),
        ("15.03.2027", date(2027, 3, 15)),
        ("2027-03-15", date(2027, 3, 15)),
        ("5 may", date(2027, 5, 5)),
        ("Mar 15", date(2027, 3, 15)),
    ],
)
def test_a_day_typed_whole_is_the_day_typed(qtbot, typed: str, first_day: date) -> None:
    dialog = shown_rule_dialog(qtbot, date(2027, 2, 10))
    type_day(qtbot, dialog.starts, typed)
    assert dialog.starts.day() == first_day
    assert dialog.ends.hasFocus()  # one Tab stop a day
    assert dialog.problems.text() == ""


def test_a_day_that_cannot_be_is_refused_in_words_and_enter_saves_nothing(qtbot) -> None:
    dialog = shown_rule_dialog(qtbot, date(2027, 2, 10))
    sent: list[object] = []
    dialog.submitted.connect(lambda *args: sent.append(args))
    before = (dialog.starts.day(), dialog.ends.day(), dialog.span.text())
    dialog.starts.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.keyClicks(dialog.starts, "31 Feb 2027")
    qtbot.keyClick(dialog.starts, Qt.Key.Key_Return)
    qtbot.wait(100)
    assert sent == []  # Enter went no further than the box: Save was not pressed
    assert dialog.isVisible()
    assert dialog.problems.text() == (
        "✗ First day: “31 Feb 2027” is not a day here: February 2027 has 28 days. It is as it was."
    )
    assert (dialog.starts.day(), dialog.ends.day(), dialog.span.text()) == before
    assert dialog.starts.text() == "10 Feb 2027"
    assert dialog.starts.hasFocus() and dialog.starts.selectedText() == "10 Feb 2027"  # to type it again
    qtbot.keyClicks(dialog.starts, "28 Feb 2027")
    qtbot.keyClick(dialog.starts, Qt.Key.Key_Tab)
    assert dialog.starts.day() == date(2027, 2, 28)
    assert dialog.problems.text() == ""
    assert sent == []
    before = (dialog.starts.day(), dialog.ends.day(), dialog.span.text())

    dialog.ends.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.keyClicks(dialog.ends, "someday")
    qtbot.keyClick(dialog.ends, Qt.Key.Key_Tab)
    assert dialog.problems.text() == (
        "✗ Last day: “someday” is not a day here: type the day, month and year, as 15 Mar 2027. It is as it was."
    )
    assert dialog.ends.day() == before[1]

    dialog.ends.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.keyClicks(dialog.ends, "12/3/2029")  # beyond what a rule may reach (a year from today)
    qtbot.keyClick(dialog.ends, Qt.Key.Key_Tab)
    assert dialog.problems.text() == (
        # From today: "from 10 Feb 2026" offered a year gone by (a parent trying the demo).
        "✗ Last day: “12/3/2029” is not a day here: it is too far from today: choose a day from 10 Feb 2027"
        " to 10 Feb 2028. It is as it was."
    )
    assert dialog.ends.day() == before[1]


def test_with_everything_selected_a_typed_day_replaces_it(qtbot) -> None:
    """Ctrl+A, then the day: Qt's box took none of the keys."""
    dialog = shown_rule_dialog(qtbot, date(2027, 2, 10))
    dialog.ends.setFocus()
    dialog.ends.setCursorPosition(2)
    qtbot.keyClick(dialog.ends, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(dialog.ends, "31 Mar 2027")
    qtbot.keyClick(dialog.ends, Qt.Key.Key_Tab)
    assert dialog.ends.day() == date(2027, 3, 31)
    assert dialog.span.text() == "50 days: Wed 10 Feb to Wed 31 Mar"


def test_up_and_down_step_a_day_and_the_calendar_opens_and_picks_by_keyboard(qtbot) -> None:
    dialog = shown_rule_dialog(qtbot, date(2027, 2, 10))
    box = dialog.ends
    first_shown = box.day()
    box.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.keyClick(box, Qt.Key.Key_Up)
    qtbot.keyClick(box, Qt.Key.Key_Up)
    qtbot.keyClick(box, Qt.Key.Key_Down)
    assert box.day() == date.fromordinal(first_shown.toordinal() + 1)

    qtbot.keyClick(box, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    calendar = box.findChild(QCalendarWidget)
    qtbot.waitUntil(lambda: calendar is not None and calendar.isVisible(), timeout=2000)
    assert calendar.selectedDate().toPython() == box.day()
    focused = QApplication.focusWidget()
    assert focused is not None and (focused is calendar or calendar.isAncestorOf(focused))
    qtbot.keyClick(focused, Qt.Key.Key_Right)  # the next day
    qtbot.keyClick(focused, Qt.Key.Key_Down)  # a week on
    qtbot.keyClick(focused, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not calendar.isVisible(), timeout=2000)
    assert box.day() == date.fromordinal(first_shown.toordinal() + 1 + 1 + 7)
    assert box.hasFocus()

    picked = box.day()
    qtbot.keyClick(box, Qt.Key.Key_F4)
    qtbot.waitUntil(calendar.isVisible, timeout=2000)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Right)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)  # closed: the day as it was
    qtbot.waitUntil(lambda: not calendar.isVisible(), timeout=2000)
    assert box.day() == picked


def test_the_last_day_follows_a_first_day_moved_past_it_and_days_to_come_are_meant(qtbot) -> None:
    """Found by an outside tester: "15 mar 2027" as the first day left the last on 19 Dec 2026,
    and "20" typed there was 20 December 2026 ("✗ The last day is before the first"); and "1/12"
    typed on 6 December was five days ago — a rule begun in the past."""
    dialog = shown_rule_dialog(qtbot)  # today: Sunday 6 December 2026; the first kind is two weeks
    assert (dialog.starts.day(), dialog.ends.day()) == (date(2026, 12, 6), date(2026, 12, 19))
    type_day(qtbot, dialog.starts, "15 mar 2027")
    assert dialog.ends.day() == date(2027, 3, 28)  # taken along: the rule as long as before
    type_day(qtbot, dialog.ends, "20")
    assert dialog.span.text() == "6 days: Mon 15 Mar 2027 to Sat 20 Mar 2027"
    type_day(qtbot, dialog.starts, "1/12")
    assert dialog.starts.day() == date(2027, 12, 1)  # next December: a rule's days are to come
    assert dialog.ends.day() == date(2027, 12, 6)
    type_day(qtbot, dialog.starts, "1st Nov 2027")  # moved back: the last day stays where it is
    assert (dialog.starts.day(), dialog.ends.day()) == (date(2027, 11, 1), date(2027, 12, 6))


def test_a_rule_begun_on_a_day_gone_by_is_refused_on_save(qtbot) -> None:
    dialog = shown_rule_dialog(qtbot)
    sent: list[object] = []
    dialog.submitted.connect(lambda *args: sent.append(args))
    type_day(qtbot, dialog.starts, "1 Dec 2026")
    qtbot.mouseClick(dialog.findChild(QPushButton, "saveRuleButton"), Qt.MouseButton.LeftButton)
    [(name, starts_on, ends_on, _controls)] = sent
    # What the phone page's presenter asks of every rule before sending it (famguard.ui.trust_presenter).
    assert check_dates(name, starts_on, ends_on, date(2026, 12, 6)) == {
        "starts_on": "A rule cannot begin on a day gone by: choose today or a later first day."
    }


def test_a_rule_over_before_today_is_refused_in_words_on_save(qtbot) -> None:
    dialog = shown_rule_dialog(qtbot)
    sent: list[object] = []
    dialog.submitted.connect(lambda *args: sent.append(args))
    dialog.name.setText("Exams")
    type_day(qtbot, dialog.starts, "1")
    assert dialog.starts.day() == date(2027, 1, 1)  # a day alone is one to come: the 1st of next month
    type_day(qtbot, dialog.starts, "1 Dec 2026")  # written whole, a day gone by is taken as typed
    type_day(qtbot, dialog.ends, "3 Dec 2026")
    assert dialog.ends.day() == date(2026, 12, 3)
    qtbot.mouseClick(dialog.findChild(QPushButton, "saveRuleButton"), Qt.MouseButton.LeftButton)
    [(name, starts_on, ends_on, _controls)] = sent
    assert (name, starts_on, ends_on) == ("Exams", date(2026, 12, 1), date(2026, 12, 3))
    # What the phone page's presenter asks of every rule before sending it (famguard.ui.trust_presenter).
    assert check_dates(name, starts_on, ends_on, date(2026, 12, 6)) == {
        "ends_on": "This rule would already be over: choose a last day from today on."
    }


def test_each_date_box_is_one_tab_stop_and_the_days_are_said_with_their_weekdays(qtbot) -> None:
    """Found by an outside tester: each box began with a weekday section, a Tab stop of its own
    where typing moved the date by whole days. A box holds one day, typed whole; the weekdays
    are said beside them, with the number of days, and read with the box."""
    dialog = shown_rule_dialog(qtbot)
    span = dialog.findChild(QLabel, "ruleSpan")
    assert span.text() == "14 days: Sun 6 Dec to Sat 19 Dec"  # the first preset: two weeks
    dialog.starts.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(dialog.starts.hasFocus, timeout=2000)
    qtbot.keyClick(dialog.starts, Qt.Key.Key_Tab)
    assert dialog.ends.hasFocus()  # the next Tab stop is the last day
    assert isinstance(QApplication.focusWidget(), QLineEdit)
    qtbot.keyClicks(dialog.ends, "6")
    qtbot.keyClick(dialog.ends, Qt.Key.Key_Tab)
    assert span.text() == "1 day: Sun 6 Dec" == dialog.ends.accessibleDescription()  # read with the box
    dialog.ends.set_day(date(2026, 12, 4))
    assert span.text() == "✗ The last day is before the first."  # at once (Save would say it too, instead)
    dialog.ends.set_day(date(2027, 1, 13))
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


def test_alt_s_saves_the_rule_and_ticks_nothing(qtbot) -> None:
    """Found by an outside tester: Alt+S, pressed to save, ticked "Switch search off"."""
    dialog = shown_rule_dialog(qtbot)
    sent: list[object] = []
    dialog.submitted.connect(lambda *args: sent.append(args))
    dialog.name.setFocus()
    qtbot.keyClick(dialog.name, Qt.Key.Key_S, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: len(sent) == 1, timeout=2000)
    assert not dialog.search_off.isChecked()


def test_the_calendar_strikes_through_the_days_another_rule_takes(qtbot) -> None:
    """Found by an outside tester: with "Exam weeks" planned from 20 March to 11 April, April
    was drawn all alike, and the overlap was learnt only from Save's refusal."""
    from PySide6.QtCore import QDate

    dialog = shown_rule_dialog(qtbot)
    exams = (date(2027, 3, 20), date(2027, 4, 11), "Exam weeks")
    dialog.starts.set_taken([exams])
    dialog.starts.set_day(date(2027, 4, 2))
    dialog.starts.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.keyClick(dialog.starts, Qt.Key.Key_F4)
    calendar = dialog.starts.findChild(QCalendarWidget)
    qtbot.waitUntil(lambda: calendar is not None and calendar.isVisible(), timeout=2000)
    struck = [calendar.dateTextFormat(QDate(2027, 4, d)).fontStrikeOut() for d in (10, 11, 12)]
    assert struck == [True, True, False]  # its last day taken, the next one free
    assert calendar.dateTextFormat(QDate(2027, 3, 19)).fontStrikeOut() is False
    assert calendar.accessibleDescription() == "Days struck through are taken: Exam weeks: 20 Mar 2027 to 11 Apr 2027"
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not calendar.isVisible(), timeout=2000)
    dialog.starts.set_taken([])  # that rule removed meanwhile: nothing struck through the next time
    qtbot.keyClick(dialog.starts, Qt.Key.Key_F4)
    qtbot.waitUntil(calendar.isVisible, timeout=2000)
    assert calendar.dateTextFormat(QDate(2027, 4, 10)).fontStrikeOut() is False
    assert calendar.accessibleDescription() == ""


def test_a_day_typed_and_saved_with_alt_s_at_once_is_the_day_saved(qtbot) -> None:
    """A parent typed "5 Jan 2027" into the last day and pressed Alt+S without leaving the box:
    the line under the days said 5 January, and the rule was saved with the day the box held
    before (the default), told "✓ … planned" all the same. A day typed and refused (gone by)
    then corrected and saved the same way was refused again for the day before the correction."""
    dialog = shown_rule_dialog(qtbot, date(2026, 12, 6))
    sent: list[tuple[object, ...]] = []
    dialog.submitted.connect(lambda *args: sent.append(args))
    dialog.kind.setCurrentText("Custom")
    dialog.ends.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(dialog.ends.hasFocus, timeout=2000)
    qtbot.keyClicks(dialog.ends, "5 Jan 2027")
    assert dialog.span.text() == "31 days: Sun 6 Dec to Tue 5 Jan 2027"
    qtbot.keyClick(dialog.ends, Qt.Key.Key_S, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: sent != [], timeout=2000)
    assert sent[0][1:3] == (date(2026, 12, 6), date(2027, 1, 5))
    # A day that is none, typed and saved at once, is refused in words and nothing is sent.
    sent.clear()
    dialog.starts.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(dialog.starts.hasFocus, timeout=2000)
    qtbot.keyClicks(dialog.starts, "31 Feb 2027")
    dialog.save.click()
    assert sent == []
    assert dialog.problems.text().startswith("✗ First day: “31 Feb 2027” is not a day here")
