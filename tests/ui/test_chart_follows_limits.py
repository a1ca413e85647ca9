"""The usage chart's limit line is the service's: when the other guardian changes the daily limit,
or plans a temporary rule from today, while this guardian has the chart open, today's bar is
measured against the new limit within a second — as the teen's phone counts it — not the one the
chart was drawn with."""

from __future__ import annotations

from datetime import timedelta

import pytest

from famguard.ui.main_window import SCREEN_TIME_PAGE
from famguard.ui.screen_time_page import ScreenTimePage
from tests.support.accounts import member, pair

from .test_flows import WAIT, sign_in, wait_home

pytestmark = pytest.mark.slow


@pytest.mark.usefixtures("real_keyring")
def test_the_chart_follows_the_other_guardians_limit_and_rule(qtbot, launch, live_server) -> None:
    alex = member(live_server, "guardian", "Alex", address="alex@example.org")
    sam = member(live_server, "guardian", "Sam", address="sam@example.org")
    maya = member(live_server, "teen", "Maya", address="maya@example.org", age=14)
    teen_id = pair(alex.api, maya.api)
    pair(sam.api, maya.api, approver=alex.api)
    today = maya.api.report_usage(maya.api.my_usage().date, 20).date

    controller = launch()
    sign_in(qtbot, controller, live_server, alex)
    wait_home(qtbot, controller, "Maya")
    controller.window.page_requested.emit(SCREEN_TIME_PAGE)
    page = controller.window.page(SCREEN_TIME_PAGE, ScreenTimePage)

    def today_limit() -> int | None:
        chart = page.chart.chart
        day = next((d for d in chart.days if d.today), None) if chart is not None else None
        return day.limit if day is not None and day.reported else None

    qtbot.waitUntil(lambda: today_limit() == 60, timeout=WAIT)

    etag = sam.api.get_controls(teen_id).etag  # type: ignore[union-attr]
    sam.api.patch_controls(teen_id, {"daily_limit_minutes": 45}, if_match=etag)
    assert maya.api.my_usage().limit_minutes == 45  # what the phone counts against
    qtbot.waitUntil(lambda: today_limit() == 45, timeout=WAIT)

    controls = {"daily_limit_minutes": 30, "daily_limit_overrides": {}}
    sam.api.create_temporary_rule(teen_id, "Exam weeks", today, today + timedelta(days=6), controls)
    assert maya.api.my_usage().limit_minutes == 30
    qtbot.waitUntil(lambda: today_limit() == 30, timeout=WAIT)
