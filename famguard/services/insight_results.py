"""What InsightService's screen-time and history reads return (and the history's query): made
when those pages first ask, not with the service (famguard.services.insight says why)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from famguard.domain.models import UsageDay

if TYPE_CHECKING:
    from famguard.domain.models import ActivityEntry


@dataclass(frozen=True)
class UsageWindow:
    """The teen's usage as known now: `today` is the teen's date in `timezone`."""

    teen_id: str
    today: date
    timezone: str
    days: tuple[UsageDay, ...]


@dataclass(frozen=True)
class HistoryQuery:
    """Which history entries to list: all, or only one kind, one control, one person's."""

    kind: str | None = None
    field: str | None = None
    actor: str | None = None
    page_size: int = 100

    def filters(self) -> dict[str, str | None]:
        return {"kind": self.kind, "field": self.field, "actor": self.actor}


@dataclass(frozen=True)
class HistoryPage:
    """One page of a teen's history, newest first, older than `before` (None: the newest).
    `complete` says there is nothing older; `from_cache` that it came from the local copy
    (offline), which may lack entries this computer never fetched."""

    teen_id: str
    query: HistoryQuery
    before: int | None
    entries: tuple[ActivityEntry, ...]
    complete: bool
    from_cache: bool
