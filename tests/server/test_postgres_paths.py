"""The PostgreSQL fast paths of GET and PATCH controls (fastpath_pg.py) against the FastAPI
routes, on a throw-away cluster: the read and change scenarios of test_controls_read_paths and
test_controls_write_paths (every refusal, If-Match/If-None-Match, age rules, a teen turning 18,
a key) give identical statuses, bodies and ETags, and leave the same history and events, and a
repeated header means its first value on both (test_repeated_headers); the fast path really
answers when it is on. And per-account event numbers under parallel changes:
many guardians changing their teens at once through two server processes (no table lock any
more) leave every account numbers 1, 2, 3… without a gap or a repeat, and a poll waiting in one
process gets the other process's change at once. And a remembered refusal of the write budget is
answered while another connection holds the account's budget row.

Skipped (with test_postgres, whose cluster it uses) only when PostgreSQL's server programs are
absent and FAMGUARD_REQUIRE_POSTGRES is not set (CI sets it)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
import requests
from sqlalchemy import text

from famguard.server.db import make_engine
from tests.server import test_controls_read_paths as read_paths
from tests.server import test_controls_write_paths as write_paths
from tests.server import test_repeated_headers as repeated_headers
from tests.server.test_postgres import postgres_server  # noqa: F401 - the fixture (and its skip without PostgreSQL)
from tests.server.test_remembered_refusals import spent_family
from tests.support.accounts import link, make_guardian, make_teen
from tests.support.http import Api, BackgroundPoll
from tests.support.postgres import fresh_database
from tests.support.servers import FakeClock, LocalServer, counting_calls

pytestmark = pytest.mark.slow


def test_both_paths_answer_every_controls_read_alike_on_postgres(postgres_server: str) -> None:  # noqa: F811 - the fixture
    answers = read_paths.assert_answers_agree(
        read_paths._run(fresh_database(postgres_server), fast_path=True),
        read_paths._run(fresh_database(postgres_server), fast_path=False),
    )
    assert answers["valid"][0] == 200 and answers["if-none-match current"][0] == 304
    assert answers["another family's teen"][0] == 404 and answers["revoked sign-in"][0] == 401
    assert answers["18 today in the teen's time zone"][0] == 404


def test_both_paths_answer_every_controls_change_alike_on_postgres(postgres_server: str) -> None:  # noqa: F811 - the fixture
    answers, _, fast_events = write_paths.assert_paths_agree(
        (fresh_database(postgres_server), fresh_database(postgres_server), fresh_database(postgres_server))
    )
    assert answers["valid"][0] == 200 and answers["valid"][2] == '"2"'
    assert answers["stale if-match"][0] == 412 and answers["age rule"][0] == 422
    assert answers["18 today in the teen's time zone"][0] == 404
    assert answers["over the write budget"][3] == "60" and answers["over the budget, again"][3] == "50"
    assert answers["over the budget, nothing changes"][0] == 200 and answers["over the budget, a new key"][0] == 429
    assert [e["type"] for e in fast_events].count("controls_changed") == 8


def test_a_repeated_header_means_its_first_value_on_both_paths_on_postgres(postgres_server: str) -> None:  # noqa: F811 - the fixture
    answers = read_paths.assert_answers_agree(
        repeated_headers._run(fresh_database(postgres_server), fast_path=True),
        repeated_headers._run(fresh_database(postgres_server), fast_path=False),
    )
    assert answers["controls, junk token then valid"][0] == "HTTP/1.1 401 Unauthorized"
    assert answers["controls, valid token then junk"][0] == "HTTP/1.1 200 OK"
    assert answers["controls, current tag then stale"][0] == "HTTP/1.1 304 Not Modified"


@pytest.mark.parametrize("fast_path", [True, False], ids=["fast-path", "full-route"])
def test_the_switch_decides_who_answers_on_postgres(postgres_server: str, fast_path: bool) -> None:  # noqa: F811 - the fixture
    """With the fast path on, an allowed read, a change without a key, and a change with one (what
    the app sends) and its replay open no ORM session."""
    clock = FakeClock()
    with LocalServer(fresh_database(postgres_server), clock=clock, fast_path=fast_path) as server:
        api = Api(requests.Session(), server.url)
        alex = make_guardian(api)
        maya = make_teen(api, "Maya", 14, clock.now.date())
        link(api, alex, maya)
        path = f"/v1/teens/{maya.id}/controls"
        with counting_calls(server.app.state.service.db, "read", "write") as sessions:
            assert api.call("GET", path, alex.token).status_code == 200
            changed = api.call("PATCH", path, alex.token, json={"daily_limit_minutes": 75}, headers={"If-Match": '"1"'})
            assert changed.status_code == 200 and changed.headers["ETag"] == '"2"'
            keyed = {"If-Match": '"2"', "Idempotency-Key": "app-1"}
            for _ in range(2):  # the change, then its replay
                answer = api.call("PATCH", path, alex.token, json={"daily_limit_minutes": 80}, headers=keyed)
                assert answer.status_code == 200 and answer.headers["ETag"] == '"3"'
        assert len(sessions) == (0 if fast_path else 4)


def test_parallel_changes_through_two_processes_number_each_accounts_events_densely(postgres_server: str) -> None:  # noqa: F811 - the fixture
    url = fresh_database(postgres_server)
    with (
        LocalServer(url, own_process=True) as first,
        LocalServer(url, own_process=True) as second,
        requests.Session() as setup,
    ):
        api = Api(setup, first.url)
        families = []
        shared = make_guardian(api, "Shared")  # in every family: its numbers see every change
        for n in range(6):
            guardian = make_guardian(api, f"G{n}")
            teen = make_teen(api, f"T{n}", 14, date.today())
            link(api, guardian, teen)
            link(api, shared, teen, approver=guardian)
            families.append((guardian, teen))
        cursor = api.call("GET", "/v1/events", shared.token).json()["cursor"]
        # A poll waiting in the second process gets a change made through the first at once.
        poll = BackgroundPoll(Api(requests.Session(), second.url), shared, cursor, wait=20)
        changed = api.call(
            "PATCH",
            f"/v1/teens/{families[0][1].id}/controls",
            families[0][0].token,
            json={"daily_limit_minutes": 95},
            headers={"If-Match": '"1"'},
        )
        assert changed.status_code == 200
        # (it would wait 20 s otherwise)
        assert [e["type"] for e in poll.join(timeout=5)] == ["controls_changed"]

        def change_many(index: int) -> list[int]:
            guardian, teen = families[index]
            server = first if index % 2 else second
            with requests.Session() as session:
                mine = Api(session, server.url)
                etag, statuses = '"2"' if index == 0 else '"1"', []
                for step in range(8):
                    answer = mine.call(
                        "PATCH",
                        f"/v1/teens/{teen.id}/controls",
                        guardian.token,
                        json={"daily_limit_minutes": 100 + step},  # each one a change
                        headers={"If-Match": etag},
                    )
                    statuses.append(answer.status_code)
                    etag = answer.headers.get("ETag", etag)
                return statuses

        with ThreadPoolExecutor(len(families)) as pool:
            statuses = [status for result in pool.map(change_many, range(len(families))) for status in result]
        assert statuses == [200] * len(statuses)

    engine = make_engine(url)
    with engine.connect() as connection:
        numbers = connection.execute(
            text("SELECT account_id, array_agg(seq ORDER BY seq) FROM event_recipients GROUP BY account_id")
        ).all()
    engine.dispose()
    for _account, seqs in numbers:
        assert seqs == list(range(1, len(seqs) + 1))
    counts = {account: len(seqs) for account, seqs in numbers}
    assert counts[shared.id] == int(cursor) + 1 + 6 * 8  # every change reached the shared guardian


def test_a_remembered_refusal_is_answered_while_the_budget_rows_are_locked_on_postgres(postgres_server: str) -> None:  # noqa: F811 - the fixture
    """On PostgreSQL a write's turn is a transaction holding its account's budget row: while
    another connection holds Alex's and Maya's rows, their remembered refusals (write_budget.
    SpentBudgets) are answered at once — a change on the fast path and a usage report on the
    route — where a write counting in the database would wait for the row."""
    url = fresh_database(postgres_server)
    clock = FakeClock()
    with LocalServer(url, clock=clock) as server, requests.Session() as session:
        api = Api(session, server.url)
        alex, maya, today = spent_family(api, clock)
        etag = api.call("GET", f"/v1/teens/{maya.id}/controls", alex.token).headers["ETag"]
        engine = make_engine(url)
        try:
            with engine.connect() as holder, holder.begin():
                holder.execute(
                    text("SELECT spent FROM write_budgets WHERE account_id IN (:a, :m) FOR UPDATE"),
                    {"a": alex.id, "m": maya.id},
                ).all()
                with counting_calls(server.app.state.service.db, "write") as writes, ThreadPoolExecutor(1) as pool:
                    asked = pool.submit(
                        lambda: [
                            api.call(
                                "PATCH",
                                f"/v1/teens/{maya.id}/controls",
                                alex.token,
                                json={"daily_limit_minutes": 31},
                                headers={"If-Match": etag},
                            ).status_code,
                            api.call(
                                "POST", "/v1/me/usage", maya.token, json={"date": str(today), "minutes": 5}
                            ).status_code,
                        ]  # fmt: skip
                    )
                    try:
                        assert asked.result(timeout=20) == [429, 429]  # a write of the row waits for it
                    finally:
                        holder.rollback()
                assert writes == []
        finally:
            engine.dispose()
