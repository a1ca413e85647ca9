"""The sign-in lock passes the owner's device, not the owner's address (issue 13, "locking out an
owner"), over real HTTP on loopback. Every 127.x.y.z is this machine, so the tests play an
attacker at many addresses, one sharing the owner's address (a carrier NAT), and the owner on
their own device elsewhere. Before: an address that had signed in within 30 days passed the
account-wide lock and nothing else did; a device token did not exist."""

from __future__ import annotations

import hashlib
import hmac
from pathlib import Path
from typing import Any

from famguard.server.devices import DEVICE_TTL, MAX_DEVICES
from tests.support.accounts import PASSWORD, email, make_guardian
from tests.support.http import Api, post_from
from tests.support.servers import FakeClock


def sign_in_from(
    base: str, address: str, source: str, password: str = PASSWORD, device: str | None = None
) -> tuple[int, dict[str, Any]]:
    body: dict[str, Any] = {"email": address, "password": password}
    if device is not None:
        body["device_token"] = device
    return post_from(base, "/v1/auth/token", body, source)


def lock_from_everywhere(base: str, address: str) -> None:
    """Sixty wrong passwords, four from each of 15 addresses: under every per-address limit, over
    the account-wide one (50)."""
    for n in range(60):
        sign_in_from(base, address, f"127.0.1.{n // 4 + 1}", f"guess {n}")


def owners_device(base: str, address: str, source: str = "127.0.0.1") -> str:
    status, reply = sign_in_from(base, address, source)
    assert status == 200, reply
    return reply["device_token"]


def test_a_distributed_attacker_keeps_new_devices_out_but_not_the_owners(live: Api) -> None:
    owner = make_guardian(live)
    device = owners_device(live.base, owner.email, "127.0.0.5")
    lock_from_everywhere(live.base, owner.email)

    status, reply = sign_in_from(live.base, owner.email, "127.0.2.1")
    assert (status, reply["error"]["code"]) == (429, "account_locked"), "a new device is refused while under attack"
    status, _ = sign_in_from(live.base, owner.email, "127.0.0.5")
    assert status == 429, "an address the owner signed in from no longer passes: addresses are shared"

    status, reply = sign_in_from(live.base, owner.email, "127.0.2.1", device=device)
    assert status == 200, "the owner's device gets in with the right password, from anywhere"
    assert reply["access_token"] and reply["device_token"] != device
    status, _ = sign_in_from(live.base, owner.email, "127.0.2.1", device=device)
    assert status == 429, "the token was replaced: an old copy passes nothing"
    status, _ = sign_in_from(live.base, owner.email, "127.0.2.2", device=reply["device_token"])
    assert status == 200


def test_a_wrong_password_with_the_device_token_still_counts(live: Api) -> None:
    owner = make_guardian(live)
    device = owners_device(live.base, owner.email)
    for n in range(5):
        status, _ = sign_in_from(live.base, owner.email, "127.0.3.1", f"stolen token, guess {n}", device)
        assert status == 401
    status, _ = sign_in_from(live.base, owner.email, "127.0.3.1")
    assert status == 429, "the five wrong passwords count against the account at that address"
    status, _ = sign_in_from(live.base, owner.email, "127.0.3.2", device=device)
    assert status == 200, "the account is not locked everywhere"
    # A stolen device token buys at most five guesses past the lock.
    thief = owners_device(live.base, owner.email)
    lock_from_everywhere(live.base, owner.email)
    for n in range(5):
        status, _ = sign_in_from(live.base, owner.email, f"127.0.4.{n + 1}", f"guess {n}", thief)
        assert status == 401
    status, reply = sign_in_from(live.base, owner.email, "127.0.4.9", device=thief)
    assert (status, reply["error"]["code"]) == (429, "account_locked")


def test_an_attacker_sharing_the_owners_address_does_not_keep_the_owners_device_out(live: Api) -> None:
    owner = make_guardian(live)
    device = owners_device(live.base, owner.email, "127.0.0.9")
    for n in range(5):  # the probe: 5 guesses every 15 minutes with just the email
        sign_in_from(live.base, owner.email, "127.0.0.9", f"guess {n}")
    status, _ = sign_in_from(live.base, owner.email, "127.0.0.9")
    assert status == 429, "without the device token the lock holds"
    status, reply = sign_in_from(live.base, owner.email, "127.0.0.9", device=device)
    assert status == 200, reply


def test_the_per_address_limit_holds_even_for_a_known_device(live: Api) -> None:
    owner = make_guardian(live)
    device = owners_device(live.base, owner.email, "127.0.0.7")
    for n in range(20):  # twenty wrong passwords from one address, spread over other emails
        sign_in_from(live.base, email(f"other{n % 5}"), "127.0.0.7", f"guess {n}")
    status, reply = sign_in_from(live.base, owner.email, "127.0.0.7", device=device)
    assert (status, reply["error"]["code"]) == (429, "rate_limited")
    status, _ = sign_in_from(live.base, owner.email, "127.0.0.8", device=device)
    assert status == 200


def test_a_device_token_opens_no_other_account(live: Api) -> None:
    alex, jordan = make_guardian(live, "Alex"), make_guardian(live, "Jordan")
    alexs_device = owners_device(live.base, alex.email)
    lock_from_everywhere(live.base, jordan.email)
    status, _ = sign_in_from(live.base, jordan.email, "127.0.2.1", device=alexs_device)
    assert status == 429
    status, _ = sign_in_from(live.base, jordan.email, "127.0.2.1", device="made-up")
    assert status == 429


def test_an_account_keeps_ten_devices_and_each_expires(live: Api, clock: FakeClock) -> None:
    owner = make_guardian(live)
    devices = [owners_device(live.base, owner.email, f"127.0.5.{n + 1}") for n in range(MAX_DEVICES + 2)]
    lock_from_everywhere(live.base, owner.email)
    for evicted in devices[:2]:
        assert sign_in_from(live.base, owner.email, "127.0.2.1", device=evicted)[0] == 429
    assert sign_in_from(live.base, owner.email, "127.0.2.1", device=devices[2])[0] == 200
    status, _ = sign_in_from(live.base, owner.email, "127.0.2.1", device=devices[-1])
    assert status == 200, "the newest devices are kept"

    clock.advance(days=DEVICE_TTL.days + 1)
    lock_from_everywhere(live.base, owner.email)
    assert sign_in_from(live.base, owner.email, "127.0.2.1", device=devices[5])[0] == 429, "expired"


def test_device_tokens_are_stored_as_keyed_hashes_only(live: Api, database_url: str) -> None:
    owner = make_guardian(live)
    device = owners_device(live.base, owner.email)
    database = Path(database_url.removeprefix("sqlite:///"))
    secret = Path(f"{database}.secret").read_text().strip().encode()
    keyed = hmac.new(secret, b"famguard-device-token:" + device.encode(), hashlib.sha256).hexdigest()
    files = [database, Path(f"{database}-wal")]  # the row may still be in the write-ahead log
    stored = b"".join(file.read_bytes() for file in files if file.exists())
    assert keyed.encode() in stored
    assert device.encode() not in stored
    assert hashlib.sha256(device.encode()).hexdigest().encode() not in stored


def test_a_sign_in_without_a_device_token_is_unchanged_for_old_clients(live: Api) -> None:
    owner = make_guardian(live)
    reply = live.call("POST", "/v1/auth/token", json={"email": owner.email, "password": PASSWORD})
    assert reply.status_code == 200 and reply.json()["device_token"]
    too_long = live.call(
        "POST", "/v1/auth/token", json={"email": owner.email, "password": PASSWORD, "device_token": "x" * 201}
    )
    assert too_long.status_code == 422
