"""A fault-injecting TCP proxy on 127.0.0.1 in front of the real server, for tests.

It forwards bytes both ways and notes each HTTP request line it sees. `drop_reply(match, times)`
makes it swallow the server's reply to the next `times` requests whose request line contains
`match` and close the client's connection: the server has done the work and committed, the
client never learns it. `count(match)` says how many such requests went through."""

from __future__ import annotations

import re
import select
import socket
import threading

_REQUEST_LINE = re.compile(rb"^(GET|POST|PATCH|PUT|DELETE|HEAD|OPTIONS) (\S+) HTTP/1\.[01]\r\n")


class FaultProxy:
    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.2)  # so stop() is noticed: close() does not wake a blocked accept()
        self.port = self._listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.requests: list[str] = []
        self._drops: dict[str, int] = {}
        self._skips: dict[str, int] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._accept_thread = threading.Thread(target=self._accept, daemon=True)

    def start(self) -> FaultProxy:
        self._accept_thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._listener.close()
        self._accept_thread.join(5)
        for thread in self._threads:
            thread.join(5)

    def drop_reply(self, match: str, times: int = 1, after: int = 0) -> None:
        """Lose the replies to `times` requests matching `match`, after letting `after` through."""
        with self._lock:
            self._drops[match] = times
            self._skips[match] = after

    def count(self, match: str) -> int:
        with self._lock:
            return sum(match in line for line in self.requests)

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                client, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            client.settimeout(None)
            thread = threading.Thread(target=self._pipe, args=(client,), daemon=True)
            self._threads.append(thread)
            thread.start()

    def _pipe(self, client: socket.socket) -> None:
        try:
            server = socket.create_connection(("127.0.0.1", self.target_port))
        except OSError:
            client.close()
            return
        dropping = False  # whether the reply to the request in flight is to be lost
        try:
            while not self._stop.is_set():
                readable, _, _ = select.select([client, server], [], [], 0.2)
                for sock in readable:
                    data = sock.recv(65536)
                    if not data:
                        return
                    if sock is client:
                        found = _REQUEST_LINE.match(data)
                        if found:
                            last_line = f"{found.group(1).decode()} {found.group(2).decode()}"
                            dropping = False
                            with self._lock:
                                self.requests.append(last_line)
                                for match, times in self._drops.items():
                                    if times > 0 and match in last_line:
                                        if self._skips.get(match, 0) > 0:
                                            self._skips[match] -= 1
                                        else:
                                            self._drops[match] -= 1
                                            dropping = True
                        server.sendall(data)
                    else:
                        if dropping:
                            return  # the reply is lost; both connections close below
                        client.sendall(data)
        except OSError:
            return
        finally:
            client.close()
            server.close()
