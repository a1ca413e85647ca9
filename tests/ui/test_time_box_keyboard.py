"""A time box takes a time typed whole, however it was entered: Shift+Tab put the keyboard on
its minutes, and "08:00" typed there gave 21:08; a click on its minutes, then "21:30", gave
23:30 (two outside testers); with the whole time selected (Ctrl+A), "08:00" was ignored and
"8:30" gave 21:30. Against the demo."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QScrollArea, QTimeEdit

from .test_flows import WAIT, demo_at, find

pytestmark = pytest.mark.slow


@pytest.mark.parametrize(
    "arrival", [Qt.FocusReason.BacktabFocusReason, Qt.FocusReason.TabFocusReason], ids=["shift+tab", "tab"]
)
def test_a_time_typed_after_tabbing_in_is_that_time(qtbot, launch, arrival) -> None:
    _controller, window, _panel = demo_at(qtbot, launch, "Maya", controls=True)
    page = window.ensure_controls_page()
    qtbot.waitUntil(lambda: "quiet_hours" in page.rows, timeout=WAIT)
    box = find(page, QTimeEdit, "quietHoursEnd")
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=WAIT)
    box.setFocus(arrival)
    qtbot.waitUntil(box.hasFocus, timeout=WAIT)
    qtbot.keyClicks(box, "09:30")
    assert box.time().toString("HH:mm") == "09:30"


def _time_box_in_sight(qtbot, window, setting: str, box_name: str):
    """The demo's controls page scrolled to `setting`'s time box `box_name`, the window active:
    (page, box)."""
    page = window.ensure_controls_page()
    qtbot.waitUntil(lambda: setting in page.rows, timeout=WAIT)
    box = find(page, QTimeEdit, box_name)
    page.findChild(QScrollArea, "controlsScroll").ensureWidgetVisible(box)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=WAIT)
    return page, box


def test_a_time_typed_after_clicking_into_the_minutes_is_that_time(qtbot, launch) -> None:
    from PySide6.QtCore import QPoint

    _controller, window, _panel = demo_at(qtbot, launch, "Maya", controls=True)
    page, box = _time_box_in_sight(qtbot, window, "quiet_hours", "quietHoursStart")
    minutes = QPoint(box.lineEdit().width() * 3 // 4, box.height() // 2)  # on the minutes
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=minutes)
    qtbot.waitUntil(box.hasFocus, timeout=WAIT)
    qtbot.wait(20)  # the window handles what follows the click before a person's first key
    qtbot.keyClicks(box, "19:45")
    assert box.time().toString("HH:mm") == "19:45"


@pytest.mark.parametrize(("typed", "meant"), [("08:00", "08:00"), ("8:30", "08:30")])
def test_a_time_typed_over_the_whole_time_selected_is_that_time(qtbot, launch, typed: str, meant: str) -> None:
    _controller, window, _panel = demo_at(qtbot, launch, "Maya", controls=True)
    page = window.ensure_controls_page()
    qtbot.waitUntil(lambda: "quiet_hours" in page.rows, timeout=WAIT)
    box = find(page, QTimeEdit, "quietHoursStart")
    assert box.time().toString("HH:mm") != meant
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=WAIT)
    box.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(box.hasFocus, timeout=WAIT)
    qtbot.keyClick(box, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    assert box.lineEdit().selectedText() == box.lineEdit().text()
    qtbot.keyClicks(box, typed)
    assert box.time().toString("HH:mm") == meant


def _typed_over_the_quiet_hours_start(qtbot, window, typed: str):
    """The demo's controls page with `typed` typed over the whole of the quiet hours' start, as a
    keyboard user does (Tab in, Ctrl+A); returns (page, box, the time it held before)."""
    page = window.ensure_controls_page()
    qtbot.waitUntil(lambda: "quiet_hours" in page.rows, timeout=WAIT)
    box = find(page, QTimeEdit, "quietHoursStart")
    before = box.time().toString("HH:mm")
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=WAIT)
    box.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(box.hasFocus, timeout=WAIT)
    qtbot.keyClick(box, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(box, typed)
    return page, box, before


@pytest.mark.parametrize("typed", ["25:99", "24:00", "12:60"])
def test_a_time_that_is_not_one_is_refused_in_words_and_nothing_is_saved(qtbot, launch, typed: str) -> None:
    """Qt's time box drops a key that cannot be part of a time without a word: "25:99" typed into
    the quiet hours' start became 02:09 and was saved with "✓ saved" (an outside tester). The box
    shows the time set again, says what was typed is not a time, and nothing is sent — at the key
    refused, the rest of the time typed in one go with it (":99" after "25" made 09:09)."""
    from PySide6.QtWidgets import QLabel

    _controller, window, _panel = demo_at(qtbot, launch, "Maya", controls=True)
    page, box, set_before = _typed_over_the_quiet_hours_start(qtbot, window, typed)
    message = find(page, QLabel, "message_quiet_hours")
    said = (
        f"✗ “{typed}” is not a time: type hours 00–23 and minutes 00–59, as 21:30 (or 9:30pm)."
        f" The box shows {set_before} again. Nothing was changed."
    )
    assert box.hasFocus() and message.text() == said  # said as typed, before Enter or leaving
    assert box.accessibleDescription() == "Type a time as 21:30, or as 9:30pm"  # what it takes, said with it
    assert box.time().toString("HH:mm") == set_before
    qtbot.keyClick(box, Qt.Key.Key_Return)  # right after the refusal: goes no further
    assert message.text() == said
    assert box.time().toString("HH:mm") == set_before
    qtbot.wait(300)  # a change would be on its way by now
    assert page.field_status("quiet_hours") == ""
    assert page.editor("quiet_hours").value().start == set_before

    qtbot.keyClick(box, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(box, "22:30")  # mended: taken as typed, and sent
    qtbot.keyClick(box, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.editor("quiet_hours").value().start == "22:30", timeout=WAIT)
    qtbot.waitUntil(lambda: page.field_status("quiet_hours").startswith("✓ saved"), timeout=WAIT)


@pytest.mark.parametrize(
    ("typed", "meant"),
    [("7pm", "19:00"), ("10:30pm", "22:30"), ("12am", "00:00"), ("6AM", "06:00"), ("930pm", "21:30"),
     ("1030pm", "22:30"), ("7:5pm", "19:05"), ("12pm", "12:00")],
)  # fmt: skip
def test_a_time_written_with_am_or_pm_is_that_time(qtbot, launch, typed: str, meant: str) -> None:
    """ "7pm" typed as the quiet hours' start was saved as 07:00–08:00 with "✓ saved", and "10pm"
    became 10:00: Qt's box dropped the letters without a word (an outside tester); then "930pm" was
    saved as 21:00 and "7:5pm" as 19:00 (a re-tester)."""
    _controller, window, _panel = demo_at(qtbot, launch, "Maya", controls=True)
    page, box, _before = _typed_over_the_quiet_hours_start(qtbot, window, typed)
    qtbot.keyClick(box, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.editor("quiet_hours").value().start == meant, timeout=WAIT)
    assert box.time().toString("HH:mm") == meant


@pytest.mark.parametrize("typed", ["7x", "19pm", "0am", "7:75pm"])
def test_a_time_with_other_letters_is_refused_also_when_the_box_is_left_by_a_click(qtbot, launch, typed: str) -> None:
    """Left by a click elsewhere, a refused time went back to the one set without a word; Enter
    said why (a support agent). Either way it is said, and nothing is sent."""
    from PySide6.QtWidgets import QLabel

    _controller, window, _panel = demo_at(qtbot, launch, "Maya", controls=True)
    page, box, set_before = _typed_over_the_quiet_hours_start(qtbot, window, typed)
    find(page, QTimeEdit, "quietHoursEnd").setFocus(Qt.FocusReason.MouseFocusReason)  # a click on the end
    qtbot.waitUntil(lambda: not box.hasFocus(), timeout=WAIT)
    message = find(page, QLabel, "message_quiet_hours")
    assert message.text().startswith(f"✗ “{typed}” is not a time")
    assert box.time().toString("HH:mm") == set_before
    qtbot.wait(300)  # a change would be on its way by now
    assert page.field_status("quiet_hours") == ""


@pytest.mark.parametrize("typed", ["abc", "25:99"])
def test_a_time_refused_is_said_as_it_is_typed_and_esc_takes_the_words_back(qtbot, launch, typed: str) -> None:
    """ "abc" typed in a time box showed nothing, and was refused only once the box was left (an
    outside tester); then the box showed 02:09 while the words said "25" was refused (a tester).
    At the refused key the box shows its time again and the words say so, quoting what was typed;
    Esc takes the words back; nothing is sent; a time typed after a pause is taken."""
    from PySide6.QtWidgets import QLabel

    _controller, window, _panel = demo_at(qtbot, launch, "Maya", controls=True)
    page, box, set_before = _typed_over_the_quiet_hours_start(qtbot, window, typed)
    message = find(page, QLabel, "message_quiet_hours")
    assert box.hasFocus()  # not left: said as it is typed
    assert message.isVisible()
    assert message.text().startswith(f"✗ “{typed}” is not a time")
    assert f"The box shows {set_before} again." in message.text()
    assert box.time().toString("HH:mm") == set_before
    qtbot.keyClick(box, Qt.Key.Key_Escape)
    assert box.time().toString("HH:mm") == set_before
    assert not message.isVisible()
    qtbot.keyClick(box, Qt.Key.Key_Tab)  # left with the time as it was: nothing to send
    qtbot.wait(300)  # a change would be on its way by now
    assert page.field_status("quiet_hours") == ""


def test_a_time_typed_after_a_refusal_and_a_pause_is_taken_and_the_words_go(qtbot, launch) -> None:
    """The refusal's words stayed under the new block's times for good, whatever was typed after
    (an outside tester). A time typed after a pause (a person reading the words) is a new time;
    leaving the box with it takes the words away."""
    from PySide6.QtWidgets import QLabel

    _controller, window, _panel = demo_at(qtbot, launch, "Maya", controls=True)
    page, start = _time_box_in_sight(qtbot, window, "time_away", "timeAwayStart")
    start.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.keyClicks(start, "25")
    message = find(page, QLabel, "timeAwayMessage")
    assert message.text().startswith("✗ “25” is not a time")
    qtbot.wait(600)  # read
    qtbot.keyClicks(start, "2130")
    assert start.time().toString("HH:mm") == "21:30"
    qtbot.keyClick(start, Qt.Key.Key_Tab)  # one stop: Tab leaves the box, not for its minutes
    assert not start.hasFocus()
    assert not message.isVisible()


def test_quiet_hours_ending_when_they_start_are_refused_in_words_and_not_set(qtbot, launch) -> None:
    """ "2100" typed as the end of 21:00–08:00, then Tab: nothing said, the box went on showing
    21:00 as if set, and a later change of the start sent that end with it (an outside tester)."""
    _controller, window, _panel = demo_at(qtbot, launch, "Maya", controls=True)
    page = window.ensure_controls_page()
    qtbot.waitUntil(lambda: "quiet_hours" in page.rows, timeout=WAIT)
    start, end = find(page, QTimeEdit, "quietHoursStart"), find(page, QTimeEdit, "quietHoursEnd")
    assert (start.time().toString("HH:mm"), end.time().toString("HH:mm")) == ("21:00", "08:00")
    page.findChild(QScrollArea, "controlsScroll").ensureWidgetVisible(end)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=WAIT)
    end.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.keyClicks(end, "21:00")
    qtbot.keyClick(end, Qt.Key.Key_Return)
    message = page.editor("quiet_hours").message
    assert message.isVisible() and message.text() == (
        "✗ Quiet hours must end at a different time than they start. Nothing was changed."
    )
    assert page.field_status("quiet_hours") == "◷ not set yet: mend the times"
    # Under the times, across the row: beside them it was a column a few words wide (a tester).
    assert message.width() > page.rows["quiet_hours"].width() // 2
    assert page.editor("quiet_hours").value().end == "08:00"  # nothing sent

    end.selectAll()
    qtbot.keyClicks(end, "07:30")
    qtbot.keyClick(end, Qt.Key.Key_Return)  # mended: sent, and the words go
    qtbot.waitUntil(lambda: page.field_status("quiet_hours").startswith("✓ saved"), timeout=WAIT)
    assert not message.isVisible()
    assert (page.editor("quiet_hours").value().start, page.editor("quiet_hours").value().end) == ("21:00", "07:30")


def test_add_block_right_after_a_refused_time_adds_nothing_and_the_refusal_stays(qtbot, built_page) -> None:
    """Found by a support agent: "25:99" typed in the new block's "to", then a click on "Add block":
    the box took its old time back and a block was added with it, unsaid. The click that leaves
    the box adds nothing; the refusal stays said."""
    from PySide6.QtWidgets import QLabel, QPushButton

    page = built_page
    end = find(page, QTimeEdit, "timeAwayEnd")
    page.findChild(QScrollArea, "controlsScroll").ensureWidgetVisible(end)
    end.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(end.hasFocus, timeout=WAIT)
    qtbot.keyClick(end, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(end, "25:99")
    refused = (
        "✗ “25:99” is not a time: type hours 00–23 and minutes 00–59, as 21:30 (or 9:30pm). The box shows 07:00 again."
    )
    assert find(page, QLabel, "timeAwayMessage").text() == refused  # said as typed, before it is left
    add = find(page, QPushButton, "timeAwayAdd")
    with qtbot.assertNotEmitted(page.change_requested):
        qtbot.mouseClick(add, Qt.MouseButton.LeftButton)
        qtbot.wait(100)
    assert not end.hasFocus()
    # The click is told it added nothing (it said nothing: a tester).
    assert find(page, QLabel, "timeAwayMessage").text() == (
        f"{refused} Nothing was added: choose “Add block” again to add it with the times shown."
    )
    with qtbot.waitSignal(page.change_requested, timeout=1000) as added:  # a second click: the time shown
        qtbot.mouseClick(add, Qt.MouseButton.LeftButton)
    assert added.args[1] == "time_away"
