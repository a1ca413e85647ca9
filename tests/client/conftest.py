"""Fixtures of the client tests: a private data directory per test (so each account database is
a fresh file), and a reference server whose clock and port the test controls."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from .helpers import Clock
from .keyring_fixtures import real_keyring, swapped_keyring  # noqa: F401 - fixtures for every client test


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "data"
    monkeypatch.setenv("FAMGUARD_DATA_DIR", str(path))
    return path


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def clocked_server(database_url: str, clock: Clock) -> Iterator[str]:
    """The reference server with a clock the test can move forward."""
    from famguard.server.runner import ServerThread

    server = ServerThread(database_url=database_url, clock=clock)
    url = server.start()
    try:
        yield url
    finally:
        server.stop()
