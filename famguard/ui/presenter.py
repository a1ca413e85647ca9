"""The base of every presenter: it tracks the signal connections it makes (all dropped by
`close()`, so a closed presenter never hears from the window again) and runs background work
through the TaskRunner with itself as owner and a default failure handling chosen by the error's
kind (famguard.domain.errors.ErrorKind):

- a bug is reported (the error window with its details);
- offline shows the offline banner;
- a refusal, a conflict or a local failure is said in a notice, in the error's own words;
- a sign-in that ended says nothing here: the session's "signed_out" notice ends it, once.

A presenter may pass its own `on_failure` (a parent presenter's handler) to change that for all
its work, or `on_error` to one call."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol, TypeVar

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QWidget

from famguard.domain.errors import ErrorKind, kind_of, user_message
from famguard.ui.tasks import Task, TaskRunner

if TYPE_CHECKING:
    from PySide6.QtCore import SignalInstance

    from famguard.ui.main_window import MainWindow

log = logging.getLogger(__name__)
T = TypeVar("T")
FailureHandler = Callable[[BaseException], None]


class TeenScreen(Protocol):
    """A presenter of one of the selected teen's pages (the family presenter keeps a list)."""

    def show(self, teen_id: str) -> None:
        """The guardian selected this teen: show what is known, ask the server for the rest."""
        ...

    def close(self) -> None: ...


class Presenter(QObject):
    """Wiring between views and services for one thing a parent looks at."""

    def __init__(self, window: MainWindow, tasks: TaskRunner, *, on_failure: FailureHandler | None = None) -> None:
        super().__init__(window)
        self.window = window
        self.tasks = tasks
        self.closed = False
        self._on_failure = on_failure
        self._connections: list[tuple[SignalInstance, Callable[..., object]]] = []
        self._in_flight: set[tuple[str, str | None]] = set()
        self._reading: set[tuple[str, str | None]] = set()  # run_latest reads on a worker now
        self._stale: set[tuple[str, str | None]] = set()  # ... asked for again meanwhile

    def track(self, signal: SignalInstance, slot: Callable[..., object]) -> None:
        """Connect `slot` to `signal` until `close()` (`...`: a slot takes that signal's arguments)."""
        signal.connect(slot)
        self._connections.append((signal, slot))

    def when_built(self, name: str, wire: Callable[[QWidget], None]) -> None:
        """Call `wire(page)` once the window's page `name` exists: now if it was built already,
        else when it is first shown. A page is built on its first showing, not when the family
        opens: building them all at once held the GUI thread for up to ~125 ms. (`wire` imports
        the page's class itself: its module is loaded by then, and not before.)"""
        page = self.window.built_page(name)
        if page is not None:
            wire(page)
            return

        def built(built_name: str) -> None:
            if built_name == name and not self.closed:
                wire(self.window.page(name, QWidget))

        self.track(self.window.page_built, built)

    def run(
        self,
        fn: Callable[[], T],
        on_success: Callable[[T], object] | None = None,
        *,
        on_error: FailureHandler | None = None,
        owner: QObject | None = None,
        name: str = "",
    ) -> Task:
        """Run `fn()` on a worker; its callbacks run on the GUI thread while this presenter (and
        `owner`, a view the result is for) is alive and open. Failures without `on_error` go to
        `failed`."""

        def succeeded(value: T) -> None:
            if not self.closed and on_success is not None:
                on_success(value)

        def failed(exc: BaseException) -> None:
            if not self.closed:
                (on_error or self.failed)(exc)
            elif kind_of(exc) is ErrorKind.BUG:
                self.tasks.error_reporter(exc)  # never swallow a bug, even after closing

        return self.tasks.run(fn, on_success=succeeded, on_error=failed, owner=owner or self, name=name)

    def run_once(
        self,
        key: tuple[str, str | None],
        fn: Callable[[], T],
        on_success: Callable[[T], object],
        on_error: FailureHandler | None = None,
    ) -> None:
        """Ask the server for `key` (what, which teen) unless such a request is in flight already.
        (The notice the services send after a refresh only makes the cache be re-read.)"""
        if key in self._in_flight:
            return
        self._in_flight.add(key)

        def succeeded(value: T) -> None:
            self._in_flight.discard(key)
            on_success(value)

        def failed(exc: BaseException) -> None:
            self._in_flight.discard(key)
            (on_error or self.failed)(exc)

        self.run(fn, succeeded, on_error=failed, name=f"refresh {key[0]}")

    def run_latest(
        self, key: tuple[str, str | None], fn: Callable[[], T], on_success: Callable[[T], object], *, name: str = ""
    ) -> None:
        """Re-read `key` (what, which teen) from the cache, at most one such read at a time: any
        number asked for while one is on a worker make one more read after it (whose answer then
        follows the first). A sync of 50 teens sends each teen's screens three or four notices in
        a second; reading and showing each of them separately kept the workers and the window busy."""
        if key in self._reading:
            self._stale.add(key)
            return
        self._reading.add(key)

        def again() -> None:
            self._reading.discard(key)
            if key in self._stale and not self.closed:
                self._stale.discard(key)
                self.run_latest(key, fn, on_success, name=name)

        def succeeded(value: T) -> None:
            try:
                on_success(value)  # shown at once: newer than what is on screen, if not the newest
            finally:
                again()

        def failed(exc: BaseException) -> None:
            try:
                self.failed(exc)
            finally:
                again()

        self.run(fn, succeeded, on_error=failed, name=name)

    def failed(self, exc: BaseException) -> None:
        """What a failure of this presenter's work tells the parent (see the module docstring)."""
        if self._on_failure is not None:
            self._on_failure(exc)
            return
        show_failure(self.window, self.tasks, exc)

    def failed_and_said(self, exc: BaseException) -> str:
        """`failed`, and the words the window's notice bar says of it ("": it says nothing). A
        later success of the same work takes them back (`take_back`): shown under its
        confirmation, they came back when that was dismissed ("✗ Could not save a.csv" after the
        file was saved elsewhere: an outside tester)."""
        self.failed(exc)
        notice = self.window.notice
        return notice.text() if notice.isVisible() else ""

    def take_back(self, failure_said: str) -> None:
        """A failure's words (`failed_and_said`) leave the notice bar, shown or covered."""
        if failure_said:
            self.window.withdraw_notice(failure_said)

    def close(self) -> None:
        """Drop every tracked connection; callbacks of work still running are ignored."""
        self.closed = True
        while self._connections:
            signal, slot = self._connections.pop()
            try:
                signal.disconnect(slot)
            except (RuntimeError, TypeError):  # the view went first: nothing left to disconnect
                pass
        self.deleteLater()


def show_failure(window: MainWindow, tasks: TaskRunner, exc: BaseException) -> None:
    """The default answer to a failure, chosen by its kind."""
    kind = kind_of(exc)
    if kind is ErrorKind.BUG:
        tasks.error_reporter(exc)
    elif kind is ErrorKind.SIGNED_OUT:
        log.info("Sign-in ended: %s", exc)
    elif kind is ErrorKind.OFFLINE:
        from famguard.api.errors import service_problem  # loaded by the services already

        log.info("Offline: %s", exc)
        # Where the service answered before and nothing answers now, it has stopped: the parent's
        # connection is fine, and "You are offline" sent them to check it (an outside tester).
        stopped = user_message(exc) if service_problem(exc) else None
        window.offline_banner.set_offline(True, 0, problem=stopped)
    else:
        log.info("Failed: %s", exc)
        window.show_notice(f"✗ {user_message(exc)}", hide_after_ms=15000)
