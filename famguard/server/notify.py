"""Wake-ups for long-polling clients, at no cost while nothing happens: one `EventHub` per
service (per process) is the only thing that looks for new events, never a waiting poll.

On SQLite its thread runs one shared check — "is there an event newer than the last one I
handed out?", an index lookup — and when there is, reads the new events with their recipients
once and hands each waiting poll of a recipient its events directly, on that poll's event loop.
What starts a check: a commit of this process that wrote events (`notify()`, in-process
wake-up), and for other processes' commits a timer (RECHECK_SECONDS). Ids become visible in id
order there (one writer), so "newer than the last id" misses nothing.

On PostgreSQL, where commits of different families run in parallel and ids may become visible
out of order, the hub LISTENs on a connection of its own instead (`_run_listening`), and reads
exactly the events each notification names. After a commit that wrote events, the writer hands
their ids to `announce()`; the hub's sender thread NOTIFYs them (a batch per statement, in a
transaction of its own that need not wait for a WAL flush: the events are durable already) to
every process, this one included. An account's own numbers become visible in order (publish
locks the recipients until commit), but notifications from different processes may arrive in
another order, so a poll takes only an unbroken run of numbers after its cursor and holds the rest
until the gap fills (`Waiter.deliver_numbered`); should a process die between a commit and its
announcement, the polls waiting for that event answer at their timeout and read it themselves.
A poll's first registration waits until the hub listens; a listen connection that was lost
wakes every waiting poll once it listens again, so they read what came meanwhile themselves.

The database stays the only source of truth. A poll registers before it reads its events, so an
event committed after the poll's read reaches it through the hub, and one committed before is in
its read.

A poll may come with a `HandOver` (the SQLite fast path's polls do): the hub then checks the
sign-ins of all the polls it is about to wake in its own thread (one statement per 500 tokens,
`check_tokens`), and the loop's delivery callback writes each signed-in poll's answer right
away, a few hundred per turn of the loop so that other requests are served in between. When one
event wakes ten thousand polls, their answers leave one after another in a tight loop, and only
then does each poll's task resume to clean up; before, each task ran twice (woken, then
checked) before its answer left. A check that fails leaves the verdict to the poll itself.

The loop's hand-out queue (`enqueue`, one FIFO per loop) also takes work that no answer waits
for and that would otherwise be interleaved with the answers (`after_hand_out`: the closes of
connections whose clients have gone). A waiting poll's timeout is a place in a shared slot of
`Deadlines`, not a timer of its own."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import math
import threading
from collections import defaultdict, deque
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Engine, text

from famguard.server.access import utc
from famguard.server.statements import NOTIFY_CHANNEL

RECHECK_SECONDS = 0.25  # SQLite: how soon another process's event is seen
LISTEN_SAFETY_SECONDS = 5.0  # PostgreSQL: how often the listener looks up from its wait (closing)
LISTEN_START_SECONDS = 5.0  # PostgreSQL: how long a poll's registration waits for the listener
MAX_EVENTS = 100  # per answer; the client asks again with the new cursor
_LATEST = "SELECT max(id) FROM events"
# The columns both the poll's own read and the hub's read hand to `event_of`: an event's id as
# its recipient sees it is that recipient's own number for it (`seq`, see statements.py).
EVENT_COLUMNS = "r.seq, e.type, e.teen_id, e.at, e.data"
_NEW_EVENTS = (
    f"SELECT {EVENT_COLUMNS}, r.account_id FROM events e JOIN event_recipients r ON r.event_id = e.id "  # noqa: S608 - constants
    "WHERE e.id > :seen AND e.id <= :latest ORDER BY e.id"
)
# PostgreSQL: the sender's statement (psycopg parameters), and the events a NOTIFY named.
NOTIFY_IDS = 500  # ids per notification (a payload is at most 8,000 bytes)
_NOTIFY_MANY = f"SELECT pg_notify('{NOTIFY_CHANNEL}', p) FROM unnest(CAST(%(payloads)s AS TEXT[])) AS p"  # noqa: S608
_EVENTS_NAMED = (
    f"SELECT {EVENT_COLUMNS}, r.account_id FROM events e JOIN event_recipients r ON r.event_id = e.id "  # noqa: S608 - constants
    "WHERE e.id = ANY(CAST(:ids AS BIGINT[])) ORDER BY r.account_id, r.seq"
)
# A poll's own read, on both paths (routes_family, fastpath_events).
MY_EVENTS_SQL = (
    f"SELECT {EVENT_COLUMNS} FROM event_recipients r JOIN events e ON e.id = r.event_id "  # noqa: S608 - constants
    # ordered by the recipient index's own columns: the first events come without a sort
    f"WHERE r.account_id = :me AND r.seq > :after ORDER BY r.seq LIMIT {MAX_EVENTS}"
)
# The account's latest event number (its cursor now): the events route and its fast path.
LATEST_OF_ACCOUNT_SQL = "SELECT MAX(seq) FROM event_recipients WHERE account_id = :me"
_log = logging.getLogger(__name__)

DEADLINE_GRAIN = 0.05  # seconds: a waiting poll's timeout is shared with those due in the same slot
HAND_OUT_SLICE = 500  # polls answered per turn of the event loop (other requests go in between)
HAND_OUT_CHECK = 500  # sign-ins checked (one statement), then queued, at a time by the hub's thread

Event = dict[str, Any]
# A waiting poll, its events, and its sign-in's verdict at hand-over (None: not checked).
Delivery = tuple["Waiter", list[Event], bool | None]


class HandOver:
    """What the hub does for a poll as it hands it events: checks the sign-in of `token_hash`
    (with all the others woken together) and, when it holds, answers the poll at once with
    `answer(events, cursor)`, which the poll's owner provides by subclassing and which returns
    False when it could not (the poll's task answers then). Slotted, and no closure per poll:
    ten thousand of them wait at once, within the RSS budget of the idle polls."""

    __slots__ = ("answered", "signed_in", "token_hash")

    def __init__(self, token_hash: str):
        self.token_hash = token_hash
        self.signed_in: bool | None = None  # the verdict at hand-over; None: not checked, the poll checks
        self.answered = False

    def answer(self, found: list[Event], cursor: int) -> bool:
        """Writes the poll's answer now; False: not possible here (the poll's task answers)."""
        return False


def event_of(row: Sequence[Any]) -> Event:
    """One event as the API gives it, from a row that starts with EVENT_COLUMNS."""
    return {"id": int(row[0]), "type": row[1], "teen_id": row[2], "at": utc(row[3]), "data": json.loads(row[4])}


class Waiter:
    """One waiting poll of `account_id`: `wait()` returns the events handed to it (those after
    `after`), or [] after `timeout` seconds or when the hub closes. Slotted: ten thousand wait at
    once, within the RSS budget of the idle polls."""

    __slots__ = ("_events", "_held", "_ready", "account_id", "after", "hand_over", "hub", "loop")

    def __init__(self, hub: EventHub, account_id: str, after: int, hand_over: HandOver | None = None):
        self.hub = hub
        self.account_id = account_id
        self.after = after
        self.hand_over = hand_over
        self.loop = asyncio.get_running_loop()
        self._events: list[Event] = []
        self._held: dict[int, Event] | None = None  # PostgreSQL: events that came before a gap filled
        self._ready = self.loop.create_future()

    def deliver(self, events: list[Event], signed_in: bool | None = None) -> None:
        """On the poll's loop: the hub's events for this account (some may be old to it), and
        the verdict on its sign-in if the hub checked it (HandOver)."""
        hand_over = self.hand_over
        if hand_over is not None and hand_over.answered:
            return  # answered already; later events go to the client's next poll
        fresh = [event for event in events if event["id"] > self.after]
        if fresh:
            self._events.extend(fresh)
            if hand_over is not None and signed_in is not None:
                hand_over.signed_in = signed_in
                if signed_in:
                    found = self._events[:MAX_EVENTS]
                    hand_over.answered = hand_over.answer(found, found[-1]["id"])
                    if hand_over.answered:
                        # Its task only cleans up now: it resumes after the other answers of
                        # this hand-out have left, not in between them.
                        enqueue(self.loop, [(Waiter.wake, self)])
                        return
            self.wake()

    def deliver_numbered(self, events: list[Event]) -> None:
        """On the poll's loop, PostgreSQL: the hub's events for this account, in any order; only
        an unbroken run of numbers after the last one taken counts (an account's numbers are
        dense), so a number committed before a later one is never stepped over."""
        last = self._events[-1]["id"] if self._events else self.after
        if self._held is None:
            self._held = {}
        self._held.update((event["id"], event) for event in events if event["id"] > last)
        while last + 1 in self._held:
            last += 1
            self._events.append(self._held.pop(last))
        if self._events:
            self.wake()

    def wake(self) -> None:
        if not self._ready.done():
            self._ready.set_result(None)

    async def wait(self, timeout: float) -> list[Event]:
        deadlines = self.hub.deadlines(self.loop)
        due = deadlines.add(self, timeout)
        try:
            await self._ready
        finally:
            deadlines.discard(self, due)
        return self._events[:MAX_EVENTS]

    def __enter__(self) -> Waiter:
        self.hub.register(self)
        return self

    def __exit__(self, *_exc: object) -> None:
        self.hub.unregister(self)


class Deadlines:
    """The timeouts of the polls waiting on one event loop, in shared buckets of DEADLINE_GRAIN
    seconds (one timer per bucket) rather than a timer each: a timer handle is ~0.5 KiB, ten
    thousand polls wait at once within an RSS budget, and a poll may answer its timeout that
    much later. On the loop's thread only (the hub hands each loop its own)."""

    __slots__ = ("_buckets", "_hub", "_loop", "_timers")

    def __init__(self, hub: EventHub, loop: asyncio.AbstractEventLoop):
        self._hub = hub
        self._loop = loop
        self._buckets: dict[int, set[Waiter]] = {}
        self._timers: dict[int, asyncio.TimerHandle] = {}

    def add(self, waiter: Waiter, timeout: float) -> int:
        """Wakes `waiter` after `timeout` seconds (up to DEADLINE_GRAIN later); returns its bucket."""
        due = math.ceil((self._loop.time() + timeout) / DEADLINE_GRAIN)
        bucket = self._buckets.get(due)
        if bucket is None:
            bucket = self._buckets[due] = set()
            self._timers[due] = self._loop.call_at(due * DEADLINE_GRAIN, self._expire, due)
        bucket.add(waiter)
        return due

    def discard(self, waiter: Waiter, due: int) -> None:
        bucket = self._buckets.get(due)
        if bucket is not None:
            bucket.discard(waiter)
            if not bucket:
                del self._buckets[due]
                self._timers.pop(due).cancel()
                self._hub.forget_deadlines(self._loop, self)

    def _expire(self, due: int) -> None:
        self._timers.pop(due, None)
        for waiter in self._buckets.pop(due, ()):
            waiter.wake()
        self._hub.forget_deadlines(self._loop, self)


class EventHub:
    def __init__(self, engine: Engine, listen: Callable[[], Any] | None = None):
        """`listen`: on PostgreSQL, opens a psycopg connection for LISTEN (None: poll only).
        `check_tokens` (set by whoever registers polls with a HandOver) returns which of the
        given token hashes still sign someone in; it runs in the hub's thread."""
        self._engine = engine
        self._listen = listen
        self._lock = threading.Lock()
        self._waiters: dict[str, set[Waiter]] = defaultdict(set)
        self._poke = threading.Event()
        self._closed = threading.Event()
        self._seen: int | None = None
        self._thread: threading.Thread | None = None
        self._listening = threading.Event()  # PostgreSQL: LISTEN is in place
        self._unheard = False  # PostgreSQL: a poll registered while nothing listened
        self._outbox: list[int] = []  # PostgreSQL: committed event ids not yet announced
        self._outbox_ready = threading.Event()
        self._sender: threading.Thread | None = None
        self._deadlines: dict[asyncio.AbstractEventLoop, Deadlines] = {}  # per loop: its polls' timeouts
        self.checks = 0  # how many shared checks ran (tests look at it)
        self.check_tokens: Callable[[list[str]], set[str]] | None = None
        # Called after each commit that wrote events, on the writer's thread (EventRetention.due).
        self.after_events: Callable[[], None] | None = None

    # --- the polls' side ------------------------------------------------------------------

    def register(self, waiter: Waiter) -> None:
        with self._lock:
            self._waiters[waiter.account_id].add(waiter)
            if self._thread is None and not self._closed.is_set():
                if self._listen is None:
                    self._seen = self._latest()  # before the poll's own read: nothing falls between
                self._thread = threading.Thread(target=self._run, name="famguard-events", daemon=True)
                self._thread.start()
        if self._listen is not None and not self._listening.is_set() and not self._closed.is_set():
            # Before the poll's own read, so that nothing committed after it goes unheard (once per
            # process: later registrations find the listener listening).
            if not self._listening.wait(LISTEN_START_SECONDS):
                self._unheard = True  # woken when the listener listens

    def deadlines(self, loop: asyncio.AbstractEventLoop) -> Deadlines:
        """The shared timeouts of the polls waiting on `loop` (Deadlines)."""
        with self._lock:
            deadlines = self._deadlines.get(loop)
            if deadlines is None:
                deadlines = self._deadlines[loop] = Deadlines(self, loop)
            return deadlines

    def forget_deadlines(self, loop: asyncio.AbstractEventLoop, deadlines: Deadlines) -> None:
        """No poll waits on `loop` any more: its Deadlines go (a loop that has ended is not kept)."""
        with self._lock:
            if not deadlines._buckets and self._deadlines.get(loop) is deadlines:
                del self._deadlines[loop]

    @property
    def waiting(self) -> int:
        """How many polls wait now (tests look at it)."""
        with self._lock:
            return sum(len(group) for group in self._waiters.values())

    def unregister(self, waiter: Waiter) -> None:
        with self._lock:
            waiters = self._waiters.get(waiter.account_id)
            if waiters is not None:
                waiters.discard(waiter)
                if not waiters:
                    del self._waiters[waiter.account_id]

    @property
    def closed(self) -> bool:
        return self._closed.is_set()

    # --- the writers' side ----------------------------------------------------------------

    def notify(self) -> None:
        """A commit of this process wrote events: look now."""
        self._poke.set()
        if self.after_events is not None:
            self.after_events()

    @property
    def listens(self) -> bool:
        """PostgreSQL: events reach the hub through LISTEN/NOTIFY (writers call `announce`)."""
        return self._listen is not None

    def announce(self, event_ids: list[int]) -> None:
        """PostgreSQL: events this process has committed, to be NOTIFYed to every process."""
        with self._lock:
            self._outbox.extend(event_ids)
            if self._sender is None and not self._closed.is_set():
                self._sender = threading.Thread(target=self._run_sender, name="famguard-announce", daemon=True)
                self._sender.start()
        self._outbox_ready.set()
        if self.after_events is not None:
            self.after_events()

    def close(self) -> None:
        """The server stops: every waiting poll answers now (with what it has), and on SQLite the
        check's thread has ended when this returns: it checked once more after the close, and the
        demo's reset, deleting the database next, logged "disk I/O error" (an outside tester)."""
        self._closed.set()
        self._poke.set()
        self._outbox_ready.set()
        self._wake_all()
        thread = self._thread
        if self._listen is None and thread is not None and thread is not threading.current_thread():
            thread.join(timeout=5)  # a check in flight finishes first (one short read)

    def _wake_all(self) -> None:
        """Every waiting poll answers now with what it has (and its client asks again)."""
        with self._lock:
            waiters = [w for group in self._waiters.values() for w in group]
        for waiter in waiters:
            try:
                waiter.loop.call_soon_threadsafe(waiter.wake)
            except RuntimeError:  # its loop has closed already
                pass

    # --- the one check --------------------------------------------------------------------

    def _latest(self) -> int:
        with self._engine.connect() as connection:
            return int(connection.execute(text(_LATEST)).scalar() or 0)

    def _run(self) -> None:
        if self._listen is not None:
            self._run_listening()
            return
        while not self._closed.is_set():
            try:
                self._poke.wait(RECHECK_SECONDS)
                self._poke.clear()
                if self._closed.is_set():
                    break  # woken by close(): the database may be gone next (the demo's reset deletes it)
                self._check()
            except Exception:  # noqa: BLE001 - a database hiccup: look again shortly
                if self._closed.is_set():
                    break  # closed meanwhile: not a hiccup worth a warning
                _log.warning("event check failed; trying again", exc_info=True)
                self._closed.wait(RECHECK_SECONDS)

    def _run_listening(self) -> None:
        """PostgreSQL: hands out the events each NOTIFY names; no reads while nothing happens."""
        assert self._listen is not None
        listener = None
        lost = False
        while not self._closed.is_set():
            try:
                if listener is None:
                    listener = self._listen()
                    listener.execute(f"LISTEN {NOTIFY_CHANNEL}")
                    self._listening.set()
                    if lost or self._unheard:  # notifications may have gone by unheard
                        self._unheard = False
                        self._wake_all()
                # Wakes at the first NOTIFY (or the timeout, to see a close); then takes the burst.
                payloads = [n.payload for n in listener.notifies(timeout=LISTEN_SAFETY_SECONDS, stop_after=1)]
                if payloads:
                    payloads += [n.payload for n in listener.notifies(timeout=0)]
                    ids = [int(name) for payload in payloads for name in payload.split(",") if name.isdigit()]
                    self._hand_out_named(ids)
            except Exception:  # noqa: BLE001 - a database hiccup: reconnect, look again shortly
                _log.warning("listening for events failed; trying again", exc_info=True)
                self._listening.clear()
                if listener is not None:
                    with contextlib.suppress(Exception):  # already broken
                        listener.close()
                    listener = None
                lost = True
                self._closed.wait(RECHECK_SECONDS)
        if listener is not None:
            listener.close()

    def _hand_out_named(self, ids: list[int]) -> None:
        """PostgreSQL: reads the events named and gives each waiting poll of a recipient its own,
        to take in number order (Waiter.deliver_numbered)."""
        self.checks += 1
        with self._lock:
            if not self._waiters:
                return  # nobody waits: nothing to read
        with self._engine.connect() as connection:
            rows = connection.execute(text(_EVENTS_NAMED), {"ids": ids}).all()
        self._hand_out(rows, _deliver_numbered)

    def _run_sender(self) -> None:
        """PostgreSQL: NOTIFYs the ids `announce` collected, a batch per statement, until closed."""
        assert self._listen is not None
        connection = None
        while not self._closed.is_set():
            self._outbox_ready.wait(LISTEN_SAFETY_SECONDS)
            self._outbox_ready.clear()
            with self._lock:
                ids, self._outbox = self._outbox, []
            if not ids:
                continue
            try:
                if connection is None:
                    connection = self._listen()
                    # Only the notification is at stake (the events are committed and durable).
                    connection.execute("SET synchronous_commit = off")
                payloads = [",".join(map(str, ids[n : n + NOTIFY_IDS])) for n in range(0, len(ids), NOTIFY_IDS)]
                connection.execute(_NOTIFY_MANY, {"payloads": payloads})
            except Exception:  # noqa: BLE001 - a database hiccup: reconnect and send them again
                _log.warning("announcing events failed; trying again", exc_info=True)
                if connection is not None:
                    with contextlib.suppress(Exception):  # already broken
                        connection.close()
                    connection = None
                with self._lock:
                    self._outbox[:0] = ids
                self._outbox_ready.set()
                self._closed.wait(RECHECK_SECONDS)
        if connection is not None:
            connection.close()

    def _check(self) -> None:
        self.checks += 1
        latest = self._latest()
        seen = self._seen or 0
        if latest <= seen:
            return
        with self._engine.connect() as connection:
            rows = connection.execute(text(_NEW_EVENTS), {"seen": seen, "latest": latest}).all()
        self._seen = latest
        self._hand_out(rows)

    def _hand_out(self, rows: Sequence[Sequence[Any]], deliver: Callable[[Delivery], None] | None = None) -> None:
        """Gives each waiting poll of a recipient its events (rows: EVENT_COLUMNS, account id),
        through `deliver` on the poll's loop (default: `_deliver_one`). The sign-ins are checked
        HAND_OUT_CHECK at a time, and each batch is queued as soon as it is checked: the loop
        answers the first polls while this thread checks the next ones."""
        by_account: dict[str, list[Event]] = defaultdict(list)
        for row in rows:
            by_account[row[5]].append(event_of(row))
        chosen: list[tuple[Waiter, list[Event]]] = []
        with self._lock:
            for account_id, events in by_account.items():
                chosen.extend((waiter, events) for waiter in self._waiters.get(account_id, ()))
        one = deliver or _deliver_one
        for start in range(0, len(chosen), HAND_OUT_CHECK):
            batch = chosen[start : start + HAND_OUT_CHECK]
            valid = self._signed_in([w.hand_over.token_hash for w, _ in batch if w.hand_over is not None])
            by_loop: dict[asyncio.AbstractEventLoop, list[tuple[Callable[[Delivery], None], Delivery]]] = defaultdict(
                list
            )
            for waiter, events in batch:
                verdict = None if valid is None or waiter.hand_over is None else waiter.hand_over.token_hash in valid
                by_loop[waiter.loop].append((one, (waiter, events, verdict)))
            for loop, calls in by_loop.items():
                enqueue(loop, calls)

    def _signed_in(self, hashes: list[str]) -> set[str] | None:
        """Which of these sign-ins still hold (check_tokens), or None: no verdict, each poll checks."""
        if not hashes or self.check_tokens is None:
            return None
        try:
            return self.check_tokens(list(dict.fromkeys(hashes)))
        except Exception:  # noqa: BLE001 - no verdict: the polls check for themselves, and meet it
            _log.warning("checking the sign-ins of waiting polls failed", exc_info=True)
            return None


def _deliver_one(delivery: Delivery) -> None:
    waiter, events, signed_in = delivery
    waiter.deliver(events, signed_in)


def _deliver_numbered(delivery: Delivery) -> None:
    waiter, events, _signed_in = delivery
    waiter.deliver_numbered(events)


# What each event loop has yet to do of the hand-outs, in order (enqueue, _drain): one FIFO per
# loop, whichever hub filled it, so that a later hand-out never overtakes the rest of an earlier one.
_Call = tuple[Callable[[Any], None], Any]
_fifos: dict[asyncio.AbstractEventLoop, deque[_Call]] = {}
_fifo_lock = threading.Lock()


def enqueue(loop: asyncio.AbstractEventLoop, calls: list[_Call]) -> None:
    """Queues calls (function, argument) for `loop`, which makes them in order, HAND_OUT_SLICE
    per turn. Any thread."""
    with _fifo_lock:
        queue = _fifos.get(loop)
        idle = queue is None
        if queue is None:
            queue = _fifos[loop] = deque()
        queue.extend(calls)
    if idle:
        try:
            loop.call_soon_threadsafe(_drain, loop)
        except RuntimeError:  # that server's loop has closed
            with _fifo_lock:
                _fifos.pop(loop, None)


def after_hand_out(loop: asyncio.AbstractEventLoop, call: Callable[[Any], None], argument: Any) -> bool:  # noqa: ANN401
    """On `loop`: when a hand-out is under way there, queues `call(argument)` behind its answers
    and returns True; else returns False (the caller does it now). For work that no answer
    waits for — closing a connection its client has closed (limits.GuardedHttpProtocol) costs
    the loop about as much as answering a poll, and when one event wakes ten thousand polls,
    their clients' closes would otherwise be interleaved with the answers still to go out."""
    with _fifo_lock:
        queue = _fifos.get(loop)
        if queue is None:
            return False
        queue.append((call, argument))
        return True


def _drain(loop: asyncio.AbstractEventLoop) -> None:
    """On `loop`: the next HAND_OUT_SLICE calls; the rest in the next turn, after the loop has
    looked at its connections (other requests are served in between)."""
    with _fifo_lock:
        queue = _fifos[loop]
        taken = [queue.popleft() for _ in range(min(HAND_OUT_SLICE, len(queue)))]
    for call, argument in taken:
        try:
            call(argument)
        except Exception:  # noqa: BLE001 - one poll's failure must not stop the others' answers
            _log.exception("handing events to a waiting poll failed")
    with _fifo_lock:  # the calls may have queued more (answered polls' late wake-ups)
        more = bool(queue)
        if not more:
            del _fifos[loop]
    if more:
        loop.call_soon(_drain, loop)
