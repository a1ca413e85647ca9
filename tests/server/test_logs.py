"""No password, token or pairing code reaches a log line: a full sign-up, sign-in, refresh,
pairing and logout against the real uvicorn server with every logger at DEBUG, searched for
the canary values afterwards. A client that wrongly puts a token in a URL is covered too."""

from __future__ import annotations

import logging

import pytest
import requests

from tests.support.accounts import born_aged
from tests.support.http import Api
from tests.support.servers import FakeClock

CANARY_PASSWORD = "canary-Pa55word-7f3e9a"
TEEN_PASSWORD = "canary-Teen-Pa55-c41d"


def test_no_secret_in_any_log_line(
    live: Api, clock: FakeClock, caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]
) -> None:
    caplog.set_level(logging.DEBUG)
    secrets: list[str] = [CANARY_PASSWORD, TEEN_PASSWORD]
    guardian_email, teen_email = "canary.guardian@example.com", "canary.teen@example.com"
    live.call(
        "POST",
        "/v1/accounts",
        json={"email": guardian_email, "password": CANARY_PASSWORD, "display_name": "Alex", "role": "guardian"},
    )
    live.call(
        "POST",
        "/v1/accounts",
        json={
            "email": teen_email,
            "password": TEEN_PASSWORD,
            "display_name": "Maya",
            "role": "teen",
            "birth_date": str(born_aged(14, clock.now.date())),
        },
    )
    live.call("POST", "/v1/auth/token", json={"email": guardian_email, "password": CANARY_PASSWORD + "-wrong"})
    guardian = live.call("POST", "/v1/auth/token", json={"email": guardian_email, "password": CANARY_PASSWORD}).json()
    teen = live.call("POST", "/v1/auth/token", json={"email": teen_email, "password": TEEN_PASSWORD}).json()
    refreshed = live.call("POST", "/v1/auth/refresh", json={"refresh_token": guardian["refresh_token"]}).json()
    secrets += [guardian["access_token"], guardian["refresh_token"], teen["access_token"], teen["refresh_token"]]
    secrets += [refreshed["access_token"], refreshed["refresh_token"]]
    known = {"email": guardian_email, "password": CANARY_PASSWORD, "device_token": guardian["device_token"]}
    again = live.call("POST", "/v1/auth/token", json=known).json()
    secrets += [guardian["device_token"], teen["device_token"], again["device_token"], again["access_token"]]
    token = refreshed["access_token"]
    pairing = live.call("POST", "/v1/pairings", token).json()
    code = pairing["code"]
    secrets += [code, code.lower(), f"{code[:4]}-{code[4:]}"]
    live.call("POST", "/v1/pairings/redeem", teen["access_token"], json={"code": f"{code[:4]}-{code[4:]}".lower()})
    live.call("POST", f"/v1/pairings/{pairing['id']}/accept", teen["access_token"])
    live.call("POST", f"/v1/pairings/{pairing['id']}/confirm", token)
    # a careless client puts secrets in the query string: the access log must not repeat them
    requests.get(
        f"{live.base}/v1/me",
        params={"access_token": token, "code": code, "device_token": again["device_token"]},
        timeout=10,
    )
    live.call("POST", "/v1/auth/logout", token)

    access_lines = [r for r in caplog.records if r.name == "uvicorn.access"]
    assert len(access_lines) >= 10, "the access log was not captured, so the search below would prove nothing"
    captured = capfd.readouterr()
    # urllib3 is this test's own HTTP client logging the careless URL it sent; everything else
    # (uvicorn, FastAPI, SQLAlchemy, alembic, FamGuard) is the server side.
    server_records = [r for r in caplog.records if not r.name.startswith("urllib3")]
    printed = [line for line in (captured.out + captured.err).splitlines() if "urllib3." not in line]
    everything = "\n".join([*(f"{r.name} {r.getMessage()} {r.exc_text or ''}" for r in server_records), *printed])
    for secret in secrets:
        leaks = [line for line in everything.splitlines() if secret in line]
        assert not leaks, f"a secret ({secret[:3]}…) appears in the logs: {leaks[0][:160]}"
    assert "/v1/me" in everything  # the request itself was logged, without its query string


def test_a_stranger_s_long_path_is_logged_cut_short(live: Api, caplog: pytest.LogCaptureFixture) -> None:
    """A request head may hold a path of up to 16 KiB, sent by anyone as often as they like: the
    access log shows its first LOGGED_PATH_MAX characters and how many more there were."""
    from famguard.server.runner import LOGGED_PATH_MAX

    caplog.set_level(logging.INFO)
    long_path = "/v1/" + "x" * 12_000
    assert requests.get(f"{live.base}{long_path}", timeout=10).status_code == 404
    assert requests.get(f"{live.base}/v1/health", timeout=10).status_code == 200
    lines = [r.getMessage() for r in caplog.records if r.name == "uvicorn.access"]
    assert any("/v1/health" in line for line in lines), "the access log was not captured"
    [cut] = [line for line in lines if "/v1/xxx" in line]
    assert len(cut) < LOGGED_PATH_MAX + 200 and f"…({len(long_path) - LOGGED_PATH_MAX} more characters)" in cut
