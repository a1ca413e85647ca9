"""The one set of account and family builders of the tests, all through the public API of a real
server. At the HTTP level (`Api`, `Person`): `make_guardian`, `make_teen`, `link` — for the
service tests, which hold raw tokens. On top of those, for the client and desktop tests, which
hold the client library: `member()` (a `Member`: the account plus a signed-in `ApiClient`),
`guardian`, `teen` and `pair` (pairing through the client library, as the apps do)."""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import requests

from famguard.api import ApiClient, RetryPolicy, TokenManager, make_session
from famguard.domain.age import birthday_in_year
from famguard.domain.models import Pairing
from tests.support.http import Api

PASSWORD = "correct horse battery"
# Retries of the client library in tests: the same policy, in milliseconds instead of seconds.
FAST = RetryPolicy(attempts=3, base=0.01, cap=0.05, max_retry_after=2)


@dataclass
class Person:
    id: str
    email: str
    name: str
    token: str
    refresh_token: str
    password: str = PASSWORD


@dataclass
class Family:
    """A guardian linked with a teen (the service tests' `family` fixture)."""

    guardian: Person
    teen: Person


def email(prefix: str) -> str:
    """An address no other account of this test run has."""
    return f"{prefix.lower().replace(' ', '.')}.{uuid.uuid4().hex[:10]}@example.com"


def born_aged(age: int, today: date | None = None, days_since_birthday: int = 30) -> date:
    """A birth date that makes the teen `age` on `today` (the real UTC date by default), with the
    last birthday `days_since_birthday` ago, so the age does not change during the test."""
    today = today or datetime.now(UTC).date()
    return birthday_in_year(today, today.year - age) - timedelta(days=days_since_birthday)


def sign_in(api: Api, address: str, password: str = PASSWORD) -> dict[str, Any]:
    response = api.call("POST", "/v1/auth/token", json={"email": address, "password": password})
    assert response.status_code == 200, response.text
    return response.json()


def make_person(
    api: Api,
    role: str,
    name: str,
    *,
    birth_date: date | None = None,
    password: str = PASSWORD,
    address: str | None = None,
) -> Person:
    """A new account, signed in."""
    address = address or email(name)
    body: dict[str, Any] = {"email": address, "password": password, "display_name": name, "role": role}
    if birth_date is not None:
        body["birth_date"] = birth_date.isoformat()
    created = api.call("POST", "/v1/accounts", json=body)
    assert created.status_code == 201, created.text
    tokens = sign_in(api, address, password)
    return Person(created.json()["id"], address, name, tokens["access_token"], tokens["refresh_token"], password)


def make_guardian(api: Api, name: str = "Alex", **kw: Any) -> Person:  # noqa: ANN401 - make_person's options
    return make_person(api, "guardian", name, **kw)


def make_teen(api: Api, name: str = "Maya", age: int = 14, today: date | None = None, **kw: Any) -> Person:  # noqa: ANN401
    days = kw.pop("days_since_birthday", 30)
    return make_person(api, "teen", name, birth_date=born_aged(age, today, days), **kw)


def link(api: Api, guardian: Person, teen: Person, approver: Person | None = None) -> str:
    """Pair through the public API: code, redeem, accept, confirm, and when the teen has a
    guardian already, `approver` (one of them) approves. Returns the pairing id."""
    created = api.call("POST", "/v1/pairings", guardian.token)
    assert created.status_code == 201, created.text
    pairing = created.json()
    redeemed = api.call("POST", "/v1/pairings/redeem", teen.token, json={"code": pairing["code"]})
    assert redeemed.status_code == 200, redeemed.text
    accepted = api.call("POST", f"/v1/pairings/{pairing['id']}/accept", teen.token)
    assert accepted.status_code == 200, accepted.text
    confirmed = api.call("POST", f"/v1/pairings/{pairing['id']}/confirm", guardian.token)
    assert confirmed.status_code == 200, confirmed.text
    if confirmed.json()["status"] == "approval":
        assert approver is not None, "the teen has a guardian already: pass one of them as approver"
        confirmed = api.call("POST", f"/v1/pairings/{pairing['id']}/approve", approver.token)
        assert confirmed.status_code == 200, confirmed.text
    assert confirmed.json()["status"] == "active", confirmed.text
    return pairing["id"]


def renew(api: Api, person: Person) -> None:
    """Refresh the person's tokens, as a client does when its access token expires."""
    response = api.call("POST", "/v1/auth/refresh", json={"refresh_token": person.refresh_token})
    assert response.status_code == 200, response.text
    person.token, person.refresh_token = response.json()["access_token"], response.json()["refresh_token"]


def controls_of(api: Api, guardian: Person, teen: Person) -> tuple[dict[str, Any], str]:
    response = api.call("GET", f"/v1/teens/{teen.id}/controls", guardian.token)
    assert response.status_code == 200, response.text
    return response.json(), response.headers["ETag"]


def change_controls(api: Api, guardian: Person, teen: Person, fields: dict[str, Any]) -> Any:  # noqa: ANN401 - the response
    """One change as the app makes it: the current ETag, then PATCH with If-Match; must succeed."""
    _, etag = controls_of(api, guardian, teen)
    response = api.call(
        "PATCH", f"/v1/teens/{teen.id}/controls", guardian.token, json=fields, headers={"If-Match": etag}
    )
    assert response.status_code == 200, response.text
    return response


# --- with the client library --------------------------------------------------------------


def client(url: str, tokens: TokenManager | None = None) -> ApiClient:
    """A client library instance for `url`, retrying on the FAST policy."""
    return ApiClient(url, make_session(), tokens=tokens or TokenManager(), retry=FAST)


@dataclass
class Member(Person):
    """An account made through the API, and a client library signed in as it."""

    api: ApiClient = field(kw_only=True)


def member(
    url: str,
    role: str,
    name: str,
    *,
    address: str | None = None,
    age: int | None = None,
    birth_date: date | None = None,
) -> Member:
    """A new account on the server at `url` (a teen when `age` or `birth_date` is given), and a
    client library that signed in as it through its own sign-in."""
    if age is not None:
        birth_date = born_aged(age)
    with requests.Session() as session:
        person = make_person(Api(session, url), role, name, birth_date=birth_date, address=address)
    api = client(url)
    api.sign_in(person.email, person.password)
    return Member(**asdict(person), api=api)


def guardian(url: str, name: str = "Alex") -> tuple[ApiClient, str]:
    """A new guardian, signed in; returns (client, email)."""
    made = member(url, "guardian", name)
    return made.api, made.email


def teen(url: str, name: str = "Sam", age: int = 14) -> ApiClient:
    return member(url, "teen", name, age=age).api


def ask_to_pair(guardian_api: ApiClient, teen_api: ApiClient) -> Pairing:
    """As far as a guardian and the teen go alone: code, redeem, accept, confirm. The pairing is
    then active, or — when the teen has a guardian already — waiting for one of them to approve."""
    pairing = guardian_api.start_pairing()
    redeemed = teen_api.redeem_pairing(pairing.code)
    teen_api.accept_pairing(redeemed.id)
    return guardian_api.confirm_pairing(pairing.id)


def pair(guardian_api: ApiClient, teen_api: ApiClient, approver: ApiClient | None = None) -> str:
    """Pair through the client library (guardian code -> teen redeems and accepts -> guardian
    confirms; when the teen has a guardian already, `approver`, one of them, approves); returns
    the teen's id."""
    confirmed = ask_to_pair(guardian_api, teen_api)
    if confirmed.status.value == "approval":
        assert approver is not None, "the teen has a guardian already: pass one of them as approver"
        confirmed = approver.approve_pairing(confirmed.id)
    assert confirmed.status.value == "active", confirmed.status
    return confirmed.teen.id
