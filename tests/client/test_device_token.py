"""The client's side of the known-device lock (issue 13, "locking out an owner"): the device token
a remembered sign-in receives is kept in the real keyring beside the refresh token, survives
signing out, is sent with the next remembered sign-in in the body (never a URL), and lets the
owner in while strangers' wrong passwords keep the account locked; the real server over real
HTTP, through the fault proxy so the request lines can be read."""

from __future__ import annotations

from pathlib import Path

import pytest
from keyrings.alt.file import PlaintextKeyring

from famguard.api import errors as e
from famguard.credentials import CredentialStore
from famguard.services import SessionService
from tests.server.test_devices import lock_from_everywhere
from tests.support.accounts import PASSWORD, guardian
from tests.support.proxy import FaultProxy

from .test_sync_e2e import _api_factory


def service(credentials: CredentialStore | None) -> SessionService:
    return SessionService(credentials, api_factory=_api_factory)


@pytest.mark.keyring
def test_a_remembered_computer_gets_in_while_strangers_keep_the_account_locked(
    live_server: str, proxy: FaultProxy, real_keyring: CredentialStore
) -> None:
    _, address = guardian(live_server)
    sessions = service(real_keyring)
    first = sessions.sign_in(proxy.url, address, PASSWORD, remember=True)
    device = real_keyring.load_device(proxy.url, address)
    assert device, "the device token is kept in the keyring"
    assert sessions.sign_out(first) is True
    assert real_keyring.load(proxy.url, address) is None
    assert real_keyring.load_device(proxy.url, address) == device, "signing out keeps the computer known"

    lock_from_everywhere(live_server, address)
    with pytest.raises(e.RateLimited):  # another computer, or this one without its token
        service(None).sign_in(proxy.url, address, PASSWORD, remember=True)
    with pytest.raises(e.RateLimited):  # "don't remember me": the keyring is not read, no token sent
        sessions.sign_in(proxy.url, address, PASSWORD, remember=False)

    again = sessions.sign_in(proxy.url, address, PASSWORD, remember=True)
    assert again.remembered and again.api.me().email == address
    replaced = real_keyring.load_device(proxy.url, address)
    assert replaced and replaced != device, "the server replaced the token and the new one was kept"
    assert proxy.count("POST /v1/auth/token") >= 4
    assert not any(device in line or replaced in line for line in proxy.requests), "never in a URL"
    again.close()


def test_a_plain_text_keyring_gets_no_device_token(live_server: str, swapped_keyring, tmp_path: Path) -> None:
    plain = PlaintextKeyring()
    plain.file_path = str(tmp_path / "keyring_pass.cfg")
    swapped_keyring(plain)
    _, address = guardian(live_server)
    session = service(CredentialStore("FamGuard-test")).sign_in(live_server, address, PASSWORD, remember=True)
    assert not session.remembered and "PlaintextKeyring" in (session.remember_problem or "")
    assert session.api.me().email == address, "signed in for this session only"
    assert not Path(plain.file_path).exists() or b"device" not in Path(plain.file_path).read_bytes()
    session.close()
