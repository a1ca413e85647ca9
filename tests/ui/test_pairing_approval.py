"""The new guardian's side of an approval: pairing with a teen who has a guardian already, the
wizard says after "Confirm" that one of the teen's guardians must approve, and nothing of the teen
shows; when the guardian approves the teen arrives by itself, and a refusal is said in words.
Against the real service over loopback HTTP (the teen and her guardian act through the client
library, as their own apps would)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton, QWidget

from famguard.server.routes_pairing import APPROVALS_PER_DAY
from tests.support.accounts import ask_to_pair, member, pair

from .test_flows import WAIT, find, sign_in, wait_family
from .test_new_teen_zone import link_from_the_wizard


def _asked(qtbot, launch, live_server, proxy, guardian, teen):
    """Maya is linked with Alex; this guardian pairs with her in the wizard up to Alex's answer.
    Returns (controller, wizard, Alex's client, Maya's id, the request Alex sees)."""
    alex = member(live_server, "guardian", "Alex", address="alex@example.org")
    teen_id = pair(alex.api, teen.api)
    controller = launch()
    sign_in(qtbot, controller, proxy.url, guardian)
    wait_family(qtbot, controller)
    wizard = link_from_the_wizard(qtbot, controller, teen, ends="approval")
    (request,) = alex.api.guardian_requests(teen_id)
    assert request.guardian_name == "Sam Guardian"
    return controller, wizard, alex.api, teen_id, request


@pytest.mark.usefixtures("real_keyring")
def test_the_new_guardian_waits_for_the_guardians_yes_and_then_sees_the_teen(
    qtbot, launch, live_server, proxy, guardian, teen
) -> None:
    controller, wizard, alex, teen_id, request = _asked(qtbot, launch, live_server, proxy, guardian, teen)
    words = find(wizard, QWidget, "pairingEnd").text()
    assert "Maya already has a guardian, and one of Maya's guardians must approve you" in words
    assert find(wizard, QPushButton, "closePairingButton").hasFocus()
    qtbot.wait(500)
    assert controller.window.teen_list.list.count() == 0  # nothing of Maya before the yes

    alex.approve_pairing(request.id)
    qtbot.waitUntil(lambda: wizard.state == "active", timeout=WAIT)
    assert "You are now linked with Maya" in find(wizard, QWidget, "pairingEnd").text()
    qtbot.waitUntil(lambda: controller.window.teen_list.list.count() == 1, timeout=WAIT)
    assert controller.family.current == teen_id  # the new teen is the one shown


@pytest.mark.usefixtures("real_keyring")
def test_a_refusal_is_said_and_links_nothing(qtbot, launch, live_server, proxy, guardian, teen) -> None:
    controller, wizard, alex, _teen_id, request = _asked(qtbot, launch, live_server, proxy, guardian, teen)
    alex.refuse_pairing(request.id)
    qtbot.waitUntil(lambda: wizard.state == "refused", timeout=WAIT)
    assert (
        "One of Maya's guardians refused: you are not linked with Maya." in find(wizard, QWidget, "pairingEnd").text()
    )
    assert controller.window.teen_list.list.count() == 0


@pytest.mark.usefixtures("real_keyring")
def test_a_teen_whose_guardians_were_asked_too_often_today_is_said_so_at_confirm(
    qtbot, launch, live_server, proxy, guardian, teen
) -> None:
    """The service answers 429 at "Confirm" when the teen's guardians were asked 10 times in a day
    (a teen could ask, call off and ask again without end): the wizard said "You have asked for
    many codes in the last hour", which was not the reason, nor the wait."""
    alex = member(live_server, "guardian", "Alex", address="alex@example.org")
    pair(alex.api, teen.api)
    other = member(live_server, "guardian", "Kim")
    for _ in range(APPROVALS_PER_DAY):
        asked = ask_to_pair(other.api, teen.api)
        other.api.cancel_pairing(asked.id)
    controller = launch()
    sign_in(qtbot, controller, proxy.url, guardian)
    wait_family(qtbot, controller)
    wizard = link_from_the_wizard(qtbot, controller, teen, ends="error")
    words = find(wizard, QWidget, "pairingEnd").text()
    assert f"asked {APPROVALS_PER_DAY} times in the last day" in words and "codes" not in words
    assert controller.window.teen_list.list.count() == 0


@pytest.mark.usefixtures("real_keyring")
def test_the_new_guardian_calls_the_request_off_and_the_guardians_are_asked_nothing(
    qtbot, launch, live_server, proxy, guardian, teen
) -> None:
    """Close leaves the question standing (3 days); "Call off the request" takes it back."""
    controller, wizard, alex, teen_id, request = _asked(qtbot, launch, live_server, proxy, guardian, teen)
    call_off = find(wizard, QPushButton, "callOffPairingButton")
    assert call_off.isVisible() and find(wizard, QPushButton, "closePairingButton").isVisible()
    qtbot.mouseClick(call_off, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not wizard.isVisible(), timeout=WAIT)
    qtbot.waitUntil(lambda: alex.guardian_requests(teen_id) == [], timeout=WAIT)
    assert controller.session.api.get_pairing(request.id).status.value == "cancelled"
    assert controller.window.teen_list.list.count() == 0
