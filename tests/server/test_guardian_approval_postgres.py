"""The guardian-approval step on PostgreSQL, attacked from outside over real HTTP: calling a
pairing off while it was approved (or, for a first guardian, confirmed) left it `cancelled` with
the link made anyway — the call-off wrote its status over the answer that had just committed —
or deadlocked with the answer and was answered 500 (20 of 60 such races before the fix).

Skipped (with test_postgres, whose cluster it uses) only when PostgreSQL's server programs are
absent and FAMGUARD_REQUIRE_POSTGRES is not set (CI sets it)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests

from famguard.server.limits import Limits
from tests.server.test_guardian_approval import accepted, asked_family
from tests.server.test_postgres import postgres_server  # noqa: F401 - the fixture (and its skip without PostgreSQL)
from tests.support.accounts import Person, make_guardian, make_teen
from tests.support.http import Api, all_at_once
from tests.support.postgres import fresh_database
from tests.support.servers import FakeClock, LocalServer

pytestmark = pytest.mark.slow


@pytest.fixture
def pg_api(postgres_server: str, clock: FakeClock, server_limits: Limits) -> Iterator[Api]:  # noqa: F811 - the fixture
    with (
        LocalServer(fresh_database(postgres_server), clock=clock, limits=server_limits) as server,
        requests.Session() as session,
    ):
        yield Api(session, server.url)


def _at_once(api: Api, *calls: tuple[str, str, str]) -> list[int]:
    """Each (method, path, token) from its own connection, released together; none may answer
    500 (a deadlock surfaced as one)."""

    def one(method: str, path: str, token: str) -> Callable[[], int]:
        def go() -> int:
            with requests.Session() as session:
                return Api(session, api.base).call(method, path, token).status_code

        return go

    codes = all_at_once([one(*call) for call in calls])
    assert 500 not in codes, codes
    return codes


def _state(api: Api, pairing_id: str, guardian: Person) -> tuple[str, list[Any]]:
    status = api.call("GET", f"/v1/pairings/{pairing_id}", guardian.token).json()["status"]
    return status, [t["id"] for t in api.call("GET", "/v1/teens", guardian.token).json()]


def _approved_while(api: Api, clock: FakeClock, other: str) -> tuple[Person, Person, str, list[int]]:
    """Alex approves Kim's question to Maya's guardians at the instant `other` is sent:
    "cancel" (by Kim) or "unlink" (Maya ends every link). Returns Maya, Kim, the pairing, the codes."""
    (alex,), maya, kim, pairing_id = asked_family(api, clock)
    if other == "cancel":
        second = ("DELETE", f"/v1/pairings/{pairing_id}", kim.token)
    else:
        second = ("DELETE", f"/v1/teens/{maya.id}/link", maya.token)
    codes = _at_once(api, ("POST", f"/v1/pairings/{pairing_id}/approve", alex.token), second)
    return maya, kim, pairing_id, codes


def test_calling_a_pairing_off_while_it_is_answered_leaves_one_outcome_on_postgres(
    pg_api: Api, clock: FakeClock
) -> None:
    """Approve vs the asker's cancel, and the first guardian's confirm vs the teen's cancel, at
    the same instant: either the link and `active`, or no link and `cancelled`; never a 500."""
    api = pg_api
    for _ in range(12):
        maya, kim, pairing_id, codes = _approved_while(api, clock, "cancel")
        assert _state(api, pairing_id, kim) in (("active", [maya.id]), ("cancelled", [])), codes

        zoe = make_teen(api, "Zoe", 14, clock.now.date())
        sam = make_guardian(api, "Sam")
        pairing_id = accepted(api, sam, zoe)
        codes = _at_once(
            api,
            ("POST", f"/v1/pairings/{pairing_id}/confirm", sam.token),
            ("DELETE", f"/v1/pairings/{pairing_id}", zoe.token),
        )
        assert _state(api, pairing_id, sam) in (("active", [zoe.id]), ("cancelled", [])), codes


def test_a_teen_ending_every_link_while_a_guardian_approves_keeps_nobody_on_postgres(
    pg_api: Api, clock: FakeClock
) -> None:
    """The teen ends every link at the instant her guardian approves a newcomer: afterwards she has
    no guardian, whichever came first (the newcomer's link ended with the others, or the question
    was called off), and nothing answered 500."""
    api = pg_api
    for _ in range(12):
        maya, kim, pairing_id, codes = _approved_while(api, clock, "unlink")
        assert api.call("GET", "/v1/me/guardians", maya.token).json() == [], codes
        assert _state(api, pairing_id, kim) in (("active", []), ("cancelled", [])), codes
