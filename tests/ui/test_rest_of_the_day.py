""" "Rest of the day" in the teen's morning: one answer grants at most 4 h (the service's limit),
so with 14 hours to the teen's midnight the button gives 4 h more, and the phone locks long before
midnight. The home must say what the answer gives, not "until midnight"."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from famguard.domain.today import GRANT_MAX
from tests.support.accounts import pair

from .test_flows import WAIT, find, sign_in, wait_home

pytestmark = pytest.mark.slow
ZONES = ("Pacific/Kiritimati", "Asia/Tokyo", "Europe/London", "America/Los_Angeles", "Pacific/Pago_Pago")


@pytest.mark.usefixtures("real_keyring")
def test_rest_of_the_day_in_the_morning_says_what_it_gives(qtbot, launch, live_server, guardian, teen) -> None:
    now = datetime.now(UTC)
    zone = next(z for z in ZONES if now.astimezone(ZoneInfo(z)).hour < 18)  # 6 h or more to her midnight
    local = now.astimezone(ZoneInfo(zone))
    to_midnight = datetime.combine(local.date() + timedelta(days=1), datetime.min.time(), local.tzinfo) - local
    assert to_midnight > timedelta(minutes=GRANT_MAX + 60)
    teen_id = pair(guardian.api, teen.api)
    etag = guardian.api.get_controls(teen_id).etag  # type: ignore[union-attr]
    guardian.api.patch_controls(teen_id, {"timezone": zone}, if_match=etag)
    teen.api.ask_for_time(30, "film night")

    controller = launch()
    sign_in(qtbot, controller, live_server, guardian)
    wait_home(qtbot, controller, "Maya")
    home = controller.window.ensure_home_page()
    qtbot.waitUntil(lambda: home.findChild(QPushButton, "approve_rest") is not None, timeout=WAIT)
    rest = find(home, QPushButton, "approve_rest")
    said = f"{rest.text()} {rest.toolTip()} {rest.accessibleName()}"
    assert "until midnight" not in said and "Rest of the day" not in said, said
    assert "4 h" in rest.text() and "the most one answer gives" in rest.toolTip()
    qtbot.mouseClick(rest, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: teen.api.my_time_requests()[0].status.value == "approved", timeout=WAIT)
    assert teen.api.my_usage().limit_minutes == 60 + GRANT_MAX  # what the phone counts against: 5 h
