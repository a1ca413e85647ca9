"""SessionService: creating an account, signing in (remembered in the keyring or for this session
only), resuming a remembered sign-in, and signing out. A sign-in yields an AccountSession, which
bundles everything the app uses for that account: the API client, its own local database, the
family service and the sync engine. Every method blocks; call from a worker thread.

A remembered guardian can also be resumed without the network (`resume(..., offline_ok=True)`):
the session is built from the keyring's refresh token and the account as the local store last saw
it, and the token is swapped for an access token on the first call that reaches the server. Edits
made meanwhile wait in the outbox; a later definitive refusal of the token signs out as usual.

A returning guardian's family can be shown even before that (`open_cached`): the session is opened
from the local store alone — no keyring, no network, no `requests` — and its API client is made,
with the keyring's refresh token, by the first call that goes to the service (a worker). The app
then checks with the keyring that this is still the remembered sign-in (`unlock_cached`)."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, cast

from famguard.api import errors as e
from famguard.api.deferred import REFUSED_MESSAGE, DeferredApi
from famguard.api.tokens import TokenManager
from famguard.credentials import CredentialError, CredentialStore
from famguard.domain.errors import ErrorKind, FamGuardError
from famguard.domain.models import Account, Role
from famguard.domain.plain_text import harmless
from famguard.domain.sync import UnsentSummary, not_reached_words
from famguard.services.events import NoticeKind, Notifier
from famguard.services.family import FamilyService
from famguard.services.insight import InsightService
from famguard.services.sync import SyncEngine
from famguard.services.trust import TrustService
from famguard.store import AccountStore

if TYPE_CHECKING:  # the client imports requests (~100 ms): imported where a client is made
    from famguard.api import ApiClient

log = logging.getLogger(__name__)

ACCOUNT_KEY = "account"  # the signed-in account as last confirmed by the server (local store meta)
# "1" while this account's sign-in is remembered in the keyring (local store meta): only such an
# account's family is shown from the store before the keyring is asked (open_cached).
REMEMBERED_KEY = "remembered"
# Why nothing is remembered by a sign-in service made without a keyring at all (the demo's).
NO_KEYRING_MESSAGE = "No keyring is available, so FamGuard signs you in for this session only."


def _account_to_json(account: Account) -> str:
    return json.dumps(
        {"id": account.id, "email": account.email, "display_name": account.display_name,
         "role": account.role.value, "age": account.age}
    )  # fmt: skip


def _account_from_json(text: str | None) -> Account | None:
    """The cached account, or None when there is none or it cannot be read (then ask the server)."""
    if not text:
        return None
    try:
        data = json.loads(text)
        return Account(
            str(data["id"]),
            str(data["email"]),
            harmless(str(data["display_name"])),
            Role(data["role"]),
            data.get("age"),
        )
    except (ValueError, KeyError, TypeError):
        log.warning("The cached account could not be read; asking the service instead")
        return None


class UnsentChanges(FamGuardError):
    """Sign-out would lose changes not yet on the server; ask the guardian, then pass discard_unsent.
    A conflict between what was asked (sign out) and what is still waiting (the changes)."""

    kind = ErrorKind.CONFLICT
    title = "Changes not sent yet"

    def __init__(self, count: int) -> None:
        self.count = count
        lost = "it will be lost" if count == 1 else "they will be lost"
        super().__init__(f"{not_reached_words(count)} If you sign out now {lost}.")


@dataclass
class AccountSession:
    """One signed-in guardian account. `remembered` says whether the sign-in is in the keyring;
    `remember_problem` is the keyring's message when remembering was asked for but failed."""

    server_url: str
    email: str
    account: Account
    api: ApiClient
    store: AccountStore
    family: FamilyService
    sync: SyncEngine
    insight: InsightService
    notifier: Notifier
    remembered: bool
    remember_problem: str | None = None
    _closed: bool = field(default=False, repr=False)

    @property
    def trust(self) -> TrustService:
        """The teen phone's receipts and the temporary rules (the sync engine keeps them fresh)."""
        return self.sync.trust

    def unsent_changes(self) -> int:
        """Changes still pending, being sent or in conflict (what sign-out would lose)."""
        return self.store.unsent_count()

    def unsent_summary(self) -> UnsentSummary:
        """The same changes, named: by teen, the settings they change (what the questions say)."""
        return self.store.unsent_summary()

    def stay_offline(self) -> None:
        """A session opened from the local store (`SessionService.open_cached`) that will not be
        confirmed: its calls to the service, waiting or later, fail as signed out. Non-blocking."""
        api: object = self.api
        if isinstance(api, DeferredApi):
            api.refuse()

    def close(self) -> None:
        """Stop syncing and close the database; the sign-in itself stays (app exit)."""
        if not self._closed:
            self._closed = True
            self.stay_offline()  # a call still waiting for confirmation would wait for ever
            self.sync.stop()
            self.store.close()
            hang_up(self.api)


def hang_up(api: object) -> None:
    """Closes the connections the session's client keeps open for its next call (requests pools
    up to ten per server): nothing else would. The family on screen freezes what exists then out
    of the garbage collector's passes (app.settle_runtime), so a client dropped without this kept
    its pool, and every socket in it, for the rest of the run: ~9 sockets per sign-in, 624
    descriptors open by the end of tests/ui. A call still in flight keeps its connection until it
    returns; it is closed then, not pooled."""
    client = api.made() if isinstance(api, DeferredApi) else api
    transport = getattr(client, "session", None)  # ApiClient's requests.Session (StrictSession)
    if transport is not None:
        transport.close()


class SessionService:
    """Signs guardians in and out. `credentials` is None when no keyring should be used at all.
    `session_factory` makes the requests.Session for each account (tests pass their own)."""

    def __init__(
        self,
        credentials: CredentialStore | None,
        *,
        session_factory: Callable[[], object] | None = None,
        api_factory: Callable[..., ApiClient] | None = None,
    ) -> None:
        self.credentials = credentials
        self._session_factory = session_factory  # None: famguard.api.make_session
        self._api_factory = api_factory  # None: famguard.api.ApiClient

    def _api(self, server_url: str, tokens: TokenManager | None = None, *, answered_before: bool = False) -> ApiClient:
        """`answered_before`: a remembered sign-in's client — the service issued its token, so a
        port that refuses now is a service stopped or restarting, as when it stops while the app
        runs ("Nothing answers … any more"), not "You are offline" or "Check the port" of an
        address that has answered this guardian all along (an outside tester)."""
        from famguard.api import ApiClient, check_server_url, make_session  # requests: on a worker only

        make_api: Callable[..., ApiClient] = self._api_factory or ApiClient
        api = make_api(check_server_url(server_url), (self._session_factory or make_session)(), tokens=tokens)
        if answered_before:
            api.answered = True
        return api

    def create_account(self, server_url: str, email: str, password: str, display_name: str) -> Account:
        """A new guardian account (sign in afterwards). ValidationFailed / Conflict on bad input."""
        return self._api(server_url).create_account(email, password, display_name, Role.GUARDIAN.value)

    def sign_in(self, server_url: str, email: str, password: str, *, remember: bool) -> AccountSession:
        """Sign in with the password (never stored). With `remember`, the refresh token goes to the
        keyring; if the keyring fails the sign-in still works for this session and
        `remember_problem` says why it is not remembered.

        `remember` also makes this computer a known device: the device token from its last sign-in
        is sent along (a right password with it gets through while strangers' wrong passwords keep
        the account locked) and the new one is kept. Without `remember` the keyring is not touched
        at all: "don't remember me" is what a guardian says on a computer that is not theirs.

        The session holds the address trimmed, as the service keeps it (and as the keyring entry and
        the local store are found by it): it is what the app remembers and offers at the next sign-in."""
        from famguard.api import check_server_url

        server_url, email = check_server_url(server_url), email.strip()
        tokens = TokenManager()
        api = self._api(server_url, tokens)
        device_token, problem = self._device_token(server_url, email) if remember else (None, None)
        new_device_token = api.sign_in(email, password, device_token)
        account = api.me()
        if account.role != Role.GUARDIAN:
            api.sign_out()
            raise e.Forbidden("This is a teen's account. Sign in with a guardian's account.")
        remembered = False
        if remember and problem is None:  # a keyring that just failed (or hung) is not asked again
            if self.credentials is None:
                problem = NO_KEYRING_MESSAGE
            else:
                try:
                    if new_device_token is not None:
                        self.credentials.save_device(server_url, email, new_device_token)
                    self.credentials.save(server_url, email, tokens.refresh_token or "", account.display_name)
                    self.credentials.save_last_account(server_url, email)
                    remembered = True
                except CredentialError as exc:
                    problem = exc.message
        return self._open(server_url, email, account, api, tokens, remembered, problem, follow_now=True)

    def _device_token(self, server_url: str, email: str) -> tuple[str | None, str | None]:
        """(this computer's device token for the account or None, the keyring's problem or None).
        Without a usable keyring the sign-in goes ahead as a new device's, for this session only."""
        if self.credentials is None:
            return None, None
        try:
            return self.credentials.load_device(server_url, email), None
        except CredentialError as exc:
            log.info("No device token from the keyring: %s", exc.title)
            return None, exc.message

    def keep_problem(self) -> str | None:
        """Why a sign-in could not be kept on this computer right now (the keyring's message), or None
        when it could. Blocks on the keyring for up to its timeout: call from a worker."""
        if self.credentials is None:
            return NO_KEYRING_MESSAGE
        try:
            self.credentials.check_can_keep()
        except CredentialError as exc:
            return exc.message
        return None

    def remembered_account(self) -> tuple[str, str] | None:
        """(server URL, email) of the account to resume, or None. CredentialError if the keyring fails."""
        return None if self.credentials is None else self.credentials.last_account()

    def resume(self, server_url: str, email: str, *, offline_ok: bool = False) -> AccountSession | None:
        """Sign in again with the remembered refresh token; None if nothing is remembered.

        Without `offline_ok` the server is asked who this is first: SignedOut (and the entry is
        forgotten) when it no longer accepts the token, a network error when it cannot be reached.
        With `offline_ok` and the account known to the local store, no request is made at all: the
        session works from the cache at once and the token is refreshed by the first call that
        reaches the server (a refusal then notifies "signed_out" and forgets the entry)."""
        from famguard.api import check_server_url

        if self.credentials is None:
            return None
        server_url = check_server_url(server_url)
        saved = self.credentials.load(server_url, email)
        if saved is None:
            return None
        tokens = TokenManager(refresh_token=saved.refresh_token)
        api = self._api(server_url, tokens, answered_before=True)
        self._wire_persistence(tokens, server_url, email, saved.display_name)
        if offline_ok:
            store = AccountStore.open_for(server_url, email)
            account = _account_from_json(store.get_meta(ACCOUNT_KEY))
            if account is not None and account.role == Role.GUARDIAN:
                return self._open(server_url, email, account, api, tokens, True, None, store=store)
            store.close()  # never confirmed here (or unreadable): the server must say who this is
        try:
            account = api.me()  # no access token yet: this refreshes first (and persists the new one)
        except e.SignedOut:
            self._forget(server_url, email)
            raise
        return self._open(server_url, email, account, api, tokens, True, None, follow_now=True)

    def waiting_in_store(self, server_url: str, email: str) -> UnsentSummary:
        """The changes this computer's store of that account still holds unsent, when no session
        opens from it (a sign-in for this session only, or no keyring): what the next sign-in
        sends. Nothing when there is no store. Reads the disk: a worker's call."""
        if not server_url or not email:
            return UnsentSummary()
        store = AccountStore.open_existing(server_url, email)
        if store is None:
            return UnsentSummary()
        try:
            return store.unsent_summary()
        finally:
            store.close()

    def open_cached(self, server_url: str, email: str) -> AccountSession | None:
        """The remembered guardian's session from the local store alone, or None (no store, not a
        remembered guardian's, or unreadable): no keyring, no network, no `requests`, so that the
        family is on screen at once. `server_url` is the one the settings remember (checked when it
        was signed in to). Its calls to the service wait (on their workers) until the app has
        asked `unlock_cached`, or fail as signed out after `stay_offline`."""
        if self.credentials is None or not server_url or not email:
            return None
        store = AccountStore.open_existing(server_url, email)
        if store is None:
            return None
        try:
            account = _account_from_json(store.get_meta(ACCOUNT_KEY))
            remembered = store.get_meta(REMEMBERED_KEY) == "1"
        except FamGuardError:
            store.close()
            raise
        if account is None or account.role != Role.GUARDIAN or not remembered:
            store.close()
            return None
        tokens = TokenManager()
        api = DeferredApi(lambda: self._unlock(server_url, email, tokens))
        # DeferredApi stands in for the client it makes: the services only call its methods.
        return self._open(server_url, email, account, cast("ApiClient", api), tokens, True, None, store=store)

    def open_before_sign_in(self, server_url: str, email: str, password: str, account: Account) -> AccountSession:
        """A session for `account` opened from the local store before its service answers (the
        demo's: the store is written with what the practice service will answer, while it starts).
        Nothing is remembered and no keyring is asked. Like `open_cached`'s, its calls to the service
        wait on their workers until `sign_in_deferred` signs in with `password`, or fail as signed
        out after `stay_offline`."""
        from famguard.api import check_server_url

        server_url = check_server_url(server_url)
        tokens = TokenManager()

        def signed_in_client() -> ApiClient:
            api = self._api(server_url, tokens)
            api.sign_in(email, password)
            return api

        api = DeferredApi(signed_in_client)
        return self._open(server_url, email, account, cast("ApiClient", api), tokens, False, None)

    @staticmethod
    def sign_in_deferred(session: AccountSession) -> None:
        """Sign in the session `open_before_sign_in` opened (its service is up now): its waiting
        calls go out. Raises what the sign-in raises (the next call tries again)."""
        api: object = session.api
        if isinstance(api, DeferredApi):
            api.open()

    def _unlock(self, server_url: str, email: str, tokens: TokenManager) -> ApiClient:
        """The client of a session opened by `open_cached`, with the keyring's refresh token.
        CredentialError when the keyring fails; SignedOut when it no longer remembers the sign-in."""
        assert self.credentials is not None  # open_cached opens nothing without one
        saved = self.credentials.load(server_url, email)
        if saved is None:
            raise e.SignedOut(REFUSED_MESSAGE)
        tokens.restore(saved.refresh_token)
        return self._api(server_url, tokens, answered_before=True)

    def unlock_cached(self, session: AccountSession, server_url: str, email: str) -> bool:
        """Whether a session opened by `open_cached` is the sign-in the keyring remembers
        (`server_url`, `email`: `remembered_account()`) and the keyring still holds its refresh
        token; then its client is made with that token and it may go online. CredentialError when
        the keyring fails."""
        if server_url != session.server_url or email.casefold() != session.email.casefold():
            return False
        api: object = session.api
        if isinstance(api, DeferredApi):
            try:
                api.open()
            except e.SignedOut:
                return False
        return True

    def _wire_persistence(self, tokens: TokenManager, server_url: str, email: str, name: str) -> None:
        credentials = self.credentials
        if credentials is None:
            return

        def persist(refresh_token: str) -> None:
            credentials.save(server_url, email, refresh_token, name)

        tokens.persist = persist

    def _forget(self, server_url: str, email: str) -> None:
        if self.credentials is None:
            return
        try:
            self.credentials.delete(server_url, email)
            last = self.credentials.last_account()
            if last is not None and last[0] == server_url and last[1].casefold() == email.casefold():
                self.credentials.forget_last_account()
        except CredentialError as exc:
            log.warning("Could not forget the remembered sign-in: %s", exc.message)

    def _open(
        self,
        server_url: str,
        email: str,
        account: Account,
        api: ApiClient,
        tokens: TokenManager,
        remembered: bool,
        problem: str | None,
        *,
        store: AccountStore | None = None,
        follow_now: bool = False,
    ) -> AccountSession:
        """`follow_now`: the service answered just now (a sign-in, a resume): the events cursor of
        a store new here is taken at once. Not for a session whose calls wait for its service
        (the demo's, opened before it runs): its first call would wait for the sign-in."""
        if remembered:
            self._wire_persistence(tokens, server_url, email, account.display_name)
        notifier = Notifier()

        if store is None:
            store = AccountStore.open_for(server_url, email)  # per account: another's outbox is never sent
            store.set_meta(ACCOUNT_KEY, _account_to_json(account))  # confirmed by the server just now
            store.set_meta(REMEMBERED_KEY, "1" if remembered else None)
        elif remembered and store.get_meta(REMEMBERED_KEY) != "1":  # resumed from the keyring: say so here too
            store.set_meta(REMEMBERED_KEY, "1")
        opened = store

        def signed_out() -> None:
            self._forget(server_url, email)  # a definitive 401: the stored token is worthless
            try:
                opened.set_meta(REMEMBERED_KEY, None)  # the next start does not show this family first
            except FamGuardError as exc:  # closed meanwhile (sign-out, exit): then it is gone anyway
                log.info("Could not mark the sign-in as forgotten locally: %s", exc.title)
            notifier.notify(NoticeKind.SIGNED_OUT)

        tokens.on_signed_out = signed_out
        sync = SyncEngine(api, store, notifier=notifier, me=account.id)
        if follow_now:
            try:
                sync.take_cursor()  # before anything of the family is read (sign-in is on a worker)
            except e.ApiError as exc:  # the first poll takes it then; sign-in itself went through
                log.info("Could not take the events cursor at sign-in: %s", exc.message)
        return AccountSession(
            server_url=server_url,
            email=email,
            account=account,
            api=api,
            store=store,
            family=sync.family,
            sync=sync,
            insight=InsightService(api, store, sync, notifier),
            notifier=notifier,
            remembered=remembered,
            remember_problem=problem,
        )

    def sign_out(self, session: AccountSession, *, discard_unsent: bool = False) -> bool:
        """Revoke the sign-in on the server (best effort when offline), forget it in the keyring and
        delete this account's local data. Raises UnsentChanges first if changes would be lost and
        `discard_unsent` is False. Returns whether the server confirmed the revocation."""
        unsent = session.unsent_changes()
        if unsent and not discard_unsent:
            raise UnsentChanges(unsent)
        session.sync.stop()
        revoked = True
        try:
            session.api.sign_out()
        except e.ApiError as exc:
            revoked = False
            log.info("Sign-out could not reach the service (%s); the local sign-in is removed anyway", exc.title)
        self._forget(session.server_url, session.email)
        session._closed = True
        session.store.destroy()
        hang_up(session.api)
        return revoked
