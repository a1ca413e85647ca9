"""The screen-time chart's model: which days, which limits, which days went over, the words."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from famguard.domain.models import UsageDay
from famguard.domain.usage_chart import CSV_HEADER, build_chart, window_dates

TODAY = date(2026, 3, 4)  # a Wednesday


def week(minutes: list[int], limits: list[int | None], extra: dict[int, int] | None = None) -> list[UsageDay]:
    extra = extra or {}
    first = TODAY - timedelta(days=len(minutes) - 1)
    return [
        UsageDay(first + timedelta(days=i), m, limit, extra.get(i, 0))
        for i, (m, limit) in enumerate(zip(minutes, limits, strict=True))
    ]


def test_seven_days_end_on_the_teens_today_with_each_days_limit_and_the_days_over() -> None:
    days = week([30, 0, 130, 45, 61, 90, 20], [60, 60, 120, 60, 60, 90, 60], extra={5: 30})
    chart = build_chart(days, TODAY, 7)
    assert [d.date for d in chart.days] == [TODAY - timedelta(days=6 - i) for i in range(7)]
    assert [d.today for d in chart.days] == [False] * 6 + [True]
    assert [d.over for d in chart.days] == [False, False, True, False, True, False, False]
    assert chart.days[2].over_by == 10
    assert chart.days[5].extra == 30 and chart.days[5].limit == 90
    assert chart.total == 376 and chart.average == 54
    assert chart.summary("Maya") == (
        "Maya used the app for 6 h 16 min in the last 7 days: 54 min a day on average; over the limit on 2 of 7 days."
    )


def test_a_day_without_figures_is_marked_never_a_confident_zero() -> None:
    days = week([30, 40], [60, 60])  # only yesterday and today known
    chart = build_chart(days, TODAY, 7)
    assert [d.reported for d in chart.days] == [False] * 5 + [True, True]
    assert chart.average == 35  # over the days with figures only
    assert chart.days[0].describe().endswith("no figures from the phone yet.")
    assert chart.table_rows()[0][1:] == ("—", "—", "No figures")
    assert chart.csv_rows()[1][2:] == ("", "", "", "", "yes")
    # The words count the days with figures only: two days known are not "every day" or "of 7".
    assert chart.summary("Maya").endswith("35 min a day on average; within the limit on the 2 days with figures.")
    over = build_chart(week([90, 40], [60, 60]), TODAY, 7)
    assert over.summary("Maya").endswith("over the limit on 1 of the 2 days with figures.")


def test_one_day_of_figures_is_one_day_in_the_words() -> None:
    """The tester read "within the limit on the 1 days with figures"."""
    within = build_chart(week([30], [60]), TODAY, 7)
    assert within.summary("Maya").endswith("30 min a day on average; within the limit on the one day with figures.")
    over = build_chart(week([90], [60]), TODAY, 28)
    assert over.summary("Maya").endswith("over the limit on the one day with figures.")
    today_only = build_chart(week([90], [60]), TODAY, 1)
    assert (
        today_only.summary("Maya")
        == "Maya used the app for 1 h 30 min today: 1 h 30 min a day on average; over the limit."
    )
    assert build_chart(week([30], [60]), TODAY, 1).summary("Maya").endswith("; within the limit.")
    assert build_chart([], TODAY, 1).summary("Maya") == "No screen-time figures for Maya today yet."
    for chart in (within, over, today_only):
        assert " 1 days" not in chart.summary("Maya")


def test_twenty_eight_days_and_days_outside_the_window_are_ignored() -> None:
    days = week([10] * 40, [None] * 40)
    chart = build_chart(days, TODAY, 28)
    assert len(chart.days) == 28 and chart.total == 280
    assert chart.summary("Sam").endswith("no daily limit is set.")
    assert window_dates(TODAY, 28) == (TODAY - timedelta(days=27), TODAY)


def test_exact_figures_table_and_csv_say_the_same_numbers() -> None:
    chart = build_chart(week([95], [90], extra={0: 30}), TODAY, 1)
    day = chart.days[0]
    assert day.describe() == (
        "Wednesday 4 March (today): 1 h 35 min of a 1 h 30 min limit including 30 min extra time approved"
        " — over by 5 min."
    )
    assert chart.table_rows() == [
        ("Wed 4 Mar (today)", "1 h 35 min", "1 h 30 min (incl. 30 min extra)", "Over by 5 min")
    ]
    # Today's minutes are so far: a spreadsheet must not count it as a whole day (an outside tester).
    assert chart.csv_rows() == [CSV_HEADER, ("2026-03-04", "Wednesday", "95", "90", "30", "yes", "no")]
    yesterday = build_chart(week([40, 95], [90, 90]), TODAY, 2).csv_rows()[1]
    assert yesterday == ("2026-03-03", "Tuesday", "40", "90", "0", "no", "yes")


def test_a_day_not_used_reads_as_a_sentence() -> None:
    """An outside tester read "Saturday 21 November: not used of a 1 h limit."."""
    day = build_chart(week([0], [60]), TODAY, 1).days[0]
    assert day.describe() == "Wednesday 4 March (today): not used; the limit was 1 h."


def test_the_scale_covers_the_largest_bar_or_limit_with_room_above() -> None:
    assert build_chart(week([200], [60]), TODAY, 1).scale_max == 240
    assert build_chart(week([5], [40]), TODAY, 1).scale_max == 90
    # 2 h used of a 2 h limit: the bar and its limit line stop below the chart's top edge.
    assert build_chart(week([120], [120]), TODAY, 1).scale_max == 150
    assert build_chart(week([100], [90]), TODAY, 1).scale_max == 120
    with pytest.raises(ValueError):
        build_chart([], TODAY, 0)
