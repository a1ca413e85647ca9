"""The demo phone's "Extra time" box takes minutes as typed and says when they cannot be asked for:
held to 5–240, it took "300" as "30" without a word (the 150 % tester), and a teen's request went
out for half an hour."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QScrollArea

from famguard.ui.teen_panel import TeenPhonePanel


def _type_and_ask(qtbot, panel: TeenPhonePanel, typed: str) -> None:
    box = panel.more_spin
    box.setFocus()
    box.lineEdit().selectAll()
    qtbot.keyClick(box.lineEdit(), Qt.Key.Key_Backspace)
    qtbot.keyClicks(box.lineEdit(), typed)
    qtbot.mouseClick(panel.more_button, Qt.MouseButton.LeftButton)


def test_minutes_past_what_can_be_asked_are_said_and_nothing_is_asked(qtbot) -> None:
    panel = TeenPhonePanel()
    qtbot.addWidget(panel)
    panel.show()
    qtbot.waitExposed(panel)
    asked: list[tuple[int, str]] = []
    panel.more_time_requested.connect(lambda minutes, reason: asked.append((minutes, reason)))

    _type_and_ask(qtbot, panel, "300")
    assert panel.more_spin.text() == "300 min"  # as typed, not "30"
    assert asked == []
    said = panel.usage_message.text()
    assert said == "✗ Extra time: 300 min is outside the allowed 5–240 min (4 h). Nothing was asked.", said
    assert panel.window().focusWidget() is panel.more_spin  # where to mend it

    # A minus and letters were dropped as they were typed: "-5" asked for 5 min, "abc" for the
    # last number (an outside tester). Kept as typed, and refused in words.
    for typed in ("-5", "abc", "12x"):
        _type_and_ask(qtbot, panel, typed)
        # "abc", not "abc min": words typed are not followed by the box's own unit
        assert panel.more_spin.text() == (typed if typed[-1].isalpha() else f"{typed} min")
        said = panel.usage_message.text()
        assert said.startswith(f"✗ Extra time: “{typed}” is not a number of minutes"), said
        assert said.endswith("Nothing was asked."), said
    assert asked == []
    # The arrows step from no number never shown: "-5" and Down asked for the last number less 1.
    _type_and_ask(qtbot, panel, "-5")
    qtbot.keyClick(panel.more_spin, Qt.Key.Key_Down)
    assert panel.more_spin.text() == "-5 min"
    # Emptied, then the button clicked: the box took its last number back as the focus left it, and
    # that was asked for without a word (an outside tester).
    _type_and_ask(qtbot, panel, "")
    said = panel.usage_message.text()
    assert said == "✗ Extra time: the box is empty; type minutes (90) or hours and minutes (1:30). Nothing was asked."
    assert panel.more_spin.text() == " min"
    assert asked == []

    _type_and_ask(qtbot, panel, "1:30")  # hours and minutes, as a parent writes them
    _type_and_ask(qtbot, panel, "2 hours")  # and in words
    # Typed with its unit, the box does not add its own: it read "90 mins min" (an outside tester).
    panel.more_spin.setFocus()
    panel.more_spin.lineEdit().selectAll()
    qtbot.keyClicks(panel.more_spin.lineEdit(), "90 mins")
    assert panel.more_spin.text() == "90 mins"
    qtbot.mouseClick(panel.more_button, Qt.MouseButton.LeftButton)
    assert asked == [(90, ""), (120, ""), (90, "")]
    assert "4 h" in panel.more_spin.toolTip()  # the range, before anyone types past it


def test_the_refusal_is_brought_into_view_on_a_short_screen(qtbot) -> None:
    """At 150 % on a 1024 × 768 screen the words lay below the phone's visible part: a refused
    "300" changed nothing anyone could see (an outside tester). They scroll into view."""
    panel = TeenPhonePanel()
    qtbot.addWidget(panel)
    panel.resize(360, 260)  # a short phone: the line under "Ask for more time" is out of sight
    panel.show()
    qtbot.waitExposed(panel)
    scroll = panel.findChild(QScrollArea, "teenPhoneScroll")
    scroll.ensureWidgetVisible(panel.more_button, 0, 0)
    qtbot.wait(50)

    def in_view(widget) -> bool:
        top = widget.mapTo(scroll.viewport(), widget.rect().topLeft()).y()
        return widget.isVisible() and 0 <= top and top + widget.height() <= scroll.viewport().height()

    panel.more_spin.lineEdit().setText("300")
    panel.more_button.click()
    assert panel.usage_message.text().startswith("✗ Extra time: 300 min is outside")
    qtbot.waitUntil(lambda: in_view(panel.usage_message), timeout=2000)
