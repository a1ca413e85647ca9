"""Secrets of the service: argon2id password hashes (computed in a bounded pool of their own),
random tokens kept only as SHA-256 hashes, and pairing codes (8 characters of an unambiguous
alphabet, 40 bits, from `secrets`) kept only as HMAC-SHA-256 with the server's secret
(famguard.server.secret): 40 bits are too few for a plain hash, and the 20-bit locator fell to a
search of its 32^4 values in a third of a second."""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from famguard.domain.pairing_code import PAIRING_ALPHABET, PAIRING_CODE_LENGTH

# The first characters of a code locate it, so that a wrong guess can be counted against the
# live code it was aimed at (see API.md, "Pairing"), without telling the guesser anything.
PAIRING_LOCATOR_LENGTH = 4

_hasher = PasswordHasher()  # argon2id with the library's current recommended cost
# The desktop app's practice service (famguard.app.DemoEnvironment) runs inside the app, on
# loopback, with a temporary database removed when it stops and made-up accounts whose random
# passwords only the app itself uses: their hashes are argon2id at a light cost (1 MiB, one
# pass), so that starting the demo does not spend ~0.4 s of a core and 64 MiB on each of its
# four accounts, and again on each demo sign-in (argon2 verifies at the cost written in the
# hash). Every other account — `famguard-server --demo`'s too — has the full cost above.
_light_hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
# Verifying against a dummy hash of the same cost when the email is unknown keeps sign-in timing
# the same either way; made on first use (and again if the hasher is swapped, as tests do).
_dummy: tuple[PasswordHasher, str] | None = None


def _dummy_hash() -> str:
    global _dummy
    if _dummy is None or _dummy[0] is not _hasher:
        _dummy = (_hasher, _hasher.hash(new_token()))
    return _dummy[1]


# Password hashing (64 MiB and most of a core for ~0.1 s each) runs in a bounded pool of its own:
# a burst of sign-ins or sign-ups then uses at most this many cores and this many times 64 MiB,
# queueing among themselves, while every other request keeps the rest of the machine.
HASH_WORKERS = max(1, min(2, (os.cpu_count() or 2) // 2))
# ...and on Linux its threads run HASH_NICENESS below the process's priority (argon2 releases
# Python's lock while it hashes, so only the operating system decides who gets the core). One
# hashing thread per process still took a whole core from the requests beside it: in the soak
# (tests/server/test_soak.py, two processes on two cores) a sign-up flood's hashes put the honest
# teens' p99 at about 1 s; with the hashes taking what the requests leave, it fell by a quarter to a
# third. Sign-ins wait longer during a flood; every other request does not.
HASH_NICENESS = 10


def _lower_hashing_priority() -> None:
    """Run in each hashing thread as it starts. Linux sets a niceness per thread; elsewhere the
    same call would lower the whole server, so it is left alone there."""
    if sys.platform.startswith("linux"):
        try:
            thread = threading.get_native_id()  # relative: a server started under `nice` stays below
            os.setpriority(os.PRIO_PROCESS, thread, min(19, os.getpriority(os.PRIO_PROCESS, thread) + HASH_NICENESS))
        except OSError:  # a sandbox that refuses it: hashing keeps the normal priority
            pass


_hash_pool = ThreadPoolExecutor(
    max_workers=HASH_WORKERS, thread_name_prefix="famguard-argon2", initializer=_lower_hashing_priority
)


def hash_password(password: str) -> str:
    return _hash_pool.submit(_hash, password).result()


def light_password_hash(password: str) -> str:
    """The hash of a desktop demo account's password (see `_light_hasher`)."""
    return _light_hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    return _hash_pool.submit(_verify, password_hash, password).result()


def _hash(password: str) -> str:
    return _hasher.hash(password)


def _verify(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _dummy_hash(), password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def new_token() -> str:
    """256 random bits, URL-safe."""
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def new_id() -> str:
    return secrets.token_hex(16)


def new_pairing_code() -> str:
    return "".join(secrets.choice(PAIRING_ALPHABET) for _ in range(PAIRING_CODE_LENGTH))


def code_hash(secret: bytes, code: str) -> str:
    return hmac.new(secret, b"famguard-pairing-code:" + code.encode("ascii"), hashlib.sha256).hexdigest()


def locator_hash(secret: bytes, code: str) -> str:
    locator = code[:PAIRING_LOCATOR_LENGTH].encode("ascii")
    return hmac.new(secret, b"famguard-pairing-locator:" + locator, hashlib.sha256).hexdigest()


def device_token_hash(secret: bytes, token: str) -> str:
    """A device token as stored: keyed like the pairing codes, so a copy of the database alone
    cannot be matched against tokens (from a keyring backup, say) without the server's secret."""
    message = b"famguard-device-token:" + token.encode("utf-8", "surrogatepass")
    return hmac.new(secret, message, hashlib.sha256).hexdigest()
