"""The pairing wizard's "Cancel" closes it: the button only cancelled the code on the service, and
the wizard stayed open, its countdown running, still saying "Waiting for your teen to enter the
code…" over a code the phone would now refuse (Esc and the window's close button did close it)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from famguard.domain.models import PairingStatus

from .test_flows import WAIT, demo_with_phone, find

pytestmark = pytest.mark.slow


def test_cancel_closes_the_wizard_and_ends_the_code(qtbot, launch):
    controller, window, _panel = demo_with_phone(qtbot, launch)
    window.add_teen_requested.emit()
    pairing = controller.family.pairing
    qtbot.waitUntil(lambda: pairing.wizard is not None and pairing.wizard.state == "waiting", timeout=WAIT)
    wizard, asked = pairing.wizard, pairing.pairing
    assert asked is not None
    qtbot.mouseClick(find(wizard, QPushButton, "cancelPairingButton"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not wizard.isVisible(), timeout=WAIT)
    api = controller.session.api
    qtbot.waitUntil(lambda: api.get_pairing(asked.id).status == PairingStatus.CANCELLED, timeout=WAIT)


@pytest.mark.usefixtures("real_keyring")
def test_esc_when_the_teen_has_accepted_asks_first_and_go_back_keeps_it(qtbot, launch, proxy, guardian, teen) -> None:
    """Found by an outside tester: at "Sam accepted. Is this your teen?", Esc cancelled the
    pairing on the service without a word, and the teen needed a new code. Esc (or the window's
    close button) now asks, "Go back" (the default, Esc's answer too) keeps the pairing waiting for
    Confirm, and "Cancel pairing" cancels it. The "Cancel" button itself still cancels at once."""
    from PySide6.QtWidgets import QMessageBox, QWidget

    from .test_deliberate import in_background, open_wizard
    from .test_flows import sign_in

    controller = launch()
    sign_in(qtbot, controller, proxy.url, guardian)
    qtbot.waitUntil(lambda: controller.family is not None, timeout=WAIT)
    wizard = open_wizard(qtbot, controller)
    asked = controller.family.pairing.pairing
    assert asked is not None
    code = wizard.findChild(QWidget, "pairingCode").text()
    in_background(lambda: teen.api.accept_pairing(teen.api.redeem_pairing(code).id))
    qtbot.waitUntil(lambda: wizard.state == "accepted", timeout=WAIT)

    qtbot.keyClick(wizard, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: wizard.cancel_question is not None and wizard.cancel_question.isVisible(), timeout=WAIT)
    question = wizard.cancel_question
    assert question.text() == "Cancel pairing with Maya?"
    assert question.defaultButton().text() == "&Go back"
    qtbot.keyClick(question, Qt.Key.Key_Escape)  # the safe answer
    qtbot.waitUntil(lambda: wizard.cancel_question is None, timeout=WAIT)
    assert wizard.isVisible() and wizard.state == "accepted"
    api = controller.session.api
    assert api.get_pairing(asked.id).status == PairingStatus.ACCEPTED  # still waiting for Confirm

    wizard.close()  # the window's close button: asked the same way
    qtbot.waitUntil(lambda: wizard.cancel_question is not None and wizard.cancel_question.isVisible(), timeout=WAIT)
    cancel = next(b for b in wizard.cancel_question.buttons() if b.text() == "&Cancel pairing")
    assert isinstance(wizard.cancel_question, QMessageBox)
    qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not wizard.isVisible(), timeout=WAIT)
    qtbot.waitUntil(lambda: api.get_pairing(asked.id).status == PairingStatus.CANCELLED, timeout=WAIT)


@pytest.mark.usefixtures("real_keyring")
def test_cancelled_the_keyboard_is_back_on_add_a_teen(qtbot, launch, proxy, guardian) -> None:
    """Found by an outside tester: after "Add a teen" and Cancel, the keyboard was on the page's
    "Change controls…" instead of where it was."""
    from .test_flows import sign_in

    controller = launch()
    sign_in(qtbot, controller, proxy.url, guardian)
    qtbot.waitUntil(lambda: controller.family is not None, timeout=WAIT)
    window = controller.window
    add_teen = find(window, QPushButton, "addTeenButton")
    qtbot.waitUntil(add_teen.isVisible, timeout=WAIT)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=WAIT)
    add_teen.setFocus()
    qtbot.keyClick(add_teen, Qt.Key.Key_Space)
    pairing = controller.family.pairing
    qtbot.waitUntil(lambda: pairing.wizard is not None and pairing.wizard.state == "waiting", timeout=WAIT)
    wizard = pairing.wizard
    qtbot.keyClick(wizard, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not wizard.isVisible(), timeout=WAIT)
    assert window.focusWidget() is add_teen
