"""Time zones on a host without system zone data (Windows), over real HTTP (issue 13): redeem,
the teen's /v1/me and usage answered 500 because `tzdata` was not a dependency. The server runs
in its own process with PYTHONTZPATH empty, so zoneinfo finds no system data at all."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests

from tests.support.accounts import controls_of, link, make_guardian, make_teen
from tests.support.http import Api, assert_error
from tests.support.servers import LocalServer


def test_a_server_without_system_zone_data_serves_teens(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTHONTZPATH", "")
    with LocalServer(f"sqlite:///{tmp_path / 's.sqlite3'}", own_process=True) as server, requests.Session() as s:
        api = Api(s, server.url)
        guardian, teen = make_guardian(api), make_teen(api, "Maya", 14)
        link(api, guardian, teen)
        assert api.call("GET", "/v1/me", teen.token).json()["age"] == 14
        assert api.call("GET", f"/v1/teens/{teen.id}/usage", guardian.token).status_code == 200
        _, etag = controls_of(api, guardian, teen)
        moved = api.call(
            "PATCH",
            f"/v1/teens/{teen.id}/controls",
            guardian.token,
            json={"timezone": "America/Sao_Paulo"},
            headers={"If-Match": etag},
        )
        assert moved.status_code == 200, moved.text
        assert api.call("GET", "/v1/me", teen.token).status_code == 200


@pytest.mark.parametrize("name", ["localtime", "Factory", "posixrules", "right/UTC"])
def test_host_specific_zone_names_are_refused_over_http(live: Api, name: str) -> None:
    guardian, teen = make_guardian(live), make_teen(live)
    link(live, guardian, teen)
    _, etag = controls_of(live, guardian, teen)
    refused = live.call(
        "PATCH", f"/v1/teens/{teen.id}/controls", guardian.token, json={"timezone": name}, headers={"If-Match": etag}
    )
    assert "timezone" in assert_error(refused, 422, "validation_failed")["fields"]
