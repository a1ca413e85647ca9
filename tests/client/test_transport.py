"""The safe-transport rules: which server addresses are allowed, Retry-After parsing, redirects
that must not carry the Authorization header, retries, and the code rules on `requests` use."""

from __future__ import annotations

import ast
from datetime import UTC, datetime
from pathlib import Path

import pytest

from famguard.api import ApiClient, RetryPolicy, TokenManager, check_server_url, make_session
from famguard.api import errors as e
from famguard.api.transport import may_carry_authorization, parse_retry_after
from tests.support.scripted import Scripted, script_server

ROOT = Path(__file__).resolve().parents[2]
NO_WAIT = RetryPolicy(attempts=3, base=0.001, cap=0.002, max_retry_after=2)


@pytest.mark.parametrize(
    "url",
    ["https://famguard.example", "http://127.0.0.1:8000", "http://127.5.6.7", "http://[::1]:9", "http://localhost:1/"],
)
def test_https_and_loopback_http_are_accepted(url: str) -> None:
    assert check_server_url(url) == url.rstrip("/")


@pytest.mark.parametrize(
    "url",
    [
        "http://famguard.example",
        "http://192.168.1.10:8000",
        "http://10.0.0.1",
        "http://[::2]",
        "http://localhost.evil.example",
        "http://app.localhost",
        "http://localhost.:8000",  # the hosts file names "localhost" only: this one goes to DNS
        "ftp://famguard.example",
        "famguard.example",
        "https://user:pw@famguard.example",
        "https://famguard.example:99999",
    ],
)
def test_insecure_or_odd_addresses_are_refused_with_a_clear_error(url: str) -> None:
    with pytest.raises(e.InsecureServerUrl) as caught:
        ApiClient(url, make_session())
    assert caught.value.message


def test_http_to_a_remote_host_says_to_use_https() -> None:
    with pytest.raises(e.InsecureServerUrl, match="https://"):
        check_server_url("http://famguard.example")


def test_retry_after_seconds_http_date_and_junk() -> None:
    now = datetime(2026, 11, 25, 13, 0, 0, tzinfo=UTC)
    assert parse_retry_after("120", now) == 120
    assert parse_retry_after(" 7 ", now) == 7
    assert parse_retry_after("Wed, 25 Nov 2026 13:01:30 GMT", now) == 90
    assert parse_retry_after("Wed, 25 Nov 2026 12:00:00 GMT", now) == 0  # a past date: go now
    for junk in ("soon", "", "-5", "1.5", "²", "9" * 40, "Wed, 99 Nov 2026 13:01:30 GMT", None):
        assert parse_retry_after(junk, now) is None


def test_authorization_only_to_exactly_the_same_origin() -> None:
    assert may_carry_authorization("https://a.example/v1/x", "https://a.example:443/v1/y")
    assert not may_carry_authorization("https://a.example/x", "https://b.example/x")
    assert not may_carry_authorization("https://a.example/x", "http://a.example/x")
    assert not may_carry_authorization("http://127.0.0.1:8000/x", "http://localhost:8000/x")
    assert not may_carry_authorization("http://127.0.0.1:8000/x", "http://127.0.0.1:8001/x")


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_a_redirect_to_another_origin_is_refused_and_nothing_is_sent_there(status: int) -> None:
    """Found by an attacker: a 307/308 to another host re-sent the request's body there — the
    password at sign-in, the refresh token at a renewal — the Authorization header alone was
    dropped. A redirect to another origin (another host name for this machine too: "localhost"
    for 127.0.0.1) is not followed; it is said, with the address to change."""

    def target(seen):
        return Scripted(200, {"Content-Type": "application/json"}, b'{"access_token": "a", "refresh_token": "r", '
                        b'"token_type": "bearer", "expires_in": 900}')  # fmt: skip

    with script_server(target) as other:

        def redirector(seen):
            return Scripted(status, {"Location": f"http://localhost:{other.port}/v1/auth/token"})

        with script_server(redirector) as first:
            api = ApiClient(first.url, make_session(), tokens=TokenManager(), retry=NO_WAIT)
            with pytest.raises(e.ProtocolError) as caught:
                api.sign_in("g@example.org", "the-password")
            assert f"sent FamGuard to another address (http://localhost:{other.port})" in caught.value.message
            assert "change its address in Preferences" in caught.value.message
            assert [seen.path for seen in first.seen] == ["/v1/auth/token"]
            assert other.seen == []  # nothing reached the other address: not the password


def test_a_redirect_on_the_same_origin_is_followed_with_the_authorization_header() -> None:
    def server(seen):
        if seen.path == "/v1/me":
            return Scripted(307, {"Location": "/v1/me2"})
        return Scripted(200, {"Content-Type": "application/json"}, b'{"id": "a", "email": "g@x", '
                        b'"display_name": "G", "role": "guardian", "age": null}')  # fmt: skip

    with script_server(server) as only:
        api = ApiClient(only.url, make_session(), tokens=TokenManager("r", "secret-access"), retry=NO_WAIT)
        assert api.me().display_name == "G"
        assert [s.headers.get("Authorization") for s in only.seen] == ["Bearer secret-access"] * 2


def test_requests_own_redirect_handling_is_strict_too() -> None:
    """The session itself (used without ApiClient) also drops the header on a host change."""

    def target(seen):
        return Scripted(200, body=b"ok")

    with script_server(target) as other:
        with script_server(lambda s: Scripted(302, {"Location": f"http://localhost:{other.port}/"})) as first:
            session = make_session()
            response = session.get(first.url, headers={"Authorization": "Bearer x"}, timeout=5)
            assert response.status_code == 200
            assert "Authorization" not in other.seen[0].headers


def test_a_redirect_to_plain_http_elsewhere_is_refused() -> None:
    with script_server(lambda s: Scripted(301, {"Location": "http://famguard.example/v1/me"})) as server:
        api = ApiClient(server.url, make_session(), tokens=TokenManager("r", "a"), retry=NO_WAIT)
        with pytest.raises(e.InsecureServerUrl):
            api.me()


def test_503_is_retried_then_reported_as_a_server_error() -> None:
    with script_server(lambda s: Scripted(503, body=b"<html>down</html>")) as server:
        api = ApiClient(server.url, make_session(), retry=NO_WAIT)
        with pytest.raises(e.ServerError):
            api.health()
        assert len(server.seen) == 3


def test_a_post_without_idempotency_key_is_not_resent_after_a_502() -> None:
    with script_server(lambda s: Scripted(502, body=b"bad gateway")) as server:
        api = ApiClient(server.url, make_session(), tokens=TokenManager("r", "a"), retry=NO_WAIT)
        with pytest.raises(e.ServerError):
            api.start_pairing()  # each makes a new code: the service cannot tell a repeat
        assert len(server.seen) == 1


def test_a_post_the_service_recognizes_again_is_resent_after_a_502() -> None:
    """Asking for more time: the same question while it waits is answered with that one."""
    with script_server(lambda s: Scripted(502, body=b"bad gateway")) as server:
        api = ApiClient(server.url, make_session(), tokens=TokenManager("r", "a"), retry=NO_WAIT)
        with pytest.raises(e.ServerError):
            api.ask_for_time(10, "homework")
        assert [s.path for s in server.seen] == ["/v1/me/time-requests"] * NO_WAIT.attempts


def test_a_patch_with_idempotency_key_is_resent_with_the_same_key() -> None:
    with script_server(lambda s: Scripted(504, body=b"")) as server:
        api = ApiClient(server.url, make_session(), tokens=TokenManager("r", "a"), retry=NO_WAIT)
        with pytest.raises(e.ServerError):
            api.patch_controls("t1", {"search_enabled": False}, if_match='"1"', idempotency_key="k-1")
        assert [s.headers["Idempotency-Key"] for s in server.seen] == ["k-1"] * 3


def test_a_short_retry_after_is_waited_and_a_long_one_pauses_sync() -> None:
    waits: list[float] = []
    answers = iter([Scripted(429, {"Retry-After": "1"}), Scripted(200, body=b'{"status": "ok"}')])
    with script_server(lambda s: next(answers)) as server:
        assert ApiClient(server.url, make_session(), retry=NO_WAIT, sleep=waits.append).health()
    assert waits == [1.0]
    body = b'{"error": {"code": "rate_limited", "message": "Too many attempts."}}'
    with script_server(lambda s: Scripted(429, {"Retry-After": "3600"}, body)) as server:
        with pytest.raises(e.RateLimited) as caught:
            ApiClient(server.url, make_session(), retry=NO_WAIT, sleep=waits.append).health()
        assert len(server.seen) == 1  # not waited out
    seconds = (caught.value.retry_at - datetime.now(UTC)).total_seconds()
    assert 3500 < seconds <= 3600


def test_connection_refused_is_network_unreachable() -> None:
    with script_server(lambda s: Scripted()) as server:
        url = server.url
    with pytest.raises(e.NetworkUnreachable):
        ApiClient(url, make_session(), retry=NO_WAIT).health()


def test_a_service_that_answered_before_is_said_to_have_stopped_not_to_have_a_wrong_port() -> None:
    """Found by an outside tester: the service stopped, an answer to a request was refused "Check
    the port in the service address" — an address that had worked all along. The advice stays for
    an address that never answered (typed at sign-in)."""
    ok = Scripted(200, {"Content-Type": "application/json"}, b'{"status": "ok"}')
    with script_server(lambda s: ok) as server:
        url = server.url
        client = ApiClient(url, make_session(), retry=NO_WAIT)
        assert client.health()
    client.session.close()  # its kept-alive connection goes with the service (the script's outlives it)
    with pytest.raises(e.NetworkUnreachable) as stopped:
        client.health()
    assert stopped.value.message.endswith("any more: the service has stopped or is restarting.")
    assert "Check the port" not in stopped.value.message
    # Its own kind, so the app says "the service has stopped", not "You are offline" (the banner
    # said so beside these words, an outside tester): the connection to the address was fine.
    assert isinstance(stopped.value, e.ServiceStopped)
    with pytest.raises(e.NetworkUnreachable) as never:
        ApiClient(url, make_session(), retry=NO_WAIT).health()
    assert never.value.message.endswith("Check the port in the service address.")
    assert not isinstance(never.value, e.ServiceStopped)


def test_a_service_that_takes_the_request_and_never_answers_is_not_the_parents_connection() -> None:
    """Found by an outside tester: with the service stopped (kill -STOP; its queue still takes
    connections), the app said "You are offline". The request went out on a connection the
    service's host accepted: the service is at fault, and said to be."""
    import socket

    from famguard.api.errors import service_problem

    with socket.socket() as hung:  # listens, never accepts nor answers: a stopped process's queue
        hung.bind(("127.0.0.1", 0))
        hung.listen(8)
        client = ApiClient(f"http://127.0.0.1:{hung.getsockname()[1]}", make_session(), retry=NO_WAIT,
                           timeout=(2.0, 0.5))  # fmt: skip
        with pytest.raises(e.TimedOut) as waited:
            client.health()
    assert isinstance(waited.value, e.NotAnswering) and service_problem(waited.value)
    assert "no answer came back" in waited.value.message and "offline" not in waited.value.message.lower()


# --- code rules --------------------------------------------------------------------------------


def _calls_without_timeout(path: Path) -> list[str]:
    """Calls of requests.<verb>/request, or of a session's request methods, that lack timeout=."""
    verbs = {"get", "post", "put", "patch", "delete", "head", "options", "request", "send"}
    tree = ast.parse(path.read_text(encoding="utf-8"))
    bad = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)) or node.func.attr not in verbs:
            continue
        owner = ast.unparse(node.func.value)
        if owner == "requests" or "session" in owner.lower():
            if not any(k.arg == "timeout" for k in node.keywords):
                bad.append(f"{path.name}:{node.lineno} {ast.unparse(node.func)}")
    return bad


def test_every_requests_call_in_the_api_package_passes_a_timeout(tmp_path: Path) -> None:
    found = [bad for path in sorted((ROOT / "famguard" / "api").rglob("*.py")) for bad in _calls_without_timeout(path)]
    assert found == []
    assert any(
        "session.request" in ast.unparse(n) for n in ast.walk(ast.parse((ROOT / "famguard/api/client.py").read_text()))
    )
    leaky = tmp_path / "leaky.py"
    leaky.write_text("import requests\nrequests.get('https://x')\nself.session.post(u, timeout=3)\n")
    assert _calls_without_timeout(leaky) == ["leaky.py:2 requests.get"]


def test_nothing_above_the_api_layer_imports_requests() -> None:
    offenders = []
    for layer in ("services", "store", "credentials", "domain"):
        for path in (ROOT / "famguard" / layer).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                names = []
                if isinstance(node, ast.Import):
                    names = [a.name for a in node.names]
                elif isinstance(node, ast.ImportFrom) and node.module:
                    names = [node.module]
                offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] in ("requests", "urllib3")]
    teen_cli = ast.parse((ROOT / "famguard" / "teen_cli.py").read_text())
    offenders += [
        ast.unparse(n)
        for n in ast.walk(teen_cli)
        if isinstance(n, ast.Import | ast.ImportFrom) and "requests" in ast.unparse(n)
    ]
    assert offenders == []


def test_the_strict_session_never_picks_up_netrc_credentials_on_a_redirect(tmp_path: Path, monkeypatch) -> None:
    """Why the Session subclass exists: requests' own rebuild_auth re-adds ~/.netrc credentials
    for the host a redirect leads to. The plain Session shows the leak; the strict one does not."""
    import requests

    netrc = tmp_path / "netrc"
    netrc.write_text("machine localhost login someone password hunter2\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    with script_server(lambda s: Scripted(200, body=b"ok")) as other:
        with script_server(lambda s: Scripted(302, {"Location": f"http://localhost:{other.port}/"})) as first:
            requests.Session().get(first.url, headers={"Authorization": "Bearer x"}, timeout=5)
            assert other.seen[-1].headers.get("Authorization", "").startswith("Basic")  # the leak
            make_session().get(first.url, headers={"Authorization": "Bearer x"}, timeout=5)
            assert "Authorization" not in other.seen[-1].headers


def test_a_netrc_entry_for_the_server_never_replaces_the_bearer_token(tmp_path: Path, monkeypatch) -> None:
    netrc = tmp_path / "netrc"
    netrc.write_text("machine 127.0.0.1 login someone password hunter2\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    me = b'{"id": "a", "email": "g@x", "display_name": "G", "role": "guardian", "age": null}'

    def reply(seen):
        return Scripted(200, {"Content-Type": "application/json"}, b'{"status": "ok"}' if "health" in seen.path else me)

    with script_server(reply) as server:
        ApiClient(server.url, make_session(), tokens=TokenManager("r", "token-1"), retry=NO_WAIT).me()
        assert server.seen[0].headers["Authorization"] == "Bearer token-1"
        ApiClient(server.url, make_session(), retry=NO_WAIT).health()
        assert "Authorization" not in server.seen[1].headers
