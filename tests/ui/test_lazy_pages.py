"""A teen's pages other than the home are built when first shown, not when the family opens
(building them all at once held the GUI thread for up to ~125 ms), and a page built late shows
the selected teen at once: its presenter wires it when the window builds it."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMenu

from famguard.ui.history_page import ChangeHistoryPage
from famguard.ui.main_window import MainWindow
from famguard.ui.screen_time_page import ScreenTimePage
from famguard.ui.trust_page import TrustPage
from tests.support.accounts import pair

from .test_flows import WAIT, sign_in, wait_home
from .test_keyboard_walk import press


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


def _back_to(qtbot, window: MainWindow) -> None:
    """The main window active again after another window, with the keyboard at the family."""
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=WAIT)
    window.teen_list.list.setFocus()


def _click_menu_entry(qtbot, window: MainWindow, menu: QMenu, text: str) -> None:
    """Open `menu` from the menu bar with the mouse and click its entry `text`."""
    bar = window.menuBar()
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.actionGeometry(menu.menuAction()).center())
    qtbot.waitUntil(menu.isVisible, timeout=WAIT)
    action = next(a for a in menu.actions() if a.text() == text)
    qtbot.mouseClick(menu, Qt.MouseButton.LeftButton, pos=menu.actionGeometry(action).center())


@pytest.mark.usefixtures("real_keyring")
def test_pages_and_dialogs_made_on_first_use_work_the_first_time_by_keyboard_and_mouse(
    qtbot, launch, proxy, guardian, teen
) -> None:
    pair(guardian.api, teen.api)
    controller = launch()
    window = controller.window
    sign_in(qtbot, controller, proxy.url, guardian)
    wait_home(qtbot, controller, "Maya")
    family = controller.family
    # Nothing was made for what the guardian has not opened yet (the family opened without them).
    assert (family._history, family._screen_time, family._agreement, family._pairing, family._inbox) == (None,) * 5
    assert controller._safety_centre is None
    window.activateWindow()
    window.teen_list.list.setFocus()
    ctrl = Qt.KeyboardModifier.ControlModifier

    press(qtbot, Qt.Key.Key_4, ctrl)  # View > Change history, by its shortcut
    history = window.built_page("history")
    assert isinstance(history, ChangeHistoryPage)
    qtbot.waitUntil(lambda: history.isVisible() and history.teen_name == "Maya" and bool(history.model.lines),
                    timeout=WAIT)  # fmt: skip
    assert any("linked with Maya" in line.headline for line in history.model.lines)

    press(qtbot, Qt.Key.Key_3, ctrl)  # View > Screen time
    screen_time = window.built_page("screen_time")
    assert isinstance(screen_time, ScreenTimePage)
    qtbot.waitUntil(lambda: screen_time.isVisible() and screen_time.chart.chart is not None, timeout=WAIT)

    _click_menu_entry(qtbot, window, window.view_menu, "&Phone and temporary rules")  # with the mouse
    phone = window.built_page("phone")
    assert isinstance(phone, TrustPage)
    qtbot.waitUntil(lambda: phone.isVisible() and "Maya's phone" in phone.title.text(), timeout=WAIT)

    _click_menu_entry(qtbot, window, window.account_menu, "Family a&greement…")
    qtbot.waitUntil(lambda: family.agreement.dialog is not None and family.agreement.dialog.isVisible(), timeout=WAIT)
    family.agreement.dialog.reject()

    _click_menu_entry(qtbot, window, window.help_menu, "&Safety Centre…")
    qtbot.waitUntil(lambda: controller.safety_centre.dialog is not None and controller.safety_centre.dialog.isVisible(),
                    timeout=WAIT)  # fmt: skip
    controller.safety_centre.dialog.close()

    _back_to(qtbot, window)
    press(qtbot, Qt.Key.Key_I, ctrl)  # the requests inbox
    qtbot.waitUntil(lambda: family.inbox.dialog is not None and family.inbox.dialog.isVisible(), timeout=WAIT)
    family.inbox.dialog.close()

    _back_to(qtbot, window)
    press(qtbot, Qt.Key.Key_N, ctrl)  # Account > Add a teen
    qtbot.waitUntil(lambda: family.pairing.wizard is not None and family.pairing.wizard.isVisible(), timeout=WAIT)
    assert not controller.reported  # type: ignore[attr-defined]


@pytest.mark.usefixtures("real_keyring")
def test_history_opened_after_a_change_landed_shows_it(qtbot, launch, proxy, guardian, teen) -> None:
    """The change's notices came while the history had no presenter: made on opening, it reads
    what the store has by then."""
    teen_id = pair(guardian.api, teen.api)
    controller = launch()
    window = controller.window
    sign_in(qtbot, controller, proxy.url, guardian)
    wait_home(qtbot, controller, "Maya")
    home = window.ensure_home_page()

    current = guardian.api.get_controls(teen_id)  # the same guardian, on another computer
    assert current is not None
    guardian.api.patch_controls(teen_id, {"daily_limit_minutes": 75}, if_match=current.etag)
    qtbot.waitUntil(lambda: "1 h 15 min" in home.today_text(), timeout=WAIT)  # the notices were handled
    assert controller.family._history is None and window.built_page("history") is None

    window.activateWindow()
    window.teen_list.list.setFocus()
    press(qtbot, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    history = window.built_page("history")
    assert isinstance(history, ChangeHistoryPage)
    qtbot.waitUntil(lambda: history.isVisible() and bool(history.model.lines), timeout=WAIT)
    qtbot.waitUntil(lambda: "changed daily screen-time limit" in history.model.lines[0].headline, timeout=WAIT)
    assert "1 h 15 min" in history.model.lines[0].change
