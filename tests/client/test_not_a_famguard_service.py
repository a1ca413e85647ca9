"""An address that answers HTTP but is not a FamGuard service (a web server, a typo'd port that
belongs to something else) is named as such, with what to do — never "the service had a
problem, try again in a moment", which sends a guardian waiting for something that will never
work. The web server is a real one on loopback (tests.support.web_server)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from famguard.api import ApiClient, RetryPolicy, TokenManager, make_session
from famguard.api import errors as e
from famguard.domain.errors import ErrorKind
from tests.support.web_server import plain_web_server

NOT_FAMGUARD = "not as a FamGuard service"


@pytest.fixture
def web_server(tmp_path: Path) -> Iterator[str]:
    with plain_web_server(tmp_path / "site") as url:
        yield url


def client(url: str) -> ApiClient:
    return ApiClient(url, make_session(), tokens=TokenManager(), retry=RetryPolicy(attempts=1))


@pytest.mark.parametrize(
    "call",
    [
        lambda api: api.sign_in("pat@example.org", "correct horse"),  # POST: 501
        lambda api: api.create_account("pat@example.org", "correct horse", "Pat", "guardian"),  # POST: 501
        lambda api: api.health(),  # GET of a path the web server does not have: 404
    ],
    ids=["sign in", "create account", "health"],
)
def test_a_web_server_that_is_not_famguard_is_named_with_what_to_do(web_server: str, call) -> None:
    with pytest.raises(e.ApiError) as caught:
        call(client(web_server))
    message = caught.value.message
    assert NOT_FAMGUARD in message and "Check the service address" in message, message
    assert "Try again in a moment" not in message
    assert caught.value.kind is ErrorKind.REFUSED  # said once; nothing to retry or keep offline
