"""Crash fuzzing (issue 13): a guardian's app process is SIGKILLed at a random moment while it
resumes, queues, sends or confirms changes, run after run, each run a new process on the same
account database. Every new process finds the database intact (PRAGMA integrity_check), and at
the end the service holds what the guardian asked last, with no change applied twice.

FAMGUARD_CRASH_RUNS sets the number of runs: 40 by default, as CI runs it (~1 minute); the
issue's 100 on demand (`FAMGUARD_CRASH_RUNS=100`, ~2.5 minutes)."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from famguard.store import database_path
from tests.support.accounts import PASSWORD, guardian, pair, teen

CHILD = str(Path(__file__).with_name("crash_child.py"))
RUNS = int(os.environ.get("FAMGUARD_CRASH_RUNS", "40"))


def _last_asked(path: Path) -> list[str]:
    """The keywords of the newest change the guardian made (the outbox keeps every one)."""
    with sqlite3.connect(path) as conn:
        for (fields,) in conn.execute("SELECT fields FROM outbox ORDER BY id DESC"):
            body = json.loads(fields)
            if "keyword_filters" in body:
                return body["keyword_filters"]
    return []


def test_random_kills_lose_nothing_and_apply_nothing_twice(live_server: str) -> None:
    g, address = guardian(live_server)
    teen_id = pair(g, teen(live_server))
    rng = random.Random(int(os.environ.get("FAMGUARD_CRASH_SEED", "13")))
    killed_at: dict[str, int] = {}

    def start(run: int) -> subprocess.Popen[str]:
        child = subprocess.Popen(
            [sys.executable, CHILD, "fuzz", live_server, address, PASSWORD, teen_id, str(run)],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert child.stdout is not None
        first = child.stdout.readline()  # signed in: the database is open
        assert json.loads(first) == {"integrity": True}, f"run {run}: {first!r}"
        return child

    # The kills fall anywhere in one whole run's time on this machine, measured first with a run
    # left alone (a fixed 0.25 s window put 39 of 40 kills after the last send on a fast machine).
    calibration = start(RUNS)
    began = time.monotonic()
    calibration.wait(60)
    whole_run = time.monotonic() - began
    for run in range(RUNS):
        child = start(run)
        try:
            # Squared: more kills early, where the phases are shorter (resuming, the first queue).
            time.sleep(whole_run * rng.random() ** 2)
            child.send_signal(signal.SIGKILL)
            child.wait(10)
            rest = child.stdout.read().split()
            phase = rest[-1] if rest else "START"
            killed_at[phase] = killed_at.get(phase, 0) + 1
        finally:
            if child.poll() is None:
                child.kill()
                child.wait(10)
    path = database_path(live_server, address)
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    resumed = subprocess.run(
        [sys.executable, CHILD, "resume", live_server, address, PASSWORD],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    report = json.loads(resumed.stdout.strip().splitlines()[-1])
    print(f"{RUNS} kills within {whole_run:.2f} s of signing in, by the last phase reached: {killed_at}")
    assert report["integrity"] is True
    assert set(report["states"]) <= {"saved"}, report["states"]
    assert list(g.get_controls(teen_id).controls.keyword_filters) == _last_asked(path)
    applied = [tuple(a.after or ()) for a in g.activity(teen_id, limit=500) if a.field == "keyword_filters"]
    assert len(applied) == len(set(applied)), "a change was applied twice"
    if RUNS >= 30:  # a few runs may all land in one phase
        assert len(killed_at) >= 3, f"the kills did not spread over the phases: {killed_at}"
