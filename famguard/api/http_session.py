"""The `requests` session every ApiClient sends through: the one place besides the client that
imports `requests`, so that the address rules of famguard.api.transport load without it.

It also owns each call's overall deadline. requests' read timeout bounds each read, not the
answer: a service (or something posing as one) that trickles its answer, or only its head, a byte
at a time held a call — a change "saving…", a sign-in's progress — for as long as it liked. The
session's connections tell one watchdog thread which socket the call in this thread is reading;
when the call's deadline passes, the watchdog shuts that socket, the read fails at once, and the
client says the service took too long (`overall_deadline`, famguard.api.client)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import requests
import urllib3
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection

from famguard.api.transport import may_carry_authorization


class Deadline:
    """One call's overall deadline, and the sockets it has read from (shut when it passes)."""

    def __init__(self, at: float) -> None:
        self.at = at
        self.expired = False
        self.sockets: list[socket.socket] = []


class _Watchdog:
    """The one thread that ends calls past their deadline. It starts with the first call and
    sleeps until the earliest deadline; a call that ends first takes its deadline back."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._live: set[Deadline] = set()
        self._thread: threading.Thread | None = None
        # Which call reads each socket now: a pooled connection goes from call to call, and a
        # deadline that passed just after its call gave the connection back shut the socket under
        # the next call (an attacker's 20 threads on one session: 129 calls said "offline").
        self._reader: dict[socket.socket, Deadline] = {}

    def add(self, deadline: Deadline) -> None:
        with self._changed:
            self._live.add(deadline)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="famguard-call-deadlines", daemon=True)
                self._thread.start()
            self._changed.notify()

    def remove(self, deadline: Deadline) -> None:
        with self._changed:
            self._live.discard(deadline)
            self._let_go(deadline)

    def let_go(self, deadline: Deadline) -> None:
        with self._changed:
            self._let_go(deadline)

    def _let_go(self, deadline: Deadline) -> None:
        for sock in deadline.sockets:
            if self._reader.get(sock) is deadline:
                del self._reader[sock]
        deadline.sockets.clear()

    def watch(self, deadline: Deadline, sock: socket.socket) -> None:
        with self._changed:
            if self._reader.get(sock) is not deadline:
                deadline.sockets.append(sock)
                self._reader[sock] = deadline
            if deadline.expired:  # passed while the request was still being sent
                _shut(sock)

    def _run(self) -> None:
        while True:
            with self._changed:
                now = time.monotonic()
                for deadline in [d for d in self._live if d.at <= now]:
                    self._live.discard(deadline)
                    deadline.expired = True
                    for sock in deadline.sockets:
                        if self._reader.get(sock) is deadline:  # not handed on to another call
                            _shut(sock)
                earliest = min((d.at for d in self._live), default=None)
                self._changed.wait(None if earliest is None else max(0.0, earliest - now))


def _shut(sock: socket.socket) -> None:
    # The plain socket's shutdown, also for a TLS socket: SSLSocket.shutdown would drop its TLS
    # state under the thread reading it. The reader then meets the end of the stream at once.
    try:
        socket.socket.shutdown(sock, socket.SHUT_RDWR)
    except OSError:
        pass  # closed already


_WATCHDOG = _Watchdog()
_calls = threading.local()  # the deadline of the call this thread is making, if any


@contextmanager
def overall_deadline(seconds: float) -> Iterator[Deadline]:
    """Bound everything this thread reads through a StrictSession to `seconds` from now; after
    the block, `deadline.expired` says whether it was the deadline that ended the call."""
    deadline = Deadline(time.monotonic() + seconds)
    _calls.deadline = deadline
    _WATCHDOG.add(deadline)
    try:
        yield deadline
    finally:
        _calls.deadline = None
        _WATCHDOG.remove(deadline)


def answer_read() -> None:
    """This thread's call has read its answer: its connection may go back to the pool, so its
    deadline must no longer shut that socket (the next call from the pool reads it then). Called
    before the response is closed; a deadline passing in between only leaves a closed connection
    in the pool, which urllib3 sees as dropped and replaces."""
    deadline: Deadline | None = getattr(_calls, "deadline", None)
    if deadline is not None:
        _WATCHDOG.let_go(deadline)


def _watch_this_call(sock: socket.socket | None) -> None:
    deadline: Deadline | None = getattr(_calls, "deadline", None)
    if deadline is not None and sock is not None:
        _WATCHDOG.watch(deadline, sock)


class _WatchedHTTPConnection(HTTPConnection):
    def request(self, *args: Any, **kwargs: Any) -> None:  # noqa: ANN401 - urllib3's own signature
        _watch_this_call(self.sock)  # a pooled connection is this call's from its request on
        super().request(*args, **kwargs)

    def getresponse(self) -> Any:  # noqa: ANN401 - urllib3's HTTPResponse
        _watch_this_call(self.sock)  # the head and the body are read from here on (a new socket too)
        return super().getresponse()


class _WatchedHTTPSConnection(HTTPSConnection):
    def request(self, *args: Any, **kwargs: Any) -> None:  # noqa: ANN401 - urllib3's own signature
        _watch_this_call(self.sock)
        super().request(*args, **kwargs)

    def getresponse(self) -> Any:  # noqa: ANN401 - urllib3's HTTPResponse
        _watch_this_call(self.sock)
        return super().getresponse()


class _WatchedHTTPPool(urllib3.HTTPConnectionPool):
    ConnectionCls = _WatchedHTTPConnection


class _WatchedHTTPSPool(urllib3.HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPSConnection


class _WatchedAdapter(HTTPAdapter):
    """requests' adapter, with connections the watchdog can end."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:  # noqa: ANN401 - requests' own signature
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _WatchedHTTPPool, "https": _WatchedHTTPSPool}


class StrictSession(requests.Session):
    """A Session that never re-attaches credentials on a redirect to another origin, and whose
    calls end at their `overall_deadline`.

    requests' own `rebuild_auth` strips Authorization when the host changes, but keeps it on an
    http -> https upgrade and re-adds credentials from ~/.netrc for the new host. ApiClient
    follows redirects itself (allow_redirects=False), so this is the second line of defence for
    any other use of the session."""

    def __init__(self) -> None:
        super().__init__()
        self.mount("https://", _WatchedAdapter())
        self.mount("http://", _WatchedAdapter())

    def rebuild_auth(self, prepared_request: requests.PreparedRequest, response: requests.Response) -> None:
        if "Authorization" in prepared_request.headers and not may_carry_authorization(
            response.request.url or "", prepared_request.url or ""
        ):
            del prepared_request.headers["Authorization"]

    def close(self) -> None:
        """Closes every pooled connection now. requests' own close only empties urllib3's pool
        manager (urllib3 2.x): each pool's connections close when the pool is garbage-collected,
        and the app freezes what exists once a family is on screen out of the collector's passes
        (famguard.app.settle_runtime), so that never came: the sockets stayed open for the run."""
        for adapter in self.adapters.values():
            manager = getattr(adapter, "poolmanager", None)  # HTTPAdapter's urllib3 PoolManager
            if manager is not None:
                for key in manager.pools.keys():
                    pool = manager.pools.get(key)
                    if pool is not None:
                        pool.close()
        super().close()


def make_session(user_agent: str = "FamGuard") -> StrictSession:
    session = StrictSession()
    session.headers["User-Agent"] = user_agent
    session.verify = True
    return session
