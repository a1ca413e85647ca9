"""The history and screen-time pages follow the family shown now, after the demo is reset or a
guardian signs out and in again. Found by trying the demo: after "Reset demo" the history kept
saying "Change history — Maya" with the old entries whichever teen was selected, and its filters
and "Undo this change" did nothing — the page had been built for the first family, and the new
family made its presenter only when a page was built for the first time."""

from __future__ import annotations

import pytest

from famguard.ui.history_page import ChangeHistoryPage
from famguard.ui.screen_time_page import ScreenTimePage

from .test_flows import WAIT, demo_with_phone, wait_family

pytestmark = pytest.mark.slow


def _select(window, controller, name: str) -> str:
    teen_id = next(t for t, r in controller.family.teens.items() if r.name == name)
    window.teen_list.select(teen_id)
    return teen_id


def test_after_a_reset_the_history_and_screen_time_follow_the_selected_teen(qtbot, launch):
    controller, window, _panel = demo_with_phone(qtbot, launch)
    window.show_page("screen_time")
    _select(window, controller, "Sam")
    window.show_page("history")
    history = window.page("history", ChangeHistoryPage)
    screen_time = window.page("screen_time", ScreenTimePage)
    qtbot.waitUntil(lambda: history.title.text() == "Change history — Sam" and bool(history.entries()), timeout=WAIT)
    old_entries = history.entries()

    first_family = controller.family
    window.reset_demo_requested.emit()
    qtbot.waitUntil(lambda: controller.family is not None and controller.family is not first_family, timeout=WAIT)
    wait_family(qtbot, controller)
    qtbot.waitUntil(lambda: window.teen_list.list.count() == 2, timeout=WAIT)

    maya = _select(window, controller, "Maya")
    window.show_page("history")
    qtbot.waitUntil(lambda: history.title.text() == "Change history — Maya", timeout=WAIT)
    qtbot.waitUntil(lambda: bool(history.entries()) and history.entries() != old_entries, timeout=WAIT)
    assert {entry.teen_id for entry in history.entries()} == {maya}
    window.show_page("screen_time")
    qtbot.waitUntil(lambda: screen_time.title.text() == "Screen time — Maya", timeout=WAIT)
