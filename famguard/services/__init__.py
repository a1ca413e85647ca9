"""Plain-Python services the app drives from worker threads: sign-in, family, sync. No Qt.

The ui is typed against what this package exports: the services, their results (SyncStatus,
FieldState, AccountSession), the notices (Notice, NoticeKind), the demo (DemoEnvironment,
TeenPhone Protocols) and the sync states (famguard.domain.sync.SyncState)."""

from typing import TYPE_CHECKING

from famguard.services.events import NoticeKind, Notifier
from famguard.services.family import FamilyService
from famguard.services.insight import InsightService
from famguard.services.session import AccountSession, SessionService, UnsentChanges
from famguard.services.sync import FieldState, SyncEngine, SyncStatus
from famguard.services.trust import TrustService

if TYPE_CHECKING:
    from famguard.services.demo import DemoEnvironment, PhoneSnapshot, TeenPhone
    from famguard.services.insight_results import HistoryPage, HistoryQuery, UsageWindow
    from famguard.services.notice import Notice

__all__ = [
    "AccountSession",
    "DemoEnvironment",
    "FamilyService",
    "FieldState",
    "HistoryPage",
    "HistoryQuery",
    "InsightService",
    "Notice",
    "NoticeKind",
    "Notifier",
    "PhoneSnapshot",
    "SessionService",
    "SyncEngine",
    "SyncStatus",
    "TeenPhone",
    "TrustService",
    "UnsentChanges",
    "UsageWindow",
]


_DEMO = frozenset({"DemoEnvironment", "PhoneSnapshot", "TeenPhone"})
_INSIGHT_RESULTS = frozenset({"HistoryPage", "HistoryQuery", "UsageWindow"})


def __getattr__(name: str) -> object:
    """The demo's names, the screen-time and history pages' results and the notice are loaded when
    first asked for: a returning guardian's start imports this package before the family is on
    screen and never needs them before it (~3 ms, ~2.5 ms and ~1 ms)."""
    if name in _DEMO:
        from famguard.services import demo

        return getattr(demo, name)
    if name in _INSIGHT_RESULTS:
        from famguard.services import insight_results

        return getattr(insight_results, name)
    if name == "Notice":  # with the first notice (famguard.services.notice)
        from famguard.services.notice import Notice

        return Notice
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
