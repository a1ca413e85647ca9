"""How long the service's deletion of old events (famguard/server/retention.py) holds the
writers back: a SQLite database with N events (90 % older than 30 days, two recipients each, 2,000
busy accounts) and 20,000 quiet accounts whose one event is old (kept: each account's newest), one
pass of `EventRetention.delete_old` and the length of each of its transactions (on SQLite, a write
transaction holds every other writer back), then the hourly passes after it and the day's full
pass (which reads the quiet accounts' kept events again). Not a target of the performance table:
it prints the figures the README quotes.

Run: `python tests/benchmarks/bench_retention.py [N]` (default 200,000)."""

from __future__ import annotations

import sqlite3
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy.orm import Session

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # run as a script: famguard is found from the checkout
    sys.path.insert(0, str(ROOT))

from famguard.server.app import create_app  # noqa: E402
from famguard.server.retention import FULL_PASS_EVERY  # noqa: E402
from famguard.server.statements import sqlite_stamp  # noqa: E402

ACCOUNTS = 2000
QUIET_ACCOUNTS = 20_000


def main() -> int:
    events = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    with tempfile.TemporaryDirectory(prefix="famguard-retention-") as directory:
        path = Path(directory) / "r.sqlite3"
        now = datetime(2026, 12, 4, 12, tzinfo=UTC)
        app = create_app(f"sqlite:///{path}", clock=lambda: now)
        service = app.state.service
        connection = sqlite3.connect(path)
        _fill(connection, events, now)
        print(
            f"{events} events of {ACCOUNTS} busy accounts (90 % older than 30 days) and {QUIET_ACCOUNTS} quiet "
            "accounts' one old event each"
        )
        held: list[float] = []
        write = service.db.write

        @contextmanager
        def timed_write() -> Iterator[Session]:
            started = time.perf_counter()
            with write() as session:
                yield session
            held.append(time.perf_counter() - started)

        service.db.write = timed_write
        started = time.perf_counter()
        deleted = service.retention.delete_old()
        total = time.perf_counter() - started
        left = connection.execute("SELECT COUNT(*) FROM events").fetchone()[0]
        held.sort()
        print(
            f"deleted {deleted} in {total:.2f} s: {len(held)} transactions, "
            f"median {held[len(held) // 2] * 1000:.1f} ms, longest {held[-1] * 1000:.1f} ms; {left} events left"
        )
        passes = []
        for _ in range(FULL_PASS_EVERY):
            started = time.perf_counter()
            service.retention.delete_old()
            passes.append(time.perf_counter() - started)
        hourly = sorted(passes[:-1])
        print(
            f"the hourly passes after it (nothing to delete): median {hourly[len(hourly) // 2] * 1000:.1f} ms; "
            f"the day's full pass: {passes[-1] * 1000:.0f} ms"
        )
        connection.close()
        service.db.dispose()
    return 0


def _fill(connection: sqlite3.Connection, events: int, now: datetime) -> None:
    """Events in time order (ids follow time, as the service writes them): first the quiet
    accounts' one event each, then the busy accounts', the last 10 % of them recent."""
    old, recent = now - timedelta(days=40), now - timedelta(days=1)
    numbers: dict[str, int] = {}
    event_rows, recipient_rows = [], []
    for n in range(1, QUIET_ACCOUNTS + 1):
        event_rows.append((n, sqlite_stamp(old - timedelta(seconds=QUIET_ACCOUNTS - n)), "link_ended", "t", "{}"))
        recipient_rows.append((f"q{n}", n, 1))
    for k in range(1, events + 1):
        at = old + timedelta(seconds=k * 0.5) if k < events * 0.9 else recent + timedelta(seconds=k * 0.001)
        n = QUIET_ACCOUNTS + k
        event_rows.append((n, sqlite_stamp(at), "usage_reported", "t", "{}"))
        for account in (f"g{k % ACCOUNTS}", f"t{k % ACCOUNTS}"):
            numbers[account] = numbers.get(account, 0) + 1
            recipient_rows.append((account, n, numbers[account]))
    connection.executemany("INSERT INTO events (id, at, type, teen_id, data) VALUES (?, ?, ?, ?, ?)", event_rows)
    connection.executemany("INSERT INTO event_recipients (account_id, event_id, seq) VALUES (?, ?, ?)", recipient_rows)
    connection.commit()


if __name__ == "__main__":
    raise SystemExit(main())
