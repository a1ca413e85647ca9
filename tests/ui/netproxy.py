"""A loopback TCP proxy in front of the real server for the desktop tests: it can hold every HTTP
request for a fixed delay (a slow network) and go offline (refuse new connections and cut the
open ones, as when the Wi-Fi drops). Bytes are forwarded unchanged."""

from __future__ import annotations

import re
import select
import socket
import threading
import time

_REQUEST_START = re.compile(rb"^(GET|POST|PATCH|PUT|DELETE|HEAD|OPTIONS) ")


class NetProxy:
    def __init__(self, target_url: str) -> None:
        host, port = target_url.removeprefix("http://").split(":")
        self.target = (host, int(port))
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self._listener.getsockname()[1]}"
        self.delay = 0.0
        self.requests: list[str] = []  # request lines seen, e.g. "GET /v1/teens HTTP/1.1"
        self._offline = False
        self._lock = threading.Lock()
        self._open: set[socket.socket] = set()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._acceptor = threading.Thread(target=self._accept, name="netproxy-accept", daemon=True)
        self._acceptor.start()

    def set_offline(self, offline: bool) -> None:
        with self._lock:
            self._offline = offline
            if offline:
                for sock in list(self._open):
                    _close(sock)
                self._open.clear()

    def stop(self) -> None:
        self._stop.set()
        self.set_offline(True)
        _close(self._listener)
        self._acceptor.join(5)
        for thread in self._threads:
            thread.join(5)

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            with self._lock:
                if self._offline:
                    _close(client)
                    continue
                try:
                    upstream = socket.create_connection(self.target, timeout=5)
                except OSError:
                    _close(client)
                    continue
                self._open.update((client, upstream))
            thread = threading.Thread(target=self._pump, args=(client, upstream), daemon=True)
            self._threads = [t for t in self._threads if t.is_alive()] + [thread]
            thread.start()

    def _pump(self, client: socket.socket, upstream: socket.socket) -> None:
        try:
            while not self._stop.is_set():
                readable, _, _ = select.select([client, upstream], [], [], 0.2)
                for sock in readable:
                    data = sock.recv(65536)
                    if not data:
                        return
                    if sock is client and _REQUEST_START.match(data):
                        self.requests.append(data.split(b"\r\n", 1)[0].decode("latin-1"))
                        if self.delay:
                            time.sleep(self.delay)  # the slow network: each request waits
                    (upstream if sock is client else client).sendall(data)
        except (OSError, ValueError):
            return
        finally:
            with self._lock:
                self._open.discard(client)
                self._open.discard(upstream)
            _close(client)
            _close(upstream)


def _close(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    try:
        sock.close()
    except OSError:
        pass
