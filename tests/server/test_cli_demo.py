"""`famguard-server` refuses an exposed address without TLS, honours FAMGUARD_DATABASE_URL, and
its --demo mode (and the same seeding from Python, as the desktop app's demo mode uses) gives a
working demo family that is new at every start."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from argon2 import PasswordHasher
from fastapi.testclient import TestClient

from famguard.domain.loopback import is_loopback_host
from famguard.server import cli, security
from famguard.server.app import create_app
from famguard.server.db import make_engine
from famguard.server.demo import seed_demo
from famguard.server.runner import ServerThread
from tests.support.accounts import sign_in
from tests.support.http import Api
from tests.support.servers import FakeClock


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.20", "example.org", "::"])
def test_refuses_a_non_loopback_host_without_tls(host: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--host", host, "--port", "1"]) == 2
    message = capsys.readouterr().err
    assert f"refusing to listen on {host}" in message
    assert "--tls-cert" in message and "--behind-proxy" in message


class _Started(Exception):
    """Raised where uvicorn would start serving: the test has what it needs by then."""


@pytest.fixture
def started_with(monkeypatch: pytest.MonkeyPatch) -> dict[str, object]:
    """`cli.main` stops where it would configure uvicorn (raising _Started; a real uvicorn.Config
    would also take over this process's logging); the dict gets the X-Forwarded-For peers it
    was to trust."""
    import uvicorn

    given: dict[str, object] = {}

    def configure(_app: object, **options: object) -> None:
        given["trusted"] = options.get("forwarded_allow_ips")
        raise _Started

    monkeypatch.setattr(uvicorn, "Config", configure)
    return given


@pytest.mark.parametrize(
    ("argv", "reason"),
    [
        (["--host", "0.0.0.0", "--behind-proxy"], "needs --proxy-address"),
        (["--host", "0.0.0.0", "--behind-proxy", "--proxy-address", "*"], "not an IP address or network"),
        (["--behind-proxy", "--proxy-address", "proxy.internal"], "not an IP address or network"),
        (["--proxy-address", "10.0.0.5"], "goes with --behind-proxy"),
    ],
)
def test_behind_a_proxy_the_proxy_is_named_by_its_address(
    argv: list[str], reason: str, capsys: pytest.CaptureFixture[str], started_with: dict[str, object], database_url: str
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        cli.main([*argv, "--database-url", database_url])
    assert exit_info.value.code == 2
    assert reason in capsys.readouterr().err


def test_the_proxy_address_comes_from_the_environment_too(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    started_with: dict[str, object],
    database_url: str,
) -> None:
    """The environment names the proxy as --proxy-address would, and the server starts on an
    exposed --host trusting those peers only."""
    monkeypatch.setenv(cli.PROXY_ADDRESS_ENV, "10.0.0.5, 10.1.0.0/16")
    with pytest.raises(_Started):
        cli.main(["--host", "0.0.0.0", "--behind-proxy", "--database-url", database_url])
    assert started_with["trusted"] == ["10.0.0.5", "10.1.0.0/16"]
    assert "X-Forwarded-For of 10.0.0.5, 10.1.0.0/16" in capsys.readouterr().out


def test_loopback_hosts_are_recognised() -> None:
    assert all(is_loopback_host(h) for h in ("127.0.0.1", "127.0.0.2", "::1", "localhost"))
    assert not any(is_loopback_host(h) for h in ("0.0.0.0", "10.0.0.1", "::", "famguard.example"))


def test_tls_certificate_needs_its_key(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["--host", "0.0.0.0", "--tls-cert", "cert.pem"])
    assert exit_info.value.code == 2
    assert "--tls-key" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "reason"),
    [(["--workers", "0"], "at least 1"), (["--workers", "2", "--demo"], "--demo runs one worker")],
)
def test_workers_must_be_one_or_more_and_the_demo_has_one(
    argv: list[str], reason: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        cli.main(argv)
    assert exit_info.value.code == 2
    assert reason in capsys.readouterr().err


def test_database_url_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAMGUARD_DATABASE_URL", "postgresql+psycopg://famguard@db.internal/famguard")
    assert cli.build_parser().parse_args([]).database_url == "postgresql+psycopg://famguard@db.internal/famguard"
    assert cli.build_parser().parse_args(["--database-url", "sqlite:///x"]).database_url == "sqlite:///x"


def test_default_database_is_a_file_in_the_data_directory(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("FAMGUARD_DATA_DIR", str(tmp_path / "data"))
    assert cli._default_database_url() == f"sqlite:///{tmp_path / 'data' / 'server.sqlite3'}"
    assert (tmp_path / "data").stat().st_mode & 0o777 == 0o700


def test_seed_demo_from_python(database_url: str, clock: FakeClock) -> None:
    family = seed_demo(make_engine(database_url), clock=clock)
    assert (family.guardian_name, family.guardian_email) == ("Alex Morgan", "demo@famguard.example")
    assert [(t.display_name, t.age) for t in family.teens] == [("Maya", 14), ("Sam", 17)]
    app = create_app(database_url, clock=clock)
    with TestClient(app) as client:
        api = Api(client)
        token = sign_in(api, family.guardian_email, family.guardian_password)["access_token"]
        teens = {t["display_name"]: t for t in api.call("GET", "/v1/teens", token).json()}
        assert {name: t["age"] for name, t in teens.items()} == {"Maya": 14, "Sam": 17}
        maya, sam = teens["Maya"]["id"], teens["Sam"]["id"]
        usage = api.call("GET", f"/v1/teens/{maya}/usage", token).json()["days"]
        assert len(usage) == 7 and all(day["minutes"] > 0 for day in usage)
        requests_ = api.call("GET", f"/v1/teens/{sam}/time-requests", token).json()
        assert [r["status"] for r in requests_] == ["pending"]
        assert len(api.call("GET", f"/v1/teens/{maya}/activity", token).json()) >= 4
        controls = api.call("GET", f"/v1/teens/{maya}/controls", token)
        assert controls.json()["direct_messages"] == "no_one"  # the age rules hold in the demo too
        teen_token = sign_in(api, family.teens[0].email, family.teens[0].password)["access_token"]
        guardians = api.call("GET", "/v1/me/guardians", teen_token).json()
        assert sorted(g["display_name"] for g in guardians) == ["Alex Morgan", "Jordan Morgan"]
    app.state.service.db.dispose()


def test_server_thread_demo_mode_for_the_desktop_app(database_url: str) -> None:
    server = ServerThread(database_url, demo=True)
    base = server.start()
    try:
        family = server.demo_family
        assert family is not None
        api = Api(requests.Session(), base)
        token = sign_in(api, family.guardian_email, family.guardian_password)["access_token"]
        assert len(api.call("GET", "/v1/teens", token).json()) == 2
    finally:
        server.stop()


@pytest.mark.parametrize("light", [False, True])
def test_only_the_desktop_demo_hashes_its_made_up_accounts_lightly(
    database_url: str, light: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The desktop app's practice service (in the app, on loopback, deleted at stop) hashes its
    accounts at a light argon2id cost, so the demo starts without ~2 s and 64 MiB per account;
    `famguard-server --demo` and every real account keep the service's cost (here a stand-in of
    2 MiB, told apart from the light 1 MiB; the tests' hasher is cheap). Both sign in alike."""
    monkeypatch.setattr(security, "_hasher", PasswordHasher(time_cost=1, memory_cost=2048, parallelism=1))
    server = ServerThread(database_url, demo=True, light_demo_hashes=light)
    base = server.start()
    try:
        family = server.demo_family
        assert family is not None
        with make_engine(database_url).connect() as connection:
            hashes = [row[0] for row in connection.exec_driver_sql("SELECT password_hash FROM accounts")]
        assert len(hashes) == 5 and all(h.startswith("$argon2id$") for h in hashes)  # Robin's, unlinked, too
        assert all(("m=1024,t=1,p=1" in h) is light and ("m=2048,t=1,p=1" in h) is not light for h in hashes)
        api = Api(requests.Session(), base)
        assert sign_in(api, family.guardian_email, family.guardian_password)["access_token"]
        assert sign_in(api, family.newcomer_email, family.newcomer_password)["access_token"]
        refused = api.call("POST", "/v1/auth/token", json={"email": family.guardian_email, "password": "wrong"})
        assert refused.status_code == 401
    finally:
        server.stop()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _start_demo(tmp_path: Path) -> tuple[subprocess.Popen[str], str, str]:
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "famguard.server.cli", "--demo", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={"FAMGUARD_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )
    assert process.stdout is not None
    password = ""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not password:
        line = process.stdout.readline()
        found = re.search(r"demo@famguard\.example / (\S+)", line)
        password = found.group(1) if found else ""
    assert password, "the demo sign-in was not printed"
    base = f"http://127.0.0.1:{port}"
    while time.monotonic() < deadline:
        try:
            if requests.get(base + "/v1/health", timeout=1).ok:
                return process, base, password
        except requests.ConnectionError:
            time.sleep(0.05)
    raise AssertionError("the demo server did not answer")


@pytest.mark.slow
def test_demo_command_prints_its_sign_in_and_resets_on_restart(tmp_path: Path) -> None:
    process, base, password = _start_demo(tmp_path)
    try:
        api = Api(requests.Session(), base)
        token = sign_in(api, "demo@famguard.example", password)["access_token"]
        teen = api.call("GET", "/v1/teens", token).json()[0]["id"]
        controls = api.call("GET", f"/v1/teens/{teen}/controls", token)
        api.call(
            "PATCH",
            f"/v1/teens/{teen}/controls",
            token,
            json={"daily_limit_minutes": 700},
            headers={"If-Match": controls.headers["ETag"]},
        )
    finally:
        process.terminate()
        process.wait(15)
    process, base, second_password = _start_demo(tmp_path)
    try:
        assert second_password != password
        api = Api(requests.Session(), base)
        token = sign_in(api, "demo@famguard.example", second_password)["access_token"]
        limits = [
            api.call("GET", f"/v1/teens/{t['id']}/controls", token).json()["daily_limit_minutes"]
            for t in api.call("GET", "/v1/teens", token).json()
        ]
        assert 700 not in limits
    finally:
        process.terminate()
        process.wait(15)
    assert list(tmp_path.iterdir()) == []  # the demo's database lives in a temporary place


def test_demo_mode_refuses_a_database_that_has_data(database_url: str, clock: FakeClock) -> None:
    seed_demo(make_engine(database_url), clock=clock)
    with pytest.raises(RuntimeError, match="empty database"):
        create_app(database_url, clock=clock, demo=True)
