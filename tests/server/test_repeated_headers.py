"""A header a request repeats means the same on the fast paths and on the FastAPI routes: its
first value, the one the routes read (starlette's `Headers.get`). Found from outside: a request
carrying a stranger's junk token first and a valid one second was answered 200 by the fast
paths (they kept the last value) and 401 by the routes; two If-None-Match headers gave 304 on
one path and 200 on the other. Sent over raw sockets (an HTTP library folds repeated headers)
to a real server with the fast paths and one without, each on its own database and clock."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import requests

from tests.server.test_controls_read_paths import assert_answers_agree
from tests.support.accounts import link, make_guardian, make_teen
from tests.support.http import Api, read_until_closed
from tests.support.servers import FakeClock, LocalServer

Answer = tuple[str, str]  # status line, body


def _send(port: int, head: str) -> Answer:
    """One request (`head` without its final blank line) on a connection of its own."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(f"{head}Host: x\r\nConnection: close\r\n\r\n".encode())
        data = read_until_closed(sock)
    head_bytes, _, body = data.partition(b"\r\n\r\n")
    return head_bytes.split(b"\r\n", 1)[0].decode(), body.decode()


def _scenario(server: LocalServer, clock: FakeClock) -> list[tuple[str, Answer]]:
    api = Api(requests.Session(), server.url)
    alex = make_guardian(api, "Alex")
    maya = make_teen(api, "Maya", 14, clock.now.date())
    link(api, alex, maya)
    etag = api.call("GET", f"/v1/teens/{maya.id}/controls", alex.token).headers["ETag"]
    cursor = api.call("GET", "/v1/events?after=0", alex.token).json()["cursor"]
    junk, valid = "Authorization: Bearer not-a-token\r\n", f"Authorization: Bearer {alex.token}\r\n"
    controls = f"GET /v1/teens/{maya.id}/controls HTTP/1.1\r\n"
    me = "GET /v1/me HTTP/1.1\r\n"
    events = f"GET /v1/events?after={cursor} HTTP/1.1\r\n"
    stale, current = 'If-None-Match: "999"\r\n', f"If-None-Match: {etag}\r\n"
    sent = [
        ("controls, junk token then valid", _send(server.port, controls + junk + valid)),
        ("controls, valid token then junk", _send(server.port, controls + valid + junk)),
        ("controls, stale tag then current", _send(server.port, controls + valid + stale + current)),
        ("controls, current tag then stale", _send(server.port, controls + valid + current + stale)),
        ("me, junk token then valid", _send(server.port, me + junk + valid)),
        ("me, valid token then junk", _send(server.port, me + valid + junk)),
        ("events, junk token then valid", _send(server.port, events + junk + valid)),
        ("events, valid token then junk", _send(server.port, events + valid + junk)),
    ]
    # Each run has its own accounts: their ids and emails are named, not compared.
    named = {alex.id: "<alex>", alex.email: "<alex's email>", maya.id: "<maya>"}
    return [(label, (status, _named(body, named))) for label, (status, body) in sent]


def _named(text: str, names: dict[str, str]) -> str:
    for value, name in names.items():
        text = text.replace(value, name)
    return text


def _run(database_url: str, fast_path: bool) -> list[tuple[str, Answer]]:
    clock = FakeClock()  # both runs start at the same moment
    with LocalServer(database_url, clock=clock, fast_path=fast_path) as server:
        return _scenario(server, clock)


def test_a_repeated_header_means_its_first_value_on_both_paths(tmp_path: Path) -> None:
    answers = assert_answers_agree(
        _run(f"sqlite:///{tmp_path / 'fast.sqlite3'}", fast_path=True),
        _run(f"sqlite:///{tmp_path / 'full.sqlite3'}", fast_path=False),
    )
    # What both paths answer is the routes' reading: the first value counts.
    for label in ("controls, junk token then valid", "me, junk token then valid", "events, junk token then valid"):
        assert answers[label][0] == "HTTP/1.1 401 Unauthorized", label
    for label in ("controls, valid token then junk", "me, valid token then junk", "events, valid token then junk"):
        assert answers[label][0] == "HTTP/1.1 200 OK", label
    assert json.loads(answers["events, valid token then junk"][1])["events"] == []
    assert answers["controls, stale tag then current"][0] == "HTTP/1.1 200 OK"
    assert answers["controls, current tag then stale"][0] == "HTTP/1.1 304 Not Modified"
