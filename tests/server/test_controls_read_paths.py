"""The two paths of GET /v1/teens/{id}/controls — the SQLite fast path in front of FastAPI and the
FastAPI route — answer alike. One scenario (valid reads, If-None-Match, expired and refreshed
tokens, a revoked sign-in, another family's teen, an unlinked teen, teens about to turn 18 in
UTC and in their own time zone, a teen's token, malformed requests) runs over real HTTP against
a server with the fast path and one without, each on its own fresh database and clock; every
status, body and ETag must be identical. And the fast path really answers when it is on."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import TypeVar

import pytest
import requests

from tests.support.accounts import Person, link, make_guardian, make_teen, renew
from tests.support.http import Api
from tests.support.servers import FakeClock, LocalServer, counting_calls

Answer = tuple[int, str, str | None, str | None, str | None]
A = TypeVar("A")


def _read(api: Api, teen: Person | str, token: str | None, headers: dict[str, str] | None = None) -> Answer:
    teen_id = teen if isinstance(teen, str) else teen.id
    response = api.call("GET", f"/v1/teens/{teen_id}/controls", token, headers=headers)
    return (
        response.status_code,
        response.text,
        response.headers.get("ETag"),
        response.headers.get("Content-Type"),
        response.headers.get("WWW-Authenticate"),
    )


def _scenario(api: Api, clock: FakeClock) -> list[tuple[str, Answer]]:
    """Every request, labelled, with its answer."""
    today = clock.now.date()
    alex = make_guardian(api, "Alex")
    maya = make_teen(api, "Maya", 14, today)
    link(api, alex, maya)
    bea = make_guardian(api, "Bea")
    tom = make_teen(api, "Tom", 15, today)
    link(api, bea, tom)
    ann = make_teen(api, "Ann", 13, today)  # linked, then unlinked below
    link(api, alex, ann)
    # 17 today; 18 tomorrow in UTC, so the age depends on the teen's time zone.
    sam = make_teen(api, "Sam", 18, today, days_since_birthday=-1)
    link(api, alex, sam)
    kim = make_teen(api, "Kim", 18, today, days_since_birthday=-1)
    link(api, alex, kim)
    etag = _read(api, maya, alex.token)[2]
    assert etag is not None

    answers: list[tuple[str, Answer]] = [
        ("valid", _read(api, maya, alex.token)),
        ("if-none-match current", _read(api, maya, alex.token, {"If-None-Match": etag})),
        ("if-none-match in a list", _read(api, maya, alex.token, {"If-None-Match": f'"999", {etag}'})),
        ("if-none-match stale", _read(api, maya, alex.token, {"If-None-Match": '"999"'})),
        ("if-none-match too long", _read(api, maya, alex.token, {"If-None-Match": '"1",' * 60})),
        ("no token", _read(api, maya, None)),
        ("not a token", _read(api, maya, "not-a-token")),
        ("refresh token", _read(api, maya, alex.refresh_token)),
        ("teen token", _read(api, maya, maya.token)),
        ("teen token, another teen", _read(api, tom, maya.token)),
        ("another family's teen", _read(api, tom, alex.token)),
        ("unknown teen", _read(api, "0" * 32, alex.token)),
        ("a guardian id", _read(api, bea.id, alex.token)),
        ("17, 18 tomorrow (UTC)", _read(api, sam, alex.token)),
    ]
    assert api.call("DELETE", f"/v1/teens/{ann.id}/link", alex.token).status_code == 204
    answers.append(("unlinked teen", _read(api, ann, alex.token)))
    # Kim lives in Auckland: 12:00 UTC is already tomorrow there, the 18th birthday.
    _set_timezone(api, alex, kim, "Pacific/Auckland")
    answers.append(("18 today in the teen's time zone", _read(api, kim, alex.token)))
    answers.append(("after the links ended at 18", _read(api, kim, alex.token)))

    clock.advance(minutes=16)
    answers.append(("expired token", _read(api, maya, alex.token)))
    renew(api, alex)
    answers.append(("refreshed token", _read(api, maya, alex.token)))
    assert api.call("POST", "/v1/auth/logout", alex.token).status_code == 204
    answers.append(("revoked sign-in", _read(api, maya, alex.token)))
    return answers


def _set_timezone(api: Api, guardian: Person, teen: Person, timezone: str) -> None:
    etag = _read(api, teen, guardian.token)[2]
    changed = api.call(
        "PATCH",
        f"/v1/teens/{teen.id}/controls",
        guardian.token,
        json={"timezone": timezone},
        headers={"If-Match": etag or ""},
    )
    assert changed.status_code == 200, changed.text


def _run(database_url: str, fast_path: bool) -> list[tuple[str, Answer]]:
    clock = FakeClock()  # both runs start at the same moment
    with LocalServer(database_url, clock=clock, fast_path=fast_path) as server, requests.Session() as session:
        return _scenario(Api(session, server.url), clock)


def assert_answers_agree(fast: Sequence[tuple[str, A]], full: Sequence[tuple[str, A]]) -> dict[str, A]:
    """The one parity check of a scenario run with the fast path and without (SQLite and
    PostgreSQL, reads and changes): the same steps in the same order, and every answer identical.
    Returns the answers by step."""
    assert [label for label, _ in fast] == [label for label, _ in full]
    for (label, with_fast_path), (_, without) in zip(fast, full, strict=True):
        assert with_fast_path == without, f"{label}: fast path {with_fast_path} != route {without}"
    return dict(fast)


def test_both_paths_answer_every_controls_read_alike(tmp_path: Path) -> None:
    answers = assert_answers_agree(
        _run(f"sqlite:///{tmp_path / 'fast.sqlite3'}", fast_path=True),
        _run(f"sqlite:///{tmp_path / 'full.sqlite3'}", fast_path=False),
    )
    # The scenario meant what it says (so that equal answers are not equally wrong ones).
    assert answers["valid"][0] == 200 and answers["valid"][2] == '"1"'
    assert answers["if-none-match current"][:3] == (304, "", '"1"')
    assert answers["if-none-match in a list"][0] == 304
    assert answers["if-none-match stale"][0] == 200
    assert answers["if-none-match too long"][0] == 422
    assert [answers[k][0] for k in ("no token", "not a token", "refresh token")] == [401, 401, 401]
    assert answers["teen token"][0] == answers["teen token, another teen"][0] == 403
    for refused in ("another family's teen", "unknown teen", "a guardian id", "unlinked teen"):
        assert answers[refused][0] == 404, refused
    assert answers["17, 18 tomorrow (UTC)"][0] == 200
    assert answers["18 today in the teen's time zone"][0] == 404
    assert answers["after the links ended at 18"][0] == 404
    assert '"token_expired"' in answers["expired token"][1]
    assert answers["refreshed token"][0] == 200
    assert answers["revoked sign-in"][0] == 401


@pytest.mark.parametrize("fast_path", [True, False], ids=["fast-path", "full-route"])
def test_the_switch_decides_who_answers(tmp_path: Path, fast_path: bool) -> None:
    """With the fast path on, an allowed read never opens an ORM session; off, it always does."""
    clock = FakeClock()
    with LocalServer(f"sqlite:///{tmp_path / 's.sqlite3'}", clock=clock, fast_path=fast_path) as server:
        api = Api(requests.Session(), server.url)
        alex = make_guardian(api)
        maya = make_teen(api, "Maya", 14, clock.now.date())
        link(api, alex, maya)
        with counting_calls(server.app.state.service.db, "read") as sessions:
            assert _read(api, maya, alex.token)[0] == 200
        assert len(sessions) == (0 if fast_path else 1)


def _me(api: Api, token: str | None, query: str = "") -> Answer:
    response = api.call("GET", f"/v1/me{query}", token)
    return (
        response.status_code,
        response.text,
        response.headers.get("Content-Length"),
        response.headers.get("Content-Type"),
        response.headers.get("WWW-Authenticate"),
    )


def _who_am_i(api: Api, clock: FakeClock) -> tuple[list[tuple[str, Answer]], str]:
    today = clock.now.date()
    alex = make_guardian(api, "Alex")
    maya = make_teen(api, "Maya", 14, today)
    link(api, alex, maya)
    kim = make_teen(api, "Kim", 16, today, days_since_birthday=-1)  # 16 tomorrow in UTC
    link(api, alex, kim)
    answers = [
        ("guardian", _me(api, alex.token)),
        ("teen", _me(api, maya.token)),
        ("15, 16 tomorrow (UTC)", _me(api, kim.token)),
    ]
    etag = api.call("GET", f"/v1/teens/{kim.id}/controls", alex.token).headers["ETag"]
    moved = api.call(
        "PATCH",
        f"/v1/teens/{kim.id}/controls",
        alex.token,
        json={"timezone": "Pacific/Auckland"},
        headers={"If-Match": etag},
    )
    assert moved.status_code == 200
    answers += [
        ("16 today in the teen's time zone", _me(api, kim.token)),
        ("a query string", _me(api, alex.token, "?x=1")),
        ("no token", _me(api, None)),
        ("not a token", _me(api, "not-a-token")),
        ("refresh token", _me(api, alex.refresh_token)),
    ]
    assert api.call("POST", "/v1/auth/logout", maya.token).status_code == 204
    answers.append(("revoked sign-in", _me(api, maya.token)))
    clock.advance(minutes=16)
    answers.append(("expired token", _me(api, alex.token)))
    renew(api, alex)
    answers.append(("refreshed token", _me(api, alex.token)))
    return answers, alex.token


def test_both_paths_answer_who_am_i_alike(tmp_path: Path) -> None:
    """GET /v1/me, answered on the fast path and by the route: the same status, body and headers."""
    runs = []
    for fast_path in (True, False):
        clock = FakeClock()
        url = f"sqlite:///{tmp_path / f'{fast_path}.sqlite3'}"
        with LocalServer(url, clock=clock, fast_path=fast_path) as server, requests.Session() as session:
            api = Api(session, server.url)
            answers, token = _who_am_i(api, clock)
            with counting_calls(server.app.state.service.db, "read") as sessions:
                assert _me(api, token)[0] == 200
            runs.append((answers, sessions))
    (fast, fast_sessions), (full, _) = runs
    ids = {}
    for (label, with_fast_path), (_, without) in zip(fast, full, strict=True):
        body_fast, body_full = json.loads(with_fast_path[1]), json.loads(without[1])
        if "id" in body_fast:  # account ids and emails are made afresh for each database
            ids[label] = body_fast.pop("id"), body_full.pop("id"), body_fast.pop("email"), body_full.pop("email")
        assert (with_fast_path[0], body_fast, *with_fast_path[3:]) == (without[0], body_full, *without[3:]), label
        assert (with_fast_path[2] is None) == (without[2] is None), label
    answers = dict(fast)
    assert json.loads(answers["guardian"][1])["age"] is None and json.loads(answers["teen"][1])["age"] == 14
    assert json.loads(answers["15, 16 tomorrow (UTC)"][1])["age"] == 15
    assert json.loads(answers["16 today in the teen's time zone"][1])["age"] == 16
    assert [answers[k][0] for k in ("no token", "not a token", "refresh token", "revoked sign-in")] == [401] * 4
    assert '"token_expired"' in answers["expired token"][1] and answers["refreshed token"][0] == 200
    assert all(email.startswith(("alex", "maya", "kim")) for (*_ids, email, _) in ids.values())
    assert fast_sessions == []  # the fast path answered (no ORM session)
