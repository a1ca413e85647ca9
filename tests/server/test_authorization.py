"""Object-level authorization, proven over the app's own route table: every route and verb that
takes an object id answers 404 for another family's teen, pairing or request, and changes
nothing. A route added later is covered without touching this file (a new path parameter makes
the test fail until it says which object to aim at). Teen tokens cannot use guardian routes and
guardian tokens cannot use teen routes (403)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from sqlalchemy import create_engine, inspect, text

from tests.support.accounts import Family, Person, controls_of, link, make_guardian, make_teen
from tests.support.http import Api
from tests.support.servers import FakeClock

# Every test here runs with the GET-controls fast path on and off (tests/conftest.py).
pytestmark = pytest.mark.both_read_paths


def _snapshot(database_url: str) -> dict[str, list[tuple[Any, ...]]]:
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            tables = inspect(connection).get_table_names()
            return {
                table: sorted(map(tuple, connection.execute(text(f'SELECT * FROM "{table}"'))), key=repr)  # noqa: S608
                for table in tables
            }
    finally:
        engine.dispose()


def api_routes(routes: list[Any], prefix: str = "") -> list[tuple[str, str]]:
    """Every (method, path) of the app. Recent FastAPI keeps included routers as branches rather
    than copying their routes into app.routes, so walk into them (with their prefixes)."""
    found = []
    for route in routes:
        if isinstance(route, APIRoute):
            found.extend((method, prefix + route.path) for method in sorted(route.methods))
        elif hasattr(route, "original_router"):
            context = getattr(route, "include_context", None)
            found.extend(api_routes(route.original_router.routes, prefix + (getattr(context, "prefix", "") or "")))
    return found


def test_the_route_walk_finds_every_documented_route(app: FastAPI) -> None:
    documented = {(m.upper(), p) for p, ops in app.openapi()["paths"].items() for m in ops}
    assert documented <= set(api_routes(app.routes))


def _object_routes(app: FastAPI) -> list[tuple[str, str]]:
    return [(method, path) for method, path in api_routes(app.routes) if "{" in path]


@pytest.fixture
def other_family(api: Api, clock: FakeClock) -> dict[str, Any]:
    """Family B, whose objects family A's accounts try to reach."""
    guardian = make_guardian(api, "Bea")
    teen = make_teen(api, "Tom", 14, clock.now.date())
    link(api, guardian, teen)
    pairing = api.call("POST", "/v1/pairings", guardian.token).json()
    other_teen = make_teen(api, "Ann", 15, clock.now.date())
    api.call("POST", "/v1/pairings/redeem", other_teen.token, json={"code": pairing["code"]})
    request = api.call("POST", "/v1/me/time-requests", teen.token, json={"minutes": 15, "reason": "Video"}).json()
    _body, etag = controls_of(api, guardian, teen)
    rule = api.call("POST", f"/v1/teens/{teen.id}/temporary-rules", guardian.token, json=RULE).json()
    return {
        "teen_id": teen.id,
        "pairing_id": pairing["id"],
        "request_id": request["id"],
        "rule_id": rule["id"],
        "etag": etag,
    }


# A body that would be accepted if the object were reachable, so that the 404 comes from the
# authorization check and not from validation.
BODIES: dict[tuple[str, str], Any] = {
    ("PATCH", "/v1/teens/{teen_id}/controls"): {"daily_limit_minutes": 90},
    ("POST", "/v1/time-requests/{request_id}/decision"): {"approve": True, "minutes": 30},
    ("POST", "/v1/teens/{teen_id}/temporary-rules"): {
        "name": "Holiday",
        "starts_on": "2026-12-20",
        "ends_on": "2026-12-31",
        "controls": {"daily_limit_minutes": 120},
    },
    ("PUT", "/v1/teens/{teen_id}/temporary-rules/{rule_id}"): {
        "name": "Holiday",
        "starts_on": "2026-12-20",
        "ends_on": "2026-12-31",
        "controls": {"daily_limit_minutes": 120},
    },
}
RULE = {"name": "Exams", "starts_on": "2026-11-25", "ends_on": "2026-11-30", "controls": {"daily_limit_minutes": 30}}


def _call(api: Api, method: str, path: str, objects: dict[str, Any], person: Person) -> Any:
    names = re.findall(r"{(\w+)}", path)
    unknown = [n for n in names if n not in objects]
    assert not unknown, f"{method} {path}: teach this test which object {unknown} should point at"
    concrete = path.format(**{n: objects[n] for n in names})
    headers = {"If-Match": objects["etag"], "Idempotency-Key": "authz-probe"}
    return api.call(method, concrete, person.token, json=BODIES.get((method, path)), headers=headers)


def test_every_route_hides_other_families_objects(
    api: Api, app: FastAPI, family: Family, other_family: dict[str, Any], database_url: str
) -> None:
    routes = _object_routes(app)
    assert len(routes) >= 11  # the table really was enumerated
    before = _snapshot(database_url)
    for method, path in routes:
        statuses = {}
        for person in (family.guardian, family.teen):
            response = _call(api, method, path, other_family, person)
            statuses[person.name] = response.status_code
            assert response.status_code in (403, 404), f"{method} {path} as {person.name}: {response.text}"
            assert response.json()["error"]["code"] in ("forbidden", "not_found")
        assert 404 in statuses.values(), f"{method} {path}: no role reached the ownership check {statuses}"
    assert _snapshot(database_url) == before, "a refused request changed the database"


GUARDIAN_ONLY = [
    ("POST", "/v1/pairings", None),
    ("GET", "/v1/teens", None),
    ("GET", "/v1/teens/{teen}/controls", None),
    ("PATCH", "/v1/teens/{teen}/controls", {"daily_limit_minutes": 720}),
    ("GET", "/v1/teens/{teen}/usage", None),
    ("GET", "/v1/teens/{teen}/time-requests", None),
    ("GET", "/v1/teens/{teen}/activity", None),
    ("POST", "/v1/time-requests/{request}/decision", {"approve": True}),
    ("GET", "/v1/teens/{teen}/phone", None),
    ("GET", "/v1/teens/{teen}/temporary-rules", None),
    ("POST", "/v1/teens/{teen}/temporary-rules", RULE),
    ("PUT", "/v1/teens/{teen}/temporary-rules/{rule}", {**RULE, "starts_on": "2026-12-20", "ends_on": "2026-12-31"}),
    ("DELETE", "/v1/teens/{teen}/temporary-rules/{rule}", None),
]
TEEN_ONLY = [
    ("POST", "/v1/pairings/redeem", {"code": "ABCD-EFGH"}),
    ("GET", "/v1/me/guardians", None),
    ("GET", "/v1/me/controls", None),
    ("POST", "/v1/me/usage", {"date": "2026-11-25", "minutes": 5}),
    ("POST", "/v1/me/time-requests", {"minutes": 15, "reason": ""}),
    ("GET", "/v1/me/time-requests", None),
    ("POST", "/v1/me/controls/applied", {"etag": '"1"'}),
    ("GET", "/v1/me/activity", None),
    ("GET", "/v1/me/usage", None),
    ("GET", "/v1/me/temporary-rules", None),
]


def test_a_teen_cannot_use_guardian_routes_even_for_itself(api: Api, family: Family, database_url: str) -> None:
    request = api.call("POST", "/v1/me/time-requests", family.teen.token, json={"minutes": 15, "reason": ""}).json()
    _body, etag = controls_of(api, family.guardian, family.teen)
    rule = api.call("POST", f"/v1/teens/{family.teen.id}/temporary-rules", family.guardian.token, json=RULE).json()
    before = _snapshot(database_url)
    for method, path, body in GUARDIAN_ONLY:
        concrete = path.format(teen=family.teen.id, request=request["id"], rule=rule["id"])
        response = api.call(method, concrete, family.teen.token, json=body, headers={"If-Match": etag})
        assert response.status_code == 403, f"{method} {path}: {response.text}"
        assert response.json()["error"]["code"] == "forbidden"
    assert _snapshot(database_url) == before


def test_a_guardian_cannot_use_teen_routes(api: Api, family: Family, database_url: str) -> None:
    before = _snapshot(database_url)
    for method, path, body in TEEN_ONLY:
        response = api.call(method, path, family.guardian.token, json=body)
        assert response.status_code == 403, f"{method} {path}: {response.text}"
    assert _snapshot(database_url) == before


def test_every_non_public_route_needs_a_token(app: FastAPI, api: Api) -> None:
    public = {"/v1/health", "/v1/accounts", "/v1/auth/token", "/v1/auth/refresh"}
    routes = [(method, path) for method, path in api_routes(app.routes) if path.startswith("/v1/")]
    assert len(routes) > 20
    for method, path in routes:
        if path in public:
            continue
        response = api.call(method, re.sub(r"{\w+}", "0" * 32, path), json=BODIES.get((method, path)))
        assert response.status_code == 401, f"{method} {path}: {response.status_code}"
