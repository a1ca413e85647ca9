"""Token refreshes over real HTTP: a refresh needs no password, so a script could renew one
sign-in in a loop (~650 times a second from one client), each renewal two token rows the service
kept for ever. A sign-in is renewed at most REFRESHES_PER_HOUR times in any hour (429 with
`Retry-After`, the refresh token still good afterwards), and a renewal forgets the sign-in's
tokens that have expired."""

from __future__ import annotations

import sqlite3

from famguard.server.routes_accounts import REFRESHES_PER_HOUR
from tests.support.accounts import Person, make_guardian, renew
from tests.support.http import Api, assert_error
from tests.support.servers import FakeClock


def _token_rows(database_url: str) -> int:
    with sqlite3.connect(database_url.removeprefix("sqlite:///")) as connection:
        return int(connection.execute("SELECT count(*) FROM tokens").fetchone()[0])


def _refresh(live: Api, person: Person) -> object:
    return live.call("POST", "/v1/auth/refresh", json={"refresh_token": person.refresh_token})


def test_a_sign_in_renewed_in_a_loop_is_refused_until_the_hour_has_passed(
    live: Api, clock: FakeClock, database_url: str
) -> None:
    alex = make_guardian(live, "Alex")
    for _ in range(REFRESHES_PER_HOUR - 1):  # the sign-in's own refresh token is the first of the hour
        clock.advance(seconds=1)
        renew(live, alex)
    clock.advance(seconds=1)
    refused = _refresh(live, alex)
    assert_error(refused, 429, "rate_limited")
    # The first refresh token was given at the sign-in, 60 s ago: the hour is over in 3540 s.
    assert int(refused.headers["Retry-After"]) == 3600 - REFRESHES_PER_HOUR
    assert live.call("GET", "/v1/me", alex.token).status_code == 200  # still signed in
    rows = _token_rows(database_url)
    for _ in range(20):
        assert _refresh(live, alex).status_code == 429
    assert _token_rows(database_url) == rows  # a refused renewal adds nothing

    clock.advance(seconds=int(refused.headers["Retry-After"]))
    renew(live, alex)  # the refused refresh token was not used up
    assert live.call("GET", "/v1/me", alex.token).status_code == 200


def test_a_renewal_forgets_the_sign_in_s_long_expired_tokens(live: Api, clock: FakeClock, database_url: str) -> None:
    alex = make_guardian(live, "Alex")
    first_access = alex.token
    clock.advance(minutes=16)
    renew(live, alex)
    # Just expired: a call the client made before its renewal still hears token_expired (it then
    # waits for the renewal), not the unauthorized of an unknown token, which signs it out.
    assert_error(live.call("GET", "/v1/me", first_access), 401, "token_expired")
    for _ in range(9):
        clock.advance(minutes=16)  # each access token has expired by the next renewal
        renew(live, alex)
    # Kept: the live pair, the last access token (expired a minute ago), and the ten used refresh
    # tokens (a used one presented again ends the sign-in: someone holds a copy); the other nine
    # expired access tokens are gone.
    assert _token_rows(database_url) == 2 + 1 + 10
    assert live.call("GET", "/v1/me", alex.token).status_code == 200
    assert_error(live.call("GET", "/v1/me", first_access), 401, "unauthorized")
