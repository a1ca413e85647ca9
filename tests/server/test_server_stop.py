"""Stopping the server: a long poll waiting at that moment is answered at once, as at its
timeout, not cut off. In this process (the demo's "Reset demo" and quit, every test's server) a
kept-alive connection is closed, the port is free for the next start and the database file can
go. `famguard-server` told to stop by SIGTERM, as `kill` or a service manager does, with one
worker or several (each worker gets the signal), answered such a poll 500 after its 5 s grace,
with a traceback in its log, at every stop while an app was connected (PostgreSQL's listener:
tests/server/test_postgres.py)."""

from __future__ import annotations

import signal
import socket
import time
from pathlib import Path

import pytest
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


@pytest.mark.parametrize("workers", [1, 2])
def test_a_signal_answers_waiting_polls_and_the_server_stops_cleanly(tmp_path: Path, workers: int) -> None:
    database = tmp_path / "server.sqlite3"
    stop_while_polling(LocalServer(f"sqlite:///{database}", own_process=True, workers=workers, output=tmp_path / "log"))


def stop_while_polling(server: LocalServer) -> None:
    """Starts `server` (in its own process, with `output`), opens a long poll that would wait
    30 s, and stops the server with SIGTERM: the poll is answered as at its timeout, the process
    ends promptly as a signal's clean stop does, and nothing went wrong in its log."""
    assert server.output is not None
    with server, requests.Session() as session:
        api = Api(session, server.url)
        alex = make_guardian(api)
        cursor = api.call("GET", "/v1/events", alex.token).json()["cursor"]
        timed_out = api.call("GET", "/v1/events", alex.token, params={"after": cursor, "wait": 0.1}).json()
        poll = BackgroundPoll(Api(requests.Session(), server.url), alex, cursor, wait=30)
        signalled = time.monotonic()
        server.stop()  # SIGTERM, and waits for the process
        stopped = time.monotonic() - signalled
        poll.thread.join(timeout=5)
    assert poll.response is not None, "the poll was not answered"
    assert poll.response.status_code == 200, poll.response.text
    assert poll.response.json() == timed_out == {"events": [], "cursor": cursor, "missed": False}
    assert poll.answered_at - signalled < 3
    assert stopped < 3
    # A clean stop exits 0: one worker no longer raises the signal again once stopped (uvicorn's
    # way, which ended the process before `--demo` removed its folder), a parent of workers returns 0.
    assert server.exit_code == 0
    log = server.output.read_text()
    assert "Shutting down" in log  # the log is the server's (and it stopped by the signal)
    assert "Traceback" not in log
    assert " 500 " not in log


def test_a_demo_stopped_by_a_signal_leaves_no_folder_behind(tmp_path: Path) -> None:
    """Found by an outside tester: `famguard-server --demo` stopped with SIGTERM left its folder
    (the demo's database and secret) in the temporary folder: uvicorn raised the signal again once
    it had shut down, which ended the process before the folder was removed. It exits 0 after."""
    import os
    import subprocess
    import sys

    temporary = tmp_path / "tmp"
    temporary.mkdir()
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "famguard.server.cli", "--demo", "--port", str(port)],
        env={**os.environ, "TMPDIR": str(temporary)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if requests.get(f"http://127.0.0.1:{port}/v1/health", timeout=2).ok:
                    break
            except requests.ConnectionError:
                time.sleep(0.1)
        assert list(temporary.glob("famguard-demo-*")), "the demo made no folder"
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, output
    assert list(temporary.glob("famguard-demo-*")) == [], output
