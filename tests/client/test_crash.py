"""A guardian's app killed with SIGKILL in the middle of sending: the next start finds the queued
and half-sent changes and sends them, each applied exactly once, and the database is intact."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from famguard.store import database_path
from tests.support.accounts import PASSWORD, guardian, pair, teen
from tests.support.proxy import FaultProxy

from .crash_child import EDITS

CHILD = str(Path(__file__).with_name("crash_child.py"))


def _controls_entries(api, teen_id: str) -> list[str]:
    return [a.field for a in reversed(api.activity(teen_id)) if a.kind == "controls"]


def test_a_killed_app_sends_its_changes_once_after_restart(live_server: str) -> None:
    g, address = guardian(live_server)
    teen_id = pair(g, teen(live_server))
    proxy = FaultProxy(live_server).start()
    # Two changes go through; every reply after that is lost, so the app keeps resending the third.
    proxy.drop_reply("PATCH /v1/teens", times=10_000, after=2)
    child = subprocess.Popen(
        [sys.executable, CHILD, "queue", proxy.url, address, PASSWORD, teen_id],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while proxy.count("PATCH /v1/teens") < 4 and time.monotonic() < deadline:
            time.sleep(0.05)  # the third change has reached the server, and been resent at least once
        assert child.stdout.readline().strip() == "QUEUED"
        assert len(_controls_entries(g, teen_id)) == 3
        child.send_signal(signal.SIGKILL)
        child.wait(10)
        assert child.returncode == -signal.SIGKILL

        path = database_path(proxy.url, address)
        with sqlite3.connect(path) as conn:
            states = [r[0] for r in conn.execute("SELECT state FROM outbox ORDER BY id")]
        assert states[:2] == ["saved", "saved"] and len(states) == 4
        assert "saved" not in states[2:]  # the third went out, but its reply never came

        proxy.drop_reply("PATCH /v1/teens", times=0)  # the network is fine again
        resumed = subprocess.run(
            [sys.executable, CHILD, "resume", proxy.url, address, PASSWORD],
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
    finally:
        if child.poll() is None:
            child.kill()
            child.wait(10)
        proxy.stop()
    report = json.loads(resumed.stdout.strip().splitlines()[-1])
    assert report == {"sent": 2, "states": ["saved"] * 4, "integrity": True}
    assert _controls_entries(g, teen_id) == [next(iter(edit)) for edit in EDITS]  # each once, in order
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
