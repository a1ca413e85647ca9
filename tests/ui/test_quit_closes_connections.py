"""What the app leaves open once it is shut down: no connection to the service. The API client
pools its connections for the next call, and nothing closed them: the family on screen freezes
what exists out of the garbage collector's passes (famguard.app.settle_runtime), so neither did
the collector. Every sign-in kept ~9 sockets for the rest of the process (tests/ui reached 624
open descriptors, all but a few of them those)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.support.accounts import member, pair
from tests.support.servers import LocalServer

from .conftest import stop_app
from .test_flows import WAIT, sign_in, wait_home


def _connections_to(port: int) -> set[str]:
    """This process's sockets (by inode) connected to 127.0.0.1:`port`, whatever their state:
    one the service has closed stays open here until this side closes it too."""
    inodes = set()
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:  # closed meanwhile (another thread)
            continue
        if target.startswith("socket:["):
            inodes.add(target[len("socket:[") : -1])
    found = set()
    for line in Path("/proc/self/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if int(fields[2].split(":")[1], 16) == port and fields[9] in inodes:
            found.add(fields[9])
    return found


@pytest.mark.usefixtures("failing_keyring")
@pytest.mark.parametrize("service_first", [False, True], ids=["service running", "service gone first"])
def test_shutting_the_app_down_closes_its_connections_to_the_service(
    qtbot, launch, tmp_path: Path, service_first: bool
) -> None:
    if not Path("/proc/self/net/tcp").exists():
        pytest.skip("reads this process's sockets from /proc (Linux)")
    with LocalServer(f"sqlite:///{tmp_path / 'server.sqlite3'}") as server:
        guardian = member(server.url, "guardian", "Sam Guardian", address="sam@example.org")
        teen = member(server.url, "teen", "Maya", address="maya@example.org", age=14)
        pair(guardian.api, teen.api)
        the_tests_own = _connections_to(server.port)
        controller = launch()
        sign_in(qtbot, controller, server.url, guardian, keep=False)
        wait_home(qtbot, controller, "Maya")  # the family's reads went out side by side
        qtbot.waitUntil(lambda: len(_connections_to(server.port) - the_tests_own) > 1, timeout=WAIT)
        if service_first:
            server.stop()  # the app's long poll fails and its retries begin; then the guardian quits
            qtbot.waitUntil(controller.window.offline_banner.isVisible, timeout=WAIT)  # the app noticed
        stop_app(controller)
    # The service has stopped, answering the long poll in flight; its thread ends then and closes
    # that connection. Every other one must be closed by the shutdown itself: a socket left open
    # here stays open (the service's end of it is gone) for as long as the process runs.
    qtbot.waitUntil(lambda: not _connections_to(server.port) - the_tests_own, timeout=WAIT)
