"""A teen's requests for more time, on their home: who asked, how much, why, and quick answers
(+15 min, +30 min, +1 h, what was asked, the rest of the day, deny). Pure view: it emits the
guardian's answer. After an answer the keyboard focus moves to the next request, or — when none is
left — `emptied` lets the page put it somewhere sensible."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QApplication, QGroupBox, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from famguard.domain.models import TimeRequest, TimeRequestStatus
from famguard.domain.schedule import format_minutes, teen_today
from famguard.domain.today import minutes_to_midnight, request_day_words, rest_of_day_minutes
from famguard.ui.common import named, wrapping_label

QUICK_ANSWERS = (15, 30, 60)


def when_text(at: datetime) -> str:
    return at.astimezone().strftime("%H:%M") if at.tzinfo else at.strftime("%H:%M")


class TimeRequestsBox(QGroupBox):
    """Pending requests of one teen; hidden when there are none."""

    decide_requested = Signal(object, bool, object)  # TimeRequest, approve, minutes (None: as asked)
    emptied = Signal()  # the last request was answered while the focus was in this box
    rows_remade = Signal()  # the requests' rows were made again (their buttons are new)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Asking for more time", parent)
        self.setObjectName("timeRequestsBox")
        self.setAccessibleName("Requests for more time")
        self._layout = QVBoxLayout(self)
        self._rows: list[QWidget] = []
        self._first_buttons: list[QPushButton] = []
        self._shown: tuple[object, ...] | None = None  # what the rows show now
        self._answered_at = float("-inf")  # time.monotonic() of the last answer given here
        self.hide()

    def _answer(self, request: TimeRequest, approve: bool, minutes: int | None) -> None:
        """An answer, unless one was given within a double click's time: the second click of a
        double click on "+15 min" landed on the next request, moved up under the mouse once the
        first was answered, and answered it too (an outside tester; twice, with Deny as well)."""
        now = time.monotonic()
        if now - self._answered_at < QApplication.doubleClickInterval() / 1000:
            return
        self._answered_at = now
        self.decide_requested.emit(request, approve, minutes)

    def show_requests(
        self, teen_name: str, requests: list[TimeRequest], timezone: str = "UTC", locked_until: str | None = None
    ) -> None:
        """`locked_until`: time away locks the teen's app now, until then ("13:00")."""
        pending = [r for r in requests if r.status == TimeRequestStatus.PENDING]
        # The home shows its facts again on every notice (usage, controls, a tick): rows that would
        # read the same are kept, with the focus and hover on their buttons.
        shown = (teen_name, timezone, rest_of_day_minutes(timezone, datetime.now(UTC)), pending, locked_until)
        if shown == self._shown:
            return
        self._shown = shown
        focus = QApplication.focusWidget()
        had_focus = focus is not None and self.isAncestorOf(focus)
        for row in self._rows:
            row.hide()
            row.deleteLater()
        self._rows = []
        self._first_buttons = []
        self.setVisible(bool(pending))
        for request in pending:
            row = self._row(teen_name, request, timezone, locked_until)
            self._layout.addWidget(row)
            # Shown now, not when the layout's queued show comes round: a shortcut pressed in
            # between (Ctrl+1 puts the focus on the first answer) would find no visible button.
            row.show()
            self._rows.append(row)
        self.rows_remade.emit()
        if had_focus:
            if self._first_buttons:
                self._first_buttons[0].setFocus()
            else:
                self.emptied.emit()

    def pending_count(self) -> int:
        return len(self._rows)

    def _row(self, teen_name: str, request: TimeRequest, timezone: str, locked_until: str | None) -> QWidget:
        row = QWidget()
        row.setObjectName(f"timeRequest_{request.id}")
        reason = f": “{request.reason}”" if request.reason else ""
        today = teen_today(timezone, datetime.now(UTC))
        is_today = request.date == today
        # An approval raises the limit of the day asked for only: a day gone by gets no time today.
        later = "" if is_today else " — allowing it adds time to that day, not today"
        if is_today and locked_until:
            # Allowed during time away, the time was given and nothing changed on the phone, and
            # nobody said why (an outside tester): extra time raises today's limit only.
            later = (
                f" — time away locks the app until {locked_until}: extra time adds to today's limit "
                "and does not lift it"
            )
        day = request_day_words(request.date, today)
        text = wrapping_label(
            f"{teen_name} asks for {format_minutes(request.minutes)} more {day}{reason} "
            f"(asked at {when_text(request.created_at)}){later}",
            "timeRequestText",
        )
        # Named with the teen's: "Allow 15 min more" did not say to whom, where the inbox says "for Sam".
        answers: list[QPushButton] = []
        for minutes in QUICK_ANSWERS:
            label = f"+{format_minutes(minutes)}"
            button = named(
                QPushButton(label), f"approve_{minutes}", f"Allow {teen_name} {format_minutes(minutes)} more"
            )
            button.clicked.connect(lambda _c=False, m=minutes: self._answer(request, True, m))
            answers.append(button)
        # The rest of today, given to a day gone by, would be given to nothing.
        rest = rest_of_day_minutes(timezone, datetime.now(UTC)) if is_today else None
        # What the rest of the day gives when that is what was asked (4 h in the teen's morning): one
        # button, not "+4 h" beside "+4 h (most)", two buttons doing the same (an outside tester).
        if request.minutes not in QUICK_ANSWERS and request.minutes != rest:
            asked = named(
                QPushButton(f"+{format_minutes(request.minutes)}"),
                "approve_asked",
                f"Allow {teen_name} the {format_minutes(request.minutes)} asked for",
            )
            asked.clicked.connect(lambda: self._answer(request, True, None))
            answers.append(asked)
        amounts = len(answers)  # the first line's: the rest of the day and Deny go on the second
        if rest is not None:
            rest_button = named(
                QPushButton("Rest of the day"),
                "approve_rest",
                f"Allow {teen_name} the rest of the day ({format_minutes(rest)})",
            )
            rest_button.setToolTip(f"Adds {format_minutes(rest)}: until midnight in {timezone}")
            if minutes_to_midnight(timezone, datetime.now(UTC)) > rest:  # one answer gives at most GRANT_MAX
                rest_button.setText(f"+{format_minutes(rest)} (most)")
                rest_button.setAccessibleName(
                    f"Allow {teen_name} {format_minutes(rest)} more, the most one answer gives"
                )
                rest_button.setToolTip(
                    f"Adds {format_minutes(rest)}, the most one answer gives: not the rest of the day in {timezone}."
                )
            rest_button.clicked.connect(lambda: self._answer(request, True, rest))
            answers.append(rest_button)
        deny = named(QPushButton("Deny"), "denyRequest", f"Deny {teen_name}'s request")
        deny.clicked.connect(lambda: self._answer(request, False, None))
        answers.append(deny)
        for button in answers:  # what it answers, for a screen reader on the button (the line above is not a stop)
            button.setAccessibleDescription(text.text())
        self._first_buttons.append(answers[0])
        layout = QVBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(text)
        # Two lines — the amounts, then the rest of the day and Deny: on a small screen (1024
        # wide, the teen's phone docked) one line of six answers was wider than the home, and Deny
        # was cut off at its edge (an outside tester). Qt's own layouts in these rows, made and
        # deleted on every request: not the Python FlowLayout, which only long-lived rows use.
        for line in (answers[:amounts], answers[amounts:]):
            buttons = QHBoxLayout()
            for button in line:
                buttons.addWidget(button)
            buttons.addStretch(1)
            layout.addLayout(buttons)
        return row
