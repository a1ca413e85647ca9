"""The core flow on PostgreSQL (psycopg 3): a throw-away cluster in a temporary directory, the
migrations, and accounts, pairing (with concurrent redeems), controls with ETag and idempotency,
usage, time requests, history and a woken long poll against the real server.

Skipped only when PostgreSQL's server programs are absent and FAMGUARD_REQUIRE_POSTGRES is not
set (CI sets it, so there a missing PostgreSQL fails instead)."""

from __future__ import annotations

import os
import random
import tempfile
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import requests
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text

from famguard.server import retention
from famguard.server.db import HEAD_REVISION, Database, make_engine, run_migrations, upgrade_schema
from famguard.server.limits import Limits
from famguard.server.models import Account, Base
from famguard.server.retention import EventRetention
from famguard.server.routes_accounts import ENDED_SIGNIN_KEPT
from famguard.server.secret import SECRET_FILE_ENV
from famguard.server.statements import SessionStatements
from tests.server.test_controls import duplicate_while_the_first_runs, keys_kept_a_day, limit_changes
from tests.server.test_devices import lock_from_everywhere, owners_device, sign_in_from
from tests.server.test_event_retention import retention_scenario
from tests.server.test_server_stop import stop_while_polling
from tests.support.accounts import Family, Person, controls_of, link, make_guardian, make_teen, renew, sign_in
from tests.support.http import Api, BackgroundPoll, all_at_once, assert_error, post_from, redeem_all_at_once
from tests.support.postgres import fresh_database, pg_bin, throwaway_cluster
from tests.support.restart import kill_and_restart_mid_sync
from tests.support.servers import FakeClock, LocalServer

PG_BIN = pg_bin()
if PG_BIN is None and not os.environ.get("FAMGUARD_REQUIRE_POSTGRES"):
    pytest.skip(
        "PostgreSQL's initdb/pg_ctl are not installed (set FAMGUARD_REQUIRE_POSTGRES=1 to fail instead)",
        allow_module_level=True,
    )


@pytest.fixture(scope="module")
def postgres_server() -> Iterator[str]:
    assert PG_BIN is not None, "FAMGUARD_REQUIRE_POSTGRES is set but PostgreSQL is not installed"
    with throwaway_cluster() as url, tempfile.TemporaryDirectory(prefix="famguard-secret-") as directory:
        # The servers' secret (for pairing codes) in a throw-away directory, not the user's data dir.
        previous_secret = os.environ.get(SECRET_FILE_ENV)
        os.environ[SECRET_FILE_ENV] = str(Path(directory) / "server-secret")
        try:
            yield url
        finally:
            if previous_secret is None:
                os.environ.pop(SECRET_FILE_ENV, None)
            else:
                os.environ[SECRET_FILE_ENV] = previous_secret


@pytest.fixture
def pg_url(postgres_server: str) -> str:
    """A fresh, empty database on the throw-away cluster."""
    return fresh_database(postgres_server)


def clocked_server(pg_url: str, clock: FakeClock, *, fast_path: bool = True) -> LocalServer:
    """The reference server in this process on `pg_url`, on the test's clock. These tests make
    more accounts from one address than a real household would."""
    return LocalServer(pg_url, clock=clock, fast_path=fast_path, limits=Limits(signups_per_address=1000))


def alex_and_maya(api: Api, clock: FakeClock) -> Family:
    """Alex, a guardian linked with Maya, 14."""
    family = Family(make_guardian(api, "Alex"), make_teen(api, "Maya", 14, clock.now.date()))
    link(api, family.guardian, family.teen)
    return family


@pytest.fixture
def pg_live(pg_url: str, clock: FakeClock) -> Iterator[Api]:
    with clocked_server(pg_url, clock) as server, requests.Session() as session:
        yield Api(session, server.url)


def test_migrations_build_the_declared_schema_on_postgres(pg_url: str) -> None:
    engine = make_engine(pg_url)
    run_migrations(engine)  # the migrations themselves, not the shortcut of an empty database
    upgrade_schema(engine)  # a second start is a no-op
    with engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
    engine.dispose()


_PG_SCHEMA = {
    "columns": "SELECT table_name, column_name, ordinal_position, data_type, character_maximum_length, "
    "is_nullable, column_default FROM information_schema.columns WHERE table_schema = 'public'",
    "indexes": "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'",
    "constraints": "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
    "WHERE connamespace = 'public'::regnamespace",
    "sequences": "SELECT sequence_name, data_type FROM information_schema.sequences WHERE sequence_schema = 'public'",
    "revision": "SELECT version_num FROM alembic_version",
}


def _pg_schema(url: str) -> dict[str, list[tuple[object, ...]]]:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return {
                name: sorted(tuple(row) for row in connection.execute(text(sql))) for name, sql in _PG_SCHEMA.items()
            }
    finally:
        engine.dispose()


def test_a_new_database_gets_exactly_the_migrated_schema_on_postgres(postgres_server: str) -> None:
    migrated, created = fresh_database(postgres_server), fresh_database(postgres_server)
    for url, build in ((migrated, run_migrations), (created, upgrade_schema)):
        engine = make_engine(url)
        build(engine)
        engine.dispose()
    expected = _pg_schema(migrated)
    assert expected["revision"] == [(HEAD_REVISION,)] and len(expected["indexes"]) > 10
    assert _pg_schema(created) == expected


def test_core_flow_on_postgres(pg_live: Api, clock: FakeClock) -> None:
    api = pg_live
    alex, jordan = make_guardian(api, "Alex"), make_guardian(api, "Jordan")
    maya = make_teen(api, "Maya", 14, clock.now.date())
    link(api, alex, maya)
    link(api, jordan, maya, approver=alex)
    body, etag = controls_of(api, alex, maya)
    assert body["direct_messages"] == "no_one"
    refused = api.call(
        "PATCH", f"/v1/teens/{maya.id}/controls", alex.token, json={"comments": "everyone"}, headers={"If-Match": etag}
    )
    assert "comments" in assert_error(refused, 422, "validation_failed")["fields"]
    headers = {"If-Match": etag, "Idempotency-Key": "pg-1"}
    changed = api.call(
        "PATCH", f"/v1/teens/{maya.id}/controls", alex.token, json={"daily_limit_minutes": 90}, headers=headers
    )
    replay = api.call(
        "PATCH", f"/v1/teens/{maya.id}/controls", alex.token, json={"daily_limit_minutes": 90}, headers=headers
    )
    assert changed.status_code == replay.status_code == 200 and replay.headers["ETag"] == changed.headers["ETag"]
    stale = api.call(
        "PATCH",
        f"/v1/teens/{maya.id}/controls",
        jordan.token,
        json={"daily_limit_minutes": 40},
        headers={"If-Match": etag},
    )
    assert_error(stale, 412, "precondition_failed")
    today = str(clock.now.date())
    for minutes in (10, 25):
        assert api.call("POST", "/v1/me/usage", maya.token, json={"date": today, "minutes": minutes}).status_code == 200
    asked = api.call("POST", "/v1/me/time-requests", maya.token, json={"minutes": 20, "reason": "Project"}).json()
    api.call("POST", f"/v1/time-requests/{asked['id']}/decision", jordan.token, json={"approve": True})
    days = api.call("GET", f"/v1/teens/{maya.id}/usage", alex.token).json()["days"]
    assert days[-1] == {"date": today, "minutes": 25, "limit_minutes": 110, "extra_minutes": 20}
    history = api.call("GET", f"/v1/teens/{maya.id}/activity", alex.token).json()
    assert [(e["kind"], e["field"]) for e in history[:3]] == [
        ("time_request", "approved"),
        ("time_request", "requested"),
        ("controls", "daily_limit_minutes"),
    ]
    # another family's teen is out of reach
    other = make_guardian(api, "Other")
    assert_error(api.call("GET", f"/v1/teens/{maya.id}/controls", other.token), 404, "not_found")


def test_a_signed_out_sign_in_is_forgotten_a_day_later_on_postgres(pg_live: Api, pg_url: str, clock: FakeClock) -> None:
    """tests/server/test_ended_signins.py's rule through PostgreSQL's plan of its query."""
    alex = make_guardian(pg_live, "Alex")
    signed_out = alex.refresh_token
    assert pg_live.call("POST", "/v1/auth/logout", alex.token).status_code == 204
    clock.advance(seconds=ENDED_SIGNIN_KEPT.total_seconds() + 60)
    sign_in(pg_live, alex.email)
    engine = make_engine(pg_url)
    with engine.connect() as connection:
        kept = connection.execute(
            text("SELECT count(*) FROM signins s JOIN tokens t ON t.signin_id = s.id WHERE s.account_id = :a"),
            {"a": alex.id},
        ).scalar_one()
    engine.dispose()
    assert kept == 2, "only the new sign-in's two tokens"
    refused = pg_live.call("POST", "/v1/auth/refresh", json={"refresh_token": signed_out})
    assert_error(refused, 401, "unauthorized")


def test_concurrent_redeems_and_a_woken_poll_on_postgres(pg_live: Api, clock: FakeClock) -> None:
    api = pg_live
    guardian = make_guardian(api)
    teens = [make_teen(api, f"Teen{n}", 15, clock.now.date()) for n in range(20)]
    code = api.call("POST", "/v1/pairings", guardian.token).json()
    statuses = [status for _teen, status in redeem_all_at_once(api, teens, code["code"])]
    assert sorted(statuses) == [200] + [409] * 19

    teen = make_teen(api, "Maya", 14, clock.now.date())
    link(api, guardian, teen)
    cursor = api.call("GET", "/v1/events", guardian.token).json()["cursor"]
    poll = BackgroundPoll(api, guardian, cursor)
    started = time.monotonic()
    api.call("POST", "/v1/me/time-requests", teen.token, json={"minutes": 15, "reason": ""})
    assert [e["type"] for e in poll.join()] == ["time_requested"]
    assert poll.answered_at - started < 1.0


@pytest.mark.parametrize("workers", [1, 2])
def test_a_signal_answers_waiting_polls_and_the_server_stops_cleanly_on_postgres(
    pg_url: str, tmp_path: Path, workers: int
) -> None:
    """The poll waits on the event hub's LISTEN connection; SIGTERM answers it at once."""
    stop_while_polling(LocalServer(pg_url, own_process=True, workers=workers, output=tmp_path / "log"))


def test_receipts_and_temporary_rules_on_postgres(pg_live: Api, clock: FakeClock) -> None:
    api = pg_live
    alex = make_guardian(api, "Alex")
    maya = make_teen(api, "Maya", 14, clock.now.date())
    link(api, alex, maya)
    rule = {
        "name": "Exams",
        "starts_on": "2026-11-25",
        "ends_on": "2026-11-27",
        "controls": {"daily_limit_minutes": 30},
    }
    created = api.call("POST", f"/v1/teens/{maya.id}/temporary-rules", alex.token, json=rule)
    assert created.status_code == 201 and created.json()["status"] == "active"
    clash = api.call("POST", f"/v1/teens/{maya.id}/temporary-rules", alex.token, json={**rule, "name": "Clash"})
    assert "starts_on" in assert_error(clash, 422, "validation_failed")["fields"]
    mine = api.call("GET", "/v1/me/controls", maya.token)
    assert mine.json()["daily_limit_minutes"] == 30
    assert (
        api.call("POST", "/v1/me/controls/applied", maya.token, json={"etag": mine.headers["ETag"]}).status_code == 204
    )
    phone = api.call("GET", f"/v1/teens/{maya.id}/phone", alex.token).json()
    assert phone["up_to_date"] is True and phone["applied_etag"] == mine.headers["ETag"]
    api.call("DELETE", f"/v1/teens/{maya.id}/temporary-rules/{created.json()['id']}", alex.token)
    assert api.call("GET", f"/v1/teens/{maya.id}/phone", alex.token).json()["up_to_date"] is False
    steps = [e["field"] for e in api.call("GET", "/v1/me/activity", maya.token).json() if e["kind"] == "temporary_rule"]
    assert steps == ["ended_early", "started", "created"]


def test_parallel_wrong_passwords_through_two_server_processes_check_at_most_five(pg_url: str) -> None:
    """The probe: on PostgreSQL with 2 processes all 60 of a burst were checked. The attempt is
    now counted under an advisory lock in the transaction that checks the limit."""
    with LocalServer(pg_url, own_process=True) as one, LocalServer(pg_url, own_process=True) as two:
        with requests.Session() as session:
            owner = make_guardian(Api(session, one.url))
        body = {"email": owner.email, "password": "not the password"}
        burst = [(lambda url=url: post_from(url, "/v1/auth/token", body)[0]) for url in [one.url, two.url] * 30]
        statuses = all_at_once(burst)
    assert statuses.count(401) <= 5, statuses
    assert set(statuses) <= {401, 429}


def test_the_owners_device_passes_the_account_lock_across_two_server_processes(pg_url: str) -> None:
    """Known devices (famguard.server.devices) on PostgreSQL, one database, two processes: the lock
    made through one process holds on the other for a new device and not for the owner's; a burst
    of wrong passwords with a stolen device token through both checks at most five."""
    with LocalServer(pg_url, own_process=True) as one, LocalServer(pg_url, own_process=True) as two:
        with requests.Session() as session:
            owner = make_guardian(Api(session, one.url))
        device, stolen = owners_device(two.url, owner.email), owners_device(one.url, owner.email)
        lock_from_everywhere(one.url, owner.email)
        assert sign_in_from(two.url, owner.email, "127.0.2.1")[0] == 429
        status, reply = sign_in_from(two.url, owner.email, "127.0.2.1", device=device)
        assert status == 200, reply
        burst = [
            (lambda url=url, n=n: sign_in_from(url, owner.email, f"127.0.6.{n + 1}", f"guess {n}", stolen)[0])
            for n, url in enumerate([one.url, two.url] * 20)
        ]
        statuses = all_at_once(burst)
        assert statuses.count(401) <= 5, statuses
        assert sign_in_from(one.url, owner.email, "127.0.2.2", device=stolen)[0] == 429
        assert sign_in_from(one.url, owner.email, "127.0.2.2", device=reply["device_token"])[0] == 200


def test_a_duplicate_sent_while_the_first_runs_gets_its_answer_on_postgres(pg_url: str, clock: FakeClock) -> None:
    """On PostgreSQL the duplicate's claim waits for the first's transaction (its INSERT of the
    same key), then finds the answer it stored."""
    with clocked_server(pg_url, clock) as server, requests.Session() as a, requests.Session() as b:
        first, second = Api(a, server.url), Api(b, server.url)
        duplicate_while_the_first_runs(first, second, server.app.state.service, alex_and_maya(first, clock))


def test_keys_are_kept_a_day_on_postgres(pg_url: str, clock: FakeClock) -> None:
    """On PostgreSQL the older keys go in the statement that keeps the answer."""
    with clocked_server(pg_url, clock) as server, requests.Session() as s:
        api = Api(s, server.url)
        keys_kept_a_day(api, server.app.state.service, alex_and_maya(api, clock), clock)


def test_changes_reusing_day_old_keys_wait_for_no_other_request_on_postgres(pg_url: str, clock: FakeClock) -> None:
    """An account's keys older than a day are deleted by its later changes. Deleted in the claim's
    statement, two changes reusing two day-old keys (one to Maya, one to Sam) each held its own
    and waited for the other's: PostgreSQL broke the deadlock by failing one (500; an outside
    tester). Now the old rows are deleted at the end, passing over any another request holds.
    The test holds a third day-old key's row, as a third change of the account mid-statement
    would: both changes are answered while it is held. The FastAPI route (fast path off)
    answers what it meets; the fast path hands a failure on to it."""
    with clocked_server(pg_url, clock, fast_path=False) as server, requests.Session() as s:
        api = Api(s, server.url)
        alex = make_guardian(api, "Alex")
        maya, sam = make_teen(api, "Maya", 14, clock.now.date()), make_teen(api, "Sam", 15, clock.now.date())
        link(api, alex, maya)
        link(api, alex, sam)
        for teen, key in ((maya, "held"), (maya, "k1"), (sam, "k2")):
            path = f"/v1/teens/{teen.id}/controls"
            headers = {"If-Match": controls_of(api, alex, teen)[1], "Idempotency-Key": key}
            assert api.call("PATCH", path, alex.token, json={"daily_limit_minutes": 70}, headers=headers).ok
        clock.advance(hours=25)
        renew(api, alex)
        answers: dict[str, int] = {}

        def change(teen: Person, key: str) -> None:
            with requests.Session() as own:
                mine = Api(own, server.url)
                headers = {"If-Match": controls_of(mine, alex, teen)[1], "Idempotency-Key": key}
                path, body = f"/v1/teens/{teen.id}/controls", {"daily_limit_minutes": 55}
                answers[key] = mine.call("PATCH", path, alex.token, json=body, headers=headers).status_code

        engine = make_engine(pg_url)
        try:
            with engine.connect() as holder:
                holder.execute(
                    text("SELECT 1 FROM idempotency_keys WHERE account_id = :a AND key = 'held' FOR UPDATE"),
                    {"a": alex.id},
                )
                both = [threading.Thread(target=change, args=pair) for pair in ((maya, "k1"), (sam, "k2"))]
                for thread in both:
                    thread.start()
                for thread in both:
                    thread.join(10)
                answered_while_held = dict(answers)
                holder.rollback()
        finally:
            engine.dispose()
        assert answered_while_held == {"k1": 200, "k2": 200}, answers
        for teen in (maya, sam):
            assert controls_of(api, alex, teen)[0]["daily_limit_minutes"] == 55


def test_a_change_that_loses_a_race_is_told_the_version_that_won_on_postgres(pg_url: str, clock: FakeClock) -> None:
    """Two guardians change Maya's controls from the same version at the same moment: one is
    saved, the other refused (412) with the ETag of the version that won, as every 412 carries
    (API.md) — a client reads that version and rebases. Before, a change that lost the race
    between its read and its write got a 412 with no ETag (an outside tester: 56 of 95). The
    test holds Maya's controls row until both changes have read it."""
    with clocked_server(pg_url, clock, fast_path=False) as server, requests.Session() as http:
        first = Api(http, server.url)
        alex, jordan = make_guardian(first, "Alex"), make_guardian(first, "Jordan")
        maya = make_teen(first, "Maya", 14, clock.now.date())
        link(first, alex, maya)
        link(first, jordan, maya, approver=alex)
        etag = controls_of(first, alex, maya)[1]
        answers: list[requests.Response] = []

        def change(guardian: Person, minutes: int) -> None:
            with requests.Session() as own:
                path, body = f"/v1/teens/{maya.id}/controls", {"daily_limit_minutes": minutes}
                answers.append(
                    Api(own, server.url).call("PATCH", path, guardian.token, json=body, headers={"If-Match": etag})
                )

        engine = make_engine(pg_url)
        try:
            with engine.connect() as holder, engine.connect() as watcher:
                holder.execute(text("SELECT 1 FROM controls WHERE teen_id = :teen FOR UPDATE"), {"teen": maya.id})
                both = [threading.Thread(target=change, args=pair) for pair in ((alex, 90), (jordan, 45))]
                for thread in both:
                    thread.start()
                waiting = "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                deadline = time.monotonic() + 10
                while watcher.execute(text(waiting)).scalar() < 2:
                    assert time.monotonic() < deadline, "the two changes never both reached the held row"
                    time.sleep(0.02)
                holder.rollback()
                for thread in both:
                    thread.join(10)
        finally:
            engine.dispose()
        [saved] = [a for a in answers if a.status_code == 200]
        [refused] = [a for a in answers if a.status_code == 412]
        assert refused.headers.get("ETag") == saved.headers["ETag"], refused.headers
        assert "changed meanwhile" in refused.json()["error"]["message"]
        assert controls_of(first, alex, maya)[1] == saved.headers["ETag"]


def test_a_server_killed_twice_mid_sync_on_postgres_loses_nothing(pg_url: str) -> None:
    server = LocalServer(pg_url, own_process=True)
    with server:
        figures = kill_and_restart_mid_sync(server)
    print(f"server killed mid-sync on PostgreSQL: {figures}")


def _send(url: str, token: str, headers: dict[str, str], outcome: list[object]) -> None:
    try:
        answer = requests.patch(
            url, json={"daily_limit_minutes": 90}, headers={"Authorization": f"Bearer {token}", **headers}, timeout=30
        )
        outcome.append(answer.status_code)
    except requests.ConnectionError as lost:
        outcome.append(lost)


def test_a_change_killed_with_its_server_is_made_at_once_when_sent_again_on_postgres(pg_url: str) -> None:
    """A server killed in the middle of a keyed change holds no key after it: the app's retry of
    the same change, sent to the restarted server, is made at once. (Servers before this one
    claimed the key in a transaction of its own, which outlived the kill: the retry was refused as
    "already being processed" for a minute, and the guardian saw "saving…" as long.) The kill lands
    inside the change every time: the test holds the teen's controls row, so the server's change
    waits on that lock, its key claimed, until the server is killed."""
    server = LocalServer(pg_url, own_process=True)
    with server, requests.Session() as http:
        api = Api(http, server.url)
        alex, maya = make_guardian(api, "Alex"), make_teen(api, "Maya", 14)
        link(api, alex, maya)
        _body, etag = controls_of(api, alex, maya)
        path, headers = f"/v1/teens/{maya.id}/controls", {"If-Match": etag, "Idempotency-Key": "killed-with-it"}
        engine = make_engine(pg_url)
        try:
            with engine.connect() as holder, engine.connect() as watcher:
                holder.execute(text("SELECT 1 FROM controls WHERE teen_id = :teen FOR UPDATE"), {"teen": maya.id})
                outcome: list[object] = []
                first = threading.Thread(target=_send, args=(server.url + path, alex.token, headers, outcome))
                first.start()
                waiting = "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                deadline = time.monotonic() + 10
                while watcher.execute(text(waiting)).scalar() == 0:
                    assert time.monotonic() < deadline, "the server's change never reached the held row"
                    time.sleep(0.02)
                server.kill()
                holder.rollback()
        finally:
            engine.dispose()
            first.join(10)
        assert len(outcome) == 1 and isinstance(outcome[0], requests.ConnectionError), outcome  # never answered
        server.start()
        again = api.call("PATCH", path, alex.token, json={"daily_limit_minutes": 90}, headers=headers)
        assert again.status_code == 200, again.text
        assert again.json()["daily_limit_minutes"] == 90
        assert limit_changes(api, alex, maya) == [(60, 90)]  # made once


def test_old_events_go_and_a_cursor_behind_them_is_told_on_postgres(pg_url: str) -> None:
    retention_scenario(pg_url)


def test_processes_deleting_old_events_at_once_while_changes_come_keep_every_numbering(
    pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`--workers N`: every process makes its own passes of the deletion of old events, at the same
    time as the changes of all of them. Three passes at once (each with its own connections, as
    three processes have) while events are published: no error and no deadlock; every old event
    goes but an account's newest (five quiet accounts get nothing new: their newest is old); each
    account's numbers are unbroken from what is kept to the number of events it was sent (nothing
    restarted, nothing skipped)."""
    monkeypatch.setattr(retention, "BATCH_EVENTS", 40)  # many small batches, to interleave
    monkeypatch.setattr(retention, "BATCH_PAUSE_SECONDS", 0)
    now = datetime(2026, 12, 4, tzinfo=UTC)
    accounts = [f"a{n:02d}" for n in range(30)]
    sent = dict.fromkeys(accounts, 0)
    chooser = random.Random(7)
    databases = [Database(make_engine(pg_url)) for _ in range(4)]
    upgrade_schema(databases[0].engine)
    writer = databases[0]
    with writer.write() as session:
        session.add_all(
            Account(id=a, email=f"{a}@example.org", password_hash="-", display_name=a, role="guardian", created_at=now)
            for a in accounts
        )
    with writer.write() as session:
        statements = SessionStatements(session)
        for n in range(2000):
            audience = chooser.sample(accounts, 2)
            statements.publish(now - timedelta(days=40) + timedelta(seconds=n), "old", None, {}, audience)
            for a in audience:
                sent[a] += 1
    errors: list[str] = []

    def delete(database: Database) -> None:
        try:
            for _ in range(2):
                EventRetention(database, lambda: now).delete_old()
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(repr(exc))

    def publish() -> None:
        try:
            for n in range(200):
                audience = chooser.sample(accounts[5:], 3)  # the first five get nothing new: quiet
                with writer.write() as session:
                    SessionStatements(session).publish(now - timedelta(seconds=200 - n), "new", None, {}, audience)
                for a in audience:
                    sent[a] += 1
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(repr(exc))

    threads = [threading.Thread(target=delete, args=(d,)) for d in databases[1:]] + [threading.Thread(target=publish)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    try:
        assert not errors and not any(thread.is_alive() for thread in threads), errors
        EventRetention(writer, lambda: now).delete_old()  # what a pass finds after the publishing
        with writer.read() as session:
            numbers = session.execute(
                text("SELECT account_id, MIN(seq), MAX(seq), COUNT(*) FROM event_recipients GROUP BY account_id")
            ).all()
            old_rows = session.execute(
                text("SELECT COUNT(*) FROM event_recipients r JOIN events e ON e.id = r.event_id WHERE e.type = 'old'")
            ).scalar()
        assert {a: (top, count, top - low + 1) for a, low, top, count in numbers} == {
            a: (sent[a], count, count) for a, _, _, count in numbers
        }
        assert len(numbers) == len(accounts)
        assert old_rows <= len(accounts)  # at most each account's newest, when nothing newer came to it
        quiet = {a: (low, top) for a, low, top, _ in numbers if a in accounts[:5]}
        assert quiet == {a: (sent[a], sent[a]) for a in accounts[:5]}  # only its newest, kept
    finally:
        for database in databases:
            database.dispose()
