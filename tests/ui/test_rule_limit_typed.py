"""Minutes typed into a temporary rule's daily limit are taken as typed or refused in words, never
swapped for another value. Found by trying the demo as a careless parent: "5" typed into the limit
(allowed 10–720) and Enter saved the rule with the 60 minutes the box had quietly put back; and a
refusal stayed on screen, wrong, while the field was mended."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from .test_flows import WAIT, click, demo_at, find

pytestmark = pytest.mark.slow


def _type_minutes(qtbot, dialog, text: str) -> None:
    dialog.limit.setFocus()
    dialog.limit.selectAll()
    qtbot.keyClicks(dialog.limit, text)
    qtbot.keyClick(dialog.limit, Qt.Key.Key_Return)  # Enter: the dialog's default button, Save


def _custom_rule_with_a_limit(qtbot, launch, name: str):
    """The demo's "Plan a temporary rule…" for Maya, a custom rule named `name` with a daily limit
    ticked: (the family's trust presenter, the dialog, the rules before it)."""
    controller, window, _panel = demo_at(qtbot, launch, "Maya")
    trust = controller.family.trust
    qtbot.waitUntil(lambda: trust.cached is not None, timeout=WAIT)
    rules_before = list(trust.cached.rules)
    click(qtbot, find(window.ensure_home_page(), QPushButton, "homePlansButton"))
    qtbot.waitUntil(lambda: trust.dialog is not None and trust.dialog.isVisible(), timeout=WAIT)
    dialog = trust.dialog
    dialog.kind.setCurrentText("Custom")
    qtbot.keyClicks(dialog.name, name)
    dialog.limit_on.setChecked(True)
    return trust, dialog, rules_before


def _planned(qtbot, trust, dialog, name: str):
    """The rule `name` once the dialog has closed and the phone page's cache holds it."""
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=WAIT)
    qtbot.waitUntil(lambda: any(r.name == name for r in trust.cached.rules), timeout=WAIT)
    return next(r for r in trust.cached.rules if r.name == name)


def test_minutes_out_of_range_are_refused_in_words_and_typed_minutes_are_saved(qtbot, launch):
    trust, dialog, rules_before = _custom_rule_with_a_limit(qtbot, launch, "Revision week")
    assert "10–720 min" in dialog.limit_range.text()

    _type_minutes(qtbot, dialog, "5")
    qtbot.wait(300)  # a save would be on its way by now
    assert dialog.isVisible()
    assert dialog.problems.text() == (
        "✗ Daily screen-time limit: 5 min is outside the allowed 10–720 min (12 h). Nothing was saved."
    )
    assert dialog.limit.value() == 5 and dialog.limit.hasFocus()  # what was typed stays, to be mended
    assert list(trust.cached.rules) == rules_before
    qtbot.keyClicks(dialog.limit, "0")  # mending it: the refusal was about "5"
    assert dialog.problems.text() == ""

    _type_minutes(qtbot, dialog, "45")
    rule = _planned(qtbot, trust, dialog, "Revision week")
    assert rule.controls["daily_limit_minutes"] == 45


def test_an_exam_rule_typed_as_1_30_limits_the_day_to_an_hour_and_a_half(qtbot, launch):
    """ "1.30" typed into an exam rule's limit planned "Daily screen-time limit 2 h 10 min": the box
    dropped the dot, and a rule meant to hold Maya to an hour and a half gave her more than two
    (an outside tester). It is 1 h 30 now; "1.5" is refused in words, kept as typed, and nothing
    is planned."""
    trust, dialog, rules_before = _custom_rule_with_a_limit(qtbot, launch, "Mocks")

    _type_minutes(qtbot, dialog, "1.5")
    qtbot.wait(300)  # a save would be on its way by now
    assert dialog.isVisible()
    assert dialog.problems.text() == (
        "✗ Daily screen-time limit: “1.5” is not a number of minutes: type minutes (90) or hours and "
        "minutes (1:30). Nothing was saved."
    )
    assert dialog.limit.text() == "1.5 min" and dialog.limit.hasFocus()
    assert list(trust.cached.rules) == rules_before

    # Emptied, then "Save rule" clicked: the focus leaving the box put its last number back, and
    # the rule was saved with it without a word (an outside tester).
    dialog.limit.selectAll()
    qtbot.keyClick(dialog.limit.lineEdit(), Qt.Key.Key_Backspace)
    qtbot.mouseClick(dialog.save, Qt.MouseButton.LeftButton)
    qtbot.wait(300)  # a save would be on its way by now
    assert dialog.isVisible()
    assert dialog.problems.text() == (
        "✗ Daily screen-time limit: the box is empty; type minutes (90) or hours and minutes (1:30). Nothing was saved."
    )
    assert list(trust.cached.rules) == rules_before

    _type_minutes(qtbot, dialog, "1.30")
    rule = _planned(qtbot, trust, dialog, "Mocks")
    assert rule.controls["daily_limit_minutes"] == 90


def test_a_night_time_that_is_not_one_is_refused_and_enter_saves_nothing(qtbot, launch, said):
    """ "24:00" typed into the rule's nightly time away became 02:00 without a word (Qt's box drops
    the "4"), and Enter saved the rule so. The box shows its time again, the dialog says why, and
    that Enter saves nothing; the next Enter, with a time, does."""
    from PySide6.QtWidgets import QTimeEdit

    trust, dialog, rules_before = _custom_rule_with_a_limit(qtbot, launch, "Late nights")
    dialog.nights_on.setChecked(True)
    box = find(dialog, QTimeEdit, "ruleNightStart")
    assert box.time().toString("HH:mm") == "22:00"
    box.setFocus()
    box.lineEdit().selectAll()
    qtbot.keyClicks(box, "24:00")
    refused = (  # at the key refused, not only once the box is left (a tester)
        "✗ Time away: “24:00” is not a time: type hours 00–23 and minutes 00–59, as 21:30 (or 9:30pm)."
        " The box shows 22:00 again."
    )
    assert dialog.problems.text() == refused
    qtbot.keyClick(box, Qt.Key.Key_Return)
    qtbot.wait(300)  # a save would be on its way by now
    assert dialog.isVisible()
    assert dialog.problems.text() == refused
    # Said aloud too: only the label's description changed, which a screen reader does not read (a re-tester).
    assert (dialog.problems.text().removeprefix("✗ "), True) in said
    assert box.time().toString("HH:mm") == "22:00"
    assert list(trust.cached.rules) == rules_before

    box.lineEdit().selectAll()
    qtbot.keyClicks(box, "23:30")
    qtbot.keyClick(box, Qt.Key.Key_Return)
    rule = _planned(qtbot, trust, dialog, "Late nights")
    assert rule.controls["time_away"][0]["start"] == "23:30"


def test_save_right_after_a_refused_night_time_saves_nothing_and_says_so(qtbot, launch) -> None:
    """ "25:99" typed in the rule's nightly time away, then a click on "Save rule": the rule was
    saved with the time put back, and the dialog closed over the refusal, unseen (a tester). That
    click saves nothing and says why; the next one saves the times shown."""
    from PySide6.QtWidgets import QTimeEdit

    trust, dialog, rules_before = _custom_rule_with_a_limit(qtbot, launch, "Late nights")
    dialog.nights_on.setChecked(True)
    box = find(dialog, QTimeEdit, "ruleNightStart")
    box.setFocus()
    box.lineEdit().selectAll()
    qtbot.keyClicks(box, "25:99")
    click(qtbot, dialog.save)
    qtbot.wait(300)  # a save would be on its way by now
    assert dialog.isVisible() and list(trust.cached.rules) == rules_before
    assert dialog.problems.text() == (
        "✗ Time away: “25:99” is not a time: type hours 00–23 and minutes 00–59, as 21:30 (or 9:30pm)."
        " The box shows 22:00 again. Nothing was saved: Save again to save the rule with the times shown."
    )
    click(qtbot, dialog.save)
    rule = _planned(qtbot, trust, dialog, "Late nights")
    assert rule.controls["time_away"][0]["start"] == "22:00"
