"""Pairing codes at rest (issue 13): a live code was recovered from its stored SHA-256 hashes in
0.31 s by hashing the 32^4 possible locators. They are now HMACs keyed with a secret kept outside
the database; a copy of the database alone recovers nothing."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import stat
from pathlib import Path

import pytest
import requests
from sqlalchemy import create_engine, text

from famguard.server.secret import SECRET_ENV
from famguard.server.security import PAIRING_ALPHABET
from tests.support.accounts import make_guardian, make_teen
from tests.support.http import Api
from tests.support.servers import LocalServer


def _stored(database_url: str) -> tuple[str, str]:
    engine = create_engine(database_url)
    with engine.connect() as connection:
        row = connection.execute(text("SELECT code_hash, locator_hash FROM pairings")).one()
    engine.dispose()
    return row[0], row[1]


def test_a_stolen_database_does_not_give_away_a_live_code(live: Api, database_url: str, tmp_path: Path) -> None:
    guardian = make_guardian(live)
    code = live.call("POST", "/v1/pairings", guardian.token).json()["code"]
    stored_code, stored_locator = _stored(database_url)
    # The probe: try every locator with the old unkeyed hash. Nothing matches any more.
    for letters in itertools.product(PAIRING_ALPHABET, repeat=4):
        guess = "".join(letters).encode()
        assert hashlib.sha256(b"famguard-pairing-locator:" + guess).hexdigest() != stored_locator
    assert hashlib.sha256(b"famguard-pairing-code:" + code.encode()).hexdigest() != stored_code
    # With the secret (which is not in the database) the HMAC is what is stored.
    secret_file = Path(database_url.removeprefix("sqlite:///") + ".secret")
    secret = secret_file.read_text().strip().encode()
    assert hmac.new(secret, b"famguard-pairing-code:" + code.encode(), hashlib.sha256).hexdigest() == stored_code
    assert stat.S_IMODE(secret_file.stat().st_mode) == 0o600
    assert secret not in Path(database_url.removeprefix("sqlite:///")).read_bytes()


def test_codes_survive_a_restart_with_the_same_secret(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'server.sqlite3'}"
    server = LocalServer(url)
    with server, requests.Session() as session:
        api = Api(session, server.url)
        guardian, teen = make_guardian(api), make_teen(api)
        code = api.call("POST", "/v1/pairings", guardian.token).json()["code"]
    with server, requests.Session() as session:
        api = Api(session, server.url)
        redeemed = api.call("POST", "/v1/pairings/redeem", teen.token, json={"code": code})
        assert redeemed.status_code == 200, redeemed.text


def test_the_secret_can_come_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SECRET_ENV, "x" * 40)
    url = f"sqlite:///{tmp_path / 'server.sqlite3'}"
    with LocalServer(url) as server, requests.Session() as session:
        api = Api(session, server.url)
        code = api.call("POST", "/v1/pairings", make_guardian(api).token).json()["code"]
    assert not (tmp_path / "server.sqlite3.secret").exists()
    expected = hmac.new(b"x" * 40, b"famguard-pairing-code:" + code.encode(), hashlib.sha256).hexdigest()
    assert _stored(url)[0] == expected


def test_a_secret_file_others_can_read_is_refused(tmp_path: Path) -> None:
    database = tmp_path / "server.sqlite3"
    secret = tmp_path / "server.sqlite3.secret"
    secret.write_text("y" * 64)
    secret.chmod(0o644)
    from famguard.server.cli import main

    assert main(["--port", "0", "--database-url", f"sqlite:///{database}"]) == 2
