"""The service's hand-written SQL, run the same way on every path: `Statements` executes
statements with `:name` parameters inside one transaction, either on an ORM session (any
database, through SQLAlchemy's text()) or on a raw sqlite3 connection (the SQLite fast write
path, fastpath_write.py). What the history and the event feed get written is here, once:
`record` appends to the activity history, `publish` appends an event for an audience."""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import TextClause, text
from sqlalchemy.orm import Session

Params = Mapping[str, Any]

_INSERT_ACTIVITY = (
    'INSERT INTO activity (at, actor_id, teen_id, kind, field, "before", "after") '
    "VALUES (:at, :actor, :teen, :kind, :field, :before, :after)"
)
_INSERT_EVENT = "INSERT INTO events (at, type, teen_id, data) VALUES (:at, :type, :teen, :data) RETURNING id"
# Each recipient numbers its own events 1, 2, 3… (`seq`, its events cursor): a server-wide id would
# show a family how busy every other family is. Numbering is serialised per account (SQLite's one
# writer; on PostgreSQL a lock per recipient, below), so max + 1 is the account's next number.
_INSERT_RECIPIENT = (
    "INSERT INTO event_recipients (account_id, event_id, seq) "
    "SELECT CAST(:account AS VARCHAR), CAST(:event AS INTEGER), COALESCE(MAX(seq), 0) + 1 "
    "FROM event_recipients WHERE account_id = CAST(:account AS VARCHAR)"
)
# Listeners (notify.EventHub, one per process) learn of new events from this channel (PostgreSQL):
# each notification's payload lists ids of committed events. It is sent after the commit, not in
# the transaction: a transaction that NOTIFYs takes PostgreSQL's one notification-queue lock and
# holds it through its commit's WAL flush, so every change of the service waited for the one before.
NOTIFY_CHANNEL = "famguard_events"
# PostgreSQL: a transaction-long lock per recipient account, taken in one order (sorted) before
# its number is read, so that two publishers for the same account take turns until commit — the
# account's numbers become visible in order, and a poll can never step over one committed late —
# while publishers for other families never wait for each other (a lock of the whole events
# table serialised every change of the service through its commit). The two-key form keeps these
# locks apart from the throttles' one-key ones (Service.lock_keys).
EVENT_LOCK_CLASS = 0x4647  # "FG"
_LOCK_RECIPIENTS = (
    "SELECT count(pg_advisory_xact_lock(CAST(:cls AS INTEGER), hashtext(a))) "
    "FROM (SELECT a FROM unnest(CAST(:accounts AS VARCHAR[])) AS a ORDER BY a) AS sorted"
)
# PostgreSQL: the event and its recipients with their next numbers in one round trip (a statement
# of its own after the locks: its snapshot then sees every number committed before them).
_PUBLISH_PG = (
    "WITH ev AS (INSERT INTO events (at, type, teen_id, data) VALUES (:at, :type, :teen, :data) RETURNING id), "  # noqa: S608 - constants
    "rec AS (INSERT INTO event_recipients (account_id, event_id, seq) "
    "SELECT a, ev.id, COALESCE((SELECT MAX(r.seq) FROM event_recipients r WHERE r.account_id = a), 0) + 1 "
    "FROM ev, unnest(CAST(:accounts AS VARCHAR[])) AS a) "
    "SELECT ev.id FROM ev"
)


def sqlite_stamp(moment: datetime) -> str:
    """The text SQLAlchemy's SQLite DateTime writes (always with microseconds): comparisons in
    SQL see one format whichever path wrote a row."""
    utc = moment.astimezone(UTC)
    return f"{utc:%Y-%m-%d %H:%M:%S}.{utc.microsecond:06d}"


class Statements:
    """One transaction's statements. Subclasses say how to run one."""

    is_postgres = False

    def __init__(self) -> None:
        self.published = False  # set by publish(): the caller wakes the long polls after commit
        self.event_ids: list[int] = []  # what publish() wrote (PostgreSQL: announced after commit)

    def one(self, sql: str, params: Params) -> Sequence[Any] | None:
        raise NotImplementedError

    def all(self, sql: str, params: Params) -> list[Sequence[Any]]:
        raise NotImplementedError

    def run(self, sql: str, params: Params) -> int:
        """Runs a statement; the number of rows it changed."""
        raise NotImplementedError

    def many(self, sql: str, rows: Sequence[Params]) -> None:
        raise NotImplementedError

    def stamp(self, moment: datetime) -> Any:  # noqa: ANN401 - what the driver stores
        """An aware datetime as models.UtcDateTime stores it (naive UTC)."""
        return moment.astimezone(UTC).replace(tzinfo=None)

    # --- the history and the feed -------------------------------------------------------------

    def record(
        self,
        now: datetime,
        actor_id: str | None,
        teen_id: str,
        kind: str,
        changes: Iterable[tuple[str | None, Any, Any]],
    ) -> None:
        """Appends one history entry per (field, before, after) of `changes`."""
        at = self.stamp(now)
        rows = [
            {
                "at": at,
                "actor": actor_id,
                "teen": teen_id,
                "kind": kind,
                "field": field,
                "before": json.dumps(before),
                "after": json.dumps(after),
            }
            for field, before, after in changes
        ]
        if rows:
            self.many(_INSERT_ACTIVITY, rows)

    def publish(
        self, now: datetime, event_type: str, teen_id: str | None, data: dict[str, Any], audience: Iterable[str]
    ) -> int:
        """Appends an event for `audience` (account ids); its id."""
        event = {"at": self.stamp(now), "type": event_type, "teen": teen_id, "data": json.dumps(data)}
        if self.is_postgres:
            event_id = self._publish_postgres(event, sorted(set(audience)))
        else:
            row = self.one(_INSERT_EVENT, event)
            assert row is not None
            event_id = int(row[0])
            recipients = [{"account": account_id, "event": event_id} for account_id in set(audience)]
            if recipients:
                self.many(_INSERT_RECIPIENT, recipients)
        self.published = True
        self.event_ids.append(event_id)
        return event_id

    def _publish_postgres(self, event: Params, accounts: list[str]) -> int:
        """Two round trips: the recipients' locks, then the event with its numbers and NOTIFY."""
        if accounts:
            self.one(_LOCK_RECIPIENTS, {"cls": EVENT_LOCK_CLASS, "accounts": accounts})
        row = self.one(_PUBLISH_PG, {**event, "accounts": accounts})
        assert row is not None
        return int(row[0])


class SessionStatements(Statements):
    """On the transaction of an ORM session (SQLite or PostgreSQL)."""

    _compiled: dict[str, TextClause] = {}

    def __init__(self, session: Session):
        super().__init__()
        self.session = session
        dialect = session.get_bind().dialect.name
        self.is_postgres = dialect == "postgresql"
        self._sqlite = dialect == "sqlite"

    def stamp(self, moment: datetime) -> Any:  # noqa: ANN401 - what the driver stores
        return sqlite_stamp(moment) if self._sqlite else super().stamp(moment)

    def _text(self, sql: str) -> TextClause:
        clause = self._compiled.get(sql)
        if clause is None:
            clause = self._compiled[sql] = text(sql)
        return clause

    def one(self, sql: str, params: Params) -> Sequence[Any] | None:
        return self.session.execute(self._text(sql), params).first()

    def all(self, sql: str, params: Params) -> list[Sequence[Any]]:
        return list(self.session.execute(self._text(sql), params).all())

    def run(self, sql: str, params: Params) -> int:
        return int(self.session.execute(self._text(sql), params).rowcount)  # type: ignore[attr-defined]

    def many(self, sql: str, rows: Sequence[Params]) -> None:
        self.session.execute(self._text(sql), list(rows))

    def publish(
        self, now: datetime, event_type: str, teen_id: str | None, data: dict[str, Any], audience: Iterable[str]
    ) -> int:
        event_id = super().publish(now, event_type, teen_id, data, audience)
        self.session.info["notify"] = True  # Database wakes this process's polls after commit
        if self.is_postgres:  # and announces the events to every process (notify.EventHub.announce)
            self.session.info.setdefault("event_ids", []).append(event_id)
        return event_id


class SqliteStatements(Statements):
    """On a raw sqlite3 connection whose transaction the caller began."""

    def __init__(self, connection: sqlite3.Connection):
        super().__init__()
        self.connection = connection
        self._last_moment: datetime | None = None
        self._last_stamp = ""

    def stamp(self, moment: datetime) -> str:
        if moment is not self._last_moment:  # a change stamps its rows with one moment
            self._last_moment, self._last_stamp = moment, sqlite_stamp(moment)
        return self._last_stamp

    def one(self, sql: str, params: Params) -> Sequence[Any] | None:
        row: Sequence[Any] | None = self.connection.execute(sql, params).fetchone()
        return row

    def all(self, sql: str, params: Params) -> list[Sequence[Any]]:
        return list(self.connection.execute(sql, params).fetchall())

    def run(self, sql: str, params: Params) -> int:
        return self.connection.execute(sql, params).rowcount

    def many(self, sql: str, rows: Sequence[Params]) -> None:
        self.connection.executemany(sql, rows)


class PsycopgStatements(Statements):
    """On a psycopg 3 connection inside a transaction the caller began (the PostgreSQL fast
    paths, fastpath_pg.py): the same statements, without an ORM session around them."""

    is_postgres = True
    _converted: dict[str, str] = {}

    def __init__(self, connection: Any):  # noqa: ANN401 - psycopg.Connection, imported lazily
        super().__init__()
        self.connection = connection

    @classmethod
    def converted(cls, sql: str) -> str:
        """`:name` parameters (SQLAlchemy's text) as psycopg's `%(name)s`."""
        converted = cls._converted.get(sql)
        if converted is None:
            converted = cls._converted[sql] = _NAMED.sub(r"%(\1)s", sql.replace("%", "%%"))
        return converted

    def one(self, sql: str, params: Params) -> Sequence[Any] | None:
        row: Sequence[Any] | None = self.connection.execute(self.converted(sql), params).fetchone()
        return row

    def all(self, sql: str, params: Params) -> list[Sequence[Any]]:
        return list(self.connection.execute(self.converted(sql), params).fetchall())

    def run(self, sql: str, params: Params) -> int:
        return int(self.connection.execute(self.converted(sql), params).rowcount)

    def many(self, sql: str, rows: Sequence[Params]) -> None:
        with self.connection.cursor() as cursor:
            cursor.executemany(self.converted(sql), rows)


_NAMED = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)")
