"""A bounded soak (issue 13): 20 guardians (the real client: SessionService, outbox, sync engine)
and 40 teens (the teen simulator's client, famguard.teen_cli.teen_client) on PostgreSQL with two
server processes sharing the database on two ports. The guardians reach the servers through fault
proxies that add latency, jitter, dropped and reset replies; an attacker floods sign-ups and
oversized bodies at both servers at the same time.

At the end: every outbox is empty (or holds only explained rejections), the service's controls equal
a model of the last change each guardian asked, every time request asked exists (ten a teen at most:
the rest refused) and every decision holds, no request got a 5xx, the honest teens' p99 stayed under
1 s (asserted), and neither server's memory kept growing. FAMGUARD_SOAK_SECONDS sets the length
(120 s by default, as CI runs it; signing in and pairing the 60 accounts takes some seconds more)."""

from __future__ import annotations

import os
import random
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

import pytest
import requests
from sqlalchemy import insert

from famguard.api import ApiClient, RetryPolicy
from famguard.api import errors as e
from famguard.domain.sync import SyncState
from famguard.server.db import make_engine
from famguard.server.models import Account
from famguard.server.routes_family import TIME_REQUESTS_PER_DAY
from famguard.server.security import light_password_hash, new_id
from famguard.services import AccountSession, SessionService
from famguard.teen_cli import teen_client
from tests.server.test_postgres import pg_url, postgres_server  # noqa: F401 - the throw-away cluster
from tests.support.accounts import PASSWORD, born_aged, email
from tests.support.http import post_from
from tests.support.proxy import Fault, FaultProxy
from tests.support.servers import LocalServer

SECONDS = float(os.environ.get("FAMGUARD_SOAK_SECONDS", "120"))
# How long the honest users think between operations, as a multiple of the base pauses (teens
# 0.3-0.9 s, guardians 0.25-0.75 s): it sets the offered load (see README, "Reliability"). The
# base pauses keep every account under the service's write budget (120 writes a minute,
# famguard.server.write_budget) — ~100 writes a minute at most — as honest users are: the budget
# itself is tested in tests/server/test_write_budget.py.
PACE = float(os.environ.get("FAMGUARD_SOAK_PACE", "1"))
GUARDIANS, TEENS_EACH = 20, 2


def _rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


def _honest_accounts(database_url: str) -> tuple[list[str], list[list[str]]]:
    """The honest users' accounts (guardians' and teens' addresses), written straight into the
    service's tables with argon2id at a light cost: 60 sign-ups and their sign-ins at the full cost
    (64 MiB, one hash at a time per server) took a minute before the soak began, and what the
    soak measures starts after them. Every other step — each sign-in, pairing and change — goes
    through the real clients and servers, and the attacker's sign-ups are hashed at the full cost."""
    now = datetime.now(UTC)
    stored = light_password_hash(PASSWORD)
    guardians = [email(f"G{g}") for g in range(GUARDIANS)]
    teens = [[email(f"T{g}-{t}") for t in range(TEENS_EACH)] for g in range(GUARDIANS)]
    rows: list[dict[str, Any]] = [
        {"email": a, "display_name": f"G{g}", "role": "guardian", "birth_date": None} for g, a in enumerate(guardians)
    ]
    rows += [
        {"email": a, "display_name": f"T{g}-{t}", "role": "teen", "birth_date": born_aged(13 + (g + t) % 5)}
        for g, mine in enumerate(teens)
        for t, a in enumerate(mine)
    ]
    engine = make_engine(database_url)
    try:
        with engine.begin() as connection:
            connection.execute(
                insert(Account), [{**row, "id": new_id(), "password_hash": stored, "created_at": now} for row in rows]
            )
    finally:
        engine.dispose()
    return guardians, teens


class Stats:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latencies: list[float] = []
        self.started: list[float] = []  # of each direct operation, beside its latency
        self.faulted: list[float] = []
        self.server_errors: list[str] = []
        self.operations = 0
        self.attacks: dict[int, int] = {}

    def timed(self, call: Callable[[], Any], faulted: bool = False) -> Any:  # noqa: ANN401 - its result
        """Run one honest operation; its latency counts towards the p99 unless it went through the
        fault proxies on purpose (`faulted`: the guardians' sync, which is slowed down by design)."""
        started = time.monotonic()
        try:
            return call()
        except e.ServerError as error:
            with self.lock:
                self.server_errors.append(error.message)
            return None
        finally:
            with self.lock:
                (self.faulted if faulted else self.latencies).append(time.monotonic() - started)
                if not faulted:
                    self.started.append(started)

                self.operations += 1


def _by_window(started: list[float], latencies: list[float], width: float = 5.0) -> str:
    """Median and p99 of the direct operations per `width` seconds: a warm-up burst and a steady
    queue give the same p99 overall and need different fixes."""
    first = min(started)
    windows: dict[int, list[float]] = {}
    for at, latency in zip(started, latencies, strict=True):
        windows.setdefault(int((at - first) // width), []).append(latency)
    parts = []
    for index, values in sorted(windows.items()):
        values.sort()
        parts.append(
            f"{index * width:.0f}s: median {values[len(values) // 2] * 1000:.0f} ms, "
            f"p99 {values[max(0, int(len(values) * 0.99) - 1)] * 1000:.0f} ms over {len(values)}"
        )
    return "soak by window: " + "; ".join(parts)


@pytest.mark.slow
def test_soak_two_servers_faults_and_an_attacker(pg_url: str) -> None:  # noqa: F811 - the fixture
    one = LocalServer(pg_url, own_process=True)
    two = LocalServer(pg_url, own_process=True)
    with one, two:
        proxies = [FaultProxy(one.url).start(), FaultProxy(two.url).start()]
        try:
            _soak(one, two, proxies)
        finally:
            for proxy in proxies:
                proxy.stop()


def _soak(one: LocalServer, two: LocalServer, proxies: list[FaultProxy]) -> None:
    servers = [one, two]
    rng = random.Random(13)
    stats = Stats()
    patient = RetryPolicy(attempts=6, base=0.05, cap=0.5, max_retry_after=2)

    def api_factory(base_url, session, tokens=None):  # noqa: ANN001, ANN202 - SessionService's factory
        return ApiClient(base_url, session, tokens=tokens, retry=patient, timeout=(3.0, 5.0))

    # --- the families, paired through the real client and the teen simulator's client --------
    guardian_addresses, teen_addresses = _honest_accounts(one.database_url)

    def family(g: int) -> tuple[AccountSession, list[ApiClient]]:
        session = SessionService(None, api_factory=api_factory).sign_in(
            proxies[g % 2].url, guardian_addresses[g], PASSWORD, remember=False
        )
        mine: list[ApiClient] = []
        for t, teen_address in enumerate(teen_addresses[g]):
            teen = teen_client(servers[(g + t + 1) % 2].url)  # either server: they share the database
            teen.sign_in(teen_address, PASSWORD)
            pairing = session.api.start_pairing()
            teen.accept_pairing(teen.redeem_pairing(pairing.code).id)
            session.api.confirm_pairing(pairing.id)
            mine.append(teen)
        for linked in session.family.refresh_teens():
            session.sync.refresh_controls(linked.id)
        return session, mine

    with ThreadPoolExecutor(4) as pool:
        made = list(pool.map(family, range(GUARDIANS)))
    guardians = [session for session, _ in made]
    teens = [mine for _, mine in made]
    teen_ids = [[t.id for t in g.family.refresh_teens()] for g in guardians]
    assert all(len(ids) == TEENS_EACH for ids in teen_ids)

    model: dict[str, dict[str, Any]] = {}  # teen id -> field -> last value asked
    asked: dict[str, set[str]] = {}  # teen id -> the time requests asked (the same question while it
    # waits is answered with that one: a retry whose reply was lost asks nothing twice)
    refused: dict[str, int] = {}  # teen id -> time requests refused for the day's limit
    over_budget: list[str] = []  # usage reports refused by the write budget
    deadline = time.monotonic() + SECONDS
    rss_start = [_rss_mib(s.pid) for s in servers]

    def guardian_loop(index: int) -> None:
        local = random.Random(index)
        session = guardians[index]
        while time.monotonic() < deadline:
            teen_id = local.choice(teen_ids[index])
            if local.random() < 0.7:
                minutes = local.randrange(30, 300, 5)
                words = [f"w{local.randrange(1000)}"]
                session.sync.queue_change(teen_id, daily_limit_minutes=minutes, keyword_filters=words)
                model.setdefault(teen_id, {}).update(daily_limit_minutes=minutes, keyword_filters=words)
                stats.timed(session.sync.send_pending, faulted=True)
            else:
                for request in stats.timed(lambda t=teen_id: session.api.time_requests(t), faulted=True) or []:
                    if request.status.value == "pending":
                        stats.timed(
                            lambda r=request: session.api.decide_time_request(r.id, local.random() < 0.5), faulted=True
                        )
            time.sleep(local.uniform(0.25, 0.75) * PACE)

    def teen_loop(index: int, slot: int) -> None:
        local = random.Random(1000 + index * 10 + slot)
        teen = teens[index][slot]
        teen_id = teen_ids[index][slot]  # order of refresh_teens may differ: use the teen's own id
        own_id = teen.me().id
        while time.monotonic() < deadline:
            if local.random() < 0.8:
                try:
                    stats.timed(lambda: teen.report_usage(datetime.now(UTC).date(), local.randrange(0, 600)))
                except e.RateLimited as refusal:  # the write budget: never met by an honest phone
                    with stats.lock:
                        over_budget.append(refusal.message)
            else:
                try:
                    minutes = local.randrange(5, 241)  # another question each time, mostly
                    answered = stats.timed(partial(teen.ask_for_time, minutes, "soak"))
                except e.RateLimited:  # ten in 24 hours (each alerts the guardians); the rest refused
                    with stats.lock:
                        refused[own_id] = refused.get(own_id, 0) + 1
                else:
                    if answered is not None:
                        with stats.lock:
                            asked.setdefault(own_id, set()).add(answered.id)
            time.sleep(local.uniform(0.3, 0.9) * PACE)
        del teen_id

    def attacker() -> None:
        local = random.Random(666)
        big = b"x" * (300 * 1024)
        while time.monotonic() < deadline:
            url = local.choice(servers).url
            if local.random() < 0.5:
                body = {"email": email("spam"), "password": "p" * 12, "display_name": "x", "role": "guardian"}
                status, _ = post_from(url, "/v1/accounts", body, "127.0.0.66")
            else:
                try:
                    status = requests.post(f"{url}/v1/accounts", data=big, timeout=10).status_code
                except requests.ConnectionError:
                    status = -1
            with stats.lock:
                stats.attacks[status] = stats.attacks.get(status, 0) + 1
            time.sleep(0.01)

    def weather() -> None:
        """Faults on the guardians' way to the servers, changing every second."""
        while time.monotonic() < deadline:
            for proxy in proxies:
                proxy.latency, proxy.jitter = rng.choice([(0, 0), (0.2, 0), (0, 0.4)])
                proxy.fault(rng.choice([Fault.DROP, Fault.RESET, Fault.TRUNCATE]), "PATCH /v1/teens", times=1)
            time.sleep(1)
        for proxy in proxies:
            proxy.clear()

    threads = [threading.Thread(target=guardian_loop, args=(g,)) for g in range(GUARDIANS)]
    threads += [threading.Thread(target=teen_loop, args=(g, t)) for g in range(GUARDIANS) for t in range(TEENS_EACH)]
    threads += [threading.Thread(target=attacker), threading.Thread(target=weather)]
    for thread in threads:
        thread.start()
    rss_mid: list[float] = []
    time.sleep(SECONDS / 3)
    rss_mid = [_rss_mib(s.pid) for s in servers]
    for thread in threads:
        thread.join(SECONDS + 120)
    rss_end = [_rss_mib(s.pid) for s in servers]

    # --- the end state --------------------------------------------------------------------
    for proxy in proxies:
        proxy.clear()
    for session in guardians:
        for _ in range(20):
            if session.unsent_changes() == 0:
                break
            session.sync.send_pending()
        leftovers = session.store.changes(states=[SyncState.PENDING, SyncState.SENDING, SyncState.CONFLICT])
        assert leftovers == [], leftovers
    checker = guardians[0].api
    for index, session in enumerate(guardians):
        for teen_id in teen_ids[index]:
            controls = session.api.get_controls(teen_id).controls
            for field, value in model.get(teen_id, {}).items():
                got = getattr(controls, field)
                assert (list(got) if isinstance(got, tuple) else got) == value, (teen_id, field, got, value)
    for mine in teens:
        for teen in mine:
            own_id = teen.me().id
            assert {r.id for r in teen.my_time_requests()} == asked.get(own_id, set())
            if refused.get(own_id):  # refused only once the limit was reached, and never past it
                assert len(asked[own_id]) == TIME_REQUESTS_PER_DAY, (own_id, asked[own_id], refused[own_id])
    del checker
    latencies = sorted(stats.latencies)
    p99 = latencies[int(len(latencies) * 0.99) - 1]
    faulted = sorted(stats.faulted)
    print(
        f"soak {SECONDS:.0f} s at pace {PACE:g}: {stats.operations} honest operations, direct p99 {p99 * 1000:.0f} ms "
        f"over {len(latencies)}, through faults p50 {faulted[len(faulted) // 2] * 1000:.0f} ms, "
        f"attacker {stats.attacks}, RSS MiB start {rss_start} mid {rss_mid} end {rss_end}, "
        f"5xx {len(stats.server_errors)}, time requests {sum(map(len, asked.values()))} asked, "
        f"{sum(refused.values())} refused"
    )
    print(_by_window(stats.started, stats.latencies))
    assert stats.server_errors == []
    assert over_budget == []
    # The target. What it took on two cores (README, "Reliability"): the events path
    # without a table lock on PostgreSQL, and the attacker's argon2 hashes run below the requests'
    # priority (famguard/server/security.py) — before that, they held p99 at 1.0-1.3 s.
    assert p99 < 1.0, f"honest p99 {p99:.2f} s"
    assert sum(stats.attacks.get(s, 0) for s in (413, 429, -1)) > 0
    assert stats.attacks.get(201, 0) <= 2 * 20, "the sign-up flood was not throttled"
    for mid, end in zip(rss_mid, rss_end, strict=True):
        assert end - mid < 100, f"server memory grew from {mid:.0f} to {end:.0f} MiB"
    for session in guardians:
        session.close()
