"""The demo phone's "Extra time" box takes minutes as typed and says when they cannot be asked for:
held to 5–240, it took "300" as "30" without a word (the 150 % tester), and a teen's request went
out for half an hour."""

from __future__ import annotations

from PySide6.QtCore import Qt

from famguard.ui.teen_panel import TeenPhonePanel


def _type_and_ask(qtbot, panel: TeenPhonePanel, typed: str) -> None:
    box = panel.more_spin
    box.setFocus()
    box.lineEdit().selectAll()
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

    _type_and_ask(qtbot, panel, "1:30")  # hours and minutes, as a parent writes them
    assert asked == [(90, "")]
    assert "4 h" in panel.more_spin.toolTip()  # the range, before anyone types past it
