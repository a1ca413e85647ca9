"""A service that answers, but with a failure, is not "You are offline". Found from outside: a
reply the app could not use (cut off, malformed, too big, a 500) turned the banner into "⚠ You
are offline", and the setting into "will be sent when online", which sent a parent to check a
Wi-Fi that was fine. The real app against the real server behind the fault proxy, whose replies
to the controls' PATCH are cut off part way (the service did the work; the app cannot read the
answer, as with a broken reverse proxy in front of it)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QPushButton

from tests.support.accounts import pair
from tests.support.proxy import Fault

from .test_flows import WAIT, click, find, sign_in, wait_status, wait_teen_page


@pytest.mark.usefixtures("real_keyring")
def test_a_service_that_answers_with_a_failure_is_said_as_that_and_the_change_goes_once_later(
    qtbot, launch, proxy, guardian, teen
) -> None:
    pair(guardian.api, teen.api)
    controller = launch()
    sign_in(qtbot, controller, proxy.url, guardian)
    wait_teen_page(qtbot, controller, "Maya")
    page = controller.window.ensure_controls_page()
    proxy.fault(Fault.TRUNCATE, "PATCH /v1/teens", times=1000)
    qtbot.keyClick(find(page, QCheckBox, "search_enabled_check"), Qt.Key.Key_Space)

    banner = controller.window.offline_banner
    qtbot.waitUntil(lambda: banner.isVisible() and "cut off" in banner.text(), timeout=WAIT)
    assert "offline" not in banner.text().lower() and "connection" not in banner.text()
    assert "1 change is waiting and will be sent when the service works again." in banner.text()
    assert banner.accessibleName() == "Service problem"
    wait_status(qtbot, controller, "search_enabled", "◷ will be sent when the service works again")

    proxy.clear()  # the service's replies reach the app whole again
    click(qtbot, find(banner, QPushButton, "offlineBannerAction"))
    wait_status(qtbot, controller, "search_enabled", "✓ saved")
    qtbot.waitUntil(lambda: not banner.isVisible(), timeout=WAIT)
    assert teen.api.my_controls().controls.search_enabled is False
    # The first attempt was done on the service; the ones after it carried the same key: once.
    changes = [e for e in guardian.api.activity(controller.family.current) if e.field == "search_enabled"]
    assert [(e.before, e.after) for e in changes] == [(True, False)]
