"""Drives one teen's controls page: shows the controls (the cache with the guardian's unsent
changes laid over it) and the temporary rule in force on the teen's day, which the phone follows
on top of them, queues each change through the sync engine and shows its per-setting
state, names who changed a setting elsewhere, sends a refused value again on Retry, and asks the
guardian about each conflict, one at a time. The page's own Undo sends the previous value as one
more change, so undo needs nothing here. The page is built when first shown (or row by row while
the app is idle, see MainWindow.prebuild_controls_page); until then the controls are still read,
so that a conflict is asked about and the sync status kept, but nothing is drawn."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from typing import TYPE_CHECKING

from famguard.domain.catalog import CONTROL_INFO
from famguard.domain.controls import Controls, parse_controls_patch
from famguard.domain.errors import DomainValidationError, ErrorKind, kind_of, user_message
from famguard.domain.plain_text import clash_who
from famguard.domain.sync import OPEN_STATES, SyncState
from famguard.ui.presenter import FailureHandler, Presenter
from famguard.ui.tasks import TaskRunner
from famguard.ui.teen_list_presenter import TeenListPresenter

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from famguard.domain.models import ActivityEntry
    from famguard.services import FieldState, SyncEngine, SyncStatus
    from famguard.services.family import FamilyService
    from famguard.ui.controls_page import ControlsPage
    from famguard.ui.dialogs import ConflictDialog
    from famguard.ui.main_window import MainWindow

# teen, controls, states, status, the rule in force in words, how many of the page's changes the
# outbox had taken when the read began
Loaded = tuple[str, Controls, "dict[str, FieldState]", "SyncStatus", "str | None", int]
# How long a count of the changes not sent waits for those still being queued (a SQLite write
# each: milliseconds; a locked store gives up and is counted without them).
QUEUED_WAIT_S = 3.0
_NOTHING = object()  # no value asked for here (None is a value: no limit, quiet hours off)


class TeenControlsPresenter(Presenter):
    """`on_status(status)` gets the sync status read with each load (online or not)."""

    def __init__(
        self,
        window: MainWindow,
        tasks: TaskRunner,
        sync: SyncEngine,
        family: FamilyService,
        teens: TeenListPresenter,
        *,
        on_status: Callable[[SyncStatus], None],
        my_name: str = "",
        on_failure: FailureHandler | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        super().__init__(window, tasks, on_failure=on_failure)
        self.clock = clock
        self.my_name = my_name  # the guardian's own name: another account with it is said to be one
        self.sync = sync
        self.family = family
        self.teens = teens
        self.on_status = on_status
        self.shown: dict[str, Controls] = {}  # what the page shows per teen, to spot changes from elsewhere
        # (teen, setting) -> this guardian's saved change whose value another guardian replaced
        # since: its "✓ saved — on Maya's phone" would vouch for a value no longer in force.
        self._replaced: dict[tuple[str, str], int] = {}
        self._requested: dict[tuple[str, str], object] = {}  # the guardian's latest value per field, for Retry
        # (teen, setting) -> this guardian's saved change last seen landed in a read shown: a read
        # taken while it was on its way can be replaced by the next (one read in flight per teen),
        # and the first read shown then has it saved — a change of this guardian's own, not news.
        self._landed: dict[tuple[str, str], int] = {}
        self._asked_conflicts: set[int] = set()
        self._conflict_open = False
        self.conflict_dialog: ConflictDialog | None = None  # the open one; tests reach it here
        self._offline = (False, False)  # offline, and whether because of the service
        self._page: ControlsPage | None = None
        # Per teen: the changes made on the page (counted here) and how many of them the outbox
        # has taken or refused (counted by the workers that queue them). A read begun before the
        # latest change was queued lacks it: shown, it put the old value back for a moment.
        self._edits_made: dict[str, int] = {}
        self._edits_queued: dict[str, int] = {}
        self._queued_lock = threading.Lock()
        from famguard.ui.main_window import CONTROLS_PAGE

        self.when_built(CONTROLS_PAGE, self._wire)

    @property
    def page(self) -> ControlsPage:
        """The page, built (and wired) now if it was not yet."""
        return self._page if self._page is not None else self.window.ensure_controls_page()

    def _wire(self, page: QWidget) -> None:
        from famguard.ui.controls_page import ControlsPage

        assert isinstance(page, ControlsPage)
        self._page = page
        self.track(page.change_requested, self.change)
        self.track(page.retry_requested, self.retry)
        self.track(page.choose_requested, self.choose)
        page.set_offline(self._offline[0], service_problem=self._offline[1])
        if self.teens.current:
            self.show(self.teens.current)

    def close(self) -> None:
        if self._page is not None:
            self._page.reset()
        super().close()

    # --- showing -------------------------------------------------------------------------------

    def show(self, teen_id: str) -> None:
        """Load and show the teen's controls (from the cache; from the server when none is cached)."""
        # One read at a time per teen (and one more after it): reads finishing out of order
        # would show an older state of a field ("saving…" after "saved").
        self.run_latest(("controls", teen_id), partial(self._load, teen_id), self._show, name="load controls")

    def reload(self, teen_id: str) -> None:
        """The teen's controls or changes moved on (a notice): show them again if on screen."""
        if teen_id == self.teens.current:
            self.show(teen_id)

    def asked(self, teen_id: str, field: str) -> object:
        """The value this guardian last asked for (None: nothing asked here)."""
        return self._requested.get((teen_id, field), _NOTHING)

    def edits_made(self, teen_id: str) -> int:
        """The page's changes of this teen so far (GUI thread)."""
        return self._edits_made.get(teen_id, 0)

    def edits_queued(self, teen_id: str) -> int:
        """The page's changes of this teen that reached the outbox (any thread: a worker asks it
        before reading the store; a read whose count is below `edits_made` is older than a click)."""
        with self._queued_lock:
            return self._edits_queued.get(teen_id, 0)

    def until_queued(self) -> Callable[[], None]:
        """For a worker about to read the outbox (the changes not sent, before quitting or signing
        out): a wait until every change made so far on the page is in it. Each is queued by a
        task of its own, which may still be running when the read starts."""
        made = dict(self._edits_made)  # on the GUI thread, where changes are made

        def wait() -> None:
            deadline = time.monotonic() + QUEUED_WAIT_S
            while any(self.edits_queued(t) < n for t, n in made.items()) and time.monotonic() < deadline:
                time.sleep(0.01)

        return wait

    def asked_here(self, teen_id: str, field: str, value: object) -> None:
        """A change the app makes for this guardian (not from the controls page) is theirs too."""
        self._requested[(teen_id, field)] = value

    def set_offline(self, offline: bool, *, service_problem: bool = False) -> None:
        self._offline = (offline, service_problem)
        if self._page is not None:
            self._page.set_offline(offline, service_problem=service_problem)

    def _load(self, teen_id: str) -> Loaded:
        """On a worker: the cache at once, or the server when nothing is cached yet."""
        queued = self.edits_queued(teen_id)
        controls, states = self.sync.shown(teen_id)
        return teen_id, controls, states, self.sync.status(), self._rule_in_force(teen_id, controls), queued

    def _rule_in_force(self, teen_id: str, controls: Controls) -> str | None:
        """The temporary rule in force on the teen's day, in words, from the cached rules (the
        phone page and the home read them from the service)."""
        rules = self.sync.trust.cached_rules(teen_id)
        if not rules:  # the usual case: nothing more to import before a returning guardian's family shows
            return None
        from famguard.domain import teen_view
        from famguard.domain.schedule import teen_today
        from famguard.domain.temporary import in_force

        today = teen_today(controls.timezone, self.clock())
        active = in_force(rules, today)
        return teen_view.rule_in_words(active, today, self.sync.me) if active is not None else None

    def _show(self, loaded: Loaded) -> None:
        teen_id, controls, states, status, rule, queued = loaded
        row = self.teens.row(teen_id)
        if row is None or teen_id != self.teens.current:
            return
        if queued < self.edits_made(teen_id):
            return  # older than a change on the page; the read once it is queued follows (_changed)
        page = self._page
        if page is not None:
            previous = self.shown.get(teen_id)
            if page.teen_id != teen_id or previous is None:
                page.show_teen(teen_id, row.name, row.age, controls)
            else:
                in_flight = {f for f, s in states.items() if s.state in OPEN_STATES}
                mine = {f for f in CONTROL_INFO if self._landing(teen_id, f, states.get(f), getattr(controls, f))}
                elsewhere = tuple(
                    f
                    for f in CONTROL_INFO
                    if getattr(previous, f) != getattr(controls, f) and f not in in_flight and f not in mine
                )
                page.update_controls(controls, elsewhere)
                if elsewhere:
                    self._name_who_changed(teen_id, elsewhere)
                for field in elsewhere:
                    state, asked = states.get(field), self._requested.get((teen_id, field), _NOTHING)
                    # Not my own change landing between two reads: the value it asked for is gone.
                    replaced = asked is not _NOTHING and asked != getattr(controls, field)
                    if state is not None and state.state == SyncState.SAVED and replaced:
                        self._replaced[(teen_id, field)] = state.change_id
            self.shown[teen_id] = controls
            page.show_rule(rule)
        self._show_states(teen_id, states)
        self.on_status(status)

    def _landing(self, teen_id: str, field: str, state: FieldState | None, value: object) -> bool:
        """Whether `value` is this guardian's own change, saved and shown landed for the first time
        ("↻ changed on another device" was said of the guardian's own change, under load)."""
        if state is None or state.state != SyncState.SAVED:
            return False
        first = self._landed.get((teen_id, field)) != state.change_id
        self._landed[(teen_id, field)] = state.change_id
        return first and self._requested.get((teen_id, field), _NOTHING) == value

    def _name_who_changed(self, teen_id: str, fields: tuple[str, ...]) -> None:
        """Replace "changed on another device" by the name from the activity log, when it says."""

        def named(entries: list[ActivityEntry]) -> None:
            from famguard.domain.activity_words import changed_by  # the history's words: not on the start's way

            if teen_id != self.teens.current or self.page.teen_id != teen_id:
                return
            for field in fields:
                entry = next((e for e in entries if e.kind == "controls" and e.field == field), None)
                if entry is not None and entry.actor is not None and self.page.rows[field].note:
                    self.page.rows[field].flash(f"↻ changed by {changed_by(entry, self.sync.me, self.my_name)}")

        def failed(exc: BaseException) -> None:
            if kind_of(exc) is ErrorKind.BUG:  # a network hiccup just keeps the words
                self.tasks.error_reporter(exc)

        self.run(partial(self.family.refresh_activity, teen_id, 20), named, on_error=failed, name="who changed")

    def _show_states(self, teen_id: str, states: dict[str, FieldState]) -> None:
        page = self._page
        if page is not None and page.teen_id == teen_id:
            for field, row in page.built_rows().items():
                if row.state == SyncState.CONFLICT and field not in states:
                    # "Take theirs" leaves no change of this setting: its "⚠ Alex also changed it —
                    # choose…" stayed for minutes, with a "Choose…" that did nothing (an outside tester).
                    page.set_field_state(field, SyncState.IDLE)
        for field, state in states.items():
            if state.state == SyncState.SAVED and self._replaced.get((teen_id, field)) == state.change_id:
                # Another guardian's value replaced it: the row says who changed it (a clash kept
                # by the other side read "✓ saved — on Maya's phone" over their value). Idle keeps
                # that note, also when the phone's next receipt is shown.
                if self._page is not None:
                    self._page.set_field_state(field, SyncState.IDLE)
                continue
            message = self._state_message(state)
            if self._page is not None:
                self._page.set_field_state(field, state.state, message)
            if state.state == SyncState.CONFLICT and state.change_id not in self._asked_conflicts:
                self._ask_conflict(teen_id, field, state)

    # --- the guardian's changes ----------------------------------------------------------------

    def change(self, teen_id: str, field: str, value: object) -> None:
        row = self.teens.row(teen_id)
        if row is None:
            return
        self._requested[(teen_id, field)] = value
        self._edits_made[teen_id] = self._edits_made.get(teen_id, 0) + 1
        self.page.set_field_state(field, SyncState.PENDING)

        def queue() -> object:
            try:
                return self.sync.queue_change(teen_id, row.age, **{field: value})
            finally:
                with self._queued_lock:
                    self._edits_queued[teen_id] = self._edits_queued.get(teen_id, 0) + 1

        def refused(exc: BaseException) -> None:
            self.reload(teen_id)  # what a read skipped while this change was queued said about the rest
            message = user_message(exc)
            if message is None:
                self.tasks.error_reporter(exc)
                return
            if kind_of(exc) is ErrorKind.REFUSED and teen_id == self.page.teen_id:
                # A rule checked here, before anything was queued: nothing to retry or undo.
                self.page.refuse_locally(field, message)
                return
            self.page.set_field_state(field, SyncState.REJECTED, message)
            self.teens.select(teen_id)  # show the value that still applies

        self.run(
            queue,
            lambda _change: self._changed(teen_id),
            on_error=refused,
            name=f"queue {field}",
        )

    def _changed(self, teen_id: str) -> None:
        self.reload(teen_id)
        self.teens.update_sync(teen_id)

    def retry(self, teen_id: str, field: str) -> None:
        """Send a refused value again (after the guardian fixed the cause, e.g. a stale age)."""
        if (teen_id, field) not in self._requested:
            return
        value = self._requested[(teen_id, field)]

        def again(states: dict[str, FieldState]) -> None:
            state = states.get(field)
            if state is not None and state.state == SyncState.REJECTED:
                self.run(partial(self.sync.dismiss, state.change_id))
            self.change(teen_id, field, value)

        self.run(partial(self.sync.field_states, teen_id), again)

    # --- conflicts -----------------------------------------------------------------------------

    def choose(self, teen_id: str, field: str) -> None:
        """The guardian asks to choose again ("Choose…" beside a setting in conflict)."""
        dialog = self.conflict_dialog
        if self._conflict_open and dialog is not None:
            dialog.raise_()
            dialog.activateWindow()
            return

        def ask(states: dict[str, FieldState]) -> None:
            state = states.get(field)
            if state is not None and state.state == SyncState.CONFLICT and teen_id == self.page.teen_id:
                self._asked_conflicts.discard(state.change_id)
                self._ask_conflict(teen_id, field, state)

        self.run(partial(self.sync.field_states, teen_id), ask, name="choose again")

    def _conflict_who(self, state: FieldState) -> tuple[str, str]:
        """Who else changed the setting, and whose the value is, by account: this guardian's own
        account (on another computer), or another account that carries this guardian's name (a
        teen's own can)."""
        return clash_who(state.by, state.by_id, self.sync.me, self.my_name)

    def _state_message(self, state: FieldState) -> str | None:
        """What the line under a setting adds to its state: why a change was refused, or who else
        changed the setting ("Jordan also changed it", by account as the question says it)."""
        if state.state == SyncState.CONFLICT:
            return f"{self._conflict_who(state)[0]} also changed it"
        return state.reason if state.state == SyncState.REJECTED else None

    def _ask_conflict(self, teen_id: str, field: str, state: FieldState) -> None:
        if self._conflict_open:
            return  # one question at a time; the next notice asks about the rest
        self._asked_conflicts.add(state.change_id)
        self._conflict_open = True
        row = self.teens.row(teen_id)
        from famguard.ui.dialogs import TAKE_THEIRS, ConflictDialog  # ~5 ms: not on a cached start's way

        who, owner = self._conflict_who(state)

        dialog = ConflictDialog(
            field,
            _typed(field, state.mine),
            _typed(field, state.theirs),
            who=who,
            owner=owner,
            when=_when(state.at),
            teen_name=row.name if row else "",
            parent=self.window,
        )

        def decided(_result: int) -> None:
            self._conflict_open = False
            page = self._page
            if page is not None and field in page.rows:
                self.window.return_focus(page.rows[field].editor)  # back at the setting it was about
            if dialog.choice is None:
                self._asked_conflicts.discard(state.change_id)  # ask again on the next notice
                if page is not None:
                    page.set_field_state(field, SyncState.CONFLICT, self._state_message(state))
                return
            keep_mine = dialog.choice != TAKE_THEIRS
            self.run(partial(self.sync.resolve_conflict, state.change_id, keep_mine), name="resolve conflict")

        dialog.finished.connect(decided)
        dialog.open()
        self.conflict_dialog = dialog


def _when(at: str | None) -> datetime | None:
    try:
        return datetime.fromisoformat(at) if at else None
    except ValueError:
        return None


def _typed(field: str, wire: object) -> object:
    """A wire value as the domain type, for describing it; the raw value if it does not parse."""
    try:
        return parse_controls_patch({field: wire})[field]
    except DomainValidationError:
        return wire
