"""What a stranger can make the server hold, and for how long, enforced in the server itself (a
reverse proxy in front is welcome but not required):

- `BodyLimit`, an ASGI middleware: a body over `Limits.max_body_bytes` is refused with 413 before
  it is read (by its Content-Length) or as soon as it grows past the limit (chunked), and a body
  that does not arrive within `Limits.body_timeout` seconds is refused with 408. Both happen
  before any route parses JSON or checks a token, which is the point: parsing came first. A body
  that is not strict JSON text (famguard.server.strict_json) is refused here too, with 422; so is
  a URL whose path or query holds a NUL character (strict_json.url_problem: 404 or 400).
- `GuardedHttpProtocol`, uvicorn's httptools protocol with three more rules: a request head over
  `Limits.max_header_bytes` gets 431 (the head of a request pipelined behind one still running
  closes the connection instead: an answer to the earlier request is still owed, and a 431 now
  would read as that answer); a connection that has not finished sending its head within
  `Limits.header_timeout` seconds is closed (a half-sent header used to hold a connection
  forever); and when open connections come near the process's descriptor limit, the oldest
  connection that is waiting for a head is closed to make room, else the one whose request body
  has been arriving the longest, or else the oldest long poll answers at once and its connection
  closes after it, so neither a crowd of slow clients (sending heads or bodies) nor a client
  holding many polls can lock out new ones. (Bodies trickled a byte every 5 s on a connection
  cap's worth of connections kept every new client out: only heads and polls were evicted.)
- The bodies still arriving hold together at most `Limits.max_arriving_body_bytes`; past that
  the connection whose body has been arriving the longest is closed. Each body is held whole until
  it has all come (bounded by `Limits.max_body_bytes`), so 2,000 clients that each held back the
  last bytes of a 256 KiB body took the server from 81 to 627 MiB.
- The same protocol answers at most `Limits.max_pipelined` requests sent ahead of their turn
  (pipelined) on one connection, then closes it after those answers: uvicorn parses all that one
  read holds (~7,000 tiny requests in 256 KiB) into a waiting request each, so fifty clients that
  sent a megabyte of them without reading an answer took the server from 74 MiB to 2.4 GiB and
  health answers 24 s late. A client's requests that were not answered before a close are for it
  to send again (RFC 9112, 9.3.2); no real client pipelines this deep.
- A long poll whose client closes its side, or its connection, answers at once with what there
  is (`wake_when_client_leaves`): nobody can be waiting for more, and left to wait out its wait it
  held its connection and memory (20,000 polls opened and left by one signed-in client: 73 →
  291 MiB, and every new connection refused once they filled the connection cap). A poll
  answered early costs its client only its next poll. So does every poll when the server begins
  to stop, in each process (`GuardedHttpProtocol.shutdown`), rather than be cut off with a 500.
- The same protocol hands each response a transport that holds the response's head until its
  body is written (`_HeadWithBody`), so a small answer leaves in one write instead of two: on
  loopback and LAN every write is a trip through the TCP stack, and with two per answer they
  were a third of the time ten thousand long polls took to be answered.
- `uvicorn_options`, the settings both ways of running the server (the CLI and the in-process
  runner) pass to uvicorn."""

from __future__ import annotations

import asyncio
import json
from collections import OrderedDict
from collections.abc import Callable, MutableMapping
from dataclasses import dataclass
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from famguard.server import strict_json
from famguard.server.notify import after_hand_out
from famguard.server.whole_answers import EXTENSION, offer

try:
    import resource
except ImportError:  # Windows: no descriptor limit to stay under
    resource = None  # type: ignore[assignment]

# Descriptors kept free for the database, log files and the listening socket.
_RESERVED_DESCRIPTORS = 64


def wake_when_client_leaves(scope: MutableMapping[str, Any], wake: Callable[[], None]) -> GuardedHttpProtocol | None:
    """Until `forget_poll(connection)` of the connection returned, `wake` (on the request's loop)
    when the request's client closes its side or its connection goes, or when the server needs
    its connection for a new client (see GuardedHttpProtocol.connection_made), or when the server
    begins to stop (GuardedHttpProtocol.shutdown): a long poll then answers at once with what it
    has. A poll left to wait out its wait held its connection (a place under the connection cap)
    and its memory: 20,000 polls opened and left by one signed-in client took the server from 73
    to 291 MiB and refused every new connection. (No context manager: its generator would be
    ~0.5 KiB more of every waiting poll.)"""
    ref = scope.get(EXTENSION)
    cycle = ref() if ref is not None else None
    transport = getattr(cycle.transport, "raw", cycle.transport) if cycle is not None else None
    protocol = transport.get_protocol() if transport is not None else None
    if cycle is None or not isinstance(protocol, GuardedHttpProtocol):  # a test client, another server
        return None
    # The request and the close often arrive in one read, before the poll has begun to wait; and
    # a poll that begins to wait after its server has begun to stop would be cut off (shutdown).
    if cycle.disconnected or protocol._client_done or protocol._guard.stopping:
        wake()
        return None
    protocol._guard.polls[protocol] = wake
    return protocol


def forget_poll(connection: GuardedHttpProtocol | None) -> None:
    """The poll `wake_when_client_leaves` was given for `connection` is over."""
    if connection is not None:
        connection._guard.polls.pop(connection, None)


@dataclass(frozen=True)
class Limits:
    """The server's limits; every field has the default a real deployment gets."""

    max_body_bytes: int = 256 * 1024  # the largest valid body (200 keywords, escaped) is ~70 KiB
    # Every body still arriving, together: 128 of the largest allowed, ~450 of the largest valid.
    max_arriving_body_bytes: int = 32 * 1024 * 1024
    body_timeout: float = 30.0
    max_header_bytes: int = 16 * 1024
    header_timeout: float = 10.0
    keep_alive_timeout: float = 30.0
    # None: derived from the descriptor limit (RLIMIT_NOFILE) at start.
    max_connections: int | None = None
    # Sign-ups (each an argon2 hash of 64 MiB) per client address in the throttle window.
    signups_per_address: int = 20
    # Requests a connection may have waiting behind the one being answered (HTTP pipelining).
    max_pipelined: int = 32

    def connection_cap(self) -> int:
        if self.max_connections is not None:
            return self.max_connections
        if resource is None:
            return 10_000
        soft, _hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        if soft == resource.RLIM_INFINITY:
            soft = 65536
        return max(16, soft - _RESERVED_DESCRIPTORS)


def _error(
    status: int, code: str, message: str, fields: dict[str, str] | None = None
) -> tuple[dict[str, Any], dict[str, Any]]:
    error: dict[str, Any] = {"code": code, "message": message}
    if fields:
        error["fields"] = fields
    body = json.dumps({"error": error}, separators=(",", ":")).encode()  # as every other answer
    start = {
        "type": "http.response.start",
        "status": status,
        "headers": [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            (b"connection", b"close"),
        ],
    }
    return start, {"type": "http.response.body", "body": body}


class _Refused(Exception):
    def __init__(self, status: int, code: str, message: str, fields: dict[str, str] | None = None):
        super().__init__(message)
        self.reply = _error(status, code, message, fields)


class BodyLimit:
    """ASGI middleware: bounded request bodies, received in bounded time."""

    def __init__(self, app: Any, limits: Limits) -> None:  # noqa: ANN401 - any ASGI app
        self.app = app
        self.limits = limits

    async def __call__(self, scope: MutableMapping[str, Any], receive: Any, send: Any) -> None:  # noqa: ANN401
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        url_refused = strict_json.url_problem(scope)
        if url_refused is not None:
            await self._refuse(send, _Refused(*url_refused))
            return
        limit = self.limits.max_body_bytes
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = limit + 1
                if declared > limit:
                    await self._refuse(send, _Refused(413, "too_large", "The request body is too large."))
                    return
        try:
            body = await self._read_body(receive, limit)
        except _Refused as refused:
            await self._refuse(send, refused)
            return
        reason = strict_json.problem(body)
        if reason is not None:
            await self._refuse(send, _Refused(422, "validation_failed", reason, {"body": reason}))
            return
        replayed = False

        async def replay() -> dict[str, Any]:
            # The whole body once, then the client's own messages (a disconnect, for long polls).
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _read_body(self, receive: Any, limit: int) -> bytes:  # noqa: ANN401
        """The whole body (bounded, so buffering is cheap), read before any route sees it: a
        refusal raised from inside a route's body parsing would be turned into a 400."""
        parts: list[bytes] = []
        received = 0
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.limits.body_timeout
        while True:
            try:
                message = await asyncio.wait_for(receive(), max(0.0, deadline - loop.time()))
            except TimeoutError:
                raise _Refused(408, "timeout", "The request body did not arrive in time.") from None
            if message["type"] != "http.request":
                return b""  # the client left; the route will see the disconnect
            chunk = message.get("body", b"")
            received += len(chunk)
            if received > limit:
                raise _Refused(413, "too_large", "The request body is too large.")
            parts.append(chunk)
            if not message.get("more_body", False):
                return b"".join(parts)

    @staticmethod
    async def _refuse(send: Any, refused: _Refused) -> None:  # noqa: ANN401
        start, body = refused.reply
        await send(start)
        await send(body)


class GuardedHttpProtocol(HttpToolsProtocol):
    """uvicorn's HTTP/1.1 protocol with a head size limit, a head timeout and eviction of slow
    connections near the descriptor limit. The limits come from `config.famguard_limits`."""

    # Set on the instance only when a client half-closes with answers still to go, or has sent more
    # pipelined requests than it may (both rare): class defaults keep them out of every
    # connection's dict (see __init__).
    _client_done = False
    _overflowed = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:  # noqa: ANN401 - uvicorn's own signature
        super().__init__(*args, **kwargs)
        # What every connection of this server shares lives on its server state, not in two more
        # attributes each: past 30 attributes an instance's dict stops sharing its keys with the
        # class's other instances and costs ~1.5 KiB more (ten thousand idle polls hold as many).
        if getattr(self.server_state, "famguard_guard", None) is None:
            self.server_state.famguard_guard = _Guard(getattr(self.config, "famguard_limits", None) or Limits())  # type: ignore[attr-defined]
        self._head_timer: asyncio.TimerHandle | None = None
        self.pipeline = _Pipeline()  # type: ignore[assignment]

    @property
    def _guard(self) -> _Guard:
        return self.server_state.famguard_guard  # type: ignore[attr-defined]

    @property
    def _limits(self) -> Limits:
        return self._guard.limits

    @property
    def _waiting(self) -> OrderedDict[GuardedHttpProtocol, int]:
        """Connections waiting for (the rest of) a request head, oldest first, with the bytes of
        it each has sent (not an attribute each: see __init__); shared per server."""
        return self._guard.waiting

    def _unsupported_upgrade_warning(self) -> None:
        """An `Upgrade` request (WebSocket, h2c) is answered as the plain HTTP request it also is.
        uvicorn logged two warnings for each, one of them telling the operator to install a
        WebSocket library this API has no use for: anyone could write two log lines per request."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self.flow._is_writable_event = _Flag(True)  # type: ignore[assignment]
        # Closing takes effect later (connection_lost), so count what is to be evicted once.
        for _ in range(len(self.connections) - self._guard.cap):
            oldest = next(iter(self._waiting), None)
            if oldest is None:
                # Else the body that has been arriving the longest. A client's body follows its head
                # at once, so the oldest still arriving is the likeliest to be trickled on purpose,
                # and it has used the most of its body timeout. Oldest rather than slowest: a trickler
                # can send faster than a phone on a poor network, but to outlast a new client's body
                # it must open a cap's worth of connections while that one body arrives (each it
                # opens closes one of its own). Before the polls: their clients are signed in and
                # would each come back for their next poll, closing another poll, while the
                # tricklers stayed.
                oldest = next(iter(self._guard.arriving), None)
            if oldest is not None:
                oldest._close()
                continue
            # Else the oldest long poll answers now (its client asks again) and its connection
            # closes after it: polls held open cannot lock new clients out (one signed-in client
            # holding a connection cap's worth of them refused everyone else).
            poll = next(iter(self._guard.polls), None)
            if poll is None:  # every other connection is busy with a request: refuse this one
                transport.close()
                return
            poll._client_done = True
            poll._wake_poll()
        self._await_head()

    def connection_lost(self, exc: Exception | None) -> None:
        self._head_done()
        self._body_done()
        self._wake_poll()
        super().connection_lost(exc)

    def eof_received(self) -> bool | None:  # type: ignore[override] # asyncio.Protocol allows True: keep it open
        """The client has closed its side. A client may do that right after its requests (a
        half-close) and still read: whole requests it sent are answered, in order, and the
        connection closes after the last answer. With nothing left to answer, or a request whose
        body will now never come, it closes at once.

        Closing (the close itself and connection_lost) costs the loop about as much as answering
        a long poll; while a hand-out of events is under way on this loop, the close waits behind
        the answers still to go out (when ten thousand woken clients close after their answers,
        half of the loop's time went to those closes in between)."""
        cycle = self.cycle
        if cycle is not None and not cycle.response_complete and not cycle.more_body:
            self._client_done = True
            self._wake_poll()
            return True
        return True if after_hand_out(self.loop, _close_transport, self.transport) else None

    def shutdown(self) -> None:
        """The server has begun to stop, however it was told to (uvicorn asks each of its
        connections: `famguard-server` on SIGTERM or SIGINT, each worker of `--workers N` on its
        own, ServerThread.stop): a long poll waiting here answers now with what it has, as at its
        timeout, and so does one that begins to wait from now on (wake_when_client_leaves); the
        connection closes after the answer. Left to wait, a poll was cancelled at the graceful
        timeout: a 500 and a traceback in the log at every stop with an app connected, and the
        stop took that long."""
        super().shutdown()
        self._guard.stopping = True
        self._wake_poll()

    def _wake_poll(self) -> None:
        wake = self._guard.polls.pop(self, None)
        if wake is not None:
            wake()

    def data_received(self, data: bytes) -> None:
        if self._overflowed:
            return  # the connection closes after the answers it is owed (on_headers_complete)
        if self._head_timer is None and self._in_waiting():
            self._arm_head_timer()  # the first byte after a keep-alive pause starts the clock
        if self._in_waiting():
            # Only the head counts: the same read may carry the start of the body.
            end = data.find(b"\r\n\r\n")
            waiting = self._waiting
            waiting[self] = head_bytes = waiting[self] + (len(data) if end < 0 else end)
            if head_bytes > self._limits.max_header_bytes:
                self._head_done()
                self._reply_and_close(b"HTTP/1.1 431 Request Header Fields Too Large\r\n")
                return
        super().data_received(data)
        pipelined = self._guard.pipelined_heads
        if pipelined and self in pipelined:  # a pipelined head still unfinished after this read
            self._count_pipelined_head(pipelined, len(data))

    def _count_pipelined_head(self, pipelined: dict[GuardedHttpProtocol, int], size: int) -> None:
        counted = pipelined[self]
        # Begun in this read: counted from the next (one read's worth unmeasured, a bounded slack);
        # begun earlier: this whole read was head.
        pipelined[self] = counted = 0 if counted < 0 else counted + size
        if counted > self._limits.max_header_bytes:
            self._close()

    # Once a connection has sent more pipelined requests than it may, the parser's callbacks for
    # the rest of what it had sent do nothing: no request is made of them (and a body in them is
    # not added to the last request taken).
    def on_message_begin(self) -> None:
        if self._overflowed:
            return
        super().on_message_begin()
        cycle = self.cycle
        if cycle is not None and not cycle.response_complete:
            # The head of a request pipelined behind one still running: the connection is not
            # waiting (nor evictable), but what the head holds is bounded all the same. uvicorn
            # reads on while a request runs, and httptools keeps a header it has not finished in
            # memory: unbounded, a head sent behind a long poll (or a sign-in whose hash runs)
            # took hundreds of MiB. -1: it began in the read being parsed (counted from the next).
            self._guard.pipelined_heads[self] = -1

    def on_url(self, url: bytes) -> None:
        if not self._overflowed:
            super().on_url(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        if not self._overflowed:
            super().on_header(name, value)

    def on_body(self, body: bytes) -> None:
        if self._overflowed:
            return
        super().on_body(body)
        guard = self._guard
        if self in guard.arriving:
            guard.arriving[self] += len(body)
            guard.arriving_bytes += len(body)
            # The oldest first, as for the connection cap (connection_made), this one perhaps.
            while guard.arriving_bytes > guard.limits.max_arriving_body_bytes:
                next(iter(guard.arriving))._close()

    def on_message_complete(self) -> None:
        self._body_done()
        if not self._overflowed:
            super().on_message_complete()

    def on_headers_complete(self) -> None:
        self._head_done()
        if self._overflowed:
            return
        if len(self.pipeline) >= self._limits.max_pipelined:
            # Those taken are answered in order, then the connection closes (on_response_complete).
            self._overflowed = self._client_done = True
            return
        running = self.cycle
        super().on_headers_complete()
        cycle = self.cycle  # this request's, made by uvicorn just now; its task has not run yet
        if cycle is not running:
            # Its body is arriving (without one, on_message_complete comes next, in this read).
            # Also behind a request still running: a body trickled after a quick request pipelined
            # ahead of it would otherwise hold its connection out of reach of eviction.
            self._guard.arriving[self] = 0
        # (Not for HEAD: uvicorn writes no body for it, so nothing would send the held head.)
        if cycle is not None and cycle.scope["method"] != "HEAD" and not isinstance(cycle.transport, _HeadWithBody):
            cycle.transport = _HeadWithBody(cycle.transport)  # type: ignore[assignment]
        if cycle is not None:
            cycle.message_event = _Flag(False)  # type: ignore[assignment]
            offer(cycle)  # the fast paths may write a whole answer at once (whole_answers.py)

    def on_response_complete(self) -> None:
        transport = self.cycle.transport if self.cycle is not None else None
        if isinstance(transport, _HeadWithBody):
            transport.flush()  # nothing should be held by now; never leave a head behind
        super().on_response_complete()
        # Nothing left running unless uvicorn has just started a pipelined request (self.cycle is
        # the last request parsed, so when it is answered no pipelined one is left either).
        if self.cycle is not None and not self.cycle.response_complete:
            return
        if self._client_done:
            self._close()  # the last answer to a client that has closed its side
        elif not self.transport.is_closing():
            # Idle on keep-alive: uvicorn's keep-alive timer runs; evictable under pressure. A head
            # already begun behind the request just answered goes on counting from its size. (Counted
            # as waiting while a pipelined long poll ran, the next head's first bytes started the head
            # timer, which closed the connection, poll and all.)
            self._waiting[self] = max(0, self._guard.pipelined_heads.pop(self, 0))

    # --- internals --------------------------------------------------------------------------

    def _in_waiting(self) -> bool:
        return self in self._waiting

    def _await_head(self) -> None:
        self._waiting[self] = 0
        self._arm_head_timer()

    def _arm_head_timer(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
        self._head_timer = self.loop.call_later(self._limits.header_timeout, self._close)

    def _head_done(self) -> None:
        self._waiting.pop(self, None)
        self._guard.pipelined_heads.pop(self, None)
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _body_done(self) -> None:
        arriving = self._guard.arriving.pop(self, None)
        if arriving is not None:
            self._guard.arriving_bytes -= arriving

    def _close(self) -> None:
        self._head_done()
        self._body_done()
        if not self.transport.is_closing():
            self.transport.close()

    def _reply_and_close(self, status_line: bytes) -> None:
        self.transport.write(status_line + b"content-length: 0\r\nconnection: close\r\n\r\n")
        self.transport.close()


class _Guard:
    """What the connections of one server share: its limits, its connection cap, the
    connections waiting for a request head (oldest first), those whose request body is arriving
    (oldest first, with its bytes so far, and their sum), and the bytes of each pipelined
    request head still arriving behind a running request (see on_message_begin)."""

    __slots__ = ("arriving", "arriving_bytes", "cap", "limits", "pipelined_heads", "polls", "stopping", "waiting")

    def __init__(self, limits: Limits):
        self.limits = limits
        self.cap = limits.connection_cap()
        self.waiting: OrderedDict[GuardedHttpProtocol, int] = OrderedDict()
        self.arriving: OrderedDict[GuardedHttpProtocol, int] = OrderedDict()
        self.arriving_bytes = 0
        self.pipelined_heads: dict[GuardedHttpProtocol, int] = {}
        # The wake-up of each connection's waiting long poll, oldest first (wake_when_client_leaves);
        # at most one per connection: uvicorn runs a connection's requests one at a time.
        self.polls: dict[GuardedHttpProtocol, Callable[[], None]] = {}
        self.stopping = False  # the server has begun to stop: no poll waits (GuardedHttpProtocol.shutdown)


class _Flag:
    """asyncio.Event's behaviour (set, clear, is_set, wait) in a slotted object whose list of
    waiters exists only while someone waits. uvicorn makes two events per connection (the
    request's messages, the connection's writability) and a deque for pipelined requests; an
    empty deque is ~0.7 KiB, so those three were ~2 KiB of every idle long poll."""

    __slots__ = ("_value", "_waiters")

    def __init__(self, value: bool):
        self._value = value
        self._waiters: list[asyncio.Future[bool]] | None = None

    def is_set(self) -> bool:
        return self._value

    def set(self) -> None:
        if not self._value:
            self._value = True
            for waiter in self._waiters or ():
                if not waiter.done():
                    waiter.set_result(True)

    def clear(self) -> None:
        self._value = False

    async def wait(self) -> bool:
        if self._value:
            return True
        waiter = asyncio.get_running_loop().create_future()
        if self._waiters is None:
            self._waiters = []
        self._waiters.append(waiter)
        try:
            await waiter
            return True
        finally:
            self._waiters.remove(waiter)


class _Pipeline(list):
    """uvicorn's queue of pipelined requests (it appends on the left and pops on the right), as
    a list: pipelining is rare, and an empty deque costs ~0.7 KiB per connection."""

    __slots__ = ()

    def appendleft(self, item: Any) -> None:  # noqa: ANN401 - uvicorn's (cycle, app) pairs
        self.insert(0, item)


def _close_transport(transport: asyncio.BaseTransport) -> None:
    transport.close()


class _HeadWithBody:
    """A response's view of its connection's transport: the first write of a final answer (its
    status line and headers) waits for the next write, the body (uvicorn writes one for every
    answer but HEAD, an empty one when there is no body), and both go out as one; closing, or
    the end of the answer, sends a head still held. An interim "100 Continue" goes at once (the
    client waits for it before sending the body)."""

    __slots__ = ("_head", "_transport", "_wrote")

    def __init__(self, transport: asyncio.Transport):
        self._transport = transport
        self._head = b""
        self._wrote = False

    @property
    def raw(self) -> asyncio.Transport:
        """The connection's own transport (the protocol's `transport`)."""
        return self._transport

    def write(self, data: bytes) -> None:
        if not self._wrote and not data.startswith(b"HTTP/1.1 1"):
            self._wrote = True
            self._head = bytes(data)
            return
        if self._head:
            data, self._head = self._head + data, b""
        self._send(data)

    def write_whole(self, data: bytes) -> None:
        """A whole answer, head and body (whole_answers.py): it goes at once."""
        self._wrote = True
        self._send(data)

    def flush(self) -> None:
        if self._head:
            head, self._head = self._head, b""
            self._send(head)

    def _send(self, data: bytes) -> None:
        # uvloop raises on a write to a closed transport, and a task may still be answering a
        # request of a client that has gone (connection_lost, which marks the request, comes a
        # loop turn after the close); the answer has nobody to go to.
        if not self._transport.is_closing():
            self._transport.write(data)

    def close(self) -> None:
        self.flush()
        self._transport.close()

    def __getattr__(self, name: str) -> Any:  # noqa: ANN401 - whatever the transport has
        return getattr(self._transport, name)


def uvicorn_options(limits: Limits) -> dict[str, Any]:
    """Keyword arguments for `uvicorn.Config`/`uvicorn.run`; call `attach(config, limits)` too."""
    # ws="none": the API has no WebSocket routes, and with a WebSocket library installed (uvicorn's
    # "standard" extra) an Upgrade request would hand its connection to a protocol without these limits.
    return {"http": GuardedHttpProtocol, "ws": "none", "timeout_keep_alive": int(limits.keep_alive_timeout)}


def attach(config: Any, limits: Limits) -> None:  # noqa: ANN401 - a uvicorn.Config
    """Hand the limits to the protocol instances through their shared config."""
    config.famguard_limits = limits
