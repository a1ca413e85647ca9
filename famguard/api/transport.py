"""The pure rules of talking to the service safely: which server addresses are allowed, which
redirects may carry the Authorization header, how long to back off, and what a Retry-After
header means. No I/O here, so all of it is tested without a network.

Imports no HTTP library (the session that applies these rules is famguard.api.http_session): a
session opened before any request may go out (the demo's, while its practice service starts)
checks its server's address here without loading `requests` (~70 modules, ~15 MiB) before the
window's paint."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from famguard.api.errors import InsecureServerUrl
from famguard.domain.loopback import is_loopback_host


def check_server_url(url: str) -> str:
    """`url` without a trailing slash if it is https, or http to this machine; else InsecureServerUrl."""
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname or ""
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError:
        raise InsecureServerUrl(f"{url!r} is not a web address.") from None
    if not host or parts.scheme not in ("https", "http"):
        raise InsecureServerUrl(f"{url!r} is not a web address; it should start with https://.")
    if parts.username or parts.password:
        raise InsecureServerUrl("Leave the user name and password out of the service address.")
    if parts.query or parts.fragment:
        raise InsecureServerUrl("The service address cannot contain '?' or '#'.")
    if parts.scheme == "http" and not is_loopback_host(host):
        raise InsecureServerUrl(
            f"FamGuard only talks to {host} over a secure connection. Use https:// instead of http://."
        )
    return url.strip().rstrip("/")


def origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    default = {"http": 80, "https": 443}.get(parts.scheme)
    return parts.scheme, (parts.hostname or "").lower(), parts.port or default


def origin_words(url: str) -> str:
    """ "https://famguard.example", "http://127.0.0.1:8000": where a request goes, for messages."""
    scheme, host, port = origin(url)
    default = {"http": 80, "https": 443}.get(scheme)
    shown = f"[{host}]" if ":" in host else host
    return f"{scheme}://{shown}" if port == default else f"{scheme}://{shown}:{port}"


def may_carry_authorization(from_url: str, to_url: str) -> bool:
    """A redirect keeps the Authorization header only to exactly the same scheme, host and port."""
    return origin(from_url) == origin(to_url)


@dataclass(frozen=True)
class RetryPolicy:
    """Capped, jittered exponential backoff ("full jitter"): attempt n waits a random time in
    [0, min(cap, base * 2**n)]. A Retry-After longer than `max_retry_after` is not waited out:
    the call fails with RateLimited and the sync engine shows "sync paused until …"."""

    attempts: int = 4
    base: float = 0.25
    cap: float = 4.0
    max_retry_after: float = 10.0

    def delay(self, attempt: int, rng: random.Random | None = None) -> float:
        ceiling = min(self.cap, self.base * (2**attempt))
        return (rng or random).uniform(0, ceiling)


RETRY_STATUSES = frozenset({429, 502, 503, 504})


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date); None for junk."""
    if value is None:
        return None
    value = value.strip()
    if re.fullmatch(r"[0-9]{1,9}", value):
        return float(value)
    # Only an HTTP-date needs the email package (~15 modules), and only on a worker that got one.
    from email.utils import parsedate_to_datetime

    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    now = now or datetime.now(UTC)
    return max(0.0, (when - now).total_seconds())


def retry_at(seconds: float, now: datetime | None = None) -> datetime:
    return (now or datetime.now(UTC)) + timedelta(seconds=seconds)
