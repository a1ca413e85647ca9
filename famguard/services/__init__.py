"""Plain-Python services the app drives from worker threads: sign-in, family, sync. No Qt."""

from famguard.services.events import Notice, Notifier
from famguard.services.family import FamilyService
from famguard.services.session import AccountSession, SessionService, UnsentChanges
from famguard.services.sync import FieldState, SyncEngine, SyncStatus

__all__ = [
    "AccountSession",
    "FamilyService",
    "FieldState",
    "Notice",
    "Notifier",
    "SessionService",
    "SyncEngine",
    "SyncStatus",
    "UnsentChanges",
]
