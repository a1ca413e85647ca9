"""Events (the feed a long poll reads) are deleted after 30 days, so a service that runs for years
does not keep every change, usage report and receipt it ever announced — and nothing a client
needs is lost by it: each account keeps its newest event (its numbering goes on from it), a
cursor older than what is kept is answered `missed` (the client reads everything again), a
cursor that kept up misses nothing, and the change history is untouched. Over real HTTP on both
paths of the poll (the SQLite fast path and the FastAPI route); on PostgreSQL in
tests/server/test_postgres.py."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import requests

from famguard.server import retention as retention_module
from famguard.server.retention import EVENT_RETENTION, FULL_PASS_EVERY, EventRetention
from famguard.server.routes_pairing import MAX_GUARDIANS_PER_TEEN
from tests.support.accounts import Person, change_controls, link, make_guardian, make_teen, sign_in
from tests.support.http import Api
from tests.support.servers import FakeClock, LocalServer


def _poll(api: Api, person: Person, after: int | None = None) -> dict[str, Any]:
    query = "" if after is None else f"?after={after}"
    response = api.call("GET", f"/v1/events{query}", person.token)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _sign_in_again(api: Api, person: Person) -> None:
    """A month on, the sign-in has expired: the person signs in again."""
    person.token = sign_in(api, person.email)["access_token"]


def retention_scenario(database_url: str, fast_path: bool = True) -> None:
    clock = FakeClock()
    with LocalServer(database_url, clock=clock, fast_path=fast_path) as server, requests.Session() as session:
        api = Api(session, server.url)
        retention: EventRetention = server.app.state.service.retention
        alex, maya = make_guardian(api, "Alex"), make_teen(api, "Maya", 14, clock.now.date())
        sam, noor = make_guardian(api, "Sam"), make_teen(api, "Noor", 13, clock.now.date())
        link(api, alex, maya)
        link(api, sam, noor)
        alex_start = int(_poll(api, alex)["cursor"])
        for minutes in (70, 80, 90):
            change_controls(api, alex, maya, {"daily_limit_minutes": minutes})
        change_controls(api, sam, noor, {"search_enabled": False})
        sam_latest = int(_poll(api, sam)["cursor"])
        assert retention.delete_old() == 0  # nothing is 30 days old yet

        clock.advance(days=EVENT_RETENTION.days, minutes=1)
        for person in (alex, maya, sam, noor):
            _sign_in_again(api, person)
        change_controls(api, alex, maya, {"daily_limit_minutes": 100})
        assert retention.delete_old() >= 3  # the three older changes at least

        behind = _poll(api, alex, alex_start)
        assert behind["missed"] is True  # read everything again
        assert [(e["type"], e["data"]["fields"]) for e in behind["events"]] == [
            ("controls_changed", ["daily_limit_minutes"])
        ]
        newest = int(behind["cursor"])
        assert behind["events"][0]["id"] == newest
        caught_up = _poll(api, alex, newest - 1)
        assert caught_up["missed"] is False and [e["id"] for e in caught_up["events"]] == [newest]

        # Sam had nothing newer: his newest event is kept, and his numbering goes on from it.
        assert int(_poll(api, sam)["cursor"]) == sam_latest
        change_controls(api, sam, noor, {"search_enabled": True})
        nothing_missed = _poll(api, sam, sam_latest)
        assert nothing_missed["missed"] is False
        assert [e["id"] for e in nothing_missed["events"]] == [sam_latest + 1]

        # Sam's kept event can go now that he has a newer one: the hourly passes start where the
        # last one ended (a quiet account's newest is not read again every hour); the day's full
        # pass, every FULL_PASS_EVERY-th, deletes it.
        retention.delete_old()
        assert _poll(api, sam, sam_latest - 1)["missed"] is False  # still there
        for _ in range(FULL_PASS_EVERY - 1):
            retention.delete_old()
        gone = _poll(api, sam, sam_latest - 1)
        assert gone["missed"] is True and [e["id"] for e in gone["events"]] == [sam_latest + 1]

        # The change history is the family's record: all five changes of Maya's are still there.
        history = api.call("GET", f"/v1/teens/{maya.id}/activity?limit=50", alex.token).json()
        limits = [entry["after"] for entry in history if entry["field"] == "daily_limit_minutes"]
        assert limits == [100, 90, 80, 70]


@pytest.mark.parametrize("fast_path", [True, False], ids=["fast-path", "full-route"])
def test_old_events_go_and_a_cursor_behind_them_is_told(tmp_path: Path, fast_path: bool) -> None:
    retention_scenario(f"sqlite:///{tmp_path / 'r.sqlite3'}", fast_path)


def test_a_commit_with_events_starts_a_pass_at_most_once_an_hour(tmp_path: Path) -> None:
    clock = FakeClock()
    with LocalServer(f"sqlite:///{tmp_path / 'p.sqlite3'}", clock=clock) as server, requests.Session() as session:
        api = Api(session, server.url)
        retention: EventRetention = server.app.state.service.retention
        alex, maya = make_guardian(api), make_teen(api, "Maya", 14, clock.now.date())
        link(api, alex, maya)  # the first events since the start: a pass (nothing old to delete)
        _wait_for(lambda: retention.passes == 1)
        clock.advance(days=EVENT_RETENTION.days + 1)
        _sign_in_again(api, alex)
        change_controls(api, alex, maya, {"daily_limit_minutes": 75})
        time.sleep(0.3)
        assert retention.passes == 1  # within the hour: none
        before = _poll(api, alex, 0)
        assert before["missed"] is False and len(before["events"]) >= 2  # the old events are all there

        retention.next_pass = 0.0  # an hour has gone by
        change_controls(api, alex, maya, {"daily_limit_minutes": 80})
        _wait_for(lambda: retention.passes == 2)
        after = _poll(api, alex, 0)
        assert after["missed"] is True
        assert [e["data"]["fields"] for e in after["events"]] == [["daily_limit_minutes"]] * 2

        retention.close()  # as the server's stop does: no pass starts after it
        retention.next_pass = 0.0
        change_controls(api, alex, maya, {"daily_limit_minutes": 85})
        time.sleep(0.3)
        assert retention.passes == 2


def _wait_for(condition: Any, timeout: float = 10.0) -> None:  # noqa: ANN401 - a zero-argument callable
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def test_the_events_of_a_teen_with_many_guardians_go_in_small_batches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each event has a row per recipient: 500 usage reports of a teen with 200 guardians (before
    a teen had at most ten) were 100,000 rows in one batch, a transaction that held every other
    writer of the service back a second. Batches now end at about BATCH_RECIPIENTS rows."""
    monkeypatch.setattr(retention_module, "BATCH_RECIPIENTS", 40)
    monkeypatch.setattr(retention_module, "BATCH_PAUSE_SECONDS", 0)
    database = tmp_path / "many.sqlite3"
    clock = FakeClock()
    with LocalServer(f"sqlite:///{database}", clock=clock) as server, requests.Session() as session:
        api = Api(session, server.url)
        maya = make_teen(api, "Maya", 14, clock.now.date())
        guardians = [make_guardian(api, f"Guardian {n}") for n in range(MAX_GUARDIANS_PER_TEEN)]
        for guardian in guardians:
            link(api, guardian, maya, approver=guardians[0])
        for minutes in range(20):  # each report: an event with a row for each of the 10 guardians
            assert api.call("POST", "/v1/me/usage", maya.token, json={"date": "2026-11-25", "minutes": minutes}).ok
        clock.advance(days=EVENT_RETENTION.days, minutes=1)
        for person in (maya, guardians[0]):
            _sign_in_again(api, person)

        db = server.app.state.service.db
        deleted_per_batch: list[int] = []
        write = db.write

        @contextmanager
        def counted_write() -> Iterator[Any]:
            before = _recipient_rows(database)
            with write() as transaction:
                yield transaction
            deleted_per_batch.append(before - _recipient_rows(database))

        monkeypatch.setattr(db, "write", counted_write)
        server.app.state.service.retention.delete_old()
        monkeypatch.undo()

        assert sum(deleted_per_batch) >= 20 * MAX_GUARDIANS_PER_TEEN  # the old reports are gone...
        # ...at most about 40 rows at a time: the batch's 40th row and the rest of its event's.
        assert max(deleted_per_batch) <= 40 + MAX_GUARDIANS_PER_TEEN, deleted_per_batch
        told = _poll(api, guardians[0], 0)
        assert told["missed"] is True and [e["type"] for e in told["events"]] == ["usage_reported"]


def _recipient_rows(database: Path) -> int:
    with sqlite3.connect(database) as connection:
        return int(connection.execute("SELECT count(*) FROM event_recipients").fetchone()[0])
