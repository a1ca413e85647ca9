"""The two paths of the long poll GET /v1/events — the SQLite fast path in front of FastAPI and
the FastAPI route — answer alike: one scenario (no cursor, a cursor with and without events,
odd and out-of-range parameters, every kind of token, a poll woken by a change, a poll that
times out) runs over real HTTP against a server with the fast path and one without, each on its
own fresh database and clock; every status and body must be identical. And a waiting poll costs
no database read: only the process's one event hub looks, a few times a second."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.support.accounts import change_controls, link, make_guardian, make_teen
from tests.support.http import Api, BackgroundPoll
from tests.support.servers import FakeClock, LocalServer, counting_calls

Answer = tuple[int, Any]


def _poll(api: Api, token: str | None, query: str) -> Answer:
    response = api.call("GET", f"/v1/events{query}", token)
    body = response.json()
    if response.status_code == 200:  # event ids and teen ids differ between the two databases
        body = {
            "cursor_moved": body["cursor"] != "0",
            "events": [(e["type"], e["at"], sorted(e["data"])) for e in body["events"]],
            "missed": body["missed"],
        }
    return response.status_code, body


def _scenario(api: Api, clock: FakeClock) -> list[tuple[str, Answer]]:
    alex = make_guardian(api, "Alex")
    maya = make_teen(api, "Maya", 14, clock.now.date())
    link(api, alex, maya)
    cursor = api.call("GET", "/v1/events", alex.token).json()["cursor"]
    answers = [("no cursor", _poll(api, alex.token, ""))]
    change_controls(api, alex, maya, {"daily_limit_minutes": 90})
    for label, query in [
        ("events after the cursor", f"?after={cursor}"),
        ("events, waiting allowed", f"?after={cursor}&wait=5"),
        ("after 0", "?after=0&wait=0"),
        ("negative after", "?after=-1"),
        ("after not a number", "?after=abc"),
        ("after too large", f"?after={2**63}"),
        ("wait too long", "?after=0&wait=31"),
        ("wait not a number", "?after=0&wait=nan"),
        ("wait as 1e1", f"?after={cursor}&wait=1e-2"),
        ("an unknown parameter", "?after=0&limit=5"),
        ("after twice", "?after=0&after=1"),
        # Digits of other scripts: Python's float() reads them, the route's parameter does not.
        ("wait in Arabic-Indic digits", f"?after={cursor}&wait=%D9%A1"),
        ("wait in mathematical digits", f"?after={cursor}&wait=%F0%9D%9F%8F.%F0%9D%9F%8E"),
        ("wait in full-width digits", f"?after={cursor}&wait=%EF%BC%92"),
    ]:
        answers.append((label, _poll(api, alex.token, query)))
    for label, token in [("no token", None), ("not a token", "nope"), ("refresh token", alex.refresh_token)]:
        answers.append((label, _poll(api, token, "?after=0")))
    latest = api.call("GET", "/v1/events", alex.token).json()["cursor"]
    answers.append(("nothing new, short wait", _poll(api, alex.token, f"?after={latest}&wait=0.2")))
    mine = api.call("GET", "/v1/events", maya.token).json()["cursor"]  # each account numbers its own events
    poll = BackgroundPoll(api, maya, mine)
    time.sleep(0.3)
    api.call("POST", "/v1/me/time-requests", maya.token, json={"minutes": 15, "reason": "Homework"})
    answers.append(("woken by a time request", (200, [e["type"] for e in poll.join()])))
    clock.advance(minutes=16)
    answers.append(("expired token", _poll(api, alex.token, "?after=0")))
    return answers


def _run(database_url: str, fast_path: bool) -> list[tuple[str, Answer]]:
    clock = FakeClock()
    with LocalServer(database_url, clock=clock, fast_path=fast_path) as server, requests.Session() as session:
        return _scenario(Api(session, server.url), clock)


def test_both_paths_answer_every_poll_alike(tmp_path: Path) -> None:
    fast = _run(f"sqlite:///{tmp_path / 'fast.sqlite3'}", fast_path=True)
    full = _run(f"sqlite:///{tmp_path / 'full.sqlite3'}", fast_path=False)
    for (label, with_fast_path), (_, without) in zip(fast, full, strict=True):
        assert with_fast_path == without, f"{label}: fast path {with_fast_path} != route {without}"
    answers = dict(fast)
    assert answers["events after the cursor"][1]["events"][0][0] == "controls_changed"
    for refused in (
        "negative after",
        "after not a number",
        "after too large",
        "wait too long",
        "wait not a number",
        "wait in Arabic-Indic digits",
        "wait in mathematical digits",
        "wait in full-width digits",
    ):
        assert answers[refused][0] == 400, refused
    assert [answers[k][0] for k in ("no token", "not a token", "refresh token", "expired token")] == [401] * 4
    assert answers["nothing new, short wait"] == (200, {"cursor_moved": True, "events": [], "missed": False})
    assert answers["woken by a time request"] == (200, ["time_requested"])


@pytest.mark.parametrize("fast_path", [True, False], ids=["fast-path", "full-route"])
def test_waiting_polls_cost_no_reads(tmp_path: Path, fast_path: bool) -> None:
    """Ten polls wait: for two seconds the database sees no read for them (once before, a
    waiting poll re-read it every second), only the hub's one shared check a few times a
    second; then one change reaches every poll at once."""
    clock = FakeClock()
    with LocalServer(f"sqlite:///{tmp_path / 's.sqlite3'}", clock=clock, fast_path=fast_path) as server:
        api = Api(requests.Session(), server.url)
        alex = make_guardian(api)
        maya = make_teen(api, "Maya", 14, clock.now.date())
        link(api, alex, maya)
        cursor = api.call("GET", "/v1/events", alex.token).json()["cursor"]
        polls = [BackgroundPoll(Api(requests.Session(), server.url), alex, cursor, wait=15) for _ in range(10)]
        hub = server.app.state.service.notifier
        database = server.app.state.service.db
        # Every poll registered and through its own first read (right after it registers) before
        # the count starts: the polls are started in threads and reach the server in any order.
        with counting_calls(database, "read", "inline_rows", "inline_query") as starting:
            deadline = time.monotonic() + 10
            while hub.waiting < len(polls) and time.monotonic() < deadline:
                time.sleep(0.02)
            assert hub.waiting == len(polls)
            seen = -1
            while seen != len(starting) and time.monotonic() < deadline:
                seen = len(starting)
                time.sleep(0.3)
        checks_before = hub.checks
        with counting_calls(database, "read", "inline_rows", "inline_query") as reads:
            time.sleep(2)
        assert reads == []
        assert 1 <= hub.checks - checks_before <= 2 / 0.25 + 1  # the one shared check
        change_controls(api, alex, maya, {"search_enabled": False})
        started = time.monotonic()
        for poll in polls:
            assert [e["type"] for e in poll.join()] == ["controls_changed"]
        assert time.monotonic() - started < 2


@pytest.mark.parametrize("fast_path", [True, False], ids=["fast-path", "full-route"])
def test_two_families_at_the_same_numbers_each_get_their_own_events(tmp_path: Path, fast_path: bool) -> None:
    """Each account numbers its own events, so two new families are at the same numbers: a poll
    must answer with its own family's event, never another's with the same number (the fast path
    once shared serialised answers between polls by their numbers alone). Both a poll that finds
    the event at once and polls that wait for it."""
    clock = FakeClock()
    with LocalServer(f"sqlite:///{tmp_path / 'f.sqlite3'}", clock=clock, fast_path=fast_path) as server:
        api = Api(requests.Session(), server.url)
        alex, maya = make_guardian(api, "Alex"), make_teen(api, "Maya", 14, clock.now.date())
        sam, noor = make_guardian(api, "Sam"), make_teen(api, "Noor", 13, clock.now.date())
        link(api, alex, maya)
        link(api, sam, noor)
        cursors = [api.call("GET", "/v1/events", who.token).json()["cursor"] for who in (alex, sam)]
        assert cursors[0] == cursors[1]  # the situation this is about

        polls = [BackgroundPoll(Api(requests.Session(), server.url), who, cursors[0], wait=15) for who in (alex, sam)]
        time.sleep(0.3)
        change_controls(api, alex, maya, {"daily_limit_minutes": 70})
        assert [e["teen_id"] for e in polls[0].join()] == [maya.id]
        change_controls(api, sam, noor, {"search_enabled": False})
        assert [e["teen_id"] for e in polls[1].join()] == [noor.id]

        for who, teen in ((alex, maya), (sam, noor)):
            found = api.call("GET", f"/v1/events?after={cursors[0]}", who.token).json()["events"]
            assert [e["teen_id"] for e in found] == [teen.id], who.name
