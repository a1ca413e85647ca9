"""Which host names stay on this machine: the one rule behind "http:// only to loopback" (the
client) and "bind loopback unless TLS or a proxy" (the server)."""

from __future__ import annotations

import ipaddress

LOOPBACK_NAMES = {"localhost"}


def is_loopback_host(host: str) -> bool:
    """127.0.0.0/8, ::1 and `localhost` (which only ever names this machine)."""
    host = host.strip("[]").lower().rstrip(".")
    if host in LOOPBACK_NAMES:  # not "*.localhost": some resolvers send those to DNS
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
