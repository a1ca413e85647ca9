"""Small, complete answers written straight to their connection by the SQLite fast paths, past
uvicorn's per-message ASGI machinery and its access log line per answer.

When one event wakes ten thousand long polls, each answer's cost decides how long the last one
waits. Through the ASGI `send` an answer is two messages, each checked header by header against
uvicorn's regular expressions, plus an access-log record (a LogRecord, a filter, a formatter and
a write to the log stream: ~40 % of the server's CPU per woken poll, profiled with py-spy). Here
an answer whose status, headers and body are all known at once becomes one write of the same
bytes uvicorn would send (its status line, its default `date` and `server` headers, the
answer's own, `connection: close` when the connection ends), and the request/response state
uvicorn keeps is set exactly as its `send` leaves it (so keep-alive, pipelining and the idle
timer go on as usual).

The access log keeps a line for every answer, but the answers written in one turn of the event
loop share it: alone, an answer is logged as uvicorn logs it (client address, method, path,
version, status); many together (one event handed to ten thousand polls) are one line that
counts them, e.g. `10000 clients - "GET /v1/events HTTP/1.1" 200`. Paths are logged without
their query string, as everywhere (runner.RedactQueryStrings).

`offer(cycle)` is called by the server's protocol (limits.GuardedHttpProtocol) for each request;
`answer_whole(scope, ...)` returns False where no such connection is behind the scope (another
ASGI server, a test client), and the caller sends the usual ASGI messages instead."""

from __future__ import annotations

import asyncio
import weakref
from collections import Counter
from typing import Any

# uvicorn's own table of status lines, so the bytes are the ones its `send` writes
from uvicorn.protocols.http.httptools_impl import STATUS_LINE
from uvicorn.protocols.utils import get_client_addr

# The scope's key of the connection's offer (a weak reference to uvicorn's request cycle). A key
# of its own, not one in scope["extensions"]: that would be a dict more per request, and ten
# thousand polls wait at once within an RSS budget.
EXTENSION = "famguard.whole_answer"

Key = tuple[str, str, str, int]  # method, path, HTTP version, status
# Answers' bytes by the objects they were made of (see _bytes); any thread's loop, so a lock
# is not needed: a race makes the same bytes twice.
_made: dict[tuple[bytes, int, int, int, bool], tuple[Any, Any, bytes, bytes]] = {}
_pending: dict[asyncio.AbstractEventLoop, tuple[Any, Counter[Key], dict[Key, str]]] = {}


def offer(cycle: Any) -> None:  # noqa: ANN401 - uvicorn's RequestResponseCycle
    """Lets the request's app answer it whole (a weak reference: no cycle of references per
    request for the garbage collector to find)."""
    cycle.scope[EXTENSION] = weakref.ref(cycle)


def answer_whole(
    scope: Any,  # noqa: ANN401 - an ASGI scope
    status: int,
    headers: list[tuple[bytes, bytes]],
    body: bytes,
    shared: bool = False,
) -> bool:
    """Sends the whole answer in one write if the connection offers it, else returns False (the
    caller sends the ASGI messages). True also when the client has gone (nothing to send, as
    uvicorn's `send` does then). `shared`: these very `headers` and `body` objects answer many
    requests (the polls one event wakes), so their bytes are worth keeping (_bytes)."""
    ref = scope.get(EXTENSION)
    cycle = ref() if ref is not None else None
    line = STATUS_LINE.get(status)
    if cycle is None or line is None or cycle.response_started or cycle.flow.write_paused:
        return False
    if cycle.disconnected:
        return True
    cycle.response_started = True
    cycle.waiting_for_100_continue = False
    transport = cycle.transport
    made = _bytes if shared else _join
    getattr(transport, "write_whole", transport.write)(
        made(line, cycle.default_headers, headers, body, cycle.keep_alive)
    )
    cycle.response_complete = True
    cycle.message_event.set()
    if not cycle.keep_alive:
        transport.close()
    if cycle.access_log:
        _count(cycle, scope, status)
    cycle.on_response()
    return True


def _bytes(
    line: bytes, defaults: list[tuple[bytes, bytes]], headers: list[tuple[bytes, bytes]], body: bytes, keep_alive: bool
) -> bytes:
    """The answer's bytes. When one event wakes many polls, they are answered with the same
    body and header objects, and uvicorn's default headers (its `date`) are one list per second
    of the polls' arrival: the bytes are joined once per such combination (_made), not per poll."""
    key = (line, id(defaults), id(headers), id(body), keep_alive)
    made = _made.get(key)
    # The objects themselves are kept with the bytes, so an id reused by a new object never matches.
    if made is not None and made[0] is defaults and made[1] is headers and made[2] is body:
        return made[3]
    whole = _join(line, defaults, headers, body, keep_alive)
    if len(_made) >= 64:
        _made.clear()
    _made[key] = (defaults, headers, body, whole)
    return whole


def _join(
    line: bytes, defaults: list[tuple[bytes, bytes]], headers: list[tuple[bytes, bytes]], body: bytes, keep_alive: bool
) -> bytes:
    """The bytes uvicorn's `send` writes for this answer."""
    content = [line]
    for name, value in defaults:
        content += (name, b": ", value, b"\r\n")
    for name, value in headers:
        content += (name, b": ", value, b"\r\n")
    if not keep_alive:
        content.append(b"connection: close\r\n")
    content += (b"\r\n", body)
    return b"".join(content)


def _count(cycle: Any, scope: Any, status: int) -> None:  # noqa: ANN401 - uvicorn's cycle and scope
    """One access-log line per turn of the loop and kind of answer (see the module's docstring)."""
    loop = asyncio.get_running_loop()
    pending = _pending.get(loop)
    if pending is None:
        pending = _pending[loop] = (cycle.access_logger, Counter(), {})
        loop.call_soon(_flush, loop)
    key = (scope["method"], scope["path"], scope["http_version"], status)
    pending[1][key] += 1
    if key not in pending[2]:  # logged when it is the only answer of its kind
        pending[2][key] = get_client_addr(scope)


def _flush(loop: asyncio.AbstractEventLoop) -> None:
    logger, counts, first_clients = _pending.pop(loop)
    for key, count in counts.items():
        method, path, version, status = key
        client = first_clients[key] if count == 1 else f"{count} clients"
        logger.info('%s - "%s %s HTTP/%s" %d', client, method, path, version, status)
