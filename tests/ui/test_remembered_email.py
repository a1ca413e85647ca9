"""The address the sign-in form offers is the one signed in with, trimmed as the service keeps it:
typed at sign-up as "  alex@example.org ", it came back with its spaces at the next sign-in."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QPushButton

from tests.support.accounts import PASSWORD, email

from .conftest import answer_next_question, stop_app
from .test_flows import WAIT, click, find, wait_family


@pytest.mark.usefixtures("failing_keyring")
def test_the_address_typed_with_spaces_comes_back_trimmed(qtbot, launch, live_server) -> None:
    address = email("alex")
    controller = launch(server=live_server)
    window = controller.window
    qtbot.waitUntil(lambda: controller.sessions is not None, timeout=WAIT)
    click(qtbot, find(window, QPushButton, "createAccountChoice"))
    qtbot.keyClicks(find(window, QLineEdit, "displayNameEdit"), "Alex")
    qtbot.keyClicks(find(window, QLineEdit, "emailEdit"), f"  {address} ")
    password = find(window, QLineEdit, "passwordEdit")
    qtbot.keyClicks(password, PASSWORD)
    qtbot.keyClick(password, Qt.Key.Key_Return)
    wait_family(qtbot, controller)
    assert controller.session.email == address

    answer_next_question(qtbot, "Sign out")
    window.sign_out_action.trigger()
    qtbot.waitUntil(lambda: window.current_screen() == "welcomeView", timeout=WAIT)
    click(qtbot, find(window, QPushButton, "signInChoice"))
    qtbot.waitUntil(lambda: window.current_screen() == "signInView", timeout=WAIT)
    assert find(window, QLineEdit, "emailEdit").text() == address
    stop_app(controller)

    again = launch(server=live_server)  # the next start offers what the settings remember
    qtbot.waitUntil(lambda: again.sessions is not None, timeout=WAIT)
    assert find(again.window, QLineEdit, "emailEdit").text() == address
