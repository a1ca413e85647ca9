"""A temporary rule planned to start later, in the demo app against its real practice service
(loopback HTTP). Found by an outside tester: such a rule showed only as a "Planned: …" line — no
way to remove or change it anywhere in the app — and a rule planned over its days was refused
"…end that rule first", which nothing could do; the home said "No temporary rule in force." and
nothing of the rule to come. Now each planned rule has "Remove…" (reached by Tab, named after the
rule), asked first with "Keep it" the default; the refusal points to it; the home names the next
planned rule."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton, QWidget

from famguard.domain.later_models import TemporaryRule

from .test_flows import WAIT, click, custom_rule, demo_at, find, open_rule_dialog, plan_rule_from_home

pytestmark = pytest.mark.slow
REMOVE_WINTER_BREAK = "Remove the planned rule “Winter break”"


def fill_later(qtbot, dialog, name: str, start_in: int, days: int) -> tuple[date, date]:
    """A custom rule called `name` (a limit of 90 min) from `start_in` days after the teen's today,
    for `days` days; its first and last day."""
    custom_rule(qtbot, dialog, name, 90)
    first = dialog.today + timedelta(days=start_in)
    last = first + timedelta(days=days - 1)
    dialog.starts.set_day(first)
    dialog.ends.set_day(last)
    return first, last


def plan_later(qtbot, controller, name: str, start_in: int, days: int) -> tuple[date, date]:
    dialog = open_rule_dialog(qtbot, controller)
    planned = fill_later(qtbot, dialog, name, start_in, days)
    click(qtbot, dialog.save)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=WAIT)
    return planned


def remove_button(page, name: str) -> QPushButton:
    buttons = [b for b in page.findChildren(QPushButton, "removePlannedRuleButton") if b.accessibleName() == name]
    assert len(buttons) == 1, [b.accessibleName() for b in page.findChildren(QPushButton, "removePlannedRuleButton")]
    return buttons[0]


def press(qtbot, key: Qt.Key) -> None:
    """A key as the keyboard sends it: to the widget that has the focus."""
    target = QApplication.focusWidget() or QApplication.activeWindow()
    assert target is not None, "the focus went nowhere"
    qtbot.keyClick(target, key)


def test_a_planned_rule_is_removed_after_asking_and_its_days_can_be_planned_again(qtbot, launch):
    controller, window, panel = demo_at(qtbot, launch, "Maya")
    trust = controller.family.trust
    plan_later(qtbot, controller, "Winter break", start_in=10, days=5)
    qtbot.waitUntil(lambda: "Temporary rule: Winter break" in panel.view.plain_text(), timeout=WAIT)

    # Another rule over its days is refused, and the refusal says where to remove it.
    dialog = open_rule_dialog(qtbot, controller)
    fill_later(qtbot, dialog, "Holiday", start_in=12, days=5)
    click(qtbot, dialog.save)
    qtbot.waitUntil(lambda: "cannot overlap" in dialog.problems.text(), timeout=WAIT)
    assert "remove that rule first (“Remove…” on the Phone and temporary rules page)" in dialog.problems.text()
    dialog.give_up()  # closed without the question a filled-in rule asks

    next(a for a in window.view_menu.actions() if a.text() == "&Phone and temporary rules").trigger()
    page = trust.page
    qtbot.waitUntil(lambda: page.isVisible(), timeout=WAIT)
    qtbot.waitUntil(lambda: "Planned: Winter break (set by you)" in page.rules.planned_text(), timeout=WAIT)
    remove = remove_button(page, REMOVE_WINTER_BREAK)
    assert "Winter break" in remove.accessibleDescription()  # its days and changes, read with it

    # Reached by Tab from the top of the page, before "Plan a temporary rule…".
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=WAIT)
    page.back.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(page.back.hasFocus, timeout=WAIT)
    walked = []
    while not remove.hasFocus() and len(walked) < 40:
        press(qtbot, Qt.Key.Key_Tab)
        walked.append(QApplication.focusWidget().objectName() if QApplication.focusWidget() else "")
    assert remove.hasFocus(), walked
    assert "planRuleButton" not in walked, walked

    # Asked first; Enter keeps it.
    press(qtbot, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: getattr(trust, "question", None) is not None and trust.question.isVisible(), timeout=WAIT)
    question = trust.question
    assert question.objectName() == "removePlannedRuleQuestion"
    assert question.text() == "Remove the planned rule “Winter break” for Maya?"
    assert question.informativeText() == "It will not start; everyone in the family sees that it was removed."
    assert question.defaultButton().text() == "&Keep it"
    qtbot.keyClick(question, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not question.isVisible(), timeout=WAIT)
    controller.tasks.wait_for_done(5)
    assert "Planned: Winter break" in page.rules.planned_text()
    assert "Temporary rule: Winter break" in panel.view.plain_text()

    click(qtbot, remove)
    qtbot.waitUntil(lambda: trust.question is not question and trust.question.isVisible(), timeout=WAIT)
    asked = trust.question
    acting = next(b for b in asked.buttons() if b.text() == "&Remove the rule")
    acting.setFocus()
    qtbot.keyClick(acting, Qt.Key.Key_Space)
    # A double press (an outside tester): the second landed on the rule's "Remove…" again, and a
    # second question asked about the rule on its way out. No second question.
    qtbot.waitUntil(lambda: not asked.isVisible(), timeout=WAIT)
    if remove.isVisible():
        click(qtbot, remove)
    assert trust.question is asked and not any(
        box.isVisible() for box in window.findChildren(QMessageBox, "removePlannedRuleQuestion")
    )
    qtbot.waitUntil(lambda: page.rules.planned_text() == "" and not page.rules.planned.isVisible(), timeout=WAIT)
    # The keyboard is not lost with the button that went (the window active again, as the
    # question closes; this virtual screen has no window manager to do that).
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=WAIT)
    qtbot.waitUntil(lambda: find(page, QPushButton, "planRuleButton").hasFocus(), timeout=WAIT)
    qtbot.waitUntil(lambda: "Temporary rule: Winter break" not in page.preview.plain_text(), timeout=WAIT)
    # The teen's phone no longer shows it, and reads who removed it.
    qtbot.waitUntil(lambda: "Temporary rule: Winter break" not in panel.view.plain_text(), timeout=WAIT)
    assert "Alex Morgan removed the temporary rule “Winter break”" in panel.view.plain_text()
    assert "“Winter break” removed for Maya: it will not start." in window.notice.label.text()
    home_planned = find(window.ensure_home_page(), QWidget, "homePlannedRule")
    assert home_planned.text() == ""

    # Its days are free again.
    plan_later(qtbot, controller, "Holiday", start_in=12, days=5)
    qtbot.waitUntil(lambda: "Planned: Holiday (set by you)" in page.rules.planned_text(), timeout=WAIT)
    remove_button(page, "Remove the planned rule “Holiday”")


def _said(day: date, *, year: bool) -> str:
    return f"{day:%a} {day.day} {day:%b}" + (f" {day.year}" if year else "")


def test_the_home_names_the_next_planned_rule(qtbot, launch):
    controller, window, _panel = demo_at(qtbot, launch, "Maya")
    home = window.ensure_home_page()
    home_rule, planned = find(home, QWidget, "homeRule"), find(home, QWidget, "homePlannedRule")
    assert home_rule.text() == "No temporary rule in force." and not planned.isVisible()

    first, last = plan_later(qtbot, controller, "Winter break", start_in=20, days=9)
    today = first - timedelta(days=20)  # the teen's today, the dialog's first day
    # The year only when it is not this one, once for both days when they share it.
    said_first = _said(first, year=first.year not in (today.year, last.year))
    days = f"{said_first} – {_said(last, year=last.year != today.year)}"
    expected = f"Planned: Winter break, {days} (set by you)"
    window.show_page("home")
    qtbot.waitUntil(lambda: planned.isVisible() and planned.text() == expected, timeout=WAIT)
    assert planned.accessibleDescription() == expected  # read aloud, not only "Planned temporary rule"
    assert home_rule.text() == "No temporary rule in force."

    plan_later(qtbot, controller, "Ski trip", start_in=40, days=2)
    qtbot.waitUntil(lambda: planned.text() == f"{expected}; 1 more planned after it", timeout=WAIT)

    plan_rule_from_home(qtbot, controller, "Exam weeks", 60, days=3)  # in force from today
    # Not "planned" alone, which read as later for a rule in force at once (an outside tester).
    assert controller.window.notice.text().startswith("✓ “Exam weeks” planned, in force now, for ")
    qtbot.waitUntil(lambda: "◷ Exam weeks (set by you)" in home_rule.text(), timeout=WAIT)
    assert planned.text() == f"{expected}; 1 more planned after it"


def _rule(name: str, first: date, last: date, by: str = "g1") -> TemporaryRule:
    return TemporaryRule(name, name, first, last, {"daily_limit_minutes": 90}, "Jordan Morgan", "scheduled", by)


def test_the_planned_rule_on_the_home_says_the_year_only_when_it_is_not_this_one() -> None:
    from famguard.ui.trust_presenter import planned_words

    today = date(2026, 12, 6)
    winter = _rule("Winter break", date(2026, 12, 28), date(2027, 1, 5))
    assert planned_words([winter], today, "g1") == "Planned: Winter break, Mon 28 Dec – Tue 5 Jan 2027 (set by you)"
    january = _rule("Exams", date(2027, 1, 4), date(2027, 1, 8), by="g2")
    assert planned_words([january], today, "g1") == "Planned: Exams, Mon 4 Jan – Fri 8 Jan 2027 (set by Jordan Morgan)"
    one_day = _rule("Trip", date(2026, 12, 12), date(2026, 12, 12))
    assert planned_words([january, one_day], today, "g1") == (
        "Planned: Trip, Sat 12 Dec (set by you); 1 more planned after it"
    )
    in_force = _rule("Now", today, today + timedelta(days=3))
    assert planned_words([in_force], today, "g1") == ""
