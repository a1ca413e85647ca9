"""The sign-in and create-account forms against an address that answers HTTP but is not a
FamGuard service (a real web server on loopback: Python's http.server, which answers every POST
with an HTML "501 Unsupported method"): the form says what the address is and what to do, and
stays usable — never "The service had a problem… Try again in a moment"."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QPushButton

from tests.support.web_server import plain_web_server

from .test_flows import WAIT, find, sign_in


@pytest.fixture
def web_server(tmp_path: Path) -> Iterator[str]:
    with plain_web_server(tmp_path / "site") as url:
        yield url


@pytest.mark.usefixtures("failing_keyring")
def test_signing_in_to_a_web_server_says_it_is_not_famguard(qtbot, launch, guardian, web_server) -> None:
    controller = launch()
    sign_in(qtbot, controller, web_server, guardian, keep=False)
    message = controller.window.sign_in.message
    qtbot.waitUntil(lambda: message.isVisible() and message.text().startswith("✗"), timeout=WAIT)
    assert "not as a FamGuard service" in message.text() and "Check the service address" in message.text()
    assert "Try again in a moment" not in message.text()
    assert find(controller.window, QPushButton, "signInSubmit").isEnabled()
    # The keyboard is in the field to correct — the address, selected to type over — not the password.
    server = find(controller.window, QLineEdit, "serverEdit")
    qtbot.waitUntil(server.hasFocus, timeout=WAIT)
    assert server.selectedText() == server.text()


@pytest.mark.usefixtures("failing_keyring")
def test_creating_an_account_on_a_web_server_says_it_is_not_famguard(qtbot, launch, web_server) -> None:
    controller = launch()
    window = controller.window
    qtbot.waitUntil(lambda: controller.sessions is not None, timeout=WAIT)
    qtbot.mouseClick(find(window, QPushButton, "createAccountChoice"), Qt.MouseButton.LeftButton)
    for name, text in (("serverEdit", web_server), ("displayNameEdit", "Pat Parent"), ("emailEdit", "pat@example.org"),
                       ("passwordEdit", "correct horse battery")):  # fmt: skip
        edit = find(window, QLineEdit, name)
        edit.clear()
        qtbot.keyClicks(edit, text)
    qtbot.keyClick(find(window, QLineEdit, "passwordEdit"), Qt.Key.Key_Return)
    message = window.sign_in.message
    qtbot.waitUntil(lambda: message.isVisible() and message.text().startswith("✗"), timeout=WAIT)
    assert "not as a FamGuard service" in message.text(), message.text()
    assert "Try again in a moment" not in message.text()
    qtbot.waitUntil(find(window, QLineEdit, "serverEdit").hasFocus, timeout=WAIT)
