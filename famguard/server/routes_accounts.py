"""Accounts and sessions: sign-up (throttled per address; it does not tell whether an email is
taken), sign-in (throttled per account and address, per address, and per account; a right password
from a known device passes the account's locks, famguard.server.devices), token refresh with
rotation and reuse detection, logout, and who am I.

Every throttled attempt is counted before its password hash, in the transaction that checked the
limit (Service.lock_keys), so a burst of parallel requests cannot all pass the check."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, timedelta

from fastapi import Depends, Request, Response
from sqlalchemy import delete, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from famguard.domain.age import TEEN_MAX_AGE, TEEN_MIN_AGE, age_on
from famguard.server.devices import DEVICE_FAILURE, find_device, may_pass_lock, remember_device
from famguard.server.errors import ApiError, rate_limited
from famguard.server.models import Account, Attempt, SignIn, Token
from famguard.server.responses import errors
from famguard.server.route_table import RouteTable
from famguard.server.schemas import (
    AccountCreate,
    AccountOut,
    MeOut,
    RefreshRequest,
    SignInTokens,
    TokenPair,
    TokenRequest,
)
from famguard.server.security import hash_password, new_id, new_token, token_hash, verify_password
from famguard.server.service import ACCESS_TTL, REFRESH_TTL, Service, client_address, require_bearer

router = RouteTable(tags=["accounts"])

# Wrong passwords in 15 minutes: for one account from one address; from one address for any
# accounts; for one account from everywhere. A known device passes the two account locks.
ACCOUNT_FAILURE_LIMIT = 5
ADDRESS_FAILURE_LIMIT = 20
ACCOUNT_WIDE_FAILURE_LIMIT = 50
# Sign-ins (right passwords) of one account in any hour. A person signs in a few times a day (the
# crash test restarts an app that signs in 101 times in minutes); a script with the password
# signed in without end, each time a password hash (most of a core
# for ~0.1 s, in the pool every sign-in shares) and a sign-in with its two tokens, rows kept.
SIGNINS_PER_HOUR = 120
SIGNIN_WINDOW = timedelta(hours=1)
# A sign-in's refresh tokens in any hour (its first included): a client needs about 4 (ACCESS_TTL),
# and one more at each start of the app (its benchmarks start it dozens of times an hour).
REFRESHES_PER_HOUR = 120
# How long after a refresh token's use a try again with its retry key is still taken as the same
# client's (its answer lost on the way): a hung service answers its queue when it is back.
RETRY_WINDOW = timedelta(minutes=10)
# A refresh token's `used_with` once the pair it belongs to was withdrawn by a try again (never a
# SHA-256 in hex, which the keys' are): presenting it is reuse.
WITHDRAWN = "withdrawn"
REFRESH_WINDOW = timedelta(hours=1)
# An ended sign-in (signed out, or every token expired) is deleted, with its tokens, at the
# account's next sign-in once it ended this long ago: kept, they were rows for ever. Not at once:
# the hourly sign-in cap counts the hour's sign-ins, signed out or not. At most this many a time.
ENDED_SIGNIN_KEPT = timedelta(days=1)
ENDED_SIGNINS_FORGOTTEN = 500
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _service(request: Request) -> Service:
    return request.app.state.service


def normalize_email(email: str) -> str:
    return email.strip().lower()


@router.post("/v1/accounts", status_code=201, response_model=AccountOut, responses=errors(429, public=True))
def create_account(body: AccountCreate, request: Request) -> AccountOut:
    """Create a guardian or teen account. A teen must be 13 to 17 and give a birth date."""
    service = _service(request)
    email = normalize_email(body.email)
    problems: dict[str, str] = {}
    if not _EMAIL.fullmatch(email):
        problems["email"] = "This does not look like an email address."
    if not body.display_name.strip():
        problems["display_name"] = "Please give a name."
    today = service.now().date()
    if body.birth_date is not None and body.birth_date > today:
        problems["birth_date"] = "A birth date cannot be in the future."
    elif body.role == "teen":
        if body.birth_date is None:
            problems["birth_date"] = "A teen account needs a birth date."
        elif not TEEN_MIN_AGE <= age_on(body.birth_date, today) <= TEEN_MAX_AGE:
            problems["birth_date"] = f"Teen accounts are for ages {TEEN_MIN_AGE} to {TEEN_MAX_AGE}."
    if problems:
        raise ApiError(422, "validation_failed", "Some values are not valid.", fields=problems)
    _count_sign_up(service, request)
    account = Account(
        id=new_id(),
        email=email,
        password_hash=hash_password(body.password),  # slow on purpose: outside any transaction
        display_name=body.display_name.strip(),
        role=body.role,
        birth_date=body.birth_date,
        created_at=service.now(),
    )
    try:
        with service.db.write() as session:
            session.add(account)
    except IntegrityError:
        # The email is taken. The answer looks like a success (an id that opens nothing), so
        # sign-up tells a stranger no more than sign-in does; the owner's account is untouched.
        account.id = new_id()
    return AccountOut(id=account.id, email=email, display_name=account.display_name, role=body.role)


def _count_sign_up(service: Service, request: Request) -> None:
    """Count the sign-up against its address before its password is hashed; 429 over the limit."""
    address = client_address(request)
    limit = request.app.state.limits.signups_per_address
    with service.db.write() as session:
        service.lock_keys(session, f"signup@{address}")
        service.prune(session)
        wait = service.retry_after(service.failures(session, "signup", Attempt.address, address), limit)
        if wait is not None:
            raise rate_limited("Too many new accounts from this address. Please wait.", wait)
        service.add_failure(session, "signup", None, address)


def _issue(service: Service, session: Session, signin_id: str) -> TokenPair:
    access, refresh = new_token(), new_token()
    now = service.now()
    session.add(Token(token_hash=token_hash(access), signin_id=signin_id, kind="access", expires_at=now + ACCESS_TTL))
    session.add(
        Token(token_hash=token_hash(refresh), signin_id=signin_id, kind="refresh", expires_at=now + REFRESH_TTL)
    )
    return TokenPair(
        access_token=access,
        refresh_token=refresh,
        token_type="Bearer",  # noqa: S106 - the scheme name, not a secret
        expires_in=int(ACCESS_TTL.total_seconds()),
    )


@router.post("/v1/auth/token", response_model=SignInTokens, responses=errors(401, 429, public=True))
def sign_in(body: TokenRequest, request: Request) -> SignInTokens:
    """Sign in. Five wrong passwords for one account from one address, or fifty for one account
    from everywhere, within 15 minutes, lock the account there (even right passwords) until
    `Retry-After` has passed, unless the right password comes with a valid `device_token` (one a
    sign-in on that device received, at most five wrong passwords ago). Twenty wrong passwords from
    one address lock that address out of every account, device token or not. The reply's
    `device_token` replaces the one sent."""
    service = _service(request)
    email = normalize_email(body.email)
    address = client_address(request)
    with service.db.write() as session:
        service.lock_keys(session, f"signin:{email}", f"signin@{address}")
        service.prune(session)
        account = session.scalar(select(Account).where(Account.email == email))
        device = find_device(service, session, account, body.device_token)
        _refuse_if_throttled(service, session, email, address, may_pass_lock(service, session, device))
        if account is not None:
            # Only a right password makes a sign-in, so only someone who has it meets this cap.
            service.refuse_when_over(
                session,
                SignIn.created_at,
                SignIn.account_id == account.id,
                limit=SIGNINS_PER_HOUR,
                window=SIGNIN_WINDOW,
                message="This account has signed in too often in the last hour. Please wait.",
            )
        # Failures until proven right; one sent with a device token counts against the device too.
        attempt = service.add_failure(session, "signin", email, address)
        device_id = device.id if device is not None else None
        if device_id is not None:
            service.add_failure(session, DEVICE_FAILURE, device_id, address)
    ok = verify_password(account.password_hash if account else None, body.password)
    if ok and account is not None:
        with service.db.write() as session:
            service.forget_attempt(session, attempt)
            service.clear_failures(session, "signin", email, address)
            device_token = remember_device(service, session, account.id, device_id)
            _forget_ended_signins(session, account.id, service.now() - ENDED_SIGNIN_KEPT)
            signin = SignIn(id=new_id(), account_id=account.id, created_at=service.now())
            session.add(signin)
            session.flush()
            return SignInTokens(**_issue(service, session, signin.id).model_dump(), device_token=device_token)
    raise ApiError(401, "invalid_credentials", "The email or password is not right.")


def _forget_ended_signins(session: Session, account_id: str, ended_before: datetime) -> None:
    """Deletes the account's sign-ins that ended before `ended_before` — signed out then, or with
    no token valid after it (a refresh token outlives its access tokens, so that is the sign-in's
    end) — and their tokens. A token of theirs is then unknown: refused as `unauthorized`, as a
    signed-out or expired refresh token already was."""
    live_token = select(Token.token_hash).where(Token.signin_id == SignIn.id, Token.expires_at > ended_before).exists()
    ended = list(
        session.scalars(
            select(SignIn.id)
            .where(
                SignIn.account_id == account_id,
                SignIn.created_at < ended_before,
                or_(SignIn.revoked_at < ended_before, ~live_token),
            )
            .limit(ENDED_SIGNINS_FORGOTTEN)
        )
    )
    if ended:
        session.execute(delete(Token).where(Token.signin_id.in_(ended)))
        session.execute(delete(SignIn).where(SignIn.id.in_(ended)))


def _refuse_if_throttled(service: Service, session: Session, email: str, address: str, known_device: bool) -> None:
    wait = None
    if not known_device:
        here = service.failures(session, "signin", Attempt.account_key, email, address=address)
        wait = service.retry_after(here, ACCOUNT_FAILURE_LIMIT)
        if wait is None:
            everywhere = service.failures(session, "signin", Attempt.account_key, email)
            wait = service.retry_after(everywhere, ACCOUNT_WIDE_FAILURE_LIMIT)
    if wait is not None:
        minutes = max(1, round(wait / 60))
        raise ApiError(
            429,
            "account_locked",
            f"Too many wrong passwords for this account. Try again in {minutes} minute{'s' * (minutes != 1)}.",
            headers={"Retry-After": str(wait)},
        )
    wait = service.retry_after(service.failures(session, "signin", Attempt.address, address), ADDRESS_FAILURE_LIMIT)
    if wait is not None:
        raise rate_limited("Too many sign-in attempts. Please wait.", wait)


_REFRESH_REFUSED = "Please sign in again."


@router.post("/v1/auth/refresh", response_model=TokenPair, responses=errors(401, 429, public=True))
def refresh(body: RefreshRequest, request: Request) -> TokenPair:
    """Trade a refresh token for a new pair. A refresh token works once: presenting a used one
    revokes every token of that sign-in, since someone else may hold a copy."""
    service = _service(request)
    hashed = token_hash(body.refresh_token)
    retry = token_hash(body.retry_key) if body.retry_key else None
    now = service.now()
    with service.db.write() as session:
        token = session.get(Token, hashed)
        signin = session.get(SignIn, token.signin_id) if token is not None and token.kind == "refresh" else None
        if token is None or signin is None or signin.revoked_at is not None or token.expires_at <= now:
            raise ApiError(401, "unauthorized", _REFRESH_REFUSED)
        claimed = session.execute(  # type: ignore[attr-defined]
            update(Token)
            .where(Token.token_hash == hashed, Token.used_at.is_(None))
            .values(used_at=now, used_with=retry)
            # Not written into `token` as if it had matched: on PostgreSQL a try that waited for
            # another's commit matches nothing, and the key it carried then read as the winner's,
            # so tries with different keys all won (an attacker: one sign-in split into chains).
            .execution_options(synchronize_session=False)
        ).rowcount
        if claimed == 0:
            session.refresh(token)  # as committed by the try that used it
        if claimed == 0 and retry is not None and _answer_lost(session, token, retry, now):
            # The same client's try again: the pair its first try was given never reached it
            # (unused, and now taken back); it gets a new one instead of losing its sign-in.
            _refuse_refresh_burst(service, session, signin.id)
            return _issue(service, session, signin.id)
        if claimed == 1:
            # Over the cap, the 429 rolls the claim back: the same refresh token works after Retry-After.
            _refuse_refresh_burst(service, session, signin.id)
            # Kept, the sign-in's expired tokens were rows for ever. Gone once expired for an
            # access token's lifetime: until then the client's calls still in flight with the old
            # access token must hear `token_expired` (they wait for this refresh), not the
            # `unauthorized` of an unknown token, which signs the client out.
            session.execute(delete(Token).where(Token.signin_id == signin.id, Token.expires_at <= now - ACCESS_TTL))
            return _issue(service, session, signin.id)
        signin.revoked_at = now  # reuse: end the whole sign-in, then refuse
    raise ApiError(401, "unauthorized", _REFRESH_REFUSED)


def _answer_lost(session: Session, token: Token, retry: str, now: datetime) -> bool:
    """A used refresh token presented again with the retry key it was used with, within
    RETRY_WINDOW, while nothing issued since has been used: the answer to its first use was lost
    (a service that hung with the client's tries in its queue answered the first and refused the
    rest as reuse, which signed the guardian out: an outside tester). Anything used since (the
    new refresh token), another key or none: reuse as before.

    The pair issued then is withdrawn, not deleted: its refresh token counts as used (WITHDRAWN),
    so presenting it later is reuse and ends the sign-in, and its access token as expired, so a
    client holding it renews and so presents that refresh token. Deleted, a thief replaying a
    captured request {token, key} took the sign-in over and the client's next renewal was an
    unknown token, no alarm (an attacker); kept, the pairs also count towards the sign-in's
    renewals an hour (retries went past the cap)."""
    used_at = token.used_at
    if token.used_with != retry or used_at is None or used_at <= now - RETRY_WINDOW:
        return False
    issued_since = (
        (Token.signin_id == token.signin_id)
        & (Token.kind == "refresh")
        & (Token.expires_at >= used_at + REFRESH_TTL)
        & (Token.token_hash != token.token_hash)  # issued in the same instant (a clock's tick)
    )
    used_since = Token.used_at.is_not(None) & or_(Token.used_with.is_(None), Token.used_with != WITHDRAWN)
    if session.scalar(select(Token.token_hash).where(issued_since, used_since).limit(1)):
        return False
    access_since = (
        (Token.signin_id == token.signin_id) & (Token.kind == "access") & (Token.expires_at >= used_at + ACCESS_TTL)
    )
    withdraw = {"synchronize_session": False}
    session.execute(
        update(Token).where(issued_since, Token.used_at.is_(None)).values(used_at=now, used_with=WITHDRAWN),
        execution_options=withdraw,
    )
    session.execute(update(Token).where(access_since).values(expires_at=now), execution_options=withdraw)
    return True


def _refuse_refresh_burst(service: Service, session: Session, signin_id: str) -> None:
    """429 `rate_limited` once this sign-in has been given REFRESHES_PER_HOUR refresh tokens in
    the last hour. A client refreshes every 15 minutes (ACCESS_TTL); a script refreshing in a
    loop needed no password hash and added two token rows per refresh, ~650 a second from one
    client, kept 30 days (its used refresh tokens are what reveals a stolen copy)."""
    service.refuse_when_over(  # a refresh token's issue is its expiry less REFRESH_TTL (no column of its own)
        session,
        Token.expires_at,
        (Token.signin_id == signin_id) & (Token.kind == "refresh"),
        limit=REFRESHES_PER_HOUR,
        window=REFRESH_WINDOW,
        message="This sign-in was renewed too often. Please wait.",
        made_before=REFRESH_TTL,
    )


@router.post("/v1/auth/logout", status_code=204, responses=errors(), dependencies=[Depends(require_bearer)])
def logout(request: Request) -> Response:
    """Sign out: the access and refresh tokens of this sign-in stop working."""
    service = _service(request)
    with service.db.write() as session:
        me = service.authenticate(session, request)
        session.execute(update(SignIn).where(SignIn.id == me.signin_id).values(revoked_at=service.now()))
    return Response(status_code=204)


@router.get("/v1/me", response_model=MeOut, responses=errors(), dependencies=[Depends(require_bearer)])
def me(request: Request) -> MeOut:
    """The signed-in account."""
    # (On SQLite, fastpath.FastControlsRead answers it before it gets here, through me_out.)
    service = _service(request)
    with service.db.read() as session:
        principal = service.authenticate(session, request)
        account = session.get(Account, principal.account_id)
        assert account is not None
        return me_out(
            service,
            account.id,
            account.email,
            account.display_name,
            account.role,
            account.birth_date,
            lambda: service.teen_timezone(session, account.id),
        )


def me_out(
    service: Service,
    account_id: str,
    email: str,
    display_name: str,
    role: str,
    birth_date: date | None,
    timezone: Callable[[], str],
) -> MeOut:
    """The answer of GET /v1/me on both paths: a teen's age on the teen's today (in the time
    zone `timezone()` gives), none for a guardian."""
    age = service.age_of(birth_date, timezone()) if role == "teen" else None
    return MeOut(id=account_id, email=email, display_name=display_name, role=role, age=age)  # type: ignore[arg-type]
