"""The requests inbox: every teen's requests for more time in one window — who, how much, the
reason, when — answered with quick answers (+15 min, +30 min, +1 h, what each asked for, the rest
of the day, deny), one or several at once (select rows; Ctrl+A selects all). "Rest of the day" says
what it gives the selected requests' teens now, as the home's button does: one answer gives at most
4 h, so in a teen's morning it is "+4 h (the most one answer gives)". Pure view: it emits the answer
for the selected requests; `famguard.ui.inbox_presenter` sends them."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime

from PySide6.QtCore import QItemSelectionModel, Qt, QTimer, Signal
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
from famguard.domain.today import GRANT_MAX, minutes_to_midnight, request_day_words, rest_of_day_minutes
from famguard.ui.common import (
    KeyboardParking,
    RestOfAQuickPress,
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
MINUTE_MS = 60_000


def ms_to_next_minute(now: datetime) -> int:
    """Until the clock's next whole minute (and a little past it): "Rest of the day (1 h 46 min)",
    shown again every 30 s, gave 1 h 45 min when clicked in the half minute after the minute
    turned (an outside tester). Shown again as each minute turns, it gives what it says."""
    return MINUTE_MS - (now.second * 1000 + now.microsecond // 1000) + 50


class InboxDialog(QDialog):
    answer_requested = Signal(list, int)  # the selected requests, minutes (AS_ASKED, REST_OF_DAY, DENY)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("inboxDialog")
        self.setWindowTitle("FamGuard — Requests inbox")
        self.setAccessibleName("Requests inbox")
        self._requests: list[TimeRequest] = []
        self._days: Mapping[str, date] = {}  # each teen's today (by teen id), when known
        self._zones: Mapping[str, str] = {}  # each teen's time zone (by teen id), when known
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
        # Each row as tall as its reason at the reason's width now: measured when the requests came
        # (before the inbox had its width), a long reason ended in "…" after three lines, and only
        # its tooltip said the rest (an outside tester).
        self._fit_rows = QTimer(self)  # once the resize is over: during it the rows measured the old width
        self._fit_rows.setSingleShot(True)
        self._fit_rows.timeout.connect(self.table.resizeRowsToContents)
        header.sectionResized.connect(lambda column, _old, _new: column == 2 and self._fit_rows.start(0))
        self.empty = named(wrapping_label("No requests waiting.", "inboxEmpty"), "inboxEmpty", "No requests waiting")
        self.hint = wrapping_label(
            "Select one or more requests (Ctrl+A for all), then answer them together.", "inboxHint"
        )
        self.status = named(wrapping_label("", "inboxStatus"), "inboxStatus", "Inbox status")
        self.buttons: dict[int, QPushButton] = {}
        # Two lines, as on the teen's home — the amounts, then the rest of the day, Deny and Close:
        # "+4 h (the most one answer gives)" made one line wider than the inbox at 150 % on a
        # 1024 × 768 screen (683 px), and Close was cut off.
        amounts, others = QHBoxLayout(), QHBoxLayout()
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
            self.buttons[minutes] = button
            (amounts if minutes in (*QUICK_ANSWERS, AS_ASKED) else others).addWidget(button)
        amounts.addStretch(1)
        others.addStretch(1)
        self.close_button = named(QPushButton("&Close"), "inboxClose", "Close the inbox")
        self.close_button.setAutoDefault(False)
        self.close_button.clicked.connect(self.close)
        self._close_after_answer = RestOfAQuickPress(self.close_button)  # it takes the keys as the list empties
        others.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.hint)
        layout.addWidget(self.table, 1)
        # The empty inbox's line takes the table's room, at its top: without it, the room was shared
        # out between the heading and the lines, which floated apart across the window.
        layout.addWidget(self.empty, 1, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(amounts)
        layout.addLayout(others)
        layout.addWidget(self.status)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self._parking = KeyboardParking(self.buttons.values(), self.table, restore=False)
        self._rest_timer = QTimer(self)
        self._rest_timer.setSingleShot(True)
        self._rest_timer.timeout.connect(self._show_rest)
        resize_within_screen(self, 720, 420)  # 683 px wide at 150 % on 1024 × 768: Close was cut off
        self.show_requests([])

    def show_requests(
        self,
        requests: list[tuple[str, TimeRequest]],
        days: Mapping[str, date] | None = None,
        zones: Mapping[str, str] | None = None,
    ) -> None:
        """(teen's name, request) oldest first; the selection is kept for requests still there.
        The first is selected when the inbox opens or its first request comes, never after an
        answer: selected by itself once the chosen request was answered, the next one (another
        teen's) took the second click of a double click on "+1 h". `days`: each teen's today (by
        teen id) — a request of an earlier day says which day it is for, as an approval raises
        that day's limit only. `zones`: each teen's time zone (by teen id), for what "Rest of the
        day" gives them."""
        selected = {r.id for r in self.selected()}
        first_to_see = not self.isVisible() or not self._requests
        self._requests = [request for _name, request in requests]
        self._days, self._zones = days or {}, zones or {}
        self.table.setRowCount(len(requests))
        for index, (name, request) in enumerate(requests):
            asks = f"+{format_minutes(request.minutes)}"
            if days is not None and request.teen_id in days and request.date != days[request.teen_id]:
                asks += f" {request_day_words(request.date, days[request.teen_id])}"
            cells = (name, asks, request.reason or "—", when_text(request.created_at))
            reason = f": “{request.reason}”" if request.reason else ", no reason given"
            # The whole request in each cell's words for a screen reader: the focused row read
            # "Maya" alone (an outside tester, by ear).
            whole = f"{name} asks for {asks.removeprefix('+')} more{reason}, asked at {cells[3]}"
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(plain_tooltip(text))
                item.setData(Qt.ItemDataRole.AccessibleTextRole, whole if column == 0 else f"{text} — {whole}")
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
        self._show_rest()

    def _show_rest(self) -> None:
        """ "Rest of the day" as what it gives the selected requests (all when none is selected) now.
        It said "Rest of the day" where one answer gives at most 4 h: at 12:34 it gave "✓ Allowed
        4 h more" and the teen was locked again long before midnight (an outside tester). As the
        home's button says it: "+4 h (the most one answer gives)" then, else "Rest of the day (2 h
        26 min)"; teens whose rests differ: "Rest of the day, up to 4 h". Its Alt+R stays."""
        now = datetime.now(UTC)
        self._rest_timer.start(ms_to_next_minute(now))  # again as the minute turns
        gives = {
            (rest_of_day_minutes(zone, now), minutes_to_midnight(zone, now) > GRANT_MAX)
            for request in (self.selected() or self._requests)
            if (zone := self._zones.get(request.teen_id)) is not None
            and request.date == self._days.get(request.teen_id, request.date)  # (none for a day gone by)
        }
        most = format_minutes(GRANT_MAX)
        each = f"Until midnight in each teen's time zone, {most} at most"
        if len(gives) == 1:
            [(rest, capped)] = gives
            if capped:
                text = f"+{format_minutes(rest)} (the most one answe&r gives)"
                spoken = f"Allow {format_minutes(rest)} more, the most one answer gives"
                tip = f"Adds {format_minutes(rest)}, the most one answer gives: the teen's day ends later."
            else:
                text = f"&Rest of the day ({format_minutes(rest)})"
                spoken = f"Allow the rest of the day ({format_minutes(rest)})"
                tip = f"Adds {format_minutes(rest)}: until midnight in the teen's time zone ({most} at most)."
        else:  # none known yet, or teens whose days end at different times
            text = f"&Rest of the day, up to {most}" if gives else "&Rest of the day"
            spoken, tip = f"Allow the rest of the day, {most} at most", each
        button = self.buttons[REST_OF_DAY]
        button.setText(text)
        button.setAccessibleName(spoken)
        button.setToolTip(plain_tooltip(tip))
        button.setAccessibleDescription(tip)

    def _answer(self, minutes: int) -> None:
        chosen = self.selected()
        if chosen:
            self._close_after_answer.armed()
            self.answer_requested.emit(chosen, minutes)

    def focus_table(self) -> None:
        (self.table if self._requests else self.close_button).setFocus()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            return  # Enter never answers: the guardian picks an answer by its button
        super().keyPressEvent(event)
