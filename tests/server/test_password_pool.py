"""Password hashing runs in a bounded pool of its own: however many sign-ins arrive at once, at
most HASH_WORKERS argon2 computations run together (each takes 64 MiB and a core), and the
service keeps answering other requests meanwhile. The hasher here is the real argon2id at the
tests' low cost, wrapped to count how many run at once and to hold them until the test lets go."""

from __future__ import annotations

import os
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import requests

from famguard.server import security
from tests.support.accounts import make_guardian
from tests.support.http import Api


class _CountingHasher:
    def __init__(self, inner: Any, release: threading.Event) -> None:  # noqa: ANN401 - a PasswordHasher
        self.inner = inner
        self.release = release
        self.running = 0
        self.most = 0
        self.lock = threading.Lock()
        self.niceness: list[int] = []  # of the threads that hashed

    def _counted(self, work: Any) -> Any:  # noqa: ANN401 - its result
        with self.lock:
            self.running += 1
            self.most = max(self.most, self.running)
        try:
            assert self.release.wait(20)
            return work()
        finally:
            with self.lock:
                self.running -= 1

    def hash(self, password: str) -> str:
        self.niceness.append(os.getpriority(os.PRIO_PROCESS, threading.get_native_id()))
        return self._counted(lambda: self.inner.hash(password))

    def verify(self, stored: str, password: str) -> bool:
        return self._counted(lambda: self.inner.verify(stored, password))


def test_a_burst_of_sign_ins_hashes_in_the_bounded_pool_while_others_are_served(
    live: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Four accounts, three sign-ins each: a burst on one account from one address would meet the
    # sign-in throttle (counted before the hash) instead of the pool.
    alex = make_guardian(live, "Alex")
    family = [alex, *(make_guardian(live, f"Guardian {n}") for n in range(3))]
    release = threading.Event()
    counting = _CountingHasher(security._hasher, release)
    monkeypatch.setattr(security, "_hasher", counting)

    def sign_in(n: int) -> int:
        who = family[n % len(family)]
        with requests.Session() as session:
            body = {"email": who.email, "password": who.password}
            return Api(session, live.base).call("POST", "/v1/auth/token", json=body).status_code

    with ThreadPoolExecutor(12) as pool:
        answers = [pool.submit(sign_in, n) for n in range(12)]
        deadline = time.monotonic() + 10
        while counting.running < security.HASH_WORKERS and time.monotonic() < deadline:
            time.sleep(0.01)
        # While every hashing worker is busy and the rest queue, other requests are answered.
        for _ in range(3):
            me = live.call("GET", "/v1/me", alex.token)
            assert me.status_code == 200 and me.json()["display_name"] == "Alex"
        assert counting.most == security.HASH_WORKERS
        release.set()
        assert [a.result(30) for a in answers] == [200] * 12
    assert counting.most == security.HASH_WORKERS


@pytest.mark.skipif(sys.platform != "linux", reason="only Linux gives a thread a priority of its own")
def test_hashing_yields_the_cores_to_requests(live: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    """A sign-up flood's hashes must not take the cores from other requests: the threads that hash
    run HASH_NICENESS below the threads that answer (the soak measures what that does to the
    honest users' p99), and the server's own priority is left as it was."""
    release = threading.Event()
    release.set()
    counting = _CountingHasher(security._hasher, release)
    monkeypatch.setattr(security, "_hasher", counting)
    before = os.getpriority(os.PRIO_PROCESS, 0)
    make_guardian(live, "Sam")  # a sign-up: one hash
    assert counting.niceness == [min(19, before + security.HASH_NICENESS)]
    assert os.getpriority(os.PRIO_PROCESS, 0) == before
