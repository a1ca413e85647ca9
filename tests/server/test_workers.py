"""`famguard-server --workers 2` on PostgreSQL: two processes serve one port, and every promise
holds across them because its state lives in the database — the sign-in throttle, the write budget, idempotency
keys, wrong pairing guesses, and events (a change made through one worker wakes a poll waiting
in the other, through LISTEN/NOTIFY). Every request opens a new connection, so the kernel hands
them to both workers; the test checks that both really served. Also a birthday seen by many
requests at once over both processes is told once — one `turned_16` entry and event at 16, one
`link` entry per link at 18. The server runs on the real clock, so the passing of time is written
into the database directly (the link made a month ago, the birth date moved), as a year of real
life would have left it.

Skipped only when PostgreSQL's server programs are absent and FAMGUARD_REQUIRE_POSTGRES is not
set (CI sets it)."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
import requests
from sqlalchemy import create_engine, text

from famguard.domain.age import birthday_in_year
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


AT_ONCE = 24  # requests released together, each on a connection of its own


def _sql(url: str, statement: str, **params: Any) -> None:  # noqa: ANN401 - bound values
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(text(statement), params)
    finally:
        engine.dispose()


def _all_at_once(url: str, calls: list[Callable[[Api], Any]]) -> list[int]:
    """Each call on its own connection (Connection: close spreads them over both workers), all
    released by one barrier; returns the status codes."""
    barrier = threading.Barrier(len(calls))
    statuses: list[int] = []

    def run(call: Callable[[Api], Any]) -> None:
        with requests.Session() as session:
            session.headers["Connection"] = "close"
            api = Api(session, url)
            barrier.wait()
            statuses.append(call(api).status_code)

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return statuses


def _today() -> Any:  # noqa: ANN401 - a date
    return datetime.now(UTC).date()  # a new teen's day is UTC's until a guardian sets a zone


def test_turning_16_is_told_once_across_two_workers(two_workers: LocalServer) -> None:
    server, db_url = two_workers, two_workers.database_url
    api = Api(requests.Session(), server.url)
    guardian = make_guardian(api, "Alex")
    teen = make_teen(api, "Maya", 15, _today(), days_since_birthday=200)
    link(api, guardian, teen)
    # A year on: today is the 16th birthday, and the link is older than that.
    born = birthday_in_year(_today(), _today().year - 16)
    _sql(db_url, "UPDATE accounts SET birth_date = :b WHERE id = :t", b=born, t=teen.id)
    _sql(db_url, "UPDATE links SET linked_at = linked_at - interval '30 days' WHERE teen_id = :t", t=teen.id)
    cursor = api.call("GET", "/v1/events", guardian.token).json()["cursor"]

    looks: list[Callable[[Api], Any]] = []
    for n in range(AT_ONCE):
        if n % 2:
            looks.append(lambda a: a.call("GET", "/v1/me/controls", teen.token))
        else:
            looks.append(lambda a: a.call("GET", f"/v1/teens/{teen.id}/activity", guardian.token))
    assert set(_all_at_once(server.url, looks)) == {200}

    entries = api.call("GET", f"/v1/teens/{teen.id}/activity", guardian.token, params={"kind": "age"}).json()
    assert [(e["field"], e["after"]["on"]) for e in entries] == [("turned_16", _today().isoformat())]
    events = api.call("GET", "/v1/events", guardian.token, params={"after": cursor}).json()["events"]
    assert [e["type"] for e in events].count("teen_turned_16") == 1


def test_the_links_end_once_at_18_across_two_workers(two_workers: LocalServer) -> None:
    server, db_url = two_workers, two_workers.database_url
    api = Api(requests.Session(), server.url)
    alex, jordan = make_guardian(api, "Alex"), make_guardian(api, "Jordan")
    teen = make_teen(api, "Sam", 17, _today(), days_since_birthday=200)
    link(api, alex, teen)
    link(api, jordan, teen, approver=alex)
    cursor = api.call("GET", "/v1/events", alex.token).json()["cursor"]
    _sql(db_url, "UPDATE accounts SET birth_date = :b WHERE id = :t",
         b=birthday_in_year(_today(), _today().year - 18), t=teen.id)  # fmt: skip

    looks: list[Callable[[Api], Any]] = []
    for n in range(AT_ONCE):
        guardian = (alex, jordan)[n % 2]
        if n % 3 == 0:
            looks.append(lambda a, g=guardian: a.call("GET", "/v1/teens", g.token))
        else:
            looks.append(lambda a, g=guardian: a.call("GET", f"/v1/teens/{teen.id}/controls", g.token))
    assert set(_all_at_once(server.url, looks)) <= {200, 404}

    history = api.call("GET", "/v1/me/activity", teen.token).json()
    ended = [e for e in history if e["kind"] == "link" and e["before"] and e["actor"] is None]
    assert sorted(e["before"]["guardian"] for e in ended) == ["Alex", "Jordan"]
    events = api.call("GET", "/v1/events", alex.token, params={"after": cursor}).json()["events"]
    assert [e["type"] for e in events].count("link_ended") == 1


def test_logout_ends_a_poll_waiting_in_either_worker(two_workers: LocalServer) -> None:
    """A poll opened before logout hands out nothing published after it, whichever worker it
    waits in and whichever worker took the logout and the change (the sign-in is checked again
    when the events are handed out)."""
    api = _new_connection_each_time(two_workers.url)
    alex = make_guardian(api, "Alex")
    jordan = make_guardian(api, "Jordan")
    maya = make_teen(api, "Maya", 14, date.today())
    link(api, alex, maya)
    link(api, jordan, maya, approver=alex)
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


def test_the_write_budget_holds_across_two_workers_under_parallel_writes(two_workers: LocalServer) -> None:
    """A phone posting 150 usage reports at once, on 16 connections spread over both workers: the
    budget's count is one row, updated in each write's transaction, so exactly WRITES_PER_MINUTE
    are saved and the rest refused — not up to twice as many (one count per worker), and not
    fewer (a lost update refusing too early)."""
    from concurrent.futures import ThreadPoolExecutor

    from famguard.server.write_budget import WRITES_PER_MINUTE

    api = _new_connection_each_time(two_workers.url)
    teen = make_teen(api, "Zoe", 15)
    today = api.call("GET", "/v1/me/usage", teen.token).json()["date"]

    def report(minutes: int) -> int:
        with requests.Session() as session:
            session.headers["Connection"] = "close"
            response = Api(session, two_workers.url).call(
                "POST", "/v1/me/usage", teen.token, json={"date": today, "minutes": minutes}
            )
            return response.status_code

    with ThreadPoolExecutor(16) as pool:
        statuses = list(pool.map(report, range(WRITES_PER_MINUTE + 30)))
    assert statuses.count(200) == WRITES_PER_MINUTE, statuses
    assert statuses.count(429) == 30, statuses
    refused = api.call("POST", "/v1/me/usage", teen.token, json={"date": today, "minutes": 1})
    assert_error(refused, 429, "rate_limited")


def test_the_workers_end_with_their_parent(tmp_path: Path) -> None:
    """The parent of `--workers 2` SIGKILLed (a supervisor's last resort, the out-of-memory
    killer): its workers end too, and the port is free for the server started again. Before,
    they went on serving on it beside the new one (an outside tester)."""
    with throwaway_cluster() as cluster:
        server = LocalServer(fresh_database(cluster), own_process=True, workers=2)
        server.start()
        try:
            # The two workers, and multiprocessing's resource tracker (it ends when they have).
            workers = [int(pid) for pid in Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()]
            assert len(workers) >= 2
            server.kill()
            deadline = time.monotonic() + 15
            while any(Path(f"/proc/{pid}").exists() and _state(pid) != "Z" for pid in workers):
                assert time.monotonic() < deadline, "a worker outlived its parent"
                time.sleep(0.05)
            with pytest.raises(requests.ConnectionError):
                requests.get(f"{server.url}/v1/health", timeout=5)
        finally:
            for pid in workers:  # whatever the outcome, nothing is left serving
                if Path(f"/proc/{pid}").exists():
                    os.kill(pid, 9)
            server.stop()


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return "gone"
