"""Drives the answers to requests for more time, wherever they are given (a teen's home, the
inbox): asks the server for a teen's requests when that teen is selected (the store's notice then
updates the home, the list and the inbox), and sends the guardian's answers — one, or several at
once from the inbox."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from famguard.domain.errors import ErrorKind, kind_of, user_message
from famguard.domain.models import TimeRequest, TimeRequestStatus
from famguard.domain.plain_text import account_in_news
from famguard.domain.schedule import format_minutes
from famguard.ui.presenter import FailureHandler, Presenter
from famguard.ui.tasks import TaskRunner
from famguard.ui.teen_list_presenter import TeenListPresenter

if TYPE_CHECKING:
    from famguard.services import FamilyService
    from famguard.ui.main_window import MainWindow

ANSWERED_ELSEWHERE = "ℹ Another guardian answered this request first."
Answer = tuple[TimeRequest, bool, "int | None"]  # the request, approve, minutes (None: as asked)


class TimeRequestsPresenter(Presenter):
    """`on_decided(teen_id)` runs after an answer went through (an approval raises the limit)."""

    def __init__(
        self,
        window: MainWindow,
        tasks: TaskRunner,
        family: FamilyService,
        teens: TeenListPresenter,
        *,
        on_decided: Callable[[str], None],
        on_failure: FailureHandler | None = None,
        my_name: str = "",
    ) -> None:
        super().__init__(window, tasks, on_failure=on_failure)
        self.my_name = my_name  # another account with this guardian's name is said to be one
        self.family = family
        self.teens = teens
        self.on_decided = on_decided
        self.box = window.ensure_home_page().requests
        self.track(self.box.decide_requested, self.decide)

    def show(self, teen_id: str) -> None:
        """The guardian selected this teen: ask the server for their requests."""
        self.refresh(teen_id)

    def refresh(self, teen_id: str) -> None:
        self.run_once(("time_requests", teen_id), partial(self.family.refresh_time_requests, teen_id), _stored)

    def decide(self, request: TimeRequest, approve: bool, minutes: int | None) -> None:
        row = self.teens.row(request.teen_id)
        given = format_minutes(request.minutes if minutes is None else minutes)
        # Said with whose it was, as the inbox says it: "Allowed 15 min more." did not say to whom.
        if row is None:
            words = f"Allowed your teen {given} more." if approve else "Your teen's request denied."
        else:
            words = f"Allowed {row.name} {given} more." if approve else f"{row.name}'s request denied."

        def done(problems: list[str]) -> None:
            # The row goes and the focus moves on: the answer was only visible by its absence, to
            # the eye (a Deny next to "+4 h (most)" could be a slip: an outside tester); a screen
            # reader heard it. The notice bar shows it and says it aloud (a problem it says instead).
            if not problems:
                self.window.show_notice(f"✓ {words}", hide_after_ms=8000)

        self.decide_many([(request, approve, minutes)], done)

    def decide_many(self, answers: list[Answer], on_done: Callable[[list[str]], None] | None = None) -> None:
        """Send each answer in turn (on one worker); `on_done` gets what could not be answered,
        in words. A request another guardian answered first is said, not treated as a failure."""
        family = self.family

        def send() -> list[tuple[TimeRequest, BaseException | None, str | None]]:
            results: list[tuple[TimeRequest, BaseException | None, str | None]] = []
            for request, approve, minutes in answers:
                try:
                    family.decide_time_request(request, approve, minutes)
                    results.append((request, None, None))
                except Exception as exc:  # each answer stands alone; the rest still go out
                    if kind_of(exc) is ErrorKind.BUG:
                        raise
                    conflict = kind_of(exc) is ErrorKind.CONFLICT
                    first = answered_first(family, request, self.my_name) if conflict else None
                    results.append((request, exc, first))
            return results

        def sent(results: list[tuple[TimeRequest, BaseException | None, str | None]]) -> None:
            problems = []
            for request, exc, first in results:
                if exc is None:
                    self.on_decided(request.teen_id)
                elif kind_of(exc) is ErrorKind.CONFLICT:
                    problems.append(first or ANSWERED_ELSEWHERE)
                    if first is None:  # not read again on the worker (answered_first): now
                        self.refresh(request.teen_id)
                elif kind_of(exc) is ErrorKind.OFFLINE:
                    self.failed(exc)
                    # Unlike a change of the controls, an answer is not kept to be sent later.
                    problems.append(f"✗ Not sent: {user_message(exc)} Answer again once it is back.")
                else:
                    problems.append(f"✗ {user_message(exc)}")
            for problem in dict.fromkeys(problems):
                self.window.show_notice(problem, hide_after_ms=15000)
            if on_done is not None:
                on_done(problems)

        self.run(send, sent, name="decide time requests")


def answered_first(family: FamilyService, request: TimeRequest, my_name: str) -> str | None:
    """On a worker: who answered a request before this guardian, and what ("ℹ “Alex” answered the
    request for 30 min first: 15 min more."), read from the service (which puts the teen's requests
    in the store); ANSWERED_ELSEWHERE when the answer does not say; None when they could not be
    read. It said only "Another guardian answered this request first" (an outside tester: who,
    and how much?). An account with this guardian's name is said to be another (account_in_news)."""
    from famguard.api.errors import ApiError  # loaded by the services already

    try:
        now = next((r for r in family.refresh_time_requests(request.teen_id) if r.id == request.id), None)
    except ApiError:
        return None
    if now is None or not now.decided_by or now.status == TimeRequestStatus.PENDING:
        return ANSWERED_ELSEWHERE
    if now.status == TimeRequestStatus.APPROVED:
        answer = f"{format_minutes(now.granted_minutes or now.minutes)} more"
    else:
        answer = "no"
    asked = format_minutes(request.minutes)
    return f"ℹ {account_in_news(now.decided_by, my_name)} answered the request for {asked} first: {answer}."


def _stored(_requests: list[TimeRequest]) -> None:
    """The requests are in the store now; its notice updates every view of them."""
