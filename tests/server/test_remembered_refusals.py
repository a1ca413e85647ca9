"""A write budget's refusal remembered by the process (write_budget.SpentBudgets), over real
HTTP against the real server. Found from outside before it: a phone posting usage reports in a
loop past its budget still took the one writer's turn for each refused report (hundreds a
second), and another family's change waited behind them. Now, once the process has seen an
account refused for its minute, its later writes in that minute are refused without a write
transaction: answered while another connection holds the SQLite file's write lock, with exactly
the database's answers on every write route (the same 429 body, Retry-After counting down), and
after authentication as ever (a signed-out or expired token, or the wrong role, is never a 429).
The memory is bounded, and holds only refusals of signed-in accounts.

The controls change's memory on both paths (the SQLite and PostgreSQL fast paths and the route)
is in the parity scenarios of test_controls_write_paths / test_postgres_paths; its end with the
minute in test_write_budget (a phone writes again when its minute is over)."""

from __future__ import annotations

import secrets
import sqlite3
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import requests

from famguard.server.write_budget import WRITES_PER_MINUTE, BudgetSpent, SpentBudgets
from tests.support.accounts import Person, link, make_guardian, make_teen
from tests.support.http import Api
from tests.support.servers import FakeClock, LocalServer, counting_calls

# status, body, Retry-After, WWW-Authenticate
Answer = tuple[int, str, str | None, str | None]
Step = tuple[str, str, str, Person, dict[str, object] | None, dict[str, str] | None]


def _answer(response: requests.Response) -> Answer:
    return (
        response.status_code,
        response.text,
        response.headers.get("Retry-After"),
        response.headers.get("WWW-Authenticate"),
    )


def _call(api: Api, step: Step) -> tuple[str, Answer]:
    label, method, path, person, body, headers = step
    return label, _answer(api.call(method, path, person.token, json=body, headers=headers))


def _spend_budgets(api: Api, alex: Person, maya: Person, today: date, alex_spent: int = 0) -> None:
    """Alex's minute (`alex_spent` of it spent already) on changes of Maya's controls (each
    answer's ETag the next If-Match) and Maya's on usage reports; then each one's next write,
    refused by the database."""
    controls = f"/v1/teens/{maya.id}/controls"
    etag = api.call("GET", controls, alex.token).headers["ETag"]
    for n in range(WRITES_PER_MINUTE - alex_spent + 1):
        changed = api.call(
            "PATCH", controls, alex.token, json={"daily_limit_minutes": 100 + n}, headers={"If-Match": etag}
        )
        assert changed.status_code == (200 if n < WRITES_PER_MINUTE - alex_spent else 429), changed.text
        etag = changed.headers.get("ETag", etag)
    for n in range(WRITES_PER_MINUTE + 1):
        reported = api.call("POST", "/v1/me/usage", maya.token, json={"date": str(today), "minutes": n})
        assert reported.status_code == (200 if n < WRITES_PER_MINUTE else 429), reported.text


def spent_family(api: Api, clock: FakeClock) -> tuple[Person, Person, date]:
    """Alex and Maya, linked; a minute later (the pairing's writes in a minute of their own) each
    spends a whole minute and is refused once by the database. Alex, Maya and Maya's today."""
    alex, maya = make_guardian(api, "Alex"), make_teen(api, "Maya", 14, clock.now.date())
    link(api, alex, maya)
    clock.advance(minutes=1)
    today = date.fromisoformat(api.call("GET", "/v1/me/usage", maya.token).json()["date"])
    _spend_budgets(api, alex, maya, today)
    return alex, maya, today


def _scenario(server: LocalServer, clock: FakeClock, hold_the_database: bool) -> list[tuple[str, Answer]]:
    """Alex and Maya spend their minute and are refused once; 15 s later every write route is
    asked by them (with `hold_the_database`, while another connection holds the SQLite file's
    write lock: answered at once, or the test fails at its deadline); then Maya signs out and
    Alex's token expires, still in the minute. Every answer, labelled."""
    with requests.Session() as session:
        api = Api(session, server.url)
        alex = make_guardian(api, "Alex")
        maya, leo = make_teen(api, "Maya", 14, clock.now.date()), make_teen(api, "Leo", 15, clock.now.date())
        link(api, alex, maya)
        link(api, alex, leo)
        # Alex's access token ends 15 minutes after it was issued: the minute spent begins 30 s
        # before that, so the token expires inside it.
        clock.advance(minutes=14, seconds=30)
        asked = api.call("POST", "/v1/me/time-requests", leo.token, json={"minutes": 15})
        assert asked.status_code == 201, asked.text
        pairing = api.call("POST", "/v1/pairings", alex.token).json()  # spent from Alex's minute too
        day = str(clock.now.date())
        rule: dict[str, object] = {
            "name": "Exams", "starts_on": day, "ends_on": day, "controls": {"daily_limit_minutes": 30}
        }  # fmt: skip
        made = api.call("POST", f"/v1/teens/{maya.id}/temporary-rules", alex.token, json=rule)
        assert made.status_code == 201, made.text
        today = date.fromisoformat(api.call("GET", "/v1/me/usage", maya.token).json()["date"])
        _spend_budgets(api, alex, maya, today, alex_spent=2)
        clock.advance(seconds=15)
        controls = f"/v1/teens/{maya.id}/controls"
        etag = api.call("GET", controls, alex.token).headers["ETag"]
        steps: list[Step] = [
            ("usage report", "POST", "/v1/me/usage", maya, {"date": str(today), "minutes": 5}, None),
            ("time request", "POST", "/v1/me/time-requests", maya, {"minutes": 15}, None),
            ("applied report", "POST", "/v1/me/controls/applied", maya, {"etag": etag}, None),
            ("redeem", "POST", "/v1/pairings/redeem", maya, {"code": pairing["code"]}, None),
            ("accept", "POST", f"/v1/pairings/{pairing['id']}/accept", maya, None, None),
            ("a teen making a code", "POST", "/v1/pairings", maya, None, None),
            ("controls", "PATCH", controls, alex, {"daily_limit_minutes": 31}, {"If-Match": etag}),
            (
                "controls with a key",
                "PATCH",
                controls,
                alex,
                {"daily_limit_minutes": 31},
                {"If-Match": etag, "Idempotency-Key": "k"},
            ),
            ("pairing code", "POST", "/v1/pairings", alex, None, None),
            ("confirm", "POST", f"/v1/pairings/{pairing['id']}/confirm", alex, None, None),
            ("cancel", "DELETE", f"/v1/pairings/{pairing['id']}", alex, None, None),
            ("decision", "POST", f"/v1/time-requests/{asked.json()['id']}/decision", alex, {"approve": True}, None),
            ("temporary rule", "POST", f"/v1/teens/{maya.id}/temporary-rules", alex, rule, None),
            ("rule removed", "DELETE", f"/v1/teens/{maya.id}/temporary-rules/{made.json()['id']}", alex, None, None),
            ("end link", "DELETE", f"/v1/teens/{maya.id}/link", alex, None, None),
            ("a guardian reporting usage", "POST", "/v1/me/usage", alex, {"date": str(today), "minutes": 5}, None),
        ]
        answers = _asked(api, steps, server, hold_the_database)
        # Signing out is never refused; the signed-out token is then refused as signed out.
        answers.append(("sign-out", _answer(api.call("POST", "/v1/auth/logout", maya.token))))
        answers.append(
            _call(api, ("signed out, usage", "POST", "/v1/me/usage", maya, {"date": str(today), "minutes": 5}, None))
        )
        clock.advance(seconds=30)  # Alex's token has expired; Alex's minute has not ended
        answers.append(
            _call(api, ("expired, controls", "PATCH", controls, alex, {"daily_limit_minutes": 32}, {"If-Match": etag}))
        )
        answers.append(_call(api, ("expired, pairing code", "POST", "/v1/pairings", alex, None, None)))
        return answers


def _asked(api: Api, steps: list[Step], server: LocalServer, hold_the_database: bool) -> list[tuple[str, Answer]]:
    if not hold_the_database:
        return [_call(api, step) for step in steps]
    database = server.app.state.service.db
    holder = sqlite3.connect(database.engine.url.database, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # the file's write lock, as another process's write holds it
    try:
        with counting_calls(database, "write", "try_write_now") as writes, ThreadPoolExecutor(1) as pool:
            answered = pool.submit(lambda: [_call(api, step) for step in steps])
            try:
                answers = answered.result(timeout=20)  # a write needing the lock waits 30 s for it
            finally:
                holder.rollback()
        assert writes == []  # and no write transaction was even begun in this process
        return answers
    finally:
        holder.close()


@pytest.mark.parametrize("fast_path", [True, False], ids=["fast-path", "full-route"])
def test_a_remembered_refusal_is_the_databases_answer_without_the_write_lock(tmp_path: Path, fast_path: bool) -> None:
    """The same scenario on a server that remembers refusals, whose over-budget writes are asked
    while another connection holds the write lock, and on one that does not (each refused by the
    database): every answer identical."""
    answers: list[list[tuple[str, Answer]]] = []
    for remembered in (True, False):
        clock = FakeClock()
        with LocalServer(f"sqlite:///{tmp_path / f'{remembered}.sqlite3'}", clock=clock, fast_path=fast_path) as server:
            if not remembered:
                server.app.state.service.spent = SpentBudgets(limit=0)
            answers.append(_scenario(server, clock, hold_the_database=remembered))
    from_memory, from_database = answers
    assert [label for label, _ in from_memory] == [label for label, _ in from_database]
    for (label, kept), (_, refused) in zip(from_memory, from_database, strict=True):
        assert kept == refused, f"{label}: remembered {kept} != by the database {refused}"
    by_label = dict(from_memory)
    over = by_label["usage report"]
    assert over[0] == 429 and '"rate_limited"' in over[1] and over[2] == "45"  # the minute began 15 s ago
    roles = ("a teen making a code", "a guardian reporting usage")
    for label, (status, body, retry_after, _) in by_label.items():
        if label in roles:
            assert status == 403, label  # the wrong role first, as ever
        elif label not in ("sign-out", "signed out, usage") and not label.startswith("expired"):
            assert (status, body, retry_after) == over[:3], label
    assert by_label["sign-out"][0] == 204
    assert by_label["signed out, usage"][0] == 401 and '"unauthorized"' in by_label["signed out, usage"][1]
    for label in ("expired, controls", "expired, pairing code"):
        assert by_label[label][0] == 401 and '"token_expired"' in by_label[label][1], label


def test_a_new_minute_is_written_at_once(tmp_path: Path) -> None:
    """The end of the minute ends the memory: the next write goes to the database and is saved."""
    clock = FakeClock()
    with LocalServer(f"sqlite:///{tmp_path / 's.sqlite3'}", clock=clock) as server, requests.Session() as session:
        api = Api(session, server.url)
        alex, maya, today = spent_family(api, clock)
        assert len(server.app.state.service.spent) == 2
        clock.advance(seconds=59)
        etag = api.call("GET", f"/v1/teens/{maya.id}/controls", alex.token).headers["ETag"]

        def change() -> requests.Response:
            response: requests.Response = api.call(
                "PATCH", f"/v1/teens/{maya.id}/controls", alex.token, json={"daily_limit_minutes": 45},
                headers={"If-Match": etag},
            )  # fmt: skip
            return response

        assert change().headers["Retry-After"] == "1"
        clock.advance(seconds=1)
        assert change().status_code == 200
        assert api.call("POST", "/v1/me/usage", maya.token, json={"date": str(today), "minutes": 7}).status_code == 200
        assert api.call("GET", "/v1/me/usage", maya.token).json()["minutes"] == 7


def test_strangers_tokens_are_never_remembered(tmp_path: Path) -> None:
    """Only a signed-in account's refusal is kept: a flood of made-up tokens on every write route
    is refused as signed out and leaves nothing behind."""
    with LocalServer(f"sqlite:///{tmp_path / 's.sqlite3'}") as server, requests.Session() as session:
        api = Api(session, server.url)
        for _ in range(50):
            token = secrets.token_urlsafe(32)
            assert api.call("POST", "/v1/me/usage", token, json={"date": "2026-11-25", "minutes": 1}).status_code == 401
            assert api.call("POST", "/v1/pairings", token).status_code == 401
        assert len(server.app.state.service.spent) == 0


def test_the_memory_is_bounded_dropping_the_ended_minutes_first_then_the_oldest() -> None:
    start = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
    memory = SpentBudgets(limit=3)

    def refused(token: str, seconds_left: int, now: datetime) -> None:
        memory.remember(token, BudgetSpent("account", now + timedelta(seconds=seconds_left), now), now)

    refused("a", 60, start)
    refused("b", 10, start)
    refused("c", 60, start)
    later = start + timedelta(seconds=20)  # b's minute is over; a's and c's are not
    refused("d", 60, later)
    assert len(memory) == 3
    assert [memory.refused_until(t, later) is not None for t in "abcd"] == [True, False, True, True]
    refused("e", 60, later)  # none ended: the oldest (a) goes
    assert len(memory) == 3
    assert [memory.refused_until(t, later) is not None for t in "acde"] == [False, True, True, True]
    for n in range(1000):  # a thousand refusals more: never more than the limit
        refused(f"t{n}", 60, later)
    assert len(memory) == 3
    assert memory.refused_until("t999", later + timedelta(seconds=59)) is not None
    assert memory.refused_until("t999", later + timedelta(seconds=60)) is None  # it ends with its minute
