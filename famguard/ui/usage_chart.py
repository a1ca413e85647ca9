"""The screen-time bar chart, painted with QPainter (QtCharts would pull in the 150 MB Addons for
one chart). It draws a famguard.domain.usage_chart.UsageChart: one bar per day, that day's
limit as a line across the bar (a dashed line below it where approved extra time raised it),
days over the limit striped and marked with "!" as well as coloured, today on a shaded
background with its label in bold. Colours come from the palette, so a dark theme stays
legible; everything is drawn in logical pixels with antialiasing, so it is crisp at any scale.

Hovering a bar or moving the keyboard focus (Left/Right, Home/End) selects a day: the widget
emits `day_selected` with that day's exact figures and puts them in its accessible description
and tooltip. Pure view."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFocusEvent,
    QFont,
    QFontMetricsF,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
)
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from famguard.domain.usage_chart import ChartDay, UsageChart

OVER_COLOUR = QColor("#d9480f")  # deep orange: readable on light and dark backgrounds
LEFT_AXIS = 56.0
TOP_SPACE = 22.0
BOTTOM_SPACE = 40.0


class UsageChartWidget(QWidget):
    day_selected = Signal(str)  # the selected day's figures in words

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("usageChart")
        self.setAccessibleName("Screen-time chart")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(True)
        # 340: beside the demo's phone at 150 % on a 1024 × 768 screen the page has ~400 px, and 420
        # made the whole page scroll sideways, the summary cut at the right (an outside tester);
        # a week's dates still fit under their bars there, and 28 days label one day a week.
        self.setMinimumSize(340, 240)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.chart: UsageChart | None = None
        self.selected: int | None = None  # index of the day whose figures are shown
        self.hovered: int | None = None

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(640, 300)

    def set_chart(self, chart: UsageChart) -> None:
        """Show `chart`, the day chosen before still chosen: by its date, not its place — from 7
        days to 28 the 7th bar was chosen, a day three weeks back the caption then described."""
        chosen = self.selected_day()
        self.chart = chart
        dates = [day.date for day in chart.days]
        if chosen is not None and chosen.date in dates:
            self.selected = dates.index(chosen.date)
        else:
            self.selected = len(chart.days) - 1 if chart.days else None  # today
        self.hovered = None
        self._announce()
        self.update()

    def selected_day(self) -> ChartDay | None:
        if self.chart is None or self.selected is None:
            return None
        return self.chart.days[self.selected]

    def select(self, index: int) -> None:
        if self.chart is None or not self.chart.days:
            return
        self.selected = max(0, min(index, len(self.chart.days) - 1))
        self._announce()
        self.update()

    def _announce(self) -> None:
        day = self.selected_day()
        text = day.describe() if day is not None else "No figures yet."
        self.setAccessibleDescription(text)
        self.setToolTip(text)
        self.day_selected.emit(text)

    # --- geometry ----------------------------------------------------------------------------

    def _plot(self) -> QRectF:
        return QRectF(
            LEFT_AXIS, TOP_SPACE, max(10.0, self.width() - LEFT_AXIS - 12), self.height() - TOP_SPACE - BOTTOM_SPACE
        )

    def _slot(self, index: int) -> QRectF:
        plot = self._plot()
        assert self.chart is not None
        width = plot.width() / len(self.chart.days)
        return QRectF(plot.left() + index * width, plot.top(), width, plot.height())

    def _bar_span(self, index: int) -> tuple[float, float]:
        """A day's bar: its left edge and width, centred in its slot."""
        slot = self._slot(index)
        width = max(4.0, min(48.0, slot.width() * 0.6))
        return slot.center().x() - width / 2, width

    def _limit_mark_span(self, index: int) -> tuple[float, float]:
        """A day's limit mark, from left to right: wider than its bar by up to 6 px a side, never
        into the gap's other half — with 28 narrow days (at 150 %) it ran over the next day's bar
        and read as that day's limit (an outside tester)."""
        left, width = self._bar_span(index)
        overhang = max(0.0, min(6.0, (self._slot(index).width() - width) / 2 - 1))
        return left - overhang, left + width + overhang

    def _y(self, minutes: int) -> float:
        plot = self._plot()
        assert self.chart is not None
        return plot.bottom() - plot.height() * min(minutes, self.chart.scale_max) / self.chart.scale_max

    def day_at(self, x: float) -> int | None:
        if self.chart is None or not self.chart.days:
            return None
        plot = self._plot()
        if not plot.left() <= x < plot.right():
            return None
        return int((x - plot.left()) / (plot.width() / len(self.chart.days)))

    # --- input -------------------------------------------------------------------------------

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt's name
        index = self.day_at(event.position().x())
        if index != self.hovered:
            self.hovered = index
            if index is not None:
                self.select(index)
                QToolTip.showText(event.globalPosition().toPoint(), self.toolTip(), self)
            self.update()

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt's name
        index = self.day_at(event.position().x())
        if index is not None:
            self.select(index)
        self.setFocus(Qt.FocusReason.MouseFocusReason)

    def leaveEvent(self, event: object) -> None:  # noqa: N802 - Qt's name
        self.hovered = None
        self.update()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        if self.chart is None or self.selected is None:
            super().keyPressEvent(event)
            return
        moves = {
            Qt.Key.Key_Left: self.selected - 1,
            Qt.Key.Key_Right: self.selected + 1,
            Qt.Key.Key_Home: 0,
            Qt.Key.Key_End: len(self.chart.days) - 1,
        }
        if event.key() in moves:
            self.select(moves[Qt.Key(event.key())])
        else:
            super().keyPressEvent(event)

    def focusInEvent(self, event: QFocusEvent) -> None:  # noqa: N802 - Qt's name
        self._announce()
        super().focusInEvent(event)

    # --- painting ----------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt's name
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        painter.fillRect(self.rect(), palette.color(QPalette.ColorRole.Base))
        text = palette.color(QPalette.ColorRole.Text)
        if self.chart is None or not self.chart.days:
            painter.setPen(text)
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "Loading screen time…")
            return
        self._paint_axis(painter, text)
        labelled = set(self.labelled())
        for index, day in enumerate(self.chart.days):
            self._paint_day(painter, index, day, palette, labelled=index in labelled)
        if self.selected is not None:
            # The day the caption describes is marked, with the focus or without (a line under
            # its date); with the focus, framed.
            slot = self._slot(self.selected)
            highlight = palette.color(QPalette.ColorRole.Highlight)
            painter.fillRect(QRectF(slot.left() + 2, slot.bottom() + BOTTOM_SPACE - 4, slot.width() - 4, 3), highlight)
            if self.hasFocus():
                painter.setPen(QPen(highlight, 2, Qt.PenStyle.DotLine))
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawRect(slot.adjusted(1, -TOP_SPACE + 3, -1, BOTTOM_SPACE - 2))

    def _paint_axis(self, painter: QPainter, text: QColor) -> None:
        assert self.chart is not None
        plot = self._plot()
        top = self.chart.scale_max
        step = 30 if top <= 180 else 60 if top <= 420 else 120  # the top has room above the bars: a tenth
        grid = QColor(text)
        grid.setAlpha(50)
        small = QFont(self.font())
        small.setPointSizeF(small.pointSizeF() * 0.85)
        painter.setFont(small)
        for minutes in range(0, top + 1, step):
            y = self._y(minutes)
            painter.setPen(QPen(grid, 1))
            painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            painter.setPen(text)
            label = f"{minutes // 60} h" if minutes % 60 == 0 else f"{minutes // 60}:{minutes % 60:02d}"
            painter.drawText(
                QRectF(0, y - 9, LEFT_AXIS - 6, 18), Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, label
            )

    def _paint_day(self, painter: QPainter, index: int, day: ChartDay, palette: QPalette, *, labelled: bool) -> None:
        slot = self._slot(index)
        plot = self._plot()
        text = palette.color(QPalette.ColorRole.Text)
        if day.today or index == self.hovered:
            shade = QColor(palette.color(QPalette.ColorRole.Highlight))
            shade.setAlpha(45 if day.today else 25)
            painter.fillRect(
                QRectF(slot.left(), plot.top() - TOP_SPACE, slot.width(), slot.height() + TOP_SPACE), shade
            )
        left, bar_width = self._bar_span(index)
        if not day.reported:
            painter.setPen(QPen(text, 1, Qt.PenStyle.DashLine))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(QRectF(left, plot.bottom() - 6, bar_width, 6))
        elif day.minutes:
            bar = QRectF(left, self._y(day.minutes), bar_width, plot.bottom() - self._y(day.minutes))
            colour = OVER_COLOUR if day.over else palette.color(QPalette.ColorRole.Highlight)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(colour)
            painter.drawRect(bar)
            if day.over:  # stripes as well as colour: no state by colour alone
                stripes = QBrush(palette.color(QPalette.ColorRole.Base), Qt.BrushStyle.BDiagPattern)
                painter.setBrush(stripes)
                painter.drawRect(bar)
                painter.setPen(QPen(text))
                bold = QFont(self.font())
                bold.setBold(True)
                painter.setFont(bold)
                painter.drawText(
                    QRectF(left - 10, bar.top() - 18, bar_width + 20, 16), Qt.AlignmentFlag.AlignCenter, "!"
                )
        if day.limit is not None:
            mark_left, mark_right = self._limit_mark_span(index)
            painter.setPen(QPen(text, 2.5))
            painter.drawLine(QPointF(mark_left, self._y(day.limit)), QPointF(mark_right, self._y(day.limit)))
            if day.extra:
                painter.setPen(QPen(text, 1.5, Qt.PenStyle.DashLine))
                base = self._y(day.limit - day.extra)
                painter.drawLine(QPointF(mark_left, base), QPointF(mark_right, base))
        if labelled:
            self._paint_label(painter, slot, day, text)

    def _label_font(self, day: ChartDay) -> QFont:
        assert self.chart is not None
        font = QFont(self.font())
        font.setBold(day.today)
        if self.chart.period > 7:
            font.setPointSizeF(font.pointSizeF() * 0.8)
        return font

    def labelled(self) -> list[int]:
        """The days whose dates are written under their bars: every day when there is room, else
        today and every 7th day back from it (the same weekday: one a week, evenly) — in a narrow
        window 28 dates ran together ("9 101112131415…")."""
        if self.chart is None or not self.chart.days:
            return []
        last = len(self.chart.days) - 1
        room = QFontMetricsF(self._label_font(self.chart.days[last])).horizontalAdvance("30") + 4
        if self._slot(0).width() >= room:
            return list(range(last + 1))
        return [index for index in range(last + 1) if (last - index) % 7 == 0]

    def _paint_label(self, painter: QPainter, slot: QRectF, day: ChartDay, text: QColor) -> None:
        assert self.chart is not None
        painter.setFont(self._label_font(day))
        painter.setPen(text)
        plot = self._plot()
        area = QRectF(slot.left() - 4, plot.bottom() + 2, slot.width() + 8, BOTTOM_SPACE - 2)
        if self.chart.period <= 7:
            label = "Today" if day.today else f"{day.date:%a}\n{day.date.day} {day.date:%b}"
        else:
            label = f"{day.date:%a}"[0] + f"\n{day.date.day}"
        painter.drawText(area, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, label)
