"""Token handling against the real server with a clock the test moves: an expired access token is
refreshed exactly once however many calls find it expired, the rotated refresh token reaches the
persist callback before anything uses it, and a rejected refresh signs the guardian out."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from famguard.api import TokenManager
from famguard.api import errors as e
from tests.support.accounts import PASSWORD, client, guardian
from tests.support.proxy import FaultProxy
from tests.support.servers import FakeClock


@pytest.fixture
def proxy(clocked_server: str) -> Iterator[FaultProxy]:
    with FaultProxy(clocked_server) as fault:
        yield fault


def test_twenty_calls_finding_the_token_expired_make_one_refresh(
    clocked_server: str, clock: FakeClock, proxy: FaultProxy
) -> None:
    _, address = guardian(clocked_server)
    persisted: list[tuple[str, str | None]] = []
    tokens = TokenManager()
    api = client(proxy.url, tokens)
    api.sign_in(address, PASSWORD)
    old_refresh = tokens.refresh_token
    # Record what the manager still holds at the moment each new token is handed over.
    tokens.persist = lambda token: persisted.append((token, tokens.refresh_token))
    clock.advance(minutes=16)

    start = threading.Barrier(20)
    results: list[object] = []

    def call() -> None:
        start.wait()
        try:
            results.append(api.me())
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            results.append(exc)

    threads = [threading.Thread(target=call) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert [type(r).__name__ for r in results] == ["Account"] * 20
    assert proxy.count("POST /v1/auth/refresh") == 1
    assert proxy.count("GET /v1/me") >= 21  # every call tried, at least one found the token expired
    assert len(persisted) == 1
    new_token, held_while_persisting = persisted[0]
    assert new_token == tokens.refresh_token != old_refresh
    assert held_while_persisting == old_refresh  # persisted before it could be used


def test_a_rejected_refresh_signs_out(clocked_server: str, clock: FakeClock) -> None:
    _, address = guardian(clocked_server)
    signed_out = threading.Event()
    tokens = TokenManager(on_signed_out=signed_out.set)
    api = client(clocked_server, tokens)
    api.sign_in(address, PASSWORD)
    other = client(clocked_server, TokenManager(refresh_token=tokens.refresh_token))
    other.me()  # uses (and rotates away) the same refresh token first
    clock.advance(minutes=16)
    with pytest.raises(e.SignedOut):
        api.me()
    assert signed_out.is_set()
    assert tokens.refresh_token is None and not tokens.signed_in


def test_wrong_password_is_its_own_error(live_server: str) -> None:
    _, address = guardian(live_server)
    with pytest.raises(e.InvalidCredentials) as caught:
        client(live_server).sign_in(address, "not the password")
    assert caught.value.message
