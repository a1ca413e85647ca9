"""Ended sign-ins are not kept for ever: at an account's sign-in, its sign-ins that ended more than
ENDED_SIGNIN_KEPT ago — signed out, or every token expired — are deleted with their tokens (found
from outside: a script with the password could add a sign-in and two token rows 120 times an hour,
every hour, all kept). What a client sees does not change: a forgotten sign-in's token is refused
as `unauthorized`, as it was before; live sign-ins keep working; and the hourly cap still counts
the hour's signed-out sign-ins. Over real HTTP, the rows counted in the real SQLite file."""

from __future__ import annotations

import sqlite3

from famguard.server.routes_accounts import ENDED_SIGNIN_KEPT, SIGNINS_PER_HOUR
from famguard.server.service import REFRESH_TTL
from tests.support.accounts import Person, make_guardian, renew, sign_in
from tests.support.http import Api, assert_error
from tests.support.servers import FakeClock


def _rows(database_url: str, person: Person) -> tuple[int, int]:
    """The account's sign-ins and their tokens."""
    with sqlite3.connect(database_url.removeprefix("sqlite:///")) as connection:
        signins, tokens = connection.execute(
            "SELECT count(DISTINCT s.id), count(t.token_hash) FROM signins s "
            "LEFT JOIN tokens t ON t.signin_id = s.id WHERE s.account_id = ?",
            (person.id,),
        ).fetchone()
    return int(signins), int(tokens)


def _refresh_status(live: Api, refresh_token: str) -> tuple[int, str]:
    answer = live.call("POST", "/v1/auth/refresh", json={"refresh_token": refresh_token})
    return answer.status_code, answer.json()["error"]["code"] if answer.status_code != 200 else ""


def test_a_signed_out_sign_in_is_forgotten_a_day_later(live: Api, clock: FakeClock, database_url: str) -> None:
    alex = make_guardian(live, "Alex")  # sign-in 1, on this computer
    laptop = sign_in(live, alex.email)  # sign-in 2, another computer that stays signed in
    signed_out_refresh = alex.refresh_token
    assert live.call("POST", "/v1/auth/logout", alex.token).status_code == 204
    refused_before = _refresh_status(live, signed_out_refresh)
    assert refused_before == (401, "unauthorized")
    assert _rows(database_url, alex) == (2, 4)

    clock.advance(seconds=ENDED_SIGNIN_KEPT.total_seconds() - 60)
    sign_in(live, alex.email)  # signed out less than a day ago: kept
    assert _rows(database_url, alex) == (3, 6)

    clock.advance(minutes=2)
    sign_in(live, alex.email)
    assert _rows(database_url, alex) == (3, 6), "sign-in 1 and its two tokens are gone, a new one came"
    assert _refresh_status(live, signed_out_refresh) == refused_before  # what its holder hears is the same
    laptop_person = Person(alex.id, alex.email, alex.name, laptop["access_token"], laptop["refresh_token"], "")
    renew(live, laptop_person)  # the other computer's sign-in lives on (its refresh token is valid 30 days)
    assert live.call("GET", "/v1/me", laptop_person.token).status_code == 200


def test_a_sign_in_whose_tokens_all_expired_is_forgotten(live: Api, clock: FakeClock, database_url: str) -> None:
    alex = make_guardian(live, "Alex")
    old_refresh = alex.refresh_token
    clock.advance(seconds=(REFRESH_TTL + ENDED_SIGNIN_KEPT).total_seconds() - 60)
    sign_in(live, alex.email)  # its refresh token expired less than a day ago: kept
    assert _rows(database_url, alex) == (2, 4)
    clock.advance(minutes=2)
    sign_in(live, alex.email)
    assert _rows(database_url, alex) == (2, 4), "the expired sign-in is gone, a new one came"
    assert _refresh_status(live, old_refresh) == (401, "unauthorized")


def test_the_hourly_cap_still_counts_signed_out_sign_ins(live: Api, clock: FakeClock, database_url: str) -> None:
    owner = make_guardian(live, "Alex")
    for _ in range(SIGNINS_PER_HOUR - 1):
        clock.advance(seconds=1)
        tokens = sign_in(live, owner.email)
        assert live.call("POST", "/v1/auth/logout", tokens["access_token"]).status_code == 204
    clock.advance(seconds=1)
    refused = live.call("POST", "/v1/auth/token", json={"email": owner.email, "password": owner.password})
    assert_error(refused, 429, "rate_limited")
    assert _rows(database_url, owner)[0] == SIGNINS_PER_HOUR
