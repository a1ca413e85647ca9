"""The local SQLite database of one account: the cache of what the server last said and the
outbox of changes not yet confirmed.

One file per account (server + email), so signing in as someone else can never send the first
account's queued changes. WAL and synchronous=FULL: a confirmed write survives a crash or power
loss. Every write is one transaction. Thread-safety: one connection shared by all threads and
serialised by a re-entrant lock (calls are short; the app calls from worker threads only)."""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from famguard import paths
from famguard.domain.controls import etag_version
from famguard.domain.errors import ErrorKind, FamGuardError
from famguard.domain.models import SYSTEM_ACTOR, TeenSummary, TimeRequest, UsageDay
from famguard.domain.sync import FINISHED_STATES, OPEN_STATES, NotApplied, SyncState, UnsentSummary
from famguard.store import codec

if TYPE_CHECKING:
    from famguard.domain.models import ActivityEntry

# As If-Match "*": controls saved whatever the cache holds (never an ETag the service gives).
_WHATEVER_CACHED = "*"
MERGE_WINDOW = timedelta(seconds=3)  # "unsent": the guardian loses these on sign-out
# Meta keys: the names of teens no longer linked (a change refused after its teen went is told by
# name), and the changes set aside with them, to be told.
GONE_NAMES_KEY = "names of teens gone"
NOT_APPLIED_KEY = "changes not applied"
MOST_GONE_NAMES = 50
MOST_NOT_APPLIED = 200


def phone_key(teen_id: str) -> str:
    """The meta key of a teen's phone receipt as last read (famguard.services.trust)."""
    return f"phone:{teen_id}"


def rules_key(teen_id: str) -> str:
    """The meta key of a teen's temporary rules as last read (famguard.services.trust)."""
    return f"rules:{teen_id}"


def _outbox_table(name: str, saved: str) -> str:
    """The outbox's CREATE TABLE; versions differ only in the word for a saved change."""
    return f"""
CREATE TABLE {name} (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    idempotency_key TEXT NOT NULL UNIQUE,
    teen_id TEXT NOT NULL,
    fields TEXT NOT NULL,
    base_values TEXT NOT NULL,
    base_etag TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    state TEXT NOT NULL CHECK (state IN ('pending', 'sending', '{saved}', 'conflict', 'rejected')),
    last_error TEXT,
    conflict TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
"""


_SCHEMA_V1 = (
    """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE teens (id TEXT PRIMARY KEY, position INTEGER NOT NULL, json TEXT NOT NULL);
CREATE TABLE controls (teen_id TEXT PRIMARY KEY, json TEXT NOT NULL, etag TEXT NOT NULL, fetched_at TEXT NOT NULL);
CREATE TABLE usage (teen_id TEXT NOT NULL, date TEXT NOT NULL, json TEXT NOT NULL, PRIMARY KEY (teen_id, date));
CREATE TABLE time_requests (id TEXT PRIMARY KEY, teen_id TEXT NOT NULL, created_at TEXT NOT NULL, json TEXT NOT NULL);
CREATE TABLE activity (id INTEGER PRIMARY KEY, teen_id TEXT NOT NULL, json TEXT NOT NULL);
CREATE INDEX activity_teen ON activity (teen_id, id);
"""
    + _outbox_table("outbox", "confirmed")
    + "CREATE INDEX outbox_teen_state ON outbox (teen_id, state, id);"
)

# v2: the outbox's states are the one SyncState vocabulary ("confirmed" was "saved" everywhere
# else); SQLite cannot change a CHECK in place, so the table is rebuilt, rows and ids kept.
_SCHEMA_V2 = (
    _outbox_table("outbox_v2", "saved")  # noqa: S608 - constant text, no input
    + """
INSERT INTO outbox_v2 SELECT id, idempotency_key, teen_id, fields, base_values, base_etag, attempts,
    CASE state WHEN 'confirmed' THEN 'saved' ELSE state END, last_error, conflict, created_at, updated_at
    FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_v2 RENAME TO outbox;
CREATE INDEX outbox_teen_state ON outbox (teen_id, state, id);
"""
)

# Each entry upgrades the schema from version i to i + 1, in place, in one transaction.
MIGRATIONS: tuple[str, ...] = (_SCHEMA_V1, _SCHEMA_V2)
SCHEMA_VERSION = len(MIGRATIONS)


class StoreError(FamGuardError):
    """The local database cannot be used (made by a newer FamGuard, damaged, disk full…). Every
    sqlite3 error of this module becomes one of these, here and nowhere else."""

    kind = ErrorKind.LOCAL
    title = "Local data problem"


def _failed(exc: sqlite3.Error) -> StoreError:
    return StoreError(f"FamGuard could not read or write its data on this computer ({exc}).")


@dataclass(frozen=True)
class OutboxChange:
    """One queued change of some controls of one teen. `fields` and `base_values` are in wire
    (JSON) form; `base_values` are what the guardian saw before changing each field."""

    id: int
    idempotency_key: str
    teen_id: str
    fields: dict[str, Any]
    base_values: dict[str, Any]
    base_etag: str | None
    attempts: int
    state: SyncState
    last_error: str | None
    conflict: dict[str, Any] | None
    created_at: datetime
    updated_at: datetime


def _sha256_hex(data: bytes) -> str:
    """SHA-256 from Python's own built-in module where there is one: `hashlib` loads OpenSSL's
    libcrypto (~3.7 MiB resident) only to name this file, on the path of a returning guardian's
    first paint; the network side loads it later anyway. The same digest either way, so existing
    stores keep their names (tests/client/test_store.py checks it against hashlib)."""
    try:  # Python 3.12+ groups the SHA-2 family in _sha2; 3.11 has _sha256 (random does the same)
        from _sha2 import sha256  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        try:
            from _sha256 import sha256  # type: ignore[import-not-found,no-redef,unused-ignore]
        except ImportError:  # a Python built without them
            from hashlib import sha256
    return str(sha256(data).hexdigest())


def database_path(server_url: str, email: str) -> Path:
    """Where the database of this account on this server lives (the name reveals neither)."""
    digest = _sha256_hex(f"{server_url.rstrip('/')}\n{email.strip().casefold()}".encode())[:32]
    return paths.ensure_private_dir(paths.user_data_dir() / "accounts") / f"{digest}.sqlite3"


def _now() -> str:
    return datetime.now(UTC).isoformat()


class AccountStore:
    """Cache and outbox of one account. Open with `AccountStore(path)` or `open_for(server, email)`."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.RLock()
        paths.private_file(self.path)  # the family's data: its owner's only, with its -wal and -shm
        # isolation_level=None: transactions are explicit (BEGIN IMMEDIATE … COMMIT) in _tx.
        try:
            self._conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None, timeout=10)
        except sqlite3.Error as exc:
            raise StoreError(f"FamGuard's local data at {self.path} cannot be opened ({exc}).") from None
        try:
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=FULL")
            self._conn.execute("PRAGMA foreign_keys=ON")
            self._upgrade()
        except (sqlite3.Error, StoreError) as exc:
            self._conn.close()
            if isinstance(exc, StoreError):
                raise
            raise StoreError(f"FamGuard's local data at {self.path} cannot be read ({exc}).") from None

    @classmethod
    def open_for(cls, server_url: str, email: str) -> AccountStore:
        return cls(database_path(server_url, email))

    @classmethod
    def open_existing(cls, server_url: str, email: str) -> AccountStore | None:
        """This account's store if this computer has one (None: never signed in here, or signed out)."""
        path = database_path(server_url, email)
        return cls(path) if path.exists() else None

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def destroy(self) -> None:
        """Close and delete this account's local data (sign-out)."""
        self.close()
        for suffix in ("", "-wal", "-shm"):
            Path(str(self.path) + suffix).unlink(missing_ok=True)

    @contextmanager
    def one_moment(self) -> Iterator[None]:
        """The reads made inside see the store as of one moment: no write of this app comes
        between them (all go through this connection and lock)."""
        with self._lock:
            yield

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            try:
                self._conn.execute("BEGIN IMMEDIATE")
                try:
                    yield self._conn
                except BaseException:
                    if self._conn.in_transaction:
                        self._conn.execute("ROLLBACK")
                    raise
                self._conn.execute("COMMIT")
            except sqlite3.Error as exc:
                raise _failed(exc) from exc

    def _query(self, sql: str, args: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            try:
                return self._conn.execute(sql, args).fetchall()
            except sqlite3.Error as exc:
                raise _failed(exc) from exc

    def _upgrade(self) -> None:
        version = self._conn.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise StoreError("This local data was written by a newer FamGuard. Update FamGuard to open it.")
        for target in range(version + 1, SCHEMA_VERSION + 1):
            with self._tx() as conn:
                for statement in MIGRATIONS[target - 1].split(";"):
                    if statement.strip():
                        conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {target:d}")

    def integrity_ok(self) -> bool:
        return self._query("PRAGMA integrity_check") == [("ok",)]

    # --- meta ------------------------------------------------------------------------------

    def get_meta(self, key: str) -> str | None:
        rows = self._query("SELECT value FROM meta WHERE key = ?", (key,))
        return rows[0][0] if rows else None

    def set_meta(self, key: str, value: str | None) -> None:
        with self._tx() as conn:
            if value is None:
                conn.execute("DELETE FROM meta WHERE key = ?", (key,))
            else:
                self._put_meta(conn, key, value)

    # --- cache -----------------------------------------------------------------------------

    def replace_teens(self, teens: Sequence[TeenSummary]) -> int:
        """The linked teens, in order. A teen no longer among them takes its saved changes along
        (linked again, their "✓ saved" still showed on the settings they once touched), and its
        cached controls, phone and rules (read anew if linked again). Its waiting,
        refused and clashing changes can no longer be applied (the service refuses them, and a
        link made again is a new consent they were not asked under): they are set aside to be
        told (`take_not_applied`), never dropped unseen. Returns how many were set aside."""
        with self._tx() as conn:
            staying = {t.id for t in teens}
            gone = {
                row[0]: codec.teen_from_json(row[1]).display_name
                for row in conn.execute("SELECT id, json FROM teens")
                if row[0] not in staying
            }
            conn.executemany("DELETE FROM outbox WHERE teen_id = ? AND state = ?", [(t, SyncState.SAVED) for t in gone])
            # Their controls, and what their phone and rules were, as of the link that ended: linked
            # again, a guardian saw the old limit with "✓ On Maya's phone" while the service had a
            # newer one, until an edit of theirs clashed with it (an outside tester). Read anew.
            conn.executemany("DELETE FROM controls WHERE teen_id = ?", [(t,) for t in gone])
            conn.executemany("DELETE FROM meta WHERE key IN (?, ?)", [(phone_key(t), rules_key(t)) for t in gone])
            conn.execute("DELETE FROM teens")
            conn.executemany(
                "INSERT INTO teens (id, position, json) VALUES (?, ?, ?)",
                [(t.id, i, codec.teen_to_json(t)) for i, t in enumerate(teens)],
            )
            known: dict[str, str] = self._meta_json(conn, GONE_NAMES_KEY) or {}
            names = {k: v for k, v in {**known, **gone}.items() if k not in staying}
            names = dict(list(names.items())[-MOST_GONE_NAMES:])
            if names != known:  # written when a teen went or came back, not on every read of the list
                self._put_meta(conn, GONE_NAMES_KEY, json.dumps(names))
            return self._set_aside_unlinked(conn)

    def set_aside_unlinked(self) -> int:
        """Set aside the changes of teens no longer linked here (see `replace_teens`): one refused
        after its teen went while it was being sent. Returns how many."""
        with self._tx() as conn:
            return self._set_aside_unlinked(conn)

    def take_not_applied(self) -> list[NotApplied]:
        """The changes set aside because their teen is no longer linked, oldest first; taken, so
        each is told once."""
        with self._tx() as conn:
            untold = self._meta_json(conn, NOT_APPLIED_KEY) or []
            conn.execute("DELETE FROM meta WHERE key = ?", (NOT_APPLIED_KEY,))
        return [NotApplied(item["teen_id"], item["name"], item["fields"]) for item in untold]

    @staticmethod
    def _meta_json(conn: sqlite3.Connection, key: str) -> Any:  # noqa: ANN401 - the JSON kept under `key`
        """A meta value kept as JSON, read in the transaction `conn` is in (None: not kept)."""
        row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return json.loads(row[0]) if row else None

    @staticmethod
    def _put_meta(conn: sqlite3.Connection, key: str, value: str) -> None:
        conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    def _set_aside_unlinked(self, conn: sqlite3.Connection) -> int:
        # One being sent stays: its answer decides (saved, or refused and then set aside here).
        states = (SyncState.PENDING, SyncState.CONFLICT, SyncState.REJECTED)
        rows = conn.execute(
            f"SELECT {self._COLUMNS} FROM outbox WHERE state IN (?, ?, ?)"  # noqa: S608 - constant columns
            " AND teen_id NOT IN (SELECT id FROM teens) ORDER BY id",
            states,
        ).fetchall()
        if not rows:
            return 0
        names: dict[str, str] = self._meta_json(conn, GONE_NAMES_KEY) or {}
        untold: list[dict[str, Any]] = self._meta_json(conn, NOT_APPLIED_KEY) or []
        for change in map(self._from_row, rows):
            name = names.get(change.teen_id, "A teen")
            untold.append({"teen_id": change.teen_id, "name": name, "fields": change.fields})
        self._put_meta(conn, NOT_APPLIED_KEY, json.dumps(untold[-MOST_NOT_APPLIED:]))
        conn.executemany("DELETE FROM outbox WHERE id = ?", [(row[0],) for row in rows])
        return len(rows)

    def teens(self) -> list[TeenSummary]:
        return [codec.teen_from_json(row[0]) for row in self._query("SELECT json FROM teens ORDER BY position")]

    def teen(self, teen_id: str) -> TeenSummary | None:
        """One cached teen (None: not linked here as far as the cache knows)."""
        rows = self._query("SELECT json FROM teens WHERE id = ?", (teen_id,))
        return codec.teen_from_json(rows[0][0]) if rows else None

    def save_controls(self, teen_id: str, controls_json: Mapping[str, Any], etag: str) -> None:
        """Keep these controls whatever was cached (the demo's family written before it starts)."""
        with self._tx() as conn:
            self._save_controls(conn, teen_id, controls_json, etag, _WHATEVER_CACHED)

    def save_answer(self, teen_id: str, controls_json: Mapping[str, Any], etag: str, asked_with: str | None) -> bool:
        """Keep the controls the service sent in answer to a request made when the cache held
        `asked_with` (None: nothing cached). False, and the cache left, when it moved on while the
        answer travelled to a later version than the answer's (see `_save_controls`)."""
        with self._tx() as conn:
            return self._save_controls(conn, teen_id, controls_json, etag, asked_with)

    @staticmethod
    def _save_controls(
        conn: sqlite3.Connection, teen_id: str, controls_json: Mapping[str, Any], etag: str, asked_with: str | None
    ) -> bool:
        # Answers arrive out of order: a read of the family sent before a change was saved came
        # back after it and put the old limit back on screen (and in the cache) until the next
        # event. An answer older than what was cached meanwhile is dropped. Versions are compared
        # only then: a service restored from a backup counts from a lower version again.
        row = (
            None
            if asked_with == _WHATEVER_CACHED
            else conn.execute("SELECT etag FROM controls WHERE teen_id = ?", (teen_id,)).fetchone()
        )
        if row is not None and row[0] != asked_with:
            cached, answered = etag_version(row[0]), etag_version(etag)
            if cached is not None and answered is not None and answered < cached:
                return False
        conn.execute(
            "INSERT OR REPLACE INTO controls (teen_id, json, etag, fetched_at) VALUES (?, ?, ?, ?)",
            (teen_id, json.dumps(dict(controls_json)), etag, _now()),
        )
        return True

    def controls(self, teen_id: str) -> tuple[dict[str, Any], str] | None:
        """The last known controls of the teen (wire form) and their ETag."""
        rows = self._query("SELECT json, etag FROM controls WHERE teen_id = ?", (teen_id,))
        return (json.loads(rows[0][0]), rows[0][1]) if rows else None

    def replace_usage(self, teen_id: str, days: Sequence[UsageDay]) -> None:
        with self._tx() as conn:
            conn.executemany(
                "INSERT OR REPLACE INTO usage (teen_id, date, json) VALUES (?, ?, ?)",
                [(teen_id, d.date.isoformat(), codec.usage_to_json(d)) for d in days],
            )

    def usage(self, teen_id: str) -> list[UsageDay]:
        rows = self._query("SELECT json FROM usage WHERE teen_id = ? ORDER BY date", (teen_id,))
        return [codec.usage_from_json(r[0]) for r in rows]

    def replace_time_requests(self, teen_id: str, requests: Sequence[TimeRequest]) -> None:
        with self._tx() as conn:
            conn.execute("DELETE FROM time_requests WHERE teen_id = ?", (teen_id,))
            conn.executemany(
                "INSERT INTO time_requests (id, teen_id, created_at, json) VALUES (?, ?, ?, ?)",
                [(r.id, teen_id, r.created_at.isoformat(), codec.time_request_to_json(r)) for r in requests],
            )

    def time_requests(self, teen_id: str) -> list[TimeRequest]:
        rows = self._query("SELECT json FROM time_requests WHERE teen_id = ? ORDER BY created_at DESC", (teen_id,))
        return [codec.time_request_from_json(r[0]) for r in rows]

    def add_activity(self, entries: Sequence[ActivityEntry]) -> None:
        with self._tx() as conn:
            conn.executemany(
                "INSERT OR REPLACE INTO activity (id, teen_id, json) VALUES (?, ?, ?)",
                [(a.id, a.teen_id, codec.activity_to_json(a)) for a in entries],
            )

    def activity(self, teen_id: str, limit: int = 100) -> list[ActivityEntry]:
        rows = self._query("SELECT json FROM activity WHERE teen_id = ? ORDER BY id DESC LIMIT ?", (teen_id, limit))
        return [codec.activity_from_json(r[0]) for r in rows]

    def activity_page(
        self,
        teen_id: str,
        *,
        before: int | None = None,
        limit: int = 100,
        kind: str | None = None,
        field: str | None = None,
        actor: str | None = None,
    ) -> list[ActivityEntry]:
        """A page of the cached history, newest first, with the server's filters (for offline)."""
        sql = "SELECT json FROM activity WHERE teen_id = ?"
        args: list[Any] = [teen_id]
        for clause, value in (
            (" AND id < ?", before),
            (" AND json_extract(json, '$.kind') = ?", kind),
            (" AND json_extract(json, '$.field') = ?", field),
            (" AND json_extract(json, '$.actor.id') = ?", None if actor == SYSTEM_ACTOR else actor),
        ):
            if value is not None:
                sql += clause
                args.append(value)
        if actor == SYSTEM_ACTOR:  # the entries FamGuard wrote itself
            sql += " AND json_extract(json, '$.actor') IS NULL"
        rows = self._query(sql + " ORDER BY id DESC LIMIT ?", (*args, limit))
        return [codec.activity_from_json(r[0]) for r in rows]

    # --- outbox ----------------------------------------------------------------------------

    def queue_change(
        self, teen_id: str, fields: Mapping[str, Any], base_values: Mapping[str, Any], base_etag: str | None
    ) -> OutboxChange | None:
        """Queue a change in one transaction. Quick successive edits of the same field(s) (within
        MERGE_WINDOW of a change of this teen that has not been sent yet) are merged into that
        change (same key: it never left), so a dragged slider is one request; the result is None
        when the merge cancels out to nothing. Anything else is a new row, sent in order."""
        with self._tx() as conn:
            last = conn.execute(
                "SELECT id, fields, base_values, state, attempts, updated_at FROM outbox WHERE teen_id = ? "
                "ORDER BY id DESC LIMIT 1",
                (teen_id,),
            ).fetchone()
            now = _now()
            if (
                last is not None
                and last[3] == SyncState.PENDING
                and last[4] == 0
                and set(fields) <= set(json.loads(last[1]))
                and datetime.now(UTC) - datetime.fromisoformat(last[5]) <= MERGE_WINDOW
            ):
                merged = {**json.loads(last[1]), **fields}
                base = {**base_values, **json.loads(last[2])}  # the older base is what the guardian first saw
                merged = {k: v for k, v in merged.items() if base.get(k, object()) != v}
                if not merged:
                    conn.execute("DELETE FROM outbox WHERE id = ?", (last[0],))
                    return None
                conn.execute(
                    "UPDATE outbox SET fields = ?, base_values = ?, updated_at = ? WHERE id = ?",
                    (json.dumps(merged), json.dumps({k: base[k] for k in merged}), now, last[0]),
                )
                row_id = last[0]
            else:
                import uuid  # here, not at the top: it imports `platform` (~5 ms on the cached start's path)

                cursor = conn.execute(
                    "INSERT INTO outbox (idempotency_key, teen_id, fields, base_values, base_etag, state, created_at, "
                    "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (uuid.uuid4().hex, teen_id, json.dumps(dict(fields)), json.dumps(dict(base_values)), base_etag,
                     SyncState.PENDING, now, now),
                )  # fmt: skip
                row_id = cursor.lastrowid
            return self._change(conn, row_id)

    _COLUMNS = (
        "id, idempotency_key, teen_id, fields, base_values, base_etag, attempts, state, last_error, conflict, "
        "created_at, updated_at"
    )

    @staticmethod
    def _from_row(row: tuple) -> OutboxChange:
        return OutboxChange(
            id=row[0],
            idempotency_key=row[1],
            teen_id=row[2],
            fields=json.loads(row[3]),
            base_values=json.loads(row[4]),
            base_etag=row[5],
            attempts=row[6],
            state=SyncState(row[7]),
            last_error=row[8],
            conflict=json.loads(row[9]) if row[9] else None,
            created_at=datetime.fromisoformat(row[10]),
            updated_at=datetime.fromisoformat(row[11]),
        )

    def _change(self, conn: sqlite3.Connection, change_id: int) -> OutboxChange | None:
        row = conn.execute(f"SELECT {self._COLUMNS} FROM outbox WHERE id = ?", (change_id,)).fetchone()  # noqa: S608
        return self._from_row(row) if row else None

    def change(self, change_id: int) -> OutboxChange | None:
        with self._lock:
            try:
                return self._change(self._conn, change_id)
            except sqlite3.Error as exc:
                raise _failed(exc) from exc

    def changes(self, teen_id: str | None = None, states: Sequence[SyncState] | None = None) -> list[OutboxChange]:
        """Outbox rows in queue order, optionally of one teen and/or in some states."""
        sql, args = f"SELECT {self._COLUMNS} FROM outbox WHERE 1=1", []  # noqa: S608 - constant columns
        if teen_id is not None:
            sql += " AND teen_id = ?"
            args.append(teen_id)
        if states:
            sql += f" AND state IN ({', '.join('?' * len(states))})"
            args.extend(states)
        return [self._from_row(r) for r in self._query(sql + " ORDER BY id", args)]

    def unsent_summary(self) -> UnsentSummary:
        """The changes `unsent_count` counts, named: by teen (their cached name), the settings."""
        with self._lock:
            changes = self.changes(states=OPEN_STATES)
            names = {teen.id: teen.display_name for teen in self.teens()}
        by_teen: dict[str, list[str]] = {}
        for change in changes:
            fields = by_teen.setdefault(change.teen_id, [])
            fields.extend(field for field in change.fields if field not in fields)
        named = tuple((names.get(teen_id, "a teen"), tuple(fields)) for teen_id, fields in by_teen.items())
        return UnsentSummary(len(changes), named)

    def unsent_count(self) -> int:
        marks = ", ".join("?" * len(OPEN_STATES))
        return int(self._query(f"SELECT COUNT(*) FROM outbox WHERE state IN ({marks})", OPEN_STATES)[0][0])  # noqa: S608

    def on_its_way_count(self) -> int:
        """Changes the sender will send by itself (pending or being sent): not those in conflict."""
        query = "SELECT COUNT(*) FROM outbox WHERE state IN (?, ?)"
        return int(self._query(query, (SyncState.PENDING, SyncState.SENDING))[0][0])

    def claim(self, change_id: int) -> OutboxChange | None:
        """The sender takes a row: state 'sending' (so no later edit merges into it any more) and
        its content as of now, read in the same transaction. None if it is gone or finished."""
        with self._tx() as conn:
            conn.execute(
                "UPDATE outbox SET state = ?, updated_at = ? WHERE id = ? AND state IN (?, ?)",
                (SyncState.SENDING, _now(), change_id, SyncState.PENDING, SyncState.SENDING),
            )
            change = self._change(conn, change_id)
            return change if change is not None and change.state == SyncState.SENDING else None

    def mark_sending(self, change_id: int) -> None:
        """Before each attempt: counted first, so a crash mid-send still shows it was tried."""
        with self._tx() as conn:
            conn.execute(
                "UPDATE outbox SET state = ?, attempts = attempts + 1, updated_at = ? WHERE id = ?",
                (SyncState.SENDING, _now(), change_id),
            )

    def mark_confirmed(
        self, change_id: int, teen_id: str, controls_json: Mapping[str, Any], etag: str, sent_with: str
    ) -> None:
        """The server applied the change (sent with If-Match `sent_with`): row confirmed and cache
        updated, in one transaction."""
        with self._tx() as conn:
            self._save_controls(conn, teen_id, controls_json, etag, sent_with)
            conn.execute(
                "UPDATE outbox SET state = ?, last_error = NULL, conflict = NULL, updated_at = ? WHERE id = ?",
                (SyncState.SAVED, _now(), change_id),
            )
            self._prune(conn, teen_id)  # the older changes of these fields need not be kept

    def mark_pending(self, change_id: int, error: str | None = None) -> None:
        self._set_state(change_id, SyncState.PENDING, error)

    def mark_rejected(self, change_id: int, reason: str) -> None:
        self._set_state(change_id, SyncState.REJECTED, reason)

    def mark_conflict(self, change_id: int, conflict: Mapping[str, Any], message: str) -> None:
        self._set_state(change_id, SyncState.CONFLICT, message, conflict)

    def _set_state(
        self, change_id: int, state: SyncState, error: str | None, conflict: Mapping[str, Any] | None = None
    ) -> None:
        with self._tx() as conn:
            conn.execute(
                "UPDATE outbox SET state = ?, last_error = ?, conflict = ?, updated_at = ? WHERE id = ?",
                (state, error, json.dumps(dict(conflict)) if conflict else None, _now(), change_id),
            )

    def rebase_change(self, change_id: int, fields: Mapping[str, Any], base_values: Mapping[str, Any]) -> None:
        """Resolve a conflict: the change now has these fields and bases, and is pending again."""
        with self._tx() as conn:
            if not fields:
                conn.execute("DELETE FROM outbox WHERE id = ?", (change_id,))
                return
            conn.execute(
                "UPDATE outbox SET fields = ?, base_values = ?, state = ?, conflict = NULL, last_error = NULL, "
                "updated_at = ? WHERE id = ?",
                (json.dumps(dict(fields)), json.dumps(dict(base_values)), SyncState.PENDING, _now(), change_id),
            )

    def prune_finished(self, teen_id: str | None = None) -> int:
        """Drop finished rows (saved or rejected) that no longer say anything: every field they
        touched was saved again by a later row of that teen. What stays is every open row and,
        per field, the latest saved change and anything after it — all the per-setting states
        need, even once a later open row is dropped (undone, dismissed) — so a teen's outbox stays
        about as small as its number of settings. Returns how many rows went."""
        with self._tx() as conn:
            teens = [teen_id] if teen_id else [r[0] for r in conn.execute("SELECT DISTINCT teen_id FROM outbox")]
            return sum(self._prune(conn, teen) for teen in teens)

    @staticmethod
    def _prune(conn: sqlite3.Connection, teen_id: str) -> int:
        rows = conn.execute("SELECT id, fields, state FROM outbox WHERE teen_id = ? ORDER BY id DESC", (teen_id,))
        saved_later: set[str] = set()
        superseded: list[tuple[int]] = []
        for row_id, fields_json, state in rows.fetchall():
            fields = set(json.loads(fields_json))
            if state in FINISHED_STATES and fields <= saved_later:
                superseded.append((row_id,))
            elif state == SyncState.SAVED:
                saved_later |= fields
        conn.executemany("DELETE FROM outbox WHERE id = ?", superseded)
        return len(superseded)

    def recover_interrupted(self) -> int:
        """Rows left 'sending' by a crash may or may not have arrived: make them pending, to be
        sent again with the same idempotency key, so the server applies each at most once. Only
        the account's sync engine calls this (a reader opening the store must not touch rows
        another thread is sending). Returns how many rows were recovered."""
        with self._tx() as conn:
            cursor = conn.execute(
                "UPDATE outbox SET state = ?, updated_at = ? WHERE state = ?",
                (SyncState.PENDING, _now(), SyncState.SENDING),
            )
            return cursor.rowcount
