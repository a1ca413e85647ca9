"""Wake-ups for long-polling clients. A commit that wrote events calls `notify()`; every waiting
poll in this process (any server thread, any event loop) wakes and re-reads the database. The
database stays the only source of truth: a wake-up is a hint to look, and a waiter also looks
once a second on its own so that a change committed by another process is seen in time."""

from __future__ import annotations

import asyncio
import threading

FALLBACK_RECHECK_SECONDS = 1.0


class Waiter:
    """One poll's registration; `wait()` returns when notified or after `timeout` seconds."""

    def __init__(self, notifier: Notifier):
        self._notifier = notifier
        self._loop = asyncio.get_running_loop()
        self._event = asyncio.Event()

    def wake(self) -> None:
        self._loop.call_soon_threadsafe(self._event.set)

    def clear(self) -> None:
        self._event.clear()

    async def wait(self, timeout: float) -> None:
        try:
            await asyncio.wait_for(self._event.wait(), timeout)
        except TimeoutError:
            pass

    def __enter__(self) -> Waiter:
        self._notifier.register(self)
        return self

    def __exit__(self, *_exc: object) -> None:
        self._notifier.unregister(self)


class Notifier:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._waiters: set[Waiter] = set()

    def register(self, waiter: Waiter) -> None:
        with self._lock:
            self._waiters.add(waiter)

    def unregister(self, waiter: Waiter) -> None:
        with self._lock:
            self._waiters.discard(waiter)

    def notify(self) -> None:
        with self._lock:
            waiters = list(self._waiters)
        for waiter in waiters:
            try:
                waiter.wake()
            except RuntimeError:  # its event loop has closed: that server stopped
                self.unregister(waiter)


# One per process: servers on the same database in different threads of one process wake each
# other's polls; a spurious wake-up only costs one small query.
NOTIFIER = Notifier()
