"""DeferredApi: the API client of a session opened from the local store before anything may go
to the service — made once the app has confirmed the session, on a worker.

A remembered guardian's family is opened from the local store and shown first: the client
(`requests`, ~100 ms to import) and its refresh token (the keyring: ~200 ms of imports and a
Secret Service session) come up after its first paint. Until then a call to the service — the
screens ask for a teen's requests, phone and rules when the teen is selected — waits on its
worker (never the GUI thread) for `open()` or `refuse()`: it goes out with the confirmed sign-in,
or fails as signed out when the family shown was not the remembered one after all (the screens
that asked are closed by then). Imports nothing heavy itself."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from famguard.api import errors as e

if TYPE_CHECKING:
    from famguard.api.client import ApiClient

REFUSED_MESSAGE = "This sign-in is no longer remembered on this computer. Please sign in again."


class DeferredApi:
    def __init__(self, make: Callable[[], ApiClient]) -> None:
        self._make = make  # builds the real client (reads the keyring, imports requests)
        self._lock = threading.Lock()
        self._decided = threading.Event()
        self._refused = False
        self._client: ApiClient | None = None

    def open(self) -> ApiClient:
        """The session is confirmed: make the client now (raises what `make` raises, e.g. a locked
        keyring's CredentialError; the next call tries again) and let waiting calls go out."""
        with self._lock:
            if self._client is None:
                self._client = self._make()
            self._decided.set()
            return self._client

    def refuse(self) -> None:
        """The session will not go online (not confirmed, or closed): waiting and later calls fail."""
        with self._lock:
            self._refused = True
            self._decided.set()

    def made(self) -> ApiClient | None:
        """The real client if `open()` made one, else None; never waits (closing a session)."""
        with self._lock:
            return self._client

    def client(self) -> ApiClient:
        """The real client, once the session is confirmed (blocks until then: call from a worker)."""
        self._decided.wait()
        with self._lock:
            if self._refused or self._client is None:
                raise e.SignedOut(REFUSED_MESSAGE)
            return self._client

    def __getattr__(self, name: str) -> object:  # only for names DeferredApi itself lacks
        return getattr(self.client(), name)
