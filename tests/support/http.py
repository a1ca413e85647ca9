"""Talking HTTP to the service in tests: one small JSON client (`Api`) that works over real HTTP
(requests) or in process (FastAPI's TestClient), the check of the uniform error body, and two
concurrency tools (a long poll in the background; many redemptions at the same instant), and
reading a raw socket until the server closes it."""

from __future__ import annotations

import socket
import threading
import time
from typing import Any

import requests


class Api:
    """`client` is a requests.Session (with `base` the server URL) or a TestClient (base "")."""

    def __init__(self, client: Any, base: str = "") -> None:  # noqa: ANN401 - either of two client types
        self.client = client
        self.base = base

    def call(
        self,
        method: str,
        path: str,
        token: str | None = None,
        *,
        json: Any = None,  # noqa: ANN401 - any JSON value
        headers: dict[str, str] | None = None,
        params: dict[str, Any] | None = None,
        content: bytes | None = None,
    ) -> Any:  # noqa: ANN401 - a requests.Response or an httpx.Response
        all_headers = dict(headers or {})
        if token:
            all_headers["Authorization"] = f"Bearer {token}"
        kwargs: dict[str, Any] = {"headers": all_headers, "params": params}
        if json is not None:
            kwargs["json"] = json
        if content is not None:
            kwargs["data" if self.base else "content"] = content
        return self.client.request(method, self.base + path, **kwargs)


def assert_error(response: Any, status: int, code: str) -> dict[str, Any]:  # noqa: ANN401 - either response type
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["code"] == code, error
    assert error["message"]
    return error


def redeem_all_at_once(api: Api, teens: list[Any], code: str) -> list[tuple[Any, int]]:  # noqa: ANN401 - Person
    """Every teen (an accounts.Person) redeems `code` at the same moment (threads behind a
    barrier, one HTTP connection each); returns each teen with the status it got."""
    barrier = threading.Barrier(len(teens))
    results: list[tuple[Any, int]] = []
    lock = threading.Lock()

    def redeem(teen: Any) -> None:  # noqa: ANN401 - Person
        with requests.Session() as session:
            barrier.wait()
            response = session.post(
                api.base + "/v1/pairings/redeem",
                json={"code": code},
                headers={"Authorization": f"Bearer {teen.token}"},
                timeout=60,
            )
        with lock:
            results.append((teen, response.status_code))

    threads = [threading.Thread(target=redeem, args=(teen,)) for teen in teens]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


class BackgroundPoll:
    """A long poll of /v1/events running in a thread; `answered_at` is its monotonic time."""

    def __init__(self, api: Api, person: Any, cursor: str, wait: float = 20) -> None:  # noqa: ANN401 - Person
        self.response: Any = None
        self.answered_at = 0.0

        def poll() -> None:
            self.response = api.call("GET", "/v1/events", person.token, params={"after": cursor, "wait": wait})
            self.answered_at = time.monotonic()

        self.thread = threading.Thread(target=poll)
        self.thread.start()
        time.sleep(0.3)  # long enough for the request to be waiting on the server
        assert self.thread.is_alive(), "the poll answered before anything happened"

    def join(self, timeout: float = 5) -> list[dict[str, Any]]:
        self.thread.join(timeout)
        assert not self.thread.is_alive(), "the poll did not answer"
        return self.response.json()["events"]


def post_from(
    base: str, path: str, body: dict[str, Any], source: str = "127.0.0.1", headers: dict[str, str] | None = None
) -> tuple[int, dict[str, Any]]:
    """POST JSON from a chosen loopback address (every 127.x.y.z is this machine on Linux), so a
    test can play clients at different addresses (or a proxy at one, with `headers`); returns
    (status, JSON body)."""
    import http.client
    import json as json_module

    host, port = base.removeprefix("http://").rsplit(":", 1)
    connection = http.client.HTTPConnection(host, int(port), timeout=60, source_address=(source, 0))
    try:
        connection.request(
            "POST", path, json_module.dumps(body), {"Content-Type": "application/json", **(headers or {})}
        )
        reply = connection.getresponse()
        data = reply.read()
        return reply.status, json_module.loads(data) if data else {}
    finally:
        connection.close()


def all_at_once(calls: list[Any]) -> list[Any]:  # noqa: ANN401 - zero-argument callables and their results
    """Run every zero-argument callable in its own thread, released together behind a barrier;
    returns their results in order (the tool for races: 100 sign-ins at the same instant)."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(index: int) -> None:
        barrier.wait()
        results[index] = calls[index]()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def read_until_closed(sock: socket.socket) -> bytes:
    """Everything the server sends on a raw connection until it closes it (the socket's timeout
    fails the caller when it never does)."""
    data = b""
    while chunk := sock.recv(65536):
        data += chunk
    return data
