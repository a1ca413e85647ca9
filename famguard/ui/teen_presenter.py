"""Drives the demo's "Teen's phone" dock: the teen's side of pairing, usage reports, requests for
more time, and the effective controls kept live by following the teen's events.

`teen` is the demo environment's teen (see famguard.app.DemoTeen): blocking calls on the public
API, run here through the TaskRunner."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject

from famguard.ui.family_presenter import user_message
from famguard.ui.main_window import MainWindow
from famguard.ui.tasks import TaskRunner


class TeenPhonePresenter(QObject):
    def __init__(self, window: MainWindow, tasks: TaskRunner, teen: Any) -> None:
        super().__init__(window)
        self.tasks = tasks
        self.teen = teen
        self.panel = window.ensure_teen_phone()
        self.panel.show()
        self.pairing: Any = None
        self._cursor: str | None = None
        self._closed = False
        self.panel.redeem_requested.connect(self.redeem)
        self.panel.accept_requested.connect(self.accept)
        self.panel.decline_requested.connect(self.decline)
        self.panel.usage_requested.connect(self.report_usage)
        self.panel.more_time_requested.connect(self.ask_for_time)

    def start(self) -> None:
        self.panel.set_teen(self.teen.name, self.teen.age)
        self.panel.set_pairing_state("idle", "Type the code the guardian's screen shows.")
        self.refresh_controls()
        self.tasks.run(self.teen.cursor, on_success=self._follow, on_error=self._follow_failed, owner=self.panel)

    def close(self) -> None:
        self._closed = True
        for signal, slot in (
            (self.panel.redeem_requested, self.redeem),
            (self.panel.accept_requested, self.accept),
            (self.panel.decline_requested, self.decline),
            (self.panel.usage_requested, self.report_usage),
            (self.panel.more_time_requested, self.ask_for_time),
        ):
            signal.disconnect(slot)
        self.panel.set_effective_controls(None)
        self.panel.hide()
        self.deleteLater()

    # --- live controls -------------------------------------------------------------------------

    def refresh_controls(self) -> None:
        self.tasks.run(
            self.teen.controls, on_success=self.panel.set_effective_controls, on_error=self._shown, owner=self.panel
        )

    def _follow(self, cursor: str) -> None:
        """One long-poll at a time for the teen's events; any news reloads the controls."""
        if self._closed:
            return
        self._cursor = cursor
        self.tasks.run(self.teen.wait_for_events, cursor, on_success=self._news, on_error=self._follow_failed)

    def _news(self, result: tuple[int, str]) -> None:
        if self._closed:
            return
        count, cursor = result
        if count:
            self.refresh_controls()
        self._follow(cursor)

    def _follow_failed(self, exc: BaseException) -> None:
        if self._closed:
            return  # the demo server was stopped under the long-poll: expected at reset
        if user_message(exc) is None:
            self.tasks.error_reporter(exc)

    # --- the teen's actions --------------------------------------------------------------------

    def redeem(self, code: str) -> None:
        if not code.strip():
            self.panel.set_pairing_state("idle", "✗ Type the code first.")
            return
        self.panel.set_pairing_state("busy", "Checking the code…")

        def redeemed(pairing: Any) -> None:
            self.pairing = pairing
            who = pairing.guardian_name or "A guardian"
            self.panel.set_pairing_state("redeemed", f"{who} wants to link with you. Accept?")

        self.tasks.run(self.teen.redeem, code, on_success=redeemed, on_error=self._pairing_failed, owner=self.panel)

    def accept(self) -> None:
        if self.pairing is None:
            return
        self.panel.set_pairing_state("busy", "Accepting…")
        self.tasks.run(
            self.teen.accept,
            self.pairing,
            on_success=lambda _p: self.panel.set_pairing_state(
                "done", "✓ Accepted. The guardian now confirms on their screen."
            ),
            on_error=self._pairing_failed,
            owner=self.panel,
        )

    def decline(self) -> None:
        if self.pairing is None:
            return
        pairing, self.pairing = self.pairing, None
        self.tasks.run(
            self.teen.decline,
            pairing,
            on_success=lambda _r: self.panel.set_pairing_state("idle", "Declined. Nothing was linked."),
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
        self.tasks.run(
            self.teen.report_usage,
            minutes,
            on_success=lambda day: self.panel.show_usage_message(f"✓ Reported {day.minutes} min for today."),
            on_error=self._shown,
            owner=self.panel,
        )

    def ask_for_time(self, minutes: int, reason: str) -> None:
        self.tasks.run(
            self.teen.ask_for_time,
            minutes,
            reason or "No reason given",
            on_success=lambda r: self.panel.show_usage_message(f"✓ Asked for {r.minutes} more minutes."),
            on_error=self._shown,
            owner=self.panel,
        )

    def _shown(self, exc: BaseException) -> None:
        message = user_message(exc)
        if message is None:
            self.tasks.error_reporter(exc)
            return
        self.panel.show_usage_message(f"✗ {message}")
