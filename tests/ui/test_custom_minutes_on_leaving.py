"""Minutes typed into the custom daily limit are not lost when the guardian leaves the box: with a
preset ("1 h") chosen, typing 95 and pressing Tab (or clicking elsewhere) left 95 in the box and
the limit at 1 h, with no word that nothing was set — on a page that says "Changes apply as soon
as you make them". Leaving the box now sets what was typed, as the time boxes do; passing through
the box without typing changes nothing."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractSpinBox, QRadioButton

from .test_flows import WAIT, demo_at, find

pytestmark = pytest.mark.slow


def _type(qtbot, spin, text: str, key: Qt.Key) -> None:
    """Over what the custom box holds, as a guardian types it, then Tab or Enter."""
    spin.setFocus()
    spin.lineEdit().selectAll()
    qtbot.keyClicks(spin.lineEdit(), text)
    qtbot.keyClick(spin, key)


def _maya_controls(qtbot, launch, field: str):
    """The demo with Maya's controls page shown: (the page, the editor of `field`, the phone)."""
    _controller, window, panel = demo_at(qtbot, launch, "Maya", controls=True)
    page = window.ensure_controls_page()
    return page, page.editor(field), panel


def _wait_saved(qtbot, page, field: str) -> None:
    qtbot.waitUntil(lambda: page.field_status(field).startswith("✓ saved"), timeout=WAIT)


def test_minutes_typed_then_left_are_set_and_a_pass_through_sets_nothing(qtbot, launch):
    page, editor, panel = _maya_controls(qtbot, launch, "daily_limit_minutes")
    assert editor.value() == 60 and find(page, QRadioButton, "dailyLimit_60").isChecked()
    spin = find(page, QAbstractSpinBox, "dailyLimitCustom")

    # Tabbing through the box without typing sends nothing.
    spin.setFocus()
    qtbot.keyClick(spin, Qt.Key.Key_Tab)
    qtbot.wait(200)
    assert editor.value() == 60 and find(page, QRadioButton, "dailyLimit_60").isChecked()

    # Typing the limit already set sends nothing and leaves its own choice checked, not "Custom:".
    _type(qtbot, spin, "60", Qt.Key.Key_Tab)
    qtbot.wait(200)
    assert editor.value() == 60 and find(page, QRadioButton, "dailyLimit_60").isChecked()
    assert page.field_status("daily_limit_minutes") == ""  # nothing was sent

    _type(qtbot, spin, "95", Qt.Key.Key_Tab)
    # The value first: "✓ saved" can still be the status of the 1 h set before.
    qtbot.waitUntil(lambda: editor.value() == 95, timeout=WAIT)
    _wait_saved(qtbot, page, "daily_limit_minutes")
    assert find(page, QRadioButton, "dailyLimit_custom").isChecked()
    qtbot.waitUntil(lambda: "<b>1 h 35 min</b>" in panel.effective_text(), timeout=WAIT)


def test_hours_and_minutes_typed_are_read_as_meant_and_a_guess_is_refused_in_words(qtbot, launch):
    """ "1.30" typed in the custom limit was saved as 130 min ("2 h 10 min" on the teen's phone):
    the box dropped the dot without a word (an outside tester). It is 1 h 30 now; "1.5" (an hour
    and a half, or 1 h 05?) is refused beside the box, kept as typed, and nothing is sent."""
    from PySide6.QtWidgets import QLabel

    page, editor, panel = _maya_controls(qtbot, launch, "daily_limit_minutes")
    assert editor.value() == 60
    spin = find(page, QAbstractSpinBox, "dailyLimitCustom")

    _type(qtbot, spin, "1.5", Qt.Key.Key_Return)
    message = find(page, QLabel, "message_daily_limit_minutes")
    qtbot.waitUntil(lambda: "“1.5” is not a number of minutes" in message.text(), timeout=WAIT)
    assert "Nothing was changed" in message.text()
    assert spin.text() == "1.5 min" and spin.hasFocus()  # kept as typed, to be mended
    qtbot.wait(300)  # a change would be on its way by now
    assert editor.value() == 60
    assert page.field_status("daily_limit_minutes") == "◷ not set yet: Set, Enter or leaving the box sets it"

    _type(qtbot, spin, "1.30", Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: editor.value() == 90, timeout=WAIT)
    assert spin.text() == "90 min"
    _wait_saved(qtbot, page, "daily_limit_minutes")
    qtbot.waitUntil(lambda: "<b>1 h 30 min</b>" in panel.effective_text(), timeout=WAIT)


def test_undo_takes_away_the_refusal_of_a_value_it_did_not_keep(qtbot, launch):
    """After "2 h", a custom 721 min refused beside the box, then Ctrl+Z (back to 1 h): the "✗ …
    outside the allowed 10–720 min" stayed beside the 1 h put back (an outside tester)."""
    from PySide6.QtWidgets import QLabel

    page, editor, _panel = _maya_controls(qtbot, launch, "daily_limit_minutes")
    qtbot.mouseClick(find(page, QRadioButton, "dailyLimit_120"), Qt.MouseButton.LeftButton)
    _wait_saved(qtbot, page, "daily_limit_minutes")
    spin = find(page, QAbstractSpinBox, "dailyLimitCustom")
    _type(qtbot, spin, "721", Qt.Key.Key_Return)
    message = find(page, QLabel, "message_daily_limit_minutes")
    qtbot.waitUntil(lambda: message.text().startswith("✗"), timeout=WAIT)
    assert editor.value() == 120
    qtbot.keyClick(spin, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: editor.value() == 60, timeout=WAIT)
    assert not message.isVisible() and message.text() == ""
    _wait_saved(qtbot, page, "daily_limit_minutes")


def test_minutes_stepped_with_the_arrows_say_they_are_not_set_yet(qtbot, launch):
    """Up in the custom box: nothing was set for as long as the focus stayed, and the row went on
    saying "✓ saved — on Maya's phone" over the new minutes (an outside tester). The row says they
    wait, stepping back to the limit set says nothing waits, and Enter sets them."""
    page, editor, _panel = _maya_controls(qtbot, launch, "daily_limit_minutes")
    spin = find(page, QAbstractSpinBox, "dailyLimitCustom")
    _type(qtbot, spin, "80", Qt.Key.Key_Return)
    _wait_saved(qtbot, page, "daily_limit_minutes")

    qtbot.keyClick(spin, Qt.Key.Key_Up)  # 85
    assert page.field_status("daily_limit_minutes") == "◷ not set yet: Set, Enter or leaving the box sets it"
    qtbot.wait(300)
    assert editor.value() == 80  # nothing sent meanwhile
    qtbot.keyClick(spin, Qt.Key.Key_Down)  # back to the limit set: nothing waits
    assert page.field_status("daily_limit_minutes").startswith("✓ saved")
    # Refused, the minutes are still not set: "✓ saved" stood beside "-5" (an outside tester).
    _type(qtbot, spin, "-5", Qt.Key.Key_Return)
    assert page.field_status("daily_limit_minutes") == "◷ not set yet: Set, Enter or leaving the box sets it"
    _type(qtbot, spin, "80", Qt.Key.Key_Return)  # what is set
    assert page.field_status("daily_limit_minutes").startswith("✓ saved")
    qtbot.keyClick(spin, Qt.Key.Key_Up)
    qtbot.keyClick(spin, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: editor.value() == 85, timeout=WAIT)
    _wait_saved(qtbot, page, "daily_limit_minutes")


def test_a_days_own_limit_typed_says_it_is_not_set_until_enter(qtbot, launch):
    """The same for a weekday's own limit: "✓ saved" stood over minutes typed in Monday's box."""
    from PySide6.QtWidgets import QCheckBox, QLabel

    page, editor, _panel = _maya_controls(qtbot, launch, "daily_limit_overrides")
    qtbot.mouseClick(find(page, QCheckBox, "override_mon"), Qt.MouseButton.LeftButton)
    _wait_saved(qtbot, page, "daily_limit_overrides")
    monday = find(page, QAbstractSpinBox, "override_mon_minutes")
    monday.setFocus()
    monday.lineEdit().selectAll()
    qtbot.keyClicks(monday.lineEdit(), "90")
    assert page.field_status("daily_limit_overrides") == "◷ not set yet: Enter or leaving the box sets it"
    qtbot.keyClick(monday, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: (editor.value() or {}).get("mon") == 90, timeout=WAIT)
    _wait_saved(qtbot, page, "daily_limit_overrides")

    # Emptied with one keystroke: "✓ saved" stayed (the box had not read it yet), as did the
    # refusal once the minutes set were typed back, and a tick refused with the rest (an outside
    # tester).
    monday.lineEdit().selectAll()
    qtbot.keyClick(monday.lineEdit(), Qt.Key.Key_Backspace)
    assert page.field_status("daily_limit_overrides") == "◷ not set yet: Enter or leaving the box sets it"
    qtbot.keyClick(monday, Qt.Key.Key_Return)
    message = find(page, QLabel, "message_daily_limit_overrides")
    assert message.text().startswith("✗ Mon: the box is empty")
    qtbot.mouseClick(find(page, QCheckBox, "override_tue"), Qt.MouseButton.LeftButton)
    assert page.field_status("daily_limit_overrides") == "◷ not set yet: mend the day's minutes"
    qtbot.mouseClick(find(page, QCheckBox, "override_tue"), Qt.MouseButton.LeftButton)  # untick it again
    monday.setFocus()
    qtbot.keyClicks(monday.lineEdit(), "90")  # what is set: the refusal goes as it is typed
    assert message.text() == "" and not message.isVisible()
    qtbot.keyClick(monday, Qt.Key.Key_Return)
    assert message.text() == "" and not message.isVisible()
    assert page.field_status("daily_limit_overrides").startswith("✓ saved")
    assert editor.value() == {"mon": 90}


def test_typing_again_takes_away_the_refusal_of_the_minutes_typed_before(qtbot, launch):
    """ "5" and Enter was refused beside the box; then "abc" typed: "5 min is outside the allowed…"
    stayed beside "abc" (an outside tester). What is typed next is said of when it is set."""
    from PySide6.QtWidgets import QLabel

    page, _editor, _panel = _maya_controls(qtbot, launch, "daily_limit_minutes")
    spin = find(page, QAbstractSpinBox, "dailyLimitCustom")
    _type(qtbot, spin, "5", Qt.Key.Key_Return)
    message = find(page, QLabel, "message_daily_limit_minutes")
    assert message.text().startswith("✗ 5 min is outside the allowed")
    spin.lineEdit().selectAll()
    qtbot.keyClicks(spin.lineEdit(), "abc")
    assert not message.isVisible() and message.text() == ""
    qtbot.keyClick(spin, Qt.Key.Key_Return)
    assert message.text().startswith("✗ “abc” is not a number of minutes")
