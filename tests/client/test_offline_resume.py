"""Story 7, "I'm offline on the train": a remembered guardian resumes with the service unreachable
(from the real keyring and the local SQLite store, no request at all), edits wait in the outbox and
go out by themselves, once and in order, when the real server comes back on the same port and
database. Also: every notice of the sync engine arrives after the cache was refreshed."""

from __future__ import annotations

import threading
import time

import pytest

from famguard import teen_cli
from famguard.api import errors as e
from famguard.domain.sync import SyncState
from famguard.server.runner import ServerThread
from famguard.services import Notice, SessionService
from tests.support.accounts import PASSWORD, guardian, pair, teen

from .test_sync_e2e import _api_factory
from .test_sync_e2e import sign_in as sign_in_for_this_session


def service(credentials) -> SessionService:
    return SessionService(credentials, api_factory=_api_factory)


def wait_for(condition, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


@pytest.mark.keyring
def test_resumed_offline_edits_are_kept_and_sent_by_themselves_when_the_server_is_back(
    database_url: str, real_keyring
) -> None:
    server = ServerThread(database_url=database_url)
    url = server.start()
    port = int(url.rsplit(":", 1)[1])
    try:
        g, address = guardian(url, "Alex")
        teen_id = pair(g, teen(url, age=16))
        first = service(real_keyring).sign_in(url, address, PASSWORD, remember=True)
        first.family.refresh_teens()
        first.sync.refresh_controls(teen_id)
        first.close()  # the app is closed on the platform
    finally:
        server.stop()

    # On the train: the app starts while the service cannot be reached.
    sessions = service(real_keyring)
    assert sessions.remembered_account() == (url, address)
    with pytest.raises(e.NetworkUnreachable):
        sessions.resume(url, address)  # the old way needs the network
    session = sessions.resume(url, address, offline_ok=True)
    assert session is not None and session.account.display_name == "Alex" and session.remembered
    assert [t.id for t in session.family.cached_teens()] == [teen_id]
    edits = [{"search_enabled": False}, {"daily_limit_minutes": 90}, {"restricted_mode": True}]
    for edit in edits:
        session.sync.queue_change(teen_id, 16, **edit)
    session.sync.start()
    try:
        assert wait_for(lambda: not session.sync.status().online, 5)  # it noticed, and kept them
        assert session.sync.status().unsent == 3
        # Between retries every edit is back to pending (a retry in flight shows one as sending).
        assert wait_for(lambda: {c.state for c in session.store.changes(teen_id)} == {SyncState.PENDING}, 5)

        server = ServerThread(database_url=database_url, port=port)  # the network is back
        server.start()
        try:
            assert wait_for(lambda: session.sync.status().unsent == 0, 40)
            assert all(c.state == SyncState.SAVED for c in session.store.changes(teen_id))
            entries = [a for a in reversed(g.activity(teen_id)) if a.kind == "controls"]
            assert [a.field for a in entries] == [next(iter(edit)) for edit in edits]  # once each, in order
            effective = g.get_controls(teen_id).controls
            assert (effective.search_enabled, effective.daily_limit_minutes, effective.restricted_mode) == (
                False,
                90,
                True,
            )
            assert wait_for(lambda: session.sync.status().online, 5)
            # the token was refreshed on the way, and the rotated one is what the keyring keeps
            assert session.api.tokens.refresh_token == real_keyring.load(url, address).refresh_token
        finally:
            session.close()
            server.stop()
    finally:
        session.close()


@pytest.mark.keyring
def test_a_sign_in_revoked_elsewhere_signs_out_at_the_first_call_after_an_offline_resume(
    live_server: str, real_keyring
) -> None:
    _, address = guardian(live_server)
    first = service(real_keyring).sign_in(live_server, address, PASSWORD, remember=True)
    first.api.sign_out()  # revoked elsewhere (a lost laptop, "sign out everywhere")
    first.close()
    session = service(real_keyring).resume(live_server, address, offline_ok=True)
    assert session is not None
    notices: list[str] = []
    session.notifier.add_listener(lambda n: notices.append(n.kind))
    try:
        with pytest.raises(e.SignedOut):
            session.family.refresh_teens()
        assert "signed_out" in notices
        assert real_keyring.load(live_server, address) is None  # forgotten, as on a failed resume
    finally:
        session.close()


@pytest.mark.keyring
def test_an_account_never_confirmed_here_still_asks_the_server(live_server: str, real_keyring) -> None:
    from famguard.store import AccountStore

    _, address = guardian(live_server, "Robin")
    first = service(real_keyring).sign_in(live_server, address, PASSWORD, remember=True)
    first.close()
    store = AccountStore.open_for(live_server, address)
    store.set_meta("account", "{not json")  # damaged cache: the server must say who this is
    store.close()
    session = service(real_keyring).resume(live_server, address, offline_ok=True)
    assert session is not None and session.account.display_name == "Robin"
    session.close()


def test_every_engine_notice_comes_after_the_cache_was_refreshed(live_server: str) -> None:
    g, address = guardian(live_server)
    t = teen(live_server)
    teen_id = pair(g, t)
    session = sign_in_for_this_session(live_server, address)
    session.family.refresh_usage(teen_id)
    seen: list[tuple[str, object]] = []
    done = threading.Event()

    def listener(notice: Notice) -> None:  # what a UI does: re-read the cache, never fetch
        if notice.kind == "usage":
            days = session.family.cached_usage(teen_id)
            seen.append(("usage", days[-1].minutes if days else None))
        elif notice.kind == "teens":
            seen.append(("teens", [x.id for x in session.family.cached_teens()]))
            done.set()

    session.sync.pull_once()
    session.notifier.add_listener(listener)
    try:
        teen_cli.report_usage(t, 35)
        while session.sync.pull_once(wait=1):
            pass
        assert seen == [("usage", 35)]
        t.unlink(teen_id)
        while session.sync.pull_once(wait=1):
            pass
        assert done.is_set() and seen[-1] == ("teens", [])
    finally:
        session.close()


def test_an_event_of_a_teen_unlinked_since_does_not_stop_the_events_after_it(live_server: str) -> None:
    g, address = guardian(live_server)
    t = teen(live_server)
    teen_id = pair(g, t)
    session = sign_in_for_this_session(live_server, address)
    session.sync.pull_once()
    try:
        teen_cli.report_usage(t, 10)
        teen_cli.ask_for_time(t, 15, "homework")
        t.unlink(teen_id)  # all three arrive in one batch; the first two can no longer be fetched
        while session.sync.pull_once(wait=1):
            pass
        assert session.family.cached_teens() == []
        assert session.sync.events_available  # the refusals were not taken for "no events here"
    finally:
        session.close()
