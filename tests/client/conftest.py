"""Fixtures of the client tests: a private data directory per test (so each account database is
a fresh file) and the keyring fixtures. The servers, the clock and the proxy come from
tests/conftest.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from .keyring_fixtures import real_keyring, swapped_keyring  # noqa: F401 - fixtures for every client test


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "data"
    monkeypatch.setenv("FAMGUARD_DATA_DIR", str(path))
    return path
