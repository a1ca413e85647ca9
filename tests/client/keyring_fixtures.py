"""Keyring fixtures: a real Secret Service keyring with a fresh namespace per test, or keyring's
own failing backends. Real-keyring tests skip only when no Secret Service is reachable and
FAMGUARD_REQUIRE_KEYRING is not "1" (CI sets it, so there they fail instead of skipping)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest

from famguard.credentials import CredentialStore


class RecordingStore(CredentialStore):
    """A CredentialStore that remembers what it wrote, so the fixture can clean up after the test."""

    def __init__(self, prefix: str) -> None:
        super().__init__(prefix)
        self.written: set[tuple[str, str]] = set()

    def save(self, server_url: str, email: str, refresh_token: str, display_name: str) -> None:
        self.written.add((server_url, email))
        super().save(server_url, email, refresh_token, display_name)

    def save_device(self, server_url: str, email: str, device_token: str) -> None:
        self.written.add((server_url, email))
        super().save_device(server_url, email, device_token)


def secret_service_available() -> bool:
    try:
        import keyring
        from keyring.backends import SecretService

        backend = SecretService.Keyring()  # explicit: other test backends must not sneak in
        keyring.set_keyring(backend)
        probe = f"FamGuard-probe-{uuid.uuid4().hex}"
        backend.set_password(probe, "probe", "x")
        backend.delete_password(probe, "probe")
        return True
    except Exception:  # noqa: BLE001 - any failure means "not available"
        return False


@pytest.fixture
def real_keyring() -> Iterator[RecordingStore]:
    """A CredentialStore on the real Secret Service keyring, in a namespace of its own."""
    import keyring

    original = keyring.get_keyring()
    try:
        if not secret_service_available():
            if os.environ.get("FAMGUARD_REQUIRE_KEYRING") == "1":
                pytest.fail("FAMGUARD_REQUIRE_KEYRING=1 but no unlocked Secret Service keyring is reachable")
            pytest.skip("no Secret Service keyring (run inside dbus-run-session with gnome-keyring unlocked)")
        store = RecordingStore(f"FamGuard-test-{uuid.uuid4().hex[:12]}")
        try:
            yield store
        finally:
            for server_url, email in store.written:
                store.delete(server_url, email)
                store.delete_device(server_url, email)
            store.forget_last_account()
    finally:
        keyring.set_keyring(original)


@pytest.fixture
def swapped_keyring() -> Iterator:
    """Lets a test install another keyring backend; the original is put back afterwards."""
    import keyring

    original = keyring.get_keyring()
    try:
        yield keyring.set_keyring
    finally:
        keyring.set_keyring(original)
