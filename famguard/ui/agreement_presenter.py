"""Drives "Family agreement…" (Account menu): the selected teen's current rules (unsent edits
included, as the guardian sees them) and the temporary rules in force or planned become the
document, signed by the teen and each of their guardians; "Save as PDF…" and "Print…" render and
write it on a worker, the dialog saying what runs and then what it did."""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import partial
from typing import TYPE_CHECKING, TypeVar

from famguard.domain.agreement import Agreement, build_agreement
from famguard.domain.controls import Controls
from famguard.domain.errors import user_message
from famguard.domain.models import TemporaryRule
from famguard.domain.schedule import teen_today
from famguard.domain.teen_view import rules_ahead
from famguard.ui.presenter import FailureHandler, Presenter
from famguard.ui.tasks import TaskRunner
from famguard.ui.teen_list_presenter import TeenListPresenter

if TYPE_CHECKING:
    from collections.abc import Callable

    from PySide6.QtPrintSupport import QPrinter

    from famguard.services import InsightService, SyncEngine
    from famguard.ui.agreement import AgreementDialog, Printed
    from famguard.ui.main_window import MainWindow

T = TypeVar("T")

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
        self.track(self.dialog.print_requested, self.print_agreement)
        self.dialog.show()

    def save(self, path: str) -> None:
        """The PDF rendered and written on a worker (a 300 dpi rendering and the disk)."""
        from famguard.ui.agreement import render_pdf

        self._in_background(
            "Writing the PDF…",
            lambda agreement: self.insight.save_file(path, render_pdf(agreement)),
            lambda _none: f"✓ Saved the family agreement to {path}",
            "save agreement",
        )

    def print_agreement(self, printer: QPrinter) -> None:
        """Printed on a worker: "Print to file" waits on the disk, a printer on the print system."""
        from famguard.ui.agreement import print_document

        self._in_background(
            "Sending the family agreement to the printer…",
            lambda agreement: print_document(agreement, printer, self.insight.save_file),
            _said_of_print,
            "print agreement",
        )

    def _in_background(self, working: str, work: Callable[[Agreement], T], said: Callable[[T], str], name: str) -> None:
        """`work` on the open dialog's agreement, on a worker: the dialog says `working` meanwhile
        and then what came of it, as the window's notice does."""
        dialog = self.dialog
        if dialog is None:
            return
        agreement = dialog.agreement
        dialog.set_working(working)

        def done(result: T) -> None:
            words = said(result)
            dialog.set_working("")
            dialog.show_status(words)
            self.window.show_notice(words, hide_after_ms=15000 if words.startswith("✗") else 8000)

        def failed(exc: BaseException) -> None:
            dialog.set_working("")
            message = user_message(exc)  # ExportFailed: which file, and why
            dialog.show_status(f"✗ {message}" if message else "")
            self.failed(exc)  # the window says it too (and a bug is reported)

        self.run(lambda: work(agreement), done, on_error=failed, name=name)


def _said_of_print(printed: Printed) -> str:
    if not printed.written:
        return f"✗ The family agreement could not be written to {printed.where}. Choose another name or folder."
    if printed.to_file:
        return f"✓ Saved the family agreement to {printed.where}"
    return f"✓ Sent the family agreement to {printed.where or 'the printer'}"
