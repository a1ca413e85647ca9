"""The `--workers N` rows: GET and PATCH controls (50 connections, a guardian and a teen per
connection, If-Match) with `famguard-server --workers 2` against one worker, on PostgreSQL, in the
same run, interleaved. Besides req/s each run splits the CPU time spent per request between the
server's processes, PostgreSQL's (the cluster's postmaster and everything under it, background
writers included) and wrk: the machine has 2 cores for all three, so two workers can serve at most
2 s of CPU per second, and the note of each row gives that ceiling as a ratio to one worker —
what bounds the figure when the target is out of reach.

And one row of one worker: PATCH with an Idempotency-Key (what the app sends: every change has
one) against PATCH without, in the same rounds, each on a database seeded alike (a keyed run
needs every teen at version 1 as much as the plain one)."""

from __future__ import annotations

import os
import resource
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, text

from tests.benchmarks.common import Load, Row, Target, wrk
from tests.benchmarks.seed import seed
from tests.benchmarks.service_rows import PAIRS_PER_CONNECTION, plan_of
from tests.support.servers import LocalServer

_TICK = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Split:
    """One wrk run: its load, and the CPU microseconds per request of each party."""

    load: Load
    server_us: float
    postgres_us: float
    wrk_us: float

    def __str__(self) -> str:
        return (
            f"{self.load}; CPU/req: server {self.server_us:.0f} us, PostgreSQL {self.postgres_us:.0f} us, "
            f"wrk {self.wrk_us:.0f} us"
        )


def tree_cpu_seconds(pid: int) -> float:
    """CPU time of a process, of its children that ended (reaped), and of its live descendants."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except FileNotFoundError:  # ended meanwhile: its parent's reaped time has it
        return 0.0
    own = sum(int(value) for value in fields[11:15]) / _TICK  # utime, stime, cutime, cstime
    return own + sum(tree_cpu_seconds(int(child)) for child in children)


def _postmaster(database_url: str) -> int:
    """The pid of the cluster's postmaster: the parent of any backend."""
    engine = create_engine(database_url)
    with engine.connect() as connection:
        backend = int(connection.execute(text("SELECT pg_backend_pid()")).scalar_one())
    engine.dispose()
    return int(Path(f"/proc/{backend}/stat").read_text().rsplit(")", 1)[1].split()[1])


def _measured(url: str, mode: str, plan: list[str], connections: int, seconds: float, pids: tuple[int, int]) -> Split:
    server, postmaster = pids
    before = (tree_cpu_seconds(server), tree_cpu_seconds(postmaster), resource.getrusage(resource.RUSAGE_CHILDREN))
    load = wrk(url, mode, plan, connections, seconds)
    after = (tree_cpu_seconds(server), tree_cpu_seconds(postmaster), resource.getrusage(resource.RUSAGE_CHILDREN))
    requests = max(1.0, load.rps * max(1, round(seconds)))
    wrk_seconds = (after[2].ru_utime + after[2].ru_stime) - (before[2].ru_utime + before[2].ru_stime)
    return Split(
        load,
        (after[0] - before[0]) / requests * 1e6,
        (after[1] - before[1]) / requests * 1e6,
        wrk_seconds / requests * 1e6,
    )


def workers_rows(
    cluster_url: str, connections: int, seconds: float, log: Callable[[str], None], rounds: int = 2
) -> list[Row]:
    """GET and PATCH req/s with `--workers 2` against 1 worker, and a keyed PATCH against a plain
    one with 1 worker, PostgreSQL."""
    from tests.support.postgres import fresh_database

    best: dict[int, dict[str, Split]] = {}
    for workers in (1, 2) * rounds:  # interleaved; the better of each is kept
        url = fresh_database(cluster_url)  # each round from version 1 of every teen's controls
        seeded = seed(url, guardians=connections * PAIRS_PER_CONNECTION, teens=connections * PAIRS_PER_CONNECTION)
        plan = plan_of(seeded, connections)
        pids = (0, _postmaster(url))
        with LocalServer(url, own_process=True, workers=workers) as server:
            pids = (server.pid, pids[1])
            rest = (connections, seconds)
            got = {mode: _measured(server.url, mode, plan, *rest, pids) for mode in ("get", "patch")}
        if workers == 1:
            url = fresh_database(cluster_url)
            seeded = seed(url, guardians=connections * PAIRS_PER_CONNECTION, teens=connections * PAIRS_PER_CONNECTION)
            with LocalServer(url, own_process=True) as server:
                pids = (server.pid, pids[1])
                got["patch-keyed"] = _measured(server.url, "patch-keyed", plan_of(seeded, connections), *rest, pids)
        log(f"PostgreSQL, {workers} worker(s): " + "; ".join(f"{mode} {split}" for mode, split in got.items()))
        for mode, split in got.items():
            kept = best.setdefault(workers, {})
            if mode not in kept or split.load.rps > kept[mode].load.rps:
                kept[mode] = split
    cores = os.cpu_count() or 1
    rows = []
    for name, mode in (("GET controls", "get"), ("PATCH controls", "patch")):
        one, two = best[1][mode], best[2][mode]
        # Two workers cannot serve more than the cores give at their CPU cost per request.
        ceiling = cores / ((two.server_us + two.postgres_us + two.wrk_us) / 1e6) / one.load.rps
        rows.append(
            Row(
                f"{name}, PostgreSQL, --workers 2",
                str(two),
                f"1 worker {one}",
                two.load.rps / one.load.rps,
                Target(">=", 1.6, "x"),
                note=f"CPU ceiling on {cores} cores shared with PostgreSQL and wrk: {ceiling:.2f}x",
            )
        )
    keyed, plain = best[1]["patch-keyed"], best[1]["patch"]
    rows.append(
        Row(
            "PATCH controls with an Idempotency-Key (as the app sends), PostgreSQL, 1 worker",
            str(keyed),
            f"without a key {plain}",
            keyed.load.rps / plain.load.rps,
            Target(">=", 0.8, "x"),
        )
    )
    return rows
