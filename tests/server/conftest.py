"""Fixtures of the service tests: a fake clock, the app in process (TestClient) and the real
uvicorn server on a loopback port, both on a fresh SQLite file, and a linked family."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import requests
from argon2 import PasswordHasher
from fastapi import FastAPI
from fastapi.testclient import TestClient

from famguard.server import security
from famguard.server.app import create_app
from famguard.server.runner import ServerThread

from .helpers import Api, FakeClock, Person, link, make_guardian, make_teen


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "real_argon2: use the production argon2id cost instead of the test cost")


@pytest.fixture(autouse=True)
def cheap_argon2(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Still argon2id, at the lowest cost: the production cost (~0.2 s a hash) would make the
    tests that create dozens of accounts take minutes. Tests marked real_argon2 keep it."""
    if request.node.get_closest_marker("real_argon2") is None:
        monkeypatch.setattr(security, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def app(database_url: str, clock: FakeClock) -> Iterator[FastAPI]:
    application = create_app(database_url, clock=clock)
    yield application
    application.state.service.db.dispose()


@pytest.fixture
def api(app: FastAPI) -> Iterator[Api]:
    with TestClient(app) as client:
        yield Api(client)


@pytest.fixture
def live(database_url: str, clock: FakeClock) -> Iterator[Api]:
    """The real server over real HTTP on 127.0.0.1, with the fake clock."""
    server = ServerThread(database_url, clock=clock)
    base = server.start()
    session = requests.Session()
    try:
        yield Api(session, base)
    finally:
        session.close()
        server.stop()


@dataclass
class Family:
    guardian: Person
    teen: Person


@pytest.fixture
def family(api: Api, clock: FakeClock) -> Family:
    guardian = make_guardian(api, "Alex")
    teen = make_teen(api, "Maya", 14, clock.now.date())
    link(api, guardian, teen)
    return Family(guardian, teen)
