"""Fixtures every test layer shares: a headless Qt platform, and the real reference server on an
ephemeral loopback port with a fresh SQLite file."""

from __future__ import annotations

import os

# Qt aborts the whole process without a display unless this is set before Qt is imported.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'server.sqlite3'}"


@pytest.fixture
def live_server(database_url: str) -> Iterator[str]:
    """The reference server running in this process on 127.0.0.1:<free port>; yields its base URL."""
    from famguard.server.runner import ServerThread

    server = ServerThread(database_url=database_url)
    base_url = server.start()
    try:
        yield base_url
    finally:
        server.stop()
