"""Fixtures of the service tests: a fake clock at a fixed moment, the app in process (TestClient)
and the real uvicorn server on a loopback port, both on a fresh SQLite file, and a linked
family. Both honour the `fast_path` fixture (see tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests
from fastapi import FastAPI
from fastapi.testclient import TestClient

from famguard.server.app import create_app
from famguard.server.limits import Limits
from tests.support.accounts import Family, link, make_guardian, make_teen
from tests.support.http import Api
from tests.support.servers import FakeClock


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def app(database_url: str, clock: FakeClock, fast_path: bool, server_limits: Limits) -> Iterator[FastAPI]:
    application = create_app(database_url, clock=clock, fast_path=fast_path, limits=server_limits)
    yield application
    application.state.service.db.dispose()


@pytest.fixture
def api(app: FastAPI) -> Iterator[Api]:
    with TestClient(app) as client:
        yield Api(client)


@pytest.fixture
def live(clocked_server: str) -> Iterator[Api]:
    """The real server over real HTTP on 127.0.0.1, with the fake clock."""
    with requests.Session() as session:
        yield Api(session, clocked_server)


@pytest.fixture
def family(api: Api, clock: FakeClock) -> Family:
    guardian = make_guardian(api, "Alex")
    teen = make_teen(api, "Maya", 14, clock.now.date())
    link(api, guardian, teen)
    return Family(guardian, teen)


@pytest.fixture
def live_family(live: Api, clock: FakeClock) -> Family:
    """A guardian linked with a teen, made over real HTTP on the `live` server."""
    guardian = make_guardian(live, "Alex")
    teen = make_teen(live, "Maya", 14, clock.now.date())
    link(live, guardian, teen)
    return Family(guardian, teen)
