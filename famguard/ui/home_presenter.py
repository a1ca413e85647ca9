"""Drives what the family knows about today, for every linked teen: each teen's controls (with
the guardian's unsent changes laid over them), use and requests are read from the local store
whenever a notice says it changed (the events feed brings a change, a usage report or a decision
within a second), and today is worked out here from them — so the home and the teen list never
show a limit the service no longer has (the usage report's own limit is not used: a new limit
would read stale until the next report). A temporary rule in force on the teen's day is laid over
the controls first, as the service does for the phone: during exam weeks the home counts against
the rule's 30 minutes, not the usual hour underneath.

It shows the selected teen's home, gives each teen's row in the side list its use, limit and
pending requests, and tells `on_news` about what a guardian should hear of (a new request, a teen
near today's limit, a change made elsewhere) and `on_pending` about the requests of all teens
(the inbox, the tray). A minute timer moves "locked until" and the day along."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer

from famguard.domain.control_words import control_label
from famguard.domain.controls import CONTROLS, SPECS, Controls
from famguard.domain.errors import ErrorKind, kind_of
from famguard.domain.models import TimeRequest, UsageDay
from famguard.domain.plain_text import clash_who, listed
from famguard.domain.schedule import teen_today
from famguard.domain.sync import OPEN_STATES, SyncState
from famguard.domain.temporary import in_force, with_rule
from famguard.domain.today import TeenToday, today_of
from famguard.domain.values import format_minutes
from famguard.ui.common import draw_off_screen
from famguard.ui.home import HomeFacts
from famguard.ui.presenter import FailureHandler, Presenter
from famguard.ui.tasks import TaskRunner
from famguard.ui.teen_list_presenter import TeenListPresenter

if TYPE_CHECKING:
    from typing import Protocol

    from famguard.domain.models import ActivityEntry, TemporaryRule
    from famguard.services import FamilyService, SyncEngine
    from famguard.ui.main_window import MainWindow

    class NewsSink(Protocol):
        """Where news goes: its kind (`News`), title and words, and the request it is about."""

        def __call__(self, kind: str, title: str, text: str, about: str = "", symbol: str = "") -> None: ...


TICK_MS = 30_000
# The most of a request's reason its news says: a reason of 500 emoji (the most the service takes)
# made the notice bar 13 lines high, a fifth of the window (a re-tester).
NEWS_REASON_CHARS = 140
# A change made elsewhere is told at once, then at most once in this time per teen, with every
# setting changed meanwhile: an account changing a setting twice a second (as much as the write
# budget allows; a teen's own guardian account can) made two desktop notifications a second.
CHANGED_QUIET_MS = 60_000


class News:
    """What a guardian may be told about (each switchable in Preferences)."""

    REQUEST = "request"
    UNLINKED = "unlinked"
    CHANGED = "changed"
    NEAR_LIMIT = "near_limit"
    JOINED = "guardian_joined"


@dataclass(frozen=True)
class _Inputs:
    """What today is worked out from (read from the store on a worker)."""

    controls: Controls
    usage: list[UsageDay]
    requests: list[TimeRequest]
    in_flight: frozenset[str]  # fields with a change of this guardian on its way
    rules: tuple[TemporaryRule, ...] = ()  # the teen's temporary rules, as last cached
    edits_queued: int = 0  # the controls page's changes of this teen in the outbox when it was read
    # Fields whose change waits for the guardian's choice (another guardian changed them too):
    # `controls` holds the service's value of these, which the phone keeps until the choice.
    clashing: frozenset[str] = frozenset()
    clashing_with: str = ""  # who changed them too, as the clash's question says it ("Alex")
    # Fields whose change of this guardian the service refused: shown at the service's value again.
    refused: frozenset[str] = frozenset()


class HomePresenter(Presenter):
    def __init__(
        self,
        window: MainWindow,
        tasks: TaskRunner,
        sync: SyncEngine,
        family: FamilyService,
        teens: TeenListPresenter,
        *,
        on_news: NewsSink,
        on_pending: Callable[[], None],
        on_settled: Callable[[str], None] = lambda _about: None,
        asked: Callable[[str, str], object] = lambda _teen, _field: None,
        edits_made: Callable[[str], int] = lambda _teen: 0,
        edits_queued: Callable[[str], int] = lambda _teen: 0,
        on_failure: FailureHandler | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        my_name: str = "",
    ) -> None:
        super().__init__(window, tasks, on_failure=on_failure)
        self.my_name = my_name  # the guardian's own name: another account with it is said to be one
        self.sync = sync
        self.family = family
        self.teens = teens
        self.on_news = on_news
        self.on_pending = on_pending
        self.on_settled = on_settled  # news `about` something that is no longer so goes
        self.asked = asked  # the value this guardian last asked for (teen, field), to tell theirs from mine
        # The controls page's changes of a teen made (GUI thread) and in the outbox (any thread): a
        # read made while a click had not reached the outbox cannot tell that click from another's.
        self.edits_made, self.edits_queued = edits_made, edits_queued
        self.clock = clock
        self.inputs: dict[str, _Inputs] = {}
        self._compared: dict[str, Controls] = {}  # the controls last looked at for changes made elsewhere
        self.today: dict[str, TeenToday] = {}
        self._near_told: set[tuple[str, object, str, int | None]] = set()  # (teen, day, "near"/"reached", limit)
        self._limit_told: dict[str, tuple[object, str]] = {}  # teen -> (day, what) told and still so
        self._requests_seen: set[str] = set()
        self._started: set[str] = set()  # teens read once: their first reading is not news
        self._changed_quiet: set[str] = set()  # teens told of a change elsewhere within CHANGED_QUIET_MS
        self._changed_untold: dict[str, tuple[str, list[str]]] = {}  # teen -> (name, fields) for then
        # The values a "… changed Maya's controls" told, by teen: once one is no longer so (the
        # guardian kept their own value in a clash), the news goes — "Alex changed … 40 min" stayed
        # under the page while the limit was the 2 h the guardian kept (an outside tester).
        self._changed_told: dict[str, dict[str, object]] = {}
        self.page = window.ensure_home_page()
        self.track(self.page.controls_requested, self._open_controls)
        # Drawn once off screen on a later turn, before the first teen's facts arrive to show it.
        tasks.soon(self._draw_page_off_screen)
        self._timer = QTimer(self)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._tick)
        self._timer.start()

    def close(self) -> None:
        self._timer.stop()
        super().close()

    def _draw_page_off_screen(self) -> None:
        if not self.closed:
            draw_off_screen(self.page, self.window.teen_pages.width())

    # --- TeenScreen ----------------------------------------------------------------------------

    def show(self, teen_id: str) -> None:
        """The guardian selected this teen: their home from what is known now."""
        if teen_id in self.today:
            self._show_home(teen_id)
        self.reload(teen_id)

    # --- reading -------------------------------------------------------------------------------

    def reload(self, teen_id: str) -> None:
        """The store changed for this teen (a notice): read it again and work out today."""
        self.run_latest(
            ("home", teen_id), partial(self._read, teen_id), partial(self._update, teen_id), name="home facts"
        )

    def reload_all(self) -> None:
        for teen_id in list(self.teens.rows):
            self.reload(teen_id)

    def _read(self, teen_id: str) -> _Inputs:
        """On a worker. A teen never selected on this computer has no cached controls yet: they are
        fetched once (today's limit is in them)."""
        queued = self.edits_queued(teen_id)  # before the store: a change queued after it is not in the read
        controls, states = self.sync.shown(teen_id)
        clashing = frozenset(f for f, s in states.items() if s.state == SyncState.CONFLICT)
        who = {clash_who(s.by, s.by_id, self.sync.me, self.my_name)[0] for s in states.values()
               if s.state == SyncState.CONFLICT}  # fmt: skip
        cached = self.sync.cached_controls(teen_id) if clashing else None
        if cached is not None:
            # What applies until the guardian chooses is the service's value, not theirs: the home
            # said "0 min of 3 h today — 3 h left" from a clashing 2 h while the phone kept 1 h
            # (an outside tester).
            controls = replace(controls, **{f: getattr(cached[0], f) for f in clashing})
        return _Inputs(
            controls=controls,
            usage=self.family.cached_usage(teen_id),
            requests=self.family.cached_time_requests(teen_id),
            in_flight=frozenset(f for f, s in states.items() if s.state in OPEN_STATES and f not in clashing),
            rules=tuple(self.sync.trust.cached_rules(teen_id)),
            edits_queued=queued,
            clashing=clashing,
            clashing_with=who.pop() if len(who) == 1 else "Other guardians",
            refused=frozenset(f for f, s in states.items() if s.state == SyncState.REJECTED),
        )

    def _update(self, teen_id: str, inputs: _Inputs) -> None:
        row = self.teens.row(teen_id)
        if row is None:
            return  # unlinked meanwhile
        before = self.inputs.get(teen_id)
        self.inputs[teen_id] = inputs
        first = teen_id not in self._started
        self._started.add(teen_id)
        if inputs.edits_queued >= self.edits_made(teen_id):
            # Every click of the page is in this read (on its way, or landed as asked). A read made
            # while one was not (the outbox's write on a worker) saw the guardian's previous change
            # landed and nothing on its way — its own quick changes were told back to them as
            # "changed elsewhere" — and is not compared: the next read compares against the last one
            # compared, so another guardian's change in between is still told.
            previous = self._compared.get(teen_id)
            if previous is not None:
                # A change of this guardian's refused since (its row says so) is back at the
                # service's value: not a change made elsewhere ("Maya's controls were changed
                # elsewhere" after Maya unlinked and the guardian's offline change was refused).
                refused_now = inputs.refused - (before.refused if before is not None else frozenset())
                self._changed_elsewhere(teen_id, row.name, previous, inputs.controls, inputs.in_flight | refused_now)
            self._compared[teen_id] = inputs.controls
        self._withdraw_changed_if_no_longer_so(teen_id, inputs.controls)
        self._new_requests(row.name, inputs.requests, tell=not first)
        self._work_out(teen_id)

    def _work_out(self, teen_id: str) -> None:
        inputs = self.inputs.get(teen_id)
        row = self.teens.row(teen_id)
        if inputs is None or row is None:
            return
        now = self.clock()
        in_force = self.in_force(teen_id, now)
        today = today_of(in_force or inputs.controls, inputs.usage, inputs.requests, now)
        before = self.today.get(teen_id)
        self.today[teen_id] = today
        self.teens.show_today(teen_id, today)
        if teen_id == self.teens.current:
            self._show_home(teen_id)
        self._tell_limit(teen_id, row.name, today)
        if before is None or before.pending != today.pending:
            self.on_pending()

    def _tell_limit(self, teen_id: str, name: str, today: TeenToday) -> None:
        """Near today's limit, then reached: each told once a day and limit (more time given makes
        a new limit, whose end is news again: the guardian who gave it heard nothing when it ran
        out). What was told goes once it is no longer so (the limit reached after "near", more
        time given, a new day): "Maya is near today's limit … 4 min left" stayed under the page
        while the app was locked."""
        state = "reached" if today.limit_reached else "near" if today.near_limit else ""
        told = self._limit_told.get(teen_id)
        if told == (today.day, state):
            return
        about = f"limit:{teen_id}"
        if told is not None:
            del self._limit_told[teen_id]
            self.on_settled(about)
        key = (teen_id, today.day, state, today.limit_minutes)
        if state and key not in self._near_told:
            self._near_told.add(key)
            self._limit_told[teen_id] = (today.day, state)
            self.on_news(
                News.NEAR_LIMIT,
                f"{name} has reached today's limit" if state == "reached" else f"{name} is near today's limit",
                # Not "…limit reached" again after a title that says so (a support agent).
                f"{name} has used {today.usage_words().removesuffix(' — limit reached')}.",
                about,
            )

    def in_force(self, teen_id: str, now: datetime) -> Controls | None:
        """The teen's controls with the temporary rule of the teen's day on top, or None when no
        rule is in force (or nothing is known yet)."""
        inputs, row = self.inputs.get(teen_id), self.teens.row(teen_id)
        if inputs is None or row is None:
            return None
        day = teen_today(inputs.controls.timezone, now)
        active = in_force(inputs.rules, day)
        return with_rule(inputs.controls, active.controls, row.age) if active is not None else None

    def _tick(self) -> None:
        for teen_id in list(self.inputs):
            self._work_out(teen_id)

    def _show_home(self, teen_id: str) -> None:
        inputs, today, row = self.inputs.get(teen_id), self.today.get(teen_id), self.teens.row(teen_id)
        if inputs is None or today is None or row is None:
            return
        controls = self.in_force(teen_id, self.clock()) or inputs.controls  # "the rules now": what applies
        waiting = tuple(spec.name for spec in CONTROLS if spec.name in inputs.in_flight)
        clashing = tuple(spec.name for spec in CONTROLS if spec.name in inputs.clashing)
        facts = HomeFacts(teen_id, row.name, row.age, controls, today, waiting, clashing, inputs.clashing_with)
        self.page.show_facts(facts)
        self.window.show_teen_page()

    # --- news ----------------------------------------------------------------------------------

    def _new_requests(self, name: str, requests: list[TimeRequest], *, tell: bool) -> None:
        for request in requests:
            if request.id in self._requests_seen:
                continue
            self._requests_seen.add(request.id)
            if tell and request.status.value == "pending":
                said = request.reason
                if len(said) > NEWS_REASON_CHARS:  # whole on the home and in the inbox
                    said = said[:NEWS_REASON_CHARS].rstrip() + "…"
                reason = f": “{said}”" if said else ""
                words = f"{format_minutes(request.minutes)} more today{reason}"
                self.on_news(News.REQUEST, f"{name} asks for more time", words, request.id)

    def _changed_elsewhere(
        self, teen_id: str, name: str, before: Controls, after: Controls, in_flight: frozenset[str]
    ) -> None:
        fields = [
            spec.name
            for spec in CONTROLS
            if (new := getattr(after, spec.name)) != getattr(before, spec.name)
            and spec.name not in in_flight
            and self.asked(teen_id, spec.name) != new
        ]
        if fields:
            self._tell_changed(teen_id, name, fields)

    def _tell_changed(self, teen_id: str, name: str, fields: list[str]) -> None:
        if teen_id in self._changed_quiet:
            waiting = self._changed_untold.get(teen_id, (name, []))[1]
            self._changed_untold[teen_id] = (name, waiting + [field for field in fields if field not in waiting])
            return
        self._changed_quiet.add(teen_id)
        QTimer.singleShot(CHANGED_QUIET_MS, self, partial(self._quiet_over, teen_id))

        # Who made the change is in the teen's history (by account), asked for on a worker; the
        # news waits for it, and says "elsewhere" when it cannot be told (offline, an old entry).
        def failed(exc: BaseException) -> None:
            if kind_of(exc) is ErrorKind.BUG:
                self.tasks.error_reporter(exc)
            self._say_changed(teen_id, name, fields, [])

        self.run(
            partial(self.family.refresh_activity, teen_id, 20),
            lambda entries: self._say_changed(teen_id, name, fields, entries),
            on_error=failed,
            name="who changed",
        )

    def _say_changed(self, teen_id: str, name: str, fields: list[str], entries: list[ActivityEntry]) -> None:
        """ "Jordan changed Maya's controls" — "Search: Off; Daily screen-time limit: 1 h 30 min":
        who (by account, as the history says it) and each setting's value now."""
        inputs = self.inputs.get(teen_id)
        if inputs is None or self.teens.row(teen_id) is None:  # the teen was unlinked meanwhile
            return
        from famguard.domain.activity_words import changed_by  # the history's words: not on the start's way

        people: list[str] = []
        for field in fields:
            entry = next((e for e in entries if e.kind == "controls" and e.field == field), None)
            if entry is not None and entry.actor is not None:
                person = changed_by(entry, self.sync.me, self.my_name)
                if person not in people:
                    people.append(person)
        if not people:
            title = f"{name}'s controls were changed elsewhere"
        elif people == ["you"]:
            title = f"You changed {name}'s controls on another computer"
        else:
            everyone = listed(people)
            title = f"{everyone[:1].upper()}{everyone[1:]} changed {name}'s controls"
        controls = inputs.controls
        # "Comments on Maya's videos", in a notice that names her; the value as the controls say it.
        now = "; ".join(f"{control_label(f, name)}: {SPECS[f].describe(getattr(controls, f))}" for f in fields)
        self._changed_told[teen_id] = {field: getattr(controls, field) for field in fields}
        self.on_news(News.CHANGED, title, now, f"changed:{teen_id}")

    def _withdraw_changed_if_no_longer_so(self, teen_id: str, controls: Controls) -> None:
        told = self._changed_told.get(teen_id)
        if told is not None and any(getattr(controls, field) != value for field, value in told.items()):
            del self._changed_told[teen_id]
            self.on_settled(f"changed:{teen_id}")

    def _quiet_over(self, teen_id: str) -> None:
        self._changed_quiet.discard(teen_id)
        untold = self._changed_untold.pop(teen_id, None)
        if untold is not None and not self.closed:
            self._tell_changed(teen_id, *untold)

    def _open_controls(self) -> None:
        from famguard.ui.main_window import CONTROLS_PAGE

        self.window.show_page(CONTROLS_PAGE)

    # --- for the inbox -------------------------------------------------------------------------

    def pending(self) -> list[tuple[str, TimeRequest]]:
        """Every teen's waiting requests, oldest first: (teen's name, request)."""
        waiting: list[tuple[str, TimeRequest]] = []
        for teen_id, today in self.today.items():
            row = self.teens.row(teen_id)
            if row is not None:
                waiting.extend((row.name, request) for request in today.pending)
        return sorted(waiting, key=lambda item: item[1].created_at)

    def timezone(self, teen_id: str) -> str:
        today = self.today.get(teen_id)
        return today.timezone if today else "UTC"

    def forget(self, teen_id: str) -> None:
        self.inputs.pop(teen_id, None)
        self._compared.pop(teen_id, None)
        if self.today.pop(teen_id, None) is not None:
            self.on_pending()
