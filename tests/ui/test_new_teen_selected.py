"""A guardian who already has a teen on screen pairs another (the real service, the wizard): once the
wizard closes, the new teen is the one selected and their home is shown — the guardian had to find
them in the list, with the first teen's home still open."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from tests.support.accounts import member, pair

from .test_deliberate import in_background
from .test_flows import WAIT, sign_in, wait_home


@pytest.mark.usefixtures("real_keyring")
def test_the_teen_just_paired_is_selected_and_shown(qtbot, launch, live_server, proxy, guardian, teen) -> None:
    pair(guardian.api, teen.api)  # Maya, already linked
    controller = launch()
    sign_in(qtbot, controller, proxy.url, guardian)
    wait_home(qtbot, controller, "Maya")
    maya_id = controller.family.current

    leo = member(live_server, "teen", "Leo", address="leo@example.org", age=16)
    controller.window.add_teen_action.trigger()
    pairing = controller.family.pairing
    qtbot.waitUntil(lambda: pairing.wizard is not None and pairing.wizard.state == "waiting", timeout=WAIT)
    wizard = pairing.wizard
    code = wizard.findChild(QWidget, "pairingCode").text()
    in_background(lambda: leo.api.accept_pairing(leo.api.redeem_pairing(code).id))
    qtbot.waitUntil(lambda: wizard.state == "accepted", timeout=WAIT)
    qtbot.mouseClick(wizard.confirm_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: wizard.state == "active", timeout=WAIT)
    wizard.accept()

    wait_home(qtbot, controller, "Leo")
    leo_id = controller.family.current
    assert leo_id not in (None, maya_id)
    assert controller.window.teen_list.current_teen_id() == leo_id
    assert controller.window.teen_list.list.count() == 2
