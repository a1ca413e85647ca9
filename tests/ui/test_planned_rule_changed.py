"""A temporary rule not begun yet is changed in place from the phone page: "Change…" opens the
form with the rule in it (its name, days and settings; no kinds), "Save changes" changes it on
the service, and the family and the teen's phone see the rule as it is now. Before, a rule
planned a day too long had to be removed and planned again. In the demo app against its real
practice service (loopback HTTP)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton

from .test_flows import WAIT, click, demo_at, open_rule_dialog
from .test_history import headlines, open_history
from .test_planned_rule import plan_later

pytestmark = pytest.mark.slow


def _change_button(page, name: str) -> QPushButton:
    wanted = f"Change the planned rule “{name}”"
    buttons = [b for b in page.findChildren(QPushButton, "changePlannedRuleButton") if b.accessibleName() == wanted]
    assert len(buttons) == 1, [b.accessibleName() for b in page.findChildren(QPushButton, "changePlannedRuleButton")]
    return buttons[0]


def _phone_page(qtbot, controller, window):
    next(a for a in window.view_menu.actions() if a.text() == "&Phone and temporary rules").trigger()
    page = controller.family.trust.page
    qtbot.waitUntil(page.isVisible, timeout=WAIT)
    return page


def test_a_planned_rule_is_changed_in_place_and_everyone_sees_it_as_it_is(qtbot, launch):
    controller, window, panel = demo_at(qtbot, launch, "Maya")
    trust = controller.family.trust
    first, last = plan_later(qtbot, controller, "Winter break", start_in=10, days=5)
    qtbot.waitUntil(lambda: any(r.name == "Winter break" for r in trust.cached.rules), timeout=WAIT)
    [planned] = [r for r in trust.cached.rules if r.name == "Winter break"]
    page = _phone_page(qtbot, controller, window)
    qtbot.waitUntil(lambda: "Planned: Winter break (set by you)" in page.rules.planned_text(), timeout=WAIT)

    click(qtbot, _change_button(page, "Winter break"))
    qtbot.waitUntil(lambda: trust.dialog is not None and trust.dialog.isVisible(), timeout=WAIT)
    dialog = trust.dialog
    assert dialog.windowTitle() == "Change the temporary rule “Winter break” for Maya"
    assert (dialog.name.text(), dialog.starts.day(), dialog.ends.day()) == ("Winter break", first, last)
    assert dialog.limit_on.isChecked() and dialog.limit.value() == 90
    assert not dialog.kind.isVisible()  # a new rule's presets: not offered for a rule being changed
    # Alt+S saves, as in the form of a new rule: "Save &changes" took Alt+C, which read as
    # Cancel, and Alt+S from habit typed an "s" into the box (a parent trying the demo).
    assert dialog.save.text() == "&Save changes"

    qtbot.waitUntil(dialog.name.hasFocus, timeout=WAIT)  # the keyboard is in the form
    dialog.name.selectAll()
    qtbot.keyClicks(dialog.name, "Winter holiday")
    dialog.ends.set_day(last - timedelta(days=1))
    dialog.limit.setValue(60)
    qtbot.keyClick(dialog.name, Qt.Key.Key_S, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=WAIT)

    qtbot.waitUntil(lambda: any(r.name == "Winter holiday" for r in trust.cached.rules), timeout=WAIT)
    [changed] = [r for r in trust.cached.rules if r.starts_on == first]
    assert (changed.id, changed.name, changed.ends_on, changed.controls["daily_limit_minutes"]) == (
        planned.id,
        "Winter holiday",
        last - timedelta(days=1),
        60,
    )  # the same rule, changed: not removed and planned again
    assert "✓ “Winter holiday” changed for Maya: Daily screen-time limit 1 h." == window.notice.text()
    qtbot.waitUntil(lambda: "Planned: Winter holiday (set by you)" in page.rules.planned_text(), timeout=WAIT)
    assert "Winter break" not in page.rules.planned_text()
    qtbot.waitUntil(lambda: "Temporary rule: Winter holiday" in panel.view.plain_text(), timeout=WAIT)  # the phone
    # A new rule's calendars strike through its days (and a changed rule's own days are not taken).
    dialog = open_rule_dialog(qtbot, controller)
    assert dialog.starts.taken() == dialog.ends.taken() == [(first, last - timedelta(days=1), "Winter holiday")]
    dialog.give_up()
    history = open_history(qtbot, controller)
    qtbot.waitUntil(
        lambda: any(
            line.startswith("You changed the temporary rule “Winter break”: now called “Winter holiday”; now from")
            for line in headlines(history)
        ),
        timeout=WAIT,
    )


def test_leaving_the_form_of_a_rule_changed_asks_only_when_something_was_changed(qtbot, launch):
    controller, window, _panel = demo_at(qtbot, launch, "Maya")
    trust = controller.family.trust
    plan_later(qtbot, controller, "Winter break", start_in=10, days=5)
    page = _phone_page(qtbot, controller, window)
    qtbot.waitUntil(lambda: "Planned: Winter break" in page.rules.planned_text(), timeout=WAIT)

    click(qtbot, _change_button(page, "Winter break"))
    qtbot.waitUntil(lambda: trust.dialog is not None and trust.dialog.isVisible(), timeout=WAIT)
    dialog = trust.dialog
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)  # nothing changed: it just closes
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=WAIT)

    click(qtbot, _change_button(page, "Winter break"))
    qtbot.waitUntil(lambda: trust.dialog is not None and trust.dialog.isVisible(), timeout=WAIT)
    dialog = trust.dialog
    assert dialog.name.selectedText() == "Winter break"  # the name first, ready to be typed over
    qtbot.keyClick(dialog.name, Qt.Key.Key_End)
    qtbot.keyClicks(dialog.name, " 2027")
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    question = None

    def asked() -> bool:
        nonlocal question
        question = next((w for w in QApplication.topLevelWidgets()
                         if isinstance(w, QMessageBox) and w.isVisible()), None)  # fmt: skip
        return question is not None

    qtbot.waitUntil(asked, timeout=WAIT)
    assert question is not None and question.text() == "Give up these changes?"
    assert question.informativeText() == "“Winter break” stays as it was planned."
    qtbot.keyClick(question, Qt.Key.Key_Escape)  # "Keep editing", the safe answer
    qtbot.waitUntil(lambda: not question.isVisible(), timeout=WAIT)
    assert dialog.isVisible() and dialog.name.text() == "Winter break 2027"
    dialog.give_up()
    assert [r.name for r in trust.cached.rules if r.name.startswith("Winter")] == ["Winter break"]


def test_settings_the_form_has_no_box_for_stay_as_planned_and_are_said(qtbot):
    """A rule planned elsewhere (the service's API, an older app) may hold settings this form has
    no box for: changing its name alone must not drop them."""
    from datetime import date

    from famguard.domain.later_models import TemporaryRule
    from famguard.ui.temporary_rules import RuleDialog

    school_nights = [{"days": ["mon", "tue"], "start": "21:00", "end": "07:00"}]
    controls = {"daily_limit_minutes": 45, "daily_limit_overrides": {}, "comments": "no_one",
                "time_away": school_nights, "search_enabled": False}  # fmt: skip
    rule = TemporaryRule("r1", "Exams", date(2026, 12, 14), date(2026, 12, 18), controls, "Alex", "g1")
    dialog = RuleDialog("Maya", date(2026, 12, 6))
    qtbot.addWidget(dialog)
    dialog.take_rule(rule)
    dialog.show()
    assert dialog.limit_on.isChecked() and dialog.limit.value() == 45 and dialog.search_off.isChecked()
    assert not dialog.nights_on.isChecked()  # not every night: kept as it is, not shown as nights
    assert dialog.kept.isVisible()
    assert dialog.kept.text() == (
        "Also in this rule, kept as planned: Comments on your videos No one, Time away Mon, Tue: 21:00–07:00"
        " (into the next morning)."
    )
    sent: list[tuple[object, ...]] = []
    dialog.submitted.connect(lambda *args: sent.append(args))
    dialog.name.setText("Mock exams")
    dialog.save.click()
    [(name, starts, ends, chosen)] = sent
    assert (name, starts, ends) == ("Mock exams", date(2026, 12, 14), date(2026, 12, 18))
    assert chosen == controls
