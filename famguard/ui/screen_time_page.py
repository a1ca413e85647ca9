"""The Screen time page of one teen: the last 7 or 28 days as a chart (famguard.ui.usage_chart),
the period's total and daily average in words, the exact figures of the day under the mouse or
the keyboard focus, the same numbers as an accessible table, and "Export CSV". Pure view: it
emits the period chosen and where to export, and shows the chart it is given."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from famguard.domain.usage_chart import PERIODS, UsageChart
from famguard.ui.common import ask_where_to_save, heading, named, page_scroll, show_words, wrapping_label
from famguard.ui.flow_layout import FlowLayout
from famguard.ui.usage_chart import UsageChartWidget

LEGEND = (
    "How to read it: a filled bar is the time used that day; the thick line across it is that day's "
    "limit, and a dashed line below it shows the limit before extra time you approved. Striped bars "
    "marked “!” went over the limit. Today has a shaded background. Use the Left and Right keys on "
    "the chart to read each day's exact figures."
)


class ScreenTimePage(QWidget):
    period_changed = Signal(int)
    export_requested = Signal(str)  # the file path the guardian chose

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("screenTimePage")
        self.teen_id = ""
        self.teen_name = ""
        self.period = PERIODS[0]
        self.title = heading("Screen time", "screenTimeTitle", 1.5)
        self.summary = named(wrapping_label("", "usageSummary"), "usageSummary", "Screen time in words")
        self.chart = UsageChartWidget()
        self.day_figures = named(wrapping_label("", "dayFigures"), "dayFigures", "Figures of the selected day")
        # The words in the descriptions too: a label with a name is read by its name alone, and
        # these are the chart's text equivalent ("Screen time in words" was all a reader said).
        self.chart.day_selected.connect(lambda text: show_words(self.day_figures, text))
        self.legend = wrapping_label(LEGEND, "usageLegend")

        self.periods = QButtonGroup(self)
        periods = QWidget()
        periods.setObjectName("usagePeriods")
        period_buttons = QHBoxLayout(periods)
        period_buttons.setContentsMargins(0, 0, 0, 0)
        for period in PERIODS:
            # Alt + the number's last digit (Alt+7, Alt+8): "d&ays" took Alt+A from "Add a teen".
            digits = str(period)
            button = named(
                QRadioButton(f"Last {digits[:-1]}&{digits[-1]} days"),
                f"period_{period}",
                f"Show the last {period} days",
            )
            button.setChecked(period == self.period)
            self.periods.addButton(button, period)
            period_buttons.addWidget(button)
        self.table_button = named(QPushButton("Show as ta&ble"), "usageTableButton", "Show the figures as a table")
        self.table_button.setCheckable(True)
        self.export_button = named(QPushButton("E&xport CSV…"), "exportCsvButton", "Export the figures as a CSV file")
        actions = QWidget()
        actions.setObjectName("usageActions")
        action_buttons = QHBoxLayout(actions)
        action_buttons.setContentsMargins(0, 0, 0, 0)
        action_buttons.addWidget(self.table_button)
        action_buttons.addWidget(self.export_button)
        # The periods, then the buttons, on one line when it holds them, else two: in one row
        # they made the page ~560 px wide at least, which at 150 % on a 1366 × 860 screen folded
        # the list of teens away beside the demo's phone for every page after (a support agent).
        period_row = FlowLayout()
        period_row.addWidget(periods)
        period_row.addWidget(actions)
        self.periods.idToggled.connect(self._period_toggled)

        self.table = named(QTableWidget(0, 4), "usageTable", "Screen time per day")
        self.table.setHorizontalHeaderLabels(["Day", "Used", "Limit", "State"])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        # A narrow window cut "1 h 30 min (incl. 30 min extra)" to "1 h 30 min (incl. 30 …": cells
        # wrap, and their rows grow to hold them whenever the columns' widths change.
        self.table.setWordWrap(True)
        self.table.horizontalHeader().sectionResized.connect(self._fit_rows)
        self.table.setVisible(False)
        self.table_button.toggled.connect(self.table.setVisible)
        self.table_button.toggled.connect(
            lambda on: self.table_button.setText("Hide the ta&ble" if on else "Show as ta&ble")
        )
        self.export_button.clicked.connect(self._ask_where)
        self.export_button.setEnabled(False)

        # Below the title and the period, everything scrolls: in a short window (an outside tester's
        # 392 px) the page was squeezed below the chart's minimum, and the day's figures and the
        # legend were drawn over the chart's bars and dates.
        body = QWidget()
        body.setObjectName("screenTimeBody")
        body_layout = QVBoxLayout(body)
        body_layout.setContentsMargins(0, 0, 0, 0)
        body_layout.addWidget(self.summary)
        body_layout.addWidget(self.chart, 3)
        body_layout.addWidget(self.day_figures)
        body_layout.addWidget(self.legend)
        body_layout.addWidget(self.table, 2)
        scroll = page_scroll(body, "screenTimeScroll", "Screen time")
        # Shown in a short window, the table came below what the page showed, and "Show as table"
        # seemed to do nothing (an outside tester): the page scrolls to it once it is laid out.
        assert isinstance(scroll, QScrollArea)  # page_scroll's, typed as its base
        self._scroll = scroll
        self.table_button.toggled.connect(self._bring_table_into_view)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addLayout(period_row)
        layout.addWidget(scroll, 1)

    def show_teen(self, teen_id: str, name: str) -> None:
        if teen_id != self.teen_id:
            self.chart.selected = None
        self.teen_id, self.teen_name = teen_id, name
        self.title.setText(f"Screen time — {name}")

    def show_chart(self, chart: UsageChart) -> None:
        self.chart.set_chart(chart)
        show_words(self.summary, chart.summary(self.teen_name))
        rows = chart.table_rows()
        self.table.setRowCount(len(rows))
        for row, cells in enumerate(rows):
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, column, item)
        self._fit_rows()
        self.export_button.setEnabled(bool(chart.reported_days))

    def _fit_rows(self, *_resized: int) -> None:
        self.table.resizeRowsToContents()

    def _bring_table_into_view(self, shown: bool) -> None:
        if shown:
            QTimer.singleShot(0, self, lambda: self._scroll.ensureWidgetVisible(self.table, 0, 0))

    def _period_toggled(self, period: int, checked: bool) -> None:
        if checked and period != self.period:
            self.period = period
            self.period_changed.emit(period)

    def _ask_where(self) -> None:
        # With the last day: next week's export was offered the same name, over this one.
        shown = self.chart.chart
        last = f"-to-{shown.days[-1].date.isoformat()}" if shown is not None and shown.days else ""
        suggested = f"screen-time-{self.teen_name or 'teen'}-{self.period}-days{last}.csv".replace(" ", "-").lower()
        path = ask_where_to_save(self, "Export screen time", suggested, "CSV files (*.csv)")
        if path:
            self.export_requested.emit(path)
