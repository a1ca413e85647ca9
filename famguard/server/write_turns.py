"""The order in which this process's writers get SQLite's one write lock: first asked, first
served, whether the writer is a route's worker thread (which blocks) or the event loop's fast
write path (fastpath_write.py, which must never block and is told on the loop when its turn comes).

Why a queue and not a lock: with a plain lock, the threads blocked on it are woken when it is
released and one of them takes it at once, while the event loop can only look now and again;
under a flood of route writes (a phone posting usage reports from four connections) the fast path
found the lock taken at almost every look, and another family's change waited up to its patience
(1 s) before going to the route (README, known limits). Here a released turn is handed to the
writer that asked first, so a change on the fast path waits for the writes queued before it and no
more. Other processes still meet SQLite's own lock (busy timeout, or the fast path's retry).

A turn handed to an event loop is taken on that loop; a loop that has stopped running (a server
stopping) never takes it, so a thread that waits finds that out and passes it on rather than wait
for ever (the database file may outlive the server: the tests and the demo start another one)."""

from __future__ import annotations

import asyncio
import threading
from collections import deque
from dataclasses import dataclass

# How often a waiting thread looks whether the turn went to an event loop that no longer runs.
STUCK_CHECK_SECONDS = 0.25


@dataclass(frozen=True)
class _LoopTurn:
    """A turn asked for on an event loop: `holder` is what owns the lock once it is handed over."""

    loop: asyncio.AbstractEventLoop
    future: asyncio.Future[object]
    holder: object


class WriteTurns:
    """The write lock of one database file in this process, handed out in the order asked.

    A thread takes it with `acquire()` (blocking, re-entrant for that thread) and gives it back
    with `release()`; the event loop takes it at once with `take_now()` when nobody holds or waits
    for it, else asks with `wait_turn()` and gives it back with `release(holder)`."""

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._holder: object | None = None  # a thread's ident, or a loop turn's holder object
        self._handed_to: _LoopTurn | None = None  # the loop turn that holds it, until that loop takes it
        self._depth = 0
        self._waiting: deque[tuple[int, threading.Event] | _LoopTurn] = deque()

    @property
    def waiting(self) -> int:
        """How many writers wait for the lock now."""
        with self._guard:
            return len(self._waiting)

    def acquire(self) -> None:
        """Blocks until this thread holds the lock. Never on an event loop's thread: its turn
        might be handed to a loop waiter that this very loop would have to run."""
        me = threading.get_ident()
        with self._guard:
            if self._holder == me:
                self._depth += 1
                return
            if self._holder is None and not self._waiting:
                self._holder, self._depth = me, 1
                return
            _refuse_on_a_loop()
            handed = threading.Event()
            self._waiting.append((me, handed))
        while not handed.wait(STUCK_CHECK_SECONDS):  # release() makes this thread the holder, then sets it
            self._pass_on_if_stuck()

    def __enter__(self) -> None:
        self.acquire()

    def __exit__(self, *_exc: object) -> None:
        self.release()

    def take_now(self) -> object | None:
        """For the event loop: the lock's holder object if it was free and nobody waited for it,
        else None (then `wait_turn`)."""
        with self._guard:
            if self._holder is None and not self._waiting:
                self._holder, self._depth = object(), 1
                return self._holder
        return None

    def wait_turn(self, loop: asyncio.AbstractEventLoop) -> asyncio.Future[object]:
        """For the event loop: a future that gets the holder object when this turn comes (after
        everyone who asked before). Whoever gets it must `release(holder)`; a turn whose future
        was cancelled meanwhile is given back on its own."""
        future: asyncio.Future[object] = loop.create_future()
        with self._guard:
            if self._holder is None and not self._waiting:
                self._holder, self._depth = object(), 1
                future.set_result(self._holder)
            else:
                self._waiting.append(_LoopTurn(loop, future, object()))
        return future

    def release(self, holder: object | None = None) -> None:
        """Gives the lock back: a thread without `holder`, the event loop with the holder object
        it was given."""
        with self._guard:
            expected = threading.get_ident() if holder is None else holder
            if self._holder != expected:
                raise RuntimeError("the write lock was released by someone who does not hold it")
            self._depth -= 1
            if self._depth == 0:
                self._hand_on()

    def _hand_on(self) -> None:
        """Under the guard: the lock to the first writer still waiting, or free."""
        self._handed_to = None
        while self._waiting:
            waiter = self._waiting.popleft()
            if isinstance(waiter, _LoopTurn):
                if waiter.future.done():  # cancelled while it waited
                    continue
                self._holder, self._depth, self._handed_to = waiter.holder, 1, waiter
                try:
                    waiter.loop.call_soon_threadsafe(self._deliver, waiter)
                except RuntimeError:  # that loop has closed: nobody will take this turn
                    continue
                return
            thread, handed = waiter
            self._holder, self._depth = thread, 1
            handed.set()
            return
        self._holder, self._depth = None, 0

    def _deliver(self, waiter: _LoopTurn) -> None:
        """On the waiter's loop: its turn, or the lock given back if nobody waits for it now. If a
        thread passed the turn on while this loop was not running, the waiter is first in line
        again."""
        with self._guard:
            if self._holder is not waiter.holder:
                if not waiter.future.done():
                    self._waiting.appendleft(waiter)
                    if self._holder is None:
                        self._hand_on()
                return
            self._handed_to = None
        if waiter.future.done():
            self.release(waiter.holder)
        else:
            waiter.future.set_result(waiter.holder)

    def _pass_on_if_stuck(self) -> None:
        """A waiting thread's look: a turn handed to a loop that is not running (stopped, or
        closed before it ran the hand-over) goes to the next writer."""
        with self._guard:
            stuck = self._handed_to
            if stuck is not None and (stuck.loop.is_closed() or not stuck.loop.is_running()):
                self._hand_on()


def _refuse_on_a_loop() -> None:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return  # a worker thread, as it should be
    raise RuntimeError("a blocking database write on the event loop: run it in a worker thread")
