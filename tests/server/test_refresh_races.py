"""A refresh token presented several times at once, over real HTTP, on both databases. Found by an
attacker on PostgreSQL: tries of one refresh token with different retry keys at the same instant
all won (4 of 4, 100 of 100 runs of two), each its own chain of renewals never found out — the
try that waited for another's commit read its own key as the one the token was used with. SQLite's
writers take turns, and must answer the same: one try wins, the others are reuse and end the
sign-in, the winner's pair with it."""

from __future__ import annotations

from typing import Any

import requests

from tests.server.test_lock_order_races import server_url  # noqa: F401 - the fixture: SQLite, then PostgreSQL
from tests.server.test_postgres import postgres_server  # noqa: F401 - the fixture (and its skip without PostgreSQL)
from tests.support.accounts import make_guardian
from tests.support.http import Api, all_at_once

TRIES_AT_ONCE = 4
ROUNDS = 5


def _refresh(base: str, body: dict[str, str]) -> Any:  # noqa: ANN401 - the response
    with requests.Session() as session:  # a connection of its own: the tries really run at once
        return Api(session, base).call("POST", "/v1/auth/refresh", json=body)


def _me(base: str, access: str) -> int:
    with requests.Session() as session:
        return int(Api(session, base).call("GET", "/v1/me", access).status_code)


def test_tries_with_different_keys_at_once_win_once_and_end_the_sign_in(server_url: str) -> None:  # noqa: F811
    with requests.Session() as session:
        api = Api(session, server_url)
        people = [make_guardian(api, f"Alex {n}") for n in range(ROUNDS)]
    for person in people:
        tries = [
            {"refresh_token": person.refresh_token, "retry_key": f"key-of-try-number-{n}-{person.id[:8]}"}
            for n in range(TRIES_AT_ONCE)
        ]
        answers = all_at_once([lambda body=body: _refresh(server_url, body) for body in tries])
        won = [a for a in answers if a.status_code == 200]
        assert len(won) <= 1 and all(a.status_code in (200, 401) for a in answers), [a.status_code for a in answers]
        # Every pair given is dead: the others were reuse, which ends the whole sign-in.
        assert [_me(server_url, a.json()["access_token"]) for a in won] == [401] * len(won)
        assert _me(server_url, person.token) == 401
