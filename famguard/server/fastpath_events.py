"""The long poll, GET /v1/events?after=N[&wait=S], taken in front of FastAPI on SQLite: the
route's own authentication rule (access.AUTH_SQL's row, with the account's latest event number
in the same read: access.POLL_AUTH_SQL, and access.token_refusal, as Service.authenticate runs
them), the route's own read (notify.MY_EVENTS_SQL) and its own wait
(routes_family.wait_for_events), with the reads inline on the event loop (an indexed read takes
tens of microseconds, less than the two worker-thread hops and ORM sessions of the route). Ten
thousand phones opening their polls at once then cost two reads each, not a queue of thread
hops that holds up every other request, and a waiting poll holds no FastAPI request state.
Whatever is unusual (no `after`, a parameter the route would refuse or that it does not expect,
a refused token, any error) goes on to the FastAPI route, which answers it.
create_app(fast_path=False) or FAMGUARD_FAST_PATH=0 leaves this out.

When one event wakes thousands of polls at once, what each costs decides how long the last one
waits. The polls register with a `HandOver` (notify.py): the event hub checks the sign-ins of
all the polls it wakes in its own thread (a token revoked or expired meanwhile delivers
nothing: `SignInChecks.valid`, the same rule, token_refusal, over the same joins, one statement
per 500 tokens), and the loop writes each signed-in poll's answer at once, in one write
(whole_answers.py); the answer's body is serialised once for all the polls woken together. If
the hub could not check, the poll checks for itself (`SignInChecks.still_signed_in`, batched
the same way) and answers as before."""

from __future__ import annotations

import asyncio
import math
from urllib.parse import parse_qsl

from starlette.types import ASGIApp, Receive, Scope, Send

from famguard.server.access import AUTH_ACCOUNT_ID, POLL_AUTH_SQL, POLL_LATEST, token_refusal, tokens_check_sql
from famguard.server.fastpath import first_values
from famguard.server.notify import MY_EVENTS_SQL, Event, HandOver, event_of
from famguard.server.routes_family import MAX_ID, MAX_WAIT_SECONDS, events_out, missed_before, wait_for_events
from famguard.server.security import token_hash
from famguard.server.service import Service
from famguard.server.whole_answers import answer_whole


class FastEventsPoll:
    """ASGI middleware; a no-op for every other request and for databases other than SQLite."""

    def __init__(self, app: ASGIApp, service: Service):
        self.app = app
        self.service = service
        self._bodies: dict[tuple[object, ...], tuple[bytes, list[tuple[bytes, bytes]]]] = {}
        self._signins = SignInChecks(service)
        if service.db.is_sqlite:
            service.notifier.check_tokens = self._signins.valid

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] == "http"
            and scope["method"] == "GET"
            and scope["path"] == "/v1/events"
            and self.service.db.is_sqlite
        ):
            query = _query(scope.get("query_string", b""))
            # (No dict of the headers in this frame: it would stay alive while the poll waits.)
            signed_in = self._account(scope) if query is not None else None
            account_id, hashed, latest = signed_in or (None, "", 0)
            # A cursor this account has had; the route answers any other (it restarts at now).
            if query is not None and account_id is not None and query[0] <= latest:
                after, wait = query
                # The hub checks the sign-in and answers at hand-over (notify.HandOver).
                hand_over = _PollHandOver(hashed, self, scope, account_id, after)
                polled = await wait_for_events(
                    self.service, account_id, after, wait, hand_over.read, hand_over.still_signed_in, scope, hand_over
                )
                if hand_over.answered:
                    return
                if polled is not None:
                    # What starlette's Response(body, media_type="application/json") sends, in one
                    # write when the connection allows it (whole_answers.py).
                    body, head = self._body(account_id, *polled, after)
                    if not answer_whole(scope, 200, head, body, shared=True):
                        await send({"type": "http.response.start", "status": 200, "headers": head})
                        await send({"type": "http.response.body", "body": body})
                    return
                # The sign-in ended while the poll waited: the route answers that refusal (401).
        await self.app(scope, receive, send)

    def _body(
        self, account_id: str, found: list[Event], cursor: int, after: int
    ) -> tuple[bytes, list[tuple[bytes, bytes]]]:
        """The route's answer (routes_family.events_out) and its headers, serialised once for all
        the polls of one account that an event wakes together (events never change, so the
        account, their ids — the account's own numbers: another account has the same numbers for
        other events —, the cursor and whether some before them were missed name it; the same
        objects each time also let answer_whole reuse its bytes)."""
        key = (account_id, *(event["id"] for event in found), cursor, missed_before(found, after))
        answer = self._bodies.get(key)
        if answer is None:
            if len(self._bodies) >= 256:
                self._bodies.clear()
            body = events_out(found, cursor, after).model_dump_json().encode()
            answer = self._bodies[key] = (body, _headers(len(body)))
        return answer

    def _account(self, scope: Scope) -> tuple[str, str, int] | None:
        """The signed-in account, its token's hash and its latest event number (one read), or
        None (the route answers the refusal)."""
        headers = first_values(scope["headers"])
        scheme, _, token = headers.get(b"authorization", b"").decode("latin-1").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return None
        hashed = token_hash(token.strip())
        try:
            row = self.service.db.inline_query(POLL_AUTH_SQL, {"h": hashed})
        except Exception:  # noqa: BLE001 - the route meets the same problem and reports it
            return None
        if token_refusal(row, self.service.now()) is not None:
            return None
        assert row is not None  # token_refusal refuses a missing row
        return str(row[AUTH_ACCOUNT_ID]), hashed, int(row[POLL_LATEST] or 0)


class _PollHandOver(HandOver):
    """A fast-path poll: its own read, its own sign-in check if the hub made none, and its answer
    at hand-over, written whole (whole_answers.py). One slotted object per waiting poll, not
    a closure for each of those (ten thousand polls wait within an RSS budget)."""

    __slots__ = ("account_id", "after", "owner", "scope")

    def __init__(self, token_hash: str, owner: FastEventsPoll, scope: Scope, account_id: str, after: int):
        super().__init__(token_hash)
        self.owner = owner
        self.scope = scope
        self.account_id = account_id
        self.after = after

    async def read(self) -> list[Event]:
        rows = self.owner.service.db.inline_rows(MY_EVENTS_SQL, {"me": self.account_id, "after": self.after})
        return [event_of(row) for row in rows]

    async def still_signed_in(self) -> bool:
        return await self.owner._signins.still_signed_in(self.token_hash)

    def answer(self, found: list[Event], cursor: int) -> bool:
        body, headers = self.owner._body(self.account_id, found, cursor, self.after)
        return answer_whole(self.scope, 200, headers, body, shared=True)


class SignInChecks:
    """The delivery-time check of every poll woken by one hand-over, as one statement per 500
    tokens: the polls resume one after another in one turn of the event loop, each asks here,
    and the first schedules the check for the next turn, when all of them have asked."""

    CHUNK = 500  # tokens per statement (SQLite allows 32,766 parameters; plans stay small)

    def __init__(self, service: Service):
        self.service = service
        self._asked: dict[asyncio.AbstractEventLoop, dict[str, list[asyncio.Future[bool]]]] = {}

    async def still_signed_in(self, hashed: str) -> bool:
        loop = asyncio.get_running_loop()
        asked = self._asked.get(loop)
        if asked is None:
            asked = self._asked[loop] = {}
            loop.call_soon(self._check, loop)
        answer: asyncio.Future[bool] = loop.create_future()
        asked.setdefault(hashed, []).append(answer)
        return await answer

    def valid(self, hashes: list[str]) -> set[str]:
        """Which of these token hashes still sign someone in (any thread; the event hub asks
        from its own, for the polls it is about to wake: notify.HandOver)."""
        valid: set[str] = set()
        now = self.service.now()
        for start in range(0, len(hashes), self.CHUNK):
            chunk = hashes[start : start + self.CHUNK]
            params = {f"h{n}": hashed for n, hashed in enumerate(chunk)}
            for row in self.service.db.inline_rows(tokens_check_sql(len(chunk)), params):
                if token_refusal(row, now) is None:
                    valid.add(row[3])
        return valid

    def _check(self, loop: asyncio.AbstractEventLoop) -> None:
        asked = self._asked.pop(loop)
        try:
            valid = self.valid(list(asked))
        except Exception:  # noqa: BLE001 - no verdict: those polls go to the route, which checks again
            valid = set()
        for hashed, answers in asked.items():
            for answer in answers:
                if not answer.done():
                    answer.set_result(hashed in valid)


def _headers(length: int) -> list[tuple[bytes, bytes]]:
    return [(b"content-length", str(length).encode()), (b"content-type", b"application/json")]


def _query(raw: bytes) -> tuple[int, float] | None:
    """`after` and `wait` when they are exactly what the route accepts, else None."""
    try:
        pairs = parse_qsl(raw.decode("ascii"), keep_blank_values=True, strict_parsing=True)
    except (UnicodeDecodeError, ValueError):
        return None
    values = dict(pairs)
    if len(values) != len(pairs) or not set(values) <= {"after", "wait"} or "after" not in values:
        return None
    after_text, wait_text = values["after"], values.get("wait", "0")
    if not after_text.isascii() or not after_text.isdigit() or int(after_text) > MAX_ID:
        return None
    try:
        wait = float(wait_text)
    except ValueError:
        return None
    if not math.isfinite(wait) or not 0 <= wait <= MAX_WAIT_SECONDS or not _plain_number(wait_text):
        return None
    return int(after_text), wait


def _plain_number(text: str) -> bool:
    """ASCII digits with at most one point (what every client sends); anything fancier the route
    judges. ASCII: float() and str.isdigit() also read other scripts' digits ("١", "𝟏"), which
    the route's parameter refuses (400), so the fast path answered what the route refused."""
    whole, _, fraction = text.partition(".")
    return text.isascii() and whole.isdigit() and (fraction == "" or fraction.isdigit())
