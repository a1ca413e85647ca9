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
