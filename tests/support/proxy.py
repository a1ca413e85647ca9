"""The one fault-injecting TCP proxy of the tests, on 127.0.0.1 in front of a real server.

Bytes are forwarded unchanged unless a fault says otherwise. Network-wide conditions apply to
every request: `latency` (seconds each request waits before it is forwarded), `jitter` (a random
extra wait up to that many seconds) and `set_offline(True)` (the port refuses connections and
open ones are cut, as when the service stops: a client it answered before is told "Nothing
answers … any more", one it never answered "You are offline"). Faults aimed at particular requests are armed with
`fault(kind, match, times, after)` and hit the replies to requests whose request line ("GET
/v1/me") contains `match`:

- DROP      the server does the work, the reply is swallowed and the connection closed;
- RESET     the reply's head and part of its body arrive, then the connection is reset (RST);
- TRUNCATE  the head and part of the body arrive, then the connection closes cleanly (FIN);
- HANG      the server does the work, the client never hears back (until the proxy stops);
- TRICKLE   the reply arrives `trickle_bytes` at a time, one chunk every `trickle_interval` s.

`requests` lists the request lines seen, `count(match)` how many matched."""

from __future__ import annotations

import enum
import random
import re
import selectors
import socket
import struct
import threading
import time
from dataclasses import dataclass

_REQUEST_LINE = re.compile(rb"^(GET|POST|PATCH|PUT|DELETE|HEAD|OPTIONS) (\S+) HTTP/1\.[01]\r\n")


def _readable(socks: list[socket.socket], timeout: float) -> list[socket.socket]:
    """The sockets with something to read within `timeout` seconds. epoll (selectors), not
    select.select: select refuses descriptors numbered 1024 and above, which a long test run
    reaches (the proxy then accepted nothing, and a test late in the run waited for a sign-in
    that never came)."""
    with selectors.DefaultSelector() as selector:
        for sock in socks:
            selector.register(sock, selectors.EVENT_READ)
        return [key.fileobj for key, _events in selector.select(timeout)]  # type: ignore[misc]


class Fault(enum.Enum):
    DROP = "drop"
    RESET = "reset"
    TRUNCATE = "truncate"
    HANG = "hang"
    TRICKLE = "trickle"


@dataclass
class _Rule:
    kind: Fault
    match: str
    times: int
    after: int


class FaultProxy:
    """`FaultProxy(target)` with `target` a base URL ("http://127.0.0.1:8123") or a port; call
    `start()` (or use it as a context manager) before connecting to `url`."""

    def __init__(self, target: str | int) -> None:
        if isinstance(target, int):
            self.target = ("127.0.0.1", target)
        else:
            host, port = target.removeprefix("http://").rstrip("/").rsplit(":", 1)
            self.target = (host, int(port))
        self.latency = 0.0
        self.jitter = 0.0
        self.trickle_bytes = 1
        self.trickle_interval = 0.05
        self.requests: list[str] = []  # request lines seen, e.g. "GET /v1/teens"
        self.trickles_started = 0  # server replies (or parts) that reached the proxy and now trickle on
        self._rules: list[_Rule] = []
        self._lock = threading.Lock()
        self._open: set[socket.socket] = set()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._listener: socket.socket | None = self._listen(0)
        self.port = self._listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._acceptor = threading.Thread(target=self._accept, name=f"faultproxy-{self.port}", daemon=True)

    # --- control --------------------------------------------------------------------------

    def start(self) -> FaultProxy:
        self._acceptor.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self.set_offline(True)
        self._acceptor.join(5)
        for thread in self._threads:
            thread.join(5)

    def __enter__(self) -> FaultProxy:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    @property
    def offline(self) -> bool:
        return self._listener is None

    def set_offline(self, offline: bool) -> None:
        """Offline: connecting is refused (the port stops listening) and open connections are cut.
        Back online, the same port listens again."""
        with self._lock:
            if offline:
                if self._listener is not None:
                    _close(self._listener)
                    self._listener = None
                for sock in list(self._open):
                    _close(sock)
                self._open.clear()
            elif self._listener is None and not self._stop.is_set():
                self._listener = self._listen(self.port)

    def fault(self, kind: Fault, match: str = "", times: int = 1, after: int = 0) -> None:
        """Hit the replies to `times` requests matching `match`, after letting `after` through.
        Arming a kind again for the same `match` replaces it; `times=0` disarms it."""
        with self._lock:
            self._rules = [r for r in self._rules if (r.kind, r.match) != (kind, match)]
            if times > 0:
                self._rules.append(_Rule(kind, match, times, after))

    def drop_reply(self, match: str, times: int = 1, after: int = 0) -> None:
        self.fault(Fault.DROP, match, times, after)

    def clear(self) -> None:
        """The network is fine again: no faults, no latency, online."""
        with self._lock:
            self._rules.clear()
        self.latency = self.jitter = 0.0
        self.set_offline(False)

    def count(self, match: str) -> int:
        with self._lock:
            return sum(match in line for line in self.requests)

    # --- plumbing -------------------------------------------------------------------------

    @staticmethod
    def _listen(port: int) -> socket.socket:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", port))
        listener.listen(128)
        return listener

    def _accept(self) -> None:
        while not self._stop.is_set():
            listener = self._listener
            if listener is None:
                time.sleep(0.05)
                continue
            try:
                # A timeout, not a blocking accept: closing a socket does not wake its accept().
                ready = _readable([listener], 0.1)
                if not ready:
                    continue
                client, _ = listener.accept()
            except (OSError, ValueError):
                continue  # closed by set_offline; the loop sees the new state
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                _close(client)
                continue
            upstream.settimeout(None)
            with self._lock:
                self._open.update((client, upstream))
            thread = threading.Thread(target=self._pump, args=(client, upstream), daemon=True)
            self._threads = [t for t in self._threads if t.is_alive()] + [thread]
            thread.start()

    def _arm(self, line: str) -> Fault | None:
        with self._lock:
            self.requests.append(line)
            for rule in self._rules:
                if rule.times > 0 and rule.match in line:
                    if rule.after > 0:
                        rule.after -= 1
                        continue
                    rule.times -= 1
                    return rule.kind
        return None

    def _pump(self, client: socket.socket, upstream: socket.socket) -> None:
        fault: Fault | None = None
        reply = b""  # the reply so far, while a fault waits for the end of its head
        try:
            while not self._stop.is_set():
                readable = _readable([client, upstream], 0.2)
                for sock in readable:
                    data = sock.recv(65536)
                    if sock is client:
                        if not data:
                            return
                        found = _REQUEST_LINE.match(data)
                        if found:
                            fault, reply = self._arm(f"{found.group(1).decode()} {found.group(2).decode()}"), b""
                            self._wait_network()
                        upstream.sendall(data)
                    elif fault is None:
                        if not data:
                            return
                        client.sendall(data)
                    elif fault is Fault.HANG:
                        if not data:
                            self._hold(client)
                            return
                    elif fault is Fault.DROP:
                        return
                    elif fault is Fault.TRICKLE:
                        if not data:
                            return
                        self._trickle(client, data)
                    else:  # RESET or TRUNCATE: once the head is complete, send it and half the body
                        reply += data
                        head_end = reply.find(b"\r\n\r\n")
                        if head_end < 0 and data:
                            continue
                        cut = len(reply) if head_end < 0 else head_end + 4 + (len(reply) - head_end - 4) // 2
                        client.sendall(reply[:cut])
                        if fault is Fault.RESET:
                            client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                        return
        except (OSError, ValueError):
            return
        finally:
            with self._lock:
                self._open.discard(client)
                self._open.discard(upstream)
            _close(upstream)
            if fault is Fault.RESET:
                client.close()  # SO_LINGER 0: close sends RST, shutdown() would send FIN first
            else:
                _close(client)

    def _wait_network(self) -> None:
        delay = self.latency + (random.uniform(0, self.jitter) if self.jitter else 0.0)  # noqa: S311 - not crypto
        if delay:
            time.sleep(delay)

    def _trickle(self, client: socket.socket, data: bytes) -> None:
        with self._lock:
            self.trickles_started += 1
        for start in range(0, len(data), self.trickle_bytes):
            if self._stop.is_set():
                return
            client.sendall(data[start : start + self.trickle_bytes])
            time.sleep(self.trickle_interval)

    def _hold(self, client: socket.socket) -> None:
        """The server has answered and closed; the client waits on, hearing nothing."""
        while not self._stop.is_set():
            readable = _readable([client], 0.2)
            if readable and not client.recv(65536):
                return


def _close(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    try:
        sock.close()
    except OSError:
        pass
