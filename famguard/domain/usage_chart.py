"""The screen-time chart as numbers and words, with no drawing: which days it shows (the last 7
or 28 of the teen's calendar, ending on the teen's today), each day's minutes against that day's
limit (per-weekday limits and approved extra time included, as the service computed them),
which days went over, the totals a parent reads ("5 h 10 min this week, 44 min a day on
average") and the rows of its table and CSV file. The widget paints this; tests check it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from famguard.domain.models import UsageDay
from famguard.domain.values import format_minutes, short_day

PERIODS: tuple[int, ...] = (7, 28)
DEFAULT_USAGE_DAYS = 7  # the days the service's usage read answers when asked for no dates (the week)
# "complete_day" is "no" for today, whose minutes are so far: a spreadsheet's average of the file
# counted today's morning as a whole day (an outside tester).
CSV_HEADER: tuple[str, ...] = (
    "date", "weekday", "minutes_used", "limit_minutes", "extra_minutes", "over_limit", "complete_day",
)  # fmt: skip


@dataclass(frozen=True)
class ChartDay:
    """One bar: `reported` is False for a day the service has not told us about (drawn as
    "no figures", never as a confident zero)."""

    date: date
    minutes: int
    limit: int | None
    extra: int
    today: bool
    reported: bool

    @property
    def over(self) -> bool:
        return self.limit is not None and self.minutes > self.limit

    @property
    def over_by(self) -> int:
        return self.minutes - self.limit if self.over and self.limit is not None else 0

    def weekday(self) -> str:
        return f"{self.date:%A}"

    def label(self) -> str:
        """The day, short: "Tue 3 Mar"."""
        return short_day(self.date)

    def describe(self) -> str:
        """The day's exact figures in one sentence (the focus/hover text and the table's words)."""
        when = f"{self.date:%A} {self.date.day} {self.date:%B}" + (" (today)" if self.today else "")
        if not self.reported:
            return f"{when}: no figures from the phone yet."
        used = format_minutes(self.minutes) if self.minutes else "not used"
        if self.limit is None:
            return f"{when}: {used}, no limit."
        extra = f" including {format_minutes(self.extra)} extra time approved" if self.extra else ""
        if not self.minutes:  # "not used of a 1 h limit" read oddly (an outside tester)
            return f"{when}: not used; the limit was {format_minutes(self.limit)}{extra}."
        figures = f"{when}: {used} of a {format_minutes(self.limit)} limit{extra}"
        return f"{figures} — over by {format_minutes(self.over_by)}." if self.over else f"{figures}."


@dataclass(frozen=True)
class UsageChart:
    period: int
    days: tuple[ChartDay, ...]

    @property
    def reported_days(self) -> tuple[ChartDay, ...]:
        return tuple(d for d in self.days if d.reported)

    @property
    def total(self) -> int:
        return sum(d.minutes for d in self.days)

    @property
    def average(self) -> int:
        """Minutes a day over the days with figures (rounded), 0 without any."""
        known = self.reported_days
        return round(sum(d.minutes for d in known) / len(known)) if known else 0

    @property
    def over_days(self) -> tuple[ChartDay, ...]:
        return tuple(d for d in self.days if d.over)

    @property
    def scale_max(self) -> int:
        """The top of the minutes axis: the largest bar or limit and a tenth more, rounded up to a
        whole half hour. Without the tenth, a day used to a whole-hour limit (2 h of 2 h) filled the
        chart to its top edge, its limit line on the edge: it looked cut off (an outside tester)."""
        top = max([60, *(d.minutes for d in self.days), *(d.limit or 0 for d in self.days)])
        return -(-(top * 11) // 300) * 30

    def summary(self, teen_name: str) -> str:
        """The period in words, under the chart and for screen readers."""
        spans = {1: "today"}  # "this week (the last 7 days)" said it twice (a support agent)
        span = spans.get(self.period, f"in the last {self.period} days")
        if not self.reported_days:
            return f"No screen-time figures for {teen_name} {span} yet."
        over, known = len(self.over_days), self.reported_days
        every = len(known) == len(self.days)
        # Counted over the days with figures: a day the phone never told of is neither.
        if not any(d.limit is not None for d in known):
            over_text = "no daily limit is set."
        elif len(known) == 1:  # whether that one day went over, not "on 1 of the 1 days"
            where = "" if every else " on the one day with figures"
            over_text = f"{'over' if over else 'within'} the limit{where}."
        elif over:
            counted = f"{len(known)} days" if every else f"the {len(known)} days with figures"
            over_text = f"over the limit on {over} of {counted}."
        else:
            over_text = (
                "within the limit every day." if every else f"within the limit on the {len(known)} days with figures."
            )
        return (
            f"{teen_name} used the app for {format_minutes(self.total)} {span}: "
            f"{format_minutes(self.average)} a day on average; {over_text}"
        )

    def table_rows(self) -> list[tuple[str, str, str, str]]:
        """(day, used, limit, state) per day, newest last: the accessible table's cells."""
        rows = []
        for d in self.days:
            day = d.label() + (" (today)" if d.today else "")
            if not d.reported:
                rows.append((day, "—", "—", "No figures"))
                continue
            limit = format_minutes(d.limit)
            if d.extra and d.limit is not None:
                limit += f" (incl. {format_minutes(d.extra)} extra)"
            state = f"Over by {format_minutes(d.over_by)}" if d.over else ("Within limit" if d.limit else "No limit")
            rows.append((day, format_minutes(d.minutes) if d.minutes else "0 min", limit, state))
        return rows

    def csv_rows(self) -> list[tuple[str, ...]]:
        """The CSV file's rows, header first; numbers stay numbers (minutes), days with no figures
        have empty cells rather than a made-up zero."""
        rows: list[tuple[str, ...]] = [CSV_HEADER]
        for d in self.days:
            complete = "no" if d.today else "yes"
            if not d.reported:
                rows.append((d.date.isoformat(), d.weekday(), "", "", "", "", complete))
                continue
            limit = "" if d.limit is None else str(d.limit)
            over = "yes" if d.over else "no"
            rows.append((d.date.isoformat(), d.weekday(), str(d.minutes), limit, str(d.extra), over, complete))
        return rows


def build_chart(days: Iterable[UsageDay], today: date, period: int) -> UsageChart:
    """The last `period` days ending on the teen's `today` from whatever the service reported
    (missing days are marked unreported, extra days ignored)."""
    if period < 1:
        raise ValueError("period must be at least one day")
    by_date = {d.date: d for d in days}
    shown: list[ChartDay] = []
    for offset in range(period - 1, -1, -1):
        day = today - timedelta(days=offset)
        known = by_date.get(day)
        if known is None:
            shown.append(ChartDay(day, 0, None, 0, day == today, reported=False))
        else:
            shown.append(ChartDay(day, known.minutes, known.limit_minutes, known.extra_minutes, day == today, True))
    return UsageChart(period, tuple(shown))


def window_dates(today: date, period: int) -> tuple[date, date]:
    """The first and last date of the chart's window (what to ask the service for)."""
    return today - timedelta(days=period - 1), today
