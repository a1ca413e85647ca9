"""CredentialStore: the one place FamGuard touches the system keyring.

It keeps, per server and account, the server-issued refresh token and the display name — never
the password. Every keyring failure (no backend, locked, refusing, hanging) becomes one
CredentialError with a message a parent understands. There is no plain-text fallback: without a
keyring the guardian signs in for this session only. `keyring` is imported lazily (it costs
~150 ms at start-up) and each call runs on a helper thread bounded by a timeout, because a locked
keyring may wait for an unlock prompt forever."""

from __future__ import annotations

import json
import logging
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from famguard.domain.errors import ErrorKind, FamGuardError

log = logging.getLogger(__name__)
T = TypeVar("T")

LOCKED_MESSAGE = "Your system keyring is locked — unlock it, or sign in without remembering."
MISSING_MESSAGE = (
    "FamGuard can't find a system keyring on this computer, so it can't remember your sign-in. "
    "You can still sign in for this session only."
)
HUNG_MESSAGE = "Your system keyring did not answer. Unlock it if it asks you to, or sign in without remembering."
REFUSED_MESSAGE = "Your system keyring refused to save your sign-in. You can still sign in for this session only."
BROKEN_MESSAGE = "FamGuard could not use your system keyring. You can still sign in for this session only."
LAST_ACCOUNT = "last-account"


class CredentialError(FamGuardError):
    """The keyring could not be used; `message` tells the guardian what to do."""

    kind = ErrorKind.LOCAL

    def __init__(self, message: str, title: str = "Can't use the keyring") -> None:
        super().__init__(message, title=title)


@dataclass(frozen=True)
class SavedSignIn:
    refresh_token: str
    display_name: str


def _translate(exc: BaseException) -> CredentialError:
    import keyring.errors as ke

    if isinstance(exc, ke.NoKeyringError):
        return CredentialError(MISSING_MESSAGE, "No keyring")
    if isinstance(exc, ke.KeyringLocked | ke.InitError):
        return CredentialError(LOCKED_MESSAGE, "Keyring locked")
    if isinstance(exc, ke.PasswordSetError):
        return CredentialError(REFUSED_MESSAGE)
    return CredentialError(BROKEN_MESSAGE)


class CredentialStore:
    """Remembered sign-ins in the system keyring, one entry per (server URL, account email).

    Every method blocks for up to `timeout` seconds: call from a worker thread, never the GUI."""

    def __init__(self, service_name_prefix: str = "FamGuard", timeout: float = 5.0) -> None:
        self.prefix = service_name_prefix
        self.timeout = timeout

    def _call(self, fn: Callable[[Any], T]) -> T:
        """Run fn(keyring) on a daemon thread; a hang past the timeout is abandoned, not waited for."""
        results: queue.Queue[tuple[bool, Any]] = queue.Queue(maxsize=1)

        def work() -> None:
            try:
                import keyring

                results.put((True, fn(keyring)))
            except Exception as exc:  # noqa: BLE001 - every keyring failure is translated below
                results.put((False, exc))

        threading.Thread(target=work, name="famguard-keyring", daemon=True).start()
        try:
            ok, value = results.get(timeout=self.timeout)
        except queue.Empty:
            raise CredentialError(HUNG_MESSAGE, "Keyring not answering") from None
        if not ok:
            log.info("Keyring call failed: %s", type(value).__name__)  # the exception text may hold a secret
            raise _translate(value) from None
        return value

    def _service(self, server_url: str) -> str:
        return f"{self.prefix} {server_url.rstrip('/')}"

    @staticmethod
    def _user(email: str) -> str:
        return email.strip().casefold()

    def save(self, server_url: str, email: str, refresh_token: str, display_name: str) -> None:
        secret = json.dumps({"refresh_token": refresh_token, "display_name": display_name})
        self._call(lambda k: k.set_password(self._service(server_url), self._user(email), secret))

    def load(self, server_url: str, email: str) -> SavedSignIn | None:
        raw = self._call(lambda k: k.get_password(self._service(server_url), self._user(email)))
        if raw is None:
            return None
        try:
            data = json.loads(raw)
            return SavedSignIn(str(data["refresh_token"]), str(data.get("display_name", "")))
        except (ValueError, KeyError, TypeError):
            log.warning("Ignoring an unreadable remembered sign-in")
            return None

    def update_token(self, server_url: str, email: str, refresh_token: str) -> None:
        """Keep the display name, replace the refresh token (after each rotation)."""
        saved = self.load(server_url, email)
        self.save(server_url, email, refresh_token, saved.display_name if saved else "")

    def delete(self, server_url: str, email: str) -> None:
        """Forget the sign-in; forgetting one that is not there is not an error."""

        def remove(k: Any) -> None:
            import keyring.errors as ke

            try:
                k.delete_password(self._service(server_url), self._user(email))
            except ke.PasswordDeleteError:
                pass

        self._call(remove)

    def save_last_account(self, server_url: str, email: str) -> None:
        """Which account to resume at the next start (not secret, but kept with the sign-in)."""
        value = json.dumps({"server_url": server_url, "email": email})
        self._call(lambda k: k.set_password(self.prefix, LAST_ACCOUNT, value))

    def last_account(self) -> tuple[str, str] | None:
        raw = self._call(lambda k: k.get_password(self.prefix, LAST_ACCOUNT))
        if raw is None:
            return None
        try:
            data = json.loads(raw)
            return str(data["server_url"]), str(data["email"])
        except (ValueError, KeyError, TypeError):
            return None

    def forget_last_account(self) -> None:
        def remove(k: Any) -> None:
            import keyring.errors as ke

            try:
                k.delete_password(self.prefix, LAST_ACCOUNT)
            except ke.PasswordDeleteError:
                pass

        self._call(remove)
