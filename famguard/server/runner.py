"""Runs the service with uvicorn in a background thread of this process: the end-to-end tests'
server and the desktop app's demo mode. `start()` binds (port 0 = any free port), waits until
requests are served and returns the base URL; `stop()` shuts down and releases the database.
A socket bound beforehand (famguard.domain.loopback.bind_loopback) can be handed over instead, so that the service's
address is known before the service exists (the desktop app's demo draws its family first)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import threading
import time
from collections.abc import Callable
from datetime import datetime
from urllib.parse import urlsplit, urlunsplit

import uvicorn
from fastapi import FastAPI

from famguard.domain.demo_family import DemoPlan
from famguard.domain.loopback import bind_loopback
from famguard.server.app import create_app
from famguard.server.limits import Limits, attach, uvicorn_options

# The longest path an access-log line shows whole (the API's longest is ~110 characters); a
# stranger's request head may hold a 16 KiB path, and wrote all of it into the log each time.
LOGGED_PATH_MAX = 200


class RedactQueryStrings(logging.Filter):
    """Access-log lines show the path without its query string, so nothing a client puts in a
    URL ever reaches a log file (the API keeps secrets out of URLs anyway), and at most
    LOGGED_PATH_MAX characters of it."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            path = urlunsplit(urlsplit(args[2])._replace(query="", fragment=""))
            if len(path) > LOGGED_PATH_MAX:
                path = f"{path[:LOGGED_PATH_MAX]}…({len(path) - LOGGED_PATH_MAX} more characters)"
            record.args = (*args[:2], path, *args[3:])
        return True


def install_log_redaction() -> None:
    access = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, RedactQueryStrings) for f in access.filters):
        access.addFilter(RedactQueryStrings())


class _PromptServer(uvicorn.Server):
    """uvicorn's server that stops as soon as it is told to. uvicorn notices `should_exit` at its
    next tick (every 0.1 s), then sleeps a fixed 0.1 s after asking the open connections to close,
    and polls them every 0.1 s: ~0.2-0.25 s per stop, spent waiting, at each of the test suite's
    hundreds of server stops and at "Reset demo". Here a stop wakes the loop at once and the
    connections are polled every 10 ms, with the same graceful timeout and the same order:
    stop accepting, close the idle connections, let running responses finish, cancel the rest."""

    POLL_S = 0.01

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop_now: asyncio.Event | None = None
        # Set when uvicorn's start-up has ended, listening or not: `ServerThread.start` waits on
        # it instead of looking every 10 ms (~5 ms more per start, at each of the tests' servers
        # and on the way to the demo family).
        self.startup_over = threading.Event()

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        try:
            await super().startup(sockets)
        finally:
            self.startup_over.set()

    async def main_loop(self) -> None:
        self._loop, self._stop_now = asyncio.get_running_loop(), asyncio.Event()
        counter = 0
        should_exit = await self.on_tick(counter)
        while not should_exit:
            counter = (counter + 1) % 864000
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop_now.wait(), 0.1)  # uvicorn's tick, or a stop
            should_exit = await self.on_tick(counter)

    def stop_soon(self) -> None:
        """From any thread: stop now (the loop's thread does the shutdown)."""
        self.should_exit = True
        loop, stop_now = self._loop, self._stop_now
        if loop is not None and stop_now is not None:
            with contextlib.suppress(RuntimeError):  # the loop has ended already
                loop.call_soon_threadsafe(stop_now.set)

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        for server in self.servers:
            server.close()
        for sock in sockets or []:
            sock.close()
        for connection in list(self.server_state.connections):
            connection.shutdown()
        try:
            async with asyncio.timeout(self.config.timeout_graceful_shutdown):
                while self.server_state.connections or self.server_state.tasks:
                    await asyncio.sleep(self.POLL_S)
        except TimeoutError:
            for task in self.server_state.tasks:
                task.cancel(msg="Task cancelled, timeout graceful shutdown exceeded")
        for server in self.servers:
            await server.wait_closed()
        if not self.force_exit:
            await self.lifespan.shutdown()


class ServerThread:
    def __init__(
        self,
        database_url: str,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        demo: bool = False,
        clock: Callable[[], datetime] | None = None,
        fast_path: bool | None = None,
        limits: Limits | None = None,
        light_demo_hashes: bool = False,
        demo_plan: DemoPlan | None = None,
        sock: socket.socket | None = None,
    ):
        """`demo_plan`: the demo family to seed (with demo=True; default a new one). `sock`: a
        socket bound already (famguard.domain.loopback.bind_loopback), served instead of binding `host`/`port`; the
        server owns it from here and closes it when it stops (or fails to start)."""
        self.database_url = database_url
        self.demo_plan = demo_plan
        self._sock = sock
        self.light_demo_hashes = light_demo_hashes
        self.host = host
        self.port = port
        self.demo = demo
        self.clock = clock
        self.fast_path = fast_path
        self.limits = limits or Limits()
        self.app: FastAPI | None = None
        self.base_url: str | None = None
        self._server: _PromptServer | None = None
        self._thread: threading.Thread | None = None

    def start(self, timeout: float = 30.0) -> str:
        install_log_redaction()
        sock, self._sock = self._sock, None
        try:
            self.app = app = create_app(
                self.database_url,
                clock=self.clock,
                demo=self.demo,
                fast_path=self.fast_path,
                limits=self.limits,
                light_demo_hashes=self.light_demo_hashes,
                demo_plan=self.demo_plan,
            )
        except BaseException:
            if sock is not None:
                sock.close()
            raise
        handed_over = sock is not None
        sock = sock or bind_loopback(self.host, self.port)
        bound_host, port = sock.getsockname()[:2]
        host = bound_host if handed_over else self.host
        config = uvicorn.Config(
            app,
            log_config=None,  # the host process owns logging; records propagate to its handlers
            access_log=True,
            lifespan="off",
            timeout_graceful_shutdown=2,
            **uvicorn_options(self.limits),
        )
        attach(config, self.limits)
        self._server = _PromptServer(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [sock]}, name=f"famguard-server-{port}", daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.startup_over.wait(0.05) or not self._server.started:
            if self._server.startup_over.is_set() or not self._thread.is_alive() or time.monotonic() > deadline:
                sock.close()
                self.stop()
                raise RuntimeError("the FamGuard server did not start")
        self.base_url = f"http://{host}:{port}"
        return self.base_url

    @property
    def demo_family(self):  # noqa: ANN201 - famguard.server.demo.DemoFamily, imported lazily
        """The demo sign-ins when started with demo=True (None otherwise)."""
        service = self.app.state.service if self.app is not None else None
        return getattr(service, "demo_family", None)

    def stop(self) -> None:
        if self.app is not None:
            self.app.state.service.retention.close()  # a deletion of old events ends after its batch
        if self._server is not None:
            # Waiting long polls answer at once, as at their timeout: the shutdown asks each
            # connection to close (limits.GuardedHttpProtocol.shutdown), as famguard-server's does.
            self._server.stop_soon()
        if self._thread is not None:
            self._thread.join(timeout=15)
            self._thread = None
        if self.app is not None:
            self.app.state.service.notifier.close()  # its threads end: this process lives on
            self.app.state.service.db.dispose()
            self.app = None
        self._server = None

    def __enter__(self) -> ServerThread:
        self.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()
