"""The hot queries stay index lookups however large the database grows: EXPLAIN QUERY PLAN on
SQLite and EXPLAIN on PostgreSQL, over a database of 10,000 teens and 1,000 guardians with
history (statistics gathered), for the statements every request of a busy service runs: the
token check, who am I, the controls read and change (its rule, its update, the family's
guardians, its idempotency key), the limit changes a usage answer undoes, a poll's own read, the
event hub's check and the sign-in check of the polls an event wakes — and the batches of the
hourly deletion of old events. A scan of any table would make these grow with the number of
families (the benchmarks' 10,000 / 100,000 teens rows measure the rest)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from famguard.server.access import (
    AUTH_SQL,
    CONTROLS_READ_SQL,
    CONTROLS_WRITE_SQL,
    ME_SQL,
    POLL_AUTH_SQL,
    tokens_check_sql,
)
from famguard.server.controls_write import _LIVE_GUARDIANS, _UPDATE
from famguard.server.idempotency import _DELETE_EXPIRED, _FIND
from famguard.server.notify import _LATEST, _NEW_EVENTS, MY_EVENTS_SQL
from famguard.server.retention import (
    _BATCH_END,
    _CROWDED_END,
    _DELETE_EVENTS,
    _DELETE_RECIPIENTS,
    _FIRST_ID,
    _MAX_ID,
    _OLDER_FROM,
)
from famguard.server.routes_family import LIMIT_CHANGES_SQL
from tests.benchmarks.seed import Seeded, seed
from tests.support.postgres import fresh_database, pg_bin, throwaway_cluster

pytestmark = pytest.mark.slow

PARAMS: dict[str, Any] = {
    "h": "0" * 64,
    "teen": "0" * 32,
    "me": "0" * 32,
    "after": 1,
    "seen": 1,
    "latest": 50,
    "next": 2,
    "body": "{}",
    "at": "2026-01-01 00:00:00.000000",
    "version": 1,
    "account": "0" * 32,
    "key": "k",
    "before": "2026-01-01 00:00:00.000000",
    "since": "2026-01-01 00:00:00.000000",
    "id": 1,
    "cutoff": "2026-01-01 00:00:00.000000",
    "last": 500,
    "skip": 499,
    "upto": 500,
    "limit": "daily_limit_minutes",
    "overrides": "daily_limit_overrides",
    **{f"h{n}": f"{n}" * 64 for n in range(3)},
}
HOT = {
    "token check": AUTH_SQL,
    "controls read": CONTROLS_READ_SQL,
    "controls change rule": CONTROLS_WRITE_SQL,
    "controls update": _UPDATE,
    "the family's guardians": _LIVE_GUARDIANS,
    "a poll's read": MY_EVENTS_SQL,
    "a poll's start (token check and latest number)": POLL_AUTH_SQL,
    "the hub's check": _LATEST,
    "the hub's read of new events": _NEW_EVENTS,
    "who am I": ME_SQL,
    "the sign-in check of polls woken together": tokens_check_sql(3),
    # Every usage answer and report: a past day's limit undoes the limit changes made since.
    "the teen's limit changes since a day": LIMIT_CHANGES_SQL,
    # The hourly deletion of old events (retention.py): on SQLite each batch holds the writers back.
    "the oldest event": _FIRST_ID,
    "the newest event": _MAX_ID,
    "whether the events from an id on are old": _OLDER_FROM,
    "a batch of old events' end": _BATCH_END,
    "a batch's end by its recipient rows": _CROWDED_END,
    "deleting a batch's recipients but each account's newest": _DELETE_RECIPIENTS,
    "deleting a batch's events": _DELETE_EVENTS,
}
# Statements only the SQLite fast write path runs (the seeded database has no idempotency keys,
# on which PostgreSQL's planner rightly prefers reading the empty table).
SQLITE_HOT = {
    "an idempotency key's answer": _FIND,
    "an account's expired idempotency keys": _DELETE_EXPIRED,
}


def _seeded(url: str) -> Seeded:
    return seed(url, guardians=1000, teens=10_000, history=2)


def test_hot_queries_are_index_lookups_on_sqlite(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'big.sqlite3'}"
    seeded = _seeded(url)
    engine = create_engine(url)
    with engine.connect() as connection:
        connection.execute(text("ANALYZE"))
        params = {**PARAMS, "teen": seeded.teens[0][0]}
        for name, sql in {**HOT, **SQLITE_HOT}.items():
            plan = [row[3] for row in connection.execute(text("EXPLAIN QUERY PLAN " + sql), params)]
            assert plan, name
            scans = [step for step in plan if step.startswith("SCAN")]
            assert not scans, f"{name} scans a table: {plan}"
            assert "USE TEMP B-TREE" not in " ".join(plan), f"{name} sorts: {plan}"
    engine.dispose()


@pytest.fixture(scope="module")
def postgres() -> Iterator[str]:
    if pg_bin() is None:
        if os.environ.get("FAMGUARD_REQUIRE_POSTGRES"):
            pytest.fail("FAMGUARD_REQUIRE_POSTGRES is set but PostgreSQL is not installed")
        pytest.skip("PostgreSQL's initdb/pg_ctl are not installed (set FAMGUARD_REQUIRE_POSTGRES=1 to fail instead)")
    with throwaway_cluster() as cluster:
        yield fresh_database(cluster)


def test_hot_queries_are_index_lookups_on_postgres(postgres: str) -> None:
    seeded = _seeded(postgres)
    engine = create_engine(postgres)
    with engine.connect() as connection:
        connection.execute(text("ANALYZE"))
        params = {**PARAMS, "teen": seeded.teens[0][0], "at": "2026-01-01 00:00:00"}
        for name, sql in HOT.items():
            plan = [row[0] for row in connection.execute(text("EXPLAIN " + sql), params)]
            scans = [step for step in plan if "Seq Scan" in step]
            assert not scans, f"{name} scans a table: {plan}"
        connection.rollback()
    engine.dispose()
