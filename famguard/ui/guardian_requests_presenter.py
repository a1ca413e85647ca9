"""Drives the answers to accounts asking to become a teen's guardian: shows the selected teen's
waiting requests on the home (from the cache at once, then the service's), tells the guardian of
each new one (the notice bar or the desktop notification, switchable like "another guardian is
linked"), asks before approving — the safe answer is the default — and sends the answer on a
worker, saying what became of it: approved, refused, answered first by another guardian, expired,
or not sent because the service cannot be reached (nothing was given then; ask again)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QMessageBox

from famguard.domain.errors import ErrorKind, kind_of, user_message
from famguard.domain.models import GuardianRequest, Pairing
from famguard.domain.plain_text import account_in_news
from famguard.ui.dialogs import ask_without_blocking, safe_question
from famguard.ui.guardian_requests import GuardianRequestsSection
from famguard.ui.home_presenter import News
from famguard.ui.presenter import FailureHandler, Presenter
from famguard.ui.tasks import TaskRunner
from famguard.ui.teen_list_presenter import TeenListPresenter

if TYPE_CHECKING:
    from famguard.services import FamilyService
    from famguard.ui.home_presenter import NewsSink
    from famguard.ui.main_window import MainWindow


class GuardianRequestsPresenter(Presenter):
    def __init__(
        self,
        window: MainWindow,
        tasks: TaskRunner,
        family: FamilyService,
        teens: TeenListPresenter,
        *,
        my_name: str,
        on_news: NewsSink,
        on_settled: Callable[[str], None] = lambda _about: None,
        on_failure: FailureHandler | None = None,
    ) -> None:
        """`on_settled(request id)`: a request told of is no longer waiting (answered here or by
        another guardian, called off, run out): the news asking to answer it goes."""
        super().__init__(window, tasks, on_failure=on_failure)
        self.family = family
        self.teens = teens
        self.my_name = my_name
        self.on_news = on_news
        self.on_settled = on_settled
        self.question: QMessageBox | None = None  # "Approve …?" while it is asked
        self._told: set[str] = set()  # the requests the guardian has been told of
        self._waiting_told: dict[str, str] = {}  # request -> teen, told of and still waiting
        section = window.ensure_home_page().section(GuardianRequestsSection)
        assert isinstance(section, GuardianRequestsSection)
        self.section = section
        self.track(section.answer_requested, self.answer)

    # --- showing -------------------------------------------------------------------------------

    def show(self, teen_id: str) -> None:
        """The guardian selected this teen: the cached requests at once, then the service's."""
        self.reload(teen_id)
        self.refresh(teen_id)

    def refresh(self, teen_id: str) -> None:
        """Ask the service (its notice then shows them). A failure keeps what is shown: an older
        service without the route, or the network; only a bug is reported."""
        self.run_once(("guardian requests", teen_id), partial(self.family.refresh_guardian_requests, teen_id),
                      lambda _r: None, on_error=self._keep_shown)  # fmt: skip

    def _keep_shown(self, exc: BaseException) -> None:
        if kind_of(exc) is ErrorKind.BUG:
            self.tasks.error_reporter(exc)

    def reload(self, teen_id: str) -> None:
        """The teen's requests changed in the cache: tell of new ones, and show them if the teen
        is on screen."""
        self.run_latest(("guardian requests", teen_id), partial(self.family.cached_guardian_requests, teen_id),
                        partial(self._loaded, teen_id), name="load guardian requests")  # fmt: skip

    def _loaded(self, teen_id: str, requests: list[GuardianRequest]) -> None:
        row = self.teens.row(teen_id)
        if row is None:
            return
        waiting = {request.id for request in requests}
        for settled in [r for r, teen in self._waiting_told.items() if teen == teen_id and r not in waiting]:
            del self._waiting_told[settled]
            self.on_settled(settled)
        for request in requests:
            if request.id not in self._told:
                self._told.add(request.id)
                self._waiting_told[request.id] = teen_id
                who = account_in_news(request.guardian_name, self.my_name)
                self.on_news(
                    News.JOINED,
                    f"{who} asks to become a guardian of {row.name}",
                    f"Nothing changes unless you or another guardian of {row.name}'s approves. "
                    f"Answer on {row.name}'s home; if you do not know who this is, refuse, and ask {row.name}.",
                    request.id,
                )
        if teen_id == self.teens.current:
            self.section.show_requests(teen_id, row.name, requests, self.my_name, datetime.now(UTC))

    # --- answering -----------------------------------------------------------------------------

    def answer(self, request: GuardianRequest, approve: bool) -> None:
        row = self.teens.row(request.teen_id)
        teen = row.name if row is not None else "your teen"
        if not approve:
            self._send(request, False, teen)
            return
        box, approve_button = safe_question(  # Enter and Esc give nobody anything
            self.window,
            "approveGuardianQuestion",
            "FamGuard — Approve a guardian?",
            f"Let “{request.guardian_name}” become a guardian of {teen}?",
            f"They will see {teen}'s settings, history and use, change any rule and answer {teen}'s requests, "
            f"until they or {teen} end the link. Only approve someone you know.",
            "&Approve",
            "&Not now",
            icon=QMessageBox.Icon.Warning,
            act_role=QMessageBox.ButtonRole.AcceptRole,
        )

        def answered(acted: bool) -> None:
            self.question = None
            if acted:
                self._send(request, True, teen)
            else:
                self.section.focus_approve(request)

        self.question = ask_without_blocking(box, approve_button, answered)

    def _send(self, request: GuardianRequest, approve: bool, teen: str) -> None:
        section = self.section
        section.set_busy(request, True)
        section.say(f"Sending your answer about “{request.guardian_name}”…")
        who = f"“{request.guardian_name}”"

        def done(_pairing: Pairing) -> None:
            # Answered: its buttons stay off until the list read again drops it (they came back,
            # and a second click answered it again: "refused already").
            if approve:
                section.say(f"✓ {who} is now a guardian of {teen}. Every change they make is in the history.")
            else:
                section.say(f"✓ Refused: {who} is not a guardian of {teen}, and they have been told.")

        def failed(exc: BaseException) -> None:
            from famguard.api import errors as api_errors  # loaded by the services already

            section.set_busy(request, False)
            if kind_of(exc) is ErrorKind.BUG:
                self.tasks.error_reporter(exc)
                section.say("✗ Something went wrong; your answer may not have been given. The details were logged.")
            elif isinstance(exc, api_errors.Gone):
                section.say(f"✗ The question from {who} has expired: nothing changed. They can ask again.")
            elif isinstance(exc, api_errors.NotFound):  # called off by its asker, or the teen unlinked
                section.say(f"ℹ {who} no longer asks (the question was called off): there is nothing to answer.")
            elif kind_of(exc) is ErrorKind.CONFLICT:  # another guardian was first, or the teen is full or 18
                section.say(f"ℹ Not answered: {user_message(exc)}")
            elif kind_of(exc) is ErrorKind.OFFLINE:
                section.say(
                    f"✗ Not sent: FamGuard cannot reach the service, so {who} was neither approved nor "
                    f"refused. Answer again {api_errors.try_again_when(exc)}."
                )
            else:
                section.say(f"✗ Not answered: {user_message(exc)}")
            # The list itself: the service call read it again after the answer, and its notice
            # shows what is still waiting.

        self.run(partial(self.family.answer_guardian_request, request, approve), done, on_error=failed,
                 name="answer a guardian request")  # fmt: skip
