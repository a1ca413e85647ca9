"""Which keyring backends the client accepts (issue 13): with `keyrings.alt` installed anywhere on
the path, the client silently kept the 30-day refresh token in its plain-text file. Only the
operating systems' own secret stores are used now; anything else is refused, with its name and
the reason, and nothing is written. `keyrings.alt` is a test dependency for exactly this."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from keyring.backends import chainer, null
from keyrings.alt.file import PlaintextKeyring

from famguard.credentials import CredentialError, CredentialStore
from famguard.credentials.store import SECURE_BACKENDS, unsafe_backend

SERVER = "https://famguard.example"
TOKEN = "refresh-token-that-must-not-reach-a-file"


def _files_containing(root: Path, needle: str) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file() and needle.encode() in p.read_bytes()]


def test_the_plain_text_keyring_is_refused_with_its_name_and_nothing_is_written(
    swapped_keyring, tmp_path: Path
) -> None:
    plain = PlaintextKeyring()
    plain.file_path = str(tmp_path / "keyring_pass.cfg")
    swapped_keyring(plain)
    store = CredentialStore("FamGuard-test")
    with pytest.raises(CredentialError) as caught:
        store.save(SERVER, "a@example.com", TOKEN, "A")
    assert "PlaintextKeyring" in caught.value.message
    assert "session only" in caught.value.message and "file" in caught.value.message
    # Said in words first; the program's name last, for whoever helps the guardian.
    first_sentence = caught.value.message.split(":")[0]
    assert first_sentence == "FamGuard will not keep your sign-in in the keyring set up on this computer"
    assert TOKEN not in caught.value.message
    assert _files_containing(tmp_path, TOKEN) == []
    with pytest.raises(CredentialError):
        store.load(SERVER, "a@example.com")


def test_the_null_keyring_which_drops_secrets_is_refused(swapped_keyring) -> None:
    swapped_keyring(null.Keyring())
    with pytest.raises(CredentialError) as caught:
        CredentialStore("FamGuard-test").save(SERVER, "a@example.com", TOKEN, "A")
    assert caught.value.title == "Keyring not secure" and "null.Keyring" in caught.value.message


def _chain_of(request: pytest.FixtureRequest, *members: object) -> chainer.ChainerBackend:
    """keyring's chain of `members` (highest priority first), as keyring builds it when several
    backends are installed (a Secret Service and Debian's python3-keyrings.alt)."""
    # Replaced and put back by hand, not with monkeypatch.setattr: that reads the original first,
    # and reading `backends` (a class property) asks every backend keyring remembers as viable for
    # its priority. Keyring remembers from its first look, so after a test that had a D-Bus session
    # the Secret Service is on that list and raises without one (the test failed after tests/ui).
    original = vars(chainer.ChainerBackend)["backends"]
    chainer.ChainerBackend.backends = property(lambda _self: list(members))  # type: ignore[misc]
    request.addfinalizer(lambda: setattr(chainer.ChainerBackend, "backends", original))
    return chainer.ChainerBackend()


def test_a_chain_with_no_system_store_is_refused_naming_what_it_would_use(
    swapped_keyring, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    plain = PlaintextKeyring()
    plain.file_path = str(tmp_path / "keyring_pass.cfg")
    swapped_keyring(_chain_of(request, plain, null.Keyring()))
    with pytest.raises(CredentialError) as caught:
        CredentialStore("FamGuard-test").save(SERVER, "a@example.com", TOKEN, "A")
    assert caught.value.title == "Keyring not secure" and "PlaintextKeyring" in caught.value.message
    assert _files_containing(tmp_path, TOKEN) == []


def test_a_chain_with_the_system_store_first_keeps_the_sign_in_there_and_never_in_its_file(
    real_keyring, swapped_keyring, request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A working Secret Service with keyrings.alt installed beside it: the sign-in used to be
    refused ("the keyring in use is file.PlaintextKeyring"). The Secret Service is used alone, so
    when it fails the chain's fallback to the plain-text file is not taken either."""
    from keyring.backends import SecretService

    plain = PlaintextKeyring()
    plain.file_path = str(tmp_path / "keyring_pass.cfg")
    swapped_keyring(_chain_of(request, SecretService.Keyring(), plain))
    store = real_keyring  # the real Secret Service of the test session, in a namespace of its own
    store.save(SERVER, "a@example.com", TOKEN, "A")
    saved = store.load(SERVER, "a@example.com")
    assert saved is not None and saved.refresh_token == TOKEN
    store.check_can_keep()
    assert _files_containing(tmp_path, TOKEN) == []

    # The Secret Service unreachable: said as a keyring problem; the chain would have written the file.
    with monkeypatch.context() as unreachable, pytest.raises(CredentialError):
        unreachable.setenv("DBUS_SESSION_BUS_ADDRESS", f"unix:path={tmp_path / 'no-bus'}")
        CredentialStore(store.prefix).save(SERVER, "b@example.com", TOKEN + "-b", "B")
    assert _files_containing(tmp_path, TOKEN) == []
    assert not (tmp_path / "keyring_pass.cfg").exists()


def test_the_allow_list_names_the_system_stores() -> None:
    from keyring.backends import SecretService

    assert unsafe_backend(SecretService.Keyring()) is None
    assert "keyring.backends.Windows.WinVaultKeyring" in SECURE_BACKENDS
    assert "keyring.backends.macOS.Keyring" in SECURE_BACKENDS
    assert unsafe_backend(PlaintextKeyring()) == "keyrings.alt.file.PlaintextKeyring"


_CHILD = """
import keyring, sys
from famguard.credentials import CredentialError, CredentialStore
print(type(keyring.get_keyring()).__module__, flush=True)
try:
    CredentialStore("FamGuard-test").save("https://famguard.example", "a@example.com", sys.argv[1], "A")
except CredentialError as error:
    print("refused:", error.message)
else:
    print("saved")
"""


def test_keyrings_alt_picked_by_keyring_itself_is_refused(tmp_path: Path) -> None:
    """The probe as it happened: no Secret Service (no D-Bus), keyrings.alt installed, keyring
    chooses its plain-text file by itself. A fresh process with a throw-away home."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DBUS_", "XDG_", "PYTHON_KEYRING"))}
    env.update(HOME=str(tmp_path), XDG_DATA_HOME=str(tmp_path / "data"), XDG_CONFIG_HOME=str(tmp_path / "config"))
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, TOKEN], env=env, capture_output=True, text=True, timeout=60, check=True
    )
    chosen, outcome = done.stdout.splitlines()[:2]
    assert chosen.startswith("keyrings.alt"), f"keyring chose {chosen}: the probe needs keyrings.alt to be picked"
    assert outcome.startswith("refused:") and "session only" in outcome
    assert _files_containing(tmp_path, TOKEN) == []
