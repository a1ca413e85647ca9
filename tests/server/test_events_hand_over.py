"""The SQLite fast path's long polls are answered at hand-over (notify.HandOver): the event hub
checks the sign-ins of the polls it wakes, and the loop writes each answer in one write past
uvicorn's ASGI `send` (whole_answers.py). What a client and an operator must not notice:

- the bytes on the wire: a woken poll's answer has the route's status, headers and body, over a
  raw socket, and the connection keeps serving requests afterwards (keep-alive state intact);
- the access log: every answer is counted, polls answered together share one line, and no
  query string reaches it;
- the order of events: two hand-outs that follow each other quickly reach each poll in order
  (a real hub and real waiters on a real loop, several turns per hand-out), and a failed
  sign-in check leaves the verdict to the poll itself."""

from __future__ import annotations

import asyncio
import json
import logging
import re
import socket
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import requests

from famguard.server import notify
from famguard.server.db import make_engine, upgrade_schema
from famguard.server.notify import Event, EventHub, HandOver, Waiter
from tests.support.accounts import change_controls, link, make_guardian, make_teen
from tests.support.http import Api
from tests.support.servers import FakeClock, LocalServer


def _read_answer(sock: socket.socket) -> tuple[bytes, dict[str, str], bytes]:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        assert chunk, "the server closed the connection instead of answering"
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    status, *lines = head.decode("latin-1").split("\r\n")
    headers = {name.lower(): value for name, _, value in (line.partition(": ") for line in lines)}
    while len(body) < int(headers["content-length"]):
        body += sock.recv(65536)
    return status.encode(), headers, body


def _family(server: LocalServer, clock: FakeClock) -> tuple[Api, Any, Any, str]:
    """A guardian linked to a teen on `server`, and the guardian's current event cursor."""
    api = Api(requests.Session(), server.url)
    alex = make_guardian(api)
    maya = make_teen(api, "Maya", 14, clock.now.date())
    link(api, alex, maya)
    return api, alex, maya, api.call("GET", "/v1/events", alex.token).json()["cursor"]


def _woken_poll(database_url: str, fast_path: bool) -> list[tuple[bytes, dict[str, str], dict[str, Any]]]:
    """A raw-socket poll woken by a change, then a second request on the same connection."""
    clock = FakeClock()
    with LocalServer(database_url, clock=clock, fast_path=fast_path) as server:
        api, alex, maya, cursor = _family(server, clock)
        port = int(server.url.rsplit(":", 1)[1])
        answers: list[tuple[bytes, dict[str, str], dict[str, Any]]] = []
        with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
            request = (
                f"GET /v1/events?after={{}}&wait={{}} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {alex.token}\r\n\r\n"
            )
            sock.sendall(request.format(cursor, 10).encode())
            time.sleep(0.3)  # waiting on the server
            change_controls(api, alex, maya, {"daily_limit_minutes": 80})
            for after, wait in ((cursor, 10), (None, 0)):
                if after is None:  # the same connection again: the cursor the first answer gave
                    sock.sendall(request.format(answers[0][2]["cursor"], wait).encode())
                status, headers, body = _read_answer(sock)
                answers.append((status, headers, json.loads(body)))
        return answers


def test_a_woken_poll_gets_the_routes_bytes_and_its_connection_goes_on(tmp_path: Path) -> None:
    fast = _woken_poll(f"sqlite:///{tmp_path / 'fast.sqlite3'}", fast_path=True)
    route = _woken_poll(f"sqlite:///{tmp_path / 'route.sqlite3'}", fast_path=False)
    for (status, headers, body), (route_status, route_headers, route_body) in zip(fast, route, strict=True):
        assert status == route_status
        assert set(headers) == set(route_headers)
        for name in ("content-type", "content-length", "server"):
            assert headers[name] == route_headers[name], name
        assert re.fullmatch(r"\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d GMT", headers["date"])
        for answer in (body, route_body):  # ids differ between the two databases
            for event in answer["events"]:
                event.pop("teen_id")
                event.pop("at")
        assert body == route_body
    assert fast[0][0] == b"HTTP/1.1 200 OK"
    assert [e["type"] for e in fast[0][2]["events"]] == ["controls_changed"]
    assert fast[1][2]["events"] == []  # the keep-alive request was served, from the new cursor


def test_polls_answered_together_share_one_counted_access_log_line(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    clock = FakeClock()
    polls = 30
    with LocalServer(f"sqlite:///{tmp_path / 'log.sqlite3'}", clock=clock) as server:
        api, alex, maya, cursor = _family(server, clock)
        answered: list[int] = []

        def poll() -> None:
            with requests.Session() as session:
                response = Api(session, server.url).call(
                    "GET", "/v1/events", alex.token, params={"after": cursor, "wait": 15}
                )
                answered.append(len(response.json()["events"]))

        threads = [threading.Thread(target=poll) for _ in range(polls)]
        for thread in threads:
            thread.start()
        time.sleep(1.0)  # every poll waiting on the server
        caplog.clear()
        with caplog.at_level(logging.INFO, logger="uvicorn.access"):
            etag = api.call("GET", f"/v1/teens/{maya.id}/controls", alex.token).headers["ETag"]
            api.call(
                "PATCH",
                f"/v1/teens/{maya.id}/controls",
                alex.token,
                json={"daily_limit_minutes": 70},
                headers={"If-Match": etag},
            )
            for thread in threads:
                thread.join(10)
            time.sleep(0.2)
    assert answered == [1] * polls
    lines = [r.getMessage() for r in caplog.records if r.name == "uvicorn.access" and "/v1/events" in r.getMessage()]
    counted = 0
    for line in lines:
        assert "after=" not in line and "?" not in line, line
        found = re.fullmatch(r'(?:(\d+) clients|127\.0\.0\.1:\d+) - "GET /v1/events HTTP/1\.1" 200', line)
        assert found, line
        counted += int(found.group(1) or 1)
    assert counted == polls
    assert len(lines) < polls  # answered together, logged together


def _event(number: int) -> Event:
    return {"id": number, "type": "controls_changed", "teen_id": "t", "at": datetime.now(UTC), "data": {}}


def _row(number: int, account: str) -> tuple[object, ...]:
    return (number, "controls_changed", "t", "2026-01-01 00:00:00", "{}", account)


def test_hand_outs_in_quick_succession_reach_each_poll_in_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Twenty polls, three answered per turn of the loop: a second event handed out while the
    first hand-out is still being answered must not overtake it for any poll (its answer would
    carry event 7 and a cursor past event 6, which that client would never see)."""
    monkeypatch.setattr(notify, "HAND_OUT_SLICE", 3)
    engine = make_engine(f"sqlite:///{tmp_path / 'h.sqlite3'}")
    upgrade_schema(engine)  # the hub's own check reads the events table
    hub = EventHub(engine)
    hub.check_tokens = lambda hashes: set(hashes) - {"token-5"}  # the sixth poll's sign-in ended

    async def scenario() -> tuple[list[list[int]], list[bool | None]]:
        answers: list[list[int]] = [[] for _ in range(20)]
        hand_overs = []
        waiters = []

        class Recorded(HandOver):
            __slots__ = ("n",)

            def answer(self, found: list[Event], cursor: int) -> bool:
                assert cursor == found[-1]["id"]
                answers[self.n] = [event["id"] for event in found]
                return True

        for n in range(20):
            hand_overs.append(Recorded(f"token-{n}"))
            hand_overs[-1].n = n
            waiters.append(Waiter(hub, "account", 5, hand_overs[-1]))
            hub.register(waiters[-1])

        # Both hand-outs come from the hub's thread before the loop takes the first.
        def both() -> None:
            hub._hand_out([_row(6, "account")])
            hub._hand_out([_row(7, "account")])

        await asyncio.to_thread(both)
        results = await asyncio.gather(*(waiter.wait(5) for waiter in waiters))
        for waiter in waiters:
            hub.unregister(waiter)
        assert all(results)
        return answers, [h.signed_in for h in hand_overs]

    try:
        answers, verdicts = asyncio.run(scenario())
    finally:
        hub.close()
        engine.dispose()
    assert answers[5] == []  # not answered: its task answers 401 (the route's refusal)
    assert verdicts[5] is False
    assert all(answers[n] == [6] for n in range(20) if n != 5)  # event 7 goes to the next poll
    assert [verdicts[n] for n in range(20) if n != 5] == [True] * 19


def test_a_failed_sign_in_check_leaves_the_verdict_to_the_poll(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'f.sqlite3'}")
    upgrade_schema(engine)
    hub = EventHub(engine)

    def broken(_hashes: list[str]) -> set[str]:
        raise RuntimeError("database is locked")

    hub.check_tokens = broken

    async def scenario() -> tuple[list[int], HandOver]:
        class Unanswerable(HandOver):
            def answer(self, found: list[Event], cursor: int) -> bool:
                pytest.fail("answered without a verdict")

        hand_over = Unanswerable("token")
        with Waiter(hub, "account", 5, hand_over) as waiter:
            await asyncio.to_thread(hub._hand_out, [_row(6, "account")])
            found = await waiter.wait(5)
        return [event["id"] for event in found], hand_over

    try:
        found, hand_over = asyncio.run(scenario())
    finally:
        hub.close()
        engine.dispose()
    assert found == [6]  # woken with its events; wait_for_events then asks still_signed_in
    assert hand_over.signed_in is None and not hand_over.answered


def test_clients_that_close_after_their_answer_are_closed_after_the_hand_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Forty polls woken by one event, answered three per turn of the loop; each client shuts its
    side as soon as it has its answer (as the benchmark's clients close). Their closes wait
    behind the answers still to go out (limits.GuardedHttpProtocol.eof_received): every poll
    must still get its answer, and every connection must still be closed by the server once the
    hand-out is over (not left half-open). A connection shut while no hand-out runs is closed at
    once, as before."""
    monkeypatch.setattr(notify, "HAND_OUT_SLICE", 3)
    clock = FakeClock()
    polls = 40
    with LocalServer(f"sqlite:///{tmp_path / 'closes.sqlite3'}", clock=clock) as server:
        api, alex, maya, cursor = _family(server, clock)
        port = int(server.url.rsplit(":", 1)[1])
        request = (
            f"GET /v1/events?after={cursor}&wait=15 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {alex.token}\r\n\r\n"
        )
        sockets = [socket.create_connection(("127.0.0.1", port), timeout=10) for _ in range(polls)]
        results: list[tuple[bytes, int, bytes]] = []

        def poll(sock: socket.socket) -> None:
            sock.sendall(request.encode())
            status, _headers, body = _read_answer(sock)
            sock.shutdown(socket.SHUT_WR)  # the client is done: the server is to close
            results.append((status, len(json.loads(body)["events"]), sock.recv(1)))

        threads = [threading.Thread(target=poll, args=(sock,)) for sock in sockets]
        try:
            for thread in threads:
                thread.start()
            time.sleep(1.0)  # every poll waiting on the server
            change_controls(api, alex, maya, {"daily_limit_minutes": 80})
            for thread in threads:
                thread.join(15)
            # No hand-out under way: a client's shutdown closes its connection at once.
            with socket.create_connection(("127.0.0.1", port), timeout=10) as idle:
                idle.shutdown(socket.SHUT_WR)
                assert idle.recv(1) == b""
        finally:
            for sock in sockets:
                sock.close()
    # Each answer carried the event, and each connection was then closed by the server (b"").
    assert sorted(results) == [(b"HTTP/1.1 200 OK", 1, b"")] * polls


def test_a_closed_hub_checks_no_more_and_its_thread_has_ended(tmp_path: Path) -> None:
    """Found by an outside tester: the demo's reset logged "event check failed … disk I/O error":
    woken by close(), the hub's thread checked the database once more, as the demo deleted it.
    After close() no check begins, and the thread is gone when close() returns."""
    engine = make_engine(f"sqlite:///{tmp_path / 'c.sqlite3'}")
    upgrade_schema(engine)
    hub = EventHub(engine)
    after_close: list[bool] = []
    check = hub._check

    def recorded() -> None:
        after_close.append(hub.closed)
        check()

    hub._check = recorded  # type: ignore[method-assign]

    async def one_poll() -> None:
        with Waiter(hub, "account", 0):  # the first waiting poll starts the hub's thread
            hub.notify()
            deadline = time.monotonic() + 5
            while not after_close and time.monotonic() < deadline:
                await asyncio.sleep(0.01)

    asyncio.run(one_poll())
    thread = hub._thread
    assert thread is not None and after_close == [False]  # it checks while open
    hub.close()
    try:
        assert not thread.is_alive()
        assert after_close.count(True) == 0
    finally:
        engine.dispose()
