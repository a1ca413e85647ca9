"""The server SIGKILLed and restarted mid-sync, on SQLite (the PostgreSQL run is in
tests/server/test_postgres.py): no acknowledged change lost, no half change visible."""

from __future__ import annotations

from pathlib import Path

from tests.support.restart import kill_and_restart_mid_sync
from tests.support.servers import LocalServer


def test_a_server_killed_twice_mid_sync_on_sqlite_loses_nothing(tmp_path: Path) -> None:
    server = LocalServer(f"sqlite:///{tmp_path / 'server.sqlite3'}", own_process=True)
    with server:
        figures = kill_and_restart_mid_sync(server)
    print(f"server killed mid-sync: {figures}")
