"""The core flow on PostgreSQL (psycopg 3): a throw-away cluster in a temporary directory, the
migrations, and accounts, pairing (with concurrent redeems), controls with ETag and idempotency,
usage, time requests, history and a woken long poll against the real server.

Skipped only when PostgreSQL's server programs are absent and FAMGUARD_REQUIRE_POSTGRES is not
set (CI sets it, so there a missing PostgreSQL fails instead)."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator

import pytest
import requests
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from famguard.server.db import make_engine, upgrade_schema
from famguard.server.models import Base
from tests.support.accounts import controls_of, link, make_guardian, make_teen
from tests.support.http import Api, BackgroundPoll, assert_error, redeem_all_at_once
from tests.support.postgres import fresh_database, pg_bin, throwaway_cluster
from tests.support.servers import FakeClock, LocalServer

PG_BIN = pg_bin()
if PG_BIN is None and not os.environ.get("FAMGUARD_REQUIRE_POSTGRES"):
    pytest.skip(
        "PostgreSQL's initdb/pg_ctl are not installed (set FAMGUARD_REQUIRE_POSTGRES=1 to fail instead)",
        allow_module_level=True,
    )


@pytest.fixture(scope="module")
def postgres_server() -> Iterator[str]:
    assert PG_BIN is not None, "FAMGUARD_REQUIRE_POSTGRES is set but PostgreSQL is not installed"
    with throwaway_cluster() as url:
        yield url


@pytest.fixture
def pg_url(postgres_server: str) -> str:
    """A fresh, empty database on the throw-away cluster."""
    return fresh_database(postgres_server)


@pytest.fixture
def pg_live(pg_url: str, clock: FakeClock) -> Iterator[Api]:
    with LocalServer(pg_url, clock=clock) as server, requests.Session() as session:
        yield Api(session, server.url)


def test_migrations_build_the_declared_schema_on_postgres(pg_url: str) -> None:
    engine = make_engine(pg_url)
    upgrade_schema(engine)
    upgrade_schema(engine)  # a second start is a no-op
    with engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
    engine.dispose()


def test_core_flow_on_postgres(pg_live: Api, clock: FakeClock) -> None:
    api = pg_live
    alex, jordan = make_guardian(api, "Alex"), make_guardian(api, "Jordan")
    maya = make_teen(api, "Maya", 14, clock.now.date())
    link(api, alex, maya)
    link(api, jordan, maya)
    body, etag = controls_of(api, alex, maya)
    assert body["direct_messages"] == "no_one"
    refused = api.call(
        "PATCH", f"/v1/teens/{maya.id}/controls", alex.token, json={"comments": "everyone"}, headers={"If-Match": etag}
    )
    assert "comments" in assert_error(refused, 422, "validation_failed")["fields"]
    headers = {"If-Match": etag, "Idempotency-Key": "pg-1"}
    changed = api.call(
        "PATCH", f"/v1/teens/{maya.id}/controls", alex.token, json={"daily_limit_minutes": 90}, headers=headers
    )
    replay = api.call(
        "PATCH", f"/v1/teens/{maya.id}/controls", alex.token, json={"daily_limit_minutes": 90}, headers=headers
    )
    assert changed.status_code == replay.status_code == 200 and replay.headers["ETag"] == changed.headers["ETag"]
    stale = api.call(
        "PATCH",
        f"/v1/teens/{maya.id}/controls",
        jordan.token,
        json={"daily_limit_minutes": 40},
        headers={"If-Match": etag},
    )
    assert_error(stale, 412, "precondition_failed")
    today = str(clock.now.date())
    for minutes in (10, 25):
        assert api.call("POST", "/v1/me/usage", maya.token, json={"date": today, "minutes": minutes}).status_code == 200
    asked = api.call("POST", "/v1/me/time-requests", maya.token, json={"minutes": 20, "reason": "Project"}).json()
    api.call("POST", f"/v1/time-requests/{asked['id']}/decision", jordan.token, json={"approve": True})
    days = api.call("GET", f"/v1/teens/{maya.id}/usage", alex.token).json()["days"]
    assert days[-1] == {"date": today, "minutes": 25, "limit_minutes": 110}
    history = api.call("GET", f"/v1/teens/{maya.id}/activity", alex.token).json()
    assert [(e["kind"], e["field"]) for e in history[:3]] == [
        ("time_request", "approved"),
        ("time_request", "requested"),
        ("controls", "daily_limit_minutes"),
    ]
    # another family's teen is out of reach
    other = make_guardian(api, "Other")
    assert_error(api.call("GET", f"/v1/teens/{maya.id}/controls", other.token), 404, "not_found")


def test_concurrent_redeems_and_a_woken_poll_on_postgres(pg_live: Api, clock: FakeClock) -> None:
    api = pg_live
    guardian = make_guardian(api)
    teens = [make_teen(api, f"Teen{n}", 15, clock.now.date()) for n in range(20)]
    code = api.call("POST", "/v1/pairings", guardian.token).json()
    statuses = [status for _teen, status in redeem_all_at_once(api, teens, code["code"])]
    assert sorted(statuses) == [200] + [409] * 19

    teen = make_teen(api, "Maya", 14, clock.now.date())
    link(api, guardian, teen)
    cursor = api.call("GET", "/v1/events", guardian.token).json()["cursor"]
    poll = BackgroundPoll(api, guardian, cursor)
    started = time.monotonic()
    api.call("POST", "/v1/me/time-requests", teen.token, json={"minutes": 15, "reason": ""})
    assert [e["type"] for e in poll.join()] == ["time_requested"]
    assert poll.answered_at - started < 1.0
