"""The pairing wizard: the code in large readable groups and as a QR code, a countdown to expiry
with "New code", instructions for the teen's phone, and each state of a pairing (waiting,
accepted — confirm who it is —, active, expired, cancelled, rate-limited) explained in words."""

from __future__ import annotations

import math
import time
from datetime import UTC, datetime

from PySide6.QtCore import QEvent, QObject, QRect, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QFontDatabase, QPainter, QPaintEvent
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from famguard.ui.common import (
    announce,
    focus_first_usable,
    heading,
    named,
    resize_within_screen,
    show_words,
    without_symbol,
    wrapping_label,
)

QUIET_ZONE = 4  # modules of white around the symbol, as the QR standard asks


def format_code(code: str) -> str:
    """ "ABCDEFGH" -> "ABCD-EFGH": two groups of four are easy to read out and type."""
    clean = code.replace("-", "").replace(" ", "").upper()
    return "-".join(clean[i : i + 4] for i in range(0, len(clean), 4))


def spoken_code(code: str) -> str:
    """What a screen reader should say: each character on its own, groups separated."""
    return ", ".join(" ".join(group) for group in format_code(code).split("-"))


def qr_matrix(data: str) -> list[list[bool]]:
    """The QR code of `data` as rows of dark/light modules (pure; the presenter computes it on a
    worker because importing segno and encoding take ~90 ms)."""
    import segno

    qr = segno.make(data, error="m", micro=False)
    return [[bool(cell) for cell in row] for row in qr.matrix]


class QrCodeWidget(QWidget):
    """A QR code drawn module by module with QPainter, each module a whole number of device
    pixels, so it stays crisp at any size and any screen scale."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._matrix: list[list[bool]] = []
        self.data = ""
        self.setMinimumSize(180, 180)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        named(self, "pairingQr", "QR code of the pairing code")

    def set_data(self, data: str, matrix: list[list[bool]] | None = None) -> None:
        self._matrix = matrix if matrix is not None else qr_matrix(data)
        self.data = data
        self.update()

    def clear(self) -> None:
        self._matrix = []
        self.data = ""
        self.update()

    def module_count(self) -> int:
        return len(self._matrix)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(240, 240)

    def hasHeightForWidth(self) -> bool:  # noqa: N802
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802
        return width

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("white"))
        if not self._matrix:
            return
        ratio = painter.device().devicePixelRatioF()  # the real target: screen, or an image when printing
        count = len(self._matrix) + 2 * QUIET_ZONE
        side_px = math.floor(min(self.width(), self.height()) * ratio)
        module_px = max(1, side_px // count)  # whole device pixels per module: no blurry edges
        module = module_px / ratio
        origin_x = (self.width() - module * count) / 2 + QUIET_ZONE * module
        origin_y = (self.height() - module * count) / 2 + QUIET_ZONE * module
        # snap the origin to the device pixel grid too
        origin_x = round(origin_x * ratio) / ratio
        origin_y = round(origin_y * ratio) / ratio
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        black = QColor("black")
        for y, row in enumerate(self._matrix):
            for x, dark in enumerate(row):
                if dark:
                    painter.fillRect(QRectF(origin_x + x * module, origin_y + y * module, module, module), black)


STEPS = (
    "On your teen's phone, open the video app and go to Settings › Family Pairing.",
    "Tap “Link to a guardian” and scan this QR code, or type the code.",
    "Your teen sees your name and taps “Accept”.",
    "Come back here: you will see your teen's name and age. Check it is them, then confirm.",
)
WAITING = "↻ Waiting for your teen to enter the code…"
REDEEMED = "↻ Your teen entered the code; waiting for them to tap “Accept”…"
OUT_OF_REACH = (
    "⚠ FamGuard cannot reach the service right now, so your teen's phone cannot take the code yet. "
    "This window goes on by itself when the connection is back."
)


class PairingWizard(QDialog):
    """Links a teen. The controller drives it; it emits what the guardian asks for."""

    new_code_requested = Signal()
    confirm_requested = Signal()
    cancel_requested = Signal()
    teen_phone_requested = Signal()  # the demo: to the Teen's phone, to type the code there

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("pairingWizard")
        self.setWindowTitle("FamGuard — Add a teen")
        self.setAccessibleName("Add a teen")
        self.state = ""
        self._expires_at: datetime | None = None
        self._accepted_name = ""
        self.cancel_question: QMessageBox | None = None  # "Cancel pairing?" while it is asked
        self.title = heading("Link your teen's account", "pairingTitle", 1.5)
        self.status = named(wrapping_label("", "pairingStatus"), "pairingStatus", "Pairing status")
        self.stack = QStackedWidget()

        # waiting: code + QR + countdown + steps
        waiting = QWidget()
        self.code_label = named(QLabel(""), "pairingCode", "Pairing code")
        self.code_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        code_font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        code_font.setPointSizeF(max(28.0, code_font.pointSizeF() * 2.8))
        code_font.setWeight(QFont.Weight.Bold)
        code_font.setLetterSpacing(QFont.SpacingType.AbsoluteSpacing, 4)
        self.code_label.setFont(code_font)
        self.code_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.qr = QrCodeWidget()
        self.countdown = named(QLabel(""), "pairingCountdown", "Time left")
        self.countdown.setAlignment(Qt.AlignmentFlag.AlignCenter)
        steps = wrapping_label(
            "<ol>" + "".join(f"<li>{s}</li>" for s in STEPS) + "</ol>",
            "pairingSteps",
        )
        steps.setTextFormat(Qt.TextFormat.RichText)
        left = QVBoxLayout()
        left.addWidget(self.qr, 1)
        left.addWidget(self.code_label)
        left.addWidget(self.countdown)
        right = QVBoxLayout()
        right.addWidget(QLabel("<b>On your teen's phone</b>"))
        right.addWidget(steps)
        right.addStretch(1)
        waiting_layout = QHBoxLayout(waiting)
        waiting_layout.addLayout(left, 3)
        waiting_layout.addLayout(right, 2)

        # accepted: who it is, confirm
        accepted = QWidget()
        self.teen_label = named(heading("", "pairingTeen", 1.3), "pairingTeen", "Teen who accepted")
        self.accepted_hint = wrapping_label(
            "Check this is your teen before you confirm. After you confirm you can set their "
            "controls; the age rules of the platform apply.",
            "pairingAcceptedHint",
        )
        accepted_layout = QVBoxLayout(accepted)
        accepted_layout.addWidget(self.teen_label)
        accepted_layout.addWidget(self.accepted_hint)
        accepted_layout.addStretch(1)

        # an end state (active, expired, cancelled, rate-limited, error): words only
        ended = QWidget()
        self.end_label = named(wrapping_label("", "pairingEnd"), "pairingEnd", "Pairing result")
        ended_layout = QVBoxLayout(ended)
        ended_layout.addWidget(self.end_label)
        ended_layout.addStretch(1)

        for page in (waiting, accepted, ended):
            self.stack.addWidget(page)
        self._pages = {"waiting": waiting, "accepted": accepted, "ended": ended}

        self.new_code_button = named(QPushButton("&New code"), "newCodeButton", "Get a new code")
        self.confirm_button = named(QPushButton("&Confirm, it's my teen"), "confirmPairingButton", "Confirm pairing")
        self.cancel_button = named(QPushButton("Cancel"), "cancelPairingButton", "Cancel pairing")
        self.close_button = named(QPushButton("C&lose"), "closePairingButton", "Close")
        # While the teen's guardians are asked: take the question back (Close leaves it standing).
        self.call_off_button = named(
            QPushButton("Call &off the request"), "callOffPairingButton", "Call off the request to the teen's guardians"
        )
        self.call_off_button.setVisible(False)
        self.call_off_button.clicked.connect(self._call_off)
        self.new_code_button.clicked.connect(self.new_code_requested)
        self.confirm_button.clicked.connect(self.confirm_requested)
        # As Esc and the window's close button: cancel the code and close (it only cancelled the
        # code, and the wizard stayed open counting down over a code the phone would refuse).
        self.cancel_button.clicked.connect(self._cancel)
        self.close_button.clicked.connect(self.accept)
        # Close takes Confirm's place with the result: the second click of a double click on
        # "Confirm, it's my teen" closed the wizard before "You are now linked…" could be read.
        # The mouse's clicks on it are not taken for a double-click interval after (the keys are).
        self._ended_at = 0.0  # when the result was shown (time.monotonic)
        self.close_button.installEventFilter(self)
        self.phone_button = named(
            QPushButton("&Teen's phone (F6)"),
            "pairingTeenPhoneButton",
            "Go to the teen's phone",
            "The demo's teen's phone, where the code is typed; F6 comes back here",
        )
        self.phone_button.setVisible(False)
        self.phone_button.clicked.connect(self.teen_phone_requested)
        buttons = QHBoxLayout()
        buttons.addWidget(self.new_code_button)
        buttons.addWidget(self.phone_button)
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.call_off_button)
        buttons.addWidget(self.confirm_button)
        buttons.addWidget(self.close_button)

        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.status)
        layout.addWidget(self.stack, 1)
        layout.addLayout(buttons)
        self._tick = QTimer(self)
        self._tick.setInterval(1000)
        self._tick.timeout.connect(self._update_countdown)
        resize_within_screen(self, 720, 480)
        self.show_busy("Asking the service for a pairing code…")

    # --- beside the demo's phone -------------------------------------------------------------

    def offer_teen_phone(self, offered: bool) -> None:
        """The demo: a button (and F6, the presenter's) to the Teen's phone where the code is typed."""
        self.phone_button.setVisible(offered)

    def place_within(self, room: QRect, frame: QSize) -> None:
        """Sit inside `room` (global coordinates, frame included) — beside the demo's phone, whose
        code field the wizard covered at 800 × 600. `frame`: what the window manager's frame adds
        to a window's inside (the main window's, known once it is on screen). Never smaller than
        the wizard's own minimum: a room narrower than that keeps the wizard whole."""
        minimum = self.minimumSizeHint()
        width = max(minimum.width(), min(self.width(), room.width() - frame.width()))
        height = max(minimum.height(), min(self.height(), room.height() - frame.height()))
        self.resize(width, height)
        left = room.left() + max(0, (room.width() - width - frame.width()) // 2)
        top = room.top() + max(0, (room.height() - height - frame.height()) // 2)
        self.move(left, top)  # a window's position is its frame's

    def focus_next_step(self) -> None:
        """Back from the teen's phone: the keyboard at what the guardian does next here — and,
        while the code still waits to be typed, on the way back to the phone: it was on "New
        code", whose Enter replaced the code the teen was about to type (an outside tester)."""
        focus_first_usable(
            self, (self.confirm_button, self.close_button, self.phone_button, self.new_code_button, self.cancel_button)
        )

    # --- states ------------------------------------------------------------------------------

    def show_busy(self, text: str) -> None:
        self._set_state("busy", text, page="waiting", new_code=False, confirm=False, cancel=True)
        self.code_label.setText("····-····")
        self.qr.clear()
        self.countdown.setText("")

    def show_waiting(
        self, code: str, expires_at: datetime, pair_uri: str, matrix: list[list[bool]] | None = None
    ) -> None:
        self._expires_at = expires_at
        self.code_label.setText(format_code(code))
        self.code_label.setAccessibleName(f"Pairing code: {spoken_code(code)}")
        self.qr.set_data(pair_uri, matrix)
        self._set_state(
            "waiting",
            WAITING,
            page="waiting",
            new_code=True,
            confirm=False,
            cancel=True,
        )
        self._update_countdown()
        self._tick.start()

    def show_redeemed(self) -> None:
        if self.status.text() != REDEEMED:  # said once, not on each check of the pairing
            announce(self.status, REDEEMED)
        show_words(self.status, REDEEMED)

    def show_reachable(self, reachable: bool) -> None:
        """While the code waits for the teen: whether the service answers. Out of reach, the
        teen's phone cannot take the code, and the status says so instead of "Waiting…"."""
        if self.state != "waiting":
            return
        if not reachable:
            if self.status.text() != OUT_OF_REACH:
                announce(self.status, OUT_OF_REACH, assertive=True)
            show_words(self.status, OUT_OF_REACH)
        elif self.status.text() == OUT_OF_REACH:
            show_words(self.status, WAITING)
            announce(self.status, WAITING)

    def show_accepted(self, teen_name: str, age: int, *, already: bool = False) -> None:
        """`already`: the teen who accepted is linked with this guardian already (the demo's phone
        is Maya, who is): said now, not only after Confirm ("already linked; nothing changed")."""
        self._tick.stop()
        self._accepted_name = teen_name
        show_words(self.teen_label, f"{teen_name}, {age}")
        linked = f" {teen_name} is one of your teens already: confirming changes nothing." if already else ""
        # Who accepted, said where the focus lands and at once: the labels were read by their
        # names alone ("Teen who accepted"), and "Confirm pairing" was all a screen reader said.
        asked = f"{teen_name}, {age}, accepted. Is this your teen?{linked}"
        self.confirm_button.setAccessibleDescription(asked)
        announce(self.confirm_button, asked)
        self._set_state(
            "accepted",
            f"✓ {teen_name} accepted. Is this your teen?{linked}",
            page="accepted",
            new_code=False,
            confirm=True,
            cancel=True,
        )
        self.confirm_button.setFocus()

    def show_active(self, teen_name: str, *, already: bool = False) -> None:
        if already:
            self._end("active", f"ℹ You were already linked with {teen_name}; nothing changed.")
            return
        self._end("active", f"✓ You are now linked with {teen_name}. You can set their controls.")

    def show_awaiting_approval(self, teen_name: str) -> None:
        """Confirmed, but the teen has a guardian already: one of them must approve first."""
        self._end(
            "approval",
            f"ℹ {teen_name} already has a guardian, and one of {teen_name}'s guardians must approve you "
            f"before you can see or change anything. They have been asked. You can close this window: "
            f"{teen_name} appears in your list once they approve (they have 3 days to answer).",
        )
        self.call_off_button.setVisible(True)

    def show_refused(self, teen_name: str) -> None:
        self._end("refused", f"✗ One of {teen_name}'s guardians refused: you are not linked with {teen_name}.")

    def show_expired(self) -> None:
        if self.state == "approval":
            self._end("expired", "⚠ Nobody answered within 3 days, so nothing was linked. Get a new code to ask again.")
            self.new_code_button.setVisible(True)
            return
        self._end("expired", "⚠ This code has expired (codes last 10 minutes). Get a new code to try again.")
        self.new_code_button.setVisible(True)

    def show_cancelled(self, by_teen: bool = False) -> None:
        who = "Your teen declined or cancelled" if by_teen else "The pairing was cancelled"
        self._end("cancelled", f"✗ {who}. Nothing was linked. You can start again with a new code.")
        self.new_code_button.setVisible(True)

    def show_rate_limited(self, retry_after_s: int) -> None:
        minutes = max(1, math.ceil(retry_after_s / 60))
        self._end(
            "rate_limited",
            f"⚠ You have asked for many codes in the last hour. For safety, wait {minutes} "
            f"minute{'s' if minutes > 1 else ''} and then get a new code.",
        )
        self.new_code_button.setVisible(True)

    def show_error(self, text: str) -> None:
        self._end("error", f"✗ {text}")
        self.new_code_button.setVisible(True)

    def seconds_left(self) -> int:
        if self._expires_at is None:
            return 0
        return max(0, math.ceil((self._expires_at - datetime.now(UTC)).total_seconds()))

    # --- internals ---------------------------------------------------------------------------

    def _end(self, state: str, text: str) -> None:
        self._tick.stop()
        show_words(self.end_label, text)
        self.close_button.setAccessibleDescription(without_symbol(text))  # the focus goes there
        announce(self.end_label, text, assertive=text.startswith(("✗", "⚠")))
        self._set_state(state, "", page="ended", new_code=False, confirm=False, cancel=False)
        self.close_button.setVisible(True)
        self.close_button.setFocus()
        self._ended_at = time.monotonic()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        clicks = (QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonRelease, QEvent.Type.MouseButtonDblClick)
        if watched is self.close_button and event.type() in clicks:
            if (time.monotonic() - self._ended_at) * 1000 < QApplication.doubleClickInterval():
                return True  # the rest of a click meant for Confirm
        return super().eventFilter(watched, event)

    def _set_state(self, state: str, text: str, *, page: str, new_code: bool, confirm: bool, cancel: bool) -> None:
        self.state = state
        show_words(self.status, text)
        self.status.setVisible(bool(text))
        self.stack.setCurrentWidget(self._pages[page])
        self.new_code_button.setVisible(new_code)
        self.call_off_button.setVisible(False)
        self.confirm_button.setVisible(confirm)
        self.confirm_button.setDefault(confirm)
        self.cancel_button.setVisible(cancel)
        self.close_button.setVisible(not cancel)

    def _update_countdown(self) -> None:
        left = self.seconds_left()
        if left <= 0 and self.state == "waiting":
            self.show_expired()
            return
        minutes, seconds = divmod(left, 60)
        show_words(self.countdown, f"Expires in {minutes}:{seconds:02d}")

    def _call_off(self) -> None:
        self.cancel_requested.emit()  # the presenter calls the question off on the service
        self._tick.stop()
        super().reject()

    def reject(self) -> None:  # Esc or the window's close button
        if self.state == "accepted":
            # The teen has entered the code and waits for the answer: Esc (or closing the window)
            # threw that away without a word, and the teen needed a new code (an outside tester).
            self._ask_before_cancelling()
            return
        self._cancel()

    def dismiss(self) -> None:
        """Closed by the app (a sign-out, the family screen going): nothing asked, nothing told
        to the service (close() would ask, at the accepted step, as Esc does)."""
        self._tick.stop()
        if self.cancel_question is not None:
            self.cancel_question.done(0)
        self.done(QDialog.DialogCode.Rejected)

    def _cancel(self) -> None:  # "Cancel", or the answer to the question above
        if self.state in ("busy", "waiting", "accepted"):
            self.cancel_requested.emit()
        self._tick.stop()
        super().reject()

    def _ask_before_cancelling(self) -> None:
        if self.cancel_question is not None:
            return  # asked already (a second Esc)
        from famguard.ui.dialogs import ask_without_blocking, safe_question

        teen = self._accepted_name
        box, cancel = safe_question(
            self,
            "cancelAcceptedPairingQuestion",
            "Cancel pairing?",
            f"Cancel pairing with {teen}?",
            f"{teen} has entered your code and is waiting for your answer. If you cancel, {teen} is not "
            "linked and needs a new code. If this is your teen, go back and confirm.",
            "&Cancel pairing",
            "&Go back",
        )

        def answered(acted: bool) -> None:
            self.cancel_question = None
            if acted and self.state == "accepted":
                self._cancel()

        self.cancel_question = ask_without_blocking(box, cancel, answered)
