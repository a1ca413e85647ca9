"""What FamGuard writes on this computer is its owner's only, under the usual umask (022): the
data folder and every folder it has to make on the way, the account's store with its -wal and
-shm, and the settings (the remembered guardian's address and service). Found by an attacker
as another user of the computer: the data folder came out 0755 (`mkdir(parents=True)` makes the
folders above with the umask's mode), the settings and the stores 0644. A real server on loopback,
the real services and settings, real files."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from famguard.services import SessionService
from famguard.ui.settings import Settings
from tests.support.accounts import PASSWORD, guardian


@pytest.fixture
def usual_umask() -> Iterator[None]:
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


def _mode(path: Path) -> str:
    return oct(stat.S_IMODE(path.stat().st_mode))


@pytest.mark.usefixtures("usual_umask")
def test_a_first_sign_in_leaves_nothing_another_user_can_read(live_server: str, tmp_path: Path, monkeypatch) -> None:
    data = tmp_path / "home" / "share" / "FamGuard"  # none of it exists yet
    monkeypatch.setenv("FAMGUARD_DATA_DIR", str(data))
    _api, email = guardian(live_server, "Alex")
    session = SessionService(None).sign_in(live_server, email, PASSWORD, remember=False)
    session.family.refresh_teens()  # a write: the store's WAL and its index exist now
    Settings.load().remember(server_url=session.server_url, last_email=session.email)
    try:
        [store] = (data / "accounts").glob("*.sqlite3")
        files = [store, Path(f"{store}-wal"), Path(f"{store}-shm"), data / "settings.ini"]
        assert {f.name: _mode(f) for f in files} == {f.name: "0o600" for f in files}
        folders = [tmp_path / "home", tmp_path / "home" / "share", data, data / "accounts"]
        assert {str(f): _mode(f) for f in folders} == {str(f): "0o700" for f in folders}
    finally:
        session.close()
