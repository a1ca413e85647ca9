"""Whatever a server (or something pretending to be one) sends back, the client raises an
ApiError — for a 200 that breaks the contract, a ProtocolError — and never crashes with a
KeyError, TypeError or the like. Replies come from a real local HTTP server."""

from __future__ import annotations

import json
from http.server import BaseHTTPRequestHandler

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from famguard.api import ApiClient, RetryPolicy, TokenManager, make_session
from famguard.api import errors as e
from famguard.api.client import MAX_BODY_BYTES
from tests.support.scripted import Scripted, script_server

ONCE = RetryPolicy(attempts=1)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=5),
    max_leaves=20,
)
# Near-miss shapes: the real keys with values of random types, which exercise every field check.
KEYS = ["id", "email", "display_name", "role", "age", "linked_at", "status", "events", "cursor", "days", "date",
        "minutes", "limit_minutes", "teen_id", "reason", "created_at", "decided_at", "decided_by",
        "granted_minutes", "at", "actor", "kind", "field", "before", "after", "type", "data", "access_token",
        "refresh_token", "expires_in", "comments", "error", "code", "message", "fields", "missed"]  # fmt: skip
near_miss = st.dictionaries(st.sampled_from(KEYS), json_values, max_size=len(KEYS))
bodies = st.one_of(
    json_values.map(lambda v: json.dumps(v).encode()),
    near_miss.map(lambda v: json.dumps(v).encode()),
    st.lists(near_miss, max_size=3).map(lambda v: json.dumps(v).encode()),
    st.binary(max_size=64),
    st.just(b"<html><body><h1>502 Bad Gateway</h1></body></html>"),
    st.just(b"[" * 100_000),  # nesting deep enough to exhaust the JSON parser's recursion
    st.just(b'{"id": "\xff\xfe"}'),
)
statuses = st.sampled_from([200, 200, 200, 201, 204, 304, 400, 401, 403, 404, 409, 410, 412, 418, 422, 429, 500, 503])
CALLS = {
    "me": lambda api: api.me(),
    "teens": lambda api: api.teens(),
    "controls": lambda api: api.get_controls("t1"),
    "events": lambda api: api.events("5", wait=0),
    "time_requests": lambda api: api.time_requests("t1"),
    "activity": lambda api: api.activity("t1"),
    "usage": lambda api: api.usage("t1"),
    "sign_in": lambda api: api.sign_in("g@example.com", "password1"),
    "pairing": lambda api: api.get_pairing("p1"),
}


@pytest.fixture(scope="module")
def scripted():
    state = {"reply": Scripted()}
    with script_server(lambda seen: state["reply"]) as server:
        yield server, state


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(status=statuses, body=bodies, call=st.sampled_from(sorted(CALLS)), etag=st.sampled_from(['"3"', None]))
def test_any_reply_gives_an_api_error_never_a_crash(scripted, status, body, call, etag) -> None:
    server, state = scripted
    headers = {"Content-Type": "application/json"}
    if etag:
        headers["ETag"] = etag
    state["reply"] = Scripted(status, headers, body if status not in (204, 304) else b"")
    api = ApiClient(server.url, make_session(), tokens=TokenManager("r", "a"), retry=ONCE)
    try:
        CALLS[call](api)
    except e.ApiError as exc:
        assert exc.message
        if 200 <= status < 300:
            assert isinstance(exc, e.ProtocolError | e.SignedOut)


@pytest.mark.parametrize(
    ("body", "missed"),
    [
        ({"events": [], "cursor": "5"}, False),  # an older service, which never deleted events
        ({"events": [], "cursor": "5", "missed": False}, False),
        ({"events": [], "cursor": "5", "missed": True}, True),
        ({"events": [], "cursor": "5", "missed": "yes"}, e.ProtocolError),
        ({"events": [], "cursor": "5", "missed": 1}, e.ProtocolError),
        ({"events": [], "cursor": "5", "missed": None}, e.ProtocolError),
    ],
)
def test_an_events_reply_says_whether_events_were_missed_or_is_refused(scripted, body, missed) -> None:
    server, state = scripted
    state["reply"] = Scripted(200, {"Content-Type": "application/json"}, json.dumps(body).encode())
    api = ApiClient(server.url, make_session(), tokens=TokenManager("r", "a"), retry=ONCE)
    if isinstance(missed, bool):
        assert api.events("4").missed is missed
    else:
        with pytest.raises(missed):
            api.events("4")


def test_an_html_error_page_is_a_protocol_error(scripted) -> None:
    server, state = scripted
    state["reply"] = Scripted(404, {"Content-Type": "text/html"}, b"<html>Not Found</html>")
    with pytest.raises(e.ProtocolError):
        ApiClient(server.url, make_session(), tokens=TokenManager("r", "a"), retry=ONCE).teens()


def test_a_huge_body_is_refused_without_reading_it_all(scripted) -> None:
    server, state = scripted
    state["reply"] = Scripted(200, {"Content-Type": "application/json"}, b"[" + b"1," * MAX_BODY_BYTES + b"1]")
    with pytest.raises(e.ProtocolError, match="bigger"):
        ApiClient(server.url, make_session(), tokens=TokenManager("r", "a"), retry=ONCE).teens()


def _truncated(handler: BaseHTTPRequestHandler) -> None:
    handler.send_response(200)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", "400")
    handler.end_headers()
    handler.wfile.write(b'[{"id": "t1", "display_name": "Sam", "age": 14, "linked')
    handler.wfile.flush()
    handler.close_connection = True


def _unframed(handler: BaseHTTPRequestHandler) -> None:
    """A body cut short with no length at all: only the JSON parser can tell."""
    handler.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n")
    handler.wfile.write(b'[{"id": "t1", "display_name": "Sam"')
    handler.wfile.flush()
    handler.close_connection = True


@pytest.mark.parametrize("raw", [_truncated, _unframed])
def test_a_truncated_body_is_a_protocol_error(scripted, raw) -> None:
    server, state = scripted
    state["reply"] = Scripted(raw=raw)
    with pytest.raises(e.ProtocolError):
        ApiClient(server.url, make_session(), tokens=TokenManager("r", "a"), retry=ONCE).teens()


def test_a_validation_error_names_each_field(scripted) -> None:
    server, state = scripted
    body = {"error": {"code": "validation_failed", "message": "Some values are not valid.",
                      "fields": {"comments": "Not available under 16"}}}  # fmt: skip
    state["reply"] = Scripted(422, {"Content-Type": "application/json"}, json.dumps(body).encode())
    api = ApiClient(server.url, make_session(), tokens=TokenManager("r", "a"), retry=ONCE)
    with pytest.raises(e.ValidationFailed) as caught:
        api.patch_controls("t1", {"comments": "everyone"}, if_match='"1"')
    assert caught.value.fields == {"comments": "Not available under 16"}
