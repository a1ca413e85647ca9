"""Writes are made in the order they were asked for: a change on the SQLite fast path (the event
loop) is not overtaken by the route's writes that came after it (famguard/server/write_turns.py).
Found from outside: a phone posting usage reports in a loop from four connections made another
family's changes wait up to a second, because the route's threads blocked on the write lock took
it at every release while the fast path could only look now and again.

Over real HTTP against the real server in this process: the test holds the process's write lock
(what a long write on the route does), a guardian's change is sent, then a teen's phone reports
usage; the lock is released and the guardian's event stream must show their change before the
usage report — the order they were sent in. With the fast path off, the same holds between the
route's own threads."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
import requests

from famguard.server.write_turns import WriteTurns
from tests.support.accounts import link, make_guardian, make_teen
from tests.support.http import Api
from tests.support.servers import LocalServer


def _until(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + 10
    while not condition():
        assert time.monotonic() < deadline, f"never happened: {what}"
        time.sleep(0.005)


def _sent(base: str, method: str, path: str, token: str, **kwargs: Any) -> requests.Response:  # noqa: ANN401
    with requests.Session() as session:  # a connection of its own, as another client's
        response: requests.Response = Api(session, base).call(method, path, token, **kwargs)
        return response


def _in_background(call: Callable[[], Any]) -> tuple[threading.Thread, list[Any]]:  # noqa: ANN401
    answers: list[Any] = []
    thread = threading.Thread(target=lambda: answers.append(call()))
    thread.start()
    return thread, answers


@pytest.mark.parametrize("fast_path", [True, False], ids=["fast path", "route only"])
def test_a_change_is_not_overtaken_by_writes_asked_for_after_it(database_url: str, fast_path: bool) -> None:
    with LocalServer(database_url, fast_path=fast_path) as server, requests.Session() as session:
        api = Api(session, server.url)
        alex = make_guardian(api, "Alex")
        maya, leo = make_teen(api, "Maya", 14), make_teen(api, "Leo", 15)
        link(api, alex, maya)
        link(api, alex, leo)
        cursor = api.call("GET", "/v1/events", alex.token).json()["cursor"]
        etag = api.call("GET", f"/v1/teens/{maya.id}/controls", alex.token).headers["ETag"]
        turns: WriteTurns = server.app.state.service.db.write_turns

        turns.acquire()  # a long write in progress
        try:
            change, changed = _in_background(
                lambda: _sent(
                    server.url,
                    "PATCH",
                    f"/v1/teens/{maya.id}/controls",
                    alex.token,
                    json={"daily_limit_minutes": 75},
                    headers={"If-Match": etag},
                )
            )
            _until(lambda: turns.waiting == 1, "the change waits for its turn to write")
            report, reported = _in_background(
                lambda: _sent(
                    server.url,
                    "POST",
                    "/v1/me/usage",
                    leo.token,
                    json={"date": date.today().isoformat(), "minutes": 20},
                )
            )
            _until(lambda: turns.waiting == 2, "the usage report waits behind it")
        finally:
            turns.release()
        change.join(10)
        report.join(10)
        assert changed[0].status_code == 200, changed[0].text
        assert reported[0].status_code == 200, reported[0].text

        events = api.call("GET", f"/v1/events?after={cursor}", alex.token).json()["events"]
        assert [(e["type"], e["teen_id"]) for e in events] == [
            ("controls_changed", maya.id),
            ("usage_reported", leo.id),
        ]


def _route_write_queued_behind(turns: WriteTurns) -> tuple[threading.Thread, list[Any]]:
    """A route's write (a worker thread) asking for the lock after the loop's turn; it says
    "written" once it has had the lock."""

    def write() -> str:
        with turns:
            return "written"

    writer, written = _in_background(write)
    _until(lambda: turns.waiting == 2, "a route's write waits behind the loop's turn")
    return writer, written


@pytest.mark.parametrize("gives_up", ["while it waits", "as its turn comes"])
def test_a_turn_given_up_on_the_loop_goes_to_the_next_writer(gives_up: str) -> None:
    """A fast-path batch whose loop stopped waiting (its future cancelled, as when the server
    stops) must not keep the lock, before or after its turn was handed over: the next writer gets
    it, or every write of the process would wait for ever."""
    turns = WriteTurns()
    loop = asyncio.new_event_loop()
    try:
        turns.acquire()
        given_up = turns.wait_turn(loop)
        writer, written = _route_write_queued_behind(turns)
        if gives_up == "while it waits":
            given_up.cancel()
        turns.release()
        if gives_up == "as its turn comes":
            given_up.cancel()
        loop.run_until_complete(asyncio.sleep(0.01))  # the loop runs what the hand-over sent it
        writer.join(5)
        assert written == ["written"]
        assert turns.take_now() is not None, "the lock is free again"
    finally:
        loop.close()


def test_a_turn_handed_to_a_loop_that_no_longer_runs_goes_to_the_next_writer() -> None:
    """A server stopping: its loop was handed the turn but no longer runs to take it. A route's
    write waiting behind it (another server on the same file, as the tests and the demo start)
    must go ahead instead of waiting for ever; the loop, should it run again, waits its turn."""
    turns = WriteTurns()
    stopped = asyncio.new_event_loop()  # made, never running
    try:
        turns.acquire()
        handed = turns.wait_turn(stopped)
        writer, written = _route_write_queued_behind(turns)
        turns.release()  # handed to the loop, which does not run
        writer.join(5)
        assert written == ["written"]
        stopped.run_until_complete(asyncio.wait_for(handed, 5))  # it runs again: its turn comes
        turns.release(handed.result())
        assert turns.take_now() is not None, "the lock is free again"
    finally:
        stopped.close()
