"""Which host names stay on this machine: the one rule behind "http:// only to loopback" (the
client) and "bind loopback unless TLS or a proxy" (the server); and the loopback socket both
the app and the server bind for a service in this process (stdlib only: the desktop app's demo
binds it before the server stack is imported, so that the service's address is known first)."""

from __future__ import annotations

import ipaddress
import socket

LOOPBACK_NAMES = {"localhost"}


def is_loopback_host(host: str) -> bool:
    """127.0.0.0/8, ::1 and `localhost` (which only ever names this machine)."""
    # Not "localhost." nor "*.localhost": the hosts file names "localhost" only, and with
    # "hosts: files dns" the others go to DNS, whose answer anyone on the network can give (a
    # café's resolver sent the password in plain text wherever it liked).
    host = host.strip("[]").lower()
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def bind_loopback(host: str = "127.0.0.1", port: int = 0) -> socket.socket:
    """A TCP socket bound on `host` (port 0: any free port), not listening yet: uvicorn takes it
    as it is (famguard.server.runner.ServerThread)."""
    # IPPROTO_TCP explicitly: asyncio only sets TCP_NODELAY on sockets that say so, and without
    # it every keep-alive response waits ~40 ms for a delayed ACK.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    return sock
