"""A box for one day that reads the day as it is typed, whole: "15 Mar 2027", "15/3/27",
"2027-03-15", or only "20" (famguard.domain.temporary.read_day). Qt's date box took a day one
section at a time and lost what did not fit without a word: "15 Mar 2027" typed into it gave
15 February (the space jumped past the month), "31" in February gave the 3rd, and with all of
it selected it took nothing at all (outside testers and our own probe). Here a day that cannot
be is refused in words, and the box shows again the day it held: nothing half-read is kept.

Up and Down step a day; Alt+Down (or F4, or the calendar beside the text) opens a month to pick
from. The wheel does nothing here: a box must not change under a passing pointer."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import QDate, QPoint, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QKeyEvent, QPainter, QPalette, QPixmap, QTextCharFormat
from PySide6.QtWidgets import QCalendarWidget, QLineEdit, QWidget

from famguard.domain.temporary import day_text, read_day

# Longer than any way of writing a day ("15 September 2027" is 17): more is a slip or a paste.
MOST_TYPED = 40


class DateBox(QLineEdit):
    """One day, typed or picked. `day_changed(date)` when the day it holds changes (typed, stepped,
    picked or set); `typing_refused(words)` when what was typed is not a day it can hold, e.g.
    "“31 Feb 2027” is not a day: February 2027 has 28 days" — the box then shows its day again."""

    day_changed = Signal(object)  # datetime.date
    typing_refused = Signal(str)

    def __init__(self, day: date, parent: QWidget | None = None) -> None:
        super().__init__(day_text(day), parent)
        self._day = day
        self._earliest, self._latest = date(1900, 1, 1), date(2999, 12, 31)
        self._calendar: QCalendarWidget | None = None
        # A day and month typed without a year are the nearest from this day on, when set.
        self.guess_from: date | None = None
        self._taken: list[tuple[date, date, str]] = []  # (first, last, whose): days shown taken
        # The first day the calendar offers and a refusal suggests, when set: days before it can
        # still be typed (their form says why they will not do), but are not offered.
        self.offered_from: date | None = None
        self.setMaxLength(MOST_TYPED)
        self.setToolTip("Type a day, as 15 Mar 2027 or 15/3, or press Alt+Down to pick it on a calendar")
        trailing = QLineEdit.ActionPosition.TrailingPosition
        self._calendar_action = self.addAction(_calendar_icon(self.palette()), trailing)
        self._calendar_action.setToolTip("Pick the day on a calendar (Alt+Down)")
        self._calendar_action.triggered.connect(self.open_calendar)
        self.editingFinished.connect(self.read_typing)

    # --- the day -----------------------------------------------------------------------------
    def day(self) -> date:
        return self._day

    def set_day(self, day: date) -> None:
        """Hold `day` (kept within the reach, as Qt's date box kept its range) and show it."""
        day = min(max(day, self._earliest), self._latest)
        changed = day != self._day
        self._day = day
        if self.text() != day_text(day):
            self.setText(day_text(day))
        if changed:
            self.day_changed.emit(day)

    def set_reach(self, earliest: date, latest: date) -> None:
        """The first and last day the box may hold; a day typed beyond them is refused in words."""
        self._earliest, self._latest = earliest, latest
        self.set_day(self._day)

    def _first_offered(self) -> date:
        """A rule's days offered from today: "choose a day from 6 Dec 2025" offered a year gone by,
        and the calendar drew those days as any other (a parent trying the demo)."""
        return max(self._earliest, self.offered_from or self._earliest)

    def set_taken(self, spans: list[tuple[date, date, str]]) -> None:
        """Days the calendar shows taken, each span with what takes it ("Exam weeks"): another
        rule's days, which a rule may not overlap (an outside tester saw them alike, and learnt
        of the overlap only from Save's refusal)."""
        self._taken = list(spans)

    def taken(self) -> list[tuple[date, date, str]]:
        return list(self._taken)

    def day_as_typed(self) -> date:
        """The day the box would hold if what is typed were read now (its day while what is typed
        is not one yet, as "15 M" half-way): the line under a rule's days follows the typing,
        where it changed only once the box was left (a parent trying the demo)."""
        try:
            return self._typed_day() or self._day
        except ValueError:
            return self._day

    def read_typing(self) -> bool:
        """Take what was typed as the day, or refuse it in words and show the day held before.
        True when the box holds what it shows (nothing typed counts: nothing to read)."""
        typed = self.text().strip()
        try:
            day = self._typed_day()
        except ValueError as reason:
            self.setText(day_text(self._day))
            if self.hasFocus():  # still here (Enter, an arrow): the next day typed replaces it
                self.selectAll()
            self.typing_refused.emit(f"“{typed}” is not a day here: {reason}")
            return False
        if day is None:  # the day shown, or emptied and left: nothing was asked for, the day stays
            if self.text() != day_text(self._day):
                self.setText(day_text(self._day))
            return True
        self.set_day(day)
        return True

    def _typed_day(self) -> date | None:
        """The day typed, within the box's reach; None when nothing is typed or the box shows its
        day. Raises ValueError with the reason in words."""
        typed = self.text().strip()
        if not typed or self.text() == day_text(self._day):
            return None
        day = read_day(typed, self._day, self.guess_from)
        if not self._earliest <= day <= self._latest:
            raise ValueError(
                f"it is too far from today: choose a day from {day_text(self._first_offered())} to "
                f"{day_text(self._latest)}"
            )
        return day

    # --- keys ----------------------------------------------------------------------------------
    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        key, alt = event.key(), bool(event.modifiers() & Qt.KeyboardModifier.AltModifier)
        if key == Qt.Key.Key_F4 or (alt and key == Qt.Key.Key_Down):
            event.accept()
            self.open_calendar()
            return
        if key in (Qt.Key.Key_Up, Qt.Key.Key_Down) and not alt:
            event.accept()
            if self.read_typing():
                self.set_day(self._day + timedelta(days=1 if key == Qt.Key.Key_Up else -1))
                self.selectAll()
            return
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not self.read_typing():
            # Refused: the key goes no further. In a dialog it would also press Save, which would
            # save the day the box held before, under the words saying it was not taken.
            event.accept()
            return
        super().keyPressEvent(event)

    # --- the calendar --------------------------------------------------------------------------
    def open_calendar(self) -> None:
        """A month to pick the day from, under the box: arrows move, Enter or a click picks, Escape
        closes it and leaves the day as it was."""
        if not self.read_typing():
            return
        calendar = self._calendar
        if calendar is None:
            calendar = self._calendar = QCalendarWidget(self)
            calendar.setObjectName(f"{self.objectName()}Calendar")
            calendar.setAccessibleName(f"{self.accessibleName()}: calendar")
            calendar.setWindowFlags(Qt.WindowType.Popup)
            calendar.setVerticalHeaderFormat(QCalendarWidget.VerticalHeaderFormat.NoVerticalHeader)
            calendar.activated.connect(self._picked)  # Enter, or a double click
            calendar.clicked.connect(self._picked)
        calendar.setDateRange(_qdate(min(self._first_offered(), self._day)), _qdate(self._latest))
        calendar.setDateTextFormat(QDate(), QTextCharFormat())  # what another opening marked
        taken = QTextCharFormat()
        taken.setFontStrikeOut(True)
        taken.setForeground(calendar.palette().color(QPalette.ColorRole.PlaceholderText))
        # Days before the first offered are drawn greyed, as Qt does not: they looked as pickable
        # as any, and a click on one did nothing (a parent trying the demo). Six weeks back: all a
        # month's page can show of them.
        gone = QTextCharFormat()
        gone.setForeground(taken.foreground())
        day = self._first_offered() - timedelta(days=42)
        while day < self._first_offered():
            calendar.setDateTextFormat(_qdate(day), gone)
            day += timedelta(days=1)
        for first, last, _whose in self._taken:
            day = max(first, self._earliest)
            while day <= min(last, self._latest):
                calendar.setDateTextFormat(_qdate(day), taken)
                day += timedelta(days=1)
        said = "; ".join(f"{whose}: {day_text(first)} to {day_text(last)}" for first, last, whose in self._taken)
        calendar.setAccessibleDescription(f"Days struck through are taken: {said}" if said else "")
        calendar.setSelectedDate(_qdate(self._day))
        calendar.adjustSize()
        calendar.move(self.mapToGlobal(QPoint(0, self.height())))
        calendar.show()
        calendar.setFocus(Qt.FocusReason.PopupFocusReason)

    def _picked(self, picked: QDate) -> None:
        calendar = self._calendar
        if calendar is not None:
            calendar.close()
        self.set_day(date(picked.year(), picked.month(), picked.day()))
        self.setFocus(Qt.FocusReason.PopupFocusReason)
        self.selectAll()


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _calendar_icon(palette: QPalette) -> QIcon:
    """A small page of a calendar in the text's colour (no theme icon is sure to be there)."""
    pixmap = QPixmap(32, 32)
    pixmap.fill(QColor(0, 0, 0, 0))
    colour = palette.color(QPalette.ColorRole.Text)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    pen = painter.pen()
    pen.setColor(colour)
    pen.setWidthF(2.5)
    painter.setPen(pen)
    painter.drawRoundedRect(QRectF(4, 6, 24, 22), 3, 3)
    painter.fillRect(QRectF(4, 6, 24, 6), colour)
    for row in range(2):
        for column in range(3):
            painter.fillRect(QRectF(8 + 6 * column, 15 + 6 * row, 3.5, 3.5), colour)
    painter.end()
    return QIcon(pixmap)
