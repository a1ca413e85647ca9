"""The tokens of one sign-in, shared by every thread that calls the API.

The refresh token is single-use on the server: presenting it twice ends the whole sign-in. So
exactly one refresh may be in flight (`refresh_lock`, held by ApiClient while it refreshes), and a
rotated refresh token is handed to `persist` (the keyring) before anything can use it again."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

log = logging.getLogger(__name__)


class TokenManager:
    """Thread-safe holder of the access and refresh tokens.

    `persist(refresh_token)` is called with every new refresh token, while the refresh lock is
    still held, before the token is used. It should not raise; if it does, the error is logged
    and the new tokens are kept in memory anyway (losing them would sign the guardian out now).
    `on_signed_out()` is called once when the server rejects the refresh token."""

    def __init__(
        self,
        refresh_token: str | None = None,
        access_token: str | None = None,
        *,
        persist: Callable[[str], None] | None = None,
        on_signed_out: Callable[[], None] | None = None,
    ) -> None:
        self._lock = threading.Lock()
        self.refresh_lock = threading.Lock()
        self._access = access_token
        self._refresh = refresh_token
        self._retry_key: str | None = None  # of this refresh token: see `retry_key`
        self.persist = persist
        self.on_signed_out = on_signed_out

    @property
    def access_token(self) -> str | None:
        with self._lock:
            return self._access

    @property
    def refresh_token(self) -> str | None:
        with self._lock:
            return self._refresh

    @property
    def retry_key(self) -> str:
        """A random key of the current refresh token, made once and sent with every try to use it
        (in memory only, never persisted): a try whose answer was lost (a service that hung with
        the tries in its queue) is answered again by the service, not taken for the reuse of a
        stolen copy, which ends the sign-in."""
        with self._lock:
            if self._retry_key is None:
                import secrets

                self._retry_key = secrets.token_urlsafe(24)
            return self._retry_key

    @property
    def signed_in(self) -> bool:
        with self._lock:
            return self._refresh is not None or self._access is not None

    def set(self, access_token: str, refresh_token: str) -> None:
        """Store a new pair, persisting the refresh token first."""
        if self.persist is not None:
            try:
                self.persist(refresh_token)
            except Exception:  # noqa: BLE001 - see the class docstring
                log.warning("Could not save the new sign-in token; it lasts for this session only", exc_info=True)
        with self._lock:
            self._access, self._refresh = access_token, refresh_token
            self._retry_key = None

    def restore(self, refresh_token: str) -> None:
        """The remembered refresh token, read from the keyring after the session was opened from
        the local store (famguard.services.session.SessionService.open_cached)."""
        with self._lock:
            if self._refresh is None and self._access is None:
                self._refresh, self._retry_key = refresh_token, None

    def clear(self) -> None:
        with self._lock:
            self._access = self._refresh = self._retry_key = None
