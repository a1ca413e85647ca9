"""The service rows of the table, measured with wrk from outside the server process (one
connection per wrk thread, loopback only, bounded in time): GET /v1/health as the baseline, GET
controls and PATCH controls (each request a guardian and their teen, If-Match; a connection takes
PAIRS_PER_CONNECTION such pairs in turns, so no guardian writes past the write budget), on a small
database and on 10,000 and 100,000 teens with 1,000 guardians (`--workers 2` on PostgreSQL is
in workers_rows.py). The health runs before and after the measured endpoints are averaged, so a
busy moment of the machine weighs on baseline and figure alike. And another family's PATCH while
one family's phone posts usage reports in a loop (the route's writes, from FLOOD_CONNECTIONS
connections), against the same PATCH with nothing else running."""

from __future__ import annotations

import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import requests

from tests.benchmarks.common import Load, Row, Target, wrk
from tests.benchmarks.seed import PASSWORD, Seeded, seed
from tests.support.servers import LocalServer

# Guardian/teen pairs each connection takes in turns: a connection PATCHing at ~60 a second (50
# connections, ~3,000 a second) would spend one guardian's write budget (120 a minute,
# famguard/server/write_budget.py) in two seconds; over 20 pairs each guardian writes ~3 a second.
PAIRS_PER_CONNECTION = 20


def plan_of(seeded: Seeded, connections: int, pairs: int = PAIRS_PER_CONNECTION) -> list[str]:
    """`pairs` lines per connection (a connection's lines together): each a guardian (round-robin
    over the seeded ones, so distinct while there are enough) and a teen of that guardian no
    other line uses."""
    lines = []
    taken: dict[int, int] = {}
    for n in range(connections * pairs):
        guardian = n % len(seeded.tokens)
        index = taken.get(guardian, 0)
        taken[guardian] = index + 1
        lines.append(f'{seeded.tokens[guardian]} {seeded.teens[guardian][index]} "1"')
    return lines


def measure(url: str, plan: list[str], connections: int, seconds: float, pid: int) -> dict[str, Load]:
    """health, GET controls, PATCH controls, health again; "health" is the mean of both."""
    first = wrk(url, "health", plan, connections, seconds, pid)
    get = wrk(url, "get", plan, connections, seconds, pid)
    patch = wrk(url, "patch", plan, connections, seconds, pid)
    second = wrk(url, "health", plan, connections, seconds, pid)
    health = Load(
        (first.rps + second.rps) / 2,
        (first.p50_ms + second.p50_ms) / 2,
        max(first.p99_ms, second.p99_ms),
        first.errors + second.errors,
        (first.cpu_us + second.cpu_us) / 2,
    )
    return {"health": health, "get": get, "patch": patch}


def _server_on(database_url: str, **options: object) -> LocalServer:
    return LocalServer(database_url, own_process=True, **options)  # type: ignore[arg-type]


def small_database_rows(connections: int, seconds: float, log: Callable[[str], None]) -> list[Row]:
    with tempfile.TemporaryDirectory(prefix="famguard-bench-") as directory:
        url = f"sqlite:///{Path(directory) / 'bench.sqlite3'}"
        pairs = connections * PAIRS_PER_CONNECTION
        seeded = seed(url, guardians=pairs, teens=pairs)
        with _server_on(url) as server:
            loads = measure(server.url, plan_of(seeded, connections), connections, seconds, server.pid)
    log(f"small database: {loads}")
    return _endpoint_rows(loads, f"{connections} connections, SQLite, 1 worker")


FLOOD_CONNECTIONS = 4


# The measured guardian's pairs (one connection PATCHing quietly runs ~1,000-2,000 a second: over
# 200 pairs a guardian writes at most ~10 a second, so the 5-second run stays within each budget).
FLOOD_MEASURED_PAIRS = 200


def flood_rows(seconds: float, log: Callable[[str], None]) -> list[Row]:
    """Guardians' PATCHes on one connection, quiet and then while another family's phone posts
    usage reports in a loop from FLOOD_CONNECTIONS connections (found from outside: the route's
    writer threads took the write lock at every release, and a change on the fast path waited up
    to a second — famguard/server/write_turns.py). The phone meets its write budget (120 a
    minute, famguard/server/write_budget.py) within the first second: what it sends after that is
    refused from a read (the process remembers the refusal for the rest of the minute), without
    the writer's turn — but each refusal is still a request the server reads, authenticates and
    answers, so the flood goes on taking CPU from the other family."""
    pairs = FLOOD_MEASURED_PAIRS
    with tempfile.TemporaryDirectory(prefix="famguard-bench-") as directory:
        url = f"sqlite:///{Path(directory) / 'bench.sqlite3'}"
        seeded = seed(url, guardians=pairs + 1, teens=pairs + 1)  # teen n is guardian n's; the last is the phone
        with _server_on(url) as server:
            signed_in = requests.post(
                f"{server.url}/v1/auth/token",
                json={"email": f"teen{pairs}@bench.example", "password": PASSWORD},
                timeout=30,
            )
            signed_in.raise_for_status()
            phone = [f"{signed_in.json()['access_token']} - -"] * FLOOD_CONNECTIONS
            measured = plan_of(seeded, 1, pairs)
            quiet = wrk(server.url, "patch", measured, 1, seconds)
            flood: list[Load] = []
            flooding = threading.Thread(
                target=lambda: flood.append(wrk(server.url, "usage", phone, FLOOD_CONNECTIONS, seconds + 2))
            )
            flooding.start()
            time.sleep(1)  # the flood under way
            busy = wrk(server.url, "patch", _current(server.url, measured), 1, seconds)
            flooding.join()
    log(f"PATCHes quiet: {quiet}; during the flood: {busy}; the flood: {flood[0]}")
    return [
        Row(
            f"another family's PATCH while a phone posts usage reports ({FLOOD_CONNECTIONS} connections), p99",
            f"{busy.p99_ms:.1f} ms (median {busy.p50_ms:.1f} ms, {busy.errors} errors; the flood {flood[0].rps:,.0f} "
            f"reports/s, {flood[0].errors:,} of them refused by its write budget)",
            f"quiet: p99 {quiet.p99_ms:.1f} ms, median {quiet.p50_ms:.1f} ms",
            busy.p99_ms if busy.errors == 0 else float("inf"),
            Target("<", 50, " ms", absolute_time=True),
        )
    ]


def _current(base_url: str, plan: list[str]) -> list[str]:
    """`plan` with each pair's ETag as the service has it now (a stale If-Match would be a 412)."""
    current = []
    with requests.Session() as session:
        for line in plan:
            token, teen, _etag = line.split()
            answer = session.get(f"{base_url}/v1/teens/{teen}/controls", headers={"Authorization": f"Bearer {token}"})
            current.append(f"{token} {teen} {answer.headers['ETag']}")
    return current


def _endpoint_rows(loads: dict[str, Load], setting: str) -> list[Row]:
    health, get, patch = loads["health"], loads["get"], loads["patch"]
    base = f"health {health.rps:,.0f} req/s, {health.cpu_us:.0f} us CPU/req"
    rows = []
    for name, load, ratio_target in (("PATCH controls", patch, 0.35), ("GET controls", get, 0.8)):
        rows.append(Row(f"{name}, {setting}", str(load), base, load.rps / health.rps, Target(">=", ratio_target, "x")))
        rows.append(
            Row(f"{name} p99", f"{load.p99_ms:.1f} ms", "-", load.p99_ms, Target("<", 50, " ms", absolute_time=True))
        )
        rows.append(Row(f"{name} errors", str(load.errors), "-", load.errors, Target("<=", 0)))
    return rows


def large_database_rows(
    connections: int, seconds: float, sizes: tuple[int, int], log: Callable[[str], None]
) -> list[Row]:
    """GET and PATCH (each as a ratio to health in its run) with `sizes[1]` teens against
    `sizes[0]` teens, 1,000 guardians (fewer when the sizes are small)."""
    relative: dict[int, dict[str, Load]] = {}
    for teens in sizes:
        guardians = min(1000, teens // 10)
        with tempfile.TemporaryDirectory(prefix="famguard-bench-") as directory:
            url = f"sqlite:///{Path(directory) / 'bench.sqlite3'}"
            seeded = seed(url, guardians=guardians, teens=teens, history=1)
            with _server_on(url) as server:
                relative[teens] = measure(server.url, plan_of(seeded, connections), connections, seconds, server.pid)
        log(f"{teens} teens: {relative[teens]}")
    small, large = sizes
    rows = []
    for name, key in (("GET controls", "get"), ("PATCH controls", "patch")):
        before = relative[small][key].rps / relative[small]["health"].rps
        after = relative[large][key].rps / relative[large]["health"].rps
        rows.append(
            Row(
                f"{name} with {large:,} teens",
                f"{after:.2f}x health",
                f"{before:.2f}x with {small:,} teens",
                after / before,
                Target(">=", 0.8, "x"),
            )
        )
    return rows
