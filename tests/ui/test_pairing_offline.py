"""The pairing wizard says when FamGuard cannot reach the service: with the network gone it went
on saying "Waiting for your teen to enter the code…" (the offline banner sat behind it, under a
modal window), so the teen typed a code nobody could take. Once the service answers again the
wizard waits as before, and the pairing goes on from where it was."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton

from .test_flows import WAIT, find, sign_in, wait_family


@pytest.mark.usefixtures("real_keyring")
def test_the_wizard_says_the_service_is_out_of_reach_and_goes_on_when_it_is_back(
    qtbot, launch, proxy, guardian, teen
) -> None:
    controller = launch()
    sign_in(qtbot, controller, proxy.url, guardian)
    wait_family(qtbot, controller)
    qtbot.mouseClick(find(controller.window, QPushButton, "addTeenButton"), Qt.MouseButton.LeftButton)
    pairing = controller.family.pairing
    qtbot.waitUntil(lambda: pairing.wizard is not None and pairing.wizard.state == "waiting", timeout=WAIT)
    wizard = pairing.wizard
    status = find(wizard, QLabel, "pairingStatus")
    assert status.text() == "↻ Waiting for your teen to enter the code…"
    code = find(wizard, QLabel, "pairingCode").text()

    proxy.set_offline(True)
    qtbot.waitUntil(lambda: "cannot reach the service" in status.text(), timeout=WAIT)
    assert status.text().startswith("⚠")

    proxy.set_offline(False)
    qtbot.waitUntil(lambda: status.text() == "↻ Waiting for your teen to enter the code…", timeout=WAIT)
    redeemed = teen.api.redeem_pairing(code)
    teen.api.accept_pairing(redeemed.id)
    qtbot.waitUntil(lambda: wizard.state == "accepted", timeout=WAIT)
