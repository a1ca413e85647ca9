"""What each open connection and each waiting poll holds was cut down so that ten thousand idle
long polls fit the RSS budget (limits.GuardedHttpProtocol: uvicorn's two events and its pipeline
queue replaced by slotted equivalents, the per-server state shared; notify.Deadlines: one timer
per slot of time instead of one per poll). What a client must not notice, over real sockets
against a real server: pipelined requests are answered in order, a body that arrives in pieces
still reaches the route, and each poll still answers at its own timeout — not before — and
leaves nothing behind once answered."""

from __future__ import annotations

import json
import logging
import socket
import struct
import threading
import time
from pathlib import Path

import pytest
import requests

from famguard.server import notify
from famguard.server.limits import Limits
from tests.support.accounts import link, make_guardian, make_teen
from tests.support.http import Api, read_until_closed
from tests.support.servers import FakeClock, LocalServer


def _answers(sock: socket.socket, count: int) -> list[tuple[bytes, bytes]]:
    """`count` whole answers (status line, body) read from the connection, in order."""
    data = b""
    answers = []
    while len(answers) < count:
        head_end = data.find(b"\r\n\r\n")
        if head_end >= 0:
            head = data[:head_end].decode("latin-1").split("\r\n")
            length = next(int(line.split(":", 1)[1]) for line in head if line.lower().startswith("content-length:"))
            if len(data) >= head_end + 4 + length:
                answers.append((head[0].encode(), data[head_end + 4 : head_end + 4 + length]))
                data = data[head_end + 4 + length :]
                continue
        chunk = sock.recv(65536)
        assert chunk, "the server closed the connection"
        data += chunk
    return answers


def test_pipelined_requests_are_answered_in_order(tmp_path: Path) -> None:
    clock = FakeClock()
    with LocalServer(f"sqlite:///{tmp_path / 'pipe.sqlite3'}", clock=clock) as server:
        api = Api(requests.Session(), server.url)
        alex = make_guardian(api)
        requests_sent = (
            "GET /v1/health HTTP/1.1\r\nHost: x\r\n\r\n"
            f"GET /v1/me HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {alex.token}\r\n\r\n"
            "GET /v1/nowhere HTTP/1.1\r\nHost: x\r\n\r\n"
            "GET /v1/health HTTP/1.1\r\nHost: x\r\n\r\n"
        )
        with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
            sock.sendall(requests_sent.encode())  # all four in one write: three wait in the pipeline
            answers = _answers(sock, 4)
    assert [status for status, _ in answers] == [b"HTTP/1.1 200 OK"] * 2 + [
        b"HTTP/1.1 404 Not Found",
        b"HTTP/1.1 200 OK",
    ]
    assert json.loads(answers[0][1]) == {"status": "ok"}
    assert json.loads(answers[1][1])["id"] == alex.id


def test_a_body_that_arrives_in_pieces_reaches_the_route(tmp_path: Path) -> None:
    clock = FakeClock()
    with LocalServer(f"sqlite:///{tmp_path / 'body.sqlite3'}", clock=clock, fast_path=False) as server:
        api = Api(requests.Session(), server.url)
        alex = make_guardian(api)
        maya = make_teen(api, "Maya", 14, clock.now.date())
        link(api, alex, maya)
        etag = api.call("GET", f"/v1/teens/{maya.id}/controls", alex.token).headers["ETag"]
        body = json.dumps({"daily_limit_minutes": 95}).encode()
        head = (
            f"PATCH /v1/teens/{maya.id}/controls HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {alex.token}\r\n"
            f"If-Match: {etag}\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
        )
        with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
            sock.sendall(head.encode() + body[:7])
            time.sleep(0.3)  # the route waits for the rest of its body
            sock.sendall(body[7:])
            [(status, answer)] = _answers(sock, 1)
        assert status == b"HTTP/1.1 200 OK", answer
        assert api.call("GET", f"/v1/teens/{maya.id}/controls", alex.token).json()["daily_limit_minutes"] == 95


def test_waiting_polls_answer_at_their_own_timeout_and_leave_no_timer_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each poll's wait is timed on the server's event loop, from the moment it waits to the
    moment it wakes: what the shared slots of notify.Deadlines decide. The client's own clock also
    counts connecting, signing in and reading the events first, which a loaded machine stretches
    (CI once took 2.06 s from a 0.4 s poll's request to its answer, with the timer on time)."""
    waited: list[tuple[float, float]] = []  # (the wait the route asked for, loop seconds it took)
    wait_as_written = notify.Waiter.wait

    async def timed_wait(self: notify.Waiter, timeout: float) -> list[notify.Event]:
        started = self.loop.time()
        try:
            return await wait_as_written(self, timeout)
        finally:
            waited.append((timeout, self.loop.time() - started))

    monkeypatch.setattr(notify.Waiter, "wait", timed_wait)
    clock = FakeClock()
    with LocalServer(f"sqlite:///{tmp_path / 'timeouts.sqlite3'}", clock=clock) as server:
        api = Api(requests.Session(), server.url)
        alex = make_guardian(api)
        cursor = api.call("GET", "/v1/events", alex.token).json()["cursor"]
        took: dict[float, list[float]] = {0.4: [], 1.2: []}

        def poll(wait: float) -> None:
            with requests.Session() as session:
                started = time.monotonic()
                answer = Api(session, server.url).call(
                    "GET", "/v1/events", alex.token, params={"after": cursor, "wait": wait}
                )
                assert answer.status_code == 200 and answer.json() == {"events": [], "cursor": cursor, "missed": False}
                took[wait].append(time.monotonic() - started)

        threads = [threading.Thread(target=poll, args=(wait,)) for wait in took for _ in range(5)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(15)
        hub = server.app.state.service.notifier
        left = (hub.waiting, dict(hub._deadlines))
    for wait, times in took.items():
        assert len(times) == 5 and all(t >= wait for t in times), (wait, times)  # each answered, none early
    assert sorted(asked for asked, _ in waited) == [0.4] * 5 + [1.2] * 5  # each waited its own time
    for wait, seconds in waited:
        # Never before its own wait (the shared slots only ever round up; asyncio runs a timer
        # within its clock's resolution), and not at the other's: the 0.4 s polls woke before
        # 0.8 s, which the 1.2 s polls' slot is far past, and the 1.2 s ones before 2.4 s.
        assert wait - 1e-6 <= seconds < 2 * wait, (wait, seconds)
    assert left == (0, {})  # every poll unregistered, no slot or timer kept for a loop


def test_a_client_that_half_closes_after_its_requests_gets_every_answer_then_the_close(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """`printf 'GET …' | nc -N host port` and similar clients close their side once the request
    is sent and then read. Found by sending from outside: one request got no answer at all, and
    2,000 pipelined ones got none while the server logged "unable to perform operation on
    <TCPTransport closed=True>" for each answer it still tried to write."""
    caplog.set_level(logging.ERROR)
    with LocalServer(f"sqlite:///{tmp_path / 'half.sqlite3'}", clock=FakeClock()) as server:
        api = Api(requests.Session(), server.url)
        alex = make_guardian(api)
        me = f"GET /v1/me HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {alex.token}\r\n\r\n".encode()
        health = b"GET /v1/health HTTP/1.1\r\nHost: x\r\n\r\n"
        for pipelined in (health, health * 20 + me + b"GET /v1/nowhere HTTP/1.1\r\nHost: x\r\n\r\n"):
            with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
                sock.sendall(pipelined)
                sock.shutdown(socket.SHUT_WR)
                received = read_until_closed(sock)
            assert received.count(b"HTTP/1.1 ") == pipelined.count(b"HTTP/1.1\r\n")
            assert received.startswith(b"HTTP/1.1 200 OK")
        assert received.count(b"HTTP/1.1 200 OK") == 21
        # In order: the 200 health answers, then /v1/me, then the 404 last.
        assert (
            received.index(b"HTTP/1.1 404 Not Found")
            > received.index(alex.id.encode())
            > received.rindex(b'{"status":"ok"}')
        )
        # A request whose body can no longer arrive is not waited for: the server closes at once.
        with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
            sock.sendall(b'POST /v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{"em')
            sock.shutdown(socket.SHUT_WR)
            assert read_until_closed(sock) == b""
        assert requests.get(f"{server.url}/v1/health", timeout=5).status_code == 200
    assert [record.getMessage() for record in caplog.records if record.levelno >= logging.ERROR] == []


def test_a_client_that_resets_with_requests_still_pipelined_leaves_no_error_behind(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A client gone (a reset) while its pipelined requests are being answered: the answers
    have nobody to go to and are dropped, not written to the closed connection (which uvloop
    refuses with an exception logged per request)."""
    caplog.set_level(logging.ERROR)
    with LocalServer(f"sqlite:///{tmp_path / 'reset.sqlite3'}", clock=FakeClock()) as server:
        for _ in range(5):
            sock = socket.create_connection(("127.0.0.1", server.port), timeout=10)
            sock.sendall(b"GET /v1/health HTTP/1.1\r\nHost: x\r\n\r\n" * 2000)
            time.sleep(0.005)  # the server is answering them
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            sock.close()
        time.sleep(0.5)  # what the server still does for those requests
        assert requests.get(f"{server.url}/v1/health", timeout=5).status_code == 200
    assert [record.getMessage() for record in caplog.records if record.levelno >= logging.ERROR] == []


def _raw_poll(server: LocalServer, wait: int) -> tuple[bytes, str]:
    """A new guardian's long poll as raw bytes (waiting `wait` s for events after now), and its cursor."""
    api = Api(requests.Session(), server.url)
    alex = make_guardian(api)
    cursor = api.call("GET", "/v1/events", alex.token).json()["cursor"]
    head = (
        f"GET /v1/events?after={cursor}&wait={wait} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {alex.token}\r\n\r\n"
    )
    return head.encode(), cursor


def _empty_answer(cursor: str) -> bytes:
    return json.dumps({"events": [], "cursor": cursor, "missed": False}, separators=(",", ":")).encode()


def _no_poll_left_waiting(server: LocalServer) -> bool:
    hub = server.app.state.service.notifier
    deadline = time.monotonic() + 5
    while hub.waiting and time.monotonic() < deadline:
        time.sleep(0.05)
    return hub.waiting == 0


@pytest.mark.parametrize("fast_path", [True, False], ids=["fast path", "route"])
def test_a_poll_whose_client_closes_its_side_answers_at_once(tmp_path: Path, fast_path: bool) -> None:
    """A long poll sent by a client that then closes its side (or its whole connection) cannot be
    waited for by anyone: it answers at once with what there is, and the connection closes after
    it, instead of holding a place under the connection cap for its whole wait."""
    with LocalServer(f"sqlite:///{tmp_path / 'left.sqlite3'}", clock=FakeClock(), fast_path=fast_path) as server:
        poll, cursor = _raw_poll(server, wait=25)
        for pause in (0.0, 0.3):  # the close in the request's read, and once the poll waits
            with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
                sock.sendall(poll)
                time.sleep(pause)
                started = time.monotonic()
                sock.shutdown(socket.SHUT_WR)
                received = read_until_closed(sock)  # the socket's 10 s timeout fails a poll left waiting
            assert time.monotonic() - started < 5
            assert received.startswith(b"HTTP/1.1 200 OK") and received.endswith(_empty_answer(cursor))
        assert _no_poll_left_waiting(server)


def test_polls_left_by_their_client_do_not_lock_out_new_connections(tmp_path: Path) -> None:
    """Found from outside: one signed-in client that opened long polls and closed each at once
    kept every one of them waiting out its 30 s, each holding its connection: 20,000 took the
    server from 73 to 291 MiB, and once they filled the connection cap every new client was
    refused until they ran out."""
    limits = Limits(max_connections=20)
    with LocalServer(f"sqlite:///{tmp_path / 'cap.sqlite3'}", clock=FakeClock(), limits=limits) as server:
        poll, _cursor = _raw_poll(server, wait=30)
        for _ in range(60):
            with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
                sock.sendall(poll)
        for _ in range(5):
            assert requests.get(f"{server.url}/v1/health", timeout=5).status_code == 200
        assert _no_poll_left_waiting(server)


def test_polls_held_open_by_one_client_give_way_to_new_clients(tmp_path: Path) -> None:
    """Found from outside: one signed-in client holding a connection cap's worth of long polls
    (never leaving) refused every other client for as long as it liked. At the cap the oldest
    poll now answers at once (its client asks again) and its connection closes after it."""
    limits = Limits(max_connections=20)
    with LocalServer(f"sqlite:///{tmp_path / 'held.sqlite3'}", clock=FakeClock(), limits=limits) as server:
        poll, cursor = _raw_poll(server, wait=30)
        held = []
        try:
            for _ in range(40):
                sock = socket.create_connection(("127.0.0.1", server.port), timeout=10)
                sock.sendall(poll)
                held.append(sock)
                time.sleep(0.01)  # each poll is waiting before the next connection comes
            for _ in range(5):
                assert requests.get(f"{server.url}/v1/health", timeout=5).status_code == 200
            # The polls that gave way got a proper (empty) answer, then the close.
            answered = [read_until_closed(sock) for sock in held[:10]]
        finally:
            for sock in held:
                sock.close()
    assert all(reply.startswith(b"HTTP/1.1 200 OK") and reply.endswith(_empty_answer(cursor)) for reply in answered)


def test_an_upgrade_request_is_answered_as_plain_http_without_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The API has no WebSocket routes: an `Upgrade: websocket` request is answered as the plain
    request it also is. uvicorn logged two warnings for each (one advising the operator to install
    a WebSocket library), so anyone could write two log lines per request."""
    caplog.set_level(logging.INFO)
    with LocalServer(f"sqlite:///{tmp_path / 'upgrade.sqlite3'}", clock=FakeClock()) as server:
        for upgrade in ("websocket", "h2c"):
            answer = requests.get(
                f"{server.url}/v1/health",
                headers={"Connection": "Upgrade", "Upgrade": upgrade, "Sec-WebSocket-Version": "13"},
                timeout=5,
            )
            assert answer.status_code == 200 and answer.json() == {"status": "ok"}
    assert [record.getMessage() for record in caplog.records if record.levelno >= logging.WARNING] == []
