"""Quitting with a change that has not reached the service (the real server stopped, the real
keyring): the app says the change is kept and when it goes, with "Keep FamGuard open" as the answer
Enter gives; quitting anyway keeps the change, which the next start sends. With nothing unsent the
app quits without a question."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QRadioButton

from tests.support.accounts import member, pair

from .conftest import answer_next_question, stop_app
from .test_flows import WAIT, find, sign_in, wait_status, wait_teen_page


def _offline_with_one_change(qtbot, launch, restartable):
    """Sam signed in with Maya on screen; the service stops and Sam turns search off: one change
    waits. Returns the app, Maya, and the list `closing` appends to when the window closes."""
    guardian = member(restartable.url, "guardian", "Sam Guardian", address="sam@example.org")
    teen = member(restartable.url, "teen", "Maya", address="maya@example.org", age=14)
    pair(guardian.api, teen.api)
    controller = launch()
    sign_in(qtbot, controller, restartable.url, guardian)
    wait_teen_page(qtbot, controller, "Maya")
    closed: list[bool] = []
    controller.window.closing.connect(lambda: closed.append(True))
    restartable.stop()
    qtbot.keyClick(find(controller.window.ensure_controls_page(), QCheckBox, "search_enabled_check"), Qt.Key.Key_Space)
    wait_status(qtbot, controller, "search_enabled", "◷ will be sent when the service works again")
    return controller, teen, closed


@pytest.mark.usefixtures("real_keyring")
def test_quitting_with_an_unsent_change_asks_and_enter_keeps_the_app_open(qtbot, launch, restartable) -> None:
    controller, teen, closed = _offline_with_one_change(qtbot, launch, restartable)
    window = controller.window

    asked = answer_next_question(qtbot)  # Enter
    window.quit_action.trigger()
    qtbot.waitUntil(lambda: bool(asked), timeout=WAIT)
    assert asked == [
        (
            "1 change has not reached the service yet: Maya's “Search”.",
            "It is kept on this computer and sent the next time FamGuard is open and online; until then your "
            "teen's phone keeps the settings it has. Quit anyway?",
        )
    ]
    qtbot.wait(200)
    assert window.isVisible() and closed == []  # kept open: the change still waits here

    # Back online, the change goes; quitting then asks nothing.
    restartable.start()
    qtbot.waitUntil(lambda: teen.api.my_controls().controls.search_enabled is False, timeout=WAIT)
    qtbot.waitUntil(lambda: controller.session is not None and controller.session.unsent_changes() == 0,
                    timeout=WAIT)  # fmt: skip
    window.quit_action.trigger()
    qtbot.waitUntil(lambda: closed == [True], timeout=WAIT)
    assert len(asked) == 1


@pytest.mark.usefixtures("real_keyring")
def test_quitting_anyway_keeps_the_change_for_the_next_start(qtbot, launch, restartable) -> None:
    controller, teen, closed = _offline_with_one_change(qtbot, launch, restartable)
    window = controller.window

    asked = answer_next_question(qtbot, "Quit anyway")
    window.close()  # the window's close button quits as Ctrl+Q does (no tray here)
    qtbot.waitUntil(lambda: closed == [True], timeout=WAIT)
    assert asked[0][0] == "1 change has not reached the service yet: Maya's “Search”."
    stop_app(controller)

    restartable.start()
    again = launch()
    wait_teen_page(qtbot, again, "Maya")
    qtbot.waitUntil(lambda: teen.api.my_controls().controls.search_enabled is False, timeout=WAIT)


@pytest.mark.usefixtures("real_keyring")
def test_a_choice_made_with_the_arrows_just_before_quitting_is_counted_and_asked_about(
    qtbot, launch, restartable
) -> None:
    """Right on the daily limit, then Ctrl+Q within the second the choice waits for the guardian
    to stop, the service stopped: the count of changes not sent ran before the choice was made (it
    was made only as the window went), so the app quit without a word, the phone keeping the old
    limit until the next start."""
    controller, _teen, closed = _offline_with_one_change(qtbot, launch, restartable)
    window = controller.window
    page = window.ensure_controls_page()
    sixty = find(page, QRadioButton, "dailyLimit_60")
    assert sixty.isChecked()
    sixty.setFocus()
    qtbot.keyClick(sixty, Qt.Key.Key_Right)  # 90, waiting for the guardian to stop
    assert find(page, QRadioButton, "dailyLimit_90").isChecked()

    asked = answer_next_question(qtbot)  # Enter: keep FamGuard open
    window.quit_action.trigger()
    qtbot.waitUntil(lambda: bool(asked), timeout=WAIT)
    assert asked[0][0] == ("2 changes have not reached the service yet: Maya's “Search” and “Daily screen-time limit”.")
    assert window.isVisible() and closed == []
