"""What every route shares: the service state (database, clock, notifier), authentication of a
bearer token, reaching a teen only through a live link (others' ids are simply "not found"),
the end of links at 18, throttling windows, and writing activity and events."""

from __future__ import annotations

import ipaddress
import json
import math
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from fastapi import Request
from sqlalchemy import select, text, update
from sqlalchemy.orm import Session

from famguard.domain.age import ADULT_AGE, age_on
from famguard.domain.controls import DEFAULT_TIMEZONE
from famguard.domain.schedule import teen_today
from famguard.server import write_budget
from famguard.server.access import (
    AUTH_ACCOUNT_ID,
    AUTH_SQL,
    Refusal,
    TeenTurnedAdult,
    as_date,
    refusal_error,
    teen_age,
    timezone_of,
    token_refusal,
)
from famguard.server.db import Database
from famguard.server.errors import ApiError, not_found, rate_limited
from famguard.server.models import (
    Account,
    Attempt,
    ControlsRow,
    Link,
    PairingRow,
    TimeRequestRow,
)
from famguard.server.notify import EventHub
from famguard.server.retention import EventRetention
from famguard.server.security import token_hash
from famguard.server.statements import SessionStatements

ACCESS_TTL = timedelta(minutes=15)
REFRESH_TTL = timedelta(days=30)
THROTTLE_WINDOW = timedelta(minutes=15)
_AUTH_QUERY = text(AUTH_SQL)


@dataclass(frozen=True)
class Principal:
    """The signed-in account behind a request."""

    account_id: str
    role: str
    display_name: str
    signin_id: str
    birth_date: date | None


class Service:
    def __init__(self, db: Database, clock: Callable[[], datetime], notifier: EventHub, secret: bytes):
        self.db = db
        # The key of the pairing codes' HMACs (famguard.server.secret); never stored in the database.
        self.secret = secret
        self.clock = clock
        # The long polls' event hub; closed when the server stops, so they answer at once.
        self.notifier = notifier
        self.retention = EventRetention(db, self.now)
        # The write budgets this process saw spent (write_budget.SpentBudgets): their later writes
        # in the same minute are refused without a write transaction (write_as).
        self.spent = write_budget.SpentBudgets()
        # Test seams: called at named points so a test can hold a request there deterministically.
        self.hooks: dict[str, Callable[[], None]] = {}

    def now(self) -> datetime:
        return self.clock().astimezone(UTC)

    def hook(self, name: str) -> None:
        callback = self.hooks.get(name)
        if callback is not None:
            callback()

    # --- who is asking ----------------------------------------------------------------------

    def authenticate(self, session: Session, request: Request, role: str | None = None) -> Principal:
        token = bearer_token(request)
        if token is None:
            raise ApiError(401, "unauthorized", "Please sign in.", headers={"WWW-Authenticate": "Bearer"})
        row = session.execute(_AUTH_QUERY, {"h": token_hash(token)}).first()
        refusal = token_refusal(row, self.now())
        if refusal is not None:
            raise refusal_error(refusal)
        assert row is not None  # token_refusal refuses a missing row
        principal = Principal(row[AUTH_ACCOUNT_ID], row[5], row[6], row[3], as_date(row[7]))
        if role is not None and principal.role != role:
            raise refusal_error(Refusal.WRONG_ROLE, role=role)
        return principal

    def authenticate_write(self, session: Session, request: Request, role: str | None = None) -> Principal:
        """`authenticate` for a request that changes something: the account's write is counted
        against its budget in this transaction (famguard.server.write_budget; 429 over it, which
        this process then remembers for the token: `write_as`)."""
        principal = self.authenticate(session, request, role)
        now = self.now()
        try:
            write_budget.spend(SessionStatements(session), now, principal.account_id)
        except write_budget.BudgetSpent as refused:
            token = bearer_token(request)
            assert token is not None  # authenticated
            self.spent.remember(token, refused, now)
            raise
        return principal

    @contextmanager
    def write_as(self, request: Request, role: str | None = None) -> Iterator[tuple[Session, Principal]]:
        """A write transaction and its authenticated account (`authenticate_write`), unless this
        process saw the token's account refused for its write budget in a minute not yet over:
        then the token is authenticated in a read transaction (so a signed-out or expired token,
        or the wrong role, is answered as ever) and the write refused with the database's answer
        and the minute's Retry-After, without taking the writer's turn."""
        refused = self.refused_for_budget(request)
        if refused is not None:
            with self.db.read() as session:
                principal = self.authenticate(session, request, role)
            raise write_budget.BudgetSpent(principal.account_id, refused, self.now())
        with self.db.write() as session:
            yield session, self.authenticate_write(session, request, role)

    def refused_for_budget(self, request: Request) -> datetime | None:
        """The end of the minute this request's token is remembered refused in (SpentBudgets)."""
        if not self.spent:  # the common case: one length check
            return None
        token = bearer_token(request)
        return None if token is None else self.spent_until(token)

    def spent_until(self, token: str) -> datetime | None:
        """The end of the minute `token` is remembered refused in (SpentBudgets), if not over."""
        return self.spent.refused_until(token, self.now()) if self.spent else None

    # --- reaching a teen --------------------------------------------------------------------

    def teen_timezone(self, session: Session, teen_id: str) -> str:
        return timezone_of(session.scalar(select(ControlsRow.body).where(ControlsRow.teen_id == teen_id)))

    def age_of(self, birth_date: date | None, timezone: str = DEFAULT_TIMEZONE) -> int | None:
        if birth_date is None:
            return None
        return age_on(birth_date, teen_today(timezone, self.now()))

    def teen_age(self, session: Session, teen: Account) -> int:
        """The teen's age on the teen's today (access.teen_age)."""
        assert teen.birth_date is not None
        return teen_age(teen.birth_date, self.now(), lambda: self.teen_timezone(session, teen.id))

    def check_not_adult(self, session: Session, teen: Account) -> int:
        """The teen's age today; raises TeenTurnedAdult at 18."""
        age = self.teen_age(session, teen)
        if age >= ADULT_AGE:
            raise TeenTurnedAdult(teen.id)
        return age

    def linked_teen(self, session: Session, guardian: Principal, teen_id: str) -> Account:
        """The teen, if a live link joins it to this guardian; anything else is "not found"."""
        teen = session.scalar(
            select(Account)
            .join(Link, Link.teen_id == Account.id)
            .where(Link.guardian_id == guardian.account_id, Link.teen_id == teen_id, Link.ended_at.is_(None))
        )
        if teen is None:
            raise not_found("That teen")
        self.check_not_adult(session, teen)
        return teen

    def active_guardian_ids(self, session: Session, teen_id: str) -> list[str]:
        return list(session.scalars(select(Link.guardian_id).where(Link.teen_id == teen_id, Link.ended_at.is_(None))))

    def family_ids(self, session: Session, teen_id: str) -> set[str]:
        return {teen_id, *self.active_guardian_ids(session, teen_id)}

    def end_links(self, session: Session, teen_id: str, actor_id: str | None, guardian_id: str | None = None) -> int:
        """End the teen's live links (one guardian's, or all); records history and tells everyone.
        When no guardian is left, the questions waiting for one's approval end too (`cancelled`,
        the asking guardians told): nobody is left to answer them, and the next guardian the teen
        pairs was never asked."""
        # In order with confirms and approvals (`guardians:`), and with a request for time being
        # asked (`time-requests:`, which _close_time_requests needs): both before anything is
        # told, as asking takes its lock before it tells. Telling takes the event locks of the
        # audience; taken first, they met an ask holding `time-requests:` and waiting for the
        # teen's event lock — a deadlock, one of the two answered 500.
        self.lock_keys(session, f"guardians:{teen_id}", f"time-requests:{teen_id}")
        query = select(Link).where(Link.teen_id == teen_id, Link.ended_at.is_(None))
        if guardian_id is not None:
            query = query.where(Link.guardian_id == guardian_id)
        links = list(session.scalars(query))
        if not links:
            return 0
        audience = self.family_ids(session, teen_id)
        now = self.now()
        for link in links:
            link.ended_at = now
            name = session.get(Account, link.guardian_id)
            self.record(
                session, actor_id, teen_id, "link", None, {"guardian": name.display_name if name else None}, None
            )
        session.flush()
        ended = [link.guardian_id for link in links]
        self.publish(session, "link_ended", teen_id, {"guardians": ended, "by": actor_id}, audience)
        if not self.active_guardian_ids(session, teen_id):
            self._end_questions(session, teen_id)
            self._close_time_requests(session, teen_id)
        return len(links)

    def _end_questions(self, session: Session, teen_id: str) -> None:
        asked = session.execute(
            select(PairingRow.id, PairingRow.guardian_id).where(
                PairingRow.teen_id == teen_id, PairingRow.status == "approval", PairingRow.expires_at > self.now()
            )
        ).all()
        if not asked:
            return
        session.execute(
            update(PairingRow).where(PairingRow.id.in_([row.id for row in asked])).values(status="cancelled")
        )
        for pairing_id, guardian_id in asked:
            self.publish(session, "pairing_cancelled", teen_id, {"pairing_id": pairing_id}, [guardian_id, teen_id])

    def _close_time_requests(self, session: Session, teen_id: str) -> None:
        """The teen's requests for time still waiting are denied by the service (no decider): no
        guardian is left to answer them, and a guardian who pairs with the teen later must not
        find yesterday's question in the inbox. The teen is told (`time_request_decided`, no
        actor) and the history says so (a `denied` entry without an actor)."""
        # A request being asked at the same moment is either refused (no guardian) or closed here:
        # end_links took the teen's `time-requests:` lock before telling anything, and
        # routes_family.ask_for_time takes it before it looks for a guardian.
        closed = session.execute(
            update(TimeRequestRow)
            .where(TimeRequestRow.teen_id == teen_id, TimeRequestRow.status == "pending")
            .values(status="denied", decided_at=self.now(), decided_by_id=None, granted_minutes=None)
            .returning(TimeRequestRow.created_at, TimeRequestRow.id, TimeRequestRow.minutes)
        ).all()
        for _asked_at, request_id, minutes in sorted(closed):  # in the order they were asked
            self.record(session, None, teen_id, "time_request", "denied", minutes, 0)
            data = {"request_id": request_id, "status": "denied", "granted_minutes": None, "actor": None}
            self.publish(session, "time_request_decided", teen_id, data, [teen_id])

    def retire_adult(self, teen_id: str) -> None:
        """At 18 the links end (checked whenever the teen is reached), each told once: the lock
        makes a second server process that saw the same birthday find the links ended already."""
        with self.db.write() as session:
            self.lock_keys(session, f"settle:{teen_id}")
            teen = session.get(Account, teen_id)
            if teen is None:
                return
            age = self.age_of(teen.birth_date, self.teen_timezone(session, teen_id))
            if age is not None and age >= ADULT_AGE:
                self.end_links(session, teen_id, actor_id=None)

    # --- history and events -----------------------------------------------------------------

    def record(
        self,
        session: Session,
        actor_id: str | None,
        teen_id: str,
        kind: str,
        field: str | None,
        before: Any,
        after: Any,
    ) -> None:
        """One history entry. Its account's write (spent by `authenticate_write`) costs more when
        the entry is large, as a controls change's does (write_budget.history_cost): kept for
        good, a temporary rule's entries of 240 KB each went in at one write apiece."""
        statements = SessionStatements(session)
        now = self.now()
        if actor_id is not None:
            extra = write_budget.history_cost(len(json.dumps(before)) + len(json.dumps(after))) - 1
            if extra:
                write_budget.spend(statements, now, actor_id, extra)
        statements.record(now, actor_id, teen_id, kind, [(field, before, after)])

    def publish(
        self, session: Session, event_type: str, teen_id: str | None, data: dict[str, Any], audience: Iterable[str]
    ) -> None:
        SessionStatements(session).publish(self.now(), event_type, teen_id, data, audience)

    # --- throttling -------------------------------------------------------------------------
    # An attempt is counted before the slow work it throttles (a password hash) and in the same
    # transaction as the check, so parallel requests cannot all read "below the limit" first.
    # SQLite write transactions are already serial (BEGIN IMMEDIATE); on PostgreSQL, where two
    # server processes may share the database, `lock_keys` serializes attempts on the same keys.

    def lock_keys(self, session: Session, *keys: str) -> None:
        if self.db.is_postgres:
            for key in sorted(set(keys)):  # one order everywhere: no deadlock between keys
                session.execute(text("SELECT pg_advisory_xact_lock(hashtextextended(:k, 0))"), {"k": key})

    def failures(
        self, session: Session, kind: str, column: Any, value: str, address: str | None = None
    ) -> list[datetime]:
        since = self.now() - THROTTLE_WINDOW
        query = select(Attempt.at).where(Attempt.kind == kind, column == value, Attempt.at > since)
        if address is not None:
            query = query.where(Attempt.address == address)
        return list(session.scalars(query.order_by(Attempt.at)))

    def retry_after(self, times: list[datetime], limit: int, window: timedelta = THROTTLE_WINDOW) -> int | None:
        """Seconds until fewer than `limit` of `times` (oldest first) remain in the `window`, or
        None if below it."""
        if len(times) < limit:
            return None
        freed_at = times[len(times) - limit] + window
        return max(1, math.ceil((freed_at - self.now()).total_seconds()))

    def refuse_when_over(
        self,
        session: Session,
        made_at: Any,
        owned_by: Any,
        *,
        limit: int,
        window: timedelta,
        message: str,
        made_before: timedelta = timedelta(0),
    ) -> None:
        """429 `rate_limited` (with `Retry-After`) when `limit` rows `owned_by` (a condition) were
        made (their `made_at` column) in the last `window`: the cap on what one signed-in account
        may add — pairing codes, requests for time, sign-ins, a sign-in's renewals. Called under the
        account's `lock_keys` (or a claim of the row), so two at once count each other.
        `made_before`: how long before its `made_at` a row was made, where the column holds a later
        moment (a refresh token's expiry is its issue plus its lifetime)."""
        newest = session.scalars(
            select(made_at)
            .where(owned_by, made_at > self.now() - window + made_before)
            .order_by(made_at.desc())
            .limit(limit)
        ).all()
        made = [at - made_before for at in reversed(newest)]  # the newest `limit`, oldest first
        wait = self.retry_after(made, limit, window)
        if wait is not None:
            raise rate_limited(message, wait)

    def add_failure(self, session: Session, kind: str, account_key: str | None, address: str) -> int:
        attempt = Attempt(kind=kind, account_key=account_key, address=address, at=self.now())
        session.add(attempt)
        session.flush()
        return attempt.id

    def forget_attempt(self, session: Session, attempt_id: int) -> None:
        session.execute(Attempt.__table__.delete().where(Attempt.id == attempt_id))  # type: ignore[attr-defined]

    def clear_failures(self, session: Session, kind: str, account_key: str, address: str | None = None) -> None:
        condition = (Attempt.kind == kind) & (Attempt.account_key == account_key)
        if address is not None:
            condition &= Attempt.address == address
        session.execute(Attempt.__table__.delete().where(condition))  # type: ignore[attr-defined]

    def prune(self, session: Session) -> None:
        now = self.now()
        table = Attempt.__table__
        session.execute(table.delete().where(Attempt.at < now - THROTTLE_WINDOW))  # type: ignore[attr-defined]


def bearer_token(request: Request) -> str | None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


async def require_bearer(request: Request) -> None:
    """A route dependency: no token at all is 401 before the body is even looked at."""
    if bearer_token(request) is None:
        raise ApiError(401, "unauthorized", "Please sign in.", headers={"WWW-Authenticate": "Bearer"})


def client_address(request: Request) -> str:
    """The address the per-address throttles count (sign-ups, sign-ins, wrong pairing codes)."""
    return throttled_address(request.client.host) if request.client else "unknown"


def throttled_address(host: str) -> str:
    """An IPv4 address as it is; an IPv6 address as its /64 network ("2001:db8:1:2::/64"). An
    IPv6 subscriber is given at least a /64 (RFC 6177: a home a /56 or /48), 2^64 addresses it
    may use as it likes: counted per address, a client that took a new one per request passed
    every per-address limit (30 sign-ups in a row from one /64). An IPv4 address written in IPv6
    (::ffff:203.0.113.7) is that IPv4 address."""
    try:
        address = ipaddress.ip_address(host.split("%", 1)[0])  # a zone index ("fe80::1%eth0") goes
    except ValueError:
        return host  # not an address (a test client's "testclient"): counted as given
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)
