"""A real web server on loopback that is not a FamGuard service: Python's own http.server over an
empty folder, which answers every POST with an HTML "501 Unsupported method" and every GET with an
HTML "404" — what a guardian reaches with a server address that belongs to something else."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@contextmanager
def plain_web_server(folder: Path) -> Iterator[str]:
    """Serve `folder` (keep it empty) until the block ends; yields the http:// address."""
    folder.mkdir(parents=True, exist_ok=True)
    with serving(ThreadingHTTPServer(("127.0.0.1", 0), partial(_Quiet, directory=str(folder)))) as port:
        yield f"http://127.0.0.1:{port}"


@contextmanager
def serving(server: ThreadingHTTPServer) -> Iterator[int]:
    """Run `server` on a thread of its own until the block ends; yields its port."""
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
