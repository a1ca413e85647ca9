"""A path with a trailing slash names nothing: 404 `not_found` in the API's error shape, never a
redirect. Found from outside: `PATCH /v1/teens/{id}/controls/` with `Host: evil.example` was
answered, without a token, 307 to `http://evil.example/v1/teens/{id}/controls` (Starlette's
redirect_slashes), a redirect to wherever the request said it was sent."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import requests

import famguard.server
from tests.support.http import Api, assert_error

_OPENAPI = Path(famguard.server.__file__).with_name("openapi.json")
_SOME_ID = "3f2b8c1e9a4d4b7c8e6f5a2b1c0d9e8f"


def _every_route_with_a_slash() -> list[tuple[str, str]]:
    """Every (method, path) of the API, its ids filled in, with a slash at the end."""
    paths = json.loads(_OPENAPI.read_text())["paths"]
    return [
        (method.upper(), re.sub(r"\{[^}]+\}", _SOME_ID, path) + "/")
        for path, methods in paths.items()
        for method in methods
    ]


@pytest.mark.parametrize("fast_path", [True, False], ids=["fast-path", "full-route"], indirect=True)
def test_a_trailing_slash_is_404_and_never_a_redirect_to_the_host_the_request_names(live: Api) -> None:
    routes = _every_route_with_a_slash()
    assert ("PATCH", f"/v1/teens/{_SOME_ID}/controls/") in routes
    for method, path in routes:
        reply = requests.request(
            method,
            live.base + path,
            headers={"Host": "evil.example", "Content-Type": "application/json", "If-Match": '"1"'},
            data=b'{"daily_limit_minutes": 60}' if method in ("POST", "PATCH") else None,
            allow_redirects=False,
            timeout=10,
        )
        assert "location" not in reply.headers, (method, path, reply.headers["location"])
        assert_error(reply, 404, "not_found")
