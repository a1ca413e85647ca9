"""Fixtures of the desktop tests: a private data directory per test, a real Secret Service keyring
(a private D-Bus session with a throw-away unlocked gnome-keyring), the reference server in its
own process, a guardian and a teen made through the public API, and the app itself (the real
MainWindow and AppController with the real backend of famguard.app). The in-process server and
the proxy in front of it that can be slow or offline come from tests/conftest.py."""

from __future__ import annotations

import os
import threading
import warnings
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest

from tests.support.accounts import Member, member
from tests.support.servers import LocalServer


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests on the real Secret Service carry the project's `keyring` marker (`-m "not keyring"`)."""
    for item in items:
        if "real_keyring" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.keyring)


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "data"
    monkeypatch.setenv("FAMGUARD_DATA_DIR", str(path))
    return path


class PrivateKeyring:
    """The worker's private keyring (a D-Bus session bus and an unlocked throw-away gnome-keyring on
    it), started again when it stopped working between two tests."""

    def __init__(self) -> None:
        self._stack = ExitStack()
        self.env: dict[str, str] = {}
        self.restarts = 0

    def start(self) -> None:
        from tests.support.secret_service import secret_service as private_keyring

        self._stack.close()
        self._stack = ExitStack()
        self.env = self._stack.enter_context(private_keyring())

    def close(self) -> None:
        self._stack.close()

    def reach(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Point this process's environment at the keyring, started again if it stopped working."""
        for name, value in self.env.items():
            monkeypatch.setenv(name, value)
        if self.usable():
            return
        self.restarts += 1
        warnings.warn(f"the private keyring stopped working; started again ({self.restarts})", stacklevel=1)
        self.start()
        for name, value in self.env.items():
            monkeypatch.setenv(name, value)
        assert self.usable(), "the private keyring does not work even when started anew"

    def usable(self) -> bool:
        """An entry can be written and removed (the environment must reach this bus already)."""
        import keyring.errors
        from keyring.backends import SecretService

        backend = SecretService.Keyring()
        try:
            backend.set_password("FamGuard-check", "probe", "x")
            backend.delete_password("FamGuard-check", "probe")
        except keyring.errors.KeyringError:
            return False
        return True


@pytest.fixture(scope="session")
def secret_service() -> Iterator[PrivateKeyring]:
    """A private D-Bus session bus with an unlocked throw-away login keyring (TOOLING.md)."""
    from tests.support.secret_service import NoSecretService

    private = PrivateKeyring()
    try:
        private.start()
    except NoSecretService as exc:
        if os.environ.get("FAMGUARD_REQUIRE_KEYRING") == "1":
            pytest.fail(f"FAMGUARD_REQUIRE_KEYRING=1 but {exc}")
        pytest.skip(str(exc))
    try:
        yield private
    finally:
        private.close()


@pytest.fixture
def real_keyring(secret_service: PrivateKeyring, monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    """The real Secret Service backend of `keyring`, on the private bus.

    The keyring is checked before each test. A gnome-keyring daemon that ended (it happened once
    in CI, cause unknown) is started again by D-Bus with its login keyring locked, and every later
    test of the worker failed on it: the test where it ended shows it; the next ones get a new one."""
    import keyring
    from keyring.backends import SecretService

    secret_service.reach(monkeypatch)
    previous = keyring.get_keyring()
    backend = SecretService.Keyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        # The bus lives for the whole session: forget which account to resume, so the next test
        # starts as a first run (the per-server entries differ anyway: each test has its own port).
        # A keyring that stopped working is started again before the next test.
        try:
            backend.delete_password("FamGuard", "last-account")
        except keyring.errors.KeyringError:  # none to forget, or a keyring that stopped working
            pass
        keyring.set_keyring(previous)


@pytest.fixture
def failing_keyring() -> Iterator[object]:
    """keyring's own `fail` backend: what a machine without any keyring has."""
    import keyring
    from keyring.backends import fail

    previous = keyring.get_keyring()
    backend = fail.Keyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(previous)


@pytest.fixture
def server_process(tmp_path: Path) -> Iterator[str]:
    """The reference server in its own process (as in real life), for measurements of the app's
    own event loop that an in-process server would disturb through the GIL."""
    with LocalServer(f"sqlite:///{tmp_path / 'server.sqlite3'}", own_process=True) as server:
        yield server.url


@pytest.fixture
def guardian(live_server: str) -> Member:
    return member(live_server, "guardian", "Sam Guardian", address="sam@example.org")


@pytest.fixture
def teen(live_server: str) -> Member:
    return member(live_server, "teen", "Maya", address="maya@example.org", age=14)


@pytest.fixture
def launch(qtbot) -> Iterator[Callable[..., object]]:
    """Start the app like `famguard` does (the local start begun first, on its own thread; the
    window; the controller after it), any number of times."""
    from famguard.app import LocalHeadStart, build_backend, has_settings_file
    from famguard.ui.controller import AppController
    from famguard.ui.main_window import MainWindow

    started: list[tuple[MainWindow, AppController]] = []
    errors: list[BaseException] = []

    def start(*, demo: bool = False, server: str | None = None, backend=None) -> AppController:
        head_start = None if demo or backend is not None else LocalHeadStart()
        window = MainWindow(starting=head_start is not None and has_settings_file())
        made: list[AppController] = []
        # pytest-qt closes the window when the test ends, before this fixture's own end: the app
        # is shut down first, as at the end of a run (a signed-in window closed with a change unsent
        # would ask whether to quit).
        qtbot.addWidget(window, before_close_func=lambda _window: [c.shutdown() for c in made])
        window.show()
        controller = AppController(window, backend or build_backend(head_start), demo=demo, server=server)
        made.append(controller)
        controller.reported = errors  # type: ignore[attr-defined]
        original = controller.report_error

        def report(exc: BaseException) -> None:
            errors.append(exc)
            original(exc)

        controller.tasks.error_reporter = report
        controller.report_error = report  # type: ignore[method-assign]
        started.append((window, controller))
        controller.start()
        return controller

    yield start
    for window, controller in reversed(started):
        controller.shutdown()
        window.close()
    assert [repr(e) for e in errors] == [], "an error reached the error reporter"


def stop_app(controller) -> None:
    """Close one app as the user would (the window), releasing its database and sync threads."""
    controller.shutdown()
    controller.window.close()


@pytest.fixture
def held_service(monkeypatch: pytest.MonkeyPatch) -> Iterator[threading.Event]:
    """The practice service's start waits (on its worker) until the event is set: the window is
    what the guardian sees before the service answers, for as long as the test needs."""
    from famguard.app import DemoEnvironment

    release = threading.Event()
    original = DemoEnvironment.start_service

    def held(self: object, session: object) -> None:
        assert release.wait(30), "the test never let the practice service start"
        original(self, session)  # type: ignore[arg-type]

    monkeypatch.setattr(DemoEnvironment, "start_service", held)
    yield release
    release.set()  # a test that failed early leaves no worker waiting


def answer_next_question(qtbot, button: str | None = None) -> list[tuple[str, str]]:
    """When the next question box (QMessageBox) is up: note its text and informative text in the
    returned list, then press Enter (`button` None: the default answer) or click the button whose
    words are `button`."""
    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    asked: list[tuple[str, str]] = []

    def answer() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, answer)
            return
        asked.append((box.text(), box.informativeText()))
        if button is None:
            qtbot.keyClick(box, Qt.Key.Key_Return)
        else:
            chosen = next((b for b in box.buttons() if b.text().replace("&", "") == button), None)
            if chosen is None:  # a question worded otherwise: closed with its safe answer, not left to hang the run
                asked.append(("no such button", button))
                qtbot.keyClick(box, Qt.Key.Key_Escape)
                return
            qtbot.mouseClick(chosen, Qt.MouseButton.LeftButton)

    QTimer.singleShot(0, answer)
    return asked


@pytest.fixture
def page(qtbot):
    """A controls page on its own, showing Maya (14, Europe/London), 900 x 700, its rows still to
    be built (`build_next`)."""
    from famguard.domain.controls import defaults_for_age
    from famguard.ui.controls_page import ControlsPage

    page = ControlsPage()
    qtbot.addWidget(page)
    page.show_teen("teen-1", "Maya", 14, defaults_for_age(14, "Europe/London"))
    page.resize(900, 700)
    page.show()
    return page


@pytest.fixture
def built_page(page, qtbot):
    """The controls page above with every row built and its window active (keyboard tests)."""
    while page.build_next():
        pass
    page.activateWindow()
    qtbot.waitActive(page)
    return page


@pytest.fixture
def restartable(tmp_path):
    """The reference server on one fixed port and one database file, stopped and started again
    like a service that goes down and comes back."""
    from tests.support.servers import LocalServer

    with LocalServer(f"sqlite:///{tmp_path / 'restartable.sqlite3'}") as server:
        yield server


@pytest.fixture
def said(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, bool]]:
    """Every announcement the app sends: (words, said at once over what is being read). Recorded
    as the app hands them to `QAccessible.updateAccessibility` — what Qt passes on to AT-SPI on a
    real desktop (offscreen, Qt has no accessibility bridge to reach)."""
    from PySide6.QtGui import QAccessible

    heard: list[tuple[str, bool]] = []
    original = QAccessible.updateAccessibility

    def spy(event) -> None:  # type: ignore[no-untyped-def]
        if event.type() == QAccessible.Event.Announcement:
            heard.append((event.message(), event.politeness() == QAccessible.AnnouncementPoliteness.Assertive))
        original(event)

    monkeypatch.setattr(QAccessible, "updateAccessibility", staticmethod(spy))
    return heard
