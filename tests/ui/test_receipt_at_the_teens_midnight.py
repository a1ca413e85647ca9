"""The delivery receipt stays true across the teen's midnight (a teen in Auckland): a temporary
rule planned to start tomorrow changes what the phone must apply when the teen's day turns (the
service's effective controls carry the rule from then on). The phone has not applied it yet, so
"✓ On Maya's phone since …" is no longer true — the receipt must say the phone is waiting, as
the service says."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtWidgets import QWidget

from famguard.ui.main_window import SCREEN_TIME_PAGE
from famguard.ui.screen_time_page import ScreenTimePage
from tests.support.accounts import Member, member, pair
from tests.support.servers import FakeClock

from .test_flows import WAIT, find, sign_in, wait_home

pytestmark = pytest.mark.slow
TEEN_ZONE = "Pacific/Auckland"  # the guardian's computer is elsewhere


def her_midnight() -> datetime:
    """The next midnight in Auckland."""
    local = datetime.now(UTC).astimezone(ZoneInfo(TEEN_ZONE))
    return datetime.combine(local.date() + timedelta(days=1), time(0, 0), local.tzinfo)


def before_her_midnight(server: str, clock: FakeClock, born: date | None = None) -> tuple[Member, Member, str, date]:
    """At 23:55 in Auckland: Alex linked with Maya, whose day is Auckland's; (Alex, Maya, her id,
    the date that begins at her midnight)."""
    midnight = her_midnight()
    clock.now = (midnight - timedelta(minutes=5)).astimezone(UTC)
    alex = member(server, "guardian", "Alex", address="alex@example.org")
    maya = member(server, "teen", "Maya", address="maya@example.org", age=None if born else 14, birth_date=born)
    teen_id = pair(alex.api, maya.api)
    etag = alex.api.get_controls(teen_id).etag  # type: ignore[union-attr]
    alex.api.patch_controls(teen_id, {"timezone": TEEN_ZONE}, if_match=etag)
    return alex, maya, teen_id, midnight.date()


@pytest.mark.usefixtures("real_keyring")
def test_a_rule_starting_at_the_teens_midnight_is_not_on_the_phone_yet(qtbot, launch, clocked_server, clock) -> None:
    alex, maya, teen_id, midnight = before_her_midnight(clocked_server, clock)
    tomorrow = maya.api.my_usage().date + timedelta(days=1)
    assert tomorrow == midnight
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
    birthday = her_midnight().date()
    alex, maya, teen_id, _ = before_her_midnight(clocked_server, clock, birthday.replace(year=birthday.year - 16))

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


@pytest.mark.usefixtures("real_keyring")
def test_the_chart_moves_to_her_new_day_at_her_midnight(qtbot, launch, clocked_server, clock) -> None:
    """After Auckland's midnight the chart's "(today)" is Maya's new day, as her phone counts it,
    not the day that ended (with nothing else happening to make the app ask)."""
    alex, maya, _teen_id, midnight = before_her_midnight(clocked_server, clock)
    maya.api.report_usage(midnight - timedelta(days=1), 50)

    controller = launch()
    sign_in(qtbot, controller, clocked_server, alex)
    wait_home(qtbot, controller, "Maya")
    controller.family.session.insight.clock = lambda: clock.now
    trust = controller.family.trust
    trust.clock = lambda: clock.now
    controller.window.page_requested.emit(SCREEN_TIME_PAGE)
    page = controller.window.page(SCREEN_TIME_PAGE, ScreenTimePage)

    def chart_today() -> date | None:
        chart = page.chart.chart
        return next((d.date for d in chart.days if d.today), None) if chart is not None else None

    qtbot.waitUntil(lambda: chart_today() == midnight - timedelta(days=1), timeout=WAIT)
    tasks = controller.family.tasks
    qtbot.waitUntil(lambda: tasks.active_count == 0, timeout=WAIT)  # no read begun before midnight is still out
    clock.advance(minutes=10)
    assert maya.api.my_usage().date == midnight  # the phone's today
    trust._timer.setInterval(50)  # the phone page is worded again as time passes (every 30 s)
    qtbot.waitUntil(lambda: chart_today() == midnight, timeout=WAIT)
