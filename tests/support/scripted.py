"""A tiny scripted HTTP server on 127.0.0.1, a stand-in for the service in client tests: each
test sets what it answers (status, headers, raw body) and reads what it received. Real sockets,
real HTTP parsing."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class _QuietServer(ThreadingHTTPServer):
    # socketserver's 5 refused new connections under a test that makes hundreds a second (the
    # pooled-connection test of tests/client/test_call_deadline.py): a refusal of its own, not the
    # client's, to tell apart.
    request_queue_size = 128

    def handle_error(self, request, client_address) -> None:
        pass  # clients that hang up early (the huge-body test does) are expected here


@dataclass
class Scripted:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    # When set, called with the request handler instead of sending status/headers/body.
    raw: Callable[[BaseHTTPRequestHandler], None] | None = None


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    host: str


class ScriptServer:
    def __init__(self, responder: Callable[[Seen], Scripted]) -> None:
        self.responder = responder
        self.seen: list[Seen] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)
                seen = Seen(self.command, self.path, dict(self.headers.items()), self.headers.get("Host", ""))
                outer.seen.append(seen)
                reply = outer.responder(seen)
                if reply.raw is not None:
                    reply.raw(self)
                    return
                self.send_response(reply.status)
                headers = {"Content-Length": str(len(reply.body)), **reply.headers}
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(reply.body)

            do_GET = do_POST = do_PATCH = do_DELETE = _handle

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = _QuietServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def start(self) -> ScriptServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self._thread.join(5)


@contextmanager
def script_server(responder: Callable[[Seen], Scripted]) -> Iterator[ScriptServer]:
    server = ScriptServer(responder).start()
    try:
        yield server
    finally:
        server.stop()
