"""The change history against the real reference server: a change by a second guardian appears
at the top, with their name, within a second; the filters ask the server; older entries load as
the guardian scrolls; "Undo this change" goes through the outbox and is itself recorded."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QComboBox, QPushButton

from famguard.ui.history_page import ChangeHistoryPage
from tests.support.accounts import member, pair

from .test_flows import WAIT, find, sign_in, wait_listening, wait_teen_page
from .test_live import in_background


def open_history(qtbot, controller) -> ChangeHistoryPage:
    controller.window.page_requested.emit("history")  # View > Change history
    page = controller.window.page("history", ChangeHistoryPage)
    qtbot.waitUntil(lambda: page.isVisible() and bool(page.model.entries) and not page.model.loading, timeout=WAIT)
    return page


def headlines(page: ChangeHistoryPage) -> list[str]:
    return [line.headline for line in page.model.lines]


@pytest.mark.usefixtures("real_keyring")
def test_a_change_by_the_other_guardian_appears_with_their_name_and_can_be_undone(
    qtbot, launch, live_server, proxy, guardian, teen
) -> None:
    teen_id = pair(guardian.api, teen.api)
    alex = member(live_server, "guardian", "Alex", address="alex@example.org")
    pair(alex.api, teen.api, approver=guardian.api)
    controller = launch()
    sign_in(qtbot, controller, proxy.url, guardian)
    wait_teen_page(qtbot, controller, "Maya")
    page = open_history(qtbot, controller)
    assert headlines(page) == ["Alex linked with Maya", "You linked with Maya"]
    wait_listening(qtbot, controller)

    def alex_turns_search_off() -> None:
        current = alex.api.get_controls(teen_id)
        alex.api.patch_controls(teen_id, {"search_enabled": False}, if_match=current.etag)

    in_background(alex_turns_search_off)
    # Pushed by the events feed (the fallback poll comes every 30 s, WAIT is 10 s); how soon is
    # measured by tests/benchmarks/sync_rows.py, not here.
    qtbot.waitUntil(lambda: headlines(page)[0] == "Alex turned search off", timeout=WAIT)
    top = page.model.lines[0]
    assert (top.change, top.who) == ("On → Off", "Alex (guardian)")
    assert page.isVisible()  # the notices did not switch pages

    # Undo: offered for Alex's change (search is still off), not for a link.
    listing = find(page, QAbstractItemView, "historyList")
    undo = find(page, QPushButton, "undoHistoryButton")
    listing.setCurrentIndex(page.model.index(1, 0))
    assert not undo.isEnabled() and "Only changes to settings" in page.undo_reason.text()
    listing.setCurrentIndex(page.model.index(0, 0))
    qtbot.waitUntil(undo.isEnabled, timeout=WAIT)
    qtbot.mouseClick(undo, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: headlines(page)[0] == "You turned search on", timeout=WAIT)
    assert alex.api.get_controls(teen_id).controls.search_enabled is True  # it reached the server
    listing.setCurrentIndex(page.model.index(1, 0))  # Alex's change again: no longer undoable
    qtbot.waitUntil(lambda: not undo.isEnabled(), timeout=WAIT)
    assert "changed again" in page.undo_reason.text()

    # Filters: only Alex's entries; only links.
    who = find(page, QComboBox, "historyWhoFilter")
    who.setCurrentIndex(who.findText("Alex (guardian)"))
    qtbot.waitUntil(lambda: headlines(page) == ["Alex turned search off", "Alex linked with Maya"], timeout=WAIT)
    who.setCurrentIndex(0)
    kind = find(page, QComboBox, "historyKindFilter")
    kind.setCurrentIndex(kind.findData("link"))
    # Not "Both entries." of a longer history (an outside tester read it as the whole of it).
    qtbot.waitUntil(lambda: page.status.text() == "2 entries match these filters.", timeout=WAIT)
    assert headlines(page) == ["Alex linked with Maya", "You linked with Maya"]


@pytest.mark.usefixtures("real_keyring")
def test_older_entries_load_as_the_guardian_scrolls(qtbot, launch, proxy, guardian, teen, live_server) -> None:
    teen_id = pair(guardian.api, teen.api)
    # 130 changes, more than one page of 100, by two guardians: one alone would meet the service's
    # write budget (120 a minute) within the few seconds this takes.
    alex = member(live_server, "guardian", "Alex", address="alex@example.org")
    pair(alex.api, teen.api, approver=guardian.api)
    etag = guardian.api.get_controls(teen_id).etag
    for minutes in range(30, 30 + 130):
        by = guardian if minutes % 2 else alex
        etag = by.api.patch_controls(teen_id, {"daily_limit_minutes": minutes}, if_match=etag).etag
    controller = launch()
    sign_in(qtbot, controller, proxy.url, guardian)
    wait_teen_page(qtbot, controller, "Maya")
    page = open_history(qtbot, controller)
    assert page.model.rowCount() == 100
    assert "scroll down for older ones" in page.status.text()
    listing = find(page, QAbstractItemView, "historyList")
    for _ in range(20):
        listing.scrollToBottom()
        qtbot.wait(50)
        if page.model.rowCount() == 132:
            break
    qtbot.waitUntil(lambda: page.model.rowCount() == 132, timeout=WAIT)  # 130 changes and the two links
    assert headlines(page)[-1] == "You linked with Maya"
    assert page.status.text() == "All 132 entries."
    ids = [e.id for e in page.model.entries]
    assert ids == sorted(ids, reverse=True) and len(set(ids)) == 132


@pytest.mark.usefixtures("real_keyring")
def test_offline_the_history_and_its_filters_come_from_this_computer(qtbot, launch, proxy, guardian, teen) -> None:
    teen_id = pair(guardian.api, teen.api)
    etag = guardian.api.get_controls(teen_id).etag
    guardian.api.patch_controls(teen_id, {"search_enabled": False, "daily_limit_minutes": 45}, if_match=etag)
    controller = launch()
    sign_in(qtbot, controller, proxy.url, guardian)
    wait_teen_page(qtbot, controller, "Maya")
    page = open_history(qtbot, controller)
    assert len(page.model.entries) == 3
    proxy.set_offline(True)
    setting = find(page, QComboBox, "historySettingFilter")
    setting.setCurrentIndex(setting.findData("daily_limit_minutes"))
    qtbot.waitUntil(lambda: page.status.text().startswith("Offline:"), timeout=WAIT)
    assert headlines(page) == ["You changed daily screen-time limit"]
    assert page.status.text() == "Offline: showing the 1 entry this computer has."
    qtbot.waitUntil(controller.window.offline_banner.isVisible, timeout=WAIT)


@pytest.mark.usefixtures("real_keyring")
def test_who_lists_every_guardian_the_teen_and_famguard_before_their_entries_are_loaded(
    qtbot, launch, live_server, proxy, guardian, teen
) -> None:
    from datetime import UTC, datetime

    jordan = member(live_server, "guardian", "Jordan", address="jordan@example.org")
    teen_id = pair(jordan.api, teen.api)  # Jordan's only entry: the oldest one
    pair(guardian.api, teen.api, approver=jordan.api)
    today = datetime.now(UTC).date()  # the teen's day (a new teen's is UTC's)
    guardian.api.create_temporary_rule(teen_id, "Exam week", today, today, {"search_enabled": False})
    etag = guardian.api.get_controls(teen_id).etag
    for minutes in range(30, 30 + 110):  # more than a page of Sam's changes on top
        etag = guardian.api.patch_controls(teen_id, {"daily_limit_minutes": minutes}, if_match=etag).etag
    controller = launch()
    sign_in(qtbot, controller, proxy.url, guardian)
    wait_teen_page(qtbot, controller, "Maya")
    page = open_history(qtbot, controller)
    assert not any("Jordan" in line.headline for line in page.model.lines)  # not loaded yet
    who = find(page, QComboBox, "historyWhoFilter")
    expected = ["Everyone", "Jordan (guardian)", "You", "Maya (teen)", "FamGuard"]
    qtbot.waitUntil(lambda: [who.itemText(i) for i in range(who.count())] == expected, timeout=WAIT)

    who.setCurrentIndex(who.findText("Jordan (guardian)"))
    qtbot.waitUntil(lambda: headlines(page) == ["Jordan linked with Maya"], timeout=WAIT)
    who.setCurrentIndex(who.findText("FamGuard"))
    qtbot.waitUntil(lambda: headlines(page) == ["The temporary rule “Exam week” started"], timeout=WAIT)
    assert page.model.lines[0].who == "FamGuard"
    who.setCurrentIndex(who.findText("Maya (teen)"))
    qtbot.waitUntil(lambda: page.status.text() == "No entries match these filters.", timeout=WAIT)


@pytest.mark.usefixtures("real_keyring")
def test_another_account_with_the_guardians_name_never_reads_as_the_guardian(
    qtbot, launch, live_server, proxy, guardian, teen
) -> None:
    """The teen makes a guardian account with the guardian's own name, pairs it with herself and
    removes her daily limit: the guardian's history must not read as if the guardian did it."""
    teen_id = pair(guardian.api, teen.api)
    namesake = member(live_server, "guardian", "Sam Guardian")  # the teen's second account
    pair(namesake.api, teen.api, approver=guardian.api)
    etag = namesake.api.get_controls(teen_id).etag
    namesake.api.patch_controls(teen_id, {"daily_limit_minutes": None}, if_match=etag)
    controller = launch()
    sign_in(qtbot, controller, proxy.url, guardian)
    wait_teen_page(qtbot, controller, "Maya")
    page = open_history(qtbot, controller)
    assert headlines(page) == [
        "Sam Guardian changed daily screen-time limit",
        "Sam Guardian linked with Maya",
        "You linked with Maya",
    ]
    assert [line.who for line in page.model.lines] == ["Sam Guardian (guardian)", "Sam Guardian (guardian)", "You"]
    who = find(page, QComboBox, "historyWhoFilter")
    expected = ["Everyone", "You", "Sam Guardian (guardian)", "Maya (teen)", "FamGuard"]
    qtbot.waitUntil(lambda: [who.itemText(i) for i in range(who.count())] == expected, timeout=WAIT)
