"""The plain-text rule of the service's text fields (test_plain_text.check_every_field) on
PostgreSQL, with and without its fast paths: names, reasons, keywords and rule names refuse
hidden characters with the 422 and its words, and take what people type.

Skipped (with test_postgres, whose cluster it uses) only when PostgreSQL's server programs are
absent and FAMGUARD_REQUIRE_POSTGRES is not set (CI sets it)."""

from __future__ import annotations

import pytest
import requests

from famguard.server.limits import Limits
from tests.server.test_plain_text import check_every_field
from tests.server.test_postgres import postgres_server  # noqa: F401 - the fixture (and its skip without PostgreSQL)
from tests.support.http import Api
from tests.support.postgres import fresh_database
from tests.support.servers import FakeClock, LocalServer

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("fast_path", [True, False], ids=["fast-path", "full-route"])
def test_every_text_field_refuses_hidden_characters_on_postgres(postgres_server: str, fast_path: bool) -> None:  # noqa: F811 - the fixture
    clock = FakeClock()
    roomy = Limits(signups_per_address=1000)
    url = fresh_database(postgres_server)
    with LocalServer(url, clock=clock, fast_path=fast_path, limits=roomy) as server, requests.Session() as session:
        check_every_field(Api(session, server.url), clock)
