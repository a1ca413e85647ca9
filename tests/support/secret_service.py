"""A private D-Bus session bus with an unlocked throw-away login keyring (TOOLING.md): keyring's
backend is then the real `SecretService.Keyring`, and nothing of the machine's own keyring is
touched. Used by the desktop tests (tests/ui/conftest.py) and by the start-up benchmark of a
returning guardian (tests/benchmarks/bench_startup.py)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager


class NoSecretService(RuntimeError):
    """dbus-daemon or gnome-keyring-daemon is not installed (apt: dbus gnome-keyring)."""


@contextmanager
def secret_service(*, with_login_keyring: bool = True) -> Iterator[dict[str, str]]:
    """The environment (DBUS_SESSION_BUS_ADDRESS, XDG_DATA_HOME) that reaches the private keyring.
    `with_login_keyring=False`: the daemon runs but has no login keyring, and the prompt that would
    create one cannot be shown (no display on the bus), as on a desktop whose keyring was never set up."""
    if not (shutil.which("dbus-daemon") and shutil.which("gnome-keyring-daemon")):
        raise NoSecretService("needs dbus-daemon and gnome-keyring-daemon (apt: dbus gnome-keyring)")
    home = tempfile.mkdtemp(prefix="famguard-keyring-")
    # Without a login keyring, no display for the bus and the daemon: with one (xvfb-run, a
    # desktop) the "make a login keyring" prompt is shown there and waits for a person, and the
    # keyring "did not answer" instead of "has none".
    hidden = () if with_login_keyring else ("DISPLAY", "WAYLAND_DISPLAY")
    base = {name: value for name, value in os.environ.items() if name not in hidden}
    bus = subprocess.run(
        ["dbus-daemon", "--session", "--fork", "--print-address=1", "--print-pid=1"],
        capture_output=True,
        text=True,
        check=True,
        timeout=10,
        env=base,
    )
    address, pid = bus.stdout.split()[:2]
    env = {**base, "DBUS_SESSION_BUS_ADDRESS": address, "XDG_DATA_HOME": home, "HOME": home}
    keyring_daemon = subprocess.run(
        ["gnome-keyring-daemon", "--unlock" if with_login_keyring else "--start", "--components=secrets"],
        input="throwaway" if with_login_keyring else "",
        capture_output=True,
        text=True,
        env=env,
        timeout=10,
    )
    keyring_pids = [
        line.split("=", 1)[1] for line in keyring_daemon.stdout.splitlines() if line.startswith("GNOME_KEYRING_PID=")
    ]
    try:
        if with_login_keyring:
            _first_use_alone(env)
        yield {"DBUS_SESSION_BUS_ADDRESS": address, "XDG_DATA_HOME": home}
    finally:
        for process_id in [*keyring_pids, pid]:
            subprocess.run(["kill", process_id], check=False)
        shutil.rmtree(home, ignore_errors=True)


# One entry written and removed through keyring's own Secret Service backend, in a process of its own
# (the caller's environment still reaches another bus).
_WRITE_AND_REMOVE = """
from keyring.backends import SecretService
backend = SecretService.Keyring()
backend.set_password("FamGuard-first-use", "probe", "x")
backend.delete_password("FamGuard-first-use", "probe")
"""


def _first_use_alone(env: dict[str, str]) -> None:
    """The keyring's first use by one client alone, before the tests' own. A fresh gnome-keyring
    loads its login keyring after it answers on the bus; calls at once in that moment found no
    default collection ("Failed to create the collection: Prompt dismissed") or ended the daemon
    ("recipient disconnected"), and the daemon D-Bus started in its place had the login keyring
    locked: every later keyring test of that pytest worker failed (a CI run of stop 46, 8 tests)."""
    deadline = time.monotonic() + 15
    while True:
        probe = subprocess.run(
            [sys.executable, "-c", _WRITE_AND_REMOVE], capture_output=True, text=True, env=env, timeout=15
        )
        if probe.returncode == 0:
            return
        if time.monotonic() > deadline:
            raise RuntimeError(f"the private keyring never took an entry: {probe.stderr[-500:]}")
        time.sleep(0.2)
