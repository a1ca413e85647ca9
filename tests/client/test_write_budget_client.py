"""The app's outbox meeting the service's write budget (famguard/server/write_budget.py) on the real
server over HTTP: a guardian who has spent the minute's 120 writes (here by a script, as no one
clicks that fast) queues one more change. A short wait is waited out on the worker and the change
then saved once; a long one pauses the sync, keeps the change and says so. Nothing lost, nothing
applied twice. The server's clock is a fake one the test moves; the client waits in real time."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import requests

from famguard.api import ApiClient, RetryPolicy, TokenManager, make_session
from famguard.domain.sync import SyncState
from famguard.server.write_budget import WRITES_PER_MINUTE
from famguard.services import SyncEngine
from famguard.store import AccountStore
from tests.support.accounts import Person, controls_of, link, make_guardian, make_teen
from tests.support.http import Api
from tests.support.servers import FakeClock, LocalServer


@pytest.fixture
def family(database_url: str, tmp_path: Path) -> Iterator[tuple[Api, FakeClock, Person, Person, SyncEngine]]:
    clock = FakeClock.real_now()
    with LocalServer(database_url, clock=clock) as server, requests.Session() as session:
        api = Api(session, server.url)
        alex, maya = make_guardian(api, "Alex"), make_teen(api, "Maya", 14)
        link(api, alex, maya)
        clock.advance(minutes=1)  # the pairing's writes in a minute of their own
        _, etag = controls_of(api, alex, maya)
        for n in range(WRITES_PER_MINUTE):  # Alex's minute spent
            answer = api.call("PATCH", f"/v1/teens/{maya.id}/controls", alex.token,
                              json={"daily_limit_minutes": 100 + n}, headers={"If-Match": etag})  # fmt: skip
            assert answer.status_code == 200
            etag = answer.headers["ETag"]
        store = AccountStore(tmp_path / "alex.sqlite3")
        body, etag = controls_of(api, alex, maya)
        store.save_controls(maya.id, body, etag)
        client = ApiClient(server.url, make_session(), tokens=TokenManager(alex.refresh_token, alex.token),
                           retry=RetryPolicy())  # fmt: skip
        try:
            yield api, clock, alex, maya, SyncEngine(client, store)
        finally:
            store.close()


def _search_changes(api: Api, guardian: Person, teen: Person) -> list[dict]:
    history = api.call("GET", f"/v1/teens/{teen.id}/activity", guardian.token, params={"limit": 200}).json()
    return [e for e in history if e["field"] == "search_enabled"]


def test_a_short_wait_is_waited_out_and_the_change_saved_once(family) -> None:  # noqa: ANN001 - the fixture
    api, clock, alex, maya, engine = family
    clock.advance(seconds=55)  # the budget's answer: Retry-After 5
    # The minute ends on the server while the client waits (its clock is the test's to move).
    mover = threading.Thread(target=lambda: (time.sleep(2), clock.advance(seconds=10)))
    mover.start()
    engine.queue_change(maya.id, search_enabled=False)
    started = time.monotonic()
    assert engine.send_pending() == 1
    mover.join()
    assert time.monotonic() - started >= 4  # it did wait for Retry-After
    assert controls_of(api, alex, maya)[0]["search_enabled"] is False
    assert len(_search_changes(api, alex, maya)) == 1
    assert engine.status().unsent == 0 and engine.status().paused_until is None


def test_a_long_wait_pauses_the_sync_and_keeps_the_change(family) -> None:  # noqa: ANN001 - the fixture
    api, _clock, alex, maya, engine = family
    engine.queue_change(maya.id, search_enabled=False)
    assert engine.send_pending() == 0  # Retry-After 60: longer than the client waits on a worker
    [change] = engine.store.changes(maya.id)
    assert change.state == SyncState.PENDING
    assert change.last_error.startswith("Sync paused until ") and "kept" in change.last_error
    status = engine.status()
    assert status.unsent == 1 and status.paused_until is not None
    assert 50 < (status.paused_until - datetime.now(UTC)).total_seconds() <= 61
    assert controls_of(api, alex, maya)[0]["search_enabled"] is True and _search_changes(api, alex, maya) == []
