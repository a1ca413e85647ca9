"""What a stranger can make the server hold, probed over real sockets against a real server:
bodies (size and arrival time), request heads (size and arrival time), and a crowd of slow
clients near the descriptor limit. Each test is a break found from outside (issue 13) and
failed before famguard/server/limits.py."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from famguard.server.limits import Limits
from tests.support.http import read_until_closed
from tests.support.servers import LocalServer

MiB = 1024 * 1024


def _rss_peak_mib(pid: int) -> float:
    """The process's peak resident memory (VmHWM), in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmHWM")


def _chunks(total: int, size: int = MiB) -> Iterator[bytes]:
    block = b"x" * size
    for _ in range(total // size):
        yield block


@pytest.fixture
def own_server(tmp_path: Path) -> Iterator[LocalServer]:
    with LocalServer(f"sqlite:///{tmp_path / 'server.sqlite3'}", own_process=True, args=("--header-timeout", "1")) as s:
        yield s


def _post_big(url: str, total: int, chunked: bool) -> int:
    body = _chunks(total) if chunked else b"x" * total
    try:
        reply = requests.post(f"{url}/v1/accounts", data=body, headers={"Content-Type": "application/json"}, timeout=30)
    except requests.ConnectionError:
        return -1  # the server closed the connection while we were still sending: also a refusal
    return reply.status_code


def test_a_huge_body_without_a_token_is_refused_before_it_is_read(own_server: LocalServer) -> None:
    before = _rss_peak_mib(own_server.pid)
    assert _post_big(own_server.url, 100 * MiB, chunked=False) in (413, -1)
    assert _post_big(own_server.url, 100 * MiB, chunked=True) in (413, -1)
    reply = requests.post(f"{own_server.url}/v1/accounts", data=b"x" * (300 * 1024), timeout=10)
    assert reply.status_code == 413
    assert reply.json()["error"]["code"] == "too_large"
    # Before: one such body took the server to ~520 MB.
    assert _rss_peak_mib(own_server.pid) - before < 50


def test_eight_huge_bodies_at_once_leave_the_server_small_and_answering(own_server: LocalServer) -> None:
    before = _rss_peak_mib(own_server.pid)
    with ThreadPoolExecutor(8) as pool:
        uploads = [pool.submit(_post_big, own_server.url, 50 * MiB, True) for _ in range(8)]
        started = time.monotonic()
        health = requests.get(f"{own_server.url}/v1/health", timeout=10)
        health_seconds = time.monotonic() - started
        statuses = [u.result() for u in uploads]
    assert health.status_code == 200
    assert set(statuses) <= {413, -1}
    assert health_seconds < 1.0, f"health took {health_seconds:.2f} s during the uploads"
    assert _rss_peak_mib(own_server.pid) - before < 80


def test_a_body_that_never_finishes_arriving_is_refused(tmp_path: Path) -> None:
    limits = Limits(body_timeout=1.0)
    with LocalServer(f"sqlite:///{tmp_path / 's.sqlite3'}", limits=limits) as server:
        with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
            sock.sendall(
                b"POST /v1/accounts HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                b'Content-Length: 100\r\n\r\n{"email":'
            )
            started = time.monotonic()
            reply = sock.recv(4096)
            assert time.monotonic() - started < 5
        assert reply.startswith(b"HTTP/1.1 408"), reply
        # The server still serves others.
        assert requests.get(f"{server.url}/v1/health", timeout=5).status_code == 200


def test_a_half_sent_header_is_closed_after_the_header_timeout(own_server: LocalServer) -> None:
    with socket.create_connection(("127.0.0.1", own_server.port), timeout=10) as sock:
        sock.sendall(b"GET /v1/health HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        started = time.monotonic()
        try:
            data = sock.recv(4096)
        except TimeoutError:
            pytest.fail("the server kept a half-sent header open for 10 s")
        assert data == b""  # closed by the server
        assert time.monotonic() - started < 5


def test_a_connection_that_sends_nothing_is_closed_too(own_server: LocalServer) -> None:
    with socket.create_connection(("127.0.0.1", own_server.port), timeout=10) as sock:
        try:
            assert sock.recv(4096) == b""
        except TimeoutError:
            pytest.fail("an idle new connection was kept open for 10 s")


def test_an_oversized_request_head_gets_431(own_server: LocalServer) -> None:
    with socket.create_connection(("127.0.0.1", own_server.port), timeout=10) as sock:
        sock.sendall(b"GET /v1/health HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * (64 * 1024) + b"\r\n\r\n")
        reply = sock.recv(4096)
    assert reply.startswith(b"HTTP/1.1 431"), reply[:80]


def test_many_slow_clients_near_the_descriptor_limit_do_not_lock_out_a_new_one(tmp_path: Path) -> None:
    # 400 half-headers against a server allowed 256 descriptors (the probe: 1,100 against 1,024).
    server = LocalServer(
        f"sqlite:///{tmp_path / 's.sqlite3'}", own_process=True, nofile=256, args=("--header-timeout", "60")
    )
    with server:
        slow: list[socket.socket] = []
        try:
            for _ in range(400):
                sock = socket.create_connection(("127.0.0.1", server.port), timeout=5)
                sock.sendall(b"GET /v1/health HTTP/1.1\r\nHost: x\r\n")
                slow.append(sock)
            time.sleep(0.5)
            started = time.monotonic()
            reply = requests.get(f"{server.url}/v1/health", timeout=10)
            assert reply.status_code == 200
            assert time.monotonic() - started < 3
        finally:
            for sock in slow:
                sock.close()


_TRICKLED_HEAD = (
    b"POST /v1/accounts HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 262144\r\n\r\n"
)


def test_many_clients_trickling_bodies_near_the_descriptor_limit_do_not_lock_out_new_ones(tmp_path: Path) -> None:
    """Found from outside: a connection that had sent its head and trickled its body (a byte
    every 5 s) was never closed to make room, so 400 of them against a server allowed 400
    descriptors refused every new client until their body timeout, and then they came back.
    Now the body that has been arriving the longest is closed, as a half-sent head is."""
    server = LocalServer(f"sqlite:///{tmp_path / 's.sqlite3'}", own_process=True, nofile=256)
    with server:
        trickling: list[socket.socket] = []
        try:
            for _ in range(400):
                sock = socket.create_connection(("127.0.0.1", server.port), timeout=5)
                sock.sendall(_TRICKLED_HEAD + b" ")
                trickling.append(sock)
            time.sleep(0.5)
            assert requests.get(f"{server.url}/v1/health", timeout=10).status_code == 200
            body = {"email": "kim@example.com", "password": "correct horse", "display_name": "Kim", "role": "guardian"}
            assert requests.post(f"{server.url}/v1/accounts", json=body, timeout=10).status_code == 201
        finally:
            for sock in trickling:
                sock.close()


def test_bodies_held_back_just_before_their_end_leave_the_server_small_and_answering(own_server: LocalServer) -> None:
    """Found from outside: each body is held whole until it has all arrived, so 2,000 clients
    that sent all but the last bytes of a 256 KiB body took the server from 81 to 627 MiB. The
    bodies still arriving now hold 32 MiB together at most: past that the oldest is closed."""
    before = _rss_peak_mib(own_server.pid)
    held: list[socket.socket] = []
    try:
        for _ in range(800):
            sock = socket.create_connection(("127.0.0.1", own_server.port), timeout=10)
            try:
                sock.sendall(_TRICKLED_HEAD + b" " * 262_000)
            except OSError:  # closed by the server while still sending: the point
                pass
            held.append(sock)
        time.sleep(1)
        assert requests.get(f"{own_server.url}/v1/health", timeout=10).status_code == 200
    finally:
        for sock in held:
            sock.close()
    assert _rss_peak_mib(own_server.pid) - before < 80  # before: +200 MiB


@pytest.mark.parametrize("cap_mib", [None, 1])
def test_the_memory_of_arriving_bodies_is_set_on_the_command_line(tmp_path: Path, cap_mib: int | None) -> None:
    """The 32 MiB the bodies still arriving may hold together had no option: a larger machine
    could not give them more, nor a small one less. `--arriving-bodies-mib 1`: five bodies of
    ~256 KiB held back just before their end are more than it, and the one arriving the longest
    is closed; under the default all five wait."""
    args = ("--arriving-bodies-mib", str(cap_mib)) if cap_mib else ()
    with LocalServer(f"sqlite:///{tmp_path / 's.sqlite3'}", own_process=True, args=args) as server:
        held: list[socket.socket] = []
        try:
            for _ in range(5):
                sock = socket.create_connection(("127.0.0.1", server.port), timeout=10)
                sock.sendall(_TRICKLED_HEAD + b" " * 262_000)
                held.append(sock)
            time.sleep(0.5)

            def closed(sock: socket.socket) -> bool:
                sock.settimeout(0.2)
                try:
                    return sock.recv(1) == b""
                except TimeoutError:
                    return False  # still waiting for the rest of its body
                except ConnectionResetError:
                    return True

            assert [closed(sock) for sock in held] == ([True, False, False, False, False] if cap_mib else [False] * 5)
        finally:
            for sock in held:
                sock.close()


def test_slow_clients_do_not_hold_a_request_in_progress(tmp_path: Path) -> None:
    """Eviction picks only connections still waiting for a head: a client in the middle of a
    request (here a 2 s long poll) keeps its answer while slow clients pile up."""
    limits = Limits(max_connections=20, header_timeout=60)
    with LocalServer(f"sqlite:///{tmp_path / 's.sqlite3'}", limits=limits) as server:
        from tests.support.accounts import make_guardian
        from tests.support.http import Api

        with requests.Session() as session:
            person = make_guardian(Api(session, server.url))
        result: dict[str, int] = {}

        def poll() -> None:
            reply = requests.get(
                f"{server.url}/v1/events",
                params={"after": 0, "wait": 2},
                headers={"Authorization": f"Bearer {person.token}"},
                timeout=10,
            )
            result["status"] = reply.status_code

        poller = threading.Thread(target=poll)
        poller.start()
        time.sleep(0.3)
        slow = [socket.create_connection(("127.0.0.1", server.port), timeout=5) for _ in range(40)]
        try:
            poller.join(10)
            assert result.get("status") == 200
            assert requests.get(f"{server.url}/v1/health", timeout=5).status_code == 200
        finally:
            for sock in slow:
                sock.close()


def _read_until(sock: socket.socket, marker: bytes, limit: float = 10) -> bytes:
    data = b""
    deadline = time.monotonic() + limit
    while marker not in data and time.monotonic() < deadline:
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    return data


def test_answers_arrive_whole_on_a_kept_alive_connection(tmp_path: Path) -> None:
    """Each answer's head and body leave in one write (limits._HeadWithBody): on one kept-alive
    connection a GET, a HEAD (head only), a body sent after "100 Continue" (which must come
    before the body is sent) and a GET again each get their complete answer, in order."""
    with LocalServer(f"sqlite:///{tmp_path / 's.sqlite3'}") as server:
        with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
            sock.sendall(b"GET /v1/health HTTP/1.1\r\nHost: x\r\n\r\n")
            first = _read_until(sock, b'"ok"}')
            assert first.startswith(b"HTTP/1.1 200 ") and first.endswith(b'{"status":"ok"}')
            sock.sendall(b"HEAD /v1/health HTTP/1.1\r\nHost: x\r\n\r\n")
            head = _read_until(sock, b"\r\n\r\n")
            assert head.startswith(b"HTTP/1.1 405 ") or head.startswith(b"HTTP/1.1 200 ")
            assert head.endswith(b"\r\n\r\n")  # no body after the head of a HEAD
            body = b'{"email": "a@example.com"}'
            sock.sendall(
                b"POST /v1/auth/token HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                b"Expect: 100-continue\r\nContent-Length: " + str(len(body)).encode() + b"\r\n\r\n"
            )
            assert _read_until(sock, b"\r\n\r\n").startswith(b"HTTP/1.1 100 Continue")
            sock.sendall(body)
            refused = _read_until(sock, b"}}")
            assert refused.startswith(b"HTTP/1.1 422 ") and b'"validation_failed"' in refused
            sock.sendall(b"GET /v1/health HTTP/1.1\r\nHost: x\r\n\r\n")
            assert _read_until(sock, b'"ok"}').endswith(b'{"status":"ok"}')


def test_a_connection_answers_its_allowed_pipelined_requests_in_order_then_closes(tmp_path: Path) -> None:
    """Requests sent ahead of their answers (HTTP pipelining) are answered in order up to the
    limit of waiting ones; then the connection closes and what it sent beyond is not taken (a
    client sends such requests again on a new connection)."""
    with LocalServer(f"sqlite:///{tmp_path / 's.sqlite3'}", limits=Limits(max_pipelined=4)) as server:
        with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
            sock.sendall(b"".join(f"GET /v1/nowhere-{n} HTTP/1.1\r\nHost: x\r\n\r\n".encode() for n in range(50)))
            answered = read_until_closed(sock)  # a timeout here: the connection was kept open
        # The one being answered and the 4 waiting behind it, each a 404 of its own, in order.
        assert answered.count(b"HTTP/1.1 404 Not Found") == 5
        # Within the limit, every request is answered and the connection stays open.
        with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
            sock.sendall(b"GET /v1/health HTTP/1.1\r\nHost: x\r\n\r\n" * 5)
            time.sleep(0.5)
            sock.sendall(b"GET /v1/health HTTP/1.1\r\nHost: x\r\n\r\n")
            received = b""
            while received.count(b"HTTP/1.1 200 OK") < 6:
                received += sock.recv(65536)


def test_clients_that_pipeline_megabytes_without_reading_leave_the_server_small_and_answering(
    own_server: LocalServer,
) -> None:
    """The probe: fifty connections each sent 1 MB of tiny pipelined requests and read nothing;
    the server went from 74 MiB to 2.4 GiB and a health check waited 24 s (uvicorn made a waiting
    request of every one it had read)."""
    before = _rss_peak_mib(own_server.pid)
    request = b"GET /v1/health HTTP/1.1\r\nHost: x\r\n\r\n"
    flood = request * (MiB // len(request))
    floods = []
    try:
        for _ in range(50):
            sock = socket.create_connection(("127.0.0.1", own_server.port), timeout=10)
            sock.setblocking(False)
            try:
                sock.send(flood)
            except BlockingIOError:
                pass  # what the kernel would not take now: the server has plenty already
            floods.append(sock)
        time.sleep(2)  # the server reads and answers what it takes of them
        started = time.monotonic()
        assert requests.get(f"{own_server.url}/v1/health", timeout=30).status_code == 200
        health_seconds = time.monotonic() - started
    finally:
        for sock in floods:
            sock.close()
    assert health_seconds < 1.0, f"health took {health_seconds:.2f} s during the flood"
    assert _rss_peak_mib(own_server.pid) - before < 50


def test_a_request_head_sent_while_an_earlier_request_runs_is_bounded_too(own_server: LocalServer) -> None:
    """Found from outside: the head limit counted only a connection's first head. The head of a
    pipelined request, sent while the earlier one was still running (a long poll here; for a
    stranger, a sign-in with a wrong password while its hash runs), was read without a limit:
    300 MiB of header lines in half a second took the server's memory from 82 to 385 MiB. Now
    the connection is closed once that head passes the limit."""
    from tests.support.accounts import make_guardian
    from tests.support.http import Api

    with requests.Session() as session:
        person = make_guardian(Api(session, own_server.url))
    before = _rss_peak_mib(own_server.pid)
    filler = (b"X-Filler: " + b"a" * 8000 + b"\r\n") * 128  # 1 MiB of header lines
    sent = 0
    with socket.create_connection(("127.0.0.1", own_server.port), timeout=10) as sock:
        sock.sendall(
            f"GET /v1/events?after=0&wait=3 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {person.token}\r\n\r\n"
            "GET /v1/health HTTP/1.1\r\nHost: x\r\n".encode()
        )
        try:
            while sent < 64 * MiB:
                sock.sendall(filler)
                sent += len(filler)
        except OSError:  # the server closed the connection while we were still sending
            pass
        try:
            rest = sock.recv(65536)
        except ConnectionResetError:
            rest = b""
    assert rest == b"", f"the connection stayed open after {sent // MiB} MiB of one request head"
    assert sent < 64 * MiB
    assert _rss_peak_mib(own_server.pid) - before < 30
    assert requests.get(f"{own_server.url}/v1/health", timeout=5).status_code == 200


def test_a_head_within_the_limit_sent_in_pieces_behind_a_running_request_is_answered(tmp_path: Path) -> None:
    """The other side of the bound above: a pipelined head under the limit (12 KiB of headers,
    in 1 KiB pieces while a long poll runs) is read whole and answered after the poll."""
    from tests.support.accounts import make_guardian
    from tests.support.http import Api

    with LocalServer(f"sqlite:///{tmp_path / 's.sqlite3'}") as server:
        with requests.Session() as session:
            person = make_guardian(Api(session, server.url))
        head = b"GET /v1/health HTTP/1.1\r\nHost: x\r\n" + b"".join(
            b"X-Part-%d: %s\r\n" % (n, b"a" * 1000) for n in range(12)
        )
        with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
            poll = f"GET /v1/events?after=0&wait=1 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {person.token}\r\n\r\n"
            sock.sendall(poll.encode())
            for start in range(0, len(head), 1024):
                sock.sendall(head[start : start + 1024])
                time.sleep(0.01)
            sock.sendall(b"\r\n")
            answers = _read_until(sock, b'{"status":"ok"}')
        assert answers.startswith(b"HTTP/1.1 200 ") and b'"cursor"' in answers
        assert answers.endswith(b'{"status":"ok"}')


def test_a_pipelined_long_poll_is_neither_cut_by_the_head_timeout_nor_evictable(tmp_path: Path) -> None:
    """Found from outside: after answering a request, the server counted its connection as
    waiting for a head even when the next pipelined request (a long poll here) had just started;
    so the next head's first bytes started the head timer, which closed the connection, poll and
    all, before the poll's answer (1 s into a 3 s poll here), and the connection could be chosen
    for eviction near the descriptor limit. Now both answers arrive and the third head is read."""
    from tests.support.accounts import make_guardian
    from tests.support.http import Api

    with LocalServer(f"sqlite:///{tmp_path / 's.sqlite3'}", limits=Limits(header_timeout=1.0)) as server:
        with requests.Session() as session:
            person = make_guardian(Api(session, server.url))
        poll = f"GET /v1/events?after=0&wait=3 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {person.token}\r\n\r\n"
        with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
            sock.sendall(b"GET /v1/health HTTP/1.1\r\nHost: x\r\n\r\n" + poll.encode())
            time.sleep(0.3)
            sock.sendall(b"GET /v1/health HTTP/1.1\r\nHost: x\r\n")  # the next head, begun
            started = time.monotonic()
            answers = _read_until(sock, b'"cursor":"0","missed":false}')
            assert answers.count(b"HTTP/1.1 200 OK") == 2, answers[-200:]
            assert time.monotonic() - started > 2  # the poll's own wait, not a close
            sock.sendall(b"\r\n")  # the third head, finished: answered too
            assert _read_until(sock, b'{"status":"ok"}').endswith(b'{"status":"ok"}')
