"""Replies that say when to try again name what is wrong: where the service answered before and
nothing answers now, it has stopped — "when the connection is back" sent the parent to check a
connection that was fine (the real server behind the fault proxy, which refuses connections)."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QPushButton

from famguard.ui.guardian_requests import GuardianRequestsSection
from tests.support.accounts import ask_to_pair, member, pair

from .test_flows import WAIT, click, find, sign_in, wait_home, wait_listening


@pytest.mark.usefixtures("real_keyring")
def test_a_refusal_not_sent_to_a_stopped_service_says_to_answer_once_it_works(
    qtbot, launch, live_server, proxy, guardian, teen
) -> None:
    teen_id = pair(guardian.api, teen.api)
    controller = launch()
    sign_in(qtbot, controller, proxy.url, guardian)
    wait_home(qtbot, controller, "Maya")
    section = controller.window.ensure_home_page().section(GuardianRequestsSection)
    wait_listening(qtbot, controller)
    alex = member(live_server, "guardian", "Alex")
    ask_to_pair(alex.api, teen.api)
    qtbot.waitUntil(lambda: section.findChild(QPushButton, "refuseGuardianButton") is not None, timeout=WAIT)

    proxy.set_offline(True)
    click(qtbot, find(section, QPushButton, "refuseGuardianButton"))
    qtbot.waitUntil(lambda: "✗ Not sent: FamGuard cannot reach the service" in section.text(), timeout=WAIT)
    assert "“Alex” was neither approved nor refused. Answer again when the service works again." in section.text()
    assert [r.guardian_id for r in guardian.api.guardian_requests(teen_id)] == [alex.id]  # still asks
