"""On PostgreSQL, over real HTTP: a long poll whose sign-in ends while it waits ends with the
token's refusal (401), not an empty 200, with the switch for the fast paths on and off
(test_signed_out_polls); and a request for time still waiting when the teen's last link ends is
closed, so the next guardian's inbox is empty, while a second guardian still linked keeps it
(test_requests_close_with_last_link).

Skipped (with test_postgres, whose cluster it uses) only when PostgreSQL's server programs are
absent and FAMGUARD_REQUIRE_POSTGRES is not set (CI sets it)."""

from __future__ import annotations

import pytest
import requests

from famguard.server.limits import Limits
from tests.server.test_postgres import postgres_server  # noqa: F401 - the fixture (and its skip without PostgreSQL)
from tests.server.test_requests_close_with_last_link import (
    last_link_ends_then_a_new_guardian_pairs,
    one_of_two_guardians_unlinks,
)
from tests.server.test_signed_out_polls import signed_out_polls
from tests.support.http import Api
from tests.support.postgres import fresh_database
from tests.support.servers import FakeClock, LocalServer

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("fast_path", [True, False], ids=["fast-paths-on", "fast-paths-off"])
def test_a_poll_signed_out_while_waiting_ends_with_401_on_postgres(postgres_server: str, fast_path: bool) -> None:  # noqa: F811 - the fixture
    signed_out_polls(fresh_database(postgres_server), fast_path)


def test_a_waiting_request_closes_with_the_last_link_on_postgres(postgres_server: str) -> None:  # noqa: F811 - the fixture
    clock = FakeClock()
    with (
        LocalServer(fresh_database(postgres_server), clock=clock, limits=Limits(signups_per_address=1000)) as server,
        requests.Session() as session,
    ):
        api = Api(session, server.url)
        for teen_unlinks in (False, True):
            last_link_ends_then_a_new_guardian_pairs(api, clock, teen_unlinks)
        one_of_two_guardians_unlinks(api, clock)
