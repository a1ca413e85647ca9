"""The requests inbox: every teen's requests for more time in one window — who, how much, the
reason, when — answered with quick answers (+15 min, +30 min, +1 h, what each asked for, the rest
of the day, deny), one or several at once (select rows; Ctrl+A selects all). Pure view: it emits
the answer for the selected requests; `famguard.ui.inbox_presenter` sends them."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from PySide6.QtCore import QItemSelectionModel, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from famguard.domain.models import TimeRequest
from famguard.domain.schedule import format_minutes
from famguard.domain.today import GRANT_MAX, request_day_words
from famguard.ui.common import (
    KeyboardParking,
    announce,
    heading,
    named,
    plain_tooltip,
    resize_within_screen,
    show_words,
    wrapping_label,
)
from famguard.ui.time_requests import QUICK_ANSWERS, when_text

REST_OF_DAY = -1  # the answer "the rest of the day" (worked out per teen's time zone)
AS_ASKED = -2  # the answer "what each request asked for" (45 min to a request for 45 min)
DENY = 0


class InboxDialog(QDialog):
    answer_requested = Signal(list, int)  # the selected requests, minutes (AS_ASKED, REST_OF_DAY, DENY)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("inboxDialog")
        self.setWindowTitle("FamGuard — Requests inbox")
        self.setAccessibleName("Requests inbox")
        self._requests: list[TimeRequest] = []
        self._sending = False
        self.title = heading("Requests for more time", "inboxTitle", 1.3)
        self.table = named(QTableWidget(0, 4), "inboxTable", "Requests of all your teens")
        self.table.setHorizontalHeaderLabels(["Teen", "Asks for", "Reason", "Asked at"])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        # Tab leaves the table for the answers (the arrows move in it): Tab went round its cells
        # and never reached "+15 min", "Deny" or "Close" (Ctrl+Tab did, which nobody guesses).
        self.table.setTabKeyNavigation(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.setWordWrap(True)
        self.empty = named(wrapping_label("No requests waiting.", "inboxEmpty"), "inboxEmpty", "No requests waiting")
        self.hint = wrapping_label(
            "Select one or more requests (Ctrl+A for all), then answer them together.", "inboxHint"
        )
        self.status = named(wrapping_label("", "inboxStatus"), "inboxStatus", "Inbox status")
        self.buttons: dict[int, QPushButton] = {}
        row = QHBoxLayout()
        labels = {
            15: "+1&5 min",
            30: "+&30 min",
            60: "+1 &h",
            AS_ASKED: "&As asked",
            REST_OF_DAY: "&Rest of the day",
            DENY: "&Deny",
        }
        names = {AS_ASKED: "asked", REST_OF_DAY: "rest"}
        # "As asked": a request for 45 min (or 2 h) could be answered on the teen's home only, where
        # its own button is; here the quick answers gave 30 min or 1 h (an outside tester).
        for minutes in (*QUICK_ANSWERS, AS_ASKED, REST_OF_DAY, DENY):
            text = labels[minutes]
            spoken = {
                AS_ASKED: "Allow what each request asked for",
                REST_OF_DAY: "Allow the rest of the day",
                DENY: "Deny",
            }.get(minutes, f"Allow {format_minutes(minutes)} more")
            button = named(QPushButton(text), f"inboxAnswer_{names.get(minutes, minutes)}", spoken)
            # Not the dialog's default (a QDialog makes its first button one, drawn framed as if
            # Enter pressed it): Enter answers nothing here, and an outside tester took the framed
            # "+15 min" for the answer Enter would give.
            button.setAutoDefault(False)
            button.clicked.connect(lambda _c=False, m=minutes: self._answer(m))
            if minutes == AS_ASKED:
                button.setToolTip(plain_tooltip("Each selected request gets the time it asked for"))
                button.setAccessibleDescription("Each selected request gets the time it asked for")
            if minutes == REST_OF_DAY:  # one answer grants at most GRANT_MAX: a morning's rest is more
                most = format_minutes(GRANT_MAX)
                button.setToolTip(plain_tooltip(f"Until midnight in each teen's time zone, {most} at most"))
                button.setAccessibleDescription(f"Until midnight in each teen's time zone, {most} at most")
            self.buttons[minutes] = button
            row.addWidget(button)
        row.addStretch(1)
        self.close_button = named(QPushButton("&Close"), "inboxClose", "Close the inbox")
        self.close_button.setAutoDefault(False)
        self.close_button.clicked.connect(self.close)
        row.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.hint)
        layout.addWidget(self.table, 1)
        # The empty inbox's line takes the table's room, at its top: without it, the room was shared
        # out between the heading and the lines, which floated apart across the window.
        layout.addWidget(self.empty, 1, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(row)
        layout.addWidget(self.status)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self._parking = KeyboardParking(self.buttons.values(), self.table, restore=False)
        resize_within_screen(self, 720, 420)  # 683 px wide at 150 % on 1024 × 768: Close was cut off
        self.show_requests([])

    def show_requests(self, requests: list[tuple[str, TimeRequest]], days: Mapping[str, date] | None = None) -> None:
        """(teen's name, request) oldest first; the selection is kept for requests still there.
        The first is selected when the inbox opens or its first request comes, never after an
        answer: selected by itself once the chosen request was answered, the next one (another
        teen's) took the second click of a double click on "+1 h". `days`: each teen's today (by
        teen id) — a request of an earlier day says which day it is for, as an approval raises
        that day's limit only."""
        selected = {r.id for r in self.selected()}
        first_to_see = not self.isVisible() or not self._requests
        self._requests = [request for _name, request in requests]
        self.table.setRowCount(len(requests))
        for index, (name, request) in enumerate(requests):
            asks = f"+{format_minutes(request.minutes)}"
            if days is not None and request.teen_id in days and request.date != days[request.teen_id]:
                asks += f" {request_day_words(request.date, days[request.teen_id])}"
            cells = (name, asks, request.reason or "—", when_text(request.created_at))
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(plain_tooltip(text))
                self.table.setItem(index, column, item)
        self.table.resizeRowsToContents()
        self.table.clearSelection()
        for index, request in enumerate(self._requests):
            if request.id in selected:
                self._select_row(index)
        if self._requests and not self.table.selectedItems() and first_to_see:
            self._select_row(0, current=True)
        self.table.setVisible(bool(requests))
        self.hint.setVisible(bool(requests))  # nothing to select
        self.empty.setVisible(not requests)
        self._selection_changed()

    def _select_row(self, row: int, *, current: bool = False) -> None:
        """Select a row whatever keys are held. selectRow and setCurrentCell read the keyboard:
        with Ctrl still down from Ctrl+I (the inbox's shortcut) they toggle, like Ctrl+click, and
        the row the inbox opened with was unselected again — every answer greyed out."""
        index = self.table.model().index(row, 0)
        model = self.table.selectionModel()
        if current:
            model.setCurrentIndex(index, QItemSelectionModel.SelectionFlag.NoUpdate)
        model.select(index, QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows)

    def selected(self) -> list[TimeRequest]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [self._requests[row] for row in rows if row < len(self._requests)]

    def say(self, text: str) -> None:
        show_words(self.status, text)
        if text and not text.endswith("…"):  # the outcome, said: the focus is back in the list
            announce(self.status, text, assertive=not text.startswith("✓"))

    def set_sending(self, sending: bool) -> None:
        """While answers are on their way, no other answer: the second click of a double click
        would answer the same requests again. The keyboard waits on the list meanwhile: the
        second press of a double Space on "+15 min" closed the inbox with requests waiting."""
        if sending:
            self._parking.busy()
        self._sending = sending
        self._selection_changed()

    def _selection_changed(self) -> None:
        count = len(self.selected())
        for button in self.buttons.values():
            button.setEnabled(count > 0 and not self._sending)
        self.title.setText(
            f"Requests for more time ({len(self._requests)})" if self._requests else "Requests for more time"
        )

    def _answer(self, minutes: int) -> None:
        chosen = self.selected()
        if chosen:
            self.answer_requested.emit(chosen, minutes)

    def focus_table(self) -> None:
        (self.table if self._requests else self.close_button).setFocus()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            return  # Enter never answers: the guardian picks an answer by its button
        super().keyPressEvent(event)
