"""The history's `before=` and the events' `after=` take numbers up to the largest row id both
databases store (PostgreSQL's `integer`): one past it is refused as a bad request on SQLite and
PostgreSQL alike. On PostgreSQL, `before=2147483648` was a 500 with the SQL and a traceback in
the log, and the next request on that connection was reset. Real servers over real HTTP; the
PostgreSQL half skips with test_postgres (CI sets FAMGUARD_REQUIRE_POSTGRES)."""

from __future__ import annotations

import pytest

from tests.server.test_guardian_approval_postgres import pg_api  # noqa: F401 - the fixture
from tests.server.test_postgres import postgres_server  # noqa: F401 - the fixture (and its skip without PostgreSQL)
from tests.support.accounts import link, make_guardian, make_teen
from tests.support.http import Api, assert_error
from tests.support.servers import FakeClock

MAX_ID = 2**31 - 1  # PostgreSQL's largest `integer`


def _bounds_hold(api: Api, clock: FakeClock) -> None:
    alex = make_guardian(api, "Alex")
    maya = make_teen(api, "Maya", 14, clock.now.date())
    link(api, alex, maya)
    for path, token in ((f"/v1/teens/{maya.id}/activity", alex.token), ("/v1/me/activity", maya.token)):
        assert api.call("GET", f"{path}?before={MAX_ID}", token).status_code == 200
        for too_large in (MAX_ID + 1, 2**63 - 1, 2**64):
            assert_error(api.call("GET", f"{path}?before={too_large}", token), 400, "bad_request")
    assert api.call("GET", f"/v1/events?after={MAX_ID}", alex.token).status_code == 200
    assert_error(api.call("GET", f"/v1/events?after={MAX_ID + 1}", alex.token), 400, "bad_request")
    # The connection is still answered after the refusals.
    assert api.call("GET", f"/v1/teens/{maya.id}/activity", alex.token).status_code == 200


def test_row_ids_past_the_largest_are_refused_on_sqlite(live: Api, clock: FakeClock) -> None:
    _bounds_hold(live, clock)


@pytest.mark.slow
def test_row_ids_past_the_largest_are_refused_on_postgres(pg_api: Api, clock: FakeClock) -> None:  # noqa: F811 - the fixture
    _bounds_hold(pg_api, clock)
