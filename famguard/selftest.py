"""`famguard --self-test`: proves that this installation (above all a PyInstaller bundle, where a
missing hidden import or data file shows only at run time) can do what a parent's first launch
does: it opens the main window offscreen, starts the demo service inside this process through
the app's own controller, signs in to it, reads the demo family from the service, and checks the
resources, the window icon, the keyring backend this platform needs, and that a famguard:// link
the app is started with can be hidden from other users. Prints one line per check and exits 0, or
1 with the reason of the first failure.

It never touches the user's data or keyring: the demo uses a temporary folder and keeps its
sign-in in memory."""

from __future__ import annotations

import importlib
import sys
import time
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from famguard import __version__, resources

if TYPE_CHECKING:
    from famguard.domain.models import TeenSummary
    from famguard.ui.controller import AppController, Backend
    from famguard.ui.main_window import MainWindow

TIMEOUT_S = 120.0  # the demo service starts in ~2 s here; a bundle on a slow disk gets room
POLL_MS = 100

# The keyring backend each platform's bundle must carry (keyring finds them through entry points).
KEYRING_BACKENDS = {
    "linux": ("keyring.backends.SecretService", "secretstorage", "jeepney"),
    "win32": ("keyring.backends.Windows", "win32ctypes.pywin32.win32cred"),
    "darwin": ("keyring.backends.macOS",),
}


class SelfTestFailed(Exception):
    pass


def _say(text: str) -> None:
    print(f"self-test: {text}", flush=True)


def check_resources() -> None:
    found = resources.all_files()
    problems = resources.problems()
    if problems:
        raise SelfTestFailed(f"resources in {resources.root()}: " + "; ".join(problems))
    _say(f"ok   {len(found)} resources in {resources.root()}")


def check_icon(app: QApplication) -> None:
    icon = app.windowIcon()
    sizes = (16, 48, 256)
    if icon.isNull() or any(icon.pixmap(size, size).isNull() for size in sizes):
        raise SelfTestFailed("the window icon does not render (is Qt's SVG plugin in the bundle?)")
    _say(f"ok   window icon renders at {', '.join(f'{s} px' for s in sizes)}")


def check_keyring() -> None:
    platform = "linux" if sys.platform.startswith("linux") else sys.platform
    modules = KEYRING_BACKENDS.get(platform, ())
    for name in modules:
        try:
            importlib.import_module(name)
        except Exception as exc:  # any failure to import means the bundle lacks it
            raise SelfTestFailed(f"the keyring backend module {name} cannot be imported: {exc!r}") from exc
    import keyring.backend

    names = sorted(type(backend).__module__ for backend in keyring.backend.get_all_keyring())
    _say(f"ok   keyring backend modules {', '.join(modules) or '(none for this platform)'}; usable now: {names}")


def check_command_line() -> None:
    """That a famguard:// link the app is started with can be hidden from other users here
    (famguard.cmdline): a one-file bundle, or a system that refuses the rewrite, fails."""
    from famguard import cmdline

    try:
        said = cmdline.check_rewritable()
    except (OSError, ValueError, IndexError) as exc:
        raise SelfTestFailed(f"a famguard:// link would stay readable to other users: {exc}") from exc
    _say(f"ok   {said}")


class _Run:
    """Drives the app's own controller through the demo and waits, polling, for each stage."""

    def __init__(self, app: QApplication, window: MainWindow, backend: Backend) -> None:
        self.app, self.window, self.backend = app, window, backend
        self.controller: AppController | None = None
        self.started = time.monotonic()
        self.stage = "showing the main window"
        self.failure: str | None = None
        self.code = 1

    def fail(self, reason: str) -> None:
        if self.failure is None:
            self.failure = reason
            _say(f"FAILED while {self.stage}: {reason}")
            self.finish(1)

    def finish(self, code: int) -> None:
        self.code = code
        self.app.exit(code)

    def guarded(self, step: Callable[[], None]) -> Callable[[], None]:
        def run() -> None:
            if self.failure is not None:
                return
            try:
                step()
            except Exception as exc:  # the reason goes to the output, and the exit code says it failed
                self.fail(str(exc) or repr(exc))

        return run

    def first_paint(self) -> None:
        from famguard.ui.controller import AppController

        _say(f"ok   main window painted ({self.window.windowTitle()})")
        check_resources()
        check_icon(self.app)
        check_keyring()
        check_command_line()
        self.stage = "starting the demo service and signing in"
        self.controller = AppController(self.window, self.backend, demo=True)
        self.controller.start()
        self.poll(self.wait_for_demo)

    def poll(self, step: Callable[[], bool]) -> None:
        def tick() -> None:
            if time.monotonic() - self.started > TIMEOUT_S:
                self.fail(f"no result after {TIMEOUT_S:.0f} s")
            elif not step():
                QTimer.singleShot(POLL_MS, self.guarded(tick))

        QTimer.singleShot(POLL_MS, self.guarded(tick))

    def wait_for_demo(self) -> bool:
        controller = self.controller
        assert controller is not None
        box = getattr(controller, "last_error_box", None)
        if box is not None:
            raise SelfTestFailed(f"{box.text()}: {box.informativeText()} {box.detailedText()}".strip())
        env, session = controller.demo_env, controller.session
        if env is None or session is None or not env.live:  # the family is drawn before its service is up
            return False
        _say(f"ok   demo service at {env.base_url}; signed in as {session.email}")
        self.stage = "reading the demo family from the service"
        from famguard.app import DemoEnvironment  # the real one (the Protocol does not show its family)

        if not isinstance(env, DemoEnvironment) or env.family is None:
            raise SelfTestFailed(f"the demo is a {type(env).__name__}, not the app's own")
        expected = sorted((t.display_name, t.age) for t in env.family.teens)

        def read(teens: list[TeenSummary]) -> None:
            got = sorted((t.display_name, t.age) for t in teens)
            if got != expected:
                raise SelfTestFailed(f"the service gave the family {got}, expected {expected}")
            _say("ok   demo family read: " + ", ".join(f"{name} ({age})" for name, age in got))
            self.stage = "closing"
            _say(f"passed (FamGuard {__version__}, {time.monotonic() - self.started:.1f} s)")
            self.finish(0)

        controller.tasks.run(
            session.family.refresh_teens,
            on_success=lambda teens: self.guarded(partial(read, teens))(),
            on_error=lambda exc: self.fail(str(exc)),
            name="self-test family",
        )
        return True


def run(app: QApplication, window: MainWindow, backend: Backend) -> int:
    """Show `window`, run every check, and return the exit code (the controller is shut down)."""
    test = _Run(app, window, backend)
    # Also covers a window that never paints (the polling below starts only after the first paint).
    QTimer.singleShot(int(TIMEOUT_S * 1000) + 1000, lambda: test.fail(f"no result after {TIMEOUT_S:.0f} s"))
    window.first_painted.connect(test.guarded(test.first_paint))
    window.show()
    _say(f"FamGuard {__version__} on {QApplication.platformName()}")
    app.exec()
    if test.controller is not None:
        test.controller.shutdown()
    return test.code
