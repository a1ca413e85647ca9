"""The two paths of PATCH /v1/teens/{id}/controls — the SQLite fast write path in front of
FastAPI and the FastAPI route — answer alike and leave the same traces. One scenario (changes,
a change that changes nothing, stale/missing/listed/overlong If-Match, age rules, unknown and
out-of-range values, bodies that are not JSON objects or not JSON, another content type, every
kind of token, another family's teen, an unlinked teen, a teen turning 18 in the teen's time
zone, an Idempotency-Key) runs over real HTTP against a server with the fast path and one
without, each on its own fresh database and clock; every status, body and ETag must be
identical, and so must the history and the event feed it leaves. And the fast path really
answers when it is on."""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

import pytest
import requests

from famguard.domain.controls import controls_from_json, controls_to_json
from famguard.server import controls_write
from famguard.server.write_budget import WRITES_PER_MINUTE, SpentBudgets
from tests.server.test_controls_read_paths import assert_answers_agree
from tests.support.accounts import Person, link, make_guardian, make_teen, renew
from tests.support.http import Api
from tests.support.servers import FakeClock, LocalServer, counting_calls

Answer = tuple[int, str, str | None, str | None]


def _patch(
    api: Api,
    teen: Person | str,
    token: str | None,
    body: Any,  # noqa: ANN401 - any JSON value, or raw bytes
    if_match: str | None,
    headers: dict[str, str] | None = None,
    fourth: str = "WWW-Authenticate",
) -> Answer:
    """Status, body, ETag and the header `fourth`."""
    teen_id = teen if isinstance(teen, str) else teen.id
    all_headers = {"Content-Type": "application/json", **(headers or {})}
    if if_match is not None:
        all_headers["If-Match"] = if_match
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    response = api.call("PATCH", f"/v1/teens/{teen_id}/controls", token, content=content, headers=all_headers)
    return (
        response.status_code,
        response.text,
        response.headers.get("ETag"),
        response.headers.get(fourth),
    )


def _scenario(api: Api, clock: FakeClock) -> tuple[list[tuple[str, Answer]], list[Any], list[Any]]:
    """Every request, labelled, with its answer; then Maya's history and Alex's events, with
    the random account ids replaced by names."""
    today = clock.now.date()
    alex = make_guardian(api, "Alex")
    jordan = make_guardian(api, "Jordan")
    maya = make_teen(api, "Maya", 14, today)
    link(api, alex, maya)
    link(api, jordan, maya, approver=alex)
    bea = make_guardian(api, "Bea")
    tom = make_teen(api, "Tom", 15, today)
    link(api, bea, tom)
    ann = make_teen(api, "Ann", 13, today)
    link(api, alex, ann)
    kim = make_teen(api, "Kim", 18, today, days_since_birthday=-1)  # 18 tomorrow in UTC
    link(api, alex, kim)
    cursor = api.call("GET", "/v1/events", alex.token).json()["cursor"]
    names = {p.id: p.name for p in (alex, jordan, maya, bea, tom, ann, kim)}

    limit = {"daily_limit_minutes": 90}
    answers: list[tuple[str, Answer]] = [
        ("valid", _patch(api, maya, alex.token, limit, '"1"')),
        ("nothing changes", _patch(api, maya, alex.token, limit, '"2"')),
        ("two fields", _patch(api, maya, jordan.token, {"comments": "friends", "search_enabled": False}, '"2"')),
        ("stale if-match", _patch(api, maya, alex.token, {"daily_limit_minutes": 30}, '"2"')),
        ("if-match in a list", _patch(api, maya, alex.token, {"daily_limit_minutes": 30}, '"9", "3"')),
        ("no if-match", _patch(api, maya, alex.token, limit, None)),
        ("if-match too long", _patch(api, maya, alex.token, limit, '"1",' * 60)),
        ("age rule", _patch(api, maya, alex.token, {"direct_messages": "everyone"}, '"4"')),
        ("out of range", _patch(api, maya, alex.token, {"daily_limit_minutes": -5}, '"4"')),
        ("unknown control", _patch(api, maya, alex.token, {"volume": 11}, '"4"')),
        ("a list, not an object", _patch(api, maya, alex.token, [1, 2], '"4"')),
        ("not json", _patch(api, maya, alex.token, b"{daily_limit", '"4"')),
        ("empty body", _patch(api, maya, alex.token, b"", '"4"')),
        ("form content type", _patch(api, maya, alex.token, limit, '"4"', {"Content-Type": "text/plain"})),
        ("no token", _patch(api, maya, None, limit, '"4"')),
        ("not a token", _patch(api, maya, "not-a-token", limit, '"4"')),
        ("refresh token", _patch(api, maya, alex.refresh_token, limit, '"4"')),
        ("teen token", _patch(api, maya, maya.token, limit, '"4"')),
        ("another family's teen", _patch(api, tom, alex.token, limit, '"1"')),
        ("unknown teen", _patch(api, "0" * 32, alex.token, limit, '"1"')),
        ("a guardian id", _patch(api, bea.id, alex.token, limit, '"1"')),
    ]
    keyed = {"Idempotency-Key": "parity-1"}
    answers.append(("with a key", _patch(api, maya, alex.token, {"daily_limit_minutes": 45}, '"4"', keyed)))
    answers.append(("the key replayed", _patch(api, maya, alex.token, {"daily_limit_minutes": 45}, '"4"', keyed)))
    answers.append(("the key, another body", _patch(api, maya, alex.token, {"daily_limit_minutes": 50}, '"5"', keyed)))
    answers.append(("the key, no if-match", _patch(api, maya, alex.token, {"daily_limit_minutes": 45}, None, keyed)))
    answers.append(("the key, teen token", _patch(api, maya, maya.token, {"daily_limit_minutes": 45}, '"5"', keyed)))
    retry = {"Idempotency-Key": "parity-2"}
    answers.append(("a new key, stale", _patch(api, maya, alex.token, {"daily_limit_minutes": 40}, '"4"', retry)))
    answers.append(("a new key, invalid", _patch(api, maya, alex.token, {"daily_limit_minutes": 1}, '"5"', retry)))
    answers.append(("its corrected retry", _patch(api, maya, alex.token, {"daily_limit_minutes": 40}, '"5"', retry)))
    too_long = {"Idempotency-Key": "k" * 101}
    answers.append(("a key too long", _patch(api, maya, alex.token, {"daily_limit_minutes": 40}, '"6"', too_long)))
    assert api.call("DELETE", f"/v1/teens/{ann.id}/link", alex.token).status_code == 204
    answers.append(("unlinked teen", _patch(api, ann, alex.token, limit, '"1"')))
    answers.append(("17, 18 tomorrow (UTC)", _patch(api, kim, alex.token, {"timezone": "Pacific/Auckland"}, '"1"')))
    # Kim lives in Auckland now: 12:00 UTC is already tomorrow there, the 18th birthday.
    answers.append(("18 today in the teen's time zone", _patch(api, kim, alex.token, limit, '"2"')))
    answers.append(("after the links ended at 18", _patch(api, kim, alex.token, limit, '"2"')))
    # The write budget (famguard.server.write_budget): Bea's changes of Tom in one minute go
    # through up to the budget; the next is refused and saves nothing; a minute later it goes.
    # (A minute first: linking Tom spent two of Bea's writes, the pairing code and its confirmation.)
    clock.advance(minutes=1)
    etag: str | None = '"1"'
    kept = {"Idempotency-Key": "bea-1"}
    for n in range(WRITES_PER_MINUTE):
        status, _, etag, _ = _patch(
            api, tom, bea.token, {"daily_limit_minutes": 100 + n}, etag, kept if n == 0 else None
        )
        assert status == 200, n
    over = _patch(api, tom, bea.token, {"daily_limit_minutes": 30}, etag, fourth="Retry-After")
    answers.append(("over the write budget", over))
    # The process remembers the refusal (write_budget.SpentBudgets) and answers Bea's next changes
    # in that minute from a read: each as the database would, Retry-After counting down.
    clock.advance(seconds=10)
    spent: list[tuple[str, dict[str, Any], str | None, dict[str, str] | None]] = [
        ("over the budget, again", {"daily_limit_minutes": 31}, etag, None),
        ("over the budget, stale", {"daily_limit_minutes": 31}, '"1"', None),
        ("over the budget, invalid", {"daily_limit_minutes": -5}, etag, None),
        ("over the budget, nothing changes", {"daily_limit_minutes": 219}, etag, None),
        ("over the budget, no if-match", {"daily_limit_minutes": 31}, None, None),
        ("over the budget, a kept key replayed", {"daily_limit_minutes": 100}, '"1"', kept),
        ("over the budget, the kept key, another body", {"daily_limit_minutes": 31}, etag, kept),
        ("over the budget, a new key", {"daily_limit_minutes": 31}, etag, {"Idempotency-Key": "bea-2"}),
        ("over the budget, a new key, stale", {"daily_limit_minutes": 31}, '"1"', {"Idempotency-Key": "bea-3"}),
    ]
    for label, body, if_match, headers in spent:
        answers.append((label, _patch(api, tom, bea.token, body, if_match, headers, fourth="Retry-After")))
    answers.append(("over the budget, another family's teen", _patch(api, maya, bea.token, limit, '"1"')))
    answers.append(("tom after the refusal", _got(api, f"/v1/teens/{tom.id}/controls", bea)))
    clock.advance(minutes=1)
    answers.append(("a minute later", _patch(api, tom, bea.token, {"daily_limit_minutes": 30}, etag)))
    clock.advance(minutes=14)
    answers.append(("expired token", _patch(api, maya, alex.token, limit, '"5"')))
    renew(api, alex)
    renew(api, jordan)
    answers.append(("refreshed token", _patch(api, maya, alex.token, limit, '"6"')))
    assert api.call("POST", "/v1/auth/logout", jordan.token).status_code == 204
    answers.append(("revoked sign-in", _patch(api, maya, jordan.token, limit, '"7"')))
    clock.advance(hours=25)  # a key is kept 24 hours: then it is free for another change
    renew(api, alex)
    current = _got(api, f"/v1/teens/{maya.id}/controls", alex)[2]
    answers.append(
        ("a key a day old, another body", _patch(api, maya, alex.token, {"daily_limit_minutes": 50}, current, keyed))
    )

    def named(value: Any) -> Any:  # noqa: ANN401 - JSON
        text = json.dumps(value)
        for account_id, name in names.items():
            text = text.replace(account_id, name)
        return json.loads(text)

    history = named(
        [{k: v for k, v in e.items() if k != "id"} for e in _get(api, f"/v1/teens/{maya.id}/activity", alex)]
    )
    feed = _get(api, "/v1/events", alex, params={"after": cursor})["events"]
    events = named([{k: v for k, v in e.items() if k != "id"} for e in feed])
    return answers, history, events


def _got(api: Api, path: str, person: Person) -> Answer:
    """A GET's answer in the form of _patch's."""
    response = api.call("GET", path, person.token)
    return response.status_code, response.text, response.headers.get("ETag"), response.headers.get("Retry-After")


def _get(api: Api, path: str, person: Person, params: dict[str, Any] | None = None) -> Any:  # noqa: ANN401 - JSON
    response = api.call("GET", path, person.token, params=params)
    assert response.status_code == 200, response.text
    return response.json()


def _run(
    database_url: str, fast_path: bool, remembered: bool = True
) -> tuple[list[tuple[str, Answer]], list[Any], list[Any]]:
    """The scenario on a server of its own; `remembered=False`: one that remembers no refusal
    of the write budget (write_budget.SpentBudgets), so the database refuses each one."""
    clock = FakeClock()  # every run starts at the same moment
    with LocalServer(database_url, clock=clock, fast_path=fast_path) as server, requests.Session() as session:
        if not remembered:
            server.app.state.service.spent = SpentBudgets(limit=0)
        return _scenario(Api(session, server.url), clock)


def assert_paths_agree(database_urls: tuple[str, str, str]) -> tuple[dict[str, Answer], list[Any], list[Any]]:
    """The scenario run with the fast path on the first database, without it on the second
    (SQLite or PostgreSQL), and without it and without remembering the budget's refusals on the
    third (each refused by the database): every answer identical, and the same history and event
    feed left. Returns the answers by step, the history and the events."""
    fast, fast_history, fast_events = _run(database_urls[0], fast_path=True)
    full, full_history, full_events = _run(database_urls[1], fast_path=False)
    by_database, database_history, database_events = _run(database_urls[2], fast_path=False, remembered=False)
    answers = assert_answers_agree(fast, full)
    assert_answers_agree(fast, by_database)
    assert fast_history == full_history == database_history
    assert fast_events == full_events == database_events
    return answers, fast_history, fast_events


def test_both_paths_answer_every_controls_change_alike(tmp_path: Path) -> None:
    answers, fast_history, fast_events = assert_paths_agree(
        tuple(f"sqlite:///{tmp_path / name}.sqlite3" for name in ("fast", "full", "unremembered"))  # type: ignore[arg-type]
    )
    # The scenario meant what it says (so that equal answers are not equally wrong ones).
    assert answers["valid"][0] == 200 and answers["valid"][2] == '"2"'
    assert answers["nothing changes"][:1] == (200,) and answers["nothing changes"][2] == '"2"'
    assert answers["two fields"][2] == '"3"'
    assert answers["stale if-match"][0] == 412 and answers["stale if-match"][2] == '"3"'
    assert answers["if-match in a list"][0] == 200
    assert answers["no if-match"][0] == 428
    for refused in ("if-match too long", "age rule", "out of range", "unknown control", "a list, not an object"):
        assert answers[refused][0] == 422, refused
    assert answers["not json"][0] == 422 and answers["empty body"][0] == 422
    assert [answers[k][0] for k in ("no token", "not a token", "refresh token")] == [401, 401, 401]
    assert answers["teen token"][0] == 403
    for refused in ("another family's teen", "unknown teen", "a guardian id", "unlinked teen"):
        assert answers[refused][0] == 404, refused
    assert answers["with a key"][0] == 200 and answers["the key replayed"] == answers["with a key"]
    assert answers["the key, another body"][0] == 422 and "idempotency_mismatch" in answers["the key, another body"][1]
    assert answers["the key, no if-match"][0] == 428 and answers["the key, teen token"][0] == 403
    assert [answers[k][0] for k in ("a new key, stale", "a new key, invalid", "its corrected retry")] == [412, 422, 200]
    assert answers["a key too long"][0] == 422
    assert answers["a key a day old, another body"][0] == 200
    over = answers["over the write budget"]
    assert over[0] == 429 and '"rate_limited"' in over[1] and over[2] is None and over[3] == "60"
    assert answers["over the budget, again"][0] == 429 and answers["over the budget, again"][3] == "50"
    assert answers["over the budget, again"][1] == over[1]
    assert [answers[f"over the budget, {k}"][0] for k in ("stale", "invalid", "nothing changes", "no if-match")] == [
        412, 422, 200, 428
    ]  # fmt: skip
    replayed = answers["over the budget, a kept key replayed"]
    assert replayed[0] == 200 and replayed[2] == '"2"' and json.loads(replayed[1])["daily_limit_minutes"] == 100
    assert answers["over the budget, the kept key, another body"][0] == 422
    assert answers["over the budget, a new key"][0] == 429 and answers["over the budget, a new key"][3] == "50"
    assert answers["over the budget, a new key, stale"][0] == 412
    assert answers["over the budget, another family's teen"][0] == 404
    assert json.loads(answers["tom after the refusal"][1])["daily_limit_minutes"] == 100 + 119
    assert answers["a minute later"][0] == 200
    assert answers["17, 18 tomorrow (UTC)"][0] == 200
    assert answers["18 today in the teen's time zone"][0] == 404
    assert answers["after the links ended at 18"][0] == 404
    assert '"token_expired"' in answers["expired token"][1]
    assert answers["refreshed token"][0] == 200
    assert answers["revoked sign-in"][0] == 401
    changes = [(e["kind"], e["field"], e["actor"]["display_name"]) for e in fast_history if e["kind"] == "controls"]
    # newest first: the first change is last; Jordan's is recorded as Jordan's
    assert changes[-1] == ("controls", "daily_limit_minutes", "Alex")
    assert ("controls", "search_enabled", "Jordan") in changes
    assert [e["type"] for e in fast_events].count("controls_changed") == 8


@pytest.mark.parametrize("fast_path", [True, False], ids=["fast-path", "full-route"])
def test_the_switch_decides_who_changes(tmp_path: Path, fast_path: bool) -> None:
    """With the fast path on, a change never opens an ORM session, with an Idempotency-Key (what
    the app sends) or without; off, every change does."""
    clock = FakeClock()
    with LocalServer(f"sqlite:///{tmp_path / 's.sqlite3'}", clock=clock, fast_path=fast_path) as server:
        api = Api(requests.Session(), server.url)
        alex = make_guardian(api)
        maya = make_teen(api, "Maya", 14, clock.now.date())
        link(api, alex, maya)
        with counting_calls(server.app.state.service.db, "write") as sessions:
            assert _patch(api, maya, alex.token, {"daily_limit_minutes": 90}, '"1"')[0] == 200
            unkeyed = len(sessions)
            keyed = {"Idempotency-Key": "k1"}
            assert _patch(api, maya, alex.token, {"daily_limit_minutes": 60}, '"2"', keyed)[0] == 200
        assert unkeyed == (0 if fast_path else 1)
        assert len(sessions) == (0 if fast_path else 2)  # the route: one each, the key claimed in its change's


def test_changes_arriving_together_are_each_all_or_nothing(tmp_path: Path) -> None:
    """Concurrent changes (made in one transaction on the fast path, a savepoint each): of many
    changes based on the same version of one teen's controls exactly one wins and the others
    get 412; invalid changes next to them are refused and leave no trace; the history has
    exactly the winners."""
    clock = FakeClock()
    with LocalServer(f"sqlite:///{tmp_path / 's.sqlite3'}", clock=clock) as server:
        api = Api(requests.Session(), server.url)
        alex = make_guardian(api)
        teens = [make_teen(api, f"Teen{n}", 14, clock.now.date()) for n in range(3)]
        for teen in teens:
            link(api, alex, teen)
        jobs = [(teen, {"daily_limit_minutes": 30 + n}) for n in range(6) for teen in teens]
        jobs += [(teens[0], {"direct_messages": "everyone"})] * 3

        def send(job: tuple[Person, dict[str, Any]]) -> tuple[str, int]:
            teen, body = job
            with requests.Session() as session:
                return teen.id, _patch(Api(session, server.url), teen, alex.token, body, '"1"')[0]

        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(len(jobs)) as pool:
            results = list(pool.map(send, jobs))
        for teen in teens:
            statuses = [status for teen_id, status in results if teen_id == teen.id]
            assert statuses.count(200) == 1, (teen.name, statuses)
            # the invalid ones are 422, or 412 when they come after the winner (stale first)
            assert statuses.count(412) + statuses.count(422) == len(statuses) - 1, (teen.name, statuses)
            history = api.call("GET", f"/v1/teens/{teen.id}/activity", alex.token).json()
            assert [e["field"] for e in history if e["kind"] == "controls"] == ["daily_limit_minutes"]
            assert api.call("GET", f"/v1/teens/{teen.id}/controls", alex.token).headers["ETag"] == '"2"'


def test_a_change_waits_for_a_busy_database_on_the_fast_path(tmp_path: Path) -> None:
    """While a write of the FastAPI route holds the database, a change arriving on the fast path
    waits for it there (it used to go to the route, whose threads then queued on the write lock
    and kept the next changes off the fast path too) and is made once the write ends."""
    clock = FakeClock()
    with LocalServer(f"sqlite:///{tmp_path / 's.sqlite3'}", clock=clock) as server:
        api = Api(requests.Session(), server.url)
        alex = make_guardian(api)
        maya = make_teen(api, "Maya", 14, clock.now.date())
        link(api, alex, maya)
        db = server.app.state.service.db
        holding, release = threading.Event(), threading.Event()

        def hold_the_database() -> None:
            with db.write():
                holding.set()
                release.wait(10)

        holder = threading.Thread(target=hold_the_database)
        holder.start()
        assert holding.wait(10)
        with counting_calls(db, "write") as sessions:
            result: dict[str, Answer] = {}
            change = threading.Thread(
                target=lambda: result.setdefault(
                    "answer", _patch(api, maya, alex.token, {"daily_limit_minutes": 90}, '"1"')
                )
            )
            change.start()
            time.sleep(0.3)
            assert "answer" not in result  # still waiting for the database
            release.set()
            change.join(10)
            holder.join(10)
        assert result["answer"][0] == 200 and result["answer"][2] == '"2"'
        assert sessions == []  # made on the fast path


@pytest.mark.parametrize("fast_path", [True, False], ids=["fast-path", "full-route"])
def test_a_change_starts_from_what_the_stored_body_says(tmp_path: Path, fast_path: bool) -> None:
    """controls_write keeps the parse of the bodies it wrote and read (by their text) instead of
    parsing the body a change starts from again. Changes of every kind of value, one after the
    other, must each leave exactly what was asked on top of the previous one, and what is kept
    for each stored body must be what parsing that body gives."""
    clock = FakeClock()
    url = f"sqlite:///{tmp_path / 's.sqlite3'}"
    with LocalServer(url, clock=clock, fast_path=fast_path) as server:
        api = Api(requests.Session(), server.url)
        alex = make_guardian(api)
        maya = make_teen(api, "Maya", 15, clock.now.date())
        link(api, alex, maya)
        expected = api.call("GET", f"/v1/teens/{maya.id}/controls", alex.token).json()
        changes: list[dict[str, Any]] = [
            {"daily_limit_minutes": 90},
            {"keyword_filters": ["#diet", "#dare"], "comments": "no_one"},
            {"quiet_hours": {"start": "22:00", "end": "07:00"}},
            {"daily_limit_minutes": None, "keyword_filters": []},
            {"quiet_hours": None, "search_enabled": not expected["search_enabled"]},
            {"daily_limit_minutes": 90},  # a body this server has had before
        ]
        etag = '"1"'
        for change in changes:
            status, text, etag_after, _ = _patch(api, maya, alex.token, change, etag)
            assert status == 200, text
            assert etag_after is not None
            etag = etag_after
            expected.update(change)
            assert json.loads(text) == expected
            assert api.call("GET", f"/v1/teens/{maya.id}/controls", alex.token).json() == expected
            with sqlite3.connect(tmp_path / "s.sqlite3") as db:
                (stored,) = db.execute("SELECT body FROM controls WHERE teen_id = ?", (maya.id,)).fetchone()
            fresh = controls_from_json(json.loads(stored))
            assert controls_write.parsed_body(stored) == (fresh, controls_to_json(fresh))
