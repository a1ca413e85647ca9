"""Drives the selected teen's requests for more time (the box above their controls): shows the
cached and then the server's requests, and sends the guardian's answer."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from famguard.domain.errors import ErrorKind, kind_of
from famguard.domain.models import TimeRequest
from famguard.ui.presenter import FailureHandler, Presenter
from famguard.ui.tasks import TaskRunner
from famguard.ui.teen_list_presenter import TeenListPresenter

if TYPE_CHECKING:
    from famguard.services import FamilyService
    from famguard.ui.main_window import MainWindow

ANSWERED_ELSEWHERE = "ℹ Another guardian answered this request first."


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
    ) -> None:
        super().__init__(window, tasks, on_failure=on_failure)
        self.family = family
        self.teens = teens
        self.on_decided = on_decided
        self.box = window.ensure_controls_page().requests
        self.track(self.box.decide_requested, self.decide)

    def show(self, teen_id: str) -> None:
        """The guardian selected this teen: ask the server for their requests."""
        self.run_once(
            ("time_requests", teen_id),
            partial(self.family.refresh_time_requests, teen_id),
            partial(self._show, teen_id),
        )

    def reload(self, teen_id: str) -> None:
        """The cache changed (a notice): show it again if this teen is the one shown."""
        if teen_id == self.teens.current:
            self.run(partial(self.family.cached_time_requests, teen_id), partial(self._show, teen_id))

    def _show(self, teen_id: str, requests: list[TimeRequest]) -> None:
        row = self.teens.row(teen_id)
        if row is not None and teen_id == self.teens.current:
            self.box.show_requests(row.name, requests)

    def decide(self, request: TimeRequest, approve: bool, minutes: int | None) -> None:
        def failed(exc: BaseException) -> None:
            if kind_of(exc) is ErrorKind.CONFLICT:  # another guardian decided it first
                self.window.show_notice(ANSWERED_ELSEWHERE, hide_after_ms=15000)
                self.show(request.teen_id)
                return
            self.failed(exc)

        self.run(
            partial(self.family.decide_time_request, request, approve, minutes),
            lambda _decided: self.on_decided(request.teen_id),  # the list itself came by notice
            on_error=failed,
            name="decide time request",
        )
