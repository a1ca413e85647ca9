"""Drives the Screen time page of the selected teen: shows the cached days at once, asks the
server for the chosen period (7 or 28 days of the teen's calendar), re-reads the cache when the
sync engine says usage changed (a report from the phone, an approved request), and exports the
figures as CSV on a worker. The page is built when first shown; until then there is nothing to
draw, and nothing is asked for."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from famguard.domain.usage_chart import build_chart
from famguard.ui.main_window import SCREEN_TIME_PAGE
from famguard.ui.presenter import FailureHandler, Presenter
from famguard.ui.tasks import TaskRunner
from famguard.ui.teen_list_presenter import TeenListPresenter

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from famguard.services import InsightService, UsageWindow
    from famguard.ui.main_window import MainWindow
    from famguard.ui.screen_time_page import ScreenTimePage


class ScreenTimePresenter(Presenter):
    def __init__(
        self,
        window: MainWindow,
        tasks: TaskRunner,
        insight: InsightService,
        teens: TeenListPresenter,
        *,
        on_failure: FailureHandler | None = None,
    ) -> None:
        super().__init__(window, tasks, on_failure=on_failure)
        self.insight = insight
        self.teens = teens
        self.page: ScreenTimePage | None = None  # built when first shown
        self.when_built(SCREEN_TIME_PAGE, self._wire)

    def _wire(self, page: QWidget) -> None:
        from famguard.ui.screen_time_page import ScreenTimePage

        assert isinstance(page, ScreenTimePage)
        self.page = page
        self._export_failure = ""  # what the notice bar said of the last export that failed
        self.track(page.period_changed, self._period_changed)
        self.track(page.export_requested, self.export)
        if self.teens.current:
            self.show(self.teens.current)

    def show(self, teen_id: str) -> None:
        if self.page is None:
            return  # drawn when the page is first shown
        row = self.teens.row(teen_id)
        self.page.show_teen(teen_id, row.name if row else "")
        self.reload(teen_id)
        self.refresh(teen_id)

    def refresh(self, teen_id: str) -> None:
        if self.page is None:
            return
        # One request per teen and period: a 28-day request must not be dropped because the
        # 7-day one is still on its way.
        self.run_once(
            (f"usage_window_{self.page.period}", teen_id),
            partial(self.insight.refresh_usage, teen_id, self.page.period),
            self._show,
        )

    def reload(self, teen_id: str) -> None:
        """The cache changed (a notice): draw it again if this teen is the one shown."""
        if self.page is not None and teen_id == self.teens.current:
            read = partial(self.insight.cached_usage, teen_id)
            self.run_latest(("usage window", teen_id), read, self._show, name="cached usage window")

    def _show(self, window: UsageWindow) -> None:
        if self.page is not None and window.teen_id == self.teens.current:
            self.page.show_chart(build_chart(window.days, window.today, self.page.period))

    def _period_changed(self, _period: int) -> None:
        if self.teens.current:
            self.reload(self.teens.current)
            self.refresh(self.teens.current)

    def export(self, path: str) -> None:
        chart = self.page.chart.chart if self.page is not None else None
        if chart is None:
            return

        def saved(_none: None) -> None:
            self.take_back(self._export_failure)
            self._export_failure = ""
            self.window.show_notice(f"✓ Saved the screen-time figures to {path}", hide_after_ms=8000)

        def failed(exc: BaseException) -> None:
            self._export_failure = self.failed_and_said(exc)

        self.run(
            partial(self.insight.export_csv, path, chart.csv_rows()), saved, on_error=failed, name="export usage CSV"
        )
