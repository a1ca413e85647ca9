"""The overall deadline of a call (famguard.api.http_session, ApiClient._send), attacked from
outside with a scripted service on loopback (real sockets, real HTTP parsing): one deadline for the
whole call, every try of it; a deadline that passes never ends another call's read of a pooled
connection; and a head no HTTP client can read is the service's problem, not "can't reach"."""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler

import pytest

from famguard.api import ApiClient, RetryPolicy, make_session
from famguard.api import errors as e
from tests.support.scripted import Scripted, script_server

RETRIES = RetryPolicy(attempts=4, base=0.01, cap=0.05, max_retry_after=1)


def _trickle_then(status: int, seconds: float):  # noqa: ANN202 - a Scripted's raw writer
    """A head trickled a byte at a time for about `seconds`, then `status` (a retry invited)."""

    def write(handler: BaseHTTPRequestHandler) -> None:
        head = f"HTTP/1.1 {status} X\r\nContent-Length: 2\r\nX-Pad: {'p' * 400}\r\n\r\nno".encode()
        step = seconds / len(head)
        try:
            for byte in head:
                handler.wfile.write(bytes([byte]))
                handler.wfile.flush()
                time.sleep(step)
        except OSError:
            pass  # the client gave up: the point

    return write


def test_one_deadline_covers_every_try_of_a_call() -> None:
    """Found by an attacker: a head trickled until just short of the deadline, then a 503 (which
    invites a retry), took one call 148 s — each try had a deadline of its own. The call's
    deadline covers all its tries now: it ends within it, as the service's problem."""
    with script_server(lambda _seen: Scripted(raw=_trickle_then(503, 1.5))) as slow:
        api = ApiClient(slow.url, make_session(), retry=RETRIES, timeout=(0.5, 1.0), overall_margin=0.5)
        started = time.monotonic()
        with pytest.raises(e.AnswerTooSlow):
            api.health()
        # Not a speed check: four tries of 1.5 s each would take 6 s; the one deadline is 2 s.
        assert time.monotonic() - started < 4
        assert len(slow.seen) <= 2


def test_a_deadline_that_passes_never_shuts_a_socket_another_call_reads_now() -> None:
    """Found by an attacker: with one session shared by many threads (the app's long poll and its
    other calls share one), a deadline that passed just as its call gave its pooled connection back
    shut the socket under the next call ("can't reach the service", 129 times in 20 s). A
    reproduction through the pool depends on the machine's timing, so the rule is checked on the
    watchdog itself, with real sockets: a socket is shut only by the deadline of the call reading
    it now, and not after that call has read its answer (before the connection goes back)."""
    import socket

    from famguard.api import http_session

    def alive(sock: socket.socket, other: socket.socket) -> bool:
        try:
            sock.sendall(b"x")
            return other.recv(1) == b"x"
        except OSError:
            return False

    first, other = socket.socketpair()
    with first, other:
        handed_on = threading.Event()

        def earlier_call() -> None:  # reads the socket, then the next call takes it, then expires
            with http_session.overall_deadline(0.2):
                http_session._watch_this_call(first)
                handed_on.wait(5)
                time.sleep(0.4)

        thread = threading.Thread(target=earlier_call)
        thread.start()
        time.sleep(0.05)
        with http_session.overall_deadline(30):  # the next call, reading the same socket now
            http_session._watch_this_call(first)
            handed_on.set()
            thread.join(5)
            assert alive(first, other), "the earlier call's deadline shut the next call's socket"

        with http_session.overall_deadline(0.2):  # a call that has read its answer, then lingers
            http_session._watch_this_call(first)
            http_session.answer_read()
            time.sleep(0.4)
        assert alive(first, other), "a deadline shut a socket after its call had read its answer"

        with http_session.overall_deadline(0.2):  # and a call still reading is ended, as before
            http_session._watch_this_call(first)
            time.sleep(0.4)
        assert not alive(first, other)


@pytest.mark.parametrize("head", ["100 headers", "a huge header line"])
def test_a_head_no_client_can_read_is_the_services_problem(head: str) -> None:
    """Found by an attacker: more than 100 header lines, or a header line of megabytes, was said
    "Can't reach the service. Check the internet connection" after four tries."""

    def write(handler: BaseHTTPRequestHandler) -> None:
        lines = [f"X-{n}: {n}" for n in range(150)] if head == "100 headers" else ["X-Big: " + "b" * 200_000]
        try:
            handler.wfile.write(
                ("HTTP/1.1 200 OK\r\n" + "\r\n".join(lines) + "\r\nContent-Length: 2\r\n\r\nok").encode()
            )
        except OSError:
            pass

    with script_server(lambda _seen: Scripted(raw=write)) as broken:
        api = ApiClient(broken.url, make_session(), retry=RETRIES)
        with pytest.raises(e.ProtocolError) as caught:
            api.health()
        assert "cannot read" in caught.value.message
        assert len(broken.seen) == 1  # not tried again: the same head would come back
