"""Throttles under attack, over real HTTP on loopback (issue 13): a sign-up flood, bursts of
parallel wrong passwords racing the slow hash, an attacker trying to lock the owner out, and what
sign-up tells about an email that is already registered.

The password hash is wrapped to count calls and to take 50 ms like a real argon2id hash (the tests
otherwise use the cheapest cost): the races below are races against the hash's duration."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import requests

from famguard.server import routes_accounts
from famguard.server.limits import Limits
from tests.support.accounts import PASSWORD, email, make_guardian, sign_in
from tests.support.http import Api, all_at_once, assert_error, post_from
from tests.support.servers import FakeClock, LocalServer

HASH_SECONDS = 0.05


class Counted:
    def __init__(self, function: Callable[..., Any]) -> None:
        self.function = function
        self.calls = 0
        self._lock = threading.Lock()

    def __call__(self, *args: Any) -> Any:  # noqa: ANN401 - the wrapped function's own
        with self._lock:
            self.calls += 1
        time.sleep(HASH_SECONDS)
        return self.function(*args)


@pytest.fixture
def server_limits() -> Limits:
    """The limits a real deployment gets."""
    return Limits()


@pytest.fixture
def hashes(monkeypatch: pytest.MonkeyPatch) -> Counted:
    counted = Counted(routes_accounts.hash_password)
    monkeypatch.setattr(routes_accounts, "hash_password", counted)
    return counted


@pytest.fixture
def checks(monkeypatch: pytest.MonkeyPatch) -> Counted:
    counted = Counted(routes_accounts.verify_password)
    monkeypatch.setattr(routes_accounts, "verify_password", counted)
    return counted


def _signup(base: str, address: str, password: str = PASSWORD, source: str = "127.0.0.1") -> Callable[[], int]:
    body = {"email": address, "password": password, "display_name": "Kim", "role": "guardian"}
    return lambda: post_from(base, "/v1/accounts", body, source)[0]


def _signin(base: str, address: str, password: str, source: str = "127.0.0.1") -> Callable[[], int]:
    return lambda: post_from(base, "/v1/auth/token", {"email": address, "password": password}, source)[0]


def test_a_sign_up_flood_is_throttled_before_any_password_is_hashed(clocked_server: str, hashes: Counted) -> None:
    statuses = all_at_once([_signup(clocked_server, email(f"flood{n}")) for n in range(40)])
    assert statuses.count(201) <= 20
    assert set(statuses) == {201, 429}
    assert hashes.calls == statuses.count(201), "a refused sign-up must not cost a hash"
    # Another address is not affected by this one's flood.
    assert _signup(clocked_server, email("elsewhere"), source="127.0.0.2")() == 201


def test_a_refused_sign_up_says_when_to_try_again(clocked_server: str, clock: FakeClock) -> None:
    for n in range(20):
        assert _signup(clocked_server, email(f"s{n}"))() == 201
    with requests.post(
        f"{clocked_server}/v1/accounts",
        json={"email": email("late"), "password": PASSWORD, "display_name": "K", "role": "guardian"},
        timeout=30,
    ) as refused:
        assert_error(refused, 429, "rate_limited")
        assert 0 < int(refused.headers["Retry-After"]) <= 15 * 60
    clock.advance(minutes=15, seconds=1)
    assert _signup(clocked_server, email("later"))() == 201


def test_sign_up_does_not_tell_whether_an_email_is_registered(live: Api) -> None:
    owner = make_guardian(live)
    fresh_status, fresh = post_from(
        live.base,
        "/v1/accounts",
        {"email": email("new"), "password": "another password", "display_name": "Kim", "role": "guardian"},
    )
    taken_status, taken = post_from(
        live.base,
        "/v1/accounts",
        {"email": owner.email.upper(), "password": "another password", "display_name": "Kim", "role": "guardian"},
    )
    assert fresh_status == taken_status == 201
    assert set(fresh) == set(taken) and taken["id"] != owner.id
    # The owner's account and password are untouched; the stranger's password opens nothing.
    assert sign_in(live, owner.email)["access_token"]
    wrong = live.call("POST", "/v1/auth/token", json={"email": owner.email, "password": "another password"})
    assert_error(wrong, 401, "invalid_credentials")


def test_a_hundred_parallel_wrong_passwords_check_at_most_five(live: Api, checks: Counted) -> None:
    owner = make_guardian(live)
    checks.calls = 0
    statuses = all_at_once([_signin(live.base, owner.email, f"wrong {n}") for n in range(100)])
    assert statuses.count(401) <= 5
    assert set(statuses) <= {401, 429}
    assert checks.calls <= 5


def test_after_four_failures_a_burst_checks_only_one_more_password(live: Api, checks: Counted) -> None:
    owner = make_guardian(live)
    for n in range(4):
        assert _signin(live.base, owner.email, f"wrong {n}")() == 401
    checks.calls = 0
    # Only wrong guesses: were the owner's right password the one let through, it would clear the
    # failures and let five more be checked — right, but it made the count depend on the order.
    statuses = all_at_once([_signin(live.base, owner.email, f"burst {n}") for n in range(60)])
    assert checks.calls <= 1, f"{checks.calls} passwords were checked after the 4th failure"
    assert statuses.count(401) <= 1
    assert set(statuses) <= {401, 429}


def test_an_attacker_with_only_the_email_does_not_lock_the_owner_out(live: Api) -> None:
    owner = make_guardian(live)
    for n in range(30):  # the probe: 5 every 15 minutes kept the owner out all day
        post_from(live.base, "/v1/auth/token", {"email": owner.email, "password": f"guess {n}"}, "127.0.0.9")
    status, _ = post_from(live.base, "/v1/auth/token", {"email": owner.email, "password": "guess"}, "127.0.0.9")
    assert status == 429  # the attacker's address is slowed down
    status, tokens = post_from(live.base, "/v1/auth/token", {"email": owner.email, "password": PASSWORD}, "127.0.0.2")
    assert status == 200, tokens
    assert tokens["access_token"]


def test_the_addresses_of_one_ipv6_network_share_the_per_address_limits(tmp_path: Path) -> None:
    """An IPv6 subscriber has a /64 (2^64 addresses) at least: counted per address, a client that
    took a new one per request passed every per-address limit. Behind the proxy, which passes the
    client's address in X-Forwarded-For, as a service reachable over IPv6 is run."""
    database_url = f"sqlite:///{tmp_path / 'server.sqlite3'}"
    args = ("--behind-proxy", "--signup-limit", "3")
    with LocalServer(database_url, own_process=True, args=args) as server, requests.Session() as session:
        api = Api(session, server.url)

        def sign_up(client: str) -> int:
            body = {"email": email("kim"), "password": PASSWORD, "display_name": "Kim", "role": "guardian"}
            return int(api.call("POST", "/v1/accounts", json=body, headers={"X-Forwarded-For": client}).status_code)

        def wrong_password(client: str) -> int:
            body = {"email": email("nobody"), "password": "not the password"}
            return int(api.call("POST", "/v1/auth/token", json=body, headers={"X-Forwarded-For": client}).status_code)

        assert [sign_up(f"2001:db8:1:2::{n:x}") for n in range(1, 5)] == [201, 201, 201, 429]
        assert sign_up("2001:db8:1:2:ffff:ffff:ffff:ffff") == 429  # the same /64
        assert sign_up("2001:db8:1:3::1") == 201  # the next /64 is another subscriber
        # An IPv4 address written in IPv6 is that IPv4 address.
        assert [sign_up(a) for a in ("203.0.113.7", "::ffff:203.0.113.7", "203.0.113.7")] == [201, 201, 201]
        assert sign_up("::ffff:203.0.113.7") == 429
        # Wrong passwords: 20 from one address (any accounts), then 429 even for other accounts.
        statuses = [wrong_password(f"2001:db8:5:6::{n:x}") for n in range(1, routes_accounts.ADDRESS_FAILURE_LIMIT + 2)]
        assert statuses == [401] * routes_accounts.ADDRESS_FAILURE_LIMIT + [429]


@pytest.mark.parametrize("workers", [1, 2])
def test_behind_a_proxy_at_another_address_each_client_has_its_own_limit(tmp_path: Path, workers: int) -> None:
    """Found from outside: --behind-proxy trusted X-Forwarded-For only from 127.0.0.1 (uvicorn's
    default), so with the proxy anywhere else (the reason the option exists) every client counted
    as the proxy: three sign-ups, then 429 for everyone. The proxy is named now (--proxy-address),
    and a peer that is not the proxy cannot choose its address by sending the header itself. With
    --workers 2 each process trusts the same proxy (each builds its own uvicorn config), and the
    limits, kept in the database, hold across the two."""
    database_url = f"sqlite:///{tmp_path / 'server.sqlite3'}"
    args = ("--behind-proxy", "--proxy-address", "127.0.0.5", "--signup-limit", "3")
    with LocalServer(database_url, own_process=True, args=args, workers=workers) as server:

        def sign_up(peer: str, client: str) -> int:
            body = {"email": email("kim"), "password": PASSWORD, "display_name": "Kim", "role": "guardian"}
            return post_from(server.url, "/v1/accounts", body, peer, headers={"X-Forwarded-For": client})[0]

        assert [sign_up("127.0.0.5", f"198.51.100.{n}") for n in range(1, 6)] == [201] * 5
        assert [sign_up("127.0.0.5", "198.51.100.9") for _ in range(4)] == [201, 201, 201, 429]
        # Not the proxy: counted as itself, whatever it says it forwards.
        assert [sign_up("127.0.0.9", f"203.0.113.{n}") for n in range(1, 5)] == [201, 201, 201, 429]


def test_an_account_signs_in_at_most_so_many_times_an_hour(live: Api, clock: FakeClock, checks: Counted) -> None:
    """A script with the password signed in without end: each sign-in a password hash in the pool
    every sign-in shares, and a sign-in with its tokens kept as rows."""
    owner = make_guardian(live)  # its first sign-in
    for _ in range(routes_accounts.SIGNINS_PER_HOUR - 1):
        clock.advance(seconds=1)
        sign_in(live, owner.email)
    checks.calls = 0
    clock.advance(seconds=1)
    refused = live.call("POST", "/v1/auth/token", json={"email": owner.email, "password": PASSWORD})
    assert_error(refused, 429, "rate_limited")
    assert int(refused.headers["Retry-After"]) == 3600 - routes_accounts.SIGNINS_PER_HOUR
    assert checks.calls == 0, "a refused sign-in must not cost a hash"
    sign_in(live, make_guardian(live, "Kim").email)  # another account is not affected
    clock.advance(seconds=int(refused.headers["Retry-After"]))
    sign_in(live, owner.email)
