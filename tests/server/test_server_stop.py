"""Stopping the in-process server (the demo's "Reset demo" and quit, every test's server): a long
poll waiting at that moment is answered, not cut off, with the events it has; a kept-alive
connection is closed; the port is free for the next start and the database file can go."""

from __future__ import annotations

import socket
from pathlib import Path

import requests

from tests.support.accounts import make_guardian
from tests.support.http import Api, BackgroundPoll
from tests.support.servers import LocalServer


def test_stopping_answers_waiting_polls_and_frees_the_port(tmp_path: Path) -> None:
    database = tmp_path / "server.sqlite3"
    server = LocalServer(f"sqlite:///{database}")
    server.start()
    with requests.Session() as session:
        api = Api(session, server.url)
        alex = make_guardian(api)  # the session's connection stays open (kept alive)
        cursor = api.call("GET", "/v1/events", alex.token).json()["cursor"]
        poll = BackgroundPoll(Api(requests.Session(), server.url), alex, cursor, wait=20)
        server.stop()
        assert poll.join(timeout=5) == []  # answered by the stopping server: no events, no error
        assert poll.response.status_code == 200
    with socket.socket() as probe:  # nobody listens there any more, and the port can be taken again
        assert probe.connect_ex(("127.0.0.1", server.port)) != 0
    server.start()  # on the same port, the same database: the account is still there
    try:
        with requests.Session() as session:
            again = Api(session, server.url)
            assert again.call("GET", "/v1/me", alex.token).json()["display_name"] == "Alex"
    finally:
        server.stop()
