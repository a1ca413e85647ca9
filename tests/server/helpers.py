"""Test helpers for the service: a fake clock, one small JSON client that works over real HTTP
(requests) or in process (FastAPI's TestClient), and builders for accounts and linked families
that go through the public API only."""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from famguard.domain.age import birthday_in_year

PASSWORD = "correct horse battery"
_counter = itertools.count(1)


class FakeClock:
    def __init__(self, start: datetime = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)):
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


class Api:
    """`client` is a requests.Session (with `base` the server URL) or a TestClient (base "")."""

    def __init__(self, client: Any, base: str = ""):
        self.client = client
        self.base = base

    def call(
        self,
        method: str,
        path: str,
        token: str | None = None,
        *,
        json: Any = None,
        headers: dict[str, str] | None = None,
        params: dict[str, Any] | None = None,
        content: bytes | None = None,
    ) -> Any:
        all_headers = dict(headers or {})
        if token:
            all_headers["Authorization"] = f"Bearer {token}"
        kwargs: dict[str, Any] = {"headers": all_headers, "params": params}
        if json is not None:
            kwargs["json"] = json
        if content is not None:
            kwargs["data" if self.base else "content"] = content
        return self.client.request(method, self.base + path, **kwargs)


@dataclass
class Person:
    id: str
    email: str
    name: str
    token: str
    refresh_token: str
    password: str = PASSWORD


def born_aged(age: int, today: date, days_since_birthday: int = 30) -> date:
    return birthday_in_year(today, today.year - age) - timedelta(days=days_since_birthday)


def sign_in(api: Api, email: str, password: str = PASSWORD) -> dict[str, Any]:
    response = api.call("POST", "/v1/auth/token", json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    return response.json()


def make_person(api: Api, role: str, name: str, *, birth_date: date | None = None, password: str = PASSWORD) -> Person:
    email = f"{name.lower().replace(' ', '.')}.{next(_counter)}@example.com"
    body: dict[str, Any] = {"email": email, "password": password, "display_name": name, "role": role}
    if birth_date is not None:
        body["birth_date"] = birth_date.isoformat()
    created = api.call("POST", "/v1/accounts", json=body)
    assert created.status_code == 201, created.text
    tokens = sign_in(api, email, password)
    return Person(created.json()["id"], email, name, tokens["access_token"], tokens["refresh_token"], password)


def make_guardian(api: Api, name: str = "Alex") -> Person:
    return make_person(api, "guardian", name)


def make_teen(api: Api, name: str = "Maya", age: int = 14, today: date | None = None, **kw: Any) -> Person:
    today = today or datetime.now(UTC).date()
    return make_person(api, "teen", name, birth_date=born_aged(age, today, **kw))


def link(api: Api, guardian: Person, teen: Person) -> str:
    """Pair through the public API: code, redeem, accept, confirm. Returns the pairing id."""
    created = api.call("POST", "/v1/pairings", guardian.token)
    assert created.status_code == 201, created.text
    pairing = created.json()
    redeemed = api.call("POST", "/v1/pairings/redeem", teen.token, json={"code": pairing["code"]})
    assert redeemed.status_code == 200, redeemed.text
    accepted = api.call("POST", f"/v1/pairings/{pairing['id']}/accept", teen.token)
    assert accepted.status_code == 200, accepted.text
    confirmed = api.call("POST", f"/v1/pairings/{pairing['id']}/confirm", guardian.token)
    assert confirmed.status_code == 200, confirmed.text
    return pairing["id"]


def controls_of(api: Api, guardian: Person, teen: Person) -> tuple[dict[str, Any], str]:
    response = api.call("GET", f"/v1/teens/{teen.id}/controls", guardian.token)
    assert response.status_code == 200, response.text
    return response.json(), response.headers["ETag"]


def assert_error(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["code"] == code, error
    assert error["message"]
    return error


def renew(api: Api, person: Person) -> None:
    """Refresh the person's tokens, as a client does when its access token expires."""
    response = api.call("POST", "/v1/auth/refresh", json={"refresh_token": person.refresh_token})
    assert response.status_code == 200, response.text
    person.token, person.refresh_token = response.json()["access_token"], response.json()["refresh_token"]


def redeem_all_at_once(api: Api, teens: list[Person], code: str) -> list[tuple[Person, int]]:
    """Every teen redeems `code` at the same moment (threads behind a barrier, one HTTP
    connection each); returns each teen with the status it got."""
    import threading

    import requests

    barrier = threading.Barrier(len(teens))
    results: list[tuple[Person, int]] = []
    lock = threading.Lock()

    def redeem(teen: Person) -> None:
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

    def __init__(self, api: Api, person: Person, cursor: str, wait: float = 20):
        import threading

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
