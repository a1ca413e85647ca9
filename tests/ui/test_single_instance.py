"""One FamGuard per user, with real processes: a second `famguard` hands its famguard:// link to
the running one and exits without a window; the running one takes it (and logs that, without the
code); a FamGuard that crashed leaves no lock behind that stops the next start. Each test has its
own FAMGUARD_DATA_DIR (tests/ui/conftest.py), which is part of the channel's name."""

from __future__ import annotations

import os
import queue
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import ExitStack
from pathlib import Path

import pytest

from famguard.instance import AnotherInstanceNotAnswering, SingleInstance, channel_name, hand_over

# The real app's main(), with its log lines on stderr so the test can see what the first one did.
# A launch stuck for 50 s prints where (the test's own timeout is 60 s).
APP = (
    "import faulthandler, logging, sys; faulthandler.dump_traceback_later(50, exit=True); "
    "logging.basicConfig(level=logging.INFO); from famguard.app import main; sys.exit(main())"
)


class RunningApp:
    """The first FamGuard, started with `args` and waited for until it listens for other launches
    (before that, on a loaded machine, a later launch could still win the race to be the first)."""

    def __init__(self, *args: str) -> None:
        self.args = [sys.executable, "-c", APP, *args]
        self.process = subprocess.Popen(
            self.args,
            env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.log: list[str] = []
        self._pump_thread = threading.Thread(target=self._pump, daemon=True)
        self._pump_thread.start()
        self.wait_for("Listening for other launches")

    def _pump(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.lines.put(line)

    def wait_for(self, text: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while not any(text in line for line in self.log):
            if self.process.poll() is not None and self.lines.empty():
                raise AssertionError(f"the app ended ({self.process.returncode}): {''.join(self.log)}")
            try:
                self.log.append(self.lines.get(timeout=max(0.01, deadline - time.monotonic())))
            except queue.Empty:
                raise AssertionError(f"no {text!r} after {timeout} s: {''.join(self.log)}") from None

    def stop(self, sig: int = signal.SIGTERM) -> str:
        self.process.send_signal(sig)
        self.process.wait(timeout=30)
        self._pump_thread.join(timeout=10)  # it ends at the end of the output: everything is read
        while not self.lines.empty():
            self.log.append(self.lines.get())
        return "".join(self.log)


def run_app(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-c", APP, *args],
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen", **(env or {})},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "Timeout (0:00:50)" not in result.stderr, result.stderr
    return result


def test_a_second_launch_hands_its_link_to_the_running_app_and_exits(data_dir: Path) -> None:
    first = RunningApp()
    try:
        second = run_app("famguard://pair?code=K7MQ-2XRT")
        assert second.returncode == 0, second.stderr
        assert "already running" in second.stdout
        assert "first-paint" not in second.stdout
        first.wait_for("Opening famguard://pair")
        third = run_app()  # a plain second launch only raises the window
        assert third.returncode == 0 and "already running" in third.stdout
        assert first.process.poll() is None, "the running app must keep running"
    finally:
        log = first.stop()
    assert "handed over a link" in log and "Opening famguard://pair" in log
    assert log.count("Another launch of FamGuard handed over") == 2
    assert "K7MQ" not in log  # the pairing code is a secret: never in a log line


def test_a_crashed_app_leaves_nothing_that_blocks_the_next_start(data_dir: Path) -> None:
    first = RunningApp()
    assert run_app().stdout.strip().endswith("brought to the front.")  # it is up and answering
    first.stop(signal.SIGKILL)  # no clean-up at all: the lock file and the socket stay behind
    after = run_app(env={"FAMGUARD_EXIT_AFTER_FIRST_PAINT": "1"})
    assert after.returncode == 0, after.stderr
    assert after.stdout.startswith("first-paint "), "the next start must open its own window"


def test_another_data_folder_is_another_app(data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = RunningApp()
    try:
        assert "already running" in run_app().stdout  # handed over (the same data folder)
        other = run_app(env={"FAMGUARD_DATA_DIR": str(tmp_path / "other"), "FAMGUARD_EXIT_AFTER_FIRST_PAINT": "1"})
        assert other.stdout.startswith("first-paint "), other.stderr
    finally:
        first.stop()
    here = channel_name()
    monkeypatch.setenv("FAMGUARD_DATA_DIR", str(tmp_path / "other"))
    assert channel_name() != here and channel_name().startswith("famguard-")


def test_a_lock_holder_that_never_answers_is_reported_with_its_process(
    qapp, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    name = f"famguard-test-silent-{os.getpid()}"
    held = SingleInstance.claim(name)  # claimed, but never listening
    assert held is not None
    try:
        assert SingleInstance.claim(name) is None
        with pytest.raises(AnotherInstanceNotAnswering) as silent:
            hand_over("", name=name, timeout_s=1.0)
        assert silent.value.pid == os.getpid() and "does not answer" in str(silent.value)
    finally:
        held.release()
    again = SingleInstance.claim(name)
    assert again is not None
    again.release()


def test_a_message_that_is_no_object_is_refused_quietly_and_the_app_answers_the_next(data_dir: Path) -> None:
    """Found by an attacker on the single-instance channel: `[]`, `"str"`, `null` and thousands
    of nested brackets each printed a Python traceback and left the sender waiting with no answer.
    Each is refused (the connection closed at once) and said in one line; a real hand-over after
    them is taken as before."""
    import socket

    from famguard.instance import _server_name

    first = RunningApp()
    try:
        for junk in (b"[]", b'"str"', b"null", b"1e999999", b"[" * 3000):
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as raw:
                raw.settimeout(5)
                raw.connect(_server_name(channel_name()))
                raw.sendall(junk + b"\n")
                assert raw.recv(16) == b"", f"{junk[:10]!r} was answered or left waiting"  # closed at once
        hand_over("")
    finally:
        log = first.stop()
    assert log.count("Ignored a malformed message from another launch of FamGuard") == 5, log
    assert "Traceback" not in log
    assert log.count("Another launch of FamGuard handed over") == 1


def test_sigterm_quits_the_demo_as_quit_does_and_its_folder_goes(data_dir: Path, monkeypatch) -> None:
    """Found by an outside tester: `kill -TERM` (a logout does the same) ended the demo where it
    stood, and its folder — the practice service's database and secret — stayed in /tmp (some 200
    of them there). It quits as the Quit menu does now; Ctrl+C in the terminal too."""
    with ExitStack() as cleanup:
        for number, sig in enumerate((signal.SIGTERM, signal.SIGINT)):
            # A short folder: without XDG_RUNTIME_DIR, Qt puts the app's socket under TMPDIR, and a
            # Unix socket's path must fit in 107 bytes (a pytest-xdist worker's tmp_path does not).
            temporary = Path(tempfile.mkdtemp(prefix=f"fg{number}-"))
            cleanup.callback(shutil.rmtree, temporary, ignore_errors=True)
            monkeypatch.setenv("TMPDIR", str(temporary))
            demo = RunningApp("--demo")
            demo.wait_for("Listening for other launches")
            deadline = time.monotonic() + 30
            while not list(temporary.glob("famguard-demo-*/*")) and time.monotonic() < deadline:
                time.sleep(0.05)
            assert list(temporary.glob("famguard-demo-*")), "the demo made no folder"
            log = demo.stop(sig)
            assert demo.process.returncode == 0, log
            assert list(temporary.glob("famguard-demo-*")) == [], log
