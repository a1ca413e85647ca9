"""DeferredApi, the client of a session opened from the local store: a call waits on its worker
until the app confirms the session, then goes to the real server with the client made then; a
session not confirmed fails its calls as signed out; a keyring that fails while the client is made
leaves the calls waiting for the next try. Against the real reference server over loopback HTTP."""

from __future__ import annotations

import threading

import pytest

from famguard.api import DeferredApi
from famguard.api import errors as e
from famguard.api.client import ApiClient
from famguard.credentials import CredentialError
from famguard.credentials.store import LOCKED_MESSAGE
from tests.support.accounts import guardian


def _call_in_thread(fn) -> tuple[threading.Thread, dict[str, object]]:
    result: dict[str, object] = {}

    def run() -> None:
        try:
            result["value"] = fn()
        except BaseException as exc:  # noqa: BLE001 - the test looks at it
            result["error"] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, result


def test_a_call_waits_for_the_confirmation_then_reaches_the_service(live_server: str) -> None:
    signed_in, email = guardian(live_server, "Robin")
    made: list[ApiClient] = []

    def make() -> ApiClient:
        made.append(signed_in)
        return signed_in

    api = DeferredApi(make)
    thread, result = _call_in_thread(lambda: api.me())
    thread.join(0.3)
    assert thread.is_alive() and made == []  # nothing was made, nothing went out
    assert api.open() is signed_in
    thread.join(10)
    assert result["value"].email == email  # type: ignore[union-attr]
    assert made == [signed_in]  # made once; later calls use it
    assert api.me().display_name == "Robin" and len(made) == 1


def test_calls_of_a_session_not_confirmed_fail_as_signed_out(live_server: str) -> None:
    api = DeferredApi(lambda: pytest.fail("a refused session never makes its client"))
    thread, result = _call_in_thread(lambda: api.teens())
    thread.join(0.2)
    assert thread.is_alive()
    api.refuse()
    thread.join(10)
    assert isinstance(result["error"], e.SignedOut)
    with pytest.raises(e.SignedOut):
        api.me()


def test_a_keyring_failing_while_the_client_is_made_leaves_the_calls_waiting_for_the_next_try(
    live_server: str,
) -> None:
    signed_in, email = guardian(live_server)
    attempts: list[int] = []

    def make() -> ApiClient:
        attempts.append(1)
        if len(attempts) == 1:
            raise CredentialError(LOCKED_MESSAGE)
        return signed_in

    api = DeferredApi(make)
    thread, result = _call_in_thread(lambda: api.me())
    with pytest.raises(CredentialError):
        api.open()
    thread.join(0.2)
    assert thread.is_alive()  # still waiting: the keyring may be unlocked
    api.open()
    thread.join(10)
    assert result["value"].email == email  # type: ignore[union-attr]
