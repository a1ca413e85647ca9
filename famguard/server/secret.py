"""The server's own secret, kept outside the database: the key of the pairing codes' HMACs, so
that a copy of the database (a backup, a dump, a stolen disk image of the database alone) does
not let anyone recover a live code by hashing the 32^4 possible locators.

Where it comes from, first found wins:
1. `FAMGUARD_SERVER_SECRET` (at least 32 characters): for deployments that keep secrets in the
   environment, and for several server processes on different machines sharing one database.
2. `FAMGUARD_SERVER_SECRET_FILE`: a file holding it (created with 32 random bytes if missing).
3. A file beside a SQLite database (`<database>.secret`), or for other databases
   `server-secret` in the user data directory, created on first start with 0600 permissions.
Processes sharing a database must share the secret (the same file or the same variable)."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from sqlalchemy.engine import make_url

SECRET_ENV = "FAMGUARD_SERVER_SECRET"  # noqa: S105 - the name of a variable, not a secret
SECRET_FILE_ENV = "FAMGUARD_SERVER_SECRET_FILE"  # noqa: S105 - a variable name
_MIN_LENGTH = 32


class SecretError(RuntimeError):
    """The secret cannot be read or is too weak; the server does not start without it."""


def secret_path(database_url: str) -> Path:
    """Where the secret file of a server on `database_url` lives (unless set by the env)."""
    configured = os.environ.get(SECRET_FILE_ENV)
    if configured:
        return Path(configured)
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        return Path(f"{url.database}.secret")
    from famguard.paths import ensure_private_dir, user_data_dir

    return ensure_private_dir(user_data_dir()) / "server-secret"


def load_secret(database_url: str) -> bytes:
    value = os.environ.get(SECRET_ENV)
    if value:
        if len(value) < _MIN_LENGTH:
            raise SecretError(f"{SECRET_ENV} must be at least {_MIN_LENGTH} characters long.")
        return value.encode()
    return _from_file(secret_path(database_url))


def _from_file(path: Path) -> bytes:
    try:
        # O_EXCL: of two processes starting at once, one creates it and the other reads it.
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(descriptor, "w") as file:
            file.write(secrets.token_hex(32))
    for _ in range(50):  # the creator may still be writing it
        try:
            value = path.read_text().strip()
        except OSError as error:
            raise SecretError(f"The server secret {path} cannot be read: {error.strerror}.") from None
        if value:
            break
        import time

        time.sleep(0.02)
    if len(value) < _MIN_LENGTH:
        raise SecretError(f"The server secret in {path} must be at least {_MIN_LENGTH} characters long.")
    if os.name == "posix" and path.stat().st_mode & 0o077:
        raise SecretError(f"The server secret {path} must be readable by its owner only (chmod 600).")
    return value.encode()
