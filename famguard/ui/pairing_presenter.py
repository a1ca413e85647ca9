"""Drives the pairing wizard: asks the family service for a code, follows the pairing (polling,
and at once when the events say something happened) until the teen accepts, then confirms.
Expired, cancelled and rate-limited pairings are shown in words."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer

from famguard.domain.errors import ErrorKind, kind_of, user_message
from famguard.domain.models import Pairing, PairingStatus
from famguard.ui.presenter import Presenter
from famguard.ui.tasks import TaskRunner

if TYPE_CHECKING:
    from famguard.services import FamilyService
    from famguard.ui.main_window import MainWindow
    from famguard.ui.pairing import PairingWizard  # the wizard's view: imported when first opened

POLL_MS = 1500  # the events long-poll usually wakes us first; this is the safety net


class PairingPresenter(Presenter):
    def __init__(
        self,
        window: MainWindow,
        tasks: TaskRunner,
        family: FamilyService,
        *,
        on_linked: Callable[[str, bool], None],
        linked_ids: Callable[[], set[str]] = set,
    ) -> None:
        super().__init__(window, tasks)
        self.family = family
        self.on_linked = on_linked  # (teen id, newly linked): the family refreshes
        self.linked_ids = linked_ids  # the teens linked already (re-pairing one changes nothing)
        self.wizard: PairingWizard | None = None
        self.pairing: Pairing | None = None
        self._polling = False
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self.poll_now)

    def open(self) -> None:
        if self.wizard is not None and self.wizard.isVisible():
            self.wizard.raise_()
            return
        from famguard.ui.pairing import PairingWizard

        wizard = PairingWizard(self.window)
        wizard.new_code_requested.connect(self.new_code)
        wizard.confirm_requested.connect(self.confirm)
        wizard.cancel_requested.connect(self.cancel)
        wizard.finished.connect(self._closed)
        self.wizard = wizard
        self._beside_teen_phone(wizard)
        wizard.show()
        self.new_code()

    def _beside_teen_phone(self, wizard: PairingWizard) -> None:
        """The demo pairs on one screen: the code is read here and typed on the docked Teen's
        phone, so the wizard sits beside the phone (not over its code field), and a button and F6
        (from either window) go from one to the other."""
        phone = self.window.teen_phone
        if phone is None or phone.isHidden():
            return
        from PySide6.QtCore import Qt
        from PySide6.QtGui import QKeySequence, QShortcut

        def place() -> None:
            room = self.window.room_beside_teen_phone()
            if room is not None and self.wizard is wizard:
                wizard.place_within(room, self.window.frame_size())

        place()
        # Again when the window's size changes meanwhile: a demo opened and the wizard asked for at
        # once on an 800-pixel screen was placed beside the phone of a window still 1,100 pixels
        # wide, which then shrank to the screen and left the wizard over the phone's code field.
        self.window.resized.connect(place)

        def to_phone() -> None:
            if self.wizard is not wizard:
                return
            phone.show()
            self.window.activateWindow()
            self.window.raise_()
            phone.focus_pairing()

        def to_wizard() -> None:
            if self.wizard is not wizard:
                return
            wizard.activateWindow()
            wizard.raise_()
            wizard.focus_next_step()

        wizard.offer_teen_phone(True)
        wizard.teen_phone_requested.connect(to_phone)
        phone.offer_pairing_window(True)
        phone.pairing_window_requested.connect(to_wizard)
        switch = QShortcut(QKeySequence("F6"), wizard)
        switch.setContext(Qt.ShortcutContext.ApplicationShortcut)  # from the main window's phone too
        switch.activated.connect(lambda: to_phone() if wizard.isActiveWindow() else to_wizard())

        def closed() -> None:
            if not switch.isEnabled():
                return  # said already (a dialog can finish twice: Close, then the presenter's close)
            switch.setEnabled(False)
            phone.offer_pairing_window(False)
            phone.pairing_window_requested.disconnect(to_wizard)
            self.window.resized.disconnect(place)

        wizard.finished.connect(closed)

    def close(self) -> None:
        self._timer.stop()
        if self.wizard is not None:
            self.wizard.cancel_requested.disconnect(self.cancel)
            self.wizard.dismiss()
            self.wizard = None
        super().close()

    def new_code(self) -> None:
        wizard = self.wizard
        if wizard is None:
            return
        old = self.pairing
        self.pairing = None
        if old is not None and old.status in (PairingStatus.WAITING, PairingStatus.ACCEPTED):
            self.run(partial(self.family.cancel_pairing, old.id), on_error=self._best_effort)
        wizard.show_busy("Asking the service for a pairing code…")
        self.run(self._start, self._started, on_error=self._failed, owner=wizard)

    def _start(self) -> tuple[Pairing, list[list[bool]]]:
        pairing = self.family.start_pairing()
        from famguard.ui.pairing import qr_matrix

        return pairing, qr_matrix(pairing.pair_uri or "")

    def _started(self, result: tuple[Pairing, list[list[bool]]]) -> None:
        pairing, matrix = result
        if self.wizard is None:
            return
        self.pairing = pairing
        expires = pairing.expires_at or datetime.now(UTC)
        self.wizard.show_waiting(pairing.code or "", expires, pairing.pair_uri or "", matrix)
        self._timer.start()

    def poll_now(self) -> None:
        if self.pairing is None or self.wizard is None or self._polling:
            return
        self._polling = True
        self.run(
            partial(self.family.poll_pairing, self.pairing.id),
            self._polled,
            on_error=self._poll_failed,
            owner=self.wizard,
        )

    def _polled(self, pairing: Pairing) -> None:
        self._polling = False
        if self.wizard is None or self.pairing is None or pairing.id != self.pairing.id:
            return
        self.pairing = pairing
        self.wizard.show_reachable(True)
        if pairing.status == PairingStatus.ACCEPTED and pairing.teen is not None:
            # From the code's page only: a poll under way when "Confirm" was refused brought the
            # question back over its refusal (a CI run: state "accepted", the words "✗ …").
            if self.wizard.state in ("waiting", "busy"):
                already = pairing.teen.id in self.linked_ids()
                self.wizard.show_accepted(pairing.teen.display_name, pairing.teen.age, already=already)
        elif pairing.status == PairingStatus.EXPIRED:
            self._timer.stop()
            self.wizard.show_expired()
        elif pairing.status == PairingStatus.CANCELLED:
            self._timer.stop()
            self.wizard.show_cancelled(by_teen=True)
        elif pairing.status == PairingStatus.ACTIVE:
            self._timer.stop()
            approved = self.wizard.state == "approval"
            self.wizard.show_active(pairing.teen.display_name if pairing.teen else "your teen")
            if approved and pairing.teen is not None:  # a guardian of the teen said yes meanwhile
                self.on_linked(pairing.teen.id, True)
        elif pairing.status == PairingStatus.APPROVAL:
            if self.wizard.state != "approval":
                self.wizard.show_awaiting_approval(pairing.teen.display_name if pairing.teen else "your teen")
        elif pairing.status == PairingStatus.REFUSED:
            self._timer.stop()
            self.wizard.show_refused(pairing.teen.display_name if pairing.teen else "your teen")
        elif pairing.status == PairingStatus.WAITING and pairing.teen is not None:
            self.wizard.show_redeemed()  # the code was entered; the teen's "Accept" is still to come

    def _poll_failed(self, exc: BaseException) -> None:
        from famguard.api import errors as api_errors  # loaded by the services already; ~100 ms cold

        self._polling = False
        if kind_of(exc) is ErrorKind.BUG:
            self.tasks.error_reporter(exc)
            return
        if isinstance(exc, api_errors.Gone) and self.wizard is not None:
            self._timer.stop()
            self.wizard.show_expired()
        elif kind_of(exc) is ErrorKind.OFFLINE and self.wizard is not None:
            self.wizard.show_reachable(False)  # said in the wizard: the offline banner is behind it
        # the next poll tries again

    def confirm(self) -> None:
        if self.pairing is None or self.wizard is None:
            return
        wizard = self.wizard
        wizard.confirm_button.setEnabled(False)
        before = self.linked_ids()

        def linked(pairing: Pairing) -> None:
            wizard.confirm_button.setEnabled(True)
            self._timer.stop()
            self.pairing = pairing
            teen_id = pairing.teen.id if pairing.teen else ""
            name = pairing.teen.display_name if pairing.teen else "your teen"
            if pairing.status == PairingStatus.APPROVAL:
                wizard.show_awaiting_approval(name)
                self._timer.start()  # the answer is followed while the window is open
                return
            if teen_id in before:
                wizard.show_active(name, already=True)
            else:
                wizard.show_active(name)
            self.on_linked(teen_id, teen_id not in before)

        def failed(exc: BaseException) -> None:
            wizard.confirm_button.setEnabled(True)
            self._failed(exc)

        self.run(partial(self.family.confirm_pairing, self.pairing.id), linked, on_error=failed, owner=wizard)

    def cancel(self) -> None:
        self._timer.stop()
        pairing, self.pairing = self.pairing, None
        if pairing is not None and pairing.status in (PairingStatus.WAITING, PairingStatus.ACCEPTED,
                                                      PairingStatus.APPROVAL):  # fmt: skip
            # Best effort: an unreachable server lets the code expire by itself in 10 minutes (a
            # question to the teen's guardians in 3 days).
            self.run(partial(self.family.cancel_pairing, pairing.id), on_error=self._best_effort)

    def _best_effort(self, exc: BaseException) -> None:
        """Cancelling is a courtesy (the code expires anyway): only a bug is worth reporting."""
        if kind_of(exc) is ErrorKind.BUG:
            self.tasks.error_reporter(exc)

    def _closed(self, _result: int) -> None:
        self._timer.stop()
        self.wizard = None
        self.window.return_focus()

    def _failed(self, exc: BaseException) -> None:
        from famguard.api import errors as api_errors  # loaded by the services already; ~100 ms cold

        wizard = self.wizard
        if wizard is None:
            return
        message = user_message(exc)
        if message is None:
            self.tasks.error_reporter(exc)
            wizard.show_error("Something went wrong. The details were logged.")
            return
        if isinstance(exc, api_errors.RateLimited) and wizard.state == "accepted":
            # At "Confirm" it is the teen's guardians who were asked too often today, not this
            # guardian's codes: the service's own words say which, and when to ask again.
            wizard.show_error(message)
        elif isinstance(exc, api_errors.RateLimited):
            seconds = (exc.retry_at - datetime.now(UTC)).total_seconds() if exc.retry_at else 60
            wizard.show_rate_limited(max(1, math.ceil(seconds)))
        elif isinstance(exc, api_errors.Gone):
            wizard.show_expired()
        else:
            wizard.show_error(message)
