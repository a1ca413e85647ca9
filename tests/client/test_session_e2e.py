"""Signing in, remembering, resuming and signing out, with the real server, the real keyring
(Secret Service) where it matters, and keyring's failing backend."""

from __future__ import annotations

import pytest
from keyring.backends import fail

from famguard.api import errors as e
from famguard.domain.controls import Audience
from famguard.services import SessionService, UnsentChanges
from famguard.store import database_path
from tests.support.accounts import PASSWORD, client, email, guardian, pair, teen

from .test_sync_e2e import _api_factory


def service(credentials) -> SessionService:
    return SessionService(credentials, api_factory=_api_factory)


@pytest.mark.keyring
def test_a_remembered_sign_in_resumes_and_keeps_no_password(live_server: str, real_keyring) -> None:
    _, address = guardian(live_server, "Alex")
    first = service(real_keyring).sign_in(live_server, address, PASSWORD, remember=True)
    assert first.remembered and first.remember_problem is None
    stored = real_keyring.load(live_server, address)
    assert stored.display_name == "Alex" and stored.refresh_token
    first.close()

    app_restarted = service(real_keyring)
    assert app_restarted.remembered_account() == (live_server, address)
    resumed = app_restarted.resume(live_server, address)
    assert resumed.account.display_name == "Alex"
    rotated = real_keyring.load(live_server, address).refresh_token
    assert rotated != stored.refresh_token  # the rotated token was saved, the used one is gone
    import keyring

    raw = keyring.get_password(real_keyring._service(live_server), address)
    assert PASSWORD not in raw
    assert rotated.encode() not in database_path(live_server, address).read_bytes()
    resumed.close()


@pytest.mark.keyring
def test_a_sign_in_typed_with_spaces_is_held_and_remembered_trimmed(live_server: str, real_keyring) -> None:
    """The service keeps the address trimmed; the session kept it as typed ("  alex@…"), and the
    app remembered and offered that at the next sign-in. The keyring entry and the local store
    are the ones the trimmed address has always found (an existing guardian's stay theirs)."""
    _, address = guardian(live_server, "Alex")
    session = service(real_keyring).sign_in(live_server, f"  {address} ", PASSWORD, remember=True)
    assert session.email == address
    assert real_keyring.last_account() == (live_server, address)
    assert real_keyring.load(live_server, address).display_name == "Alex"
    assert session.store.path == database_path(live_server, address)
    session.close()


@pytest.mark.keyring
def test_sign_out_revokes_forgets_and_deletes_local_data(live_server: str, real_keyring) -> None:
    g, address = guardian(live_server)
    teen_id = pair(g, teen(live_server))
    sessions = service(real_keyring)
    session = sessions.sign_in(live_server, address, PASSWORD, remember=True)
    refresh_token = session.api.tokens.refresh_token
    session.family.refresh_teens()
    session.sync.refresh_controls(teen_id)
    session.sync.queue_change(teen_id, search_enabled=False)

    with pytest.raises(UnsentChanges) as caught:
        sessions.sign_out(session)
    assert caught.value.count == 1 and "lost" in caught.value.message
    assert sessions.sign_out(session, discard_unsent=True) is True

    assert real_keyring.load(live_server, address) is None
    assert sessions.remembered_account() is None
    assert not database_path(live_server, address).exists()
    from famguard.api import TokenManager

    with pytest.raises(e.SignedOut):
        client(live_server, TokenManager(refresh_token=refresh_token)).me()


@pytest.mark.keyring
def test_resuming_a_revoked_sign_in_forgets_it(live_server: str, real_keyring) -> None:
    _, address = guardian(live_server)
    sessions = service(real_keyring)
    session = sessions.sign_in(live_server, address, PASSWORD, remember=True)
    session.api.sign_out()  # revoked elsewhere
    session.close()
    with pytest.raises(e.SignedOut):
        sessions.resume(live_server, address)
    assert real_keyring.load(live_server, address) is None


def test_without_a_keyring_the_guardian_is_signed_in_for_this_session(live_server: str, swapped_keyring) -> None:
    from famguard.credentials import CredentialStore

    swapped_keyring(fail.Keyring())
    _, address = guardian(live_server)
    session = service(CredentialStore("FamGuard-test")).sign_in(live_server, address, PASSWORD, remember=True)
    assert not session.remembered
    assert "keyring" in session.remember_problem
    assert session.api.me().email == address
    session.close()


def test_a_teen_account_cannot_sign_in_to_the_guardian_app(live_server: str) -> None:
    t = teen(live_server)
    with pytest.raises(e.Forbidden):
        service(None).sign_in(live_server, t.me().email, PASSWORD, remember=False)


def test_signing_in_as_another_account_never_sends_the_first_accounts_changes(live_server: str) -> None:
    first, first_email = guardian(live_server, "Alex")
    second, second_email = guardian(live_server, "Robin")
    t = teen(live_server, age=16)
    teen_id = pair(first, t)
    pair(second, t, approver=first)
    sessions = service(None)
    alex = sessions.sign_in(live_server, first_email, PASSWORD, remember=False)
    alex.family.refresh_teens()
    alex.sync.refresh_controls(teen_id)
    alex.sync.queue_change(teen_id, comments=Audience.EVERYONE)
    alex.close()  # app closed before it was sent

    robin = sessions.sign_in(live_server, second_email, PASSWORD, remember=False)
    assert robin.unsent_changes() == 0
    assert robin.sync.send_pending() == 0
    assert second.get_controls(teen_id).controls.comments == Audience.FRIENDS
    robin.close()


def test_a_guardian_account_can_be_created(live_server: str) -> None:
    address = email("new")
    account = service(None).create_account(live_server, address, PASSWORD, "Jo")
    assert account.display_name == "Jo" and account.role.value == "guardian"
    # A taken email is not told apart (the service answers as for a new one); the account and its
    # password are untouched, and the stranger's password opens nothing.
    again = service(None).create_account(live_server, address, "another password", "Jo")
    assert again.id != account.id
    assert service(None).sign_in(live_server, address, PASSWORD, remember=False).account.id == account.id
    with pytest.raises(e.InvalidCredentials):
        service(None).sign_in(live_server, address, "another password", remember=False)
    with pytest.raises(e.ValidationFailed) as caught:
        service(None).create_account(live_server, email("short"), "short", "Jo")
    assert "password" in caught.value.fields


@pytest.mark.keyring
def test_sign_out_while_offline_still_forgets_everything_here(database_url: str, real_keyring) -> None:
    from famguard.server.runner import ServerThread

    server = ServerThread(database_url=database_url)
    url = server.start()
    try:
        _, address = guardian(url)
        session = service(real_keyring).sign_in(url, address, PASSWORD, remember=True)
    finally:
        server.stop()
    assert service(real_keyring).sign_out(session) is False  # the server could not be told
    assert real_keyring.load(url, address) is None
    assert not database_path(url, address).exists()


def test_a_change_made_between_sign_in_and_the_first_long_poll_is_an_event_not_lost(live_server: str) -> None:
    """The events cursor was taken by the sync engine's first poll, which runs beside the family's
    first reads: a change made elsewhere between those reads and that poll came before the cursor,
    so its event was never handled and the change never shown (until a later refresh). Sign-in
    now takes the cursor before anything is read."""
    g, address = guardian(live_server, "Alex")
    other, _ = guardian(live_server, "Jordan")
    t = teen(live_server)
    teen_id = pair(g, t)
    pair(other, t, approver=g)
    session = service(fail.Keyring()).sign_in(live_server, address, PASSWORD, remember=False)
    try:
        session.family.refresh_teens()
        assert session.sync.refresh_controls(teen_id).search_enabled is True  # the first reads
        etag = other.get_controls(teen_id).etag
        other.patch_controls(teen_id, {"search_enabled": False}, if_match=etag)  # before the first poll
        assert session.sync.pull_once(wait=0) >= 1  # the engine's first poll: the change is an event
        assert session.sync.cached_controls(teen_id)[0].search_enabled is False
    finally:
        session.close()


def test_an_account_locked_for_wrong_passwords_says_when_to_try_again_once(live_server: str) -> None:
    """Found by an outside tester: "…Try again in 15 minutes. Try again after 08:26." — the
    service's words and the app's said the same thing twice. The service's alone stay."""
    from famguard.api import ApiClient, make_session
    from famguard.api import errors as api_errors
    from tests.support.accounts import FAST, guardian

    _api, address = guardian(live_server)
    api = ApiClient(live_server, make_session(), retry=FAST)
    message = ""
    for _ in range(10):
        try:
            api.sign_in(address, "not the password")
        except api_errors.RateLimited as refused:
            message = refused.message
            break
        except api_errors.InvalidCredentials:
            continue
    assert message.startswith("Too many wrong passwords for this account."), message
    assert message.count("Try again") == 1 and "Try again in 15 minutes." in message, message
