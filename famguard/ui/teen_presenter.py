"""Drives the demo's "Teen's phone" dock like a phone: pairing, unlinking and pairing again; after
every event it reads what the phone shows (famguard.services.demo.PhoneSnapshot), which also
reports the effective controls' version as applied; a "use the app" clock that adds a minute of
use each minute while it runs; the lock, decided by the effective rules in the teen's time zone
(re-checked every half minute, so time away starts on the minute); and the answer to a request
for more time.

`teen` is the demo environment's teen (famguard.services.demo.TeenPhone, made by famguard.app):
blocking calls on the public API, run here through the TaskRunner."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from functools import partial
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QMessageBox

from famguard.domain import teen_view
from famguard.domain.errors import ErrorKind, kind_of, user_message
from famguard.domain.models import Pairing, TimeRequest, TimeRequestStatus, UsageDay
from famguard.domain.pairing_code import code_problem
from famguard.domain.plain_text import plain_text_problem
from famguard.domain.schedule import format_minutes
from famguard.ui.dialogs import ask_without_blocking, safe_question
from famguard.ui.presenter import Presenter
from famguard.ui.tasks import TaskRunner
from famguard.ui.teen_view_widget import build_view

if TYPE_CHECKING:
    from famguard.services.demo import PhoneSnapshot, TeenPhone
    from famguard.ui.main_window import MainWindow

USE_TICK_MS = 60_000  # the clock counts real minutes
LOCK_CHECK_MS = 30_000


# How long what became of a code (refused, cancelled, declined) stays on the pairing line before
# the standing words come back ("✓ Managed by …", or how to link); typing in the field brings
# them back at once. An outside tester found "The guardian cancelled" still there ten minutes on.
OUTCOME_SHOWN_MS = 60_000
TYPE_THE_CODE = "Type the code the guardian's screen shows."
ASKED_PREFIX = "✓ Asked for "  # the usage line after a request was sent (forgotten once it is answered)
ALREADY_ASKED_PREFIX = "ℹ Already asked for "  # … after the same question again, while it waits


class TeenPhonePresenter(Presenter):
    def __init__(self, window: MainWindow, tasks: TaskRunner, teen: TeenPhone) -> None:
        super().__init__(window, tasks)
        self.teen = teen
        self.panel = window.ensure_teen_phone()
        self.panel.toggleViewAction().setEnabled(True)  # (again, after a demo that ended)
        # A guardian the teen accepted, when she has guardians already: "waiting" for their yes,
        # or "refused"; "" when nothing is pending.
        self.approval = ""
        self.panel.show()
        self.pairing: Pairing | None = None
        self.snapshot: PhoneSnapshot | None = None
        # "✓ Managed by …" as a read last put it: a read that finds the same again leaves the line
        # alone, so a refused code or "The guardian cancelled" said since stays to be read.
        self.managed_words: str | None = None
        self.session_minutes = 0
        self.question: QMessageBox | None = None
        self.track(self.panel.redeem_requested, self.redeem)
        self.track(self.panel.accept_requested, self.accept)
        self.track(self.panel.decline_requested, self.decline)
        self.track(self.panel.unlink_requested, self.ask_unlink)
        self.track(self.panel.use_toggled, self.use_app)
        self.track(self.panel.add_minutes_requested, self.add_minutes)
        self.track(self.panel.more_time_requested, self.ask_for_time)
        self.track(self.panel.code_edited, self._typed_over_outcome)
        # Running while the pairing line says what became of a code (see OUTCOME_SHOWN_MS).
        self.outcome_timer = QTimer(self)
        self.outcome_timer.setSingleShot(True)
        self.outcome_timer.setInterval(OUTCOME_SHOWN_MS)
        self.outcome_timer.timeout.connect(self._back_to_standing)
        self.use_timer = QTimer(self)
        self.use_timer.setInterval(USE_TICK_MS)
        self.use_timer.timeout.connect(lambda: self.add_minutes(1))
        self.lock_timer = QTimer(self)
        self.lock_timer.setInterval(LOCK_CHECK_MS)
        self.lock_timer.timeout.connect(self._show_lock)

    def show_teen(self) -> None:
        """Who is signed in on the phone, before anything is read (`start` reads)."""
        self.panel.set_teen(self.teen.name, self.teen.age)
        self.panel.set_pairing_state("idle", TYPE_THE_CODE, said=False)  # how the phone starts, not news

    def start(self) -> None:
        """Read what the phone shows and follow its events (after `show_teen`)."""
        self.refresh()
        self.lock_timer.start()
        self.run(self.teen.cursor, self._follow, on_error=self._follow_failed, owner=self.panel)

    def close(self) -> None:
        self.use_timer.stop()
        self.lock_timer.stop()
        if self.panel.use_button.isChecked():
            self.panel.use_button.setChecked(False)
        self.panel.reset()
        self.panel.hide()
        # No phone without its demo: after a sign-out Ctrl+T showed this one, its buttons enabled
        # and answering nothing.
        self.panel.toggleViewAction().setEnabled(False)
        super().close()

    # --- what the phone shows ------------------------------------------------------------------

    def refresh(self) -> None:
        """Read everything the phone shows (and report the rules applied)."""
        self.run(self.teen.snapshot, self._show, on_error=self._shown, owner=self.panel, name="phone snapshot")

    def _show(self, snap: PhoneSnapshot) -> None:
        before = self.snapshot
        self.snapshot = snap
        names = ", ".join(g.display_name for g in snap.guardians)
        # A guardian who stopped managing the account while others still do: said, not only at the
        # foot of the change log (an outside tester saw "Managed by Jordan Morgan" change quietly).
        kept = {g.id for g in snap.guardians}
        gone = [g.display_name for g in (before.guardians if before else []) if g.id not in kept]
        approver = names if len(snap.guardians) == 1 else "one of them"
        state = self.panel.pairing_state
        if snap.controls is not None and state in ("idle", "waiting", "linked"):
            if self.approval == "waiting":
                words = f"✓ Managed by {names}. ◷ The new guardian you accepted waits for {approver} to approve them."
            elif self.approval == "refused":
                words = f"✓ Managed by {names}. ✗ The new guardian you accepted was refused and is not linked."
            else:
                words = f"✓ Managed by {names}. Another guardian's code adds them too, once {approver} approves it."
            # A read started before a code was refused could land after it and say "Managed by"
            # over the refusal (a clean-clone CI run saw the ✗ for a few milliseconds).
            if state != "linked" or words != self.managed_words:
                # Said aloud when it changes, not as the phone's first read finds it.
                self.panel.set_pairing_state("linked", words, said=before is not None)
                self.managed_words = words
                self.outcome_timer.stop()  # news said over it
            if gone and snap.guardians:
                self._say_outcome("linked", f"ℹ {', '.join(gone)} no longer manages this account.")
        elif snap.controls is None and state == "linked":
            self.managed_words = None
            self.outcome_timer.stop()
            self.panel.set_pairing_state("idle", "Not linked: no guardian manages this account, no controls apply.")
        if snap.etag is not None and snap.applied_at is not None:
            self.panel.show_applied(
                # Not the version tag ("5-rf158ebfe189d" with a rule in force): it means nothing to a teen.
                f"✓ Rules applied at {snap.applied_at.astimezone():%H:%M}; "
                "your guardians can see they reached this phone."
            )
        else:
            self.panel.show_applied("No rules to apply.")
        self._show_lock()
        today = [r for r in snap.requests if r.date == snap.usage.date]  # today's only
        self._show_answer(today, linked=snap.controls is not None, said=before is not None)

    def _show_lock(self) -> None:
        snap = self.snapshot
        if snap is None:
            return
        used, limit = snap.usage.minutes, snap.usage.limit_minutes
        if snap.controls is None:
            self.panel.set_usage(f"{format_minutes(used)} used today; no limits apply.", locked=None)
            status = "No controls apply."
        else:
            local = datetime.now(UTC).astimezone(ZoneInfo(snap.controls.timezone))
            reason = teen_view.lock_reason(snap.controls, local, used, limit)
            self.panel.set_usage(teen_view.time_left(used, limit), locked=reason)
            status = teen_view.status_words(snap.controls, local, used, limit)
        ends = teen_view.link_ends_on(snap.activity)
        notice = teen_view.link_end_notice(self.teen.name, ends, snap.usage.date, for_teen=True) if ends else None
        self.panel.show_view(
            build_view(
                snap.controls,
                snap.guardians,
                snap.rules,
                snap.activity,
                snap.usage.date,
                status=status,
                notice=notice or "",
                age=self.teen.age,
            )  # fmt: skip
        )

    def _show_answer(self, requests: list[TimeRequest], *, linked: bool = True, said: bool = True) -> None:
        if requests and requests[0].status != TimeRequestStatus.PENDING:
            # Answered: "✓ Asked for 30 min more." under the answer read as a question still open.
            self.panel.forget_usage_message((ASKED_PREFIX, ALREADY_ASKED_PREFIX))
        self.panel.show_answer(teen_view.requests_in_words(requests, linked=linked), said=said)

    def _follow(self, cursor: str) -> None:
        """One long-poll at a time for the teen's events; any news re-reads the phone."""
        self.run(partial(self.teen.wait_for_events, cursor), self._news, on_error=self._follow_failed)

    def _news(self, result: tuple[list[str], str]) -> None:
        types, cursor = result
        # Waiting for the guardian's confirmation, or asked "Accept?" (the code typed, not answered
        # yet: the question stayed, and its Accept said "not waiting for that step").
        if "pairing_cancelled" in types and self.panel.pairing_state in ("waiting", "redeemed"):
            self.pairing = None
            # A teen managed already stays so (the read that follows then keeps these words).
            self._say_outcome(self._at_rest(), "The guardian cancelled. Nothing was linked.")
        said = {"pairing_approval_requested": "waiting", "pairing_refused": "refused", "pairing_confirmed": "",
                "pairing_cancelled": ""}  # fmt: skip
        for kind in types:  # oldest first: the last word stands
            self.approval = said.get(kind, self.approval)
        if types:
            self.refresh()
        self._follow(cursor)

    def _follow_failed(self, exc: BaseException) -> None:
        # (After close() this is not called: the demo server stopped under the long-poll at reset.)
        if kind_of(exc) is ErrorKind.BUG:
            self.tasks.error_reporter(exc)

    # --- pairing -------------------------------------------------------------------------------

    def redeem(self, code: str) -> None:
        problem = code_problem(code)
        if problem is not None:
            self._say_outcome(self.panel.pairing_state, f"✗ {problem}")
            return
        back = self.panel.pairing_state
        self.panel.set_pairing_state("busy", "Checking the code…")

        def redeemed(pairing: Pairing) -> None:
            self.pairing = pairing
            who = pairing.guardian_name or "A guardian"
            self.panel.set_pairing_state("redeemed", f"{who} wants to link with you. Accept?")

        self.run(partial(self.teen.redeem, code), redeemed, on_error=partial(self._pairing_failed, back),
                 owner=self.panel)  # fmt: skip

    def accept(self) -> None:
        pairing = self.pairing
        if pairing is None:
            return
        who = pairing.guardian_name or "the guardian"
        self.panel.set_pairing_state("busy", "Accepting…")
        self.run(
            partial(self.teen.accept, pairing),
            lambda _p: self.panel.set_pairing_state(
                "waiting", f"✓ Accepted. Waiting for {who} to confirm…", code_used=True
            ),
            on_error=partial(self._pairing_failed, "idle"),
            owner=self.panel,
        )

    def decline(self) -> None:
        if self.pairing is None:
            return
        pairing, self.pairing = self.pairing, None
        back = self._at_rest()
        self.run(
            partial(self.teen.decline, pairing),
            lambda _r: self._say_outcome(back, "Declined. Nothing was linked.", code_used=True),
            on_error=partial(self._pairing_failed, back),
            owner=self.panel,
        )

    def _at_rest(self) -> str:
        """The pairing state with nothing under way: linked when the last read found a guardian."""
        return "linked" if self.snapshot is not None and self.snapshot.controls is not None else "idle"

    def _pairing_failed(self, back: str, exc: BaseException) -> None:
        message = user_message(exc)
        if message is None:
            self.tasks.error_reporter(exc)
            message = "Something went wrong."
        self.pairing = None
        self._say_outcome(back if back in ("idle", "linked") else "idle", f"✗ {message}", refused=True)

    def _say_outcome(self, state: str, words: str, *, code_used: bool = False, refused: bool = False) -> None:
        """What became of a code, said until the teen types in the field or for a minute; a linked
        phone says who manages it after it ("Declined. Nothing was linked." alone hid it) — on
        screen: said aloud, the outcome is the news."""
        outcome = words
        if state == "linked" and self.managed_words:
            words = f"{words} {self.managed_words}"
        self.panel.set_pairing_state(state, words, code_used=code_used, refused=refused, spoken=outcome)
        self.outcome_timer.start()

    def _typed_over_outcome(self) -> None:
        if self.outcome_timer.isActive():
            self.outcome_timer.stop()
            self._back_to_standing()

    def _back_to_standing(self) -> None:
        state = self.panel.pairing_state
        if state in ("idle", "linked"):  # (nothing under way: an answer being read says its own)
            standing = self.managed_words if state == "linked" and self.managed_words else TYPE_THE_CODE
            self.panel.set_pairing_state(state, standing, said=False)  # the standing words again: no news

    def ask_unlink(self) -> None:
        box, unlink = safe_question(
            self.panel,
            "teenUnlinkQuestion",
            "Unlink?",
            "End the link with every guardian?",
            "They are told at once, and no controls apply until a guardian links again.",
            "&Unlink",
            "&Keep the link",
        )
        self.question = ask_without_blocking(box, unlink, lambda acted: self.unlink() if acted else None)

    def unlink(self) -> None:
        self.panel.set_pairing_state("busy", "Unlinking…")

        def done(_r: None) -> None:
            self.panel.set_pairing_state("idle", "Unlinked. Type a guardian's code to link again.")
            self.refresh()

        self.run(self.teen.unlink, done, on_error=partial(self._pairing_failed, "linked"), owner=self.panel)

    # --- using the app -------------------------------------------------------------------------

    def use_app(self, on: bool) -> None:
        if on:
            self.session_minutes = 0
            self.use_timer.start()
            self.panel.show_usage_message("Using the app: every minute is counted and reported.")
        else:
            self.use_timer.stop()
            if self.session_minutes:
                self.panel.show_usage_message(f"Stopped after {format_minutes(self.session_minutes)}.")
            else:  # "Using the app: every minute is counted…" stayed on after a stop within the minute
                self.panel.show_usage_message("Stopped within the first minute: nothing was counted.")

    def add_minutes(self, minutes: int) -> None:
        def reported(day: UsageDay) -> None:
            self.session_minutes += minutes if self.use_timer.isActive() else 0
            if self.snapshot is not None:
                self.snapshot = replace(self.snapshot, usage=day)
            self.panel.show_usage_message(f"✓ Reported {format_minutes(day.minutes)} used today.")
            self._show_lock()

        self.run(partial(self.teen.add_usage, minutes), reported, on_error=self._shown, owner=self.panel)

    def ask_for_time(self, minutes: int, reason: str) -> None:
        hidden = plain_text_problem(reason)
        if hidden is not None:  # the service's rule, said before asking it; the reason stays to be corrected
            self.panel.show_usage_message(f"✗ {hidden}")
            return

        # One request per ask: a double click sent two (the button waits while one is on its way).
        self.panel.set_asking(True)
        # What waited before asking: the phone's own events can re-read it with the new request
        # before the answer to the ask is handed out, and a new request read "Already asked".
        waiting = (
            {r.id for r in self.snapshot.requests if r.status == TimeRequestStatus.PENDING} if self.snapshot else set()
        )

        def asked(request: TimeRequest) -> None:
            self.panel.set_asking(False, sent=True)
            amount = f"{format_minutes(request.minutes)} more"
            if request.id in waiting:
                # The same question again while it waits is that question (the service's rule):
                # "✓ Asked for…" said a second request had gone that no guardian ever saw.
                self.panel.show_usage_message(f"{ALREADY_ASKED_PREFIX}{amount}: it still waits for an answer.")
            else:
                self.panel.show_usage_message(f"{ASKED_PREFIX}{amount}.")
            self.refresh()

        def refused(exc: BaseException) -> None:
            self.panel.set_asking(False)
            self._shown(exc)

        # An empty reason is sent empty: words put in its place read, on the guardian's home, as
        # the teen's own (“No reason given” in quotes); the home and inbox show that none was given.
        self.run(partial(self.teen.ask_for_time, minutes, reason), asked, on_error=refused,
                 owner=self.panel)  # fmt: skip

    def _shown(self, exc: BaseException) -> None:
        message = user_message(exc)
        if message is None:
            self.tasks.error_reporter(exc)
            return
        self.panel.show_usage_message(f"✗ {message}")
