"""The one way the tests start the reference server: `LocalServer`, on 127.0.0.1 on a free (or
given) port, on a database URL, either in this process (uvicorn in a thread, with a fake clock if
wanted) or in a process of its own (`famguard-server`, as in real life: for measurements that an
in-process server would disturb through the GIL). It can be stopped and started again on the same
port and database, like a service that goes down and comes back. Also the fake clock."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from famguard.server.fastpath import FAST_PATH_ENV
from famguard.server.limits import Limits
from famguard.server.runner import ServerThread


@contextmanager
def counting_calls(target: object, *names: str) -> Iterator[list[str]]:
    """Wraps the methods `names` of `target` (say, a running server's Database) for the block and
    yields the names called, in order: how a test tells which path answered a request."""
    calls: list[str] = []

    def counted(name: str, original: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:  # noqa: ANN401 - whatever the method takes and gives
            calls.append(name)
            return original(*args, **kwargs)

        return wrapper

    for name in names:
        setattr(target, name, counted(name, getattr(target, name)))
    try:
        yield calls
    finally:
        for name in names:
            delattr(target, name)  # the class's method again


class FakeClock:
    """A server clock the test moves; `FakeClock()` starts at a fixed moment (2026-11-25 12:00
    UTC), `FakeClock.real_now()` at the real one (for tests whose teens' ages use date.today())."""

    def __init__(self, start: datetime = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)):
        self.now = start

    @classmethod
    def real_now(cls) -> FakeClock:
        return cls(datetime.now(UTC))

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


class LocalServer:
    """`with LocalServer(url) as server:` … `server.url`. `fast_path=False` turns off the
    SQLite fast path of GET controls (the full FastAPI route answers everything)."""

    def __init__(
        self,
        database_url: str,
        *,
        clock: Callable[[], datetime] | None = None,
        demo: bool = False,
        fast_path: bool = True,
        own_process: bool = False,
        port: int = 0,
        limits: Limits | None = None,
        args: tuple[str, ...] = (),
        nofile: int | None = None,
        workers: int = 1,
        output: Path | None = None,
    ) -> None:
        """`limits` for a server in this process; `args` (extra famguard-server options),
        `nofile` (its descriptor limit), `workers` (famguard-server --workers N) and `output` (a
        file that takes its stdout and stderr, appended to at each start) for one in its own
        process, whose stop sends SIGTERM as `kill` does and keeps its exit status (`exit_code`)."""
        if workers != 1 and not own_process:
            raise ValueError("several workers need a server in its own process")
        if own_process and (clock is not None or demo):
            raise ValueError("a server in its own process runs on the real clock, without the demo seed")
        self.database_url = database_url
        self.clock = clock
        self.demo = demo
        self.fast_path = fast_path
        self.own_process = own_process
        self.port = port
        self.limits = limits
        self.args = args
        self.nofile = nofile
        self.workers = workers
        self.output = output
        self._workers_log: Path | None = None  # where several workers say they started, without `output`
        self.exit_code: int | None = None
        self.url = ""
        self._thread: ServerThread | None = None
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def running(self) -> bool:
        return self._thread is not None or self._process is not None

    @property
    def pid(self) -> int:
        """The server process's id (this process's for an in-process server; the parent, with
        several workers)."""
        return self._process.pid if self._process is not None else os.getpid()

    @property
    def app(self) -> Any:  # noqa: ANN401 - the FastAPI app, only for an in-process server
        assert self._thread is not None and self._thread.app is not None, "not running in this process"
        return self._thread.app

    @property
    def demo_family(self) -> Any:  # noqa: ANN401 - famguard.server.demo.DemoFamily
        assert self._thread is not None
        return self._thread.demo_family

    def start(self) -> str:
        """Start (again, on the same port after the first start); returns the base URL."""
        if self.own_process:
            self._start_process()
        else:
            thread = ServerThread(
                self.database_url,
                port=self.port,
                clock=self.clock,
                demo=self.demo,
                fast_path=self.fast_path,
                limits=self.limits,
            )
            self.url = thread.start()
            self._thread = thread
        self.port = int(self.url.rsplit(":", 1)[1])
        return self.url

    def _workers_started(self, log: Path | None, offset: int) -> bool:
        """Every worker has started (one worker: the health check said so)."""
        if self.workers == 1 or log is None:
            return True
        with log.open("rb") as output:
            output.seek(offset)
            return output.read().count(b"Application startup complete.") >= self.workers

    def stop(self) -> None:
        if self._thread is not None:
            self._thread.stop()
            self._thread = None
        if self._process is not None:
            self._process.terminate()
            try:
                self.exit_code = self._process.wait(10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self.exit_code = self._process.wait(5)
            self._process = None
        if self._workers_log is not None:
            self._workers_log.unlink(missing_ok=True)
            self._workers_log = None

    def kill(self) -> None:
        """SIGKILL the server's process (own_process only): a crash, with no chance to clean up."""
        assert self._process is not None, "only a server in its own process can be killed"
        self._process.kill()
        self._process.wait(10)
        self._process = None

    def __enter__(self) -> LocalServer:
        self.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    def _start_process(self) -> None:
        if not self.port:
            with socket.socket() as probe:
                probe.bind(("127.0.0.1", 0))
                self.port = probe.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        command = [sys.executable, "-c", "from famguard.server.cli import main; raise SystemExit(main())"]
        command += ["--port", str(self.port), "--database-url", self.database_url, *self.args]
        if self.workers != 1:
            command += ["--workers", str(self.workers)]
        env = {**os.environ, FAST_PATH_ENV: "1" if self.fast_path else "0"}
        nofile = self.nofile

        def _limit_descriptors() -> None:
            if nofile is not None:
                import resource

                resource.setrlimit(resource.RLIMIT_NOFILE, (nofile, nofile))

        # Several workers: the health check is answered by the first one up, and a benchmark
        # started then met the others still starting (GET p99 ~2 s with --workers 2 on a slow
        # machine). Their start is read from the output: each logs "Application startup complete."
        log = self.output
        if log is None and self.workers > 1:
            handle, name = tempfile.mkstemp(prefix="famguard-workers-", suffix=".log")
            os.close(handle)
            log = self._workers_log = Path(name)
        started_at = log.stat().st_size if log is not None and log.exists() else 0
        output = log.open("ab") if log is not None else subprocess.DEVNULL
        process = subprocess.Popen(
            command,
            stdout=output,
            stderr=output,
            env=env,
            preexec_fn=_limit_descriptors if nofile is not None else None,  # noqa: PLW1509 - only setrlimit
        )
        if not isinstance(output, int):
            output.close()  # the process has its own copy
        self._process = process
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{self.url}/v1/health", timeout=1) as reply:  # noqa: S310 - loopback
                    if reply.status == 200 and self._workers_started(log, started_at):
                        return
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError("famguard-server did not start") from None
                time.sleep(0.1)
