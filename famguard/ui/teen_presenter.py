"""Drives the demo's "Teen's phone" dock: the teen's side of pairing, usage reports, requests for
more time, and the effective controls kept live by following the teen's events.

`teen` is the demo environment's teen (famguard.services.demo.TeenPhone, made by famguard.app):
blocking calls on the public API, run here through the TaskRunner."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from famguard.domain.errors import ErrorKind, kind_of, user_message
from famguard.domain.models import Pairing, TimeRequest, UsageDay
from famguard.ui.presenter import Presenter
from famguard.ui.tasks import TaskRunner

if TYPE_CHECKING:
    from famguard.services.demo import TeenPhone
    from famguard.ui.main_window import MainWindow


class TeenPhonePresenter(Presenter):
    def __init__(self, window: MainWindow, tasks: TaskRunner, teen: TeenPhone) -> None:
        super().__init__(window, tasks)
        self.teen = teen
        self.panel = window.ensure_teen_phone()
        self.panel.show()
        self.pairing: Pairing | None = None
        self.track(self.panel.redeem_requested, self.redeem)
        self.track(self.panel.accept_requested, self.accept)
        self.track(self.panel.decline_requested, self.decline)
        self.track(self.panel.usage_requested, self.report_usage)
        self.track(self.panel.more_time_requested, self.ask_for_time)

    def start(self) -> None:
        self.panel.set_teen(self.teen.name, self.teen.age)
        self.panel.set_pairing_state("idle", "Type the code the guardian's screen shows.")
        self.refresh_controls()
        self.run(self.teen.cursor, self._follow, on_error=self._follow_failed, owner=self.panel)

    def close(self) -> None:
        self.panel.set_effective_controls(None)
        self.panel.hide()
        super().close()

    # --- live controls -------------------------------------------------------------------------

    def refresh_controls(self) -> None:
        self.run(self.teen.controls, self.panel.set_effective_controls, on_error=self._shown, owner=self.panel)

    def _follow(self, cursor: str) -> None:
        """One long-poll at a time for the teen's events; any news reloads the controls."""
        self.run(partial(self.teen.wait_for_events, cursor), self._news, on_error=self._follow_failed)

    def _news(self, result: tuple[int, str]) -> None:
        count, cursor = result
        if count:
            self.refresh_controls()
        self._follow(cursor)

    def _follow_failed(self, exc: BaseException) -> None:
        # (After close() this is not called: the demo server stopped under the long-poll at reset.)
        if kind_of(exc) is ErrorKind.BUG:
            self.tasks.error_reporter(exc)

    # --- the teen's actions --------------------------------------------------------------------

    def redeem(self, code: str) -> None:
        if not code.strip():
            self.panel.set_pairing_state("idle", "✗ Type the code first.")
            return
        self.panel.set_pairing_state("busy", "Checking the code…")

        def redeemed(pairing: Pairing) -> None:
            self.pairing = pairing
            who = pairing.guardian_name or "A guardian"
            self.panel.set_pairing_state("redeemed", f"{who} wants to link with you. Accept?")

        self.run(partial(self.teen.redeem, code), redeemed, on_error=self._pairing_failed, owner=self.panel)

    def accept(self) -> None:
        pairing = self.pairing
        if pairing is None:
            return
        self.panel.set_pairing_state("busy", "Accepting…")
        self.run(
            partial(self.teen.accept, pairing),
            lambda _p: self.panel.set_pairing_state("done", "✓ Accepted. The guardian now confirms on their screen."),
            on_error=self._pairing_failed,
            owner=self.panel,
        )

    def decline(self) -> None:
        if self.pairing is None:
            return
        pairing, self.pairing = self.pairing, None
        self.run(
            partial(self.teen.decline, pairing),
            lambda _r: self.panel.set_pairing_state("idle", "Declined. Nothing was linked."),
            on_error=self._pairing_failed,
            owner=self.panel,
        )

    def _pairing_failed(self, exc: BaseException) -> None:
        message = user_message(exc)
        if message is None:
            self.tasks.error_reporter(exc)
            message = "Something went wrong."
        self.pairing = None
        self.panel.set_pairing_state("idle", f"✗ {message}")

    def report_usage(self, minutes: int) -> None:
        def reported(day: UsageDay) -> None:
            self.panel.show_usage_message(f"✓ Reported {day.minutes} min for today.")

        self.run(
            partial(self.teen.report_usage, minutes),
            reported,
            on_error=self._shown,
            owner=self.panel,
        )

    def ask_for_time(self, minutes: int, reason: str) -> None:
        def asked(request: TimeRequest) -> None:
            self.panel.show_usage_message(f"✓ Asked for {request.minutes} more minutes.")

        self.run(
            partial(self.teen.ask_for_time, minutes, reason or "No reason given"),
            asked,
            on_error=self._shown,
            owner=self.panel,
        )

    def _shown(self, exc: BaseException) -> None:
        message = user_message(exc)
        if message is None:
            self.tasks.error_reporter(exc)
            return
        self.panel.show_usage_message(f"✗ {message}")
