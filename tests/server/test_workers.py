"""`famguard-server --workers 2` on PostgreSQL: two processes serve one port, and every promise
holds across them because its state lives in the database — the sign-in throttle, idempotency
keys, wrong pairing guesses, and events (a change made through one worker wakes a poll waiting
in the other, through LISTEN/NOTIFY). Every request opens a new connection, so the kernel hands
them to both workers; the test checks that both really served.

Skipped only when PostgreSQL's server programs are absent and FAMGUARD_REQUIRE_POSTGRES is not
set (CI sets it)."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
import requests

from tests.support.accounts import link, make_guardian, make_teen
from tests.support.http import Api, BackgroundPoll, assert_error
from tests.support.postgres import fresh_database, pg_bin, throwaway_cluster
from tests.support.servers import LocalServer

if pg_bin() is None and not os.environ.get("FAMGUARD_REQUIRE_POSTGRES"):
    pytest.skip(
        "PostgreSQL's initdb/pg_ctl are not installed (set FAMGUARD_REQUIRE_POSTGRES=1 to fail instead)",
        allow_module_level=True,
    )

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def two_workers() -> Iterator[LocalServer]:
    with throwaway_cluster() as cluster, LocalServer(fresh_database(cluster), own_process=True, workers=2) as server:
        yield server


def _new_connection_each_time(url: str) -> Api:
    session = requests.Session()
    session.headers["Connection"] = "close"  # a new TCP connection per request: both workers get some
    return Api(session, url)


def _workers_cpu(server: LocalServer) -> dict[int, float]:
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
    cpu = {}
    for pid in map(int, children):
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        cpu[pid] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return cpu


def test_every_promise_holds_across_two_workers(two_workers: LocalServer) -> None:
    before = _workers_cpu(two_workers)
    api = _new_connection_each_time(two_workers.url)
    alex = make_guardian(api, "Alex")
    maya = make_teen(api, "Maya", 14, date.today())
    link(api, alex, maya)

    # Idempotency: the same key gives the same answer whichever worker takes the replay.
    etag = api.call("GET", f"/v1/teens/{maya.id}/controls", alex.token).headers["ETag"]
    headers = {"If-Match": etag, "Idempotency-Key": "across-workers"}
    path = f"/v1/teens/{maya.id}/controls"
    answers = [api.call("PATCH", path, alex.token, json={"daily_limit_minutes": 75}, headers=headers) for _ in range(6)]
    assert {(a.status_code, a.headers["ETag"], a.text) for a in answers} == {(200, '"2"', answers[0].text)}
    history = api.call("GET", f"/v1/teens/{maya.id}/activity", alex.token).json()
    assert [e["field"] for e in history if e["kind"] == "controls"] == ["daily_limit_minutes"]

    # Pairing guesses: five wrong codes aimed at one live code kill it, whoever counted them.
    code = api.call("POST", "/v1/pairings", alex.token).json()["code"]
    other_teen = make_teen(api, "Sam", 15, date.today())
    alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
    wrong = [code[:4] + "".join(c for c in alphabet if c not in code[4:])[n : n + 4] for n in range(5)]
    for guess in wrong:
        assert_error(api.call("POST", "/v1/pairings/redeem", other_teen.token, json={"code": guess}), 404, "not_found")
    assert_error(api.call("POST", "/v1/pairings/redeem", other_teen.token, json={"code": code}), 410, "pairing_expired")

    # Events: a poll waits in one worker; changes made through either wake it within a second.
    for minutes in (30, 45, 60, 90):
        cursor = api.call("GET", "/v1/events", alex.token).json()["cursor"]
        poll = BackgroundPoll(_new_connection_each_time(two_workers.url), alex, cursor)
        etag = api.call("GET", path, alex.token).headers["ETag"]
        started = time.monotonic()
        changed = api.call("PATCH", path, alex.token, json={"daily_limit_minutes": minutes}, headers={"If-Match": etag})
        assert changed.status_code == 200
        assert [e["type"] for e in poll.join()] == ["controls_changed"]
        assert poll.answered_at - started < 1.0

    # The sign-in throttle: five wrong passwords, counted by both workers, lock the account.
    for _ in range(5):
        wrong_password = {"email": alex.email, "password": "not the password"}
        assert_error(api.call("POST", "/v1/auth/token", json=wrong_password), 401, "invalid_credentials")
    right = {"email": alex.email, "password": alex.password}
    assert_error(api.call("POST", "/v1/auth/token", json=right), 429, "account_locked")

    after = _workers_cpu(two_workers)
    busy = [pid for pid in after if after[pid] - before.get(pid, 0.0) > 0.05]
    assert len(busy) >= 2, f"only {len(busy)} worker process served: {before} -> {after}"


def test_logout_ends_a_poll_waiting_in_either_worker(two_workers: LocalServer) -> None:
    """A poll opened before logout hands out nothing published after it, whichever worker it
    waits in and whichever worker took the logout and the change (the sign-in is checked again
    when the events are handed out)."""
    api = _new_connection_each_time(two_workers.url)
    alex = make_guardian(api, "Alex")
    jordan = make_guardian(api, "Jordan")
    maya = make_teen(api, "Maya", 14, date.today())
    link(api, alex, maya)
    link(api, jordan, maya)
    for attempt in range(3):  # new connections each time: the workers share the requests
        cursor = api.call("GET", "/v1/events", jordan.token).json()["cursor"]
        poll = BackgroundPoll(_new_connection_each_time(two_workers.url), jordan, cursor, wait=10)
        assert api.call("POST", "/v1/auth/logout", jordan.token).status_code == 204
        path = f"/v1/teens/{maya.id}/controls"
        etag = api.call("GET", path, alex.token).headers["ETag"]
        limit = {"daily_limit_minutes": 40 + attempt}
        assert api.call("PATCH", path, alex.token, json=limit, headers={"If-Match": etag}).status_code == 200
        poll.thread.join(12)
        assert not poll.thread.is_alive()
        assert_error(poll.response, 401, "unauthorized")
        renew_sign_in = {"email": jordan.email, "password": jordan.password}
        jordan.token = api.call("POST", "/v1/auth/token", json=renew_sign_in).json()["access_token"]
