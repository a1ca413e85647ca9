"""The hot write of the API, PATCH /v1/teens/{teen_id}/controls, with or without an
Idempotency-Key, made in front of FastAPI on SQLite: the change itself is
controls_write.change_controls — the route's own rule, If-Match check, validation, update,
history and event — and with a key idempotency.keyed_change (the route's key rules, checked and
stored in the change's own transaction), run on the event loop on a raw sqlite3 connection (a
worker-thread hop, an ORM session and the scramble of forty threads for one write lock took
milliseconds). Changes that arrive together are made in one BEGIN IMMEDIATE transaction, each
inside a savepoint of its own (so each is all or nothing), and answered after its commit: one
commit instead of one per change (group commit; a commit writes every touched page to the WAL,
the biggest single cost). The answers are the route's own (routes_controls.controls_response,
errors.error_response for a refusal the rules raise as ApiError), each written to its connection
whole (whole_answers.answer_whole: one write, and the changes answered in one turn of the loop
share the access log's work).

A batch waits for this process's turn to write (write_turns.py: first asked, first served,
route threads and this path alike), so a flood of writes on the route delays it by the writes
queued before it, no more. When another process is writing, the batch is tried again a moment
later instead of going to the route: sending it there made the route's threads queue on the write
lock, which made the next batch find it busy too, and the server stayed on the slow path. A change
that has waited PATIENCE seconds goes to the route, which waits on the busy timeout in a thread.

What goes on to the FastAPI route with the body it sent, untouched: a change of an account this
process saw refused for its write budget in a minute not yet over (write_budget.SpentBudgets; the
route refuses it from a read, where a batch would wait for the writer's turn first), a refusal
that is not an ApiError (a teen who turned 18: the route ends the links), a key whose first
request is still running (409) or was used for another body (422), a body that is not a JSON
object of sensible size, repeated headers, anything unusual. create_app(fast_path=False) or
FAMGUARD_FAST_PATH=0 leaves the fast path out, so the tests run every change both ways."""

from __future__ import annotations

import asyncio
import json
import re
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from famguard.server.controls_write import change_controls
from famguard.server.errors import ApiError, error_response
from famguard.server.fastpath import first_values
from famguard.server.idempotency import fingerprint, keyed_change
from famguard.server.routes_controls import ETAG_HEADER_MAX, KEY_MAX, controls_response, replay_response
from famguard.server.service import Service
from famguard.server.statements import SqliteStatements
from famguard.server.whole_answers import answer_whole
from famguard.server.write_budget import BudgetSpent

_PATH = re.compile(r"^/v1/teens/([0-9a-f]{32})/controls$")
# A change of every control is well under 2 KiB; larger bodies are the route's to judge.
MAX_FAST_BODY = 16 * 1024
# Changes per transaction: bounds how long one batch holds the event loop (~0.3 ms each).
MAX_BATCH = 32
RETRY_SECONDS = 0.002  # the database was busy: look again this soon
PATIENCE = 1.0  # a change that waited this long for the database goes to the route
# Headers the fast path reads; a request repeating one goes to the route (which reads the first).
_READ_HEADERS = (b"authorization", b"if-match", b"idempotency-key", b"content-type")


@dataclass
class _Change:
    teen_id: str
    token: str
    if_match: str
    raw: dict[str, Any]
    key: str | None  # the Idempotency-Key, and the fingerprint of this request for it
    digest: str | None
    queued_at: float
    answer: asyncio.Future[Response | None] = field(repr=False)


@dataclass
class _Queue:
    """The changes of one event loop waiting for the next batch (tests run several loops)."""

    waiting: list[_Change] = field(default_factory=list)
    scheduled: bool = False


class FastControlsWrite:
    """ASGI middleware; a no-op for every other request and for databases other than SQLite."""

    def __init__(self, app: ASGIApp, service: Service):
        self.app = app
        self.service = service
        self._queues: dict[asyncio.AbstractEventLoop, _Queue] = {}
        database = service.db.engine.url.database
        self.enabled = service.db.is_sqlite and bool(database) and database != ":memory:"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "PATCH" and self.enabled:
            match = _PATH.fullmatch(scope["path"])
            headers = first_values(scope["headers"]) if match else {}
            if match and not scope.get("query_string") and _candidate(scope["headers"], headers):
                body, complete = await _read_body(receive)
                answer = await self._change(scope["path"], match.group(1), headers, body) if complete else None
                if answer is not None:
                    # The route's answer, in one write past uvicorn's per-message `send` when the
                    # connection allows it (whole_answers.py); the same bytes either way.
                    if not answer_whole(scope, answer.status_code, answer.raw_headers, bytes(answer.body)):
                        await answer(scope, receive, send)
                    return
                receive = _replaying(body, complete, receive)
        await self.app(scope, receive, send)

    async def _change(self, path: str, teen_id: str, headers: dict[bytes, bytes], body: bytes) -> Response | None:
        scheme, _, token = headers.get(b"authorization", b"").decode("latin-1").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return None
        if self.service.spent_until(token.strip()) is not None:
            return None  # the route refuses it from a read, without waiting for the writer's turn
        try:
            raw: Any = json.loads(body)
        except ValueError:
            return None
        if not isinstance(raw, dict):
            return None
        key = headers[b"idempotency-key"].decode("latin-1") if b"idempotency-key" in headers else None
        loop = asyncio.get_running_loop()
        change = _Change(
            teen_id,
            token.strip(),
            headers[b"if-match"].decode("latin-1"),
            raw,
            key,
            fingerprint("PATCH", path, raw) if key is not None else None,
            loop.time(),
            loop.create_future(),
        )
        queue = self._queues.setdefault(loop, _Queue())
        queue.waiting.append(change)
        if not queue.scheduled:  # the first of a batch: the others arriving now join it
            queue.scheduled = True
            loop.call_soon(self._make_batch, loop)
        return await change.answer

    def _make_batch(self, loop: asyncio.AbstractEventLoop) -> None:
        """The next batch once this process's turn to write comes: at once when no route's
        thread holds the write lock or waits for it, else after those who asked first (changes
        arriving meanwhile join the batch)."""
        turns = self.service.db.write_turns
        holder = turns.take_now()
        if holder is None:
            turns.wait_turn(loop).add_done_callback(partial(self._batch_in_turn, loop))
        else:
            self._write_batch(loop, holder)

    def _batch_in_turn(self, loop: asyncio.AbstractEventLoop, turn: asyncio.Future[object]) -> None:
        if not turn.cancelled():  # only when its loop is going away
            self._write_batch(loop, turn.result())

    def _write_batch(self, loop: asyncio.AbstractEventLoop, holder: object) -> None:
        queue = self._queues[loop]
        queue.scheduled = False
        batch = queue.waiting[:MAX_BATCH]
        del queue.waiting[:MAX_BATCH]
        try:
            answers = self._write(batch)
        finally:
            self.service.db.write_turns.release(holder)
        if answers is None:  # another process is writing this instant
            now = loop.time()
            late = [change for change in batch if now - change.queued_at >= PATIENCE]
            for change in late:
                if not change.answer.done():
                    change.answer.set_result(None)  # the route waits for it in a thread
            queue.waiting[:0] = [change for change in batch if change not in late]
            if queue.waiting:
                queue.scheduled = True
                loop.call_later(RETRY_SECONDS, self._make_batch, loop)
            return
        for change, answer in zip(batch, answers, strict=True):
            if not change.answer.done():  # its client may have gone
                change.answer.set_result(answer)
        if queue.waiting and not queue.scheduled:
            queue.scheduled = True
            loop.call_soon(self._make_batch, loop)

    def _write(self, batch: list[_Change]) -> list[Response | None] | None:
        """Makes the changes in one transaction, this process's turn to write held; each one's
        answer (None: the route's to answer, having written nothing), or None when another
        process is writing."""
        answers: list[Response | None] = [None] * len(batch)
        published = False
        db = self.service.db
        try:
            with db.try_write_now() as connection:
                if connection is None:
                    return None
                statements = SqliteStatements(connection)
                now = self.service.now()
                for index, change in enumerate(batch):
                    connection.execute("SAVEPOINT fast_change")
                    try:
                        answers[index] = _made(statements, now, change)
                    except ApiError as refused:  # undone; answered as the route's handler does
                        connection.execute("ROLLBACK TO fast_change")
                        answers[index] = error_response(refused)
                        if isinstance(refused, BudgetSpent):  # the next ones are the route's, from a read
                            self.service.spent.remember(change.token, refused, now)
                    except Exception:  # noqa: BLE001 - undone; the route meets the same case and answers it
                        connection.execute("ROLLBACK TO fast_change")
                    connection.execute("RELEASE fast_change")
                published = statements.published
        except Exception:  # noqa: BLE001 - nothing was committed: every change goes to the route
            answers, published = [None] * len(batch), False
        if published:
            db.announce_events()
        return answers


def _made(statements: SqliteStatements, now: Any, change: _Change) -> Response:  # noqa: ANN401 - a datetime
    """One change in the batch's transaction, and its answer (raises what the rules raise)."""
    if change.key is None:
        body, etag, _actor = change_controls(statements, now, change.token, change.teen_id, change.if_match, change.raw)
        return controls_response(body, etag)
    assert change.digest is not None
    replay = keyed_change(
        statements, now, change.token, change.teen_id, change.if_match, change.raw, change.key, change.digest
    )
    return replay_response(replay)


def _candidate(raw_headers: list[tuple[bytes, bytes]], headers: dict[bytes, bytes]) -> bool:
    """What the fast path can take: JSON, an If-Match and a key the route would accept, and
    none of the headers it reads given twice."""
    content_type = headers.get(b"content-type", b"").split(b";", 1)[0].strip().lower()
    if_match = headers.get(b"if-match", b"")
    key = headers.get(b"idempotency-key")
    return (
        content_type == b"application/json"
        and 0 < len(if_match) <= ETAG_HEADER_MAX
        and (key is None or 0 < len(key) <= KEY_MAX)
        and sum(1 for name, _ in raw_headers if name in _READ_HEADERS) == sum(1 for n in _READ_HEADERS if n in headers)
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
