"""The Screen time page against the real reference server: a week reported through the teen's
own client (the public API the phone and `famguard-teen` use) gives the right bars, per-weekday
limits with approved extra time, totals in words, the table and the CSV file."""

from __future__ import annotations

import csv
from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton, QRadioButton, QTableWidget

from famguard.domain.schedule import teen_today, weekday_key
from famguard.ui.screen_time_page import ScreenTimePage
from tests.support.accounts import pair

from .test_flows import WAIT, find, sign_in, wait_listening, wait_teen_page

MINUTES = [30, 0, 130, 45, 61, 90, 20]  # oldest first, today last


@pytest.mark.usefixtures("real_keyring")
def test_a_week_reported_by_the_phone_gives_the_right_bars_limits_and_totals(
    qtbot, launch, proxy, guardian, teen, tmp_path, monkeypatch
) -> None:
    teen_id = pair(guardian.api, teen.api)
    current = guardian.api.get_controls(teen_id)
    assert current is not None
    today = teen_today(current.controls.timezone, datetime.now(UTC))
    # That weekday gets its own limit today: the week's day of that weekday keeps the limit in
    # force then (the service judges a past day by the limit of its own end, not today's).
    long_day = weekday_key(today - timedelta(days=4))
    guardian.api.patch_controls(
        teen_id, {"daily_limit_minutes": 60, "daily_limit_overrides": {long_day: 120}}, if_match=current.etag
    )
    for offset, minutes in enumerate(MINUTES):
        teen.api.report_usage(today - timedelta(days=6 - offset), minutes)
    asked = teen.api.ask_for_time(30, "Finishing a school video")
    guardian.api.decide_time_request(asked.id, True, 30)

    controller = launch()
    sign_in(qtbot, controller, proxy.url, guardian)
    wait_teen_page(qtbot, controller, "Maya")
    controller.window.page_requested.emit("screen_time")  # View > Screen time
    page = controller.window.page("screen_time", ScreenTimePage)
    qtbot.waitUntil(
        lambda: page.isVisible() and page.chart.chart is not None and page.chart.chart.total == 376, timeout=WAIT
    )

    chart = page.chart.chart
    assert [d.minutes for d in chart.days] == MINUTES
    assert [d.limit for d in chart.days] == [60, 60, 60, 60, 60, 60, 90]  # +30 today
    assert chart.days[-1].today and chart.days[-1].extra == 30
    assert [d.over for d in chart.days] == [False, False, True, False, True, True, False]
    assert page.summary.text() == (
        "Maya used the app for 6 h 16 min in the last 7 days: 54 min a day on average; over the limit on 3 of 7 days."
    )

    # The keyboard reads each day's exact figures (today is selected first).
    page.chart.setFocus()
    assert page.day_figures.text().startswith(f"{today:%A} {today.day} {today:%B} (today): 20 min of a 1 h 30 min")
    qtbot.keyClick(page.chart, Qt.Key.Key_Left)
    assert page.day_figures.text().endswith("1 h 30 min of a 1 h limit — over by 30 min.")
    assert page.chart.accessibleDescription() == page.day_figures.text()

    # The same numbers as a table.
    qtbot.mouseClick(find(page, QPushButton, "usageTableButton"), Qt.MouseButton.LeftButton)
    table = find(page, QTableWidget, "usageTable")
    assert table.isVisible() and table.rowCount() == 7
    assert [table.item(6, c).text() for c in range(4)][1:] == [
        "20 min",
        "1 h 30 min (incl. 30 min extra)",
        "Within limit",
    ]
    assert table.item(2, 3).text() == "Over by 1 h 10 min"

    # Export CSV (the save dialog answered as the guardian would).
    target = tmp_path / "week.csv"
    offered: list[str] = []

    def answer(_parent, _title, suggested, _filter):  # the save dialog (tests/ui/test_save_dialog.py), answered
        offered.append(suggested)
        return str(target)

    monkeypatch.setattr("famguard.ui.screen_time_page.ask_where_to_save", answer)
    qtbot.mouseClick(find(page, QPushButton, "exportCsvButton"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(target.exists, timeout=WAIT)
    rows = list(csv.reader(target.open(encoding="utf-8")))
    last = page.chart.chart.days[-1].date  # the teen's today: next week's export is another file
    assert offered == [f"screen-time-maya-7-days-to-{last.isoformat()}.csv"]
    assert rows[0][:4] == ["date", "weekday", "minutes_used", "limit_minutes"]
    assert [int(r[2]) for r in rows[1:]] == MINUTES
    assert rows[-1][3:] == ["90", "30", "no", "no"]  # today: not a complete day
    assert rows[-2][-1] == "yes"
    qtbot.waitUntil(lambda: "Saved the screen-time figures" in controller.window.notice.text(), timeout=WAIT)

    # 28 days: the earlier weeks, before Maya's account was made, have no figures and are said as
    # such — never as days within a limit that did not apply yet.
    find(page, QRadioButton, "period_28").click()
    qtbot.waitUntil(lambda: page.chart.chart is not None and len(page.chart.chart.days) == 28, timeout=WAIT)
    qtbot.waitUntil(lambda: "in the last 28 days" in page.summary.text(), timeout=WAIT)
    chart = page.chart.chart
    assert [d.reported for d in chart.days] == [False] * 21 + [True] * 7
    assert all(d.limit is None for d in chart.days[:21])  # no limit line drawn on them
    assert chart.total == 376
    assert page.summary.text().endswith("over the limit on 3 of the 7 days with figures.")
    # The day chosen with the arrow key (yesterday) is still the one described: by its place, the
    # 6th of 28 bars, three weeks back, had been.
    yesterday = today - timedelta(days=1)
    assert page.day_figures.text().startswith(f"{yesterday:%A} {yesterday.day} {yesterday:%B}")
    assert page.chart.selected_day() is not None and page.chart.selected_day().date == yesterday


@pytest.mark.usefixtures("real_keyring")
def test_a_report_from_the_phone_redraws_the_open_chart(qtbot, launch, proxy, guardian, teen) -> None:
    teen_id = pair(guardian.api, teen.api)
    current = guardian.api.get_controls(teen_id)
    assert current is not None
    today = teen_today(current.controls.timezone, datetime.now(UTC))
    controller = launch()
    sign_in(qtbot, controller, proxy.url, guardian)
    wait_teen_page(qtbot, controller, "Maya")
    controller.window.page_requested.emit("screen_time")
    page = controller.window.page("screen_time", ScreenTimePage)
    qtbot.waitUntil(lambda: page.chart.chart is not None and page.chart.chart.days[-1].reported, timeout=WAIT)
    assert page.chart.chart.total == 0
    wait_listening(qtbot, controller)
    teen.api.report_usage(today, 42)
    qtbot.waitUntil(lambda: page.chart.chart.days[-1].minutes == 42, timeout=WAIT)
    assert page.isVisible()  # the notice that reloaded the data did not switch pages


def test_the_table_is_brought_into_view_in_a_short_window(qtbot) -> None:
    """In a short window (an outside tester's 1024x768 screen, the window at its lowest) the
    table opened below what the page showed, and "Show as table" seemed to do nothing."""
    from datetime import date, timedelta

    from PySide6.QtWidgets import QScrollArea

    from famguard.domain.models import UsageDay
    from famguard.domain.usage_chart import build_chart
    from famguard.ui.screen_time_page import ScreenTimePage

    today = date.today()
    days = [UsageDay(today - timedelta(days=n), 30 + n, 60) for n in range(28)]
    page = ScreenTimePage()
    qtbot.addWidget(page)
    page.show_teen("t1", "Maya")
    page.show_chart(build_chart(days, today, 28))
    page.resize(700, 360)
    page.show()
    qtbot.waitExposed(page)
    viewport = find(page, QScrollArea, "screenTimeScroll").viewport()
    table = find(page, QTableWidget, "usageTable")
    qtbot.mouseClick(find(page, QPushButton, "usageTableButton"), Qt.MouseButton.LeftButton)

    def top_in_view() -> bool:
        return 0 <= table.mapTo(viewport, table.rect().topLeft()).y() < viewport.height()

    qtbot.waitUntil(top_in_view, timeout=2000)


def test_every_cell_of_the_table_is_read_whole_in_a_narrow_window(qtbot) -> None:
    """A day with extra time reads "1 h 30 min (incl. 30 min extra)": in a narrow window (709
    wide, the teen's phone docked) the cell showed "1 h 30 min (incl. 30 …" (an outside tester).
    Cells wrap onto a second line instead, and their rows grow to hold them."""
    from datetime import date, timedelta

    from PySide6.QtGui import QFontMetrics

    from famguard.domain.models import UsageDay
    from famguard.domain.usage_chart import build_chart

    today = date.today()
    days = [UsageDay(today - timedelta(days=n), 75 + n, 90, 30) for n in range(7)]
    page = ScreenTimePage()
    qtbot.addWidget(page)
    page.show_teen("t1", "Maya")
    page.show_chart(build_chart(days, today, 7))
    page.resize(420, 700)  # the page's share of a 709-wide window with the teen list beside it
    page.show()
    qtbot.waitExposed(page)
    table = find(page, QTableWidget, "usageTable")
    qtbot.mouseClick(find(page, QPushButton, "usageTableButton"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(table.isVisible, timeout=2000)
    qtbot.wait(50)  # the layout settles
    metrics = QFontMetrics(table.font())
    margin = 2 * table.style().pixelMetric(table.style().PixelMetric.PM_FocusFrameHMargin) + 4
    cut = []
    for row in range(table.rowCount()):
        for column in range(table.columnCount()):
            item = table.item(row, column)
            cell = table.visualItemRect(item)
            needed = metrics.boundingRect(
                0, 0, cell.width() - margin, 10_000, int(Qt.TextFlag.TextWordWrap), item.text()
            )
            if needed.width() > cell.width() - margin + 1 or needed.height() > cell.height():
                cut.append((item.text(), cell.width(), cell.height(), needed.width(), needed.height()))
    assert "(incl. 30 min extra)" in table.item(0, 2).text()
    assert not cut, cut
