"""The guardian's "What Maya sees" preview says what Maya's phone says: during time away (now
inside a block that spans the teen's midnight) the phone says "Locked now: Time away until …", so
the preview must too — not the teen list's "20 min of 1 h today" — and the change log's times
are the teen's clock (Pacific/Auckland), not the guardian's (Europe/London)."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox

from famguard import teen_cli
from famguard.domain import teen_view
from famguard.ui.teen_view_widget import TeenViewWidget
from tests.support.accounts import Member, member, pair

from .test_flows import WAIT, click, find, sign_in, wait_home, wait_status, wait_teen_page

pytestmark = pytest.mark.slow
TEEN_ZONE = "Pacific/Auckland"
EVERY_DAY = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


@pytest.fixture
def in_london() -> Iterator[None]:
    """This computer's clock is in London (the guardian's), far from the teen's."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = "Europe/London"
    time.tzset()
    yield
    if before is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = before
    time.tzset()


def open_preview(qtbot, launch, server: str, guardian: Member) -> TeenViewWidget:
    """The guardian's app signed in, on Maya's phone page: its "What Maya sees"."""
    controller = launch()
    sign_in(qtbot, controller, server, guardian)
    wait_home(qtbot, controller, "Maya")
    trust = controller.family.trust
    trust.open_page()
    return trust.page.preview


@pytest.mark.usefixtures("real_keyring", "in_london")
def test_the_preview_says_locked_and_the_teens_times_as_the_phone_does(qtbot, launch, live_server) -> None:
    alex = member(live_server, "guardian", "Alex", address="alex@example.org")
    maya = member(live_server, "teen", "Maya", address="maya@example.org", age=14)
    teen_id = pair(alex.api, maya.api)
    local = datetime.now(UTC).astimezone(ZoneInfo(TEEN_ZONE))
    start, end = f"{local - timedelta(hours=1):%H:%M}", f"{local + timedelta(hours=1):%H:%M}"
    etag = alex.api.get_controls(teen_id).etag  # type: ignore[union-attr]
    block = {"days": EVERY_DAY, "start": start, "end": end}
    alex.api.patch_controls(teen_id, {"timezone": TEEN_ZONE, "time_away": [block]}, if_match=etag)
    maya.api.report_usage(local.date(), 20)

    # What the phone says now (famguard-teen and the phone panel word it from the same functions).
    phone = maya.api.my_controls().controls
    reason = teen_view.lock_reason(phone, datetime.now(UTC).astimezone(ZoneInfo(TEEN_ZONE)), 20, 60)
    assert reason == f"Time away until {end}"
    newest = maya.api.my_activity(1)[0]
    teen_clock = newest.at.astimezone(ZoneInfo(TEEN_ZONE))
    teen_time = f"{teen_clock:%a} {teen_clock.day} {teen_clock:%b %H:%M}"  # "Sun 6 Dec", never "06"

    preview = open_preview(qtbot, launch, live_server, alex)
    qtbot.waitUntil(lambda: "Daily screen-time limit: 1 h" in preview.plain_text(), timeout=WAIT)
    locked = f"Locked now: Time away until {end}"
    qtbot.waitUntil(lambda: locked in preview.plain_text().splitlines(), timeout=WAIT)
    qtbot.waitUntil(lambda: bool(preview.data.log), timeout=WAIT)
    assert preview.data.log[0].startswith(f"{teen_time}  "), (preview.data.log[0], teen_time)


@pytest.mark.usefixtures("real_keyring", "in_london")
def test_managed_since_is_the_teens_date(qtbot, launch, clocked_server, clock) -> None:
    """Linked at 20:00 in London is 09:00 the next morning in Auckland: "Managed by Alex (since …)"
    names the teen's date, in the preview as on the phone (`famguard-teen controls`)."""
    clock.now = datetime.combine(datetime.now(UTC).date(), datetime.min.time(), UTC) + timedelta(hours=20)
    alex = member(clocked_server, "guardian", "Alex", address="alex@example.org")
    maya = member(clocked_server, "teen", "Maya", address="maya@example.org", age=14)
    teen_id = pair(alex.api, maya.api)
    etag = alex.api.get_controls(teen_id).etag  # type: ignore[union-attr]
    alex.api.patch_controls(teen_id, {"timezone": TEEN_ZONE}, if_match=etag)
    linked = clock.now.astimezone(ZoneInfo(TEEN_ZONE)).date()
    assert linked == clock.now.date() + timedelta(days=1)
    since = f"Managed by Alex (since {linked:%A} {linked.day} {linked:%B} {linked.year})"
    assert teen_cli.overview(maya.api)[0].startswith(since)  # the phone

    preview = open_preview(qtbot, launch, clocked_server, alex)
    qtbot.waitUntil(lambda: "Managed by Alex" in preview.plain_text(), timeout=WAIT)
    assert preview.plain_text().startswith(since)


@pytest.mark.usefixtures("real_keyring")
def test_an_edit_still_waiting_to_be_sent_is_not_on_the_teens_view(qtbot, launch, proxy, guardian, teen) -> None:
    """Offline, switching search off waits to be sent: the phone still says "Search: On", so the
    preview of what the teen sees must too (the controls page and the home show the edit)."""
    pair(guardian.api, teen.api)
    controller = launch()
    sign_in(qtbot, controller, proxy.url, guardian)
    wait_teen_page(qtbot, controller, "Maya")
    trust = controller.family.trust
    trust.open_page()
    preview = trust.page.preview
    qtbot.waitUntil(lambda: "Search: On" in preview.plain_text().splitlines(), timeout=WAIT)

    proxy.set_offline(True)
    page = controller.window.ensure_controls_page()
    controller.window.show_page("controls")  # back from the phone page (show_teen_page stays on it)
    click(qtbot, find(page, QCheckBox, "search_enabled_check"), Qt.Key.Key_Space)
    wait_status(qtbot, controller, "search_enabled", "◷ will be sent when the service works again")
    assert teen.api.my_controls().controls.search_enabled  # the phone: still on
    trust.reload(controller.family.current)  # (what an outbox notice does)
    tasks = controller.family.tasks
    qtbot.waitUntil(lambda: tasks.active_count == 0, timeout=WAIT)  # the page has read what there is
    assert "Search: On" in preview.plain_text().splitlines()
