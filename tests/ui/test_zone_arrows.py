"""The time-zone box steps from the zone it shows: an arrow key moves Maya's day from
Europe/London to its neighbour in the list, never to the top of the list. The box had kept its
first entry as the current one whatever zone it showed, so one press of Down (applied once the
guardian stops) moved the teen's day to Africa/Accra."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from famguard.domain.controls import SPECS
from famguard.ui.control_editors import make_editor


@pytest.mark.parametrize("zone", ["Europe/London", "America/New_York", "Etc/UTC"])
def test_an_arrow_key_steps_from_the_zone_shown(qtbot, zone: str) -> None:
    editor = make_editor(SPECS["timezone"])
    qtbot.addWidget(editor)
    editor.set_value(zone)
    editor.show()
    combo = editor.combo
    assert combo.itemText(combo.currentIndex()) == zone  # what the open list highlights, too
    above = combo.itemText(combo.currentIndex() - 1)
    combo.setFocus()
    with qtbot.waitSignal(editor.value_changed, timeout=5000) as picked:
        qtbot.keyClick(combo, Qt.Key.Key_Up)
        qtbot.keyClick(combo, Qt.Key.Key_Return)
    assert picked.args == [above]
