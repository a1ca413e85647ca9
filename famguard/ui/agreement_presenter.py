"""Drives "Family agreement…" (Account menu): the selected teen's current rules (unsent edits
included, as the guardian sees them) and the temporary rules in force or planned become the
document, signed by the teen and each of their guardians; "Save as PDF…" writes it on a worker."""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import partial
from typing import TYPE_CHECKING

from famguard.domain.agreement import build_agreement
from famguard.domain.controls import Controls
from famguard.domain.models import TemporaryRule
from famguard.domain.schedule import teen_today
from famguard.domain.teen_view import rules_ahead
from famguard.ui.presenter import FailureHandler, Presenter
from famguard.ui.tasks import TaskRunner
from famguard.ui.teen_list_presenter import TeenListPresenter

if TYPE_CHECKING:
    from famguard.services import InsightService, SyncEngine
    from famguard.ui.agreement import AgreementDialog
    from famguard.ui.main_window import MainWindow

NO_TEEN = "ℹ Select a teen first: the agreement is about one teen's rules."


class AgreementPresenter(Presenter):
    def __init__(
        self,
        window: MainWindow,
        tasks: TaskRunner,
        sync: SyncEngine,
        insight: InsightService,
        teens: TeenListPresenter,
        *,
        guardian_name: str,
        me: str,
        on_failure: FailureHandler | None = None,
    ) -> None:
        super().__init__(window, tasks, on_failure=on_failure)
        self.sync = sync
        self.insight = insight
        self.teens = teens
        self.guardian_name = guardian_name
        self.me = me  # this guardian's account: first to sign, and not named twice
        self.dialog: AgreementDialog | None = None  # Family > agreement opens it (FamilyPresenter)

    def open(self) -> None:
        teen_id = self.teens.current
        row = self.teens.row(teen_id) if teen_id else None
        if teen_id is None or row is None:
            self.window.show_notice(NO_TEEN, hide_after_ms=8000)
            return
        self.run(partial(self._read, teen_id), partial(self._show, row.name, row.age), name="agreement")

    def _read(self, teen_id: str) -> tuple[Controls | None, list[TemporaryRule], list[str]]:
        """The rules as the guardian sees them, and who signs: this guardian, then the teen's
        other guardians as the service says now (as last said when it cannot be asked)."""
        from famguard.api.errors import ApiError  # loaded by the services already

        try:
            guardians = self.sync.family.refresh_guardians(teen_id)
        except ApiError:
            guardians = self.sync.family.cached_guardians(teen_id)
        signers = [self.guardian_name, *(g.display_name for g in guardians if g.id != self.me)]
        return self.sync.displayed_controls(teen_id), self.sync.trust.cached_rules(teen_id), signers

    def _show(self, teen_name: str, age: int, read: tuple[Controls | None, list[TemporaryRule], list[str]]) -> None:
        controls, rules, signers = read
        if controls is None:
            self.window.show_notice(
                f"ℹ {teen_name}'s settings are still loading; try again in a moment.", hide_after_ms=8000
            )
            return
        from famguard.ui.agreement import AgreementDialog  # QtPrintSupport: loaded on first use only

        today = teen_today(controls.timezone, datetime.now(UTC))  # a rule's days are the teen's

        if self.dialog is not None:
            self.dialog.close()
        self.dialog = AgreementDialog(
            build_agreement(teen_name, signers, controls, date.today(), rules_ahead(rules, today), age),
            self.window,
        )
        self.track(self.dialog.save_requested, self.save)
        self.track(self.dialog.printed, self._printed)
        self.track(
            self.dialog.print_failed,
            lambda path: self.window.show_notice(
                f"✗ The family agreement could not be written to {path}. Choose another name or folder.",
                hide_after_ms=15000,
            ),
        )
        self.dialog.show()

    def _printed(self, where: str, to_file: bool) -> None:
        said = (
            f"✓ Saved the family agreement to {where}"
            if to_file
            else f"✓ Sent the family agreement to {where or 'the printer'}"
        )
        self.window.show_notice(said, hide_after_ms=8000)

    def save(self, path: str, pdf: bytes) -> None:
        self.run(
            partial(self.insight.save_file, path, pdf),
            lambda _none: self.window.show_notice(f"✓ Saved the family agreement to {path}", hide_after_ms=8000),
            name="save agreement",
        )
