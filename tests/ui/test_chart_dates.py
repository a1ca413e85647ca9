"""The dates under the screen-time chart never run together: found by an outside tester on an
800 × 600 screen, 28 days read "9 101112131415161718…". Where there is room every day is dated;
where there is not, today and every 7th day back (one a week, the same weekday), each clear of the
next. The real chart widget at its narrowest and at a wide size."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtGui import QFontMetricsF

from famguard.domain.models import UsageDay
from famguard.domain.usage_chart import build_chart
from famguard.ui.usage_chart import UsageChartWidget

TODAY = date(2026, 12, 6)


def _chart(qtbot, width: int, period: int) -> UsageChartWidget:
    widget = UsageChartWidget()
    qtbot.addWidget(widget)
    days = [UsageDay(TODAY - timedelta(days=n), 30 + n, 60) for n in range(period)]
    widget.set_chart(build_chart(days, TODAY, period))
    widget.resize(width, 300)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_at_its_narrowest_the_28_days_are_dated_once_a_week_clear_of_each_other(qtbot) -> None:
    widget = _chart(qtbot, 0, 28)  # as narrow as it goes
    assert widget.width() == widget.minimumWidth()
    labelled = widget.labelled()
    assert labelled == [6, 13, 20, 27]  # today (the last) and every 7th day back
    days = widget.chart.days
    assert {days[i].date.weekday() for i in labelled} == {TODAY.weekday()}  # the same weekday: Sundays
    room = QFontMetricsF(widget._label_font(days[-1])).horizontalAdvance("30")
    centres = [widget._slot(i).center().x() for i in labelled]
    assert all(b - a > room for a, b in zip(centres, centres[1:], strict=False))


@pytest.mark.parametrize("width", [0, 1400], ids=["narrowest", "wide"])
def test_a_days_limit_mark_never_reaches_the_next_days_bar(qtbot, width: int) -> None:
    """At 150 % the 28 days' limit marks ran over the bars beside them (an outside tester), and
    read as those days' limits. Each mark stays clear of its neighbours' bars; with room it is
    wider than its own bar, to be seen."""
    widget = _chart(qtbot, width, 28)
    for index in range(27):
        mark_left, mark_right = widget._limit_mark_span(index)
        next_left, _next_width = widget._bar_span(index + 1)
        assert mark_right < next_left
        bar_left, bar_width = widget._bar_span(index)
        assert mark_left <= bar_left and mark_right >= bar_left + bar_width
        if index:
            before_left, before_width = widget._bar_span(index - 1)
            assert mark_left > before_left + before_width
    if width:
        bar_left, bar_width = widget._bar_span(0)
        assert widget._limit_mark_span(0) == (bar_left - 6, bar_left + bar_width + 6)


def test_with_room_every_day_is_dated(qtbot) -> None:
    assert _chart(qtbot, 1400, 28).labelled() == list(range(28))
    assert _chart(qtbot, 500, 7).labelled() == list(range(7))


def test_in_a_short_window_the_page_scrolls_and_nothing_is_drawn_over_the_chart(qtbot) -> None:
    """Found by an outside tester at the window's smallest (991 × 392): the page was squeezed
    below the chart's minimum height, and the day's figures and the legend were drawn over its
    bars and dates. Below the title and the period the page scrolls now, and the chart keeps its
    height."""
    from PySide6.QtCore import QPoint

    from famguard.ui.screen_time_page import ScreenTimePage

    page = ScreenTimePage()
    qtbot.addWidget(page)
    page.show_teen("t1", "Maya")
    days = [UsageDay(TODAY - timedelta(days=n), 30 + n, 60) for n in range(7)]
    page.show_chart(build_chart(days, TODAY, 7))
    page.chart.selected = 5
    page.resize(700, 300)
    page.show()
    qtbot.waitExposed(page)
    qtbot.waitUntil(lambda: page.chart.height() >= page.chart.minimumHeight(), timeout=2000)
    chart_bottom = page.chart.mapTo(page, QPoint(0, page.chart.height())).y()
    for below in (page.day_figures, page.legend):
        assert below.mapTo(page, QPoint(0, 0)).y() >= chart_bottom, below.objectName()
