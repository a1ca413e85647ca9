"""The per-account SQLite store on a real file: outbox states, merging, crash recovery of rows
left 'sending', schema versioning, and the cache round trip."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from famguard.domain.controls import controls_to_json, defaults_for_age
from famguard.domain.models import ActivityEntry, Actor, Role, TeenSummary, TimeRequest, TimeRequestStatus, UsageDay
from famguard.domain.sync import NotApplied, SyncState, UnsentSummary, not_applied_words, not_reached_words
from famguard.store import AccountStore, StoreError, database_path
from famguard.store import db as store_db


@pytest.fixture
def store(tmp_path: Path):
    s = AccountStore(tmp_path / "a.sqlite3")
    yield s
    s.close()


def test_the_database_is_durable_and_versioned(store: AccountStore) -> None:
    conn = sqlite3.connect(store.path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA user_version").fetchone()[0] == store_db.SCHEMA_VERSION
    conn.close()
    assert store._conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert store.integrity_ok()


def test_each_account_on_each_server_has_its_own_file(data_dir: Path) -> None:
    a = database_path("https://s.example", "Alex@Example.com")
    assert a == database_path("https://s.example/", "alex@example.com")
    assert a != database_path("https://s.example", "robin@example.com")
    assert a != database_path("https://other.example", "alex@example.com")
    assert a.parent == data_dir / "accounts" and "alex" not in a.name
    assert (a.parent.stat().st_mode & 0o777) == 0o700


def test_a_store_named_by_earlier_versions_is_still_found(data_dir: Path) -> None:
    """Earlier versions named the file with hashlib's SHA-256; the built-in module gives the same
    name, so a returning guardian's cache and unsent changes are found after an update."""
    import hashlib

    earlier = hashlib.sha256(b"https://s.example\nalex@example.com").hexdigest()[:32]
    assert database_path("https://s.example/", " Alex@Example.com ").name == f"{earlier}.sqlite3"


def test_naming_the_store_does_not_load_openssl(data_dir: Path) -> None:
    """OpenSSL's libcrypto (~3.7 MiB resident) stays out of a returning guardian's start until the
    network side needs it: the store's name is worked out without it."""
    code = (
        "from famguard.store import database_path; database_path('https://s.example', 'a@example.com');"
        "print(any('libcrypto' in line for line in open('/proc/self/maps')))"
    )
    env = {**os.environ, "FAMGUARD_DATA_DIR": str(data_dir)}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"


def test_a_database_from_a_newer_famguard_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {store_db.SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(StoreError, match="newer"):
        AccountStore(path)
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == store_db.SCHEMA_VERSION + 1


def test_a_schema_upgrade_runs_in_place_and_keeps_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "old.sqlite3"
    old = AccountStore(path)
    old.set_meta("event_cursor", "41")
    old.close()
    monkeypatch.setattr(store_db, "MIGRATIONS", (*store_db.MIGRATIONS, "ALTER TABLE meta ADD COLUMN note TEXT"))
    monkeypatch.setattr(store_db, "SCHEMA_VERSION", store_db.SCHEMA_VERSION + 1)
    upgraded = AccountStore(path)
    assert upgraded.get_meta("event_cursor") == "41"
    assert upgraded._conn.execute("PRAGMA user_version").fetchone()[0] == store_db.SCHEMA_VERSION
    assert "note" in [r[1] for r in upgraded._conn.execute("PRAGMA table_info(meta)")]
    upgraded.close()


def test_a_damaged_file_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.sqlite3"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError, match="cannot be read"):
        AccountStore(path)


def test_outbox_row_walks_through_its_states(store: AccountStore) -> None:
    change = store.queue_change("t1", {"search_enabled": False}, {"search_enabled": True}, '"4"')
    assert (change.state, change.attempts, change.base_etag) == (SyncState.PENDING, 0, '"4"')
    assert len(change.idempotency_key) == 32
    assert store.unsent_count() == 1
    store.mark_sending(change.id)
    assert store.change(change.id).state == SyncState.SENDING and store.change(change.id).attempts == 1
    store.mark_pending(change.id, "offline")
    assert store.change(change.id).last_error == "offline"
    controls = controls_to_json(defaults_for_age(14))
    store.mark_confirmed(change.id, "t1", {**controls, "search_enabled": False}, '"5"', '"4"')
    assert store.change(change.id).state == SyncState.SAVED
    assert store.controls("t1") == ({**controls, "search_enabled": False}, '"5"')
    assert store.unsent_count() == 0
    assert store.change(change.id).idempotency_key == change.idempotency_key


def test_conflict_and_rejection_keep_the_reason(store: AccountStore) -> None:
    a = store.queue_change("t1", {"comments": "everyone"}, {"comments": "friends"}, None)
    store.mark_conflict(a.id, {"comments": {"mine": "everyone", "theirs": "no_one"}}, "Someone else changed it")
    assert (
        store.change(a.id).state == SyncState.CONFLICT and store.change(a.id).conflict["comments"]["theirs"] == "no_one"
    )
    store.rebase_change(a.id, {"comments": "everyone"}, {"comments": "no_one"})
    assert store.change(a.id).state == SyncState.PENDING and store.change(a.id).conflict is None
    store.mark_rejected(a.id, "Not available under 16")
    assert (store.change(a.id).state, store.change(a.id).last_error) == (SyncState.REJECTED, "Not available under 16")
    assert store.unsent_count() == 0


def test_quick_edits_of_one_field_merge_but_other_fields_queue_in_order(store: AccountStore) -> None:
    first = store.queue_change("t1", {"daily_limit_minutes": 70}, {"daily_limit_minutes": 60}, None)
    merged = store.queue_change("t1", {"daily_limit_minutes": 80}, {"daily_limit_minutes": 70}, None)
    assert merged.id == first.id and merged.idempotency_key == first.idempotency_key
    assert (merged.fields, merged.base_values) == ({"daily_limit_minutes": 80}, {"daily_limit_minutes": 60})
    other = store.queue_change("t1", {"search_enabled": False}, {"search_enabled": True}, None)
    assert other.id != first.id
    assert [c.id for c in store.changes("t1")] == [first.id, other.id]
    assert store.queue_change("t1", {"search_enabled": True}, {"search_enabled": False}, None) is None  # undone
    assert [c.id for c in store.changes("t1")] == [first.id]


def test_a_change_that_was_tried_is_never_altered_by_a_merge(store: AccountStore) -> None:
    first = store.queue_change("t1", {"daily_limit_minutes": 70}, {"daily_limit_minutes": 60}, None)
    store.mark_sending(first.id)
    store.mark_pending(first.id, "lost reply")
    later = store.queue_change("t1", {"daily_limit_minutes": 80}, {"daily_limit_minutes": 70}, None)
    assert later.id != first.id
    assert store.change(first.id).fields == {"daily_limit_minutes": 70}


def test_rows_left_sending_by_a_crash_are_pending_again_with_their_key(tmp_path: Path) -> None:
    path = tmp_path / "crash.sqlite3"
    s = AccountStore(path)
    change = s.queue_change("t1", {"search_enabled": False}, {"search_enabled": True}, None)
    s.mark_sending(change.id)
    s._conn.close()  # no orderly close: the process "died" here
    reopened = AccountStore(path)
    assert reopened.change(change.id).state == SyncState.SENDING  # opening alone (e.g. to peek) changes nothing
    assert reopened.recover_interrupted() == 1
    again = reopened.change(change.id)
    assert (again.state, again.attempts, again.idempotency_key) == (SyncState.PENDING, 1, change.idempotency_key)
    reopened.close()


def test_the_cache_round_trips_every_kind_of_object(store: AccountStore) -> None:
    now = datetime(2026, 11, 25, 13, 0, tzinfo=UTC)
    teens = [TeenSummary("t2", "Sam", 14, now), TeenSummary("t1", "Kim", 16, now)]
    store.replace_teens(teens)
    assert store.teens() == teens
    assert store.teen("t1") == teens[1]
    assert store.teen("t3") is None  # not linked here
    days = [UsageDay(date(2026, 11, 24), 30, 60), UsageDay(date(2026, 11, 25), 10, None)]
    store.replace_usage("t1", days)
    assert store.usage("t1") == days
    request = TimeRequest(
        "r1", "t1", date(2026, 11, 25), 15, "homework", TimeRequestStatus.APPROVED, now, now, "Alex", 15
    )
    store.replace_time_requests("t1", [request])
    assert store.time_requests("t1") == [request]
    entry = ActivityEntry(7, now, Actor("g1", "Alex", Role.GUARDIAN), "t1", "controls", "comments", "friends", "no_one")
    store.add_activity([entry, entry])
    assert store.activity("t1") == [entry]
    store.set_meta("event_cursor", "12")
    assert store.get_meta("event_cursor") == "12"


def test_destroy_removes_every_file(tmp_path: Path) -> None:
    s = AccountStore(tmp_path / "gone.sqlite3")
    s.queue_change("t1", {"search_enabled": False}, {"search_enabled": True}, None)
    s.destroy()
    assert list(tmp_path.iterdir()) == []


def test_once_the_sender_claims_a_change_later_edits_queue_behind_it(store: AccountStore) -> None:
    first = store.queue_change("t1", {"daily_limit_minutes": 70}, {"daily_limit_minutes": 60}, None)
    claimed = store.claim(first.id)
    assert claimed.state == SyncState.SENDING and claimed.fields == {"daily_limit_minutes": 70}
    later = store.queue_change("t1", {"daily_limit_minutes": 80}, {"daily_limit_minutes": 70}, None)
    assert later.id != first.id  # the body being sent never changes under the sender
    assert store.change(first.id).fields == {"daily_limit_minutes": 70}
    store.mark_rejected(first.id, "refused")
    assert store.claim(first.id) is None  # finished rows are not sent again


def test_a_local_database_failure_is_a_local_error_not_a_crash(tmp_path: Path) -> None:
    """sqlite3's own exceptions stop at the store: a parent is told their computer failed (kind
    LOCAL), never that they are offline, and the ui never sees a raw sqlite3 error."""
    from famguard.domain.errors import ErrorKind

    store = AccountStore(tmp_path / "a.sqlite3")
    store.close()  # what a vanished file handle or a full disk looks like from here: any call fails
    with pytest.raises(StoreError) as caught:
        store.teens()
    assert caught.value.kind is ErrorKind.LOCAL and "this computer" in caught.value.message
    with pytest.raises(StoreError):
        store.set_meta("k", "v")


def test_an_outbox_of_version_1_keeps_its_rows_with_the_one_state_vocabulary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "v1.sqlite3"
    monkeypatch.setattr(store_db, "SCHEMA_VERSION", 1)
    old = AccountStore(path)
    saved = old.queue_change("t1", {"comments": "no_one"}, {"comments": "friends"}, '"e1"')
    waiting = old.queue_change("t2", {"search_enabled": False}, {"search_enabled": True}, '"e1"')
    old._conn.execute("UPDATE outbox SET state = 'confirmed' WHERE id = ?", (saved.id,))  # how v1 said "saved"
    old.close()
    monkeypatch.undo()
    upgraded = AccountStore(path)
    assert upgraded.change(saved.id).state == SyncState.SAVED
    assert upgraded.change(waiting.id).state == SyncState.PENDING
    assert upgraded.change(waiting.id).fields == {"search_enabled": False}
    assert upgraded.unsent_count() == 1 and upgraded.integrity_ok()
    upgraded.close()


def test_thousands_of_saved_changes_are_pruned_and_every_setting_keeps_its_state(tmp_path: Path) -> None:
    """A guardian who changed settings for years: the outbox holds what the states need, not
    every change ever saved; each setting still shows the state of its latest change."""
    from famguard.services import SyncEngine

    path = tmp_path / "busy.sqlite3"
    store = AccountStore(path)
    store.save_controls("t1", {"daily_limit_minutes": 60}, '"e0"')
    # An older FamGuard never pruned: 3000 saved changes, written without this version's pruning.
    rows = [
        (f"k{i}", "t1", json.dumps({"daily_limit_minutes": 60 + i % 100}), json.dumps({"daily_limit_minutes": 60}),
         SyncState.SAVED, "2025-01-01T00:00:00+00:00", "2025-01-01T00:00:00+00:00")
        for i in range(3000)
    ]  # fmt: skip
    rows.append(
        ("kc", "t1", json.dumps({"comments": "no_one"}), json.dumps({"comments": "friends"}), SyncState.SAVED,
         "2025-01-01T00:00:00+00:00", "2025-01-01T00:00:00+00:00")
    )  # fmt: skip
    with store._tx() as conn:
        conn.executemany(
            "INSERT INTO outbox (idempotency_key, teen_id, fields, base_values, state, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
    rejected = store.queue_change("t1", {"search_enabled": False}, {"search_enabled": True}, '"e0"')
    store.mark_rejected(rejected.id, "Not allowed.")
    pending = store.queue_change("t1", {"daily_limit_minutes": 90}, {"daily_limit_minutes": 59}, '"e0"')
    assert len(store.changes("t1")) == 3003

    engine = SyncEngine(api=None, store=store)  # type: ignore[arg-type] - no server call is made here
    kept = store.changes("t1")
    assert len(kept) == 4  # latest saved limit, the comments change, the rejected one, the pending one
    states = engine.field_states("t1")
    assert states["daily_limit_minutes"].state == SyncState.PENDING
    assert states["daily_limit_minutes"].change_id == pending.id
    assert states["comments"].state == SyncState.SAVED
    assert states["search_enabled"].state == SyncState.REJECTED and states["search_enabled"].reason == "Not allowed."
    # Dropping the pending edit shows the limit as saved again: its last saved change was kept.
    store.rebase_change(pending.id, {}, {})
    assert engine.field_states("t1")["daily_limit_minutes"].state == SyncState.SAVED
    # Each later confirmation prunes again, so the outbox stays small however long it is used.
    for minutes in range(61, 561):
        change = store.queue_change("t1", {"daily_limit_minutes": minutes}, {"daily_limit_minutes": 60}, '"e0"')
        store.mark_confirmed(change.id, "t1", {"daily_limit_minutes": minutes}, '"e1"', '"e0"')
    assert len(store.changes("t1")) == 3
    assert engine.field_states("t1")["daily_limit_minutes"].state == SyncState.SAVED
    store.close()


def test_what_the_guardian_sees_never_goes_back_while_changes_are_confirmed(
    store: AccountStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The controls shown are the cache with the open changes laid over it. Read apart, a change
    confirmed between the two reads was in neither, and the page put the old daily limit back
    beside "✓ saved" (a CI run caught it); read as of one moment, what is shown only moves on."""
    import threading
    import time

    from famguard.services import SyncEngine

    engine = SyncEngine(api=None, store=store)  # type: ignore[arg-type] - no server call is made here
    controls = controls_to_json(defaults_for_age(14))
    store.save_controls("t1", {**controls, "daily_limit_minutes": 60}, '"1"')
    # The one stand-in: the sender confirms each change just as the page, having read the cache,
    # reads the outbox (the moment the CI run hit by chance, made to happen every time here).
    queued, between, read = threading.Event(), threading.Event(), threading.Event()
    read_outbox = store.changes

    def outbox_read_late(*args: object, **kwargs: object) -> list:
        if queued.is_set() and threading.current_thread() is threading.main_thread():
            queued.clear()
            between.set()
            time.sleep(0.005)  # the sender's confirmation lands here, unless the store is held
        return read_outbox(*args, **kwargs)

    monkeypatch.setattr(store, "changes", outbox_read_late)
    limits = [60]  # the latest limit the outbox holds, open or confirmed
    done = threading.Event()

    def guardian_and_sender() -> None:
        try:
            for version, minutes in enumerate(range(61, 111), start=2):
                change = store.queue_change("t1", {"daily_limit_minutes": minutes}, {}, f'"{version - 1}"')
                limits.append(minutes)
                queued.set()
                assert between.wait(10)
                between.clear()
                store.mark_confirmed(
                    change.id, "t1", {**controls, "daily_limit_minutes": minutes}, f'"{version}"', f'"{version - 1}"'
                )
                assert read.wait(10)
                read.clear()
        finally:
            done.set()

    writer = threading.Thread(target=guardian_and_sender)
    writer.start()
    went_back = []
    while not done.is_set():
        if not queued.wait(0.01):
            continue
        expected = limits[-1]
        shown, _states = engine.shown("t1")
        if shown.daily_limit_minutes < expected:
            went_back.append((expected, shown.daily_limit_minutes))
        read.set()
    writer.join()
    assert not went_back, f"the old limit was shown again {len(went_back)} times, e.g. {went_back[:3]}"
    assert engine.displayed_controls("t1").daily_limit_minutes == 110


def test_the_changes_not_sent_are_named_by_teen_and_setting(store: AccountStore) -> None:
    """What the quit and sign-out questions and a locked keyring's notice name: each teen's
    settings in the order first changed, the finished ones left out, the count as `unsent_count`."""
    linked = datetime(2026, 1, 1, tzinfo=UTC)
    store.replace_teens([TeenSummary("t1", "Maya", 14, linked), TeenSummary("t2", "Leo", 16, linked)])
    store.queue_change("t1", {"search_enabled": False}, {"search_enabled": True}, None)
    store.queue_change("t2", {"time_away": []}, {"time_away": None}, None)
    store.queue_change("t1", {"comments": "no_one", "search_enabled": True}, {"comments": "friends"}, None)
    saved = store.queue_change("t2", {"downloads": False}, {"downloads": True}, None)
    store.mark_rejected(saved.id, "Not available under 16")
    summary = store.unsent_summary()
    assert summary.count == store.unsent_count() == 3
    assert summary.by_teen == (("Maya", ("search_enabled", "comments")), ("Leo", ("time_away",)))
    assert not_reached_words(summary) == (
        "3 changes have not reached the service yet: Maya's “Search” and “Comments on your teen's videos”; "
        "Leo's “Time away”."
    )


def test_changes_of_a_teen_no_longer_linked_are_set_aside_to_be_told_once(store: AccountStore) -> None:
    """A teen gone from the list: their saved changes go, the waiting, clashing and refused ones
    are set aside by the teen's name (the service would refuse them; a link made again is a new
    consent), to be told once; one on its way stays until its answer, and refused then it is set
    aside with the name the teen had. Nothing is left counted as waiting."""
    linked = datetime(2026, 1, 1, tzinfo=UTC)
    maya, leo = TeenSummary("t1", "Maya", 14, linked), TeenSummary("t2", "Leo", 16, linked)
    store.replace_teens([maya, leo])
    waiting = store.queue_change("t1", {"search_enabled": False}, {"search_enabled": True}, None)
    clash = store.queue_change("t1", {"comments": "no_one"}, {"comments": "friends"}, None)
    store.mark_conflict(clash.id, {"comments": {"mine": "no_one", "theirs": "everyone"}}, "Someone else changed it")
    saved = store.queue_change("t1", {"downloads": False}, {"downloads": True}, None)
    store.mark_confirmed(saved.id, "t1", controls_to_json(defaults_for_age(14)), '"2"', '"1"')
    on_its_way = store.queue_change("t1", {"daily_limit_minutes": 90}, {"daily_limit_minutes": 120}, None)
    assert store.claim(on_its_way.id) is not None
    leos = store.queue_change("t2", {"search_enabled": False}, {"search_enabled": True}, None)

    assert store.replace_teens([leo]) == 2  # Maya unlinked
    assert [c.id for c in store.changes()] == [on_its_way.id, leos.id]
    assert store.unsent_count() == 2 and waiting.id not in {c.id for c in store.changes()}
    assert store.take_not_applied() == [
        NotApplied("t1", "Maya", {"search_enabled": False}),
        NotApplied("t1", "Maya", {"comments": "no_one"}),
    ]
    assert store.take_not_applied() == []  # told once

    store.mark_rejected(on_its_way.id, "Teen not found")  # its answer came after the teen went
    assert store.set_aside_unlinked() == 1 and store.set_aside_unlinked() == 0
    assert store.take_not_applied() == [NotApplied("t1", "Maya", {"daily_limit_minutes": 90})]
    assert store.unsent_count() == 1  # Leo's, still linked

    store.replace_teens([maya, leo])  # linked again: a change made now is kept as any
    store.queue_change("t1", {"search_enabled": True}, {"search_enabled": False}, None)
    assert store.replace_teens([maya, leo]) == 0 and store.unsent_count() == 2


def test_what_was_not_applied_is_said_by_setting_with_the_last_value_asked_for() -> None:
    changes = [
        NotApplied("t1", "Maya", {"daily_limit_minutes": 60}),
        NotApplied("t1", "Maya", {"daily_limit_minutes": 90, "comments": "friends"}),
    ]
    assert not_applied_words(changes) == (
        "Your changes to Maya's controls were not applied",
        "Maya is no longer linked to you, so FamGuard could not set daily screen-time limit to 1 h 30 min and "
        "comments on Maya's videos to Friends.",
    )
    # In the page's order, whichever was set aside first (one refused while on its way comes later).
    later_first = [
        NotApplied("t1", "Maya", {"comments": "friends"}),
        NotApplied("t1", "Maya", {"daily_limit_minutes": 90}),
    ]
    assert not_applied_words(later_first) == not_applied_words(changes)
    one = not_applied_words([NotApplied("t2", "Leo", {"search_enabled": False})])
    assert one == ("Your change to Leo's controls was not applied",
                   "Leo is no longer linked to you, so FamGuard could not set search to Off.")  # fmt: skip


def test_many_changes_are_named_up_to_a_few_and_counted_beyond() -> None:
    fields = ("search_enabled", "comments", "time_away", "downloads", "quiet_hours", "private_account")
    teens = tuple((name, fields[:1]) for name in ("Ana", "Ben", "Cleo", "Dev", "Eli"))
    assert not_reached_words(UnsentSummary(9, (("Maya", fields), *teens))) == (
        "9 changes have not reached the service yet: Maya's “Search”, “Comments on your teen's videos”, "
        "“Time away”, “Downloads of your teen's videos” and 2 more; Ana's “Search”; Ben's “Search”; "
        "settings of 3 more teens."
    )
    assert not_reached_words(2) == "2 changes have not reached the service yet."
