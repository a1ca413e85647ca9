"""The delivery receipt stays true across the teen's midnight (a teen in Auckland): a temporary
rule planned to start tomorrow changes what the phone must apply when the teen's day turns (the
service's effective controls carry the rule from then on). The phone has not applied it yet, so
"✓ On Maya's phone since …" is no longer true — the receipt must say the phone is waiting, as
the service says."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtWidgets import QWidget

from tests.support.accounts import member, pair

from .test_flows import WAIT, find, sign_in, wait_home

pytestmark = pytest.mark.slow
TEEN_ZONE = "Pacific/Auckland"  # the guardian's computer is elsewhere


@pytest.mark.usefixtures("real_keyring")
def test_a_rule_starting_at_the_teens_midnight_is_not_on_the_phone_yet(qtbot, launch, clocked_server, clock) -> None:
    local = datetime.now(UTC).astimezone(ZoneInfo(TEEN_ZONE))
    midnight = datetime.combine(local.date() + timedelta(days=1), time(0, 0), local.tzinfo)
    clock.now = (midnight - timedelta(minutes=5)).astimezone(UTC)  # 23:55 for the teen
    alex = member(clocked_server, "guardian", "Alex", address="alex@example.org")
    maya = member(clocked_server, "teen", "Maya", address="maya@example.org", age=14)
    teen_id = pair(alex.api, maya.api)
    etag = alex.api.get_controls(teen_id).etag  # type: ignore[union-attr]
    alex.api.patch_controls(teen_id, {"timezone": TEEN_ZONE}, if_match=etag)
    tomorrow = maya.api.my_usage().date + timedelta(days=1)
    assert tomorrow == midnight.date()
    controls = {"daily_limit_minutes": 30, "daily_limit_overrides": {}}
    alex.api.create_temporary_rule(teen_id, "Exam weeks", tomorrow, tomorrow + timedelta(days=6), controls)
    maya.api.report_applied(maya.api.my_controls().etag)  # the phone has today's rules

    controller = launch()
    sign_in(qtbot, controller, clocked_server, alex)
    wait_home(qtbot, controller, "Maya")
    trust = controller.family.trust
    home_phone = find(controller.window.ensure_home_page(), QWidget, "phoneStatus")
    trust.clock = lambda: clock.now
    qtbot.waitUntil(lambda: "✓ On Maya's phone since" in home_phone.text(), timeout=WAIT)
    assert "Exam weeks" not in find(controller.window, QWidget, "homeRule").text()

    clock.advance(minutes=10)  # the teen's midnight has passed, on the service and on this computer
    trust._timer.setInterval(50)  # the receipt is worded again as time passes (every 30 s)
    qtbot.waitUntil(lambda: "◷ Exam weeks" in find(controller.window, QWidget, "homeRule").text(), timeout=WAIT)
    # (Asked only after: any read of the rules makes the service tell the family the rule started.)
    qtbot.waitUntil(lambda: "✓ On Maya's phone since" not in home_phone.text(), timeout=WAIT)
    assert "Maya's phone" in home_phone.text() and "latest rules" in home_phone.text()
    assert not alex.api.phone_status(teen_id).up_to_date  # the service: the phone must apply the rule


@pytest.mark.usefixtures("real_keyring")
def test_a_teen_turning_16_at_her_midnight_is_16_on_the_guardians_screen(qtbot, launch, clocked_server, clock) -> None:
    """Auckland's midnight is 11:00 in London: from then the service counts Maya as 16 (direct
    messages can be opened), and the guardian's home must say so, not "Maya, 15" until the
    next time something else makes the app ask."""
    local = datetime.now(UTC).astimezone(ZoneInfo(TEEN_ZONE))
    midnight = datetime.combine(local.date() + timedelta(days=1), time(0, 0), local.tzinfo)
    clock.now = (midnight - timedelta(minutes=5)).astimezone(UTC)
    born = midnight.date().replace(year=midnight.year - 16)
    alex = member(clocked_server, "guardian", "Alex", address="alex@example.org")
    maya = member(clocked_server, "teen", "Maya", address="maya@example.org", birth_date=born)
    teen_id = pair(alex.api, maya.api)
    etag = alex.api.get_controls(teen_id).etag  # type: ignore[union-attr]
    alex.api.patch_controls(teen_id, {"timezone": TEEN_ZONE}, if_match=etag)

    controller = launch()
    sign_in(qtbot, controller, clocked_server, alex)
    wait_home(qtbot, controller, "Maya, 15")
    trust = controller.family.trust
    trust.clock = lambda: clock.now
    qtbot.waitUntil(lambda: trust.cached is not None, timeout=WAIT)

    clock.advance(minutes=10)  # her 16th birthday has begun where she is
    trust._timer.setInterval(50)  # the phone page is worded again as time passes (every 30 s)
    wait_home(qtbot, controller, "Maya, 16")
    assert [t.age for t in alex.api.teens()] == [16]  # the service says the same
