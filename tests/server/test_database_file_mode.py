"""A new SQLite database is readable by its owner only, and so are its -wal and -shm files: it
holds password hashes, emails and teens' birth dates, and was created readable by every user of
the computer under the usual umask (022). An existing database readable by others is said in the
log. A real server over real HTTP writing a real file."""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

import pytest
import requests

from tests.support.accounts import make_guardian
from tests.support.http import Api
from tests.support.servers import LocalServer


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_database_and_its_wal_files_are_readable_by_their_owner_only(tmp_path: Path) -> None:
    database = tmp_path / "famguard.sqlite3"
    previous = os.umask(0o022)  # the usual umask, whatever the test runner's
    try:
        with LocalServer(f"sqlite:///{database}") as server, requests.Session() as session:
            make_guardian(Api(session, server.url), "Alex")  # a write: the WAL and its index exist now
            files = [database, database.with_name(database.name + "-wal"), database.with_name(database.name + "-shm")]
            assert all(f.exists() for f in files), sorted(p.name for p in tmp_path.iterdir())
            assert {f.name: oct(_mode(f)) for f in files} == {f.name: "0o600" for f in files}
    finally:
        os.umask(previous)


def test_an_existing_database_readable_by_others_is_said_in_the_log_and_left_as_it_is(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    database = tmp_path / "shared.sqlite3"
    database.touch()
    database.chmod(0o644)
    with caplog.at_level(logging.WARNING, logger="famguard.server.db"), LocalServer(f"sqlite:///{database}"):
        pass
    assert f"The database {database} can be read by other users of this computer: chmod 600 it" in caplog.messages
    assert _mode(database) == 0o644  # its owner's choice: said, not changed
