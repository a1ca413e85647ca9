"""Drives "Waiting for approval": this guardian's own questions to become a guardian of a teen
(asked at "Confirm" when the teen has guardians already). Read from the cache at once and from
the service after the family is on screen, again whenever the events say a pairing moved or the
teens changed, and when the soonest question runs out. A question that is no longer waiting is
told in words — approved (the teen is in the list now), refused, expired, called off — in the
panel and as news (the notice bar or a desktop notification), also when it was answered while
the app was closed. "Call off…" asks first, with "Keep waiting" the default for Enter and Esc,
and sends the call-off on a worker."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QMessageBox

from famguard.domain.errors import ErrorKind, kind_of, user_message
from famguard.domain.models import PairingStatus
from famguard.ui.asked_requests import AskedRequestsPanel, teen_name
from famguard.ui.dialogs import ask_without_blocking, safe_question
from famguard.ui.home_presenter import News
from famguard.ui.presenter import FailureHandler, Presenter
from famguard.ui.tasks import TaskRunner

if TYPE_CHECKING:
    from famguard.domain.models import Pairing
    from famguard.services import FamilyService
    from famguard.services.family import AskedRequests
    from famguard.ui.home_presenter import NewsSink
    from famguard.ui.main_window import MainWindow

# The service's list is first read this long after the family is on screen: nothing about it is
# urgent, and the first sync's reads (and a demo's practice service) come first.
FIRST_READ_AFTER_MS = 2000
# A timer for the soonest question's end: at most this far ahead (Qt's timers take an int of ms;
# a later one is armed again when this one fires).
LONGEST_WAIT_MS = 6 * 60 * 60 * 1000
SOONEST_READ_MS = 30_000


def called_off_words(teen: str) -> str:
    return f"✓ Called off: {teen}'s guardians are no longer asked. Nothing was linked."


class AskedRequestsPresenter(Presenter):
    def __init__(
        self,
        window: MainWindow,
        tasks: TaskRunner,
        family: FamilyService,
        *,
        on_news: NewsSink,
        on_waiting: Callable[[list[str]], None] = lambda _names: None,
        on_failure: FailureHandler | None = None,
    ) -> None:
        super().__init__(window, tasks, on_failure=on_failure)
        self.family = family
        self.on_news = on_news
        self.on_waiting = on_waiting  # the names of the teens asked about, after each change
        self.question: QMessageBox | None = None  # "Call off …?" while it is asked
        self.panel = AskedRequestsPanel()
        window.teen_list.place_below_list(self.panel)
        self.track(self.panel.call_off_requested, self.call_off)
        self._asking = False
        self._read_again = False
        self._answered = False  # the service's list was shown
        self._approved_about = ""  # the teen an "Approved" on the panel is about (`gone`)
        self._calling_off: set[str] = set()  # told by the call-off itself, not as news
        self._runs_out = QTimer(self)
        self._runs_out.setSingleShot(True)
        self._runs_out.timeout.connect(self.refresh)

    def start(self) -> None:
        """The cached questions at once (the service's once online: refresh_soon)."""
        self.run(self.family.cached_asked_requests, self._show_cached, name="load my guardian requests")

    def _show_cached(self, waiting: list[Pairing]) -> None:
        if not self._answered:  # a read of the store later than the service's answer is older than it
            self._show(waiting)

    def refresh_soon(self) -> None:
        """The service's list a moment after going online (it also tells what became of any
        question that stopped waiting while the app was closed)."""
        QTimer.singleShot(FIRST_READ_AFTER_MS, self, self.refresh)

    @property
    def waiting(self) -> bool:
        """Whether a question of this guardian's is shown as waiting."""
        return bool(self.panel.shown)

    def close(self) -> None:
        self._runs_out.stop()
        if self.question is not None:
            self.question.close()
        self.panel.setParent(None)
        self.panel.deleteLater()
        super().close()

    # --- reading -------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Ask the service; one read at a time, and one more after it when asked meanwhile (an
        answer that came while a read was on its way must not wait for the next event)."""
        if self.closed:
            return
        if self._asking:
            self._read_again = True
            return
        self._asking = True
        self.run(self.family.refresh_asked_requests, self._loaded, on_error=self._not_read,
                 name="refresh my guardian requests")  # fmt: skip

    def _read_done(self) -> None:
        self._asking = False
        if self._read_again:
            self._read_again = False
            self.refresh()

    def _not_read(self, exc: BaseException) -> None:
        """What is shown stays (offline, or a service without the list); only a bug is reported."""
        self._read_done()
        if kind_of(exc) is ErrorKind.BUG:
            self.tasks.error_reporter(exc)

    def _loaded(self, asked: AskedRequests) -> None:
        self._answered = True
        self._read_done()
        self._show(asked.waiting)
        for pairing in asked.ended:
            self._tell(pairing)

    def _show(self, waiting: list[Pairing]) -> None:
        self.panel.show_requests(waiting)
        self.on_waiting([teen_name(p) for p in waiting])
        ends = [p.expires_at for p in waiting if p.expires_at is not None]
        if ends:
            left_ms = int((min(ends) - datetime.now(UTC)).total_seconds() * 1000) + 1000
            # At least SOONEST_READ_MS: a computer whose clock runs ahead of the service's would
            # otherwise read the list again every second until the service's time caught up.
            self._runs_out.start(min(max(left_ms, SOONEST_READ_MS), LONGEST_WAIT_MS))
        else:
            self._runs_out.stop()

    def _tell(self, pairing: Pairing) -> None:
        name = teen_name(pairing)
        if pairing.id in self._calling_off and pairing.status is PairingStatus.CANCELLED:
            # This guardian's own call-off, also one whose reply was lost on the way ("not sent"
            # was said then): no news, the panel says it landed. An answer that came first is
            # told below.
            self.panel.say(called_off_words(name))
            return
        about, symbol = "", ""
        if pairing.status is PairingStatus.ACTIVE:
            symbol = "✓"
            title = f"You are now a guardian of {name}"
            text = f"One of {name}'s guardians approved your request. {name} is in your list of teens."
            self.panel.say(f"✓ Approved: you are now a guardian of {name}.")
            # Until the link ends (`gone`): it stayed above "No teens linked yet" once it had.
            about = self._approved_about = f"guardian of:{pairing.teen.id}" if pairing.teen else ""
        elif pairing.status is PairingStatus.REFUSED:
            title = f"Your request to become a guardian of {name} was refused"
            text = f"One of {name}'s guardians said no: you are not linked with {name}. Talk with them first."
            self.panel.say(f"✗ Refused: one of {name}'s guardians said no, so you are not linked with {name}.")
        elif pairing.status is PairingStatus.EXPIRED:
            title = f"Your request to become a guardian of {name} ran out"
            text = f"None of {name}'s guardians answered in 3 days. Pair again with a new code to ask once more."
            self.panel.say(f"ℹ Ran out: none of {name}'s guardians answered in 3 days. Pair again to ask once more.")
        elif pairing.status is PairingStatus.CANCELLED:
            title = f"Your request to become a guardian of {name} was called off"
            text = f"It was called off on {name}'s phone or on another computer of yours: nothing was linked."
            self.panel.say(f"ℹ Called off: your request about {name} no longer stands; nothing was linked.")
        else:
            return  # still on its way somewhere (a confirm in flight): the next read says it
        self.on_news(News.JOINED, title, text, about, symbol)

    def gone(self, teen_id: str) -> str:
        """This guardian's link with the teen ended: "Approved: you are now a guardian of Maya" is
        no longer so, and goes from the panel. Returns what the news said was about ("" when
        none), for the notice bar to take it back too."""
        about = f"guardian of:{teen_id}"
        if self._approved_about != about:
            return ""
        self._approved_about = ""
        self.panel.say("")
        return about

    # --- calling off ---------------------------------------------------------------------------

    def call_off(self, pairing: Pairing) -> None:
        name = teen_name(pairing)
        box, call_off = safe_question(  # Enter and Esc take nothing back
            self.window,
            "callOffAskedQuestion",
            "FamGuard — Call off your request?",
            f"Call off your request to become a guardian of {name}?",
            f"{name}'s guardians will no longer be asked. To ask again later, {name} must enter a new pairing "
            "code on the phone.",
            "&Call off",
            "&Keep waiting",
        )

        def answered(acted: bool) -> None:
            self.question = None
            if acted:
                self._send_call_off(pairing, name)
            else:
                self.panel.focus_first()

        self.question = ask_without_blocking(box, call_off, answered)

    def _send_call_off(self, pairing: Pairing, name: str) -> None:
        panel = self.panel
        panel.set_busy(pairing, True)
        panel.say(f"Calling off your request about {name}…")
        self._calling_off.add(pairing.id)

        def done(_result: object) -> None:
            self._show([p for p in panel.shown if p.id != pairing.id])  # gone now, not at the next read
            panel.say(called_off_words(name))
            self.refresh()

        def failed(exc: BaseException) -> None:
            # Still ours if the service shows it called off at the next read: an answer lost on
            # the way can follow a call-off that landed.
            panel.set_busy(pairing, False)
            if kind_of(exc) is ErrorKind.BUG:
                self.tasks.error_reporter(exc)
                panel.say("✗ Something went wrong; the request may still stand. The details were logged.")
            elif kind_of(exc) is ErrorKind.CONFLICT:  # approved meanwhile: ending the link is the way now
                panel.say(f"ℹ Not called off: {user_message(exc)}")
            elif kind_of(exc) is ErrorKind.OFFLINE:
                from famguard.api.errors import try_again_when  # loaded by the services already

                panel.say(
                    f"✗ Not sent: FamGuard cannot reach the service, so your request about {name} still stands. "
                    f"Call it off again {try_again_when(exc)}."
                )
            else:
                panel.say(f"✗ Not called off: {user_message(exc)}")
            self.refresh()

        self.run(partial(self.family.cancel_pairing, pairing.id), done, on_error=failed,
                 name="call off my guardian request")  # fmt: skip
