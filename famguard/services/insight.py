"""InsightService: what the guardian looks back at and ahead to — a teen's screen time over the
last 7 or 28 days of the teen's calendar, the change history, page by page, with filters and
"undo this change" (which goes through the outbox like any other change), and the next age
transition (16 or 18).

Like FamilyService, `cached_*` answers from the local store (works offline) and the other reads
ask the server, update the store and return what it said (raising FamGuardError subclasses).
Every method blocks; call from a worker thread. The history's words, the chart's dates and the CSV
writer are imported by the methods that use them, and so are the pages' results
(famguard.services.insight_results): a returning guardian's start makes this service before the
family is on screen and needs none of them (~5 ms of imports, ~2.5 ms of dataclasses)."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from famguard.domain.age_transition import AgeTransition, upcoming_transition
from famguard.domain.controls import DEFAULT_TIMEZONE, controls_to_json
from famguard.domain.errors import DomainValidationError, ErrorKind, FamGuardError
from famguard.domain.schedule import teen_today
from famguard.services.events import Notifier
from famguard.services.sync import SyncEngine
from famguard.store import AccountStore

if TYPE_CHECKING:  # the client imports requests (~100 ms): made on a worker when first needed
    from famguard.api import ApiClient
    from famguard.domain.models import ActivityEntry
    from famguard.services.insight_results import HistoryPage, HistoryQuery, UsageWindow


class ExportFailed(FamGuardError):
    kind = ErrorKind.LOCAL
    title = "Could not save the file"


class InsightService:
    def __init__(self, api: ApiClient, store: AccountStore, sync: SyncEngine, notifier: Notifier) -> None:
        self.api = api
        self.store = store
        self.sync = sync
        self.notifier = notifier
        self.clock = lambda: datetime.now(UTC)  # tests move it

    # --- screen time -----------------------------------------------------------------------

    def _timezone(self, teen_id: str) -> str:
        cached = self.sync.cached_controls(teen_id)
        return cached[0].timezone if cached is not None else DEFAULT_TIMEZONE

    def cached_usage(self, teen_id: str) -> UsageWindow:
        from famguard.services.insight_results import UsageWindow

        timezone = self._timezone(teen_id)
        today = teen_today(timezone, self.clock())
        return UsageWindow(teen_id, today, timezone, tuple(self.store.usage(teen_id)))

    def refresh_usage(self, teen_id: str, period: int) -> UsageWindow:
        """Ask the server for the last `period` days ending on the teen's today (their time zone
        comes from the controls, fetched first when not cached yet)."""
        from famguard.services.insight_results import UsageWindow

        if self.sync.cached_controls(teen_id) is None:
            self.sync.refresh_controls(teen_id)
        timezone = self._timezone(teen_id)
        today = teen_today(timezone, self.clock())
        from famguard.domain.usage_chart import window_dates  # this module's heavier imports load on use

        first, last = window_dates(today, period)
        self.sync.family.refresh_usage(teen_id, first, last)  # the one place usage answers are ordered
        return UsageWindow(teen_id, today, timezone, tuple(self.store.usage(teen_id)))

    def export_csv(self, path: str, rows: list[tuple[str, ...]]) -> None:
        """Write `rows` as a CSV file (UTF-8, the header first)."""
        import csv
        import io

        text = io.StringIO()
        csv.writer(text).writerows(rows)
        self.save_file(path, text.getvalue().encode("utf-8"))

    def save_file(self, path: str, data: bytes) -> None:
        write_whole_file(path, data)

    # --- change history ------------------------------------------------------------------------

    def cached_history(self, teen_id: str, query: HistoryQuery, before: int | None = None) -> HistoryPage:
        """A page from the local copy (instant, and all there is while offline)."""
        from famguard.services.insight_results import HistoryPage

        entries = self.store.activity_page(teen_id, before=before, limit=query.page_size, **query.filters())
        return HistoryPage(teen_id, query, before, tuple(entries), complete=False, from_cache=True)

    def history(self, teen_id: str, query: HistoryQuery, before: int | None = None) -> HistoryPage:
        """A page from the server (kept in the local copy); offline, the local copy's page."""
        from famguard.services.insight_results import HistoryPage

        try:
            entries, more = self.api.activity_page(teen_id, query.page_size, before, **query.filters())
        except FamGuardError as exc:
            if exc.kind is not ErrorKind.OFFLINE:
                raise
            return self.cached_history(teen_id, query, before)
        self.store.add_activity(entries)
        complete = len(entries) < query.page_size and not more  # a page cut short is not the end
        return HistoryPage(teen_id, query, before, tuple(entries), complete, from_cache=False)

    def history_people(self, teen_id: str, me: str | None = None) -> list[tuple[str, str]]:
        """(actor filter value, label) of everyone whose changes the history can show: the
        guardians linked with the teen now (from the server; `me`, the reader, as "You"), the teen
        and FamGuard. Offline,
        the teen and FamGuard only (the page adds the people of the entries it shows)."""
        teen = self.store.teen(teen_id)
        try:
            guardians = self.api.teen_guardians(teen_id)
        except FamGuardError as exc:
            if exc.kind is not ErrorKind.OFFLINE:
                raise
            guardians = []
        from famguard.domain.activity_words import who_choices

        return who_choices(teen_id, teen.display_name if teen else "The teen", guardians, me)

    def current_controls(self, teen_id: str) -> dict[str, Any] | None:
        """The teen's controls as the guardian sees them (unsent edits included), in wire form:
        what "Undo this change" compares an entry's `after` with."""
        controls = self.sync.displayed_controls(teen_id)
        return None if controls is None else controls_to_json(controls)

    def undo(self, entry: ActivityEntry, age: int) -> None:
        """Queue the entry's `before` as a new change (through the outbox, so it is recorded in
        the history like any other); refused (DomainValidationError) when it no longer makes sense
        or breaks an age rule now."""
        from famguard.domain.activity_words import undo_blocker

        blocker = undo_blocker(entry, self.current_controls(entry.teen_id))
        if blocker is not None:
            raise DomainValidationError({entry.field or "history": blocker})
        assert entry.field is not None  # undo_blocker checked it names a control
        self.sync.queue_change(entry.teen_id, age, **{entry.field: entry.before})

    # --- age transition ----------------------------------------------------------------------

    def age_transition(self, teen_id: str) -> AgeTransition | None:
        """What changes when the teen turns 16 or 18, if that is within 60 days of their today
        (from the cached teen list and controls: works offline)."""
        teen = self.store.teen(teen_id)
        if teen is None:
            return None
        controls = self.sync.displayed_controls(teen_id)
        today = teen_today(controls.timezone if controls else DEFAULT_TIMEZONE, self.clock())
        return upcoming_transition(teen.display_name, teen.birth_date, today, controls)


def write_whole_file(path: str, data: bytes) -> None:
    """Write a file the guardian asked for (CSV, PDF) all at once: a folder that cannot be
    written, or a disk that fills up, raises ExportFailed (kind local) naming the file, and no
    half-written file is left."""
    target = Path(path)
    partial = target.with_name(target.name + ".part")
    try:
        partial.write_bytes(data)
        os.replace(partial, target)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise ExportFailed(f"Could not save {target.name}: {exc.strerror or exc}.") from exc
