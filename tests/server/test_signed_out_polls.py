"""A long poll whose sign-in ends while it waits (outside testers): signed out (token revoked),
the poll answered 200 with no events when its `wait` ran out, and the client polled again with
the dead token — learning it was signed out one timeout late, or never when its next poll raced
a change. Over real HTTP on both paths (the SQLite fast path in front of FastAPI and the FastAPI
route): the waiting poll ends as the token's refusal, 401 `unauthorized` for a signed-out token
and `token_expired` for one that expired meanwhile, at the latest when it would have answered;
a poll whose sign-in holds still times out with an empty 200."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import requests

from tests.support.accounts import Person, link, make_guardian, make_teen, sign_in
from tests.support.http import Api, BackgroundPoll, assert_error
from tests.support.servers import FakeClock, LocalServer

WAIT = 1.5  # the poll's own wait: it must answer by then, with the refusal


def _cursor(api: Api, person: Person) -> str:
    reply = api.call("GET", "/v1/events", person.token)
    assert reply.status_code == 200, reply.text
    return str(reply.json()["cursor"])


def _answer(poll: BackgroundPoll) -> Any:  # noqa: ANN401 - a requests.Response
    poll.thread.join(WAIT + 10)
    assert not poll.thread.is_alive(), "the poll did not answer"
    return poll.response


def _sign_in_again(api: Api, person: Person) -> None:
    person.token = sign_in(api, person.email, person.password)["access_token"]


def signed_out_polls(database_url: str, fast_path: bool) -> None:
    """The scenario, on a server of its own with a fake clock."""
    clock = FakeClock()
    with LocalServer(database_url, clock=clock, fast_path=fast_path) as server, requests.Session() as session:
        api = Api(session, server.url)
        alex = make_guardian(api, "Alex")
        maya = make_teen(api, "Maya", 14, clock.now.date())
        link(api, alex, maya)

        # Signed out while the poll waits, and nothing happens in the family meanwhile.
        poll = BackgroundPoll(Api(requests.Session(), server.url), alex, _cursor(api, alex), wait=WAIT)
        assert api.call("POST", "/v1/auth/logout", alex.token).status_code == 204
        assert_error(_answer(poll), 401, "unauthorized")

        # The access token expires while the poll waits: the client is told to renew it.
        _sign_in_again(api, alex)
        poll = BackgroundPoll(Api(requests.Session(), server.url), alex, _cursor(api, alex), wait=WAIT)
        clock.advance(minutes=16)
        assert_error(_answer(poll), 401, "token_expired")

        # Still signed in: the poll runs out with an empty 200, as ever.
        _sign_in_again(api, alex)
        cursor = _cursor(api, alex)
        poll = BackgroundPoll(Api(requests.Session(), server.url), alex, cursor, wait=WAIT)
        answered = _answer(poll)
        assert answered.status_code == 200, answered.text
        assert answered.json() == {"events": [], "cursor": cursor, "missed": False}

        # The teen too: a signed-out phone's poll, woken by nothing, ends with the refusal.
        _sign_in_again(api, maya)
        poll = BackgroundPoll(Api(requests.Session(), server.url), maya, _cursor(api, maya), wait=WAIT)
        assert api.call("POST", "/v1/auth/logout", maya.token).status_code == 204
        assert_error(_answer(poll), 401, "unauthorized")


@pytest.mark.parametrize("fast_path", [True, False], ids=["fast-path", "full-route"])
def test_a_poll_signed_out_while_waiting_ends_with_401_not_an_empty_200(tmp_path: Path, fast_path: bool) -> None:
    signed_out_polls(f"sqlite:///{tmp_path / 'polls.sqlite3'}", fast_path)
