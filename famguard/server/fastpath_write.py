"""The hot write of the API, PATCH /v1/teens/{teen_id}/controls without an Idempotency-Key,
made in front of FastAPI on SQLite when the database can be written at once: the change itself
is controls_write.change_controls — the route's own rule, If-Match check, validation, update,
history and event — run on the event loop on a raw sqlite3 connection (a worker-thread hop, an
ORM session and the scramble of forty threads for one write lock took milliseconds). Changes
that arrive together are made in one BEGIN IMMEDIATE transaction, each inside a savepoint of its
own (so each is all or nothing), and answered after its commit: one commit instead of one per
change (group commit; a commit writes every touched page to the WAL, the biggest single cost).
The answer is the route's own (routes_controls.controls_response).

Anything else goes on to the FastAPI route with the body it sent, untouched: every refusal
(which the route answers with the same code), a request with an Idempotency-Key (its claim is a
transaction of its own, see idempotency.py), a body that is not a JSON object of sensible size,
and a database that is busy this instant (another writer of this process or of another one):
the fast path never waits. create_app(fast_path=False) or FAMGUARD_FAST_PATH=0 leaves it out,
so the tests run every change both ways."""

from __future__ import annotations

import asyncio
import json
import re
from dataclasses import dataclass, field
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from famguard.server.controls_write import change_controls
from famguard.server.routes_controls import ETAG_HEADER_MAX, controls_response
from famguard.server.service import Service
from famguard.server.statements import SqliteStatements

_PATH = re.compile(r"^/v1/teens/([0-9a-f]{32})/controls$")
# A change of every control is well under 2 KiB; larger bodies are the route's to judge.
MAX_FAST_BODY = 16 * 1024
# Changes per transaction: bounds how long one batch holds the event loop (~0.3 ms each).
MAX_BATCH = 32


@dataclass
class _Change:
    teen_id: str
    token: str
    if_match: str
    raw: dict[str, Any]
    answer: asyncio.Future[tuple[str, str] | None] = field(repr=False)


class FastControlsWrite:
    """ASGI middleware; a no-op for every other request and for databases other than SQLite."""

    def __init__(self, app: ASGIApp, service: Service):
        self.app = app
        self.service = service
        # Changes waiting for the next batch, per event loop (tests run several loops at once).
        self._waiting: dict[asyncio.AbstractEventLoop, list[_Change]] = {}
        database = service.db.engine.url.database
        self.enabled = service.db.is_sqlite and bool(database) and database != ":memory:"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "PATCH" and self.enabled:
            match = _PATH.match(scope["path"])
            headers: dict[bytes, bytes] = dict(scope["headers"]) if match else {}
            if match and not scope.get("query_string") and _candidate(headers):
                body, complete = await _read_body(receive)
                answer = await self._change(match.group(1), headers, body) if complete else None
                if answer is not None:
                    await controls_response(*answer)(scope, receive, send)
                    return
                receive = _replaying(body, complete, receive)
        await self.app(scope, receive, send)

    async def _change(self, teen_id: str, headers: dict[bytes, bytes], body: bytes) -> tuple[str, str] | None:
        scheme, _, token = headers.get(b"authorization", b"").decode("latin-1").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return None
        try:
            raw: Any = json.loads(body)
        except ValueError:
            return None
        if not isinstance(raw, dict):
            return None
        loop = asyncio.get_running_loop()
        change = _Change(teen_id, token.strip(), headers[b"if-match"].decode("latin-1"), raw, loop.create_future())
        waiting = self._waiting.setdefault(loop, [])
        waiting.append(change)
        if len(waiting) == 1:  # the first of a batch: the others arriving now join it
            loop.call_soon(self._make_batch, loop)
        return await change.answer

    def _make_batch(self, loop: asyncio.AbstractEventLoop) -> None:
        waiting = self._waiting.pop(loop, [])
        batch, rest = waiting[:MAX_BATCH], waiting[MAX_BATCH:]
        if rest:
            self._waiting[loop] = rest
            loop.call_soon(self._make_batch, loop)
        answers: list[tuple[str, str] | None] = [None] * len(batch)
        published = False
        db = self.service.db
        try:
            with db.try_write_now() as connection:
                if connection is not None:
                    statements = SqliteStatements(connection)
                    now = self.service.now()
                    for index, change in enumerate(batch):
                        connection.execute("SAVEPOINT fast_change")
                        try:
                            body, etag, _actor = change_controls(
                                statements, now, change.token, change.teen_id, change.if_match, change.raw
                            )
                            answers[index] = (body, etag)
                        except Exception:  # noqa: BLE001 - undone; the route meets the same refusal and answers it
                            connection.execute("ROLLBACK TO fast_change")
                        connection.execute("RELEASE fast_change")
                    published = statements.published
        except Exception:  # noqa: BLE001 - nothing was committed: every change goes to the route
            answers, published = [None] * len(batch), False
        if published:
            db.announce_events()
        for change, answer in zip(batch, answers, strict=True):
            if not change.answer.done():  # its client may have gone
                change.answer.set_result(answer)


def _candidate(headers: dict[bytes, bytes]) -> bool:
    """What the fast path can take: JSON, an If-Match the route would accept, no key."""
    content_type = headers.get(b"content-type", b"").split(b";", 1)[0].strip().lower()
    if_match = headers.get(b"if-match", b"")
    return (
        content_type == b"application/json"
        and b"idempotency-key" not in headers
        and 0 < len(if_match) <= ETAG_HEADER_MAX
    )


async def _read_body(receive: Receive) -> tuple[bytes, bool]:
    """The request body, and whether it is all there (False: too large, or the client left)."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"".join(chunks), False
        chunk = message.get("body", b"")
        chunks.append(chunk)
        size += len(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks), True
        if size > MAX_FAST_BODY:
            return b"".join(chunks), False


def _replaying(body: bytes, complete: bool, receive: Receive) -> Receive:
    """A `receive` that gives the route the body already read, then continues the original."""
    pending = True

    async def replay() -> Message:
        nonlocal pending
        if pending:
            pending = False
            return {"type": "http.request", "body": body, "more_body": not complete}
        return await receive()

    return replay
