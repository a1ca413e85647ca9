"""The service's hand-written SQL, run the same way on every path: `Statements` executes
statements with `:name` parameters inside one transaction, either on an ORM session (any
database, through SQLAlchemy's text()) or on a raw sqlite3 connection (the SQLite fast write
path, fastpath_write.py). What the history and the event feed get written is here, once:
`record` appends to the activity history, `publish` appends an event for an audience."""

from __future__ import annotations

import json
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
# show a family how busy every other family is. Publishing is serialised (SQLite's one writer,
# PostgreSQL's lock on the events table), so max + 1 is the account's next number.
_INSERT_RECIPIENT = (
    "INSERT INTO event_recipients (account_id, event_id, seq) "
    "SELECT CAST(:account AS VARCHAR), CAST(:event AS INTEGER), COALESCE(MAX(seq), 0) + 1 "
    "FROM event_recipients WHERE account_id = CAST(:account AS VARCHAR)"
)
# Event ids are the poll cursor: taking this lock until commit makes ids become visible in id
# order on PostgreSQL, so a poll can never step over an event committed late.
_LOCK_EVENTS = "LOCK TABLE events IN SHARE ROW EXCLUSIVE MODE"
# Listeners of other processes learn of new events from this (PostgreSQL; see events.py).
NOTIFY_CHANNEL = "famguard_events"
_NOTIFY = f"SELECT pg_notify('{NOTIFY_CHANNEL}', '')"


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
        if self.is_postgres:
            self.run(_LOCK_EVENTS, {})
        row = self.one(
            _INSERT_EVENT, {"at": self.stamp(now), "type": event_type, "teen": teen_id, "data": json.dumps(data)}
        )
        assert row is not None
        event_id = int(row[0])
        recipients = [{"account": account_id, "event": event_id} for account_id in set(audience)]
        if recipients:
            self.many(_INSERT_RECIPIENT, recipients)
        if self.is_postgres:
            self.one(_NOTIFY, {})  # delivered at commit, to every listening process
        self.published = True
        return event_id


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
