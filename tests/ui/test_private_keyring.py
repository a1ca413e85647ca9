"""The desktop tests' private keyring (tests/ui/conftest.py) outlives a gnome-keyring daemon that
ends: D-Bus starts another in its place with the login keyring locked, and before this every later
keyring test of the pytest worker failed on it (a CI run lost 8 tests so)."""

from __future__ import annotations

import os
import subprocess
import time

import pytest


def _daemon_pid() -> int:
    """The process that owns the Secret Service name on the bus the environment reaches."""
    reply = subprocess.run(
        [
            "dbus-send",
            "--session",
            "--print-reply",
            "--dest=org.freedesktop.DBus",
            "/org/freedesktop/DBus",
            "org.freedesktop.DBus.GetConnectionUnixProcessID",
            "string:org.freedesktop.secrets",
        ],
        capture_output=True,
        text=True,
        env=os.environ,
        check=True,
        timeout=10,
    )
    return int(reply.stdout.split()[-1])


@pytest.mark.usefixtures("real_keyring")
def test_a_keyring_daemon_that_ended_is_replaced_by_a_working_one(secret_service, monkeypatch) -> None:
    os.kill(_daemon_pid(), 9)
    deadline = time.monotonic() + 10
    while secret_service.usable():  # the name is released once the bus sees the daemon gone
        assert time.monotonic() < deadline, "the keyring still answered after its daemon was killed"
        time.sleep(0.05)
    restarts = secret_service.restarts

    with pytest.warns(UserWarning, match="started again"):
        secret_service.reach(monkeypatch)

    assert secret_service.restarts == restarts + 1
    from keyring.backends import SecretService

    backend = SecretService.Keyring()
    backend.set_password("FamGuard", "after-restart", "kept")
    assert backend.get_password("FamGuard", "after-restart") == "kept"
