"""How long the service keeps events — the feed a client's long poll reads to learn that something
changed (a change, a usage report, a request, a receipt: one row per event and one per recipient)
— and their deletion. The change history (the activity table) is not touched: it is the family's
record and is kept.

Events older than `EVENT_RETENTION` are deleted, except each account's newest: an account numbers
its events 1, 2, 3… from its newest (statements.py), so that one stays until a newer one comes. A
client whose cursor is older than what is kept is told so (`missed` in the events answer,
routes_family.missed_before) and reads everything again.

Nothing runs on a clock: after a commit that wrote events, the event hub calls `due()`, which at
most once an hour per process starts a short-lived thread that deletes in batches of `BATCH_EVENTS`
(fewer when they have more than `BATCH_RECIPIENTS` recipient rows), each its own transaction
followed by a pause as long as it took, so writers are never held back long (on SQLite, ~25 ms a
batch: tests/benchmarks/bench_retention.py). A pass starts where the process's last one ended, and
once a day from the oldest. Every process of a `--workers N` service makes its own passes; the
deletions are the same, harmless to repeat. The server's stop ends a pass after its batch
(`close`)."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import text

from famguard.server.db import Database
from famguard.server.statements import SessionStatements

EVENT_RETENTION = timedelta(days=30)
PASS_EVERY_SECONDS = 3600.0
BATCH_EVENTS = 500  # events per transaction (2,000 held SQLite's other writers back ~80 ms a batch)
# ...and at most about this many recipient rows: an event has a row per recipient, and a teen may
# be linked with many guardians (500 usage reports of a teen with 200 guardians were 100,000 rows
# in one batch, which held every other writer of the service back a second).
BATCH_RECIPIENTS = 1500
BATCH_PAUSE_SECONDS = 0.005  # at least, between two batches: as long as the last one took
FULL_PASS_EVERY = 24  # passes: once a day, a pass looks again at the old events it kept

_log = logging.getLogger(__name__)

_FIRST_ID = "SELECT MIN(id) FROM events"
_MAX_ID = "SELECT MAX(id) FROM events"
# Whether the first event from an id on was written before the cutoff (None: no event from there).
_OLDER_FROM = "SELECT CASE WHEN at < :cutoff THEN 1 ELSE 0 END FROM events WHERE id >= :id ORDER BY id LIMIT 1"
_BATCH_END = "SELECT id FROM events WHERE id > :after AND id <= :last ORDER BY id LIMIT 1 OFFSET :skip"
# The event of the batch's BATCH_RECIPIENTS-th recipient row (None: fewer), on the recipients' event index.
_CROWDED_END = (
    "SELECT event_id FROM event_recipients WHERE event_id > :after AND event_id <= :upto "
    "ORDER BY event_id LIMIT 1 OFFSET :skip"
)
# Each recipient's rows of the batch's events, except the account's newest (its next number).
_DELETE_RECIPIENTS = (
    "DELETE FROM event_recipients WHERE event_id > :after AND event_id <= :upto "
    "AND seq < (SELECT MAX(r.seq) FROM event_recipients r WHERE r.account_id = event_recipients.account_id)"
)
# The batch's events left without recipients. The recipients looked at are the batch's own (their
# index's range): PostgreSQL answered NOT EXISTS with a hash of every recipient row of the table.
_DELETE_EVENTS = (
    "DELETE FROM events WHERE id > :after AND id <= :upto AND id NOT IN "
    "(SELECT r.event_id FROM event_recipients r WHERE r.event_id > :after AND r.event_id <= :upto)"
)


class EventRetention:
    def __init__(
        self,
        db: Database,
        clock: Callable[[], datetime],
        keep: timedelta = EVENT_RETENTION,
        every_seconds: float = PASS_EVERY_SECONDS,
    ):
        self._db = db
        self._clock = clock
        self.keep = keep
        self._every = every_seconds
        self._lock = threading.Lock()
        self.next_pass = 0.0  # monotonic seconds: the first commit with events starts a pass
        self._thread: threading.Thread | None = None  # the pass running now
        self._closed = threading.Event()
        self.passes = 0  # finished passes (tests look at it)
        self._scanned_upto = 0  # the id up to which this process's passes have looked
        self._passes_from_oldest = 0  # delete_old calls, counted for FULL_PASS_EVERY

    def due(self) -> None:
        """After a commit that wrote events (any thread; cheap when no pass is due). Never raises:
        it runs in a writer's after-commit hook, whose change is committed already."""
        if time.monotonic() < self.next_pass or self._closed.is_set():
            return
        with self._lock:
            if self._thread is not None or time.monotonic() < self.next_pass or self._closed.is_set():
                return
            self.next_pass = time.monotonic() + self._every
            thread = threading.Thread(target=self._run, name="famguard-retention", daemon=True)
            try:
                thread.start()
            except RuntimeError:  # no thread to be had now: the next commit after the hour tries again
                _log.warning("could not start deleting old events; trying again in an hour", exc_info=True)
                return
            self._thread = thread

    def close(self) -> None:
        """The server stops: a pass running ends after its batch (waited for); none starts."""
        self._closed.set()
        with self._lock:
            thread = self._thread
        if thread is not None:
            thread.join(timeout=10)

    def _run(self) -> None:
        try:
            deleted = self.delete_old()
            if deleted:
                _log.info("Deleted %d events older than %d days", deleted, self.keep.days)
        except Exception:  # noqa: BLE001 - a database hiccup: the next pass tries again
            _log.warning("deleting old events failed; the next pass tries again", exc_info=True)
        finally:
            with self._lock:
                self._thread = None
                self.passes += 1

    def delete_old(self) -> int:
        """One pass: deletes the events older than `keep` (but each account's newest); how many.
        A pass starts where this process's last one ended: the old events left before that are
        accounts' newest, one per quiet account, which every hourly pass would otherwise read
        again. Each `FULL_PASS_EVERY`-th pass starts from the oldest: such an event can go once
        its account has a newer one."""
        cutoff = self._clock() - self.keep
        first = self._scalar(_FIRST_ID, {})
        last = self._last_old_id(first, cutoff)
        if last is None:
            return 0
        deleted = 0
        after = first - 1
        if self._passes_from_oldest % FULL_PASS_EVERY:
            after = max(after, self._scanned_upto)
        self._passes_from_oldest += 1
        while after < last and not self._closed.is_set():
            started = time.monotonic()
            with self._db.write() as session:
                upto = session.execute(
                    text(_BATCH_END), {"after": after, "last": last, "skip": BATCH_EVENTS - 1}
                ).scalar()
                upto = last if upto is None else int(upto)
                # Fewer events when they have many recipients (an event's rows all go in one batch).
                crowded = session.execute(
                    text(_CROWDED_END), {"after": after, "upto": upto, "skip": BATCH_RECIPIENTS - 1}
                ).scalar()
                if crowded is not None:
                    upto = int(crowded)
                session.execute(text(_DELETE_RECIPIENTS), {"after": after, "upto": upto})
                deleted += int(session.execute(text(_DELETE_EVENTS), {"after": after, "upto": upto}).rowcount)  # type: ignore[attr-defined]
            after = upto
            # The writers that waited for this batch go first: at least as long as it held them.
            self._closed.wait(max(BATCH_PAUSE_SECONDS, time.monotonic() - started))
            self._scanned_upto = after
        return deleted

    def _last_old_id(self, first: int, cutoff: datetime) -> int | None:
        """The highest id from `first` (the oldest's) up to which every event is older than
        `cutoff` (None: none is), found by halving on the primary key: events are written in time
        order, and an index on their time would cost every change a write."""
        low, high = first, self._scalar(_MAX_ID, {})
        if high == 0 or not self._older(low, cutoff):
            return None
        while low < high:  # low is old enough; is anything up to high?
            middle = (low + high + 1) // 2
            if self._older(middle, cutoff):
                low = middle
            else:
                high = middle - 1
        return low

    def _older(self, at_or_after: int, cutoff: datetime) -> bool:
        """Whether the first event from id `at_or_after` on was written before `cutoff`."""
        with self._db.read() as session:
            stamp = SessionStatements(session).stamp(cutoff)
            return bool(session.execute(text(_OLDER_FROM), {"id": at_or_after, "cutoff": stamp}).scalar())

    def _scalar(self, sql: str, params: dict[str, object]) -> int:
        with self._db.read() as session:
            return int(session.execute(text(sql), params).scalar() or 0)
