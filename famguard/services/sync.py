"""SyncEngine: how a guardian's change reliably reaches the teen.

Flow: `queue_change` writes an outbox row in one transaction (state "pending", visible at once);
the sender sends each teen's rows in order with If-Match and the row's Idempotency-Key; the server's
reply updates the cache and confirms the row. A field someone else changed in the meantime (seen
through a 412, or already in the cache) is a conflict when it is the same field, and a silent
rebase when it is not. Permanent refusals mark the row rejected with the server's reason; network
trouble keeps it pending for the next attempt, with the same key so nothing applies twice.

Changes made elsewhere arrive through the events long-poll (or, if the service has no events,
conditional GETs every 30 s); the engine refreshes the cache before it notifies, so a notice
always means "re-read the cache", never "go and fetch". Every method blocks: call them from a
worker thread. `start()` runs the sender and the puller on two daemon threads of their own;
`stop()` ends them."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from functools import partial
from typing import TYPE_CHECKING, Any

from famguard.api import errors as e
from famguard.domain.age import TEEN_MIN_AGE
from famguard.domain.controls import (
    CONTROL_FIELDS,
    SPECS,
    Controls,
    QuietHours,
    TimeAwayBlock,
    controls_from_json,
    controls_to_json,
    option_restriction,
    parse_controls_patch,
    time_away_block_to_json,
)
from famguard.domain.errors import DomainValidationError
from famguard.domain.sync import OPEN_STATES, SyncState
from famguard.services.events import Listener, NoticeKind, Notifier
from famguard.services.family import FamilyService
from famguard.services.trust import TrustService
from famguard.store import AccountStore, OutboxChange

log = logging.getLogger(__name__)

CURSOR_KEY = "event_cursor"
POLL_INTERVAL = 30.0  # seconds between conditional GETs when the service has no events
EVENTS_WAIT = 25  # seconds a long-poll may wait for news
MAX_REBASES = 3  # 412s in a row for one change before it waits for the next round
# Events that add history entries (the history screen shows them as they happen), and how many
# of the newest entries to fetch on each: more than one event's worth, fewer than a page.
HISTORY_EVENTS = frozenset(
    {
        "controls_changed",
        "time_requested",
        "time_request_decided",
        "pairing_confirmed",
        "link_ended",
        "link_ending",
        "teen_turned_16",
        "temporary_rule_created",
        "temporary_rule_changed",
        "temporary_rule_started",
        "temporary_rule_ended",
        "temporary_rule_removed",
    }
)  # the events whose change is also an entry of the teen's history

# Events that change the accounts waiting for a guardian's answer to join a teen.
GUARDIAN_REQUEST_EVENTS = frozenset(
    {"pairing_approval_requested", "pairing_refused", "pairing_cancelled", "pairing_confirmed"}
)

if TYPE_CHECKING:  # the client imports requests (~100 ms): made on a worker when first needed
    from famguard.api import ApiClient, Versioned
    from famguard.domain.models import Event
HISTORY_FETCH = 50
# At most this long between attempts to reach the events feed again: once the service is back
# (a restart), a usage report or a request must not wait half a minute to be seen.
PULL_RETRY_MAX = 5.0


JsonValue = object  # a control's value in wire (JSON) form; the domain's parser gives it a type
# Controls in wire form. Any, because JSON is recursive and untyped until the domain parses it.
Wire = dict[str, Any]


class _Outcome(Enum):
    """How sending one change ended, for the loop over a teen's changes."""

    SAVED = "saved"
    CONFLICT = "conflict"
    REJECTED = "rejected"
    RETRY_LATER = "retry_later"  # still pending; the next round sends it
    GONE = "gone"  # undone meanwhile
    STOP = "stop"  # the service cannot be reached (or the sign-in ended): stop this round


@dataclass(frozen=True)
class FieldState:
    """The sync state of one control of one teen, for the UI's per-field badge. For a conflict,
    `mine` and `theirs` are the two values (wire form) and `by`/`at` say who changed it, when
    known."""

    state: SyncState
    change_id: int
    reason: str | None = None
    mine: JsonValue = None
    theirs: JsonValue = None
    by: str | None = None
    at: str | None = None
    by_id: str | None = None  # the account, when known: another account can carry this guardian's name


@dataclass(frozen=True)
class SyncStatus:
    """The sync engine's state: online or not, changes not sent yet, a pause and the last error."""

    online: bool
    unsent: int
    paused_until: datetime | None
    last_error: str | None
    # Not online because the service answered with a failure or a reply FamGuard cannot read (a
    # 500, a cut-off or malformed answer), or because nothing answers any more where it answered
    # before (it has stopped or is restarting), not because the connection is down: telling the
    # parent "You are offline" then sent them to check a connection that was fine.
    service_problem: bool = False


class SyncEngine:
    """Outbox sender and change puller of one signed-in account. Thread-safe."""

    def __init__(
        self,
        api: ApiClient,
        store: AccountStore,
        *,
        notifier: Notifier | None = None,
        poll_interval: float = POLL_INTERVAL,
        events_wait: int = EVENTS_WAIT,
        me: str | None = None,
    ) -> None:
        self.api = api
        self.me = me  # this guardian's account id: another account's link with a teen is news
        self._joined: list[tuple[str, str]] = []  # (teen id, name) of guardians who joined, untold
        self._left: list[tuple[str, str]] = []  # (teen id, name) of other guardians no longer linked, untold
        # This computer began following the events at this sign-in: what was asked of the guardian
        # before it (a question to join a teen's guardians) is not among the events to come.
        self.first_follow = False
        self._joined_lock = threading.Lock()  # never held across I/O: the GUI thread takes the list
        self.poll_interval = poll_interval
        self.events_wait = events_wait
        self.store = store
        self.notifier = notifier or Notifier()
        # The family's lists, receipts and rules follow the events too; one service each, so that
        # the engine's answers and the screens' answers are ordered in one place (LastAskedWins).
        self.family = FamilyService(api, store, self.notifier)
        self.trust = TrustService(api, store, self.notifier)
        self._send_lock = threading.Lock()  # one sender at a time keeps each teen's order
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._online = True
        self._paused_until: datetime | None = None
        self._last_error: str | None = None
        self._service_problem = False
        self.events_available = True
        self.store.recover_interrupted()  # a previous run died mid-send: those rows go out again
        self.store.prune_finished()  # a store of an older FamGuard may hold every change ever saved

    # --- observing ---------------------------------------------------------------------------

    def add_listener(self, callback: Listener) -> None:
        """`callback(Notice)` after every state change, on the engine's thread (bridge it to Qt)."""
        self.notifier.add_listener(callback)

    def remove_listener(self, callback: Listener) -> None:
        self.notifier.remove_listener(callback)

    def status(self) -> SyncStatus:
        return SyncStatus(
            self._online, self.store.unsent_count(), self._paused_until, self._last_error, self._service_problem
        )

    def wait_sent(self, timeout: float) -> None:
        """Wait up to `timeout` seconds while changes are on their way to a service that answers.
        Quitting and signing out count what has not reached it: a change made a moment before,
        online, was counted and asked about milliseconds before it arrived. Returns at once when
        offline, paused or when nothing is on its way (a conflict waits for the guardian)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self._online or self._paused_until is not None or self.store.on_its_way_count() == 0:
                return
            time.sleep(0.02)

    def _set_online(self, online: bool, error: e.ApiError | None = None) -> None:
        message = error.message if error is not None else None
        service_problem = error is not None and e.service_problem(error)
        changed = online != self._online or message != self._last_error or service_problem != self._service_problem
        self._online, self._last_error, self._service_problem = online, message, service_problem
        if online and self._paused_until is not None and self._paused_until <= datetime.now(self._paused_until.tzinfo):
            # A pause the service asked for lasts its time, whatever else it answers meanwhile (the
            # events poll coming back cleared it, and the sender asked again at once: 429 again).
            self._paused_until = None
        if changed:
            self.notifier.notify(NoticeKind.STATUS)

    # --- what the guardian sees ----------------------------------------------------------------

    def _cached(self, teen_id: str) -> tuple[Wire, str, bool] | None:
        """The cached wire form and ETag, and whether it had every control: one cached by an
        older app lacks the newer ones, which read as their defaults for the teen's age."""
        cached = self.store.controls(teen_id)
        if cached is None:
            return None
        wire, etag = cached
        if set(CONTROL_FIELDS) <= set(wire):
            return wire, etag, True
        cached_teen = self.store.teen(teen_id)
        age = cached_teen.age if cached_teen is not None else TEEN_MIN_AGE
        return controls_to_json(controls_from_json(wire, age)), etag, False

    def cached_controls(self, teen_id: str) -> tuple[Controls, str] | None:
        """The server's last known controls and ETag (without unsent changes)."""
        cached = self._cached(teen_id)
        return None if cached is None else (controls_from_json(cached[0]), cached[1])

    def displayed_controls(self, teen_id: str) -> Controls | None:
        """What the guardian should see: the cache with every unsent change laid over it."""
        wire = self._displayed_wire(teen_id)
        return None if wire is None else controls_from_json(wire)

    def shown(self, teen_id: str) -> tuple[Controls, dict[str, FieldState]]:
        """On a worker: `displayed_controls` and `field_states` as of one moment (one read of the
        outbox serves both), the controls fetched first when none are cached yet."""
        if self.store.controls(teen_id) is None:
            self.refresh_controls(teen_id)
        with self.store.one_moment():
            cached = self._cached(teen_id)
            changes = self.store.changes(teen_id)
        if cached is None:
            # Fetched just above, and dropped since with the teen, no longer linked (the list's
            # read, `AccountStore.replace_teens`): told as the service tells it. It was an
            # `assert`, and a teen unlinking as the page read it reported a bug (a CI run).
            raise e.NotFound("That teen is no longer linked to you.", code="not_found")
        opened = [change for change in changes if change.state in OPEN_STATES]
        return controls_from_json(_laid_over(cached[0], opened)), _states_of(changes)

    def _displayed_wire(self, teen_id: str) -> Wire | None:
        # The cache and the outbox as of one moment: read apart, a change confirmed in between
        # was in neither (its value only in the newer cache, its row no longer open), and the
        # controls page put the old daily limit back beside "✓ saved" (a CI run caught it).
        with self.store.one_moment():
            cached = self._cached(teen_id)
            if cached is None:
                return None
            return _laid_over(cached[0], self.store.changes(teen_id, OPEN_STATES))

    def field_states(self, teen_id: str) -> dict[str, FieldState]:
        """Per control: the state of the latest change that touched it (fields never changed
        here are absent). Reads the teen's outbox rows, which pruning keeps to about one per
        setting plus the open ones."""
        return _states_of(self.store.changes(teen_id))

    # --- the guardian's intents ----------------------------------------------------------------

    def queue_change(self, teen_id: str, age: int | None = None, **changes: object) -> OutboxChange | None:
        """Queue a change of some controls, e.g. `queue_change(teen_id, 14, comments=Audience.NO_ONE)`.

        Values may be typed domain values (Audience, TimeAwayBlock, QuietHours, tuples) or their
        JSON form ("no_one", lists, dicts). Checked at once with the domain's rules (and the age
        rules when `age` is given): DomainValidationError names each bad field and nothing is
        queued. Needs the teen's controls in the cache (`refresh_controls` first). Returns the
        outbox row (None if the edit cancelled an unsent one out) and wakes the sender."""
        displayed = self._displayed_wire(teen_id)
        if displayed is None:
            raise DomainValidationError({"controls": "Load the teen's controls before changing them."})
        typed = parse_controls_patch({name: _to_wire(value) for name, value in changes.items()})
        merged = controls_from_json(displayed).replace(**typed)
        if age is not None:
            problems = {n: r for n in typed if (r := option_restriction(n, getattr(merged, n), age))}
            if problems:
                raise DomainValidationError(problems)
        canonical = controls_to_json(merged)  # e.g. keywords de-duplicated, weekdays in order
        wire = {name: canonical[name] for name in typed}
        base = {name: displayed[name] for name in wire}
        if self._settled_by(teen_id, wire, base):
            wire = {name: value for name, value in wire.items() if base[name] != value}
            if not wire:  # the other guardian's value chosen: nothing more to send
                self.notifier.notify(NoticeKind.OUTBOX, teen_id)
                self._wake.set()
                return None
        return self._queue_wire(teen_id, wire, base)

    def _settled_by(self, teen_id: str, wire: Wire, base: dict[str, object]) -> bool:
        """A new value for a setting in conflict is the guardian's choice between the two: the
        conflicted change gives that setting up (its other settings go out, as after "Take
        theirs"), and the new value is sent over the other guardian's, knowingly (`base` becomes
        theirs). Before, it waited behind the conflict for good, "saving…", when the question
        had been put away with Escape (an outside tester). A conflict of several settings that
        the new value does not all settle keeps waiting for its question."""
        settled = False
        for change in self.store.changes(teen_id, (SyncState.CONFLICT,)):
            conflict = change.conflict or {}
            if not conflict or not set(conflict) <= set(wire):
                continue
            fields, kept = dict(change.fields), dict(change.base_values)
            for name, both in conflict.items():
                base[name] = both.get("theirs")
                fields.pop(name, None)
                kept.pop(name, None)
            self.store.rebase_change(change.id, fields, kept)
            settled = True
        return settled

    def _queue_wire(self, teen_id: str, wire: Wire, base: Wire) -> OutboxChange | None:
        cached = self.store.controls(teen_id)
        change = self.store.queue_change(teen_id, wire, base, cached[1] if cached else None)
        self.notifier.notify(NoticeKind.OUTBOX, teen_id)
        self._wake.set()
        return change

    def resolve_conflict(self, change_id: int, keep_mine: bool) -> None:
        """keep_mine: send my values over theirs (now knowingly). Otherwise drop my conflicting
        fields and keep the other guardian's; the row's other fields still go out."""
        change = self.store.change(change_id)
        if change is None or change.state != SyncState.CONFLICT or not change.conflict:
            return
        fields, base = dict(change.fields), dict(change.base_values)
        for name, both in change.conflict.items():
            if keep_mine:
                base[name] = both.get("theirs")
            else:
                fields.pop(name, None)
                base.pop(name, None)
        self.store.rebase_change(change_id, fields, base)
        self.notifier.notify(NoticeKind.OUTBOX, change.teen_id)
        self._wake.set()

    def dismiss(self, change_id: int) -> None:
        """Forget a rejected change once the guardian has seen why."""
        change = self.store.change(change_id)
        if change is not None and change.state == SyncState.REJECTED:
            self.store.rebase_change(change_id, {}, {})
            self.notifier.notify(NoticeKind.OUTBOX, change.teen_id)

    # --- sending -------------------------------------------------------------------------------

    def send_pending(self) -> int:
        """Send every sendable change, each teen's in order; returns how many were confirmed.
        Stops early (changes stay pending) when the service cannot be reached."""
        confirmed = 0
        with self._send_lock:
            # Under the send lock a row still 'sending' is left over from an attempt that died
            # (an unexpected error): it goes again, with its key, like a pending one.
            sendable = (SyncState.PENDING, SyncState.SENDING)
            teens = list(dict.fromkeys(c.teen_id for c in self.store.changes(states=sendable)))
            for teen_id in teens:
                blocked: set[str] = set()
                for change in self.store.changes(teen_id, OPEN_STATES):
                    if change.state == SyncState.CONFLICT or blocked & set(change.fields):
                        blocked |= set(change.fields)  # a later edit of a conflicted field waits for it
                        continue
                    outcome = self._send_one(change)
                    if outcome is _Outcome.SAVED:
                        confirmed += 1
                    elif outcome is _Outcome.STOP:
                        return confirmed
                    elif outcome is _Outcome.CONFLICT:
                        blocked |= set(change.fields)
        return confirmed

    def _current(self, teen_id: str) -> tuple[Wire, str]:
        cached = self._cached(teen_id)
        if cached is not None:
            return cached[0], cached[1]
        fresh = self._fetch(teen_id)
        current = (controls_to_json(fresh.controls), fresh.etag)
        self.store.save_answer(teen_id, *current, asked_with=None)
        return current

    def _fetch(self, teen_id: str) -> Versioned:
        fresh = self.api.get_controls(teen_id)
        assert fresh is not None  # no ETag sent means no 304
        return fresh

    def _send_one(self, listed: OutboxChange) -> _Outcome:
        teen = listed.teen_id
        change = listed
        try:
            for _ in range(MAX_REBASES):
                current, etag = self._current(teen)
                claimed = self.store.claim(listed.id)  # what is sent is the row as it is now
                if claimed is None:
                    return _Outcome.GONE
                change = claimed
                overlap = {
                    n: v
                    for n, v in change.fields.items()
                    if current.get(n) != change.base_values.get(n) and current.get(n) != v
                }
                if overlap:
                    self._mark_conflict(change, current, overlap)
                    return _Outcome.CONFLICT
                self.store.mark_sending(change.id)
                self.notifier.notify(NoticeKind.OUTBOX, teen)
                try:
                    result = self.api.patch_controls(
                        teen, change.fields, if_match=etag, idempotency_key=change.idempotency_key
                    )
                except e.PreconditionFailed:
                    fresh = self._fetch(teen)  # someone else changed it: look, then decide
                    self.store.save_answer(teen, controls_to_json(fresh.controls), fresh.etag, asked_with=etag)
                    self.notifier.notify(NoticeKind.CONTROLS, teen)
                    continue
                self.store.mark_confirmed(change.id, teen, controls_to_json(result.controls), result.etag, etag)
                self._paused_until = None  # the service took a change: whatever pause it asked for is over
                self._set_online(True)
                self.notifier.notify(NoticeKind.OUTBOX, teen)
                self.notifier.notify(NoticeKind.CONTROLS, teen)
                return _Outcome.SAVED
            self.store.mark_pending(change.id, "Changed by someone else several times in a row; trying again soon.")
            self.notifier.notify(NoticeKind.OUTBOX, teen)
            return _Outcome.RETRY_LATER
        except e.Conflict as exc:
            if exc.code == "idempotency_in_progress":
                # The key is held by a claim an older service left (its request died with its
                # process; the service frees it after a minute): the change is on its way, and
                # neither the connection nor the service is at fault.
                return self._keep_pending(change, None)
            return self._reject(change, exc)
        except (e.ValidationFailed, e.Forbidden, e.NotFound, e.Gone) as exc:
            return self._reject(change, exc)
        except e.RateLimited as exc:
            self._paused_until = exc.retry_at
            if exc.retry_at is not None:
                until = f"{exc.retry_at.astimezone():%H:%M}"
                exc = e.RateLimited(
                    f"Sync paused until {until}: the service asked FamGuard to wait. Your changes are kept "
                    "and sent then.",
                    exc.retry_at,
                )
            return self._keep_pending(change, exc)
        except e.SignedOut:
            self._keep_pending(change, None)
            self.notifier.notify(NoticeKind.SIGNED_OUT)
            return _Outcome.STOP
        except e.ApiError as exc:  # network, timeout, server or protocol trouble: try again later
            return self._keep_pending(change, exc)

    def _keep_pending(self, change: OutboxChange, exc: e.ApiError | None) -> _Outcome:
        self.store.mark_pending(change.id, exc.message if exc else None)
        if exc is not None:
            self._set_online(False, exc)
        self.notifier.notify(NoticeKind.OUTBOX, change.teen_id)
        return _Outcome.STOP

    def _reject(self, change: OutboxChange, exc: e.ApiError) -> _Outcome:
        reason = exc.message
        if isinstance(exc, e.ValidationFailed) and exc.fields:
            reason = " ".join(exc.fields.values())
        self.store.mark_rejected(change.id, reason)
        self.notifier.notify(NoticeKind.OUTBOX, change.teen_id)
        if isinstance(exc, e.NotFound | e.Forbidden | e.Gone) and self.store.set_aside_unlinked():
            # Its teen went from the list while it was on its way: told with the others.
            self.notifier.notify(NoticeKind.NOT_APPLIED)
        return _Outcome.REJECTED

    def _mark_conflict(self, change: OutboxChange, current: Wire, overlap: Wire) -> None:
        who: dict[str, dict[str, str | None]] = {}  # field -> its last change's by, at, by_id
        try:
            for entry in self.api.activity(change.teen_id, limit=50):
                if entry.kind == "controls" and entry.field in overlap and entry.field not in who:
                    actor = entry.actor
                    who[entry.field] = {"by": actor.display_name if actor else None, "at": entry.at.isoformat(),
                                        "by_id": actor.id if actor else None}  # fmt: skip
        except e.ApiError:
            pass  # who and when are a courtesy; the conflict itself is what matters
        unknown = {"by": None, "at": None, "by_id": None}
        conflict = {
            name: {"mine": mine, "theirs": current.get(name), **who.get(name, unknown)}
            for name, mine in overlap.items()
        }
        # The settings as the guardian reads them ("daily_limit_minutes" was said); who changed
        # them is the screens' to say, from `conflict` (by account: a name alone can mislead).
        labels = ", ".join(f"“{SPECS[name].label}”" if name in SPECS else name for name in overlap)
        self.store.mark_conflict(change.id, conflict, f"Also changed elsewhere: {labels}. Choose which value to keep.")
        self.notifier.notify(NoticeKind.OUTBOX, change.teen_id)

    # --- pulling -------------------------------------------------------------------------------

    def refresh_controls(self, teen_id: str) -> Controls:
        """Fetch the teen's controls if they changed (If-None-Match) and cache them."""
        cached = self._cached(teen_id)
        # A cache from an older app lacks its newer controls: ask for the whole body again.
        fresh = self.api.get_controls(teen_id, if_none_match=cached[1] if cached and cached[2] else None)
        asked_with = cached[1] if cached else None
        if fresh is not None and self.store.save_answer(
            teen_id, controls_to_json(fresh.controls), fresh.etag, asked_with
        ):
            self.notifier.notify(NoticeKind.CONTROLS, teen_id)
            self._wake.set()  # a waiting change may now be sendable, or a conflict
            return fresh.controls
        # Unchanged (304), or a later version was cached while this answer travelled.
        now = self.cached_controls(teen_id)
        assert now is not None  # no ETag sent means no 304
        return now[0]

    def take_cursor(self) -> None:
        """Where this computer starts following the events, if it has no place yet. Taken at
        sign-in, before the family's first reads: taken by the first poll instead (which runs
        beside those reads), a change made elsewhere between a read and that poll came before the
        cursor, and its event was never handled."""
        if self.store.get_meta(CURSOR_KEY) is None:
            self.store.set_meta(CURSOR_KEY, self.api.events().cursor)
            self.first_follow = True

    def pull_once(self, wait: int = 0) -> int:
        """One events call (blocking up to `wait` s); updates the cache; returns events handled."""
        cursor = self.store.get_meta(CURSOR_KEY)
        if cursor is None:
            cursor = self.api.events().cursor
            self.store.set_meta(CURSOR_KEY, cursor)
        events, new_cursor, missed = self.api.events(after=cursor, wait=wait)
        if self._stop.is_set():
            return 0  # stopped during the long-poll: the store may be closed already
        self._set_online(True)
        done: set[tuple[str, str | None]] = set()  # the refreshes this batch has made
        if missed and not self._read_everything_again(done):
            return 0  # stopped part way: the cursor stays, and the next start reads everything again
        for event in events:
            try:
                self._handle(event, done)
            except (e.NotFound, e.Forbidden, e.Gone):
                # That teen was unlinked since (its own link_ended event is in this batch or the
                # next): skip the event rather than stop here, or every later event would be lost.
                log.info("Skipped a %s event of a teen no longer linked", event.type)
        self.store.set_meta(CURSOR_KEY, new_cursor)
        return len(events)

    def _read_everything_again(self, done: set[tuple[str, str | None]]) -> bool:
        """The service has deleted events after this cursor (it keeps them 30 days: an app that
        was not running, or offline, for longer): what they said is read again — the teens, then
        each teen's controls, usage, requests, phone, rules and history — as their events would
        have had it, each once in this batch. False when the engine was stopped part way (a
        family of 50 teens is ~300 reads)."""
        log.info("Events after this computer's cursor were deleted on the service: reading everything again")
        done.add(("teens", None))
        teens = self.family.refresh_teens()
        for teen in teens:
            for kind, refresh in (
                ("controls", self.refresh_controls),
                ("usage", self.family.refresh_usage),
                ("time_requests", self.family.refresh_time_requests),
                ("rules", self.trust.refresh_rules),
                ("phone", self.trust.refresh_phone),
                ("history", self._refresh_history),
            ):
                if self._stop.is_set():
                    return False
                try:
                    _once(done, kind, teen.id, partial(refresh, teen.id))
                except (e.NotFound, e.Forbidden, e.Gone):
                    log.info("Skipped a teen no longer linked while reading everything again")
                    break
        return True

    def _refresh_history(self, teen_id: str) -> None:
        """The change history's newest entries (an open history shows them within a second)."""
        self.store.add_activity(self.api.activity(teen_id, limit=HISTORY_FETCH))
        self.notifier.notify(NoticeKind.ACTIVITY, teen_id)

    def _handle(self, event: Event, done: set[tuple[str, str | None]]) -> None:
        """Bring the part of the cache an event is about up to date, then notify. Each refresh
        reads what the service has now, which already includes every later event of the batch:
        it is made once per batch (`done`), so a burst of events (a phone's usage reports, a
        guardian's many changes) costs one read per teen and kind, not one per event."""
        teen = event.teen_id
        t = teen or ""  # for the refreshes below, each made only for an event about a teen

        def once(kind: str, refresh: Callable[[], object], about: str | None = teen) -> None:
            _once(done, kind, about, refresh)

        if event.type == "controls_changed" and teen:
            cached = self.store.controls(teen)
            if cached is None or cached[1] != event.data.get("etag"):
                once("controls", lambda: self.refresh_controls(t))
            once("phone", lambda: self.trust.refresh_phone(t))  # the phone has not applied the change yet
            once("usage", lambda: self.family.refresh_usage(t))  # each day's limit, as the chart draws it
        elif event.type in ("pairing_confirmed", "link_ended", "teen_turned_16"):  # the teen's age is in the list
            once("teens", self.family.refresh_teens, None)
            if event.type != "teen_turned_16" and teen and self.store.teen(teen) is not None:
                # A link ended and made again while the app was closed (both in this batch): the teen
                # never left the list, so the controls, phone and rules cached under the old link
                # stayed ("Limit: 40 min", "✓ On Maya's phone" while the service had 2 h: a re-tester).
                once("controls", lambda: self.refresh_controls(t))
                once("phone", lambda: self.trust.refresh_phone(t))
                once("rules", lambda: self.trust.refresh_rules(t))
            if event.type == "pairing_confirmed" and teen and self._joined_by_another(event.data):
                with self._joined_lock:
                    self._joined.append((teen, str(event.data.get("guardian") or "")))
                self.notifier.notify(NoticeKind.GUARDIAN_JOINED, teen)
            if event.type == "link_ended" and teen:
                self._another_left(teen, event.data, done)
        elif event.type.startswith("pairing_"):
            self.notifier.notify(NoticeKind.PAIRING, teen)  # this guardian's own pairing may have moved on
        elif event.type.startswith("time_request") and teen:
            once("time_requests", lambda: self.family.refresh_time_requests(t))
            once("usage", lambda: self.family.refresh_usage(t))  # an approval raises that day's limit
        elif event.type == "usage_reported" and teen:
            once("usage", lambda: self.family.refresh_usage(t))
        elif event.type == "link_ending" and teen:
            once("phone", lambda: self.trust.refresh_phone(t))  # the receipt carries the date the link ends
        elif event.type == "controls_applied" and teen:
            once("phone", lambda: self.trust.refresh_phone(t))  # the delivery receipt moved on
        elif event.type.startswith("temporary_rule_") and teen:
            # A rule changes what the phone must apply (its ETag): both the rules and the receipt.
            once("rules", lambda: self.trust.refresh_rules(t))
            once("phone", lambda: self.trust.refresh_phone(t))
            once("usage", lambda: self.family.refresh_usage(t))  # a rule's limit replaces the usual one on its days
        if teen and event.type in GUARDIAN_REQUEST_EVENTS and self.store.teen(teen) is not None:
            # Asked of this guardian, or answered or called off: the teen's waiting requests (a
            # guardian not linked with the teen — the one who asked — has none to read).
            once("guardian requests", lambda: self.family.refresh_guardian_requests(t))
        if teen and event.type in HISTORY_EVENTS:
            once("history", lambda: self._refresh_history(t))

    def _joined_by_another(self, data: Mapping[str, object]) -> bool:
        """Whether a confirmed pairing made another account a guardian of the teen (told by the
        account: a teen's own guardian account may carry this guardian's name). A service that does
        not name the account tells nothing here."""
        joined = data.get("guardian_id")
        return isinstance(joined, str) and self.me is not None and joined != self.me and data.get("new_link") is True

    def _another_left(self, teen_id: str, data: Mapping[str, object], done: set[tuple[str, str | None]]) -> None:
        """Another guardian's link with a teen still linked here ended: who manages the teen is
        read again, and who left is told (`take_left`). The home's "Guardians:" line kept the
        one who had left, until a restart, and nobody was told (an outside tester)."""
        listed = data.get("guardians")
        ended = [g for g in listed if isinstance(g, str)] if isinstance(listed, list) else []
        others = [g for g in ended if g != self.me]
        if not others or self.me in ended or self.store.teen(teen_id) is None:
            return
        names = {g.id: g.display_name for g in self.family.cached_guardians(teen_id)}
        _once(done, "guardians", teen_id, partial(self.family.refresh_guardians, teen_id))
        with self._joined_lock:
            self._left.extend((teen_id, names.get(g, "")) for g in others)
        self.notifier.notify(NoticeKind.GUARDIAN_LEFT, teen_id)

    def take_left(self) -> list[tuple[str, str]]:
        """The other guardians no longer linked with a teen since the last call: (teen id, their
        name as last known here, "" when it was not), oldest first."""
        with self._joined_lock:
            left, self._left = self._left, []
        return left

    def take_joined(self) -> list[tuple[str, str]]:
        """The guardians who joined a teen since the last call: (teen id, their name), oldest first."""
        with self._joined_lock:
            joined, self._joined = self._joined, []
        return joined

    def poll_controls(self) -> None:
        """The fallback without events: a conditional GET of every cached teen's controls."""
        for teen in self.store.teens():
            self.refresh_controls(teen.id)

    # --- background threads --------------------------------------------------------------------

    def start(self) -> None:
        """Run the sender and the puller on daemon threads until `stop()`."""
        if self._threads:
            return
        self._stop.clear()
        for target, name in ((self._sender_loop, "famguard-sync-send"), (self._puller_loop, "famguard-sync-pull")):
            thread = threading.Thread(target=target, name=name, daemon=True)
            thread.start()
            self._threads.append(thread)

    def stop(self, timeout: float = 1.0) -> None:
        """Ask both threads to end and wait up to `timeout` for each. A long-poll in flight cannot
        be interrupted: its (daemon) thread ends when the poll returns, touching nothing more."""
        self._stop.set()
        self._wake.set()
        for thread in self._threads:
            thread.join(timeout)
        self._threads = []

    def wake(self) -> None:
        """Send now (for example after the network came back)."""
        self._wake.set()

    def check_reachable(self) -> bool:
        """Ask the service now whether it answers, and let the status follow (a screen's own call
        just could not reach it, which the engine's threads may not have met: a one-off failure
        kept "You are offline" up while every sync went through). Blocks: a worker's call."""
        try:
            self.api.health()
        except e.ApiError as exc:
            self._set_online(False, exc)
            return False
        self._set_online(True)
        self.wake()  # what waited for the service goes now
        return True

    def _sender_loop(self) -> None:
        delay = 1.0
        while not self._stop.is_set():
            self._wake.clear()
            try:
                self.send_pending()
            except Exception:  # noqa: BLE001 - keep syncing; the error is visible on the rows
                if self._stop.is_set():
                    return  # the store closed under a send in flight (see below)
                log.exception("Sending changes failed")
            if self._stop.is_set():
                # `stop()` waits a second for a send in flight, then the session closes the store.
                # A reply landing after that is not recorded: the change is still unconfirmed in
                # the store and the next start sends it again with the same key, which the
                # service answers without applying it twice.
                return
            unsent = self.store.changes(states=(SyncState.PENDING,))
            delay = 1.0 if self._online or not unsent else min(30.0, delay * 2)
            if self._paused_until is not None:
                delay = max(delay, (self._paused_until - datetime.now(self._paused_until.tzinfo)).total_seconds())
            self._wake.wait(delay if unsent else 60.0)

    def _puller_loop(self) -> None:
        failures = 0
        while not self._stop.is_set():
            try:
                if self.events_available:
                    self.pull_once(wait=self.events_wait)
                else:
                    self.poll_controls()
                    self._stop.wait(self.poll_interval)
                if failures:
                    self._wake.set()  # back online: send what waited
                failures = 0
            except (e.NotFound, e.Forbidden):
                self.events_available = False  # a service without events: poll instead
            except e.SignedOut:
                self.notifier.notify(NoticeKind.SIGNED_OUT)
                return
            except e.ApiError as exc:
                failures += 1
                self._set_online(False, exc)
                self._stop.wait(min(PULL_RETRY_MAX, 2.0**failures))
            except Exception:  # noqa: BLE001 - keep pulling
                log.exception("Pulling changes failed")
                self._stop.wait(5.0)


def _to_wire(value: object) -> object:
    """The JSON form of a typed control value (JSON-form values pass through unchanged)."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, TimeAwayBlock):
        return time_away_block_to_json(value)
    if isinstance(value, QuietHours):
        return {"start": value.start, "end": value.end}
    if isinstance(value, tuple | list):
        return [_to_wire(item) for item in value]
    if isinstance(value, Mapping):
        return {key: _to_wire(item) for key, item in value.items()}
    return value


def _once(done: set[tuple[str, str | None]], kind: str, about: str | None, refresh: Callable[[], object]) -> None:
    """`refresh` (of `kind`, about a teen or None), unless this batch of events has made it: each
    refresh reads what the service has now, so once per batch is enough (`done` holds the batch's)."""
    if (kind, about) not in done:
        done.add((kind, about))
        refresh()


def _laid_over(cached: Wire, opened: list[OutboxChange]) -> Wire:
    """The cached wire form with the open changes laid over it, in the order they were made."""
    wire = dict(cached)
    for change in opened:
        wire.update(change.fields)
    return wire


def _states_of(changes: list[OutboxChange]) -> dict[str, FieldState]:
    """Per control, the state of the latest of `changes` (in queue order) that touched it."""
    states: dict[str, FieldState] = {}
    for change in changes:
        for name in change.fields:
            if change.state == SyncState.CONFLICT and change.conflict and name in change.conflict:
                c = change.conflict[name]
                states[name] = FieldState(
                    change.state, change.id, change.last_error, c.get("mine"), c.get("theirs"), c.get("by"),
                    c.get("at"), c.get("by_id"),
                )  # fmt: skip
            else:
                states[name] = FieldState(change.state, change.id, change.last_error)
    return states
