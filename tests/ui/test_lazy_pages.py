"""A teen's pages other than the home are built when first shown, not when the family opens
(building them all at once held the GUI thread for up to ~125 ms), and a page built late shows
the selected teen at once: its presenter wires it when the window builds it."""

from __future__ import annotations

import pytest

from famguard.ui.history_page import ChangeHistoryPage
from famguard.ui.screen_time_page import ScreenTimePage
from tests.support.accounts import pair

from .test_flows import WAIT, sign_in, wait_home


@pytest.mark.usefixtures("real_keyring")
def test_pages_are_built_on_first_show_and_show_the_selected_teen(qtbot, launch, proxy, guardian, teen) -> None:
    pair(guardian.api, teen.api)
    controller = launch()
    window = controller.window
    sign_in(qtbot, controller, proxy.url, guardian)
    wait_home(qtbot, controller, "Maya")
    qtbot.wait(300)  # the family's first reads have come back: nothing asked for a hidden page
    assert window.built_page("screen_time") is None
    assert window.built_page("history") is None
    assert window.built_page("phone") is None

    window.page_requested.emit("history")  # View > Change history
    history = window.built_page("history")
    assert isinstance(history, ChangeHistoryPage) and history.isVisible()
    qtbot.waitUntil(lambda: history.teen_name == "Maya" and bool(history.model.entries), timeout=WAIT)
    assert any("linked with Maya" in line.headline for line in history.model.lines)

    window.page_requested.emit("screen_time")  # View > Screen time
    screen_time = window.built_page("screen_time")
    assert isinstance(screen_time, ScreenTimePage) and screen_time.isVisible()
    qtbot.waitUntil(lambda: screen_time.chart.chart is not None, timeout=WAIT)
    assert window.page("history", ChangeHistoryPage) is history  # built once
