"""Drives the family screen for one signed-in account: the teen list (with today's use), the
controls page (each change queued through the sync engine, its per-field state shown), the
offline banner, conflicts, changes made elsewhere, unlinking and pairing.

Every service call runs through the TaskRunner; the sync engine's notices (which arrive on its
own threads) are bridged to the GUI thread by a queued Qt signal before anything is touched. A
notice always means "the local store was updated": the presenter re-reads the cache then, and asks
the server only on its own initiative (start, selecting a teen, coming back online)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from functools import partial
from typing import Any

from PySide6.QtCore import QObject, Signal

from famguard.domain.catalog import CONTROL_INFO
from famguard.domain.controls import Controls, parse_controls_patch
from famguard.domain.errors import DomainValidationError
from famguard.domain.models import TeenSummary
from famguard.ui.dialogs import TAKE_THEIRS, ConflictDialog
from famguard.ui.main_window import MainWindow
from famguard.ui.pairing_presenter import PairingPresenter
from famguard.ui.tasks import TaskRunner
from famguard.ui.viewstate import SyncState, TeenRow, TeenSync

log = logging.getLogger(__name__)


def user_message(exc: BaseException) -> str | None:
    """The plain-language message of a service error, or None for a bug (which must be reported)."""
    if isinstance(exc, DomainValidationError):
        return " ".join(exc.fields.values())
    message = getattr(exc, "message", None)
    return message if isinstance(message, str) else None


class _NoticeBridge(QObject):
    """The sync engine calls listeners on its own threads; this hands each notice to the GUI thread."""

    notice = Signal(object)


class FamilyPresenter(QObject):
    """Owns nothing but the wiring: `session` is a famguard.services.AccountSession."""

    def __init__(
        self,
        window: MainWindow,
        tasks: TaskRunner,
        session: Any,
        *,
        account_label: str,
        on_signed_out: Callable[[], None] | None = None,
    ) -> None:
        super().__init__(window)
        self.on_signed_out = on_signed_out  # the server ended the sign-in: the controller signs in again
        self.window = window
        self.tasks = tasks
        self.session = session
        self.teens: dict[str, TeenRow] = {}
        self.current: str | None = None
        self._shown: dict[str, Controls] = {}  # what the page shows per teen, to spot changes from elsewhere
        self._asked_conflicts: set[int] = set()
        self._in_flight: set[tuple[str, str | None]] = set()
        self._requested: dict[tuple[str, str], Any] = {}  # the guardian's latest value per field, for Retry
        self._conflict_open = False
        self.conflict_dialog: ConflictDialog | None = None  # the open one; tests reach it here
        self._online = True
        self._closed = False
        self._bridge = _NoticeBridge(self)
        self._bridge.notice.connect(self._on_notice)
        self._listener = self._bridge.notice.emit  # called on engine threads; emit is thread-safe
        session.sync.add_listener(self._listener)
        self.page = window.ensure_controls_page()
        self.page.change_requested.connect(self.change)
        self.page.retry_requested.connect(self.retry)
        self.page.unlink_requested.connect(self.unlink)
        self.page.requests.decide_requested.connect(self.decide)
        window.teen_list.teen_selected.connect(self.select)
        window.offline_banner.retry_requested.connect(self._retry_now)
        self.pairing = PairingPresenter(window, tasks, session.family, on_linked=self.refresh_teens)
        window.add_teen_requested.connect(self.pairing.open)
        window.set_account(account_label, session.server_url)
        window.show_family()

    # --- life cycle --------------------------------------------------------------------------

    def start(self) -> None:
        """Show what is cached at once (all there is while offline), then ask the server and start
        syncing."""
        self._reload_teens(fetch_new=False)
        self.refresh_teens()
        self.tasks.run(self.session.sync.start, owner=self, name="start sync")

    def close(self) -> None:
        """Disconnect from the window and the engine (sign-out, reset, exit)."""
        self._closed = True
        self.session.sync.remove_listener(self._listener)
        self.pairing.close()
        for signal, slot in (
            (self.page.change_requested, self.change),
            (self.page.retry_requested, self.retry),
            (self.page.unlink_requested, self.unlink),
            (self.page.requests.decide_requested, self.decide),
            (self.window.teen_list.teen_selected, self.select),
            (self.window.offline_banner.retry_requested, self._retry_now),
            (self.window.add_teen_requested, self.pairing.open),
        ):
            signal.disconnect(slot)
        self.window.offline_banner.set_offline(False)
        self.page.reset()
        self.deleteLater()

    # --- teens -------------------------------------------------------------------------------

    def _refresh(self, key: tuple[str, str | None], fn: Any, *args: Any, on_success: Any) -> None:
        """Ask the server once for `key` (kind, teen) while no such request is in flight. The
        notice the family service sends after it refreshed only makes the cache be re-read."""
        if key in self._in_flight:
            return
        self._in_flight.add(key)

        def succeeded(value: Any) -> None:
            self._in_flight.discard(key)
            on_success(value)

        def failed(exc: BaseException) -> None:
            self._in_flight.discard(key)
            self._network_error(exc)

        self.tasks.run(fn, *args, on_success=succeeded, on_error=failed, owner=self, name=f"refresh {key[0]}")

    def refresh_teens(self) -> None:
        self._refresh(("teens", None), self.session.family.refresh_teens, on_success=self._show_teens)

    def _reload_teens(self, *, fetch_new: bool) -> None:
        """Show the cached teens and their cached use today; with `fetch_new`, ask the server for
        the use of a teen not shown before (a teen just linked elsewhere)."""

        def cached() -> tuple[list[TeenSummary], dict[str, list]]:
            teens = self.session.family.cached_teens()
            return teens, {t.id: self.session.family.cached_usage(t.id) for t in teens}

        def shown(result: tuple[list[TeenSummary], dict[str, list]]) -> None:
            teens, usage = result
            before = set(self.teens)
            self._show_teens(teens, fetch_usage=False)
            for teen_id, days in usage.items():
                self._show_usage(teen_id, days)
                if fetch_new and teen_id not in before:
                    self._refresh_usage(teen_id)

        self.tasks.run(cached, on_success=shown, owner=self, name="cached teens")

    def _show_teens(self, teens: list[TeenSummary], *, fetch_usage: bool = True) -> None:
        gone = [row for teen_id, row in self.teens.items() if teen_id not in {t.id for t in teens}]
        rows = []
        for teen in teens:
            old = self.teens.get(teen.id)
            row = TeenRow(teen.id, teen.display_name, teen.age)
            if old is not None:
                row = replace(old, name=teen.display_name, age=teen.age)
            rows.append(row)
        self.teens = {row.teen_id: row for row in rows}
        self.window.teen_list.set_teens(rows)
        for row in gone:
            self.window.show_notice(f"ℹ {row.name} is no longer linked to you, so their controls were removed here.")
        if not rows:
            self.current = None
            self.window.show_no_teen("No teen is linked yet. Choose “Add a teen” to link your teen's account.")
        if fetch_usage:
            for row in rows:
                self._refresh_usage(row.teen_id)

    def _refresh_usage(self, teen_id: str) -> None:
        shown = partial(self._show_usage, teen_id)
        self._refresh(("usage", teen_id), self.session.family.refresh_usage, teen_id, on_success=shown)

    def _reload_usage(self, teen_id: str) -> None:
        shown = partial(self._show_usage, teen_id)
        self.tasks.run(self.session.family.cached_usage, teen_id, on_success=shown, owner=self, name="cached usage")

    def _show_usage(self, teen_id: str, days: list) -> None:
        row = self.teens.get(teen_id)
        if row is None or not days:
            return
        today = days[-1]  # the range ends at the teen's today
        row = replace(row, used_minutes=today.minutes, limit_minutes=today.limit_minutes)
        if row != self.teens[teen_id]:
            self.teens[teen_id] = row
            self.window.teen_list.update_teen(row)

    def select(self, teen_id: str) -> None:
        self.current = teen_id
        row = self.teens.get(teen_id)
        if row is None:
            return
        self.tasks.run(self._load_controls, teen_id, on_success=self._show_controls, owner=self, name="load controls")
        self._refresh_requests(teen_id)

    # --- requests for more time ----------------------------------------------------------------

    def _refresh_requests(self, teen_id: str) -> None:
        shown = partial(self._show_requests, teen_id)
        self._refresh(("time_requests", teen_id), self.session.family.refresh_time_requests, teen_id, on_success=shown)

    def _reload_requests(self, teen_id: str) -> None:
        shown = partial(self._show_requests, teen_id)
        self.tasks.run(self.session.family.cached_time_requests, teen_id, on_success=shown, owner=self)

    def _show_requests(self, teen_id: str, requests: list) -> None:
        row = self.teens.get(teen_id)
        if row is not None and teen_id == self.current:
            self.page.requests.show_requests(row.name, requests)

    def decide(self, request: Any, approve: bool, minutes: int | None) -> None:
        def done(_decided: Any) -> None:
            self._refresh_usage(request.teen_id)  # an approval raised the limit; the list came by notice

        def failed(exc: BaseException) -> None:
            if getattr(exc, "code", None) == "already_decided":
                self.window.show_notice("ℹ Another guardian answered this request first.", hide_after_ms=15000)
                self._refresh_requests(request.teen_id)
                return
            self._network_error(exc)

        self.tasks.run(
            self.session.family.decide_time_request, request, approve, minutes, on_success=done, on_error=failed
        )

    def _load_controls(self, teen_id: str) -> tuple[str, Controls, dict, Any]:
        """On a worker: the cache at once, or the server when nothing is cached yet."""
        sync = self.session.sync
        if sync.cached_controls(teen_id) is None:
            sync.refresh_controls(teen_id)
        return teen_id, sync.displayed_controls(teen_id), sync.field_states(teen_id), sync.status()

    def _show_controls(self, loaded: tuple[str, Controls, dict, Any]) -> None:
        teen_id, controls, states, status = loaded
        row = self.teens.get(teen_id)
        if row is None or teen_id != self.current:
            return
        previous = self._shown.get(teen_id)
        if self.page.teen_id != teen_id or previous is None:
            self.page.show_teen(teen_id, row.name, row.age, controls)
        else:
            pending = {f for f, s in states.items() if s.state in ("pending", "sending", "conflict")}
            elsewhere = tuple(
                f for f in CONTROL_INFO if getattr(previous, f) != getattr(controls, f) and f not in pending
            )
            self.page.update_controls(controls, elsewhere)
            if elsewhere:
                self._name_who_changed(teen_id, elsewhere)
        self._shown[teen_id] = controls
        self.window.show_teen_page()
        self._show_states(teen_id, states)
        self._show_status(status)

    def _name_who_changed(self, teen_id: str, fields: tuple[str, ...]) -> None:
        """Replace "changed on another device" by the name from the activity log, when it says."""

        def named(entries: list) -> None:
            if teen_id != self.current or self.page.teen_id != teen_id:
                return
            for field in fields:
                entry = next((e for e in entries if e.kind == "controls" and e.field == field), None)
                if entry is not None and entry.actor is not None and self.page.rows[field].note:
                    self.page.rows[field].flash(f"↻ changed by {entry.actor.display_name}")

        def failed(exc: BaseException) -> None:
            if user_message(exc) is None:  # a bug is reported; a network hiccup just keeps the words
                self.tasks.error_reporter(exc)

        self.tasks.run(self.session.family.refresh_activity, teen_id, 20, on_success=named, on_error=failed, owner=self)

    # --- the guardian's changes --------------------------------------------------------------

    def change(self, teen_id: str, field: str, value: Any) -> None:
        row = self.teens.get(teen_id)
        if row is None:
            return
        self._requested[(teen_id, field)] = value
        self.page.set_field_state(field, SyncState.PENDING)

        def refused(exc: BaseException) -> None:
            message = user_message(exc)
            if message is None:
                self.tasks.error_reporter(exc)
                return
            self.page.set_field_state(field, SyncState.REJECTED, message)
            self.select(teen_id)  # show the value that still applies

        self.tasks.run(
            self.session.sync.queue_change,
            teen_id,
            row.age,
            on_success=lambda _change: self._refresh_teen_states(teen_id),
            on_error=refused,
            owner=self,
            name=f"queue {field}",
            **{field: value},
        )

    def retry(self, teen_id: str, field: str) -> None:
        """Send a refused value again (after the guardian fixed the cause, e.g. a stale age)."""
        if (teen_id, field) not in self._requested:
            return
        value = self._requested[(teen_id, field)]

        def again(states: dict) -> None:
            state = states.get(field)
            if state is not None and state.state == "rejected":
                self.tasks.run(self.session.sync.dismiss, state.change_id, owner=self)
            self.change(teen_id, field, value)

        self.tasks.run(self.session.sync.field_states, teen_id, on_success=again, owner=self)

    def unlink(self, teen_id: str) -> None:
        from PySide6.QtWidgets import QMessageBox

        row = self.teens.get(teen_id)
        if row is None:
            return
        answer = QMessageBox.question(
            self.window,
            "FamGuard — Unlink",
            f"Unlink {row.name}? You will no longer see or set their controls; {row.name} is told at once.",
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        self.tasks.run(
            self.session.family.unlink,
            teen_id,
            on_success=lambda _r: self._reload_teens(fetch_new=False),
            on_error=self._network_error,
            owner=self,
        )

    # --- notices from the engine -------------------------------------------------------------

    def _on_notice(self, notice: Any) -> None:
        if self._closed:
            return
        kind, teen_id = notice.kind, notice.teen_id
        if kind in ("outbox", "controls") and teen_id:
            self._refresh_teen_states(teen_id)
        elif kind == "status":
            self.tasks.run(self.session.sync.status, on_success=self._show_status, owner=self)
        elif kind == "teens":
            self._reload_teens(fetch_new=True)
        elif kind == "usage" and teen_id:
            self._reload_usage(teen_id)
        elif kind == "time_requests" and teen_id:
            if teen_id == self.current:
                self._reload_requests(teen_id)
        elif kind == "pairing":
            self.pairing.poll_now()
        elif kind == "signed_out":
            self._closed = True  # several threads may say so; act once
            if self.on_signed_out is not None:
                self.on_signed_out()

    def _refresh_teen_states(self, teen_id: str) -> None:
        if teen_id == self.current:
            self.tasks.run(self._load_controls, teen_id, on_success=self._show_controls, owner=self)
        self.tasks.run(self._teen_sync, teen_id, on_success=self._show_teen_sync, owner=self)

    def _teen_sync(self, teen_id: str) -> tuple[str, TeenSync]:
        states = {s.state for s in self.session.sync.field_states(teen_id).values()}
        if states & {"conflict", "rejected"}:
            return teen_id, TeenSync.ATTENTION
        if states & {"pending", "sending"}:
            return teen_id, TeenSync.SYNCING if self._online else TeenSync.QUEUED
        return teen_id, TeenSync.UP_TO_DATE

    def _show_teen_sync(self, result: tuple[str, TeenSync]) -> None:
        teen_id, sync = result
        row = self.teens.get(teen_id)
        if row is not None and row.sync != sync:
            self.teens[teen_id] = replace(row, sync=sync)
            self.window.teen_list.update_teen(self.teens[teen_id])

    def _show_states(self, teen_id: str, states: dict) -> None:
        for field, state in states.items():
            message = state.reason if state.state in ("rejected", "conflict") else None
            self.page.set_field_state(field, SyncState(state.state), message)
            if state.state == "conflict" and state.change_id not in self._asked_conflicts:
                self._ask_conflict(teen_id, field, state)

    def _show_status(self, status: Any) -> None:
        was_online, self._online = self._online, status.online
        self.window.offline_banner.set_offline(not status.online, status.unsent)
        self.page.set_offline(not status.online)
        if not was_online and status.online:
            self.refresh_teens()  # what failed while offline (the whole family after an offline start)
            if self.current:
                self._refresh_teen_states(self.current)

    def _ask_conflict(self, teen_id: str, field: str, state: Any) -> None:
        if self._conflict_open:
            return  # one question at a time; the next notice asks about the rest
        self._asked_conflicts.add(state.change_id)
        self._conflict_open = True
        row = self.teens.get(teen_id)
        when = None
        if state.at:
            try:
                when = datetime.fromisoformat(state.at)
            except ValueError:
                when = None
        dialog = ConflictDialog(
            field,
            _typed(field, state.mine),
            _typed(field, state.theirs),
            who=state.by or "Another guardian",
            when=when,
            teen_name=row.name if row else "",
            parent=self.window,
        )

        def decided(_result: int) -> None:
            self._conflict_open = False
            if dialog.choice is None:
                self._asked_conflicts.discard(state.change_id)  # ask again on the next notice
                self.page.set_field_state(field, SyncState.CONFLICT, state.reason)
                return
            keep_mine = dialog.choice != TAKE_THEIRS
            self.tasks.run(self.session.sync.resolve_conflict, state.change_id, keep_mine, owner=self)

        dialog.finished.connect(decided)
        dialog.open()
        self.conflict_dialog = dialog

    # --- errors ------------------------------------------------------------------------------

    def _network_error(self, exc: BaseException) -> None:
        message = user_message(exc)
        if message is None:
            self.tasks.error_reporter(exc)
            return
        log.info("Family refresh failed: %s", message)
        if getattr(exc, "code", None) in ("not_found", "forbidden"):
            self.refresh_teens()  # a teen unlinked meanwhile: the list update says so
            return
        if getattr(exc, "code", None) is None:  # network trouble, not a refusal: we are offline
            self.window.offline_banner.set_offline(True, 0)
            self._online = False
        else:
            self.window.show_notice(f"✗ {message}", hide_after_ms=15000)

    def _retry_now(self) -> None:
        self.session.sync.wake()
        self.refresh_teens()


def _typed(field: str, wire: Any) -> Any:
    """A wire value as the domain type, for describing it; the raw value if it does not parse."""
    try:
        return parse_controls_patch({field: wire})[field]
    except DomainValidationError:
        return wire
