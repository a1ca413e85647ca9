"""One pass of the deletion of old events (famguard/server/retention.py), on random feeds: any number
of events at any times (several at the same moment), each for any of four accounts or none, any
cutoff, batches of any size (in events and in recipient rows). After the pass, exactly these are
left: every event newer than the cutoff, and each account's newest row with its event — nothing
else old, nothing new lost. On a real SQLite file through the service's own publishing
(SessionStatements.publish)."""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from famguard.server import retention
from famguard.server.db import Database, make_engine, upgrade_schema
from famguard.server.models import Account
from famguard.server.retention import EventRetention
from famguard.server.statements import SessionStatements

START = datetime(2026, 1, 1, tzinfo=UTC)
ACCOUNTS = ("a0", "a1", "a2", "a3")

feeds = st.lists(
    st.tuples(st.integers(0, 100), st.sets(st.sampled_from(ACCOUNTS))),  # (minute, recipients)
    max_size=40,
).map(lambda feed: sorted(feed, key=lambda event: event[0]))  # written in time order


@settings(max_examples=40, deadline=None)
@given(
    feed=feeds,
    cutoff_minute=st.integers(-5, 110),
    batch=st.sampled_from([1, 2, 3, 7, 500]),
    batch_rows=st.sampled_from([1, 2, 5, 1500]),
)
def test_a_pass_leaves_exactly_the_new_events_and_each_accounts_newest(
    feed: list[tuple[int, set[str]]], cutoff_minute: int, batch: int, batch_rows: int
) -> None:
    with pytest.MonkeyPatch.context() as patch, tempfile.TemporaryDirectory() as directory:
        patch.setattr(retention, "BATCH_EVENTS", batch)
        patch.setattr(retention, "BATCH_RECIPIENTS", batch_rows)
        patch.setattr(retention, "BATCH_PAUSE_SECONDS", 0)
        engine = make_engine(f"sqlite:///{Path(directory) / 'feed.sqlite3'}")
        upgrade_schema(engine)
        db = Database(engine)
        try:
            with db.write() as session:
                for account in ACCOUNTS:
                    session.add(
                        Account(
                            id=account,
                            email=f"{account}@example.org",
                            password_hash="-",
                            display_name=account,
                            role="guardian",
                            created_at=START,
                        )
                    )
            for minute, recipients in feed:
                with db.write() as session:
                    SessionStatements(session).publish(START + timedelta(minutes=minute), "x", None, {}, recipients)
            cutoff = START + timedelta(minutes=cutoff_minute)
            rows_before, events_before = _rows(db), _events(db)
            EventRetention(db, lambda: cutoff + retention.EVENT_RETENTION).delete_old()
            rows_after, events_after = _rows(db), _events(db)
        finally:
            engine.dispose()

    newest = {account: max(seq for a, seq, _, _ in rows_before if a == account) for account, *_ in rows_before}
    kept = {row for row in rows_before if row[3] >= cutoff_minute or row[1] == newest[row[0]]}
    assert rows_after == kept
    with_a_row = {event for _, _, event, _ in kept}
    assert events_after == {
        (event, minute) for event, minute in events_before if minute >= cutoff_minute or event in with_a_row
    }


def _rows(db: Database) -> set[tuple[str, int, int, int]]:
    """(account, its number, event id, the event's minute) of every recipient row."""
    with db.read() as session:
        rows = session.execute(
            text("SELECT r.account_id, r.seq, e.id, e.at FROM event_recipients r JOIN events e ON e.id = r.event_id")
        ).all()
    return {(a, int(seq), int(event), _minute(at)) for a, seq, event, at in rows}


def _events(db: Database) -> set[tuple[int, int]]:
    """(id, minute) of every event."""
    with db.read() as session:
        return {(int(event), _minute(at)) for event, at in session.execute(text("SELECT id, at FROM events")).all()}


def _minute(at: object) -> int:
    moment = at if isinstance(at, datetime) else datetime.fromisoformat(str(at))
    return int((moment.replace(tzinfo=UTC) - START).total_seconds() // 60)
