"""The app's flow from start to sign-out: first run (welcome), sign-in and account creation,
resuming a remembered sign-in (the family from the local store first, before the keyring, the
service layer's network side and the sync come up; shown and editable at once, offline too), the
server ending a sign-in, sign-out, and the demo (its family drawn at once from a local store
written with what its practice service will answer; the service started in the background after
that first paint, the family going online then; reset on request).

The controller gets a `Backend` from the composition root (famguard.app): the only way it reaches
the service layer, the keyring and the demo server, so that this package imports no I/O library.
Every blocking call runs through the TaskRunner; nothing here waits on the GUI thread."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer

from famguard.domain.errors import ErrorKind, FamGuardError, about_the_address, kind_of, user_message
from famguard.domain.sync import UnsentSummary, not_reached_words
from famguard.ui.collector import GuiThreadCollector
from famguard.ui.family_painted import when_family_painted
from famguard.ui.family_presenter import FamilyPresenter
from famguard.ui.main_window import MainWindow
from famguard.ui.settings import Settings
from famguard.ui.tasks import Task, TaskRunner

if TYPE_CHECKING:  # the services pull in requests, keyring and sqlite3 (~150 ms): types only
    from famguard.domain.models import Pairing
    from famguard.services import AccountSession, SessionService
    from famguard.services.demo import DemoEnvironment
    from famguard.ui.alerts import Alerts
    from famguard.ui.preferences import PreferencesDialog
    from famguard.ui.safety_centre_presenter import SafetyCentrePresenter
    from famguard.ui.signin import SignInRequest, SignInView
    from famguard.ui.signin_presenter import KeepSignedInCheck
    from famguard.ui.teen_presenter import TeenPhonePresenter

log = logging.getLogger(__name__)

RESUME_RETRY_MS = 5000
# Quitting or signing out, online: how long changes on their way may take to arrive before the
# ones that have not are counted and asked about.
SENDING_GRACE_S = 2.0
# A family shown from the local store goes online after its first paint; at the latest after this
# (no teen cached, or a minimised window that does not paint).
CACHED_FAMILY_PAINT_WAIT_MS = 1500
# The demo's practice service starts after the demo family's first paint; at the latest after this.
DEMO_SERVICE_WAIT_MS = 1500
# What the demo family's window says while its practice service starts.
DEMO_STARTING_NOTICE = (
    "ℹ Starting the practice service… The demo family is shown from this computer meanwhile; "
    "changes you make are kept and sent once it is up."
)


# What the start-up work hands to the GUI thread: the sign-in service, the settings, the account
# to resume (server, email), a keyring problem to mention, and the resumed session (or why not).
# ... and the changes of the family shown from the store still waiting to be sent, counted and
# named when the keyring does not confirm it (they are sent once the guardian signs in again).
Started = tuple[
    "SessionService",
    Settings,
    "tuple[str, str] | None",
    "str | None",
    "AccountSession | BaseException | None",
    UnsentSummary,
]
# What the first, local part of the start-up hands over: the settings, the sign-in service and the
# remembered guardian's session opened from the local store alone (None: nothing to show yet).
LocalStart = tuple[Settings, "SessionService", "AccountSession | None"]
# The same begun before the window was built; no sign-in service yet when no guardian is remembered.
EarlyStart = tuple[Settings, "SessionService | None", "AccountSession | None"]


@dataclass
class Backend:
    """Blocking factories from the composition root; each is called on a worker thread:
    the sign-in service using the system keyring, and a started demo environment. And
    `family_opened`, called on the GUI thread once a family is on screen (the composition root
    tunes the runtime then). `local_start`: the local part of the start-up (famguard.app.open_local,
    or the result of the same begun before the window was built, famguard.app.LocalHeadStart),
    called once on a worker — the settings, the sign-in service (None: not made yet) and the
    remembered guardian's session from the store (None: nothing to show first)."""

    make_sessions: Callable[[], SessionService]
    start_demo: Callable[[], DemoEnvironment]
    local_start: Callable[[], EarlyStart]
    family_opened: Callable[[], None] = lambda: None


class AppController(QObject):
    def __init__(
        self,
        window: MainWindow,
        backend: Backend,
        *,
        demo: bool = False,
        server: str | None = None,
        tasks: TaskRunner | None = None,
        settings: Settings | None = None,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.backend = backend
        self.demo_requested = demo
        self.server_override = server
        self.tasks = tasks or TaskRunner(self, error_reporter=self.report_error)
        self.collector = GuiThreadCollector(self)  # Qt objects are freed on their own thread only
        self.collector.start()
        self.settings = settings
        self.sessions: SessionService | None = None
        self.session: AccountSession | None = None
        self._cached: AccountSession | None = None  # shown from the local store, not confirmed by the keyring yet
        self._closing = False  # shutdown() ran: a start-up answer arriving after it opens nothing
        self.family: FamilyPresenter | None = None
        self.demo_env: DemoEnvironment | None = None
        self._real_sessions: SessionService | None = None  # the keyring-backed sign-in service, kept during a demo
        self.teen_phone: TeenPhonePresenter | None = None
        self.alerts: Alerts | None = None  # the tray and notifications, made after the first paint
        self.preferences_dialog: PreferencesDialog | None = None
        self._sign_in_task: Task | None = None
        self._resume: tuple[str, str] | None = None
        self._resume_timer = QTimer(self)
        self._resume_timer.setSingleShot(True)
        self._resume_timer.timeout.connect(self._try_resume)
        self._safety_centre: SafetyCentrePresenter | None = None  # made when first opened
        # What waits for the start's first screen (when_started); None once it is up.
        self._after_start: list[Callable[[], None]] | None = []
        w = window
        w.sign_in_chosen.connect(lambda: self.show_sign_in(create_account=False))
        w.create_account_chosen.connect(lambda: self.show_sign_in(create_account=True))
        w.demo_chosen.connect(self.start_demo)
        w.sign_in_submitted.connect(self.sign_in)
        w.sign_in_cancelled.connect(self._cancel_sign_in)
        w.sign_out_requested.connect(self.sign_out)
        w.reset_demo_requested.connect(self.reset_demo)
        w.demo_ask_to_join_requested.connect(self.demo_ask_to_join)
        w.preferences_requested.connect(self.edit_preferences)
        w.safety_centre_requested.connect(lambda section: self.safety_centre.open(section))
        w.may_quit = self._may_quit
        self.keep_signed_in_check: KeepSignedInCheck | None = None
        self._keyring_notice: str | None = None  # the start's word on a keyring that failed, if any
        # Wired when the sign-in form is made: asking for it here made it before a returning
        # guardian's family was on screen (~25 ms more of the start).
        w.sign_in_built.connect(self._sign_in_built)
        if w.sign_in_if_built is not None:
            self._sign_in_built(w.sign_in_if_built)
        self._quit_question: Task | None = None  # counting the unsent changes, then asking

    @property
    def safety_centre(self) -> SafetyCentrePresenter:
        if self._safety_centre is None:
            from famguard.ui.safety_centre_presenter import SafetyCentrePresenter

            # The demo keeps its settings in its own data folder (no settings object of the user's).
            self._safety_centre = SafetyCentrePresenter(
                self.window, self.tasks, settings=lambda: None if self.demo_env else self.settings
            )
        return self._safety_centre

    # --- start -------------------------------------------------------------------------------

    def when_started(self, then: Callable[[], None]) -> None:
        """Call `then` once, on the GUI thread, when the start has its first screen up: a family
        shown from the local store after its first paint (or CACHED_FAMILY_PAINT_WAIT_MS), any
        other start as soon as its local part is read. For work the first screen does not need
        (the composition root's listener for other launches: QtNetwork and its enums, ~30 ms of
        CPU that a returning guardian's family otherwise waited for)."""
        if self._after_start is None:
            then()
        else:
            self._after_start.append(then)

    def _first_screen_up(self) -> None:
        waiting, self._after_start = self._after_start, None
        for then in waiting or []:
            then()

    def start(self) -> None:
        """Called after the first paint: everything slow happens from here, off the GUI thread."""
        if self.demo_requested:  # the rest comes after the demo family's paint (_demo_first_screen_up)
            self.start_demo()
            return
        self.tasks.run(self._startup_local, on_success=self._local_ready, on_error=self._startup_failed, name="startup")

    def _make_alerts(self) -> None:
        """The tray and notifications: at once, except for a family shown from the store, which
        gets them just after its first paint (drawing the tray's icon makes PySide create every
        `Qt` namespace enum, ~25 ms of CPU, which nothing else before that paint needs)."""
        if self.alerts is not None:
            return
        from famguard.ui.alerts import Alerts

        self.alerts = Alerts(self.window, lambda: self.settings)
        self.window.close_to_tray = self.alerts.close_to_tray
        if self.family is not None:
            self.family.attach_alerts(self.alerts)

    def _prebuild_controls(self) -> None:
        from famguard.ui.control_editors import timezone_names

        # The controls page is the one heavy view (~70 ms in all): build it a row at a time
        # while the guardian reads the first screen, once the zone list was read on a worker.
        self.tasks.run(timezone_names, on_success=lambda _z: self.window.prebuild_controls_page(), name="zones")

    def _startup_local(self) -> LocalStart:
        """On a worker: the settings, the sign-in service, and the session of the guardian the
        settings remember when this computer's store says their sign-in is remembered — opened
        from the store alone (no keyring, no network, no `requests`: a few ms), so that their
        family is on screen before the rest comes up (`Backend.local_start`, which the composition
        root begins before building the window: this worker waits for it, the GUI thread never
        does). Settings handed to the controller are the ones kept."""
        settings, sessions, cached = self.backend.local_start()
        return self.settings or settings, sessions or self.backend.make_sessions(), cached

    def _local_ready(self, result: LocalStart) -> None:
        settings, sessions, cached = result
        self.settings = settings
        if cached is None:  # the sign-in service is handed over when the keyring has been asked
            if self.window.current_screen() == "startingView":
                # Opened on the starting screen for a family that the store does not give (signed
                # out, or unreadable): the welcome screen while the keyring is asked, as in a start
                # that opened on it.
                self.window.show_welcome()
            self._after_first_screen(partial(self._startup, sessions))
            return
        self.sessions = sessions  # a sign-out from the family shown needs it
        # The family as this computer last saw it, at once; the keyring is asked after its first
        # paint (it and the network side cost ~400 ms of CPU that would otherwise come first).
        self._cached = cached
        # Asked for first: while the family's paint is awaited, what the family's building does
        # for the keyboard waits for it too (famguard.ui.common.FocusRing, the home's first button).
        when_family_painted(self.window, self._confirm_cached, give_up_ms=CACHED_FAMILY_PAINT_WAIT_MS)
        self._open_session(cached, online=False)

    def _confirm_cached(self) -> None:
        if self._cached is None:  # the app is closing
            return
        if self.family is not None:
            self.family.build_rest()
        self._after_first_screen(self._startup)

    def _after_first_screen(self, startup: Callable[[], Started] | None) -> None:
        """What comes once the first screen is painted, in every start (the welcome screen, a family
        from the store, the demo family): the tray and notifications, the controls page's prebuild,
        the `startup` (keyring and network) when given, then what waits for the first screen."""
        self._make_alerts()
        self._prebuild_controls()
        if startup is not None:
            self.tasks.run(startup, on_success=self._started, on_error=self._startup_failed, name="startup")
        self._first_screen_up()

    def _startup(self, sessions: SessionService | None = None) -> Started:
        """On a worker: settings, the sign-in service and, for a returning guardian, the session
        itself, opened from the keyring and the local store without the network (or the error).
        The session already shown from the store (`_cached`) is the one resumed when the keyring
        remembers its account and still has its sign-in."""
        settings = self.settings or Settings.load()
        sessions = sessions or self.sessions or self.backend.make_sessions()
        cached = self._cached
        keyring_problem = None
        try:
            remembered = sessions.remembered_account()
        except Exception as exc:  # a keyring that fails must not stop the app from opening
            message = user_message(exc)
            if message is None:
                raise
            remembered, keyring_problem = None, message
        resumed: AccountSession | BaseException | None = None
        if remembered is not None:
            try:
                if cached is not None and sessions.unlock_cached(cached, *remembered):
                    resumed = cached
                else:
                    resumed = sessions.resume(*remembered, offline_ok=True)
            except Exception as exc:  # handled like a failed resume, on the GUI thread
                resumed = exc
        waiting = UnsentSummary()
        if cached is None or resumed is not cached:
            try:
                if cached is not None:
                    waiting = cached.unsent_summary()
                elif remembered is None:
                    # Signed in for that session only (or with no keyring): nothing opens from the
                    # store, and its changes kept on "Quit anyway" went unmentioned at the next
                    # start, which showed the first-run welcome (an outside tester).
                    server = self.server_override or settings.server_url
                    waiting = sessions.waiting_in_store(server, settings.last_email)
            except Exception:  # noqa: BLE001 - a courtesy: the changes stay in the outbox either way
                log.warning("Could not count the changes waiting in the local store")
        return sessions, settings, remembered, keyring_problem, resumed, waiting

    def _started(self, result: Started) -> None:
        if self._closing:
            return
        self.sessions, settings, remembered, keyring_problem, resumed, waiting = result
        self.settings = settings
        cached, self._cached = self._cached, None
        left = cached is not None and self.session is not cached  # signed out of it meanwhile
        if cached is not None and resumed is not cached:
            cached.stay_offline()  # what it asked of the service (a sign-out, too) fails now
        if cached is not None and not left and resumed is not cached:
            # The keyring does not confirm the family shown from the store (locked, another
            # account, forgotten): it is closed, and what follows is what a start without it does.
            self._close_family()
            self.session = None
            self.window.set_account(None, None)
            self.tasks.run(cached.close, name="close session", on_error=self._ignore)
            self.window.show_starting("")
        server = self.server_override or settings.server_url
        if server:
            self.window.sign_in.set_server(server)
        if settings.last_email:
            self.window.sign_in.set_email(settings.last_email)
        if keyring_problem:
            self._keyring_notice = f"ℹ {keyring_problem}"
            self.window.sign_in.set_keyring_available(False, keyring_problem)
        if waiting.count:
            # Changes made before, still in the outbox, wait for this account's next sign-in:
            # said, and named, since the quit question promised them "the next time FamGuard is
            # open and online" — in a notice of their own, which the sign-in form leaves up (it
            # says the keyring's problem itself, and hides that notice).
            them = "it" if waiting.count == 1 else "them"
            self.window.show_notice(f"ℹ {not_reached_words(waiting)} Sign in to send {them}.")
        elif keyring_problem:
            self.window.show_notice(f"ℹ {keyring_problem}")
        if remembered is None:
            # A returning guardian whose keyring cannot be read (locked, say), or whose changes
            # wait, signs in again: the form with their address, not the first-run welcome.
            again = bool((keyring_problem or waiting.count) and settings.last_email)
            if self.window.current_screen() == "startingView" or (
                again and self.window.current_screen() == "welcomeView"
            ):
                if again:
                    self.window.show_sign_in()
                else:
                    self.window.show_welcome()
            return
        if left:
            return
        if resumed is not None and resumed is cached:
            self.window.withdraw_notice()
            assert self.family is not None  # shown by _local_ready
            self.family.go_online()
            return
        self._resume = remembered
        if isinstance(resumed, BaseException):
            self._resume_failed(resumed)
        else:
            self._resumed(resumed)

    def _sign_in_built(self, view: SignInView) -> None:
        from famguard.ui.signin_presenter import KeepSignedInCheck

        # Whether "keep me signed in" can be honoured, asked each time the form is shown.
        self.keep_signed_in_check = KeepSignedInCheck(view, self.tasks, lambda: self.sessions)
        view.shown.connect(self._sign_in_shown)

    def _sign_in_shown(self) -> None:
        # The form says the keyring's problem under its "keep me signed in" box: not twice on one screen.
        if self._keyring_notice is not None:
            self.window.withdraw_notice(self._keyring_notice)

    def _startup_failed(self, exc: BaseException) -> None:
        self._make_alerts()
        self.report_error(exc)
        self.window.show_welcome()
        self._first_screen_up()

    def _try_resume(self) -> None:
        sessions = self.sessions
        if self._resume is None or sessions is None:
            return
        server, email = self._resume
        self.tasks.run(
            lambda: sessions.resume(server, email, offline_ok=True),
            on_success=self._resumed,
            on_error=self._resume_failed,
            name="resume",
        )

    def _resumed(self, session: AccountSession | None) -> None:
        self._resume = None
        self.window.withdraw_notice()
        if session is None:  # nothing remembered after all
            self.show_sign_in(create_account=False)
            return
        self.window.offline_banner.set_offline(False)
        self._open_session(session)

    def _resume_failed(self, exc: BaseException) -> None:
        message = user_message(exc)
        if message is None:
            self._resume = None
            self.report_error(exc)
            self.window.show_welcome()
            return
        if kind_of(exc) is ErrorKind.OFFLINE:
            # Only an account never confirmed on this computer needs the server to open at all.
            server, email = self._resume or ("", "")
            self.window.set_account(email, server)
            self.window.show_family()
            self.window.show_no_teen("Connecting to the service…")
            from famguard.api.errors import service_problem

            # Not "offline" when the service is at fault (hung, stopped): the connection is fine.
            offline = "" if service_problem(exc) else "You are offline: "
            self.window.offline_banner.show_text(f"⚠ {offline}{message} FamGuard keeps trying.")
            self._resume_timer.start(RESUME_RETRY_MS)
            return
        self._resume = None
        self.show_sign_in(create_account=False)
        self.window.sign_in.show_message(message, error=True)

    # --- sign-in -----------------------------------------------------------------------------

    def show_sign_in(self, *, create_account: bool) -> None:
        self.window.show_sign_in(create_account=create_account)

    def sign_in(self, request: SignInRequest) -> None:
        if self.sessions is None:
            self.window.sign_in.show_message("FamGuard is still starting; try again in a moment.", error=True)
            return
        self.window.sign_in.set_busy(True)
        self._sign_in_task = self.tasks.run(
            partial(self._do_sign_in, request),
            on_success=self._signed_in,
            on_error=self._sign_in_failed,
            name="sign in",
        )

    def _do_sign_in(self, request: SignInRequest) -> AccountSession:
        sessions = self.sessions
        assert sessions is not None  # sign_in() checked it
        if request.create_account:
            sessions.create_account(request.server, request.email, request.password, request.display_name)
        session = sessions.sign_in(request.server, request.email, request.password, remember=request.keep_signed_in)
        if self.settings is not None and not self.demo_env:
            self.settings.remember(server_url=session.server_url, last_email=session.email)
        return session

    def _signed_in(self, session: AccountSession) -> None:
        if self._sign_in_task is None:  # cancelled while on its way: sign that sign-in out again
            self._discard(session)
            return
        self._sign_in_task = None
        self.window.sign_in.set_busy(False)
        self.window.sign_in.clear_password()
        # The form offers the address signed in with (trimmed, as remembered), not the one typed.
        self.window.sign_in.set_email(session.email)
        self._open_session(session)
        if session.remember_problem:
            self.window.show_notice(f"⚠ Signed in for this session only. {session.remember_problem}")

    def _sign_in_failed(self, exc: BaseException) -> None:
        if self._sign_in_task is None:
            return  # cancelled: the guardian is no longer waiting for this answer
        self._sign_in_task = None
        view = self.window.sign_in
        view.set_busy(False)
        message = user_message(exc)
        if message is None:
            self.report_error(exc)
            message = "Something went wrong. The details were logged; please try again."
        view.show_message(message, error=True)
        # The field the problem is about: the address when the service could not be reached or
        # something else answered there.
        field = view.server_edit if about_the_address(exc) else view.password_edit
        field.setFocus()
        field.selectAll()

    def _cancel_sign_in(self) -> None:
        if self._sign_in_task is not None:
            # A request on the wire cannot be called back; its late answer is undone (_signed_in).
            self._sign_in_task = None
            self.window.sign_in.set_busy(False)
            self.window.sign_in.show_message("Sign-in cancelled.")
            return
        self.window.show_welcome()

    def _open_session(self, session: AccountSession, *, online: bool = True) -> None:
        """Show the session's family; `online=False`: from the local store only, until
        `FamilyPresenter.go_online` (a family shown before the keyring confirmed it)."""
        self.session = session
        label = f"{session.account.display_name} ({session.email})"
        self.family = FamilyPresenter(
            self.window, self.tasks, session, account_label=label, on_signed_out=self._sign_in_ended, alerts=self.alerts
        )
        self.family.start(online=online)
        self.backend.family_opened()
        self.window.teen_list.list.setFocus()  # the keyboard starts at the family, not nowhere

    def _sign_in_ended(self) -> None:
        """The server refused the sign-in (revoked, or expired while away): the keyring entry is
        forgotten already; close this account here and ask for the password again. Changes not
        sent stay in its local store for the next sign-in."""
        session = self.session
        if session is None or self.demo_env is not None:
            return
        self._close_family()
        self.session = None
        self.window.set_account(None, None)
        self.tasks.run(session.close, name="close session", on_error=self._ignore)
        self.show_sign_in(create_account=False)
        self.window.sign_in.set_email(session.email)
        self.window.sign_in.set_server(session.server_url)
        self.window.sign_in.show_message("Your sign-in has ended. Please sign in again.", error=True)

    # --- quitting ------------------------------------------------------------------------------

    def _may_quit(self) -> bool:
        """Whether quitting may go on at once: not while changes of the signed-in guardian have not
        reached the service (the teen's phone keeps the old settings until FamGuard is open and
        online again) — those are counted on a worker and asked about first (`_confirm_quit`).
        The demo's changes go with its practice family, and nothing is asked of a closing app."""
        session = self.session
        if self._closing or session is None or self.demo_env is not None or self.family is None:
            return True
        if self._quit_question is None:
            self._quit_question = self.tasks.run(
                self._unsent_summary(session),
                on_success=partial(self._confirm_quit, session),
                on_error=partial(self._count_failed, session),
                name="count unsent",
            )
        return False

    def _count_failed(self, session: AccountSession, exc: BaseException) -> None:
        log.warning("Quitting without counting the unsent changes: %s", exc)  # they stay in the outbox
        self._confirm_quit(session, UnsentSummary())

    def _confirm_quit(self, session: AccountSession, unsent: UnsentSummary) -> None:
        from famguard.ui.dialogs import confirm_quit

        self._quit_question = None
        if self._closing or session is not self.session:  # signed out or closed meanwhile
            return
        if unsent.count and not confirm_quit(self.window, unsent):
            self.window.return_focus()
            return
        self.window.quit_now()

    # --- sign-out ----------------------------------------------------------------------------

    def sign_out(self) -> None:
        session = self.session
        if session is None:
            return
        self.window.settle_choices()
        self.tasks.run(self._unsent_summary(session), on_success=self._confirm_sign_out, name="count unsent")

    def _unsent_summary(self, session: AccountSession) -> Callable[[], UnsentSummary]:
        """For a worker: the changes not sent, counted once the controls page's last ones are
        queued (a click just before Ctrl+Q was queued by a task still running)."""
        queued = self.family.controls.until_queued() if self.family is not None else lambda: None

        def count() -> UnsentSummary:
            queued()
            session.sync.wait_sent(SENDING_GRACE_S)  # online, a change just made goes in milliseconds
            return session.unsent_summary()

        return count

    def _confirm_sign_out(self, unsent: UnsentSummary) -> None:
        session = self.session
        from famguard.ui.dialogs import confirm_sign_out

        if session is None or not confirm_sign_out(self.window, unsent, demo=self.demo_env is not None):
            self.window.return_focus()
            return
        self._close_family()
        self.window.set_account(None, None)
        self.window.show_welcome()
        if self.demo_env is not None:
            # _stop_demo takes the session and closes it: its calls still waiting for a practice
            # service that was starting give up then, instead of holding their workers for ever.
            self._stop_demo()
            return
        self.session = None
        self._discard(session)

    def _discard(self, session: AccountSession) -> None:
        """Sign this session out, dropping what it did not send (the guardian agreed, or never saw it)."""
        sessions = self.sessions
        if sessions is not None:
            self.tasks.run(
                lambda: sessions.sign_out(session, discard_unsent=True), name="sign out", on_error=self._ignore
            )

    def _close_family(self) -> None:
        if self.family is not None:
            self.family.close()
            self.family = None
        self.window.teen_list.set_teens([])
        self.window.offline_banner.set_offline(False)
        self.window.withdraw_notice()

    # --- demo --------------------------------------------------------------------------------

    def start_demo(self) -> None:
        self.window.show_starting("Starting the practice service with the demo family…")
        self.window.set_demo(True)
        self.tasks.run(self._do_start_demo, on_success=self._demo_ready, on_error=self._demo_failed, name="demo")

    def _do_start_demo(self) -> tuple[DemoEnvironment, AccountSession]:
        """On a worker, a few ms: the demo's folder and port, and its guardian's session from a
        store written with what the practice service will answer (the service comes later)."""
        env = self.backend.start_demo()
        try:
            session = env.session()
        except BaseException:
            env.stop()
            raise
        return env, session

    def _demo_ready(self, result: tuple[DemoEnvironment, AccountSession]) -> None:
        env, session = result
        if self._closing:  # quit before this answer came: nothing of it is kept
            session.close()
            env.stop()
            return
        self.demo_env = env
        if self._real_sessions is None:
            self._real_sessions = self.sessions  # back to the keyring when the demo ends
        self.sessions = env.sessions
        # The family at once, from the store; its calls to the service wait for the service (and
        # an edit waits in the outbox), which starts after this first paint: importing the server
        # stack is ~1 s of CPU that would otherwise come first.
        when_family_painted(  # asked for first, as a returning guardian's start does (_local_ready)
            self.window, partial(self._demo_family_painted, env, session), give_up_ms=DEMO_SERVICE_WAIT_MS
        )
        self._open_session(session, online=False)
        self.window.show_notice(DEMO_STARTING_NOTICE)

    def _demo_family_painted(self, env: DemoEnvironment, session: AccountSession) -> None:
        self._start_demo_service(env, session)
        self._demo_first_screen_up()

    def _demo_first_screen_up(self) -> None:
        """When the app was started with --demo: its demo family (or the welcome screen, when the demo
        failed) is the first screen, and, as for a family from the local store, the tray (~25 ms of
        Qt's enums), the controls page's prebuild (~70 ms a row at a time) and what waits for the
        first screen (the icon, the listener for other launches: ~45 ms) come after its paint."""
        if self._after_start is None or self._closing:  # a demo chosen or reset later, or quitting
            return
        self._after_first_screen(None)

    def _start_demo_service(self, env: DemoEnvironment, session: AccountSession) -> None:
        if self.demo_env is not env:  # reset, signed out or quit meanwhile
            return
        if self.family is not None:  # every teen's today and requests (Sam's waiting one), from the store too
            self.family.home.reload_all()
        self.tasks.run(
            partial(env.start_service, session),
            on_success=lambda _none: self._demo_live(env, session),
            on_error=partial(self._demo_service_failed, env),
            name="demo service",
        )

    def _demo_live(self, env: DemoEnvironment, session: AccountSession) -> None:
        if self.demo_env is not env or self.session is not session or self.family is None:
            return
        was_said = self.window.notice.isVisible() and self.window.notice.text() == DEMO_STARTING_NOTICE
        self.window.withdraw_notice()
        if was_said:
            # Its start was said aloud, and its end only taken off the screen (an outside tester,
            # by ear, after "Reset demo").
            from famguard.ui.common import announce

            announce(self.window, "The practice service is up: changes are sent to it now.")
        self.family.go_online()
        if env.teen is not None:
            from famguard.ui.teen_presenter import TeenPhonePresenter

            # The phone's reads (~8, and its long poll) start now, after the family's first paint
            # and the service's start: before it they shared the practice service's one thread and
            # Python's lock with the family's own reads (tests/benchmarks/demo_phases.py).
            self.teen_phone = phone = TeenPhonePresenter(self.window, self.tasks, env.teen)
            phone.show_teen()
            phone.start()

    def _demo_service_failed(self, env: DemoEnvironment, exc: BaseException) -> None:
        if self.demo_env is not env:  # stopped on purpose meanwhile (reset, sign-out, quit)
            log.info("The practice service's start ended with the demo: %s", exc)
            return
        self._close_family()
        self.window.set_account(None, None)
        self._stop_demo()
        self._demo_failed(exc)

    def _demo_failed(self, exc: BaseException) -> None:
        self.window.set_demo(False)
        self.window.show_welcome()
        self.report_error(exc)
        self._demo_first_screen_up()

    def demo_ask_to_join(self) -> None:
        """Practice for support staff: the demo's guardian account linked with nobody pairs with
        the phone's teen, so the demo guardian is asked to approve it — the teen's home shows the
        question (the events bring it, and its news). Said in words when it cannot be done."""
        env = self.demo_env
        if env is None:
            return
        button = self.window.ask_to_join_button
        button.setEnabled(False)  # one pairing at a time

        def asked(pairing: Pairing) -> None:
            from famguard.domain.models import PairingStatus

            button.setEnabled(True)
            if self.demo_env is not env or self.family is None or pairing.teen is None:
                return
            teen, who = pairing.teen.display_name, pairing.guardian_name or "The practice account"
            self.family.teen_list.select_when_listed(pairing.teen.id)
            if pairing.status is not PairingStatus.APPROVAL:  # approved in an earlier practice run
                self.window.show_notice(
                    f"Practice: “{who}” is a guardian of {teen} already, so nobody is asked. "
                    "Choose “Reset demo” to practise again.",
                    hide_after_ms=20000,
                )

        def failed(exc: BaseException) -> None:
            button.setEnabled(True)
            if self.demo_env is env:
                self.window.show_notice(f"✗ Practice not started: {user_message(exc) or exc}", hide_after_ms=20000)
                if user_message(exc) is None:
                    self.report_error(exc)

        self.tasks.run(env.ask_to_join, on_success=asked, on_error=failed, name="demo: someone asks to join")

    def reset_demo(self) -> None:
        if self.demo_env is None:
            return
        self._close_family()
        # Not the old family's page meanwhile: its values, "✓ On Maya's phone since …" and all, stood
        # for ~1.5 s beside an empty list, as if the reset had kept them (a support agent).
        self.window.show_no_teen("Starting the practice family again…")
        # _stop_demo takes the session and closes it: its calls still waiting for a practice
        # service that was starting give up then, instead of holding their workers for ever.
        self._stop_demo(then=self.start_demo)

    def _stop_demo(self, then: Callable[[], None] | None = None) -> None:
        env, self.demo_env = self.demo_env, None
        session, self.session = self.session, None
        if self.teen_phone is not None:
            self.teen_phone.close()
            self.teen_phone = None
        if then is None:
            self.window.set_demo(False)
            self.sessions, self._real_sessions = self._real_sessions, None

        def stop() -> None:
            if session is not None:
                session.close()
            if env is not None:
                env.stop()

        def stopped(_result: None) -> None:
            if then is not None:
                then()

        self.tasks.run(stop, on_success=stopped, name="stop demo")

    # --- preferences -------------------------------------------------------------------------

    def edit_preferences(self) -> None:
        from famguard.ui.preferences import PreferencesDialog

        settings = self.settings
        if settings is None and self.demo_requested:
            # A start with --demo never reads this computer's settings (the demo family's are
            # made up): read them now, on a worker, and open the dialog with them.
            self.tasks.run(Settings.load, on_success=self._preferences_read, name="read preferences")
            return
        if settings is None:
            self.window.show_notice("ℹ FamGuard is still starting; try again in a moment.", hide_after_ms=8000)
            return
        has_tray = self.alerts is not None and self.alerts.has_tray
        dialog = self.preferences_dialog = PreferencesDialog(settings, has_tray=has_tray, parent=self.window)

        def finished(result: int) -> None:
            self.preferences_dialog = None
            self.window.return_focus()
            if result != PreferencesDialog.DialogCode.Accepted:
                return
            chosen = dialog.values()
            self.tasks.run(
                lambda: settings.save_preferences(
                    server_url=chosen.server_url, notify=chosen.notify, close_to_tray=chosen.close_to_tray
                ),
                on_success=lambda _r: self._preferences_saved(chosen.server_url),
                name="save preferences",
            )

        dialog.finished.connect(finished)
        dialog.open()

    def _preferences_read(self, settings: Settings) -> None:
        if self.settings is None:
            self.settings = settings
        self.edit_preferences()

    def _preferences_saved(self, server_url: str) -> None:
        if server_url:  # signed in too (the demo): the form is used at the next sign-in
            self.window.sign_in.set_server(server_url)
        self.window.show_notice("✓ Preferences saved.", hide_after_ms=5000)

    # --- errors and exit ---------------------------------------------------------------------

    def report_error(self, exc: BaseException) -> None:
        """The last stop of an error nobody handled: logged with its traceback, and shown."""
        from famguard.ui.dialogs import show_error

        details = getattr(exc, "__famguard_traceback__", "") or repr(exc)
        log.error("Unhandled error: %s", details)
        title = exc.title if isinstance(exc, FamGuardError) else "Something went wrong"
        message = user_message(exc) or "FamGuard hit a problem it did not expect. Your changes are kept."
        self.last_error_box = show_error(self.window, str(title), message, details)

    @staticmethod
    def _ignore(exc: BaseException) -> None:
        log.info("Ignored during sign-out: %s", user_message(exc) or repr(exc))

    def shutdown(self) -> None:
        """At exit: stop syncing, close the database, stop the demo server."""
        self._resume_timer.stop()
        self._closing = True
        if self._cached is not None:  # never confirmed: its calls waiting for that give up now
            self._cached.stay_offline()
            self._cached = None
        if self.alerts is not None:
            self.alerts.hide_tray()
        if self.family is not None:
            self.family.close()
            self.family = None
        if self.teen_phone is not None:
            self.teen_phone.close()
            self.teen_phone = None
        if self.demo_env is not None:
            # Nothing of the demo is kept: its service stops first, so the phone's long poll in
            # flight ends now instead of keeping the process up to 3 s after the window closed;
            # and calls still waiting for a service that was starting give up now.
            if self.session is not None:
                self.session.stay_offline()
            self.demo_env.stop_service()
        self.tasks.wait_for_done(10000)  # work in flight still uses the database: let it finish
        if self.session is not None:
            self.session.close()
            self.session = None
        if self.demo_env is not None:
            self.demo_env.stop()
            self.demo_env = None
        self.tasks.wait_for_done(10000)
        self.collector.stop()
