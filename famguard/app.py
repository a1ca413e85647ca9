"""The composition root of the desktop app: parses the command line, shows the window at once,
and only after its first paint builds the parts that need slow imports (requests, keyring, the
demo's server stack) — on background threads, through the one task helper.

`famguard` (the console script) calls `main()`.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, NoReturn

from famguard import __version__

if TYPE_CHECKING:  # each is imported where it is used, on a worker after the first paint
    import socket

    from PySide6.QtWidgets import QApplication

    from famguard.domain.controls import Controls
    from famguard.domain.models import Pairing, TimeRequest, UsageDay
    from famguard.server.demo import DemoFamily
    from famguard.server.runner import ServerThread
    from famguard.services import AccountSession, SessionService
    from famguard.services.demo import DemoUnavailable, PhoneSnapshot
    from famguard.ui.controller import Backend, EarlyStart

log = logging.getLogger(__name__)

# Set by the start-up benchmark: print the moment of the first paint and quit ("1"), or of the
# first paint of a teen's home in the family screen, the cached family or the demo's ("family"),
# or of the demo family live: its practice service answered and the first sync done ("live").
EXIT_AFTER_FIRST_PAINT_ENV = "FAMGUARD_EXIT_AFTER_FIRST_PAINT"


# What `famguard` with no arguments means (every option's default in build_parser).
NO_ARGUMENTS = {"demo": False, "server": None, "self_test": False, "link": None}


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The command line. With none (the usual start) or `--demo` alone, what the parser would make
    without building it: its help formatter and gettext's look-up of message catalogues (which
    imports `locale`) cost ~5 ms of the GUI thread's CPU before the first paint."""
    if argv is not None and len(argv) == 0:
        return argparse.Namespace(**NO_ARGUMENTS)
    if argv is not None and list(argv) == ["--demo"]:
        return argparse.Namespace(**{**NO_ARGUMENTS, "demo": True})
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.server and not args.server.startswith(("http://", "https://")):
        parser.error(f"--server must start with http:// or https://, not {args.server!r}")
    if args.link is not None:
        from famguard.links import LinkError, parse_link

        try:
            parse_link(args.link)
        except LinkError as exc:
            parser.error(f"{exc.title}: {exc.message}")
    return args


class _Parser(argparse.ArgumentParser):
    """argparse's, whose errors never repeat a famguard:// link: "unrecognized arguments:
    famguard://pair?code=…" put the pairing code in the terminal and whatever keeps its output
    (an attacker's two links; the code is never logged)."""

    def error(self, message: str) -> NoReturn:
        import re

        message = re.sub(r"(?i)famguard:\S*", "famguard://…", message)
        super().error(re.sub(r"(?i)\S*code=\S*", "…code=…", message))  # spelt otherwise, still a code


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="famguard",
        description="Manage your teen's safety controls on the video app.",
    )
    parser.add_argument("--version", action="version", version=f"FamGuard {__version__}")
    parser.add_argument(
        "--demo",
        action="store_true",
        help="start a practice service on this computer with a made-up family (no account, nothing saved)",
    )
    parser.add_argument("--server", metavar="URL", help="the FamGuard service to sign in to (remembered)")
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="check that this installation works (offscreen, with the demo service) and exit: 0 when it does",
    )
    parser.add_argument(
        "link", nargs="?", metavar="famguard://pair?code=…", help="a pairing link to open (the link of the pairing QR)"
    )
    return parser


def set_identity(app: QApplication) -> None:
    """Name, organisation and desktop file, so that the window, the taskbar, the dock and
    notifications show FamGuard (and Wayland matches the window to its desktop file)."""
    from famguard import identity

    app.setApplicationName(identity.APP_NAME)
    app.setApplicationVersion(__version__)
    app.setOrganizationName(identity.ORGANISATION)
    app.setOrganizationDomain(identity.ORGANISATION_DOMAIN)
    app.setDesktopFileName(identity.APP_ID)


def set_window_icon(app: QApplication) -> None:
    """The icon of every window. Called after the first paint (with the controller, once its first
    screen is up: a returning guardian's family first): loading Qt's SVG icon engine costs
    ~20 ms, and Qt updates a shown window's icon when the application's changes."""
    from PySide6.QtGui import QIcon

    from famguard import resources

    try:
        app.setWindowIcon(QIcon(str(resources.path(resources.ICON))))
    except resources.ResourceMissing as exc:  # the app still works; --self-test fails on this
        log.warning("%s", exc)


# --- the backend the controller reaches the other layers through ---------------------------------
# Every function below blocks and imports its slow libraries itself; the controller calls them on
# worker threads after the first paint.


def make_sessions() -> SessionService:
    """Sign-in service with the system keyring (the real one; tests choose it via keyring's own
    PYTHON_KEYRING_BACKEND / XDG settings)."""
    from famguard.credentials import CredentialStore
    from famguard.services import SessionService

    return SessionService(CredentialStore())


class DemoTeen:
    """The demo's teen phone (famguard.services.demo.TeenPhone): the demo family's youngest teen,
    signed in through the public API (the same calls as `famguard-teen`)."""

    # Seconds each of the phone's long polls waits. Quitting and resetting stop the service
    # first, which answers a waiting poll at once, so this need not be short for their sake.
    events_wait_s = 3

    def __init__(self, base_url: str, email: str, password: str, name: str, age: int) -> None:
        from famguard.teen_cli import teen_client

        self.name, self.age = name, age
        self.api = teen_client(base_url)
        self.api.sign_in(email, password)

    def redeem(self, code: str) -> Pairing:
        from famguard import teen_cli

        return teen_cli.redeem(self.api, code)

    def accept(self, pairing: Pairing) -> Pairing:
        from famguard import teen_cli

        return teen_cli.accept(self.api, pairing)

    def decline(self, pairing: Pairing) -> None:
        from famguard import teen_cli

        teen_cli.decline(self.api, pairing)

    def controls(self) -> Controls | None:
        """The effective controls, or None while no guardian is linked."""
        from famguard.api import errors
        from famguard.teen_cli import effective_controls

        try:
            return effective_controls(self.api)
        except (errors.NotFound, errors.Forbidden):
            return None

    def snapshot(self) -> PhoneSnapshot:
        from datetime import UTC, datetime

        from famguard import teen_cli
        from famguard.api import errors
        from famguard.domain.teen_view import VIEW_ENTRIES  # on a worker: no Qt module (trust_presenter)
        from famguard.services.demo import PhoneSnapshot

        try:
            applied = teen_cli.apply_controls(self.api)  # the phone applies what it got, and says so
        except (errors.NotFound, errors.Forbidden):
            applied = None
        return PhoneSnapshot(
            controls=applied.controls if applied else None,
            etag=applied.etag if applied else None,
            guardians=self.api.my_guardians(),
            rules=self.api.my_temporary_rules(),
            activity=self.api.my_activity(limit=VIEW_ENTRIES),
            usage=self.api.my_usage(),
            requests=self.api.my_time_requests(),
            applied_at=datetime.now(UTC) if applied else None,
        )

    def unlink(self) -> None:
        from famguard import teen_cli

        teen_cli.unlink_all(self.api)

    def report_usage(self, minutes: int) -> UsageDay:
        from famguard import teen_cli

        return teen_cli.report_usage(self.api, minutes)

    def add_usage(self, minutes: int) -> UsageDay:
        from famguard import teen_cli

        return teen_cli.add_usage(self.api, minutes)

    def ask_for_time(self, minutes: int, reason: str) -> TimeRequest:
        from famguard import teen_cli

        return teen_cli.ask_for_time(self.api, minutes, reason)

    def cursor(self) -> str:
        return self.api.events().cursor

    def hang_up(self) -> None:
        """Closes the phone's pooled connections (the demo ends): nothing else would, once the
        family on screen froze them out of the garbage collector's passes (settle_runtime)."""
        self.api.session.close()

    def wait_for_events(self, cursor: str) -> tuple[list[str], str]:
        # A `missed` page (events deleted after 30 days) has events, so the phone reads everything.
        page = self.api.events(after=cursor, wait=self.events_wait_s)
        return [event.type for event in page.events], page.cursor


def demo_unavailable(exc: BaseException) -> DemoUnavailable:
    """What the guardian reads when the demo's folder or practice service cannot be made."""
    import tempfile

    from famguard.services.demo import DemoUnavailable

    reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc) or type(exc).__name__
    return DemoUnavailable(
        f"The practice service could not start ({reason}). It needs a little free space in this computer's "
        f"temporary folder, {tempfile.gettempdir()}. Free some, then choose “Try the demo” again."
    )


class DemoEnvironment:
    """famguard.services.demo.DemoEnvironment: the demo family in a temporary data folder, drawn
    from the local store before its practice service exists, then the service itself.

    Made in a few ms (stdlib and the store only, on a worker): the folder, one demo family
    (famguard.domain.demo_family: its ids and passwords, made here once), a loopback socket bound
    on a free port (so the service's address is known now), and `session()`: the demo guardian's
    session opened from a store written with what the service will answer. After the family's
    first paint, `start_service` imports the server stack (~1 s of CPU), seeds that same family
    into a fresh database, serves on the bound socket and signs the guardian and the teen's phone
    in. While it runs, FAMGUARD_DATA_DIR points into the temporary folder, so the demo's local
    store and settings never touch the user's data; it never uses the keyring."""

    def __init__(self) -> None:
        import tempfile
        import threading

        from famguard.domain.demo_family import make_demo_plan
        from famguard.domain.loopback import bind_loopback
        from famguard.services import SessionService

        self.plan = make_demo_plan()
        self.guardian_email = self.plan.guardian.email
        self.guardian_password = self.plan.guardian.password
        self.sessions = SessionService(None)  # credentials kept in memory only
        self.teen: DemoTeen | None = None
        self.family: DemoFamily | None = None  # the service's own account of its seeding, once it ran
        self.live = False
        self._server: ServerThread | None = None
        self._start_lock = threading.Lock()  # a start in flight and a stop take turns
        self._stopped = False
        self._sock: socket.socket | None = bind_loopback()
        host, port = self._sock.getsockname()[:2]
        self.base_url = f"http://{host}:{port}"
        try:
            self._dir = tempfile.mkdtemp(prefix="famguard-demo-")
        except OSError as exc:
            self._sock.close()
            raise demo_unavailable(exc) from exc
        self._previous_data_dir = os.environ.get("FAMGUARD_DATA_DIR")
        os.environ["FAMGUARD_DATA_DIR"] = os.path.join(self._dir, "data")

    def session(self) -> AccountSession:
        """The demo guardian's session, from a store written with what the service will answer;
        its calls to the service wait until `start_service` has signed in."""
        from famguard.domain.models import Account, Role
        from famguard.services.demo import write_demo_store

        guardian = self.plan.guardian
        account = Account(guardian.id, guardian.email, guardian.display_name, Role.GUARDIAN)
        session = self.sessions.open_before_sign_in(self.base_url, guardian.email, guardian.password, account)
        try:
            write_demo_store(session.store, self.plan)
        except BaseException:
            session.close()
            raise
        return session

    def start_service(self, session: AccountSession) -> None:
        """Start the practice service on the bound socket with this demo's family, then sign the
        guardian's `session` and the teen's phone in (blocking: a worker). RuntimeError when
        the demo was stopped meanwhile or the service did not start."""
        with self._start_lock:
            if self._stopped:
                raise RuntimeError("the demo was stopped before its practice service started")
            with self._long_lived():
                from famguard import teen_cli  # noqa: F401 - the phone's client (requests), for DemoTeen
                from famguard.server.runner import ServerThread

            sock, self._sock = self._sock, None
            # In this process, on loopback, deleted at stop: the made-up accounts' hashes are light.
            server = ServerThread(
                f"sqlite:///{self._dir}/demo.sqlite3",
                demo=True,
                light_demo_hashes=True,
                demo_plan=self.plan,
                sock=sock,
            )
            self._server = server
            try:
                with self._long_lived():
                    server.start()
            except Exception as exc:  # its database in the temporary folder, its start: said in words
                raise demo_unavailable(exc) from exc
            self.family = server.demo_family
        if self._stopped:  # stopped while it started: stop_service has stopped it again by now
            raise RuntimeError("the demo was stopped while its practice service started")
        self.sessions.sign_in_deferred(session)
        youngest = min(self.plan.teens, key=lambda t: t.age)
        person = youngest.person
        self.teen = DemoTeen(self.base_url, person.email, person.password, person.display_name, youngest.age)
        self.live = True

    def ask_to_join(self) -> Pairing:
        """famguard.services.demo.DemoEnvironment.ask_to_join: the plan's newcomer signs in on the
        practice service (its own connection, hung up after), starts a pairing, the teen's phone
        enters and accepts the code, and the newcomer confirms — the same public calls a second
        parent's app and a teen's phone make."""
        from famguard.api import ApiClient
        from famguard.api.http_session import make_session
        from famguard.services.demo import DemoUnavailable

        teen = self.teen
        if not self.live or teen is None:
            raise DemoUnavailable("The practice service is still starting. Try again in a moment.")
        newcomer = self.plan.newcomer
        api = ApiClient(self.base_url, make_session("FamGuard-demo"))
        try:
            api.sign_in(newcomer.email, newcomer.password)
            pairing = api.start_pairing()
            teen.accept(teen.redeem(pairing.code or ""))
            return api.confirm_pairing(pairing.id)
        finally:
            api.session.close()

    @staticmethod
    @contextmanager
    def _long_lived() -> Iterator[None]:
        """What is made inside lives as long as the demo (the server stack's modules, ~1 s of CPU
        and ~150,000 objects at the first start; the service's app and its seeding): no
        collection while it is made, and out of the collector's later passes — as settle_runtime
        does with the rest when the family opens. The GUI thread's collector (famguard.ui.collector)
        otherwise walked it two or three times before the demo family was on screen, 90-140 ms
        holding Python's lock (tests/benchmarks/demo_phases.py). Nothing is freed or kept by this:
        objects made here and dropped later are still freed by their reference counts."""
        import gc

        thresholds = gc.get_threshold()
        gc.set_threshold(*(max(1, t) * 1000 for t in thresholds))  # the collector compares counts to these
        try:
            with DemoEnvironment._unread_by_pyside():
                yield
        finally:
            gc.freeze()
            gc.set_threshold(*thresholds)

    @staticmethod
    @contextmanager
    def _unread_by_pyside() -> Iterator[None]:
        """PySide's import hook reads the whole source of every module imported after Qt, to see
        whether it says "PySide6" (for its `from __feature__ import` switches): ~15 % of the
        server stack's import in a py-spy profile, and every source read stays in `linecache`.
        The server layer imports no Qt (the layer rules of tests/test_code_rules.py) and this app
        uses no `__feature__`, so what this thread imports meanwhile is recorded as not using
        PySide without being read; imports on other threads (the GUI thread's) are checked as
        before. With a PySide that has no such check, nothing changes."""
        import threading

        feature = sys.modules.get("PySide6.support.feature")
        check = getattr(feature, "_mod_uses_pyside", None)
        if feature is None or check is None:
            yield
            return
        this_thread = threading.get_ident()

        def uses_pyside(module: object) -> bool:
            return False if threading.get_ident() == this_thread else bool(check(module))

        setattr(feature, "_mod_uses_pyside", uses_pyside)  # noqa: B010 - a module of PySide's
        try:
            yield
        finally:
            setattr(feature, "_mod_uses_pyside", check)  # noqa: B010

    def stop_service(self) -> None:
        """Stop the practice service (again is harmless): its waiting long polls, the phone's and
        the guardian's, are answered at once, so quitting need not wait them out. A start in
        flight is not begun any more, or finishes first and is stopped then."""
        self._stopped = True
        with self._start_lock:
            sock, self._sock = self._sock, None
            if sock is not None:  # never served
                sock.close()
            server, self._server = self._server, None
            if server is not None:
                server.stop()

    def stop(self) -> None:
        import shutil

        self.stop_service()
        if self.teen is not None:
            self.teen.hang_up()
        if self._previous_data_dir is None:
            os.environ.pop("FAMGUARD_DATA_DIR", None)
        else:
            os.environ["FAMGUARD_DATA_DIR"] = self._previous_data_dir
        shutil.rmtree(self._dir, ignore_errors=True)


# Seconds a thread may hold Python's lock while another waits (Python's default is 0.005).
GUI_SWITCH_INTERVAL = 0.001
# The garbage collector is off from the start until a family is on screen (settle_runtime), at the
# latest this long after the window's first paint (the welcome or sign-in screen, where nothing
# opens a family). What a start allocates — modules, classes, the window's wrappers — lives as long
# as the app, so its ~45 young-generation passes found nothing to free and cost a returning
# guardian's start ~8-15 ms of CPU before the family's paint (counted with gc.callbacks).
COLLECTOR_PAUSE_MS = 3000


def pause_collector() -> None:
    """Called first thing in main(); `resume_collector` undoes it (see COLLECTOR_PAUSE_MS)."""
    import gc

    gc.disable()


def resume_collector() -> None:
    import gc

    gc.enable()


def settle_runtime() -> None:
    """Tune the interpreter for a family on screen (called on the GUI thread each time one opens).

    What exists by then (the modules, the Qt wrappers, the services) lives as long as the app:
    `gc.freeze()` leaves it out of the garbage collector's full passes, which otherwise walk it
    all and stalled the window 200-400 ms each (tests/benchmarks/bench_history.py); objects freed
    later still go. Workers parse pages while the guardian scrolls: with a 1 ms switch interval
    the GUI thread gets Python's lock back after 1 ms instead of 5 (the history benchmark's worst
    gap fell from ~260 to ~100 ms on a loaded machine). Both are process-wide settings, so they
    are made here, where the app is assembled, not in a presenter. The collector, paused for the
    start (`pause_collector`), runs again from here."""
    import gc

    gc.freeze()
    resume_collector()
    sys.setswitchinterval(GUI_SWITCH_INTERVAL)


# The app's layers that import no Qt (the layer rules of tests/test_code_rules.py): PySide's import
# hook need not read their sources to know that they do not say "PySide6".
LAYERS_WITHOUT_QT = ("famguard.domain", "famguard.api", "famguard.credentials", "famguard.store",
                     "famguard.services", "famguard.server")  # fmt: skip


def not_qt_by_rule(module_name: str) -> bool:
    return any(module_name == layer or module_name.startswith(layer + ".") for layer in LAYERS_WITHOUT_QT)


def is_standard_library(source: str, standard_library: str) -> bool:
    """Python's own modules (never PySide's `__feature__` users); not what is installed beside them."""
    return source.startswith(standard_library) and not any(
        part in source[len(standard_library) :] for part in ("site-packages", "dist-packages")
    )


def cheaper_pyside_source_check() -> None:
    """PySide's import hook asks of every module imported after it whether its source says
    "PySide6" (to know which modules its `from __feature__ import` switches apply to), through
    `inspect.getsource`: tokenizing each file into `linecache`, ~10 ms of CPU for the ~100 modules
    a returning guardian's start imports before the family's paint (py-spy). The same question is
    answered here from the file's bytes; a module without a source file goes to PySide's own
    check. Called once, right after `import PySide6`; with a PySide that has no such hook,
    nothing changes."""
    feature = sys.modules.get("PySide6.support.feature")
    check = getattr(feature, "_mod_uses_pyside", None)
    if feature is None or check is None:
        return
    standard_library = os.path.dirname(os.__file__) + os.sep

    def uses_pyside(module: object) -> bool:
        if not_qt_by_rule(getattr(module, "__name__", "")):
            return False
        source = getattr(module, "__file__", None)
        if isinstance(source, str) and is_standard_library(source, standard_library):
            return False
        if isinstance(source, str) and source.endswith(".py"):
            try:
                with open(source, "rb") as file:
                    return b"PySide6" in file.read()
            except OSError:
                pass
        return bool(check(module))

    setattr(feature, "_mod_uses_pyside", uses_pyside)  # noqa: B010 - a module of PySide's


def open_local() -> EarlyStart:
    """The local part of a start (blocking): the settings and, when they remember a guardian, the
    sign-in service and that guardian's session opened from this computer's store alone (None when
    the store does not say their sign-in is remembered, or cannot be read: the usual resume then
    reports it)."""
    from famguard.ui.settings import Settings

    settings = Settings.load()
    if not settings.server_url or not settings.last_email:
        return settings, None, None  # a first start: nothing cached to show, nothing to import yet
    from famguard.domain.errors import FamGuardError

    sessions = make_sessions()
    try:
        cached = sessions.open_cached(settings.server_url, settings.last_email)
    except FamGuardError as exc:
        log.info("The family is not shown from the local store first: %s", exc.title)
        cached = None
    return settings, sessions, cached


class LocalHeadStart:
    """`open_local` on a thread of its own, begun before the window is built: a returning
    guardian's start spent ~75 ms after the window's first paint importing the services layer and
    opening the store while the GUI thread had nothing to do but wait for it; begun first, most of
    it runs while Qt builds and paints the window (tests/benchmarks/bench_startup.py). The
    controller takes the result on a worker (`result`), never on the GUI thread."""

    def __init__(self) -> None:
        import threading

        from PySide6.QtCore import QSettings

        # PySide makes a class's enums the first time one is named, and the thread reads the
        # settings through QSettings.Format: made there, they were made while the GUI thread built
        # the window — the app crashed when a worker made the `Qt` namespace's so (an outside
        # tester). Named here, on the GUI thread, first (three small enums, well under 1 ms).
        _made_here = QSettings.Format
        self._done = threading.Event()
        self._result: EarlyStart | None = None
        self._error: BaseException | None = None
        threading.Thread(target=self._run, name="famguard-local-start", daemon=True).start()

    def _run(self) -> None:
        try:
            self._result = open_local()
        except BaseException as exc:  # noqa: BLE001 - raised again by result(), on the worker that asks
            self._error = exc
        finally:
            self._done.set()

    def result(self) -> EarlyStart:
        """Wait for the local start (call it on a worker) and hand it over, or raise its error."""
        self._done.wait()
        if self._error is not None:
            raise self._error
        assert self._result is not None
        return self._result


def has_settings_file() -> bool:
    """Whether this computer has the app's settings file, which signing in writes: a returning
    guardian's start then opens on the plain starting screen, not on the welcome screen, which it
    otherwise showed for a moment before the family from the store (and built and painted, ~5 ms
    of CPU before that family's paint). One stat of a known path, made before the event loop runs
    (as Qt reads its own files there); the settings themselves are read on the head start's
    thread. A guardian who signed out has the file too: the welcome screen follows as soon as the
    local start has found no family to show (AppController._local_ready)."""
    from famguard import paths

    return paths.settings_file().exists()


def build_backend(local_start: LocalHeadStart | None = None) -> Backend:
    from famguard.ui.controller import Backend

    return Backend(
        make_sessions=make_sessions,
        start_demo=DemoEnvironment,
        family_opened=settle_runtime,
        local_start=local_start.result if local_start is not None else open_local,
    )


def quit_when_told_to(app: QApplication) -> None:
    """SIGTERM, SIGINT and SIGHUP (a logout, `kill`, Ctrl+C in the terminal, the terminal closed)
    quit as the Quit menu does: the controller shuts down after the event loop, and the demo's
    folder goes. They killed the process where it stood, and every demo ended so left its folder
    (and its service's database and secret) in the temporary folder (an outside tester).

    Python runs a signal's handler only when it next runs Python code, which Qt's event loop may
    not do for a long time: the signal's number is also written to a socket Qt watches
    (`signal.set_wakeup_fd`), whose reading runs Python. Called after the first paint (`socket`
    is not needed before). Not on Windows, which has no such signals for a windowed app."""
    import signal
    import socket

    from PySide6.QtCore import QSocketNotifier

    if os.name == "nt":
        return
    reader, writer = socket.socketpair()
    reader.setblocking(False)
    writer.setblocking(False)
    signal.set_wakeup_fd(writer.fileno())
    notifier = QSocketNotifier(reader.fileno(), QSocketNotifier.Type.Read, app)

    def drain() -> None:
        try:
            reader.recv(512)
        except OSError:
            pass

    notifier.activated.connect(drain)
    for name in ("SIGTERM", "SIGINT", "SIGHUP"):
        signal.signal(getattr(signal, name), lambda _number, _frame: app.quit())
    _SIGNAL_SOCKETS.append((reader, writer, notifier))


_SIGNAL_SOCKETS: list[object] = []  # kept for the app's life: closed, the wake-ups would go nowhere


def _report_and_quit(app: QApplication) -> None:
    """For the start-up benchmark: when (wall clock), peak RSS (KiB) and CPU time so far."""
    import resource
    import time

    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(f"first-paint {time.time():.6f} {_peak_rss_kib(usage)} {usage.ru_utime + usage.ru_stime:.4f}", flush=True)
    app.quit()


def _report_when_demo_live(app: QApplication, holder: dict[str, object]) -> None:
    """For the start-up benchmark's live row: report once the demo's practice service has
    answered (the guardian signed in) and the family's first sync has asked it who is linked."""
    from PySide6.QtCore import QTimer

    from famguard.ui.controller import AppController

    def look() -> None:
        controller = holder.get("controller")
        if isinstance(controller, AppController):
            env, family = controller.demo_env, controller.family
            if env is not None and env.live and family is not None and family.teen_list.service_answered:
                _report_and_quit(app)
                return
        QTimer.singleShot(5, look)

    look()


def _peak_rss_kib(usage: object) -> int:
    """This process's own peak RSS: Linux's VmHWM (ru_maxrss keeps the parent's peak across
    fork and exec, so a benchmark started from a big process would read that one)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
    except (OSError, StopIteration):
        return int(getattr(usage, "ru_maxrss", 0))


def main(argv: Sequence[str] | None = None) -> int:
    # First of all: a famguard:// link's pairing code must not stay in this process's command line
    # (sys.argv's, whatever `argv` says), which every user of the computer can read, for as long as
    # the app runs. A start without a link imports nothing for it.
    if any(":" in argument for argument in sys.argv[1:]):  # any that may be one (cmdline.looks_like_link)
        from famguard.cmdline import hide_links

        hide_links()
    pause_collector()
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if args.self_test:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

    import PySide6  # noqa: F401 - its import hook is installed here, before the rest of Qt and the app

    cheaper_pyside_source_check()
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from famguard.ui.link_handler import Application, LinkHandler

    app = QApplication.instance() or Application([sys.argv[0]])
    assert isinstance(app, QApplication)
    set_identity(app)

    instance = None
    if not args.self_test:  # the self-test uses the demo only: it may run next to the real app
        from famguard.instance import AnotherInstanceNotAnswering, SingleInstance, hand_over

        instance = SingleInstance.claim()
        if instance is None:
            try:
                hand_over(args.link)
            except AnotherInstanceNotAnswering as exc:
                instance = SingleInstance.claim()  # unless it has just quit
                if instance is None:
                    print(exc, file=sys.stderr)
                    return 1
            else:
                print("FamGuard is already running: its window was brought to the front.")
                return 0

    from famguard import crash_log

    # Only once this process is the app: a second launch, which hands over and exits, emptied
    # the running app's record.
    crashed_before = crash_log.arm() if instance is not None else None
    exit_after = os.environ.get(EXIT_AFTER_FIRST_PAINT_ENV)
    head_start = None
    # Only where there is something to read: a first start (no settings file) has no family to
    # draw, and its local start (~4 ms of imports competing with the window's build for Python's
    # lock) follows the welcome screen's paint on a worker. Also when the start-up benchmark
    # stops at the first paint ("1"), as a real start does.
    if not args.self_test and not args.demo and has_settings_file():
        head_start = LocalHeadStart()  # while the window is built and painted

    from famguard.ui.main_window import MainWindow

    window = MainWindow(starting=head_start is not None)
    window.first_painted.connect(lambda: QTimer.singleShot(COLLECTOR_PAUSE_MS, resume_collector))
    links = LinkHandler(window)
    if isinstance(app, Application):  # connected before the event loop runs, which delivers macOS's links
        app.url_opened.connect(links.open)
    if args.self_test:
        from famguard import selftest

        # No controller: the icon at once, before the self-test's own slots (which check it).
        window.first_painted.connect(lambda: set_window_icon(app))
        return selftest.run(app, window, build_backend())
    assert instance is not None

    if exit_after and exit_after not in ("family", "live"):
        # The paint's moment first: a real start sets the icon (Qt's SVG engine, ~10-20 ms) after it
        # too, with the controller once its first screen is up (start_controller below).
        window.first_painted.connect(lambda: _report_and_quit(app))
        window.first_painted.connect(lambda: set_window_icon(app))  # no controller: at once
        window.first_painted.connect(crash_log.record_from_now)
        window.show()
        code = app.exec()
        instance.release()
        crash_log.disarm()
        return code

    holder: dict[str, object] = {}

    def start_controller() -> None:
        # Imported after the first paint; the slow parts are imported by the backend on workers.
        from famguard.ui.controller import AppController

        controller = AppController(window, build_backend(head_start), demo=args.demo, server=args.server)
        holder["controller"] = controller
        controller.start()
        instance.message_received.connect(links.open)
        # Neither is needed for the first screen, and a returning guardian's family is drawn
        # first (~45 ms of CPU between them): the icon (Qt's SVG engine) shows up in the taskbar a
        # moment later, and a later launch retries its hand-over for seconds (famguard.instance).
        controller.when_started(lambda: set_window_icon(app))
        controller.when_started(lambda: quit_when_told_to(app))
        controller.when_started(instance.listen)
        controller.when_started(crash_log.record_from_now)
        if crashed_before is not None:
            from famguard.ui.dialogs import show_crash_record

            words, record = crash_log.crash_words(crashed_before), crashed_before.text
            controller.when_started(lambda: holder.update(crash_window=show_crash_record(window, words, record)))
        if args.link:
            links.open(args.link)

    window.first_painted.connect(start_controller)
    if exit_after == "family":
        from famguard.ui.family_painted import when_family_painted

        window.first_painted.connect(lambda: when_family_painted(window, lambda: _report_and_quit(app)))
    elif exit_after == "live":
        window.first_painted.connect(lambda: _report_when_demo_live(app, holder))
    window.show()
    code = app.exec()
    controller = holder.get("controller")
    if controller is not None:
        controller.shutdown()  # type: ignore[attr-defined]
    instance.release()
    crash_log.disarm()
    return code


if __name__ == "__main__":
    # `python -m famguard.app`: this file runs as __main__, and the app's other modules import
    # famguard.app, a second copy with classes of its own (the self-test then found "the demo is a
    # DemoEnvironment, not the app's own"). The one copy everything else imports runs the app.
    from famguard.app import main as app_main

    raise SystemExit(app_main())
