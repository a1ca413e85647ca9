"""Story 7 in the app, "I'm offline on the train": with the service down, a returning guardian's
app opens the family from the real keyring and the local store, the controls stay editable, edits
wait with "will be sent when online" and the offline banner counts them, and they reach the teen
by themselves once the real server is back on the same port and database. Also: what the teen
does elsewhere (reporting use, unlinking) reaches the guardian's view within about two seconds."""

from __future__ import annotations

import threading
import time
from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QLabel, QLineEdit

from tests.support.accounts import member, pair

from .conftest import stop_app
from .test_flows import WAIT, find, sign_in, wait_listening, wait_status, wait_teen_page


@pytest.mark.usefixtures("real_keyring")
def test_a_cold_start_offline_is_editable_and_the_edit_reaches_the_teen_when_the_server_is_back(
    qtbot, launch, restartable
) -> None:
    guardian = member(restartable.url, "guardian", "Sam Guardian", address="sam@example.org")
    teen = member(restartable.url, "teen", "Maya", address="maya@example.org", age=14)
    pair(guardian.api, teen.api)
    first = launch()
    sign_in(qtbot, first, restartable.url, guardian)
    wait_teen_page(qtbot, first, "Maya")
    stop_app(first)

    # Stopped: its port refuses, which a remembered sign-in is told as the service's stop (the
    # service answered this guardian before), as when it stops while the app runs.
    restartable.stop()
    controller = launch()
    window = controller.window
    wait_teen_page(qtbot, controller, "Maya")  # shown and enabled: the session opened from cache
    assert controller.family is not None and "Sam Guardian" in window.who_action.text()
    page = window.ensure_controls_page()
    search = find(page, QCheckBox, "search_enabled_check")
    assert search.isChecked()
    qtbot.keyClick(search, Qt.Key.Key_Space)
    wait_status(qtbot, controller, "search_enabled", "◷ will be sent when the service works again")
    banner = window.offline_banner
    qtbot.waitUntil(lambda: banner.isVisible() and "1 change is waiting" in banner.text(), timeout=WAIT)
    assert not search.isChecked()  # the guardian's value stays on the page

    offline_since = time.monotonic()
    restartable.start()  # the service is back; nobody clicks anything
    qtbot.waitUntil(lambda: page.field_status("search_enabled").startswith("✓ saved"), timeout=40000)
    qtbot.waitUntil(lambda: not banner.isVisible(), timeout=WAIT)
    print(f"sent {time.monotonic() - offline_since:.1f} s after the server came back")
    assert teen.api.my_controls().controls.search_enabled is False
    assert window.teen_list.item_text(controller.family.current).startswith("Maya, 14")


def in_background(fn) -> threading.Thread:
    thread = threading.Thread(target=fn, daemon=True)  # the teen's phone; this thread is the GUI's
    thread.start()
    return thread


@pytest.mark.usefixtures("real_keyring")
def test_the_teens_use_and_unlink_reach_the_guardians_view_within_two_seconds(
    qtbot, launch, proxy, guardian, teen
) -> None:
    pair(guardian.api, teen.api)
    controller = launch()
    sign_in(qtbot, controller, proxy.url, guardian)
    wait_teen_page(qtbot, controller, "Maya")
    teen_list = controller.window.teen_list
    teen_id = controller.family.current
    assert "35 min" not in teen_list.item_text(teen_id)
    wait_listening(qtbot, controller)

    # Both pushed by the events feed once it is reached again (the fallback poll comes every 30 s,
    # WAIT is 10 s); how soon is a benchmark's, not this test's.
    in_background(lambda: teen.api.report_usage(date.today(), 35))
    qtbot.waitUntil(lambda: "35 min" in teen_list.item_text(teen_id), timeout=WAIT)
    in_background(lambda: teen.api.unlink(teen_id))
    qtbot.waitUntil(lambda: teen_list.list.count() == 0, timeout=WAIT)


@pytest.mark.usefixtures("real_keyring")
def test_a_sign_in_revoked_while_the_app_was_closed_asks_for_the_password(qtbot, launch, restartable) -> None:
    from famguard.api import ApiClient, TokenManager, make_session
    from famguard.credentials import CredentialStore

    guardian = member(restartable.url, "guardian", "Sam Guardian", address="sam@example.org")
    first = launch()
    sign_in(qtbot, first, restartable.url, guardian)
    qtbot.waitUntil(lambda: first.family is not None, timeout=WAIT)
    stop_app(first)
    saved = CredentialStore().load(restartable.url, guardian.email)
    ApiClient(restartable.url, make_session(), tokens=TokenManager(refresh_token=saved.refresh_token)).sign_out()

    controller = launch()  # opens from the cache, then the first request learns the sign-in ended
    window = controller.window
    qtbot.waitUntil(lambda: window.current_screen() == "signInView" and controller.family is None, timeout=WAIT)
    assert "sign-in has ended" in find(window, QLabel, "signInMessage").text()
    assert find(window, QLineEdit, "emailEdit").text() == guardian.email
    assert CredentialStore().load(restartable.url, guardian.email) is None  # forgotten in the keyring
    sign_in(qtbot, controller, restartable.url, guardian)  # and signing in again works
    qtbot.waitUntil(lambda: controller.family is not None, timeout=WAIT)
