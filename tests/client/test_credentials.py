"""The keyring wrapper: a real Secret Service round trip, and every kind of keyring failure
turned into one CredentialError a parent understands — never a plain-text fallback."""

from __future__ import annotations

import time

import pytest
from keyring import backend as keyring_backend
from keyring import errors as keyring_errors
from keyring.backends import fail
from keyring.compat import properties

from famguard.credentials import CredentialError, CredentialStore
from famguard.credentials.store import HUNG_MESSAGE, LOCKED_MESSAGE, MISSING_MESSAGE, REFUSED_MESSAGE

SERVER = "https://famguard.example"


@pytest.mark.keyring
def test_a_sign_in_is_saved_loaded_and_deleted_in_the_real_keyring(real_keyring) -> None:
    real_keyring.save(SERVER, "Alex@Example.com", "refresh-1", "Alex")
    saved = real_keyring.load(SERVER + "/", "alex@example.com")  # same account, written differently
    assert (saved.refresh_token, saved.display_name) == ("refresh-1", "Alex")
    real_keyring.update_token(SERVER, "alex@example.com", "refresh-2")
    assert real_keyring.load(SERVER, "alex@example.com").refresh_token == "refresh-2"
    assert real_keyring.load("https://other.example", "alex@example.com") is None
    real_keyring.delete(SERVER, "alex@example.com")
    assert real_keyring.load(SERVER, "alex@example.com") is None
    real_keyring.delete(SERVER, "alex@example.com")  # forgetting twice is fine


@pytest.mark.keyring
def test_the_last_account_is_remembered_for_the_next_start(real_keyring) -> None:
    assert real_keyring.last_account() is None
    real_keyring.save_last_account(SERVER, "alex@example.com")
    assert real_keyring.last_account() == (SERVER, "alex@example.com")
    real_keyring.forget_last_account()
    assert real_keyring.last_account() is None


def test_no_keyring_backend_is_one_clear_error(swapped_keyring) -> None:
    swapped_keyring(fail.Keyring())
    store = CredentialStore("FamGuard-test")
    for action in (
        lambda: store.save(SERVER, "a@example.com", "r", "A"),
        lambda: store.load(SERVER, "a@example.com"),
        lambda: store.delete(SERVER, "a@example.com"),
    ):
        with pytest.raises(CredentialError) as caught:
            action()
        assert caught.value.message == MISSING_MESSAGE


@properties.classproperty
def _never_chosen(cls) -> float:
    raise RuntimeError("a test stand-in: keyring must never pick it by itself")


class _Refusing(keyring_backend.KeyringBackend):
    """Stand-ins for keyrings we cannot produce on demand (a locked or refusing desktop keyring);
    they raise exactly what keyring's real backends raise."""

    priority = _never_chosen
    error: Exception = keyring_errors.KeyringLocked("Failed to unlock the collection!")

    def get_password(self, service, username):
        raise self.error

    def set_password(self, service, username, password):
        raise self.error

    def delete_password(self, service, username):
        raise self.error


@pytest.mark.parametrize(
    ("error", "message"),
    [
        (keyring_errors.KeyringLocked("Failed to unlock the collection!"), LOCKED_MESSAGE),
        (keyring_errors.InitError("Failed to unlock the keyring!"), LOCKED_MESSAGE),
        (keyring_errors.PasswordSetError("refused"), REFUSED_MESSAGE),
    ],
)
def test_a_locked_or_refusing_keyring_is_one_clear_error(swapped_keyring, error, message) -> None:
    backend = _Refusing()
    backend.error = error
    swapped_keyring(backend)
    with pytest.raises(CredentialError) as caught:
        CredentialStore("FamGuard-test", also_allowed=STAND_INS).save(SERVER, "a@example.com", "secret-token", "A")
    assert caught.value.message == message
    assert "secret-token" not in str(caught.value)


class _Hanging(keyring_backend.KeyringBackend):
    """Stand-in for a keyring waiting on an unlock prompt nobody answers."""

    priority = _never_chosen

    def get_password(self, service, username):
        time.sleep(3)

    def set_password(self, service, username, password):
        time.sleep(3)

    def delete_password(self, service, username):
        time.sleep(3)


STAND_INS = frozenset({f"{__name__}._Refusing", f"{__name__}._Hanging"})


def test_a_hanging_keyring_gives_up_after_the_timeout(swapped_keyring) -> None:
    swapped_keyring(_Hanging())
    started = time.monotonic()
    with pytest.raises(CredentialError) as caught:
        CredentialStore("FamGuard-test", timeout=0.3, also_allowed=STAND_INS).load(SERVER, "a@example.com")
    assert caught.value.message == HUNG_MESSAGE
    assert time.monotonic() - started < 2
