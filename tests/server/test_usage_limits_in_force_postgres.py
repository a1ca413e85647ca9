"""test_usage_limits_in_force's scenarios on PostgreSQL: its plan of the history read, its
timestamps and its JSON text of the recorded values. The test is test_usage_limits_in_force's
own, run here with `live` the server on PostgreSQL.

Skipped (with test_postgres, whose cluster it uses) only when PostgreSQL's server programs are
absent and FAMGUARD_REQUIRE_POSTGRES is not set (CI sets it)."""

from __future__ import annotations

import pytest

from tests.server.test_guardian_approval_postgres import pg_api  # noqa: F401 - the fixture
from tests.server.test_postgres import postgres_server  # noqa: F401 - the fixture (and its skip without PostgreSQL)
from tests.server.test_usage_limits_in_force import test_each_past_day_has_the_limit_in_force_at_its_end  # noqa: F401
from tests.support.http import Api


@pytest.fixture
def live(pg_api: Api) -> Api:  # noqa: F811 - pg_api, the fixture
    """The real server over real HTTP, on a fresh PostgreSQL database, with the fake clock."""
    return pg_api
