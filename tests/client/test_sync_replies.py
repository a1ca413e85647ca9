"""How the sync engine treats replies the real server rarely gives (rate limiting, garbage, a
server error), served by a scripted local HTTP server: the change is kept, never lost."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from famguard.api import ApiClient, RetryPolicy, TokenManager, make_session
from famguard.domain.controls import controls_to_json, defaults_for_age
from famguard.domain.sync import SyncState
from famguard.services import SyncEngine
from famguard.store import AccountStore
from tests.support.scripted import Scripted, script_server

ONCE = RetryPolicy(attempts=1)


@pytest.fixture
def store(tmp_path: Path):
    s = AccountStore(tmp_path / "a.sqlite3")
    s.save_controls("t1", controls_to_json(defaults_for_age(14)), '"1"')
    yield s
    s.close()


def _engine(url: str, store: AccountStore) -> SyncEngine:
    return SyncEngine(ApiClient(url, make_session(), tokens=TokenManager("r", "a"), retry=ONCE), store)


def test_a_long_rate_limit_pauses_sync_and_keeps_the_change(store: AccountStore) -> None:
    body = json.dumps({"error": {"code": "rate_limited", "message": "Slow down."}}).encode()
    with script_server(lambda seen: Scripted(429, {"Retry-After": "3600"}, body)) as server:
        engine = _engine(server.url, store)
        engine.queue_change("t1", search_enabled=False)
        assert engine.send_pending() == 0
    [change] = store.changes("t1")
    status = engine.status()
    assert change.state == SyncState.PENDING and change.last_error.startswith("Sync paused until")
    assert 3500 < (status.paused_until - datetime.now(UTC)).total_seconds() <= 3600
    assert status.unsent == 1 and not status.online


@pytest.mark.parametrize(
    "reply",
    [
        Scripted(200, {"Content-Type": "application/json", "ETag": '"2"'}, b'{"comments": 3}'),
        Scripted(200, {"Content-Type": "text/html"}, b"<html>Welcome to the hotel wifi</html>"),
        Scripted(500, {}, b"Internal Server Error"),
    ],
)
def test_a_garbled_or_failed_reply_keeps_the_change_pending(store: AccountStore, reply: Scripted) -> None:
    with script_server(lambda seen: reply) as server:
        engine = _engine(server.url, store)
        engine.queue_change("t1", restricted_mode=True)
        assert engine.send_pending() == 0
        assert [s.method for s in server.seen] == ["PATCH"]
        assert server.seen[0].headers["If-Match"] == '"1"'
    [change] = store.changes("t1")
    assert change.state == SyncState.PENDING and change.last_error
    assert engine.field_states("t1")["restricted_mode"].state == SyncState.PENDING
    assert engine.displayed_controls("t1").restricted_mode is True


def test_typed_and_json_values_queue_the_same_change_and_bad_ones_name_the_field(store: AccountStore) -> None:
    from famguard.domain.controls import Audience, QuietHours, TimeAwayBlock
    from famguard.domain.errors import DomainValidationError

    engine = SyncEngine(ApiClient("http://127.0.0.1:9", make_session(), retry=ONCE), store)
    typed = engine.queue_change(
        "t1",
        comments=Audience.NO_ONE,
        time_away=(TimeAwayBlock(("sun", "mon"), "22:00", "07:00"),),
        quiet_hours=QuietHours("21:30", "07:00"),
        keyword_filters=("Spoilers", "spoilers", "  scary   clips "),
    )
    assert typed.fields == {
        "comments": "no_one",
        "time_away": [{"days": ["mon", "sun"], "start": "22:00", "end": "07:00"}],
        "quiet_hours": {"start": "21:30", "end": "07:00"},
        "keyword_filters": ["Spoilers", "scary clips"],
    }
    assert engine.displayed_controls("t1").comments == Audience.NO_ONE
    store.rebase_change(typed.id, {}, {})
    as_json = engine.queue_change("t1", comments="no_one", search_enabled=False)
    assert as_json.fields == {"comments": "no_one", "search_enabled": False}
    with pytest.raises(DomainValidationError) as caught:
        engine.queue_change("t1", search_enabled="yes", daily_limit_minutes=3, colour="red")
    assert set(caught.value.fields) == {"search_enabled", "daily_limit_minutes", "colour"}
    assert len(store.changes("t1")) == 1
