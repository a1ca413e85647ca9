"""Accounts and sessions: sign-up rules, argon2id hashes, throttled sign-in, token expiry,
refresh rotation with reuse detection, and logout."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text

from tests.support.accounts import PASSWORD, make_guardian, make_teen, sign_in
from tests.support.http import Api, assert_error
from tests.support.servers import FakeClock


def test_health_answers_without_auth(api: Api) -> None:
    response = api.call("GET", "/v1/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_health_answers_a_head_request_with_its_head_alone(live: Api) -> None:
    # Uptime monitors and `curl -I` ask with HEAD; it was refused with 405.
    import socket
    from urllib.parse import urlsplit

    response = live.call("HEAD", "/v1/health")
    assert response.status_code == 200 and response.content == b""
    assert response.headers["content-type"] == "application/json"
    # On the wire: the head, and no body after it (the connection stays usable for the next request).
    address = urlsplit(live.base)
    with socket.create_connection((address.hostname, address.port), timeout=5) as raw:
        raw.sendall(b"HEAD /v1/health HTTP/1.1\r\nHost: x\r\n\r\nGET /v1/health HTTP/1.1\r\nHost: x\r\n\r\n")
        received = b""
        while received.count(b"HTTP/1.1 200") < 2 or not received.endswith(b'{"status":"ok"}'):
            chunk = raw.recv(4096)
            assert chunk, f"the connection closed after {received!r}"
            received += chunk
    head, rest = received.split(b"\r\n\r\n", 1)
    assert head.startswith(b"HTTP/1.1 200") and rest.startswith(b"HTTP/1.1 200"), "HEAD sent a body"


def test_sign_up_sign_in_and_me(api: Api, clock: FakeClock) -> None:
    teen = make_teen(api, "Maya", 14, clock.now.date())
    me = api.call("GET", "/v1/me", teen.token)
    assert me.status_code == 200
    assert me.json() == {"id": teen.id, "email": teen.email, "display_name": "Maya", "role": "teen", "age": 14}


def test_email_is_unique_regardless_of_case(api: Api) -> None:
    guardian = make_guardian(api)
    again = api.call(
        "POST",
        "/v1/accounts",
        json={"email": guardian.email.upper(), "password": PASSWORD, "display_name": "X", "role": "guardian"},
    )
    # Taken: the answer looks like a success (test_throttles.py), and no second account exists.
    assert again.status_code == 201 and again.json()["id"] != guardian.id
    assert sign_in(api, guardian.email.upper())["token_type"] == "Bearer"
    me = api.call("GET", "/v1/me", sign_in(api, guardian.email)["access_token"]).json()
    assert me["id"] == guardian.id and me["display_name"] == guardian.name


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"password": "short7!"}, "password"),
        ({"email": "not-an-email"}, "email"),
        ({"role": "teen"}, "birth_date"),
        ({"role": "teen", "birth_date": "2016-01-01"}, "birth_date"),
        ({"role": "teen", "birth_date": "2000-01-01"}, "birth_date"),
        ({"favourite_colour": "green"}, "favourite_colour"),
    ],
)
def test_sign_up_refuses_bad_input_naming_the_field(api: Api, body: dict, field: str) -> None:
    full = {"email": "kim@example.com", "password": PASSWORD, "display_name": "Kim", "role": "guardian", **body}
    error = assert_error(api.call("POST", "/v1/accounts", json=full), 422, "validation_failed")
    assert field in error["fields"]
    # nothing was created: the same email can still sign up properly
    ok = {"email": "kim@example.com", "password": PASSWORD, "display_name": "Kim", "role": "guardian"}
    assert api.call("POST", "/v1/accounts", json=ok).status_code == 201


def test_body_that_is_not_json_is_a_validation_error(api: Api) -> None:
    response = api.call("POST", "/v1/accounts", content=b"{not json", headers={"Content-Type": "application/json"})
    assert_error(response, 422, "validation_failed")


def test_framework_errors_use_the_error_body(api: Api) -> None:
    assert_error(api.call("GET", "/v1/no-such-route"), 404, "not_found")
    assert_error(api.call("PUT", "/v1/health"), 405, "method_not_allowed")
    assert_error(api.call("GET", "/v1/me"), 401, "unauthorized")
    assert_error(api.call("GET", "/v1/me", "not-a-token"), 401, "unauthorized")


@pytest.mark.real_argon2
def test_passwords_are_stored_as_argon2id_hashes(api: Api, database_url: str) -> None:
    guardian = make_guardian(api)
    engine = create_engine(database_url)
    with engine.connect() as connection:
        stored = connection.execute(text("SELECT password_hash FROM accounts WHERE id = :i"), {"i": guardian.id})
        password_hash = stored.scalar_one()
    engine.dispose()
    assert password_hash.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert PASSWORD not in password_hash


def test_wrong_password_is_refused(api: Api) -> None:
    guardian = make_guardian(api)
    wrong = api.call("POST", "/v1/auth/token", json={"email": guardian.email, "password": "not the password"})
    assert_error(wrong, 401, "invalid_credentials")
    unknown = api.call("POST", "/v1/auth/token", json={"email": "nobody@example.com", "password": PASSWORD})
    assert_error(unknown, 401, "invalid_credentials")


def test_five_wrong_passwords_lock_the_account_even_for_the_right_one(api: Api, clock: FakeClock) -> None:
    guardian = make_guardian(api)
    for _ in range(5):
        wrong = api.call("POST", "/v1/auth/token", json={"email": guardian.email, "password": "wrong password"})
        assert wrong.status_code == 401
    locked = api.call("POST", "/v1/auth/token", json={"email": guardian.email, "password": PASSWORD})
    error = assert_error(locked, 429, "account_locked")
    assert "15 minutes" in error["message"]
    assert int(locked.headers["Retry-After"]) == 15 * 60
    clock.advance(minutes=15, seconds=1)
    assert sign_in(api, guardian.email)["access_token"]


def test_twenty_wrong_passwords_from_one_address_are_rate_limited(api: Api) -> None:
    guardian = make_guardian(api)
    for n in range(20):  # spread over many accounts, so no single account locks
        api.call("POST", "/v1/auth/token", json={"email": f"guess{n}@example.com", "password": "wrong password"})
    limited = api.call("POST", "/v1/auth/token", json={"email": guardian.email, "password": PASSWORD})
    assert_error(limited, 429, "rate_limited")
    assert int(limited.headers["Retry-After"]) > 0


def test_access_token_expires_after_15_minutes(api: Api, clock: FakeClock) -> None:
    guardian = make_guardian(api)
    clock.advance(minutes=14, seconds=59)
    assert api.call("GET", "/v1/me", guardian.token).status_code == 200
    clock.advance(seconds=1)
    expired = api.call("GET", "/v1/me", guardian.token)
    assert_error(expired, 401, "token_expired")
    assert 'error="invalid_token"' in expired.headers["WWW-Authenticate"]


def test_refresh_rotates_and_a_reused_refresh_token_revokes_the_sign_in(api: Api) -> None:
    guardian = make_guardian(api)
    first = api.call("POST", "/v1/auth/refresh", json={"refresh_token": guardian.refresh_token})
    assert first.status_code == 200
    pair = first.json()
    assert pair["refresh_token"] != guardian.refresh_token and pair["expires_in"] == 900
    assert api.call("GET", "/v1/me", pair["access_token"]).status_code == 200
    # someone replays the old refresh token: the whole sign-in ends, new tokens included
    replay = api.call("POST", "/v1/auth/refresh", json={"refresh_token": guardian.refresh_token})
    assert_error(replay, 401, "unauthorized")
    assert_error(api.call("GET", "/v1/me", pair["access_token"]), 401, "unauthorized")
    reuse_new = api.call("POST", "/v1/auth/refresh", json={"refresh_token": pair["refresh_token"]})
    assert_error(reuse_new, 401, "unauthorized")
    # another sign-in of the same account is not affected
    assert api.call("GET", "/v1/me", sign_in(api, guardian.email)["access_token"]).status_code == 200


KEY = "a-retry-key-of-the-client-0123"


def test_a_refresh_tried_again_with_its_retry_key_is_answered_again_not_taken_for_reuse(api: Api) -> None:
    """Found by an outside tester: a service that hung with a client's tries to refresh in its
    queue answered the first and refused the rest as the reuse of a stolen copy, so the guardian
    was signed out once it was back. The same key again, its answer lost: a new pair, the one
    issued before is deleted, and the sign-in lives."""
    guardian = make_guardian(api)
    body = {"refresh_token": guardian.refresh_token, "retry_key": KEY}
    lost = api.call("POST", "/v1/auth/refresh", json=body)
    assert lost.status_code == 200
    again = api.call("POST", "/v1/auth/refresh", json=body)
    assert again.status_code == 200
    pair = again.json()
    assert pair["refresh_token"] != lost.json()["refresh_token"]
    # Withdrawn: a client holding it would renew (and so present its refresh token: see below).
    assert_error(api.call("GET", "/v1/me", lost.json()["access_token"]), 401, "token_expired")
    assert api.call("GET", "/v1/me", pair["access_token"]).status_code == 200
    renewed = api.call("POST", "/v1/auth/refresh", json={"refresh_token": pair["refresh_token"], "retry_key": KEY})
    assert renewed.status_code == 200
    assert api.call("GET", "/v1/me", renewed.json()["access_token"]).status_code == 200


@pytest.mark.parametrize("second_key", [None, "another-key-of-someone-else-42"])
def test_a_used_refresh_token_without_its_retry_key_still_ends_the_sign_in(api: Api, second_key: str | None) -> None:
    guardian = make_guardian(api)
    first = api.call("POST", "/v1/auth/refresh", json={"refresh_token": guardian.refresh_token, "retry_key": KEY})
    replay = api.call(
        "POST",
        "/v1/auth/refresh",
        json={"refresh_token": guardian.refresh_token} | ({"retry_key": second_key} if second_key else {}),
    )
    assert_error(replay, 401, "unauthorized")
    assert_error(api.call("GET", "/v1/me", first.json()["access_token"]), 401, "unauthorized")


def test_a_retry_key_does_not_reopen_a_refresh_whose_answer_was_used_or_is_old(api: Api, clock: FakeClock) -> None:
    """The answer arrived when the refresh token it gave was used since; and after 10 minutes a
    try again is no longer taken for a lost answer: both are reuse, which ends the sign-in."""
    guardian = make_guardian(api)
    body = {"refresh_token": guardian.refresh_token, "retry_key": KEY}
    pair = api.call("POST", "/v1/auth/refresh", json=body).json()
    newer = api.call("POST", "/v1/auth/refresh", json={"refresh_token": pair["refresh_token"], "retry_key": "k" * 16})
    assert newer.status_code == 200
    assert_error(api.call("POST", "/v1/auth/refresh", json=body), 401, "unauthorized")
    assert_error(api.call("GET", "/v1/me", newer.json()["access_token"]), 401, "unauthorized")

    other = make_guardian(api)
    body = {"refresh_token": other.refresh_token, "retry_key": KEY}
    first = api.call("POST", "/v1/auth/refresh", json=body)
    clock.advance(minutes=10, seconds=1)
    assert_error(api.call("POST", "/v1/auth/refresh", json=body), 401, "unauthorized")
    assert_error(api.call("GET", "/v1/me", first.json()["access_token"]), 401, "unauthorized")


def test_a_captured_renewal_replayed_is_found_out_when_the_client_renews_next(api: Api) -> None:
    """Found by an attacker: a thief with one renewal's request (the refresh token and its key,
    e.g. from a logging proxy) replayed it within 10 minutes and got a pair; the pair taken back
    was deleted, so the client's next renewal was an unknown token (401) and nothing was found
    out. The pair taken back is withdrawn: the client's access token expires, its renewal presents
    a withdrawn refresh token, and that is reuse: the whole sign-in ends, the thief's pair too."""
    guardian = make_guardian(api)
    body = {"refresh_token": guardian.refresh_token, "retry_key": KEY}
    client = api.call("POST", "/v1/auth/refresh", json=body).json()
    assert api.call("GET", "/v1/me", client["access_token"]).status_code == 200
    thief = api.call("POST", "/v1/auth/refresh", json=body).json()  # the captured request, replayed
    assert api.call("GET", "/v1/me", thief["access_token"]).status_code == 200
    assert_error(api.call("GET", "/v1/me", client["access_token"]), 401, "token_expired")  # so it renews
    renewal = {"refresh_token": client["refresh_token"], "retry_key": "the-clients-next-key-0001"}
    assert_error(api.call("POST", "/v1/auth/refresh", json=renewal), 401, "unauthorized")
    assert_error(api.call("GET", "/v1/me", thief["access_token"]), 401, "unauthorized")  # found out: ended
    assert_error(
        api.call("POST", "/v1/auth/refresh", json={"refresh_token": thief["refresh_token"]}), 401, "unauthorized"
    )


def test_tries_again_count_towards_the_renewals_an_hour(api: Api) -> None:
    """Found by an attacker: 400 tries again of one used refresh token, each a new pair, in 2 s —
    the cap of 120 renewals an hour never counted them."""
    guardian = make_guardian(api)
    body = {"refresh_token": guardian.refresh_token, "retry_key": KEY}
    statuses = [api.call("POST", "/v1/auth/refresh", json=body).status_code for _ in range(125)]
    assert statuses[:119] == [200] * 119 and statuses[-1] == 429, statuses


@pytest.mark.parametrize("key", ["short", "x" * 65, "has space in it 123", "ünïcödé-ünïcödé-1"])
def test_a_retry_key_out_of_shape_is_refused(api: Api, key: str) -> None:
    guardian = make_guardian(api)
    refused = api.call("POST", "/v1/auth/refresh", json={"refresh_token": guardian.refresh_token, "retry_key": key})
    assert_error(refused, 422, "validation_failed")
    renewed = api.call("POST", "/v1/auth/refresh", json={"refresh_token": guardian.refresh_token})
    assert renewed.status_code == 200  # the refresh token was not used up


def test_logout_revokes_access_and_refresh_tokens(api: Api) -> None:
    guardian = make_guardian(api)
    assert api.call("POST", "/v1/auth/logout", guardian.token).status_code == 204
    assert_error(api.call("GET", "/v1/me", guardian.token), 401, "unauthorized")
    again = api.call("POST", "/v1/auth/refresh", json={"refresh_token": guardian.refresh_token})
    assert_error(again, 401, "unauthorized")


def test_tokens_are_random_and_stored_only_as_hashes(api: Api, database_url: str) -> None:
    guardian = make_guardian(api)
    assert len(guardian.token) >= 43 and guardian.token != guardian.refresh_token  # 256 bits, base64url
    engine = create_engine(database_url)
    with engine.connect() as connection:
        dump = "\n".join(str(row) for row in connection.execute(text("SELECT * FROM tokens")))
    engine.dispose()
    assert guardian.token not in dump and guardian.refresh_token not in dump


def test_teen_age_is_computed_from_the_clock(api: Api, clock: FakeClock) -> None:
    teen = make_teen(api, "Sam", 15, clock.now.date(), days_since_birthday=365 - 3)
    assert api.call("GET", "/v1/me", teen.token).json()["age"] == 15
    clock.advance(days=3)
    token = sign_in(api, teen.email)["access_token"]
    assert api.call("GET", "/v1/me", token).json()["age"] == 16
