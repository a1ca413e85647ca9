"""Shared set-up of the end-to-end client tests: accounts, a paired family, a signed-in guardian
session, all through the client library against the real reference server."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from famguard import teen_cli
from famguard.api import ApiClient, RetryPolicy, TokenManager, make_session
from famguard.domain.models import Role

PASSWORD = "correct horse battery"
FAST = RetryPolicy(attempts=3, base=0.01, cap=0.05, max_retry_after=2)


def email(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}@example.com"


def client(url: str, tokens: TokenManager | None = None) -> ApiClient:
    return ApiClient(url, make_session(), tokens=tokens or TokenManager(), retry=FAST)


def guardian(url: str, name: str = "Alex") -> tuple[ApiClient, str]:
    """A new guardian account, signed in; returns (client, email)."""
    address = email("guardian")
    api = client(url)
    api.create_account(address, PASSWORD, name, Role.GUARDIAN.value)
    api.sign_in(address, PASSWORD)
    return api, address


def teen(url: str, name: str = "Sam", age: int = 14) -> ApiClient:
    api = client(url)
    born = date.today() - timedelta(days=365 * age + 40)
    teen_cli.sign_up(api, email("teen"), PASSWORD, name, born)
    return api


@dataclass
class Family:
    guardian: ApiClient
    guardian_email: str
    teen: ApiClient
    teen_id: str


def pair(guardian_api: ApiClient, teen_api: ApiClient) -> str:
    """Pair through the real flow (guardian code -> teen redeems and accepts -> guardian confirms)."""
    pairing = guardian_api.start_pairing()
    redeemed = teen_cli.redeem(teen_api, pairing.code)
    teen_cli.accept(teen_api, redeemed)
    confirmed = guardian_api.confirm_pairing(pairing.id)
    return confirmed.teen.id


def family(url: str, age: int = 14) -> Family:
    g, address = guardian(url)
    t = teen(url, age=age)
    return Family(g, address, t, pair(g, t))


class Clock:
    """A settable server clock (UTC), to make tokens expire without waiting 15 minutes."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)
