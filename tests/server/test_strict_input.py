"""Strict JSON in, valid UTF-8 out, and parameters that cannot crash the server, over real HTTP
(issue 13): a lone surrogate in one guardian's edit made that teen's history answer 500 for every
guardian, forever; an unknown key of one lone surrogate, and usage `?to=0001-01-03`, were 500."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import create_engine, text

from famguard.server.strict_json import TOO_MANY_FIELDS
from tests.support.accounts import Family, controls_of
from tests.support.http import Api, assert_error


def _raw(live: Api, method: str, path: str, token: str, body: bytes, etag: str | None = None):  # noqa: ANN202
    headers = {"Content-Type": "application/json"}
    if etag:
        headers["If-Match"] = etag
    return live.call(method, path, token, content=body, headers=headers)


def _strict_utf8_json(response) -> object:  # noqa: ANN001
    return json.loads(response.content.decode("utf-8", "strict"))


def test_a_lone_surrogate_in_keywords_is_refused_and_history_stays_readable(live: Api, live_family: Family) -> None:
    guardian, teen = live_family.guardian, live_family.teen
    _, etag = controls_of(live, guardian, teen)
    refused = _raw(
        live, "PATCH", f"/v1/teens/{teen.id}/controls", guardian.token, b'{"keyword_filters": ["\\ud800"]}', etag
    )
    error = assert_error(refused, 422, "validation_failed")
    assert "Unicode" in error["message"]
    history = live.call("GET", f"/v1/teens/{teen.id}/activity", guardian.token)
    assert history.status_code == 200
    _strict_utf8_json(history)
    # Nothing changed, and a proper edit still goes through on the same ETag.
    ok = _raw(
        live, "PATCH", f"/v1/teens/{teen.id}/controls", guardian.token, b'{"keyword_filters": ["\\ud83d\\ude00"]}', etag
    )
    assert ok.status_code == 200, ok.text
    assert ok.json()["keyword_filters"] == ["\U0001f600"]


@pytest.mark.parametrize(
    "body",
    [
        b'{"\\ud800": 1}',
        b'{"email": "a@example.com", "password": "\\udfff\\udfff\\udfff\\udfff", "display_name": "K", '
        b'"role": "guardian"}',
        b'{"email": "a@example.com", "password": "\xed\xa0\x80aaaaaaaa", "display_name": "K", "role": "guardian"}',
        b'{"email": "a@example.com", "password": "\xff\xfeaaaaaaaa", "display_name": "K", "role": "guardian"}',
    ],
    ids=["unknown-key-surrogate", "escaped-surrogates", "utf8-encoded-surrogate", "not-utf8"],
)
def test_bodies_that_are_not_unicode_text_are_422_not_500(live: Api, body: bytes) -> None:
    response = _raw(live, "POST", "/v1/accounts", "", body)
    assert_error(response, 422, "validation_failed")
    _strict_utf8_json(response)


@pytest.mark.both_read_paths
def test_a_number_of_more_digits_than_python_reads_is_422_naming_the_body(live: Api, live_family: Family) -> None:
    """Over 4,300 digits Python's json stops with an error FastAPI answered 400 ("could not be
    understood"); it is a body's value the service does not take: 422 naming `body`, on a sign-up
    and on a change (its fast path included), and nothing changes."""
    guardian, teen = live_family.guardian, live_family.teen
    before, etag = controls_of(live, guardian, teen)
    huge = b"1" + b"0" * 5000
    change = _raw(live, "PATCH", f"/v1/teens/{teen.id}/controls", guardian.token,
                  b'{"daily_limit_minutes": ' + huge + b"}", etag)  # fmt: skip
    sign_up = _raw(live, "POST", "/v1/accounts", "", b'{"email": "big@example.com", "password": ' + huge + b"}")
    for response in (change, sign_up):
        error = assert_error(response, 422, "validation_failed")
        assert error["fields"] == {"body": "A number in the body has too many digits."}, error
    assert controls_of(live, guardian, teen) == (before, etag)


@pytest.mark.both_read_paths
def test_a_body_that_is_not_json_names_the_body_not_a_character_offset(live: Api, live_family: Family) -> None:
    guardian, teen = live_family.guardian, live_family.teen
    _, etag = controls_of(live, guardian, teen)
    for body in (b'{"daily_limit_minutes": 60} trailing', b'{"daily_limit_minutes": ', b"\xff\xfe"):
        response = _raw(live, "PATCH", f"/v1/teens/{teen.id}/controls", guardian.token, body, etag)
        assert list(assert_error(response, 422, "validation_failed")["fields"]) == ["body"], response.text


def test_an_unknown_surrogate_key_on_a_signed_in_route_is_422(live: Api, live_family: Family) -> None:
    guardian, teen = live_family.guardian, live_family.teen
    _, etag = controls_of(live, guardian, teen)
    response = _raw(live, "PATCH", f"/v1/teens/{teen.id}/controls", guardian.token, b'{"\\ud800": true}', etag)
    assert_error(response, 422, "validation_failed")


@pytest.mark.parametrize("fast_path", [True, False], ids=["fast-path", "full-route"], indirect=True)
@pytest.mark.parametrize("fields", [1_000, 20_000])
def test_a_body_of_thousands_of_unknown_fields_gets_a_short_refusal_naming_the_body(
    live: Api, live_family: Family, fields: int
) -> None:
    """Found from outside: every unknown field was named in the refusal, so 20,000 of them
    (249 KB) got a 980 KB answer after ~0.2 s of validation, and thirteen such requests a second
    saturated the server. Now such a body is refused, in a few hundred bytes, before anything
    validates it: at sign-up, in a PATCH (on the fast path too, which takes bodies up to 16 KiB)
    and in a temporary rule's controls; a few unknown fields are still named one by one."""
    guardian, teen = live_family.guardian, live_family.teen
    _, etag = controls_of(live, guardian, teen)
    unknown = {f"k{n}": 1 for n in range(fields)}  # 20,000: 249 KB, under the body limit
    rule = {"name": "Exams", "starts_on": "2030-06-01", "ends_on": "2030-06-20", "controls": unknown}
    replies = [
        _raw(live, "POST", "/v1/accounts", "", json.dumps(unknown).encode()),
        _raw(live, "PATCH", f"/v1/teens/{teen.id}/controls", guardian.token, json.dumps(unknown).encode(), etag),
        _raw(live, "POST", f"/v1/teens/{teen.id}/temporary-rules", guardian.token, json.dumps(rule).encode()),
    ]
    for reply in replies:
        error = assert_error(reply, 422, "validation_failed")
        assert error["fields"] == {"body": TOO_MANY_FIELDS}, reply.text[:300]
        assert len(reply.content) < 300
    few = json.dumps({"daily_limit_minutes": 60, "colour": "red", "size": 3}).encode()
    reply = _raw(live, "PATCH", f"/v1/teens/{teen.id}/controls", guardian.token, few, etag)
    assert set(assert_error(reply, 422, "validation_failed")["fields"]) == {"colour", "size"}


@pytest.mark.parametrize(
    "query", ["to=0001-01-03", "to=0001-01-01", "from=0001-01-01", "from=9999-12-31&to=9999-12-31"]
)
def test_usage_dates_at_the_ends_of_the_calendar_are_answered_not_crashed(
    live: Api, live_family: Family, query: str
) -> None:
    response = live.call("GET", f"/v1/teens/{live_family.teen.id}/usage?{query}", live_family.guardian.token)
    assert response.status_code in (200, 400), response.text
    if response.status_code == 400:
        assert_error(response, 400, "bad_request")


def test_history_stored_before_the_check_is_still_served_as_valid_utf8(
    live: Api, live_family: Family, database_url: str
) -> None:
    """A database written by an older server may hold a lone surrogate: the history is served
    with U+FFFD in its place instead of failing for every guardian."""
    guardian, teen = live_family.guardian, live_family.teen
    engine = create_engine(database_url)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO activity (at, actor_id, teen_id, kind, field, before, after) "
                "VALUES (:at, :actor, :teen, 'controls', 'keyword_filters', '[]', :after)"
            ),
            {"at": datetime.now(UTC), "actor": guardian.id, "teen": teen.id, "after": '["\\ud800"]'},
        )
    engine.dispose()
    history = live.call("GET", f"/v1/teens/{teen.id}/activity", guardian.token)
    assert history.status_code == 200
    assert _strict_utf8_json(history)[0]["after"] == ["\ufffd"]  # type: ignore[index]


@pytest.mark.parametrize(
    "query",
    [
        "to=-1.7287798816346884e-121",
        "from=0",
        "to=20261125",
        "from=2026-11-25T00:00",
        "from=%D9%A2%D9%A0%D9%A2%D9%A6-%D9%A1%D9%A1-%D9%A2%D9%A5",  # 2026-11-25 in Arabic-Indic digits
        "to=%EF%BC%92%EF%BC%90%EF%BC%92%EF%BC%96-11-25",  # full-width digits in the year
    ],
)
def test_a_date_must_be_written_as_a_date(live: Api, live_family: Family, query: str) -> None:
    """Found by the stateful fuzzer: a number was read as a Unix time (1970-01-01) and answered.
    Other scripts' digits passed the date's pattern (\\d) and met a later, vaguer refusal."""
    response = live.call("GET", f"/v1/teens/{live_family.teen.id}/usage?{query}", live_family.guardian.token)
    body = assert_error(response, 400, "bad_request")
    assert list(body["fields"].values()) == ["Must be a date written YYYY-MM-DD."]
    sent = live.call("POST", "/v1/me/usage", live_family.teen.token, json={"date": 0, "minutes": 5})
    assert_error(sent, 422, "validation_failed")
