"""Fixtures every test layer shares: a headless Qt platform, and the real reference server (started
by tests.support.servers) on an ephemeral loopback port with a fresh SQLite file, alone, with a
clock the test moves, or behind the fault-injecting proxy. Modules marked `both_read_paths` run
every test twice: with the server's GET-controls fast path on and off."""

from __future__ import annotations

import os

# Qt aborts the whole process without a display unless this is set before Qt is imported.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
from argon2 import PasswordHasher  # noqa: E402

from famguard.server import security  # noqa: E402
from famguard.server.limits import Limits  # noqa: E402
from tests.support.proxy import FaultProxy  # noqa: E402
from tests.support.servers import FakeClock, LocalServer  # noqa: E402


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The tests marked `slow` first (in their order): the suite runs in two processes (`-n 2`,
    pyproject.toml), and a two-minute test handed out last would keep one of them busy alone."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "fast_path" in metafunc.fixturenames and metafunc.definition.get_closest_marker("both_read_paths"):
        metafunc.parametrize("fast_path", [True, False], ids=["fast-path", "full-route"], indirect=True)


@pytest.fixture(autouse=True)
def cheap_argon2(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Servers started in this process hash passwords with argon2id at its lowest cost: the
    production cost (64 MiB, ~0.1-0.4 s a hash, one hash at a time per process) spent on the
    accounts every service, client and desktop test makes was several minutes of the suite.
    Servers in their own process (`LocalServer(own_process=True)`, the soak, the benchmarks) and
    tests marked `real_argon2` (the hashing pool, the throttles, the demo's costs) keep the real
    cost; tests/server/test_accounts.py checks that a real account gets the real cost."""
    if request.node.get_closest_marker("real_argon2") is None:
        monkeypatch.setattr(security, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@pytest.fixture
def fast_path(request: pytest.FixtureRequest) -> bool:
    """Whether the server answers GET controls on its fast path (on, unless parametrized)."""
    return bool(getattr(request, "param", True))


@pytest.fixture
def server_limits() -> Limits:
    """The servers' limits: the defaults, except that the tests make dozens of accounts from one
    address (tests/server/test_throttles.py overrides this with the real default)."""
    return Limits(signups_per_address=1000)


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'server.sqlite3'}"


@pytest.fixture
def live_server(database_url: str, fast_path: bool, server_limits: Limits) -> Iterator[str]:
    """The reference server running in this process on 127.0.0.1:<free port>; yields its base URL."""
    with LocalServer(database_url, fast_path=fast_path, limits=server_limits) as server:
        yield server.url


@pytest.fixture
def clock() -> FakeClock:
    """The server's clock, starting now (the service tests start it at a fixed moment instead)."""
    return FakeClock.real_now()


@pytest.fixture
def clocked_server(database_url: str, clock: FakeClock, fast_path: bool, server_limits: Limits) -> Iterator[str]:
    """The reference server with a clock the test can move forward."""
    with LocalServer(database_url, clock=clock, fast_path=fast_path, limits=server_limits) as server:
        yield server.url


@pytest.fixture
def proxy(live_server: str) -> Iterator[FaultProxy]:
    """The fault-injecting proxy in front of `live_server`; connect to `proxy.url`."""
    with FaultProxy(live_server) as fault_proxy:
        yield fault_proxy
