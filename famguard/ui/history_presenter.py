"""Drives the change history of the selected teen: the first page from the local copy at once,
then the server's; older pages as the guardian scrolls; newer entries at the top when the sync
engine says the history grew (an event, within a second); the filters; and "Undo this change",
queued through the outbox like any other change (it then appears in the history itself). The page
is built when first shown; until then nothing is loaded."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from famguard.domain.activity_words import HistoryLine, describe
from famguard.domain.age_transition import AgeTransition
from famguard.domain.errors import user_message
from famguard.domain.models import ActivityEntry
from famguard.ui.main_window import HISTORY_PAGE
from famguard.ui.presenter import FailureHandler, Presenter
from famguard.ui.tasks import TaskRunner
from famguard.ui.teen_list_presenter import TeenListPresenter

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from famguard.services import HistoryPage, HistoryQuery, InsightService
    from famguard.ui.history_page import ChangeHistoryPage
    from famguard.ui.main_window import MainWindow


def _described(
    fetch: Callable[[], HistoryPage], teen_name: str, me: str | None = None
) -> tuple[HistoryPage, list[HistoryLine]]:
    """On the worker: a page and its entries in words, so the GUI thread only shows them."""
    page = fetch()
    return page, [describe(entry, teen_name, me=me) for entry in page.entries]


class HistoryPresenter(Presenter):
    def __init__(
        self,
        window: MainWindow,
        tasks: TaskRunner,
        insight: InsightService,
        teens: TeenListPresenter,
        *,
        me: str | None = None,
        on_failure: FailureHandler | None = None,
    ) -> None:
        super().__init__(window, tasks, on_failure=on_failure)
        self.insight = insight
        self.teens = teens
        self.me = me  # the signed-in guardian's account id: their own entries say "You"
        self.query: HistoryQuery | None = None
        self._page: ChangeHistoryPage | None = None  # built when first shown
        self.when_built(HISTORY_PAGE, self._wire)

    @property
    def page(self) -> ChangeHistoryPage:
        """The page, built (and wired) now if it was not yet."""
        from famguard.ui.history_page import ChangeHistoryPage

        if self._page is None:
            return self.window.page(HISTORY_PAGE, ChangeHistoryPage)  # wires it, through _wire
        return self._page

    def _wire(self, page: QWidget) -> None:
        from famguard.ui.history_page import ChangeHistoryPage

        assert isinstance(page, ChangeHistoryPage)
        self._page = page
        page.model.me = self.me
        self.track(page.filters_changed, self._filters_changed)
        self.track(page.more_wanted, self.load_more)
        self.track(page.undo_requested, self.undo)
        if self.teens.current:
            self.show(self.teens.current)

    # --- loading -----------------------------------------------------------------------------

    def _new_query(self) -> HistoryQuery:
        from famguard.services import HistoryQuery  # loaded with the session already

        filters = self.page.query_filters()
        return HistoryQuery(kind=filters["kind"], field=filters["field"], actor=filters["actor"])

    def show(self, teen_id: str) -> None:
        if self._page is None:
            return  # loaded when the page is first shown
        row = self.teens.row(teen_id)
        self.page.show_teen(teen_id, row.name if row else "")
        self._load_first(teen_id)
        self.reload_controls(teen_id)
        self.run(partial(self.insight.history_people, teen_id, self.me), partial(self.page.set_people, teen_id),
                 name="history people")  # fmt: skip

    def _filters_changed(self) -> None:
        if self.page.teen_id:
            self.page.start_loading()
            self._load_first(self.page.teen_id)

    def _load_first(self, teen_id: str) -> None:
        query = self.query = self._new_query()
        self.run(partial(self.insight.cached_history, teen_id, query), partial(self._cached_first, query))
        fetch = partial(self.insight.history, teen_id, query)
        self.run(partial(_described, fetch, self.page.teen_name, self.me), partial(self._shown, query, True),
                 on_error=self._page_failed, name="history")  # fmt: skip

    def _cached_first(self, query: HistoryQuery, page: HistoryPage) -> None:
        # Shown only while the server's page has not come (on a fast network it usually has).
        if self._current(query, page) and not self.page.model.entries and self.page.model.loading:
            self.page.show_cached_first(page.entries)

    def _shown(self, query: HistoryQuery, first: bool, described: tuple[HistoryPage, list[HistoryLine]]) -> None:
        page, lines = described
        if self._current(query, page):
            self.page.show_page(
                page.entries, first=first, complete=page.complete, from_cache=page.from_cache, lines=lines
            )

    def _current(self, query: HistoryQuery, page: HistoryPage) -> bool:
        """Whether a page is still wanted (no other teen or filter chosen since it was asked for)."""
        return query is self.query and page.teen_id == self.page.teen_id == self.teens.current

    def load_more(self) -> None:
        entries = self.page.model.entries
        query = self.query
        if not entries or query is None:
            self.page.model.loading = False
            return
        older = partial(self.insight.history, self.page.teen_id, query, entries[-1].id)
        self.run(partial(_described, older, self.page.teen_name, self.me), partial(self._shown, query, False),
                 on_error=self._page_failed, name="older history")  # fmt: skip

    def _page_failed(self, exc: BaseException) -> None:
        message = user_message(exc)
        self.page.page_failed(message or "The history could not be loaded.")
        self.failed(exc)

    def reload(self, teen_id: str) -> None:
        """The history grew (a notice after an event): new entries go to the top."""
        query = self.query
        if query is None or self._page is None or teen_id != self.page.teen_id or teen_id != self.teens.current:
            return

        def show_newer(page: HistoryPage) -> None:
            if self._current(query, page):
                self.page.add_newer(page.entries)

        self.run(partial(self.insight.cached_history, teen_id, query), show_newer, name="newer history")

    # --- undo --------------------------------------------------------------------------------

    def reload_controls(self, teen_id: str) -> None:
        """The teen's settings changed (or an edit was queued): what can be undone may have too,
        and what the age-transition preview says stays as it is."""
        if self._page is not None and teen_id == self.page.teen_id:
            self.run(partial(self.insight.current_controls, teen_id), partial(self._controls, teen_id))
            self.run(partial(self.insight.age_transition, teen_id), partial(self._transition, teen_id))

    def _transition(self, teen_id: str, transition: AgeTransition | None) -> None:
        if teen_id == self.page.teen_id:
            self.page.age_preview.set_transition(transition)

    def _controls(self, teen_id: str, controls: dict[str, Any] | None) -> None:
        if teen_id == self.page.teen_id:
            self.page.set_current_controls(controls)

    def undo(self, entry: ActivityEntry) -> None:
        row = self.teens.row(entry.teen_id)
        if row is None:
            return
        what = describe(entry, row.name, me=self.me).headline
        self.run(
            partial(self.insight.undo, entry, row.age),
            lambda _none: self.window.show_notice(
                f"↶ Undoing “{what}”: sent like any other change.", hide_after_ms=8000
            ),
            name="undo from history",
        )
