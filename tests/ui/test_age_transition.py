"""The age-transition preview in the app, against the real server: a teen who turns 16 in 20
days gets the preview (on the history page) naming the date and what becomes available; a teen
far from a birthday that matters gets none; on the birthday the history says what opened and the
preview is gone."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from famguard.domain.age import date_of_age
from famguard.ui.history_page import ChangeHistoryPage
from tests.support.accounts import Member, member, pair

from .test_flows import WAIT, sign_in, wait_teen_page


@pytest.fixture
def guardian_on_clock(clocked_server: str) -> Member:
    """A guardian of the server whose clock the test moves."""
    return member(clocked_server, "guardian", "Sam Guardian", address="sam@example.org")


def born_turning(age: int, in_days: int) -> date:
    birthday = date.today() + timedelta(days=in_days)
    return birthday.replace(year=birthday.year - age)


@pytest.mark.usefixtures("real_keyring")
def test_a_teen_turning_16_soon_gets_the_preview(qtbot, launch, live_server, proxy, guardian) -> None:
    born = born_turning(16, 20)
    leo = member(live_server, "teen", "Leo", address="leo@example.org", birth_date=born)
    pair(guardian.api, leo.api)
    controller = launch()
    sign_in(qtbot, controller, proxy.url, guardian)
    wait_teen_page(qtbot, controller, "Leo")
    controller.window.page_requested.emit("history")
    page = controller.window.page("history", ChangeHistoryPage)
    preview = page.age_preview
    qtbot.waitUntil(preview.isVisible, timeout=WAIT)
    birthday = date_of_age(born, 16)
    assert preview.title.text() == f"ℹ On {birthday.day} {birthday:%B} (in 20 days) Leo turns 16"
    expected = "Direct messages become available (it stays “No one” until you change it)."
    qtbot.waitUntil(lambda: expected in preview.body.text(), timeout=WAIT)  # once the controls are in
    assert preview.accessibleDescription().startswith(f"On {birthday.day} {birthday:%B}")


@pytest.mark.usefixtures("real_keyring")
def test_no_preview_far_from_a_birthday_that_matters(qtbot, launch, proxy, guardian, teen) -> None:
    pair(guardian.api, teen.api)  # Maya, 14 for a while yet
    controller = launch()
    sign_in(qtbot, controller, proxy.url, guardian)
    wait_teen_page(qtbot, controller, "Maya")
    controller.window.page_requested.emit("history")
    page = controller.window.page("history", ChangeHistoryPage)
    qtbot.waitUntil(lambda: bool(page.model.entries), timeout=WAIT)
    qtbot.wait(200)
    assert not page.age_preview.isVisible() and page.age_preview.transition is None


@pytest.mark.usefixtures("real_keyring")
def test_turning_16_is_told_in_the_history_and_leaves_the_home_preview(
    qtbot, launch, clocked_server, clock, guardian_on_clock
) -> None:
    """The day before, the home previews the birthday; when the service's day moves on and
    the teen's phone next looks, the history says in plain words what opened, within a second
    of the event, and the home's preview is gone (it has happened)."""
    from famguard.ui.home_trust import PhoneAndPlansSection

    born = born_turning(16, 1)
    leo = member(clocked_server, "teen", "Leo", address="leo@example.org", birth_date=born)
    pair(guardian_on_clock.api, leo.api)
    controller = launch()
    sign_in(qtbot, controller, clocked_server, guardian_on_clock)
    wait_teen_page(qtbot, controller, "Leo")
    section = controller.window.ensure_home_page().section(PhoneAndPlansSection)
    qtbot.waitUntil(lambda: section.birthday.transition is not None, timeout=WAIT)
    assert section.birthday.title.text().endswith("(tomorrow) Leo turns 16")

    clock.advance(days=1)  # the service's day, then this computer's
    controller.family.session.insight.clock = lambda: clock.now
    leo.api.sign_in(leo.email, leo.password)  # the teen's phone signs in on the new day and looks
    leo.api.my_controls()
    controller.window.page_requested.emit("history")
    page = controller.window.page("history", ChangeHistoryPage)
    expected = (
        "Leo turned 16: direct messages, downloads of Leo's videos and Duet and Stitch with Leo's videos "
        "became available — they stay off until you change them; comments on Leo's videos can also be set "
        "to “Everyone”"
    )
    qtbot.waitUntil(lambda: any(line.headline == expected for line in page.model.lines), timeout=WAIT)
    qtbot.waitUntil(lambda: section.birthday.transition is None, timeout=WAIT)
    assert not section.birthday.isVisible() and page.age_preview.transition is None
