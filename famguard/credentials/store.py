"""CredentialStore: the one place FamGuard touches the system keyring.

It keeps, per server and account, the server-issued refresh token and the display name — never
the password — and, beside them, the device token the server issued to this computer (it lets a
right password through the account's sign-in lock; famguard.server.devices). The device token
outlives signing out: it says "this computer signed in here before", which stays true.

Every keyring failure (no backend, locked, refusing, hanging) becomes one CredentialError with a
message a parent understands. There is no plain-text fallback: without a keyring the guardian
signs in for this session only. `keyring` is imported lazily (it costs ~150 ms at start-up) and
each call runs on a helper thread bounded by a timeout, because a locked keyring may wait for an
unlock prompt forever.

Only the operating systems' own secret stores are used (`SECURE_BACKENDS`: Secret Service and
libsecret, KWallet, the macOS Keychain, the Windows Credential Locker). Any other backend keyring
might pick up from the environment — `keyrings.alt`'s plain-text or "encrypted" files, the null
keyring that silently drops what it is given, a third-party plugin — is refused with its name and
the reason, and the guardian signs in for this session only. Of a chain of backends (keyring's
choice when several are installed), the first one on the list is used alone: the chain would fall
back to the next backend, a plain-text file among them, when that one fails."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from famguard.domain.errors import ErrorKind, FamGuardError

if TYPE_CHECKING:
    from famguard.credentials.saved import SavedSignIn

log = logging.getLogger(__name__)
T = TypeVar("T")

LOCKED_MESSAGE = "Your system keyring is locked — unlock it, or sign in without remembering."
MISSING_MESSAGE = (
    "FamGuard can't find a system keyring on this computer, so it can't remember your sign-in. "
    "You can still sign in for this session only."
)
NO_LOGIN_KEYRING_MESSAGE = (
    "Your system keyring has no login keyring to keep your sign-in in, and none could be made here. "
    "Set one up in your system's passwords app, or sign in for this session only."
)
HUNG_MESSAGE = "Your system keyring did not answer. Unlock it if it asks you to, or sign in without remembering."
REFUSED_MESSAGE = "Your system keyring refused to save your sign-in. You can still sign in for this session only."
BROKEN_MESSAGE = "FamGuard could not use your system keyring. You can still sign in for this session only."
UNSAFE_MESSAGE = (
    "FamGuard will not keep your sign-in in the keyring set up on this computer: it is not your system's "
    "own secure keyring, and it may store secrets in a file other programs can read. You can still sign in "
    "for this session only. (For whoever helps you: the keyring in use is {name}.)"
)
LAST_ACCOUNT = "last-account"
# The entry written and removed again to learn whether the keyring can keep a secret right now.
CAN_KEEP_PROBE = "can-keep-check"
# module.class of the keyring backends that keep secrets in the operating system's secret store.
SECURE_BACKENDS = frozenset(
    {
        "keyring.backends.SecretService.Keyring",
        "keyring.backends.libsecret.Keyring",
        "keyring.backends.kwallet.DBusKeyring",
        "keyring.backends.kwallet.DBusKeyringKWallet4",
        "keyring.backends.macOS.Keyring",
        "keyring.backends.Windows.WinVaultKeyring",
        # Not a store: it raises NoKeyringError on every call, which becomes MISSING_MESSAGE.
        "keyring.backends.fail.Keyring",
    }
)


def _qualified(backend: object) -> str:
    return f"{type(backend).__module__}.{type(backend).__qualname__}"


def _chain(backend: object) -> list[object] | None:
    """The backends of keyring's chain, highest priority first; None for a single backend."""
    parts = getattr(backend, "backends", None)
    if _qualified(backend) == "keyring.backends.chainer.ChainerBackend" and parts is not None:
        return list(parts)
    return None


def secure_backend(backend: object, allowed: frozenset[str] = SECURE_BACKENDS) -> object | None:
    """The backend FamGuard uses: `backend` when it is on the allow-list; in a chain, the chain's
    first backend that is (used alone: a chain would fall back to its other backends, a file of
    `keyrings.alt` among them, when that one fails — a locked Secret Service, say); else None.
    A chain used to be refused whole when any backend in it was not on the list, so a computer with
    a working Secret Service and Debian's python3-keyrings.alt kept no sign-in at all."""
    parts = _chain(backend)
    if parts is None:
        return backend if _qualified(backend) in allowed else None
    return next((part for part in parts if _qualified(part) in allowed), None)


def _would_use(backend: object) -> str:
    """The name of the backend keyring would use (a chain's first), for a refusal's message."""
    parts = _chain(backend)
    return _qualified(parts[0]) if parts else _qualified(backend)


def unsafe_backend(backend: object, allowed: frozenset[str] = SECURE_BACKENDS) -> str | None:
    """When FamGuard cannot use `backend` (`secure_backend` finds none in it): the name of the
    backend keyring would have used, for the message; else None."""
    return None if secure_backend(backend, allowed) is not None else _would_use(backend)


class CredentialError(FamGuardError):
    """The keyring could not be used; `message` tells the guardian what to do."""

    kind = ErrorKind.LOCAL

    def __init__(self, message: str, title: str = "Can't use the keyring") -> None:
        super().__init__(message, title=title)


class _Unsafe(Exception):
    def __init__(self, backend: str) -> None:
        super().__init__(backend)
        self.backend = backend


def _translate(exc: BaseException) -> CredentialError:
    import keyring.errors as ke

    if isinstance(exc, _Unsafe):
        name = exc.backend.rsplit(".", 2)
        readable = ".".join(name[-2:]) if len(name) >= 2 else exc.backend
        return CredentialError(UNSAFE_MESSAGE.format(name=readable), "Keyring not secure")
    if isinstance(exc, ke.NoKeyringError):
        return CredentialError(MISSING_MESSAGE, "No keyring")
    if isinstance(exc, ke.InitError) and "create the collection" in str(exc):
        # The Secret Service has no login keyring and the prompt to make one was dismissed (or had
        # no display to appear on): "unlock it" would send the guardian looking for a lock.
        return CredentialError(NO_LOGIN_KEYRING_MESSAGE, "No login keyring")
    if isinstance(exc, ke.KeyringLocked | ke.InitError):
        return CredentialError(LOCKED_MESSAGE, "Keyring locked")
    if isinstance(exc, ke.PasswordSetError):
        return CredentialError(REFUSED_MESSAGE)
    return CredentialError(BROKEN_MESSAGE)


class CredentialStore:
    """Remembered sign-ins in the system keyring, one entry per (server URL, account email).

    Every method blocks for up to `timeout` seconds: call from a worker thread, never the GUI."""

    def __init__(
        self, service_name_prefix: str = "FamGuard", timeout: float = 5.0, also_allowed: frozenset[str] = frozenset()
    ) -> None:
        """`also_allowed`: backends (module.class) to accept besides SECURE_BACKENDS; only tests
        use it, for stand-ins of keyrings they cannot produce (locked, hanging)."""
        self.prefix = service_name_prefix
        self.timeout = timeout
        self.allowed = SECURE_BACKENDS | also_allowed

    def _call(self, fn: Callable[[Any], T]) -> T:
        """Run fn(keyring) on a daemon thread; a hang past the timeout is abandoned, not waited for."""
        # Imported here, not at the top: a returning guardian's start makes this store before the
        # family from the local store is on screen, and asks the keyring only after (~2 ms of CPU).
        import queue

        results: queue.Queue[tuple[bool, Any]] = queue.Queue(maxsize=1)

        def work() -> None:
            try:
                import keyring

                in_use = keyring.get_keyring()
                backend = secure_backend(in_use, self.allowed)
                if backend is None:
                    results.put((False, _Unsafe(_would_use(in_use))))
                    return
                results.put((True, fn(backend)))
            except Exception as exc:  # noqa: BLE001 - every keyring failure is translated below
                results.put((False, exc))

        threading.Thread(target=work, name="famguard-keyring", daemon=True).start()
        try:
            ok, value = results.get(timeout=self.timeout)
        except queue.Empty:
            raise CredentialError(HUNG_MESSAGE, "Keyring not answering") from None
        if not ok:
            # The exception text may hold a secret; an unsafe backend's name is not one.
            log.info("Keyring call failed: %s %s", type(value).__name__, getattr(value, "backend", ""))
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
        from famguard.credentials.saved import SavedSignIn  # on the keyring's worker, after the family's paint

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

    def _remove(self, service: str, user: str) -> None:
        """Delete one keyring entry; deleting one that is not there is not an error."""

        def remove(k: Any) -> None:
            import keyring.errors as ke

            try:
                k.delete_password(service, user)
            except ke.PasswordDeleteError:
                pass

        self._call(remove)

    def delete(self, server_url: str, email: str) -> None:
        """Forget the sign-in (the device token stays: this computer still signed in there)."""
        self._remove(self._service(server_url), self._user(email))

    def _device_user(self, email: str) -> str:
        return f"device:{self._user(email)}"

    def save_device(self, server_url: str, email: str, device_token: str) -> None:
        """Keep the device token the server issued to this computer for this account."""
        self._call(lambda k: k.set_password(self._service(server_url), self._device_user(email), device_token))

    def load_device(self, server_url: str, email: str) -> str | None:
        return self._call(lambda k: k.get_password(self._service(server_url), self._device_user(email)))

    def delete_device(self, server_url: str, email: str) -> None:
        self._remove(self._service(server_url), self._device_user(email))

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
        self._remove(self.prefix, LAST_ACCOUNT)

    def check_can_keep(self) -> None:
        """Whether a sign-in could be kept now: a throw-away entry is written and removed again.
        Reading alone would not tell: a keyring may read but refuse to write. CredentialError (the
        keyring's message) when it cannot — missing, locked, refusing, not answering or unsafe."""

        def write_and_remove(k: Any) -> None:
            import keyring.errors as ke

            k.set_password(self.prefix, CAN_KEEP_PROBE, "FamGuard checks that it can keep a sign-in here")
            try:
                k.delete_password(self.prefix, CAN_KEEP_PROBE)
            except ke.PasswordDeleteError:
                pass  # gone already: what was asked (could it be written?) is answered

        self._call(write_and_remove)
