"""A NUL character (U+0000) from a stranger never reaches the database: in any id of a path, in a
query parameter, in the email of a sign-up or a sign-in. Found from outside on PostgreSQL (which
cannot take NUL as text): `GET /v1/teens/a%00b/controls` — every route with an id, signed in or
not —, `?actor=a%00b` on the activity, and `{"email": "x\\u0000y@example.com"}` at sign-up and
sign-in each answered 500 and wrote a traceback to the log, from anyone, as often as sent.
Now: 404 for a path that names nothing, 400 naming the parameter, 422 naming `email` — the same
on SQLite and PostgreSQL, with and without the fast paths (famguard.server.strict_json.url_problem,
schemas.EmailText)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import requests

import famguard.server
from famguard.server.limits import Limits
from tests.server.test_postgres import postgres_server  # noqa: F401 - the fixture (and its skip without PostgreSQL)
from tests.support.accounts import PASSWORD, link, make_guardian, make_teen
from tests.support.http import Api, assert_error
from tests.support.postgres import fresh_database
from tests.support.servers import LocalServer

NUL_ID = "a%00b"  # as sent on the wire: percent-encoded, as a client's URL library writes it
_OPENAPI = Path(famguard.server.__file__).with_name("openapi.json")


def _paths_with_ids() -> list[tuple[str, str]]:
    """Every (method, path) of the API with an id in its path, that id (each of them) NUL_ID."""
    paths = json.loads(_OPENAPI.read_text())["paths"]
    return [
        (method.upper(), re.sub(r"\{[^}]+\}", NUL_ID, path))
        for path, methods in paths.items()
        if "{" in path
        for method in methods
    ]


def check_no_nul_reaches_the_database(api: Api) -> None:
    alex = make_guardian(api, "Alex")
    maya = make_teen(api, "Maya", 14)
    link(api, alex, maya)
    paths = _paths_with_ids()
    assert ("PATCH", f"/v1/teens/{NUL_ID}/controls") in paths and len(paths) >= 16
    for method, path in paths:
        for who in (alex, maya, None):
            response = api.call(
                method, path, who.token if who else None, json={}, headers={"If-Match": '"1"'} if who else None
            )
            assert_error(response, 404, "not_found")
    for name in ("actor", "field"):
        refused = api.call("GET", f"/v1/teens/{maya.id}/activity?{name}={NUL_ID}", alex.token)
        assert assert_error(refused, 400, "bad_request")["fields"] == {name: "Cannot hold a NUL character."}
    sign_up = {"email": "x\x00y@example.com", "password": PASSWORD, "display_name": "X", "role": "guardian"}
    sign_in = {"email": alex.email[:1] + "\x00" + alex.email[1:], "password": PASSWORD}
    for path, body in (("/v1/accounts", sign_up), ("/v1/auth/token", sign_in)):
        refused = api.call("POST", path, json=body)
        assert "control characters" in assert_error(refused, 422, "validation_failed")["fields"]["email"]
    # A new account's address holds no invisible formatting character either: "a\u200b@…" was an
    # account of its own that reads exactly like "a@…". Signing in with one is only a wrong address.
    for hidden in ("\u200b", "\u202e", "\u2060"):
        sneaky = {**sign_up, "email": alex.email[:1] + hidden + alex.email[1:]}
        refused = api.call("POST", "/v1/accounts", json=sneaky)
        assert "invisible formatting" in assert_error(refused, 422, "validation_failed")["fields"]["email"]
        wrong = api.call("POST", "/v1/auth/token", json={"email": sneaky["email"], "password": PASSWORD})
        assert_error(wrong, 401, "invalid_credentials")
    # The service answers as before: the family's own things, with nothing of the above saved.
    assert api.call("GET", f"/v1/teens/{maya.id}/activity", alex.token, params={"actor": alex.id}).status_code == 200
    assert api.call("GET", f"/v1/teens/{maya.id}/controls", alex.token).status_code == 200
    assert api.call("POST", "/v1/auth/token", json={"email": alex.email, "password": PASSWORD}).status_code == 200


@pytest.mark.parametrize("fast_path", [True, False], ids=["fast-path", "full-route"], indirect=True)
def test_no_nul_reaches_the_database_on_sqlite(live: Api) -> None:
    check_no_nul_reaches_the_database(live)


@pytest.mark.slow
@pytest.mark.parametrize("fast_path", [True, False], ids=["fast-path", "full-route"])
def test_no_nul_reaches_the_database_on_postgres(postgres_server: str, fast_path: bool) -> None:  # noqa: F811 - the fixture
    url = fresh_database(postgres_server)
    roomy = Limits(signups_per_address=1000)
    with LocalServer(url, fast_path=fast_path, limits=roomy) as server, requests.Session() as session:
        check_no_nul_reaches_the_database(Api(session, server.url))
