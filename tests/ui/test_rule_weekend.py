"""A temporary rule with its own limit at the weekend: "one hour a day on weekdays, two at the
weekend, nothing after 22:00" is the product's exam-weeks story, and the rule's form could say
only one limit for every day (a weekend's own limit could be planned through the API alone, and
the form kept it without a box for it)."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from famguard.domain.later_models import TemporaryRule
from famguard.ui.home_trust import PhoneAndPlansSection
from famguard.ui.temporary_rules import RuleDialog

from .test_flows import WAIT, demo_at, open_rule_dialog
from .test_rule_dates_typed import shown_rule_dialog

TODAY = date(2026, 12, 6)
ALT = Qt.KeyboardModifier.AltModifier


def _sent(dialog: RuleDialog) -> list[tuple[object, ...]]:
    sent: list[tuple[object, ...]] = []
    dialog.submitted.connect(lambda *args: sent.append(args))
    return sent


def _type_into(qtbot, box, text: str) -> None:
    box.setFocus()
    box.selectAll()
    qtbot.keyClicks(box, text)


def test_the_weekend_limit_goes_with_the_daily_limit_and_is_planned_for_saturday_and_sunday(qtbot) -> None:
    dialog = shown_rule_dialog(qtbot, TODAY)
    dialog.kind.setCurrentText("Custom")
    qtbot.keyClicks(dialog.name, "Mocks")
    assert not dialog.limit_on.isChecked()
    assert not dialog.weekend_on.isEnabled()  # no weekend's own limit without a daily one
    qtbot.keyClick(dialog.name, Qt.Key.Key_D, ALT)  # the daily limit, by its letter
    qtbot.waitUntil(dialog.limit_on.isChecked)  # a letter presses its box, drawn pressed for 100 ms
    assert dialog.weekend_on.isEnabled()
    assert not dialog.weekend.isEnabled()
    qtbot.keyClick(dialog.name, Qt.Key.Key_W, ALT)
    qtbot.waitUntil(dialog.weekend_on.isChecked)
    assert dialog.weekend.isEnabled()
    _type_into(qtbot, dialog.weekend, "2:30")
    sent = _sent(dialog)
    qtbot.keyClick(dialog.weekend, Qt.Key.Key_Return)
    [(_name, _first, _last, chosen)] = sent
    assert chosen == {"daily_limit_minutes": 60, "daily_limit_overrides": {"sat": 150, "sun": 150}}
    dialog.give_up()


def test_weekend_minutes_out_of_range_are_refused_in_words_and_nothing_is_sent(qtbot) -> None:
    dialog = shown_rule_dialog(qtbot, TODAY)
    dialog.kind.setCurrentText("Holiday")
    dialog.weekend_on.setChecked(True)
    _type_into(qtbot, dialog.weekend, "5")
    sent = _sent(dialog)
    qtbot.keyClick(dialog.weekend, Qt.Key.Key_Return)
    assert sent == []
    assert dialog.problems.text() == (
        "✗ At the weekend: 5 min is outside the allowed 10–720 min (12 h). Nothing was saved."
    )
    assert dialog.weekend.hasFocus()
    dialog.limit_on.setChecked(False)  # no daily limit: the weekend's goes with it, unsent
    dialog.save.click()
    [(_name, _first, _last, chosen)] = sent
    assert "daily_limit_minutes" not in chosen and "daily_limit_overrides" not in chosen
    dialog.give_up()


def _changing(qtbot, controls: dict[str, object]) -> RuleDialog:
    """The form of a planned rule with `controls`, opened to change it."""
    rule = TemporaryRule("r1", "Exams", date(2026, 12, 14), date(2026, 12, 18), controls, "Alex", "g1")
    dialog = RuleDialog("Maya", TODAY)
    qtbot.addWidget(dialog)
    dialog.take_rule(rule)
    dialog.show()
    return dialog


def test_a_planned_weekend_limit_is_shown_in_its_box_when_the_rule_is_changed(qtbot) -> None:
    controls = {"daily_limit_minutes": 60, "daily_limit_overrides": {"sat": 120, "sun": 120}}
    dialog = _changing(qtbot, controls)
    assert dialog.weekend_on.isChecked() and dialog.weekend.value() == 120
    assert not dialog.kept.isVisible()  # in its box, not among the settings kept as planned
    sent = _sent(dialog)
    dialog.save.click()
    assert sent[0][3] == controls


def test_other_weekday_limits_of_a_rule_stay_as_planned_and_are_said(qtbot) -> None:
    controls = {"daily_limit_minutes": 60, "daily_limit_overrides": {"fri": 90, "sat": 120}}
    dialog = _changing(qtbot, controls)
    assert not dialog.weekend_on.isChecked()
    kept = "Different limits on some days Fri 1 h 30 min, Sat 2 h"
    assert dialog.kept.text() == f"Also in this rule, kept as planned: {kept}."
    sent = _sent(dialog)
    dialog.save.click()
    assert sent[0][3] == controls


def test_exam_weeks_with_two_hours_at_the_weekend_reach_the_service_and_today_s_limit(qtbot, launch) -> None:
    """In the demo, against its real practice service: the rule planned from the keyboard; the
    service holds Saturday's and Sunday's limit; the home says the rule in words and today's limit
    is the rule's for the teen's weekday."""
    controller, _window, _panel = demo_at(qtbot, launch, "Maya")
    trust = controller.family.trust
    dialog = open_rule_dialog(qtbot, controller)
    assert dialog.kind.currentText() == "Exam weeks"
    today = dialog.today
    qtbot.waitUntil(lambda: dialog.name.hasFocus(), timeout=WAIT)  # the keyboard is in the form
    qtbot.keyClick(dialog.name, Qt.Key.Key_W, ALT)
    qtbot.waitUntil(dialog.weekend_on.isChecked)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)  # on to its minutes
    assert dialog.weekend.hasFocus()
    qtbot.keyClicks(dialog.weekend, "120")
    qtbot.keyClick(dialog.weekend, Qt.Key.Key_S, ALT)  # Save
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=WAIT)
    qtbot.waitUntil(lambda: any(r.name == "Exam weeks" for r in trust.cached.rules), timeout=WAIT)
    rule = next(r for r in trust.cached.rules if r.name == "Exam weeks")
    assert rule.controls["daily_limit_overrides"] == {"sat": 120, "sun": 120}
    assert rule.starts_on == today

    home = controller.window.ensure_home_page()
    section = home.section(PhoneAndPlansSection)
    assert isinstance(section, PhoneAndPlansSection)
    said = "Exam weeks (set by you): Daily screen-time limit 1 h (Sat 2 h, Sun 2 h), Time away"
    qtbot.waitUntil(lambda: said in section.rule.text(), timeout=WAIT)
    limit = "2 h" if today.weekday() >= 5 else "1 h"
    qtbot.waitUntil(lambda: f"of {limit} today" in home.today_text(), timeout=WAIT)
