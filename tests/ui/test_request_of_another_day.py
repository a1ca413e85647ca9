"""A request for more time the teen made on an earlier day of theirs, still waiting: approving it
raises that day's limit only (the service's rule), so the home must not say "asks for 30 min more
today" nor offer "the rest of the day" for it — the phone's today would not move. The home and
the inbox name the day the teen asked for."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton

from tests.support.accounts import member, pair

from .test_flows import WAIT, find, sign_in, wait_home

pytestmark = pytest.mark.slow


@pytest.mark.usefixtures("real_keyring")
def test_a_request_of_yesterday_is_not_worded_as_more_time_today(qtbot, launch, clocked_server, clock) -> None:
    clock.now = datetime.now(UTC) - timedelta(days=1)  # the teen asked yesterday
    alex = member(clocked_server, "guardian", "Alex", address="alex@example.org")
    maya = member(clocked_server, "teen", "Maya", address="maya@example.org", age=14)
    pair(alex.api, maya.api)
    asked = maya.api.ask_for_time(30, "homework")
    clock.now = datetime.now(UTC)  # and now it is today, the request still waiting
    zone = alex.api.get_controls(asked.teen_id).controls.timezone  # type: ignore[union-attr]
    assert asked.date == datetime.now(UTC).astimezone(ZoneInfo(zone)).date() - timedelta(days=1)

    controller = launch()
    sign_in(qtbot, controller, clocked_server, alex)
    wait_home(qtbot, controller, "Maya")
    home = controller.window.ensure_home_page()
    qtbot.waitUntil(lambda: home.findChild(QLabel, "timeRequestText") is not None, timeout=WAIT)
    text = home.findChild(QLabel, "timeRequestText").text()
    day = f"{asked.date:%A} {asked.date.day} {asked.date:%B}"
    assert "more today" not in text and f"Maya asks for 30 min more on {day} (yesterday)" in text
    assert "not today" in text
    assert home.findChild(QPushButton, "approve_rest") is None  # the rest of today is not that day's

    # The inbox says the same, and "Rest of the day" (today's minutes) leaves that request waiting.
    controller.window.inbox_action.trigger()
    inbox = controller.family.inbox.dialog
    qtbot.waitUntil(lambda: inbox is not None and inbox.isVisible() and inbox.table.rowCount() == 1, timeout=WAIT)
    assert inbox.table.item(0, 1).text() == f"+30 min on {day} (yesterday)"
    inbox.table.selectRow(0)
    qtbot.mouseClick(find(inbox, QPushButton, "inboxAnswer_rest"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Not answered" in find(inbox, QLabel, "inboxStatus").text(), timeout=WAIT)
    assert [r.status.value for r in maya.api.my_time_requests()] == ["pending"]
