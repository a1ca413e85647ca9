"""Drives "Family agreement…" (Account menu): the selected teen's current rules (unsent edits
included, as the guardian sees them) and the temporary rules in force or planned become the
document, signed by the teen and each of their guardians; "Save as PDF…" and "Print…" render and
write it on a worker, the dialog saying what runs and then what it did. The open agreement follows
the teen's rules while it is open (`refresh`), and what is saved or printed is built again from
them first: a PDF saved after a change made with the dialog open carried the old limit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import partial
from typing import TYPE_CHECKING, TypeVar

from famguard.domain.agreement import Agreement, build_agreement
from famguard.domain.errors import user_message
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
UPDATED = "ℹ Brought up to date: {name}'s settings changed while this was open."
WRITTEN_UP_TO_DATE = "(The settings had changed: what was written is the agreement as it is now.)"


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
        self._about: _About | None = None  # the teen of the open dialog
        self._failure = ""  # what the notice bar said of the last save or print that failed

    def open(self) -> None:
        teen_id = self.teens.current
        row = self.teens.row(teen_id) if teen_id else None
        if teen_id is None or row is None:
            self.window.show_notice(NO_TEEN, hide_after_ms=8000)
            return
        about = _About(teen_id, row.name, row.age)
        self.run(partial(self._read, about, ask_service=True), partial(self._show, about), name="agreement")

    def refresh(self, teen_id: str | None = None) -> None:
        """The rules or the guardians of `teen_id` (None: of any teen) changed: the open
        agreement about them is read again."""
        about = self._about
        if about is None or teen_id not in (None, about.teen_id) or self.dialog is None or not self.dialog.isVisible():
            return
        self.run_latest(
            ("agreement", about.teen_id), partial(self._read, about), partial(self._brought_up_to_date, about)
        )

    def _read(self, about: _About, *, ask_service: bool = False) -> Agreement | None:
        """On a worker: the agreement of the rules as the guardian sees them (None while the
        teen's settings are not in the store yet), signed by this guardian, then the teen's other
        guardians — as the service says now when `ask_service` (on opening), else as last said:
        a save must not wait on a network that is not there."""
        from famguard.api.errors import ApiError  # loaded by the services already

        guardians = None
        if ask_service:
            try:
                guardians = self.sync.family.refresh_guardians(about.teen_id)
            except ApiError:
                pass
        if guardians is None:
            guardians = self.sync.family.cached_guardians(about.teen_id)
        signers = [self.guardian_name, *(g.display_name for g in guardians if g.id != self.me)]
        controls = self.sync.displayed_controls(about.teen_id)
        if controls is None:
            return None
        rules = self.sync.trust.cached_rules(about.teen_id)
        today = teen_today(controls.timezone, datetime.now(UTC))  # a rule's days are the teen's
        return build_agreement(about.name, signers, controls, date.today(), rules_ahead(rules, today), about.age)

    def _show(self, about: _About, agreement: Agreement | None) -> None:
        if agreement is None:
            self.window.show_notice(
                f"ℹ {about.name}'s settings are still loading; try again in a moment.", hide_after_ms=8000
            )
            return
        from famguard.ui.agreement import AgreementDialog  # QtPrintSupport: loaded on first use only

        if self.dialog is not None:
            self.dialog.close()
        self.dialog = AgreementDialog(agreement, self.window)
        self._about = about
        self.track(self.dialog.save_requested, self.save)
        self.track(self.dialog.print_requested, self.print_agreement)
        self.dialog.show()

    def _brought_up_to_date(self, about: _About, agreement: Agreement | None) -> None:
        dialog = self.dialog
        if dialog is None or self._about is not about or agreement is None or agreement == dialog.agreement:
            return
        dialog.set_agreement(agreement)
        dialog.show_status(UPDATED.format(name=about.name))

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
        """`work` on the agreement built again from the teen's rules as they are now (the open
        dialog's when they cannot be read), on a worker: the dialog says `working` meanwhile and
        then what came of it, as the window's notice does; its page shows what was written."""
        dialog, about = self.dialog, self._about
        if dialog is None or about is None:
            return
        shown = dialog.agreement
        dialog.set_working(working)

        def build_and_work() -> tuple[Agreement, T]:
            agreement = self._read(about) or shown
            return agreement, work(agreement)

        def done(built: tuple[Agreement, T]) -> None:
            agreement, result = built
            words = said(result)
            dialog.set_working("")
            if agreement != dialog.agreement:
                dialog.set_agreement(agreement)
                if words.startswith("✓"):
                    words = f"{words} {WRITTEN_UP_TO_DATE}"
            dialog.show_status(words)
            self.take_back(self._failure)
            self._failure = words if words.startswith("✗") else ""
            self.window.show_notice(words, hide_after_ms=15000 if words.startswith("✗") else 8000)

        def failed(exc: BaseException) -> None:
            dialog.set_working("")
            message = user_message(exc)  # ExportFailed: which file, and why
            dialog.show_status(f"✗ {message}" if message else "")
            self.take_back(self._failure)
            self._failure = self.failed_and_said(exc)  # the window says it too (and a bug is reported)

        self.run(build_and_work, done, on_error=failed, name=name)


@dataclass(frozen=True)
class _About:
    """Whose agreement the dialog shows (as the teen list said when it was opened)."""

    teen_id: str
    name: str
    age: int


def _said_of_print(printed: Printed) -> str:
    if not printed.written:
        return f"✗ The family agreement could not be written to {printed.where}. Choose another name or folder."
    if printed.to_file:
        return f"✓ Saved the family agreement to {printed.where}"
    return f"✓ Sent the family agreement to {printed.where or 'the printer'}"
