"""The requests inbox answers "as asked": each selected request gets the time it asked for. Found
by an outside tester: a request for 45 min could be given its 45 min on the teen's home only (its
own button is there); the inbox offered +15 min, +30 min, +1 h, the rest of the day or deny."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from famguard.ui.inbox import AS_ASKED

from .test_deliberate import maya_and_leo
from .test_flows import WAIT, sign_in

pytestmark = pytest.mark.usefixtures("real_keyring")


def test_as_asked_gives_each_selected_request_its_own_minutes_from_the_keyboard(
    qtbot, launch, live_server, guardian, teen
) -> None:
    leo, leo_id = maya_and_leo(live_server, guardian, teen)
    leo.api.ask_for_time(45, "band practice video")
    teen.api.ask_for_time(100, "school project edit")
    controller = launch()
    sign_in(qtbot, controller, live_server, guardian)
    qtbot.waitUntil(lambda: controller.family is not None, timeout=WAIT)
    qtbot.waitUntil(lambda: len(controller.family.home.pending()) == 2, timeout=WAIT)

    controller.window.inbox_action.trigger()
    inbox = controller.family.inbox.dialog
    qtbot.waitUntil(lambda: inbox is not None and inbox.isVisible() and inbox.table.rowCount() == 2, timeout=WAIT)
    assert sorted(inbox.table.item(row, 1).text() for row in range(2)) == ["+1 h 40 min", "+45 min"]
    as_asked = inbox.buttons[AS_ASKED]
    assert as_asked.text().replace("&", "") == "As asked"
    assert as_asked.accessibleName() == "Allow what each request asked for"
    inbox.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is inbox, timeout=WAIT)
    qtbot.keyClick(inbox.table, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)  # every request
    assert len(inbox.selected()) == 2
    qtbot.keyClick(inbox.table, Qt.Key.Key_A, Qt.KeyboardModifier.AltModifier)  # its mnemonic

    qtbot.waitUntil(lambda: inbox.table.rowCount() == 0, timeout=WAIT)
    # The answers' outcome follows both answers (the list may empty first, from the service's news).
    qtbot.waitUntil(lambda: not inbox.status.text().startswith("Sending"), timeout=WAIT)
    status = inbox.status.text()
    assert status.startswith("✓ Allowed "), status
    assert "45 min more for Leo" in status and "1 h 40 min more for Maya" in status, status
    ((leos,), (mayas,)) = leo.api.my_time_requests(), teen.api.my_time_requests()
    assert (leos.status.value, leos.granted_minutes) == ("approved", 45)
    assert (mayas.status.value, mayas.granted_minutes) == ("approved", 100)
    qtbot.waitUntil(lambda: "of 1 h 45 min today" in controller.window.teen_list.item_text(leo_id), timeout=WAIT)
