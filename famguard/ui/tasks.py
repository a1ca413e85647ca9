"""The one way the desktop app runs slow work: a function runs on a QThreadPool worker, and its
result or exception comes back to callbacks on the GUI thread.

Why one helper: every network call, keyring access and SQLite transaction goes through here, so
no widget is ever touched from a worker, no exception is silently lost (an error without its own
handler reaches the error reporter, which shows it), and a result that arrives after its widget
is gone is dropped instead of crashing.

Results are handed out a few milliseconds' worth per event-loop turn (`TURN_BUDGET_S`), in the
order they arrived: a sync of 50 teens finishes ~200 tasks within a few hundred milliseconds, and
Qt delivers every result queued by then in one turn, which held the window 80-150 ms without a
paint, a key press or a timer in between (tests/benchmarks/stall_rows.py). `soon()` puts other
GUI-thread work arriving in bursts (the sync engine's notices) in the same queue.
"""

from __future__ import annotations

import itertools
import logging
import time
import traceback
from collections import deque
from collections.abc import Callable
from functools import partial
from typing import Any, TypeVar

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal

log = logging.getLogger(__name__)

# GUI-thread time spent on callbacks per event-loop turn before paints, input and timers get the
# thread back (one frame at 60 Hz is 16 ms; a callback that started always finishes).
TURN_BUDGET_S = 0.006

ErrorReporter = Callable[[BaseException], None]
T = TypeVar("T")


class Task:
    """A handle on one piece of background work; `cancel()` drops its result."""

    def __init__(self, task_id: int, name: str, owner: QObject | None) -> None:
        self.id = task_id
        self.name = name
        self._owner = owner
        self.cancelled = False
        self.done = False

    def cancel(self) -> None:
        """The work itself cannot be interrupted; its callbacks simply never run."""
        self.cancelled = True

    @property
    def wanted(self) -> bool:
        if self.cancelled:
            return False
        return self._owner is None or shiboken6.isValid(self._owner)


class _Job(QRunnable):
    def __init__(self, runner: TaskRunner, task: Task, fn: Callable[[], object]) -> None:
        super().__init__()
        self._runner = runner
        self._task = task
        self._fn = fn

    def run(self) -> None:  # on a worker thread: touch nothing but the signal
        try:
            value = self._fn()
        except BaseException as exc:  # noqa: BLE001 - handed to the GUI thread, never swallowed
            exc.__famguard_traceback__ = traceback.format_exc()  # type: ignore[attr-defined]
            self._hand_over(False, exc)
        else:
            self._hand_over(True, value)

    def _hand_over(self, ok: bool, value: object) -> None:
        try:
            self._runner._finished.emit(self._task.id, ok, value)
        except RuntimeError:  # the runner was deleted (app closing): nobody is left to call back
            log.warning(
                "Result of %s dropped at shutdown%s",
                self._task.name,
                "" if ok else f": {getattr(value, '__famguard_traceback__', repr(value))}",
            )


def default_error_reporter(exc: BaseException) -> None:
    log.error("Unhandled error in background task: %s", getattr(exc, "__famguard_traceback__", repr(exc)))


class TaskRunner(QObject):
    """Runs callables off the GUI thread. Create it on the GUI thread (it lives there, so the
    queued signal delivers results there)."""

    _finished = Signal(int, bool, object)
    task_finished = Signal(int)  # for tests and busy indicators: a task's callbacks have run

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        pool: QThreadPool | None = None,
        error_reporter: ErrorReporter | None = None,
    ) -> None:
        super().__init__(parent)
        self._pool = pool or QThreadPool(self)
        # Long-polls and slow servers must not starve short tasks like a keyring read.
        if pool is None:
            self._pool.setMaxThreadCount(max(16, self._pool.maxThreadCount()))
        self.error_reporter: ErrorReporter = error_reporter or default_error_reporter
        self._ids = itertools.count(1)
        # The callbacks' value type differs per task; each pair was checked against its task in run().
        self._pending: dict[
            int, tuple[Task, Callable[[Any], object] | None, Callable[[BaseException], None] | None]
        ] = {}
        # Results and `soon()` callbacks not handed out yet, oldest first; the turn's time budget.
        self._ready: deque[Callable[[], None]] = deque()
        self._turn_open = False
        self._turn_ends = 0.0
        # A zero-interval timer, not a posted call: Qt runs timers after the posted events of a
        # loop iteration (paints, input), so the next portion waits for them and for due timers.
        self._turn_timer = QTimer(self)
        self._turn_timer.setSingleShot(True)
        self._turn_timer.setInterval(0)
        self._turn_timer.timeout.connect(self._next_turn)
        # Emitted on workers only, so Qt queues it to this object's thread, the GUI thread (naming
        # Qt.ConnectionType.QueuedConnection would create every `Qt` enum: famguard.ui.common).
        self._finished.connect(self._arrived)

    def run(
        self,
        fn: Callable[[], T],
        *,
        on_success: Callable[[T], object] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        owner: QObject | None = None,
        name: str = "",
    ) -> Task:
        """Run `fn()` on a worker; give the task its arguments with functools.partial or a lambda.
        `on_success(value)` or `on_error(exc)` runs on the GUI thread afterwards, unless the task
        was cancelled or `owner` was deleted."""
        named = fn.func if isinstance(fn, partial) else fn
        task = Task(next(self._ids), name or getattr(named, "__name__", "task"), owner)
        self._pending[task.id] = (task, on_success, on_error)
        self._pool.start(_Job(self, task, fn))
        return task

    @property
    def active_count(self) -> int:
        return len(self._pending)

    def wait_for_done(self, msecs: int = 5000) -> bool:
        """Block until every worker is idle (used at shutdown and in tests)."""
        return self._pool.waitForDone(msecs)

    def soon(self, callback: Callable[[], None]) -> None:
        """Call `callback()` on the GUI thread (call this on it) after the results and callbacks
        queued before it, within the per-turn budget. A bug in it is reported like a task's."""
        self._ready.append(partial(self._guarded, callback))
        self._hand_out()

    def _guarded(self, callback: Callable[[], None]) -> None:
        try:
            callback()
        except Exception as exc:  # a bug in a callback must be seen, not lost in Qt's event loop
            exc.__famguard_traceback__ = traceback.format_exc()  # type: ignore[attr-defined]
            self.error_reporter(exc)

    def _arrived(self, task_id: int, ok: bool, value: object) -> None:
        self._ready.append(partial(self._deliver, task_id, ok, value))
        self._hand_out()

    def _hand_out(self) -> None:
        """Run what is queued while this turn's budget lasts; the rest waits for the next turn."""
        if not self._turn_open:
            self._turn_open = True
            self._turn_ends = time.monotonic() + TURN_BUDGET_S
            self._turn_timer.start()
        while self._ready and time.monotonic() < self._turn_ends:
            self._ready.popleft()()

    def _next_turn(self) -> None:
        self._turn_open = False
        if self._ready:
            self._turn_open = True
            self._turn_ends = time.monotonic() + TURN_BUDGET_S
            self._turn_timer.start()
            self._ready.popleft()()  # at least one per turn, however long the last one took
            while self._ready and time.monotonic() < self._turn_ends:
                self._ready.popleft()()

    def _deliver(self, task_id: int, ok: bool, value: object) -> None:
        task, on_success, on_error = self._pending.pop(task_id)
        task.done = True
        try:
            if not task.wanted:
                if not ok:
                    # Nobody is left to show it to, but it must still leave a trace.
                    log.warning(
                        "Error in %s after its window closed: %s",
                        task.name,
                        getattr(value, "__famguard_traceback__", repr(value)),
                    )
                return
            if ok:
                if on_success is not None:
                    on_success(value)
            elif on_error is not None:
                on_error(value)  # type: ignore[arg-type]
            else:
                self.error_reporter(value)  # type: ignore[arg-type]
        except Exception as exc:  # a bug in a callback must be seen, not lost in Qt's event loop
            exc.__famguard_traceback__ = traceback.format_exc()  # type: ignore[attr-defined]
            self.error_reporter(exc)
        finally:
            self.task_finished.emit(task_id)
