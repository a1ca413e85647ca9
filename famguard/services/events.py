"""The observer interface of the services: plain callbacks, no Qt, so the UI can bridge each
notice to a Qt signal (queued to the GUI thread) and tests can simply record them."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from famguard.services.notice import Notice

log = logging.getLogger(__name__)


class NoticeKind(StrEnum):
    """What changed. Every notice is sent AFTER the local store was updated, whoever caused it (the
    sync engine on an event, or a FamilyService.refresh_*): a listener re-reads the cache
    (`cached_*`) and never needs to fetch — which also means a refresh can never trigger itself
    through a notice."""

    OUTBOX = "outbox"  # a change's sync state moved
    CONTROLS = "controls"  # cached controls changed
    TEENS = "teens"  # the list of teens changed
    STATUS = "status"  # online/offline/paused changed
    TIME_REQUESTS = "time_requests"
    USAGE = "usage"
    ACTIVITY = "activity"
    PAIRING = "pairing"  # a pairing moved on (poll it)
    SIGNED_OUT = "signed_out"  # the server ended the sign-in (sign in again)
    PHONE = "phone"  # the teen's phone reported (the delivery receipt changed)
    RULES = "rules"  # the teen's temporary rules changed (planned, removed, started, ended)
    GUARDIAN_JOINED = "guardian_joined"  # another account became a guardian of a teen (take_joined)
    GUARDIAN_LEFT = "guardian_left"  # another guardian of a teen is no longer linked (take_left)
    GUARDIAN_REQUESTS = "guardian_requests"  # accounts asking to become a teen's guardians changed
    NOT_APPLIED = "not_applied"  # changes of a teen no longer linked were set aside (take_not_applied)


# A listener is called with a Notice (famguard.services.notice: made with the first notice, after a
# returning guardian's family from the store is painted).
Listener = Callable[["Notice"], None]


class Notifier:
    """Calls every listener with each notice, on the thread that caused it. A failing listener is
    logged and skipped: it must not stop the sync engine."""

    def __init__(self) -> None:
        self._listeners: list[Listener] = []
        self._lock = threading.Lock()

    def add_listener(self, callback: Listener) -> None:
        with self._lock:
            self._listeners.append(callback)

    def remove_listener(self, callback: Listener) -> None:
        with self._lock:
            if callback in self._listeners:
                self._listeners.remove(callback)

    def notify(self, kind: NoticeKind, teen_id: str | None = None) -> None:
        from famguard.services.notice import Notice

        notice = Notice(kind, teen_id)
        with self._lock:
            listeners = list(self._listeners)
        for listener in listeners:
            try:
                listener(notice)
            except Exception:  # noqa: BLE001 - a broken listener must not stop syncing
                log.exception("A sync listener failed")
