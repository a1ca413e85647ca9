"""Pairing and links: the guardian's code, the teen's redeem and accept, the guardian's confirm,
a linked guardian's approval when the teen has a guardian already, the lists of linked teens and
guardians, and ending a link from either side.

A teen who has a guardian gets another only when one of her guardians approves: without it, a
teen could make a guardian account of her own, pair it with herself and change her own rules
(the guardians heard of it only afterwards). The first guardian of a teen needs no approval:
nobody else is there to give it.

Redeem, accept and confirm are single conditional UPDATEs, so concurrent attempts on one
pairing cannot both succeed. Wrong codes are counted per account and per address (10 in 15
minutes -> 429, even for a right code) and, when a wrong code shares its first four characters
(its locator) with a live code, against that code (5 -> the code is dead)."""

from __future__ import annotations

import json
from datetime import timedelta

from fastapi import Depends, Request, Response
from sqlalchemy import case, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from famguard.domain.age import ADULT_AGE
from famguard.domain.controls import controls_to_json, defaults_for_age
from famguard.domain.pairing_code import normalize_code
from famguard.server.errors import ApiError, not_found, rate_limited
from famguard.server.models import Account, Attempt, ControlsRow, Link, PairingRow
from famguard.server.responses import errors
from famguard.server.route_table import RouteTable
from famguard.server.schemas import (
    GuardianAccount,
    GuardianName,
    GuardianOut,
    GuardianRequestOut,
    PairingCreated,
    PairingOut,
    PairingTeenOut,
    RedeemRequest,
    TeenOut,
)
from famguard.server.security import code_hash, locator_hash, new_id, new_pairing_code
from famguard.server.service import Principal, Service, client_address, require_bearer

router = RouteTable(tags=["pairing"], dependencies=[Depends(require_bearer)])

PAIRING_TTL = timedelta(minutes=10)
PAIRINGS_PER_HOUR = 20
PAIRINGS_WINDOW = timedelta(hours=1)
WRONG_GUESSES_PER_CODE = 5
WRONG_CODES_PER_WINDOW = 10
_LIVE = ("waiting", "accepted")
# How long a confirmed pairing waits for a linked guardian's answer, and how many may wait per
# teen (a teen with several guardian accounts of her own must not bury her guardians in requests).
APPROVAL_TTL = timedelta(days=3)
MAX_WAITING_APPROVALS = 3
# Questions per teen in any day that did not end in a link (waiting, called off, refused,
# expired): asking, calling off and asking again reached every guardian each time, without end
# (20 codes an hour per account, and a teen can make accounts). A family adding a guardian or
# two needs a handful.
APPROVALS_PER_DAY = 10
APPROVALS_WINDOW = timedelta(days=1)
# Linked guardians per teen. Every event about the teen has a row per guardian and reaches each
# one's polls: a teen linked with 300 guardians (each a sign-up) made every usage report hold the
# service's one SQLite writer ~25 ms, and a loop of them held other families' changes ~1 s each.
MAX_GUARDIANS_PER_TEEN = 10


def _service(request: Request) -> Service:
    return request.app.state.service


def _status(service: Service, row: PairingRow) -> str:
    if row.status in (*_LIVE, "approval") and row.expires_at <= service.now():
        return "expired"
    return row.status


def _pairing_out(service: Service, session: Session, row: PairingRow) -> PairingOut:
    guardian = session.get(Account, row.guardian_id)
    teen = session.get(Account, row.teen_id) if row.teen_id else None
    teen_out = None
    if teen is not None:
        age = service.age_of(teen.birth_date, service.teen_timezone(session, teen.id)) or 0
        teen_out = PairingTeenOut(id=teen.id, display_name=teen.display_name, age=age)
    return PairingOut(
        id=row.id,
        status=_status(service, row),  # type: ignore[arg-type]
        expires_at=row.expires_at,
        guardian=GuardianName(display_name=guardian.display_name if guardian else ""),
        teen=teen_out,
    )


@router.post("/v1/pairings", status_code=201, response_model=PairingCreated, responses=errors(429))
def create_pairing(request: Request) -> PairingCreated:
    """Start linking a teen: a code (and QR link) that lives 10 minutes and works once. At most
    `PAIRINGS_PER_HOUR` codes per guardian in any hour (429 with `Retry-After`)."""
    service = _service(request)
    with service.write_as(request, "guardian") as (session, me):
        now = service.now()
        service.lock_keys(session, f"pairings:{me.account_id}")  # two at once count each other
        # Codes are kept (their rows say who paired when) and each costs a write: without a limit,
        # one signed-in guardian could make hundreds a second for as long as they liked, and fill
        # the code space and the disk. A family needs a handful; a typo or an expired code costs one more.
        service.refuse_when_over(
            session,
            PairingRow.created_at,
            PairingRow.guardian_id == me.account_id,
            limit=PAIRINGS_PER_HOUR,
            window=PAIRINGS_WINDOW,
            message=f"You have made {PAIRINGS_PER_HOUR} pairing codes in the last hour. "
            "Use one of them, or make one later.",
        )
        while True:  # a fresh locator, so a wrong guess is never blamed on the wrong code
            code = new_pairing_code()
            clash = session.scalar(
                select(PairingRow.id).where(
                    PairingRow.locator_hash == locator_hash(service.secret, code),
                    PairingRow.status.in_(_LIVE),
                    PairingRow.expires_at > now,
                )
            )
            if clash is None:
                break
        row = PairingRow(
            id=new_id(),
            guardian_id=me.account_id,
            code_hash=code_hash(service.secret, code),
            locator_hash=locator_hash(service.secret, code),
            status="waiting",
            wrong_guesses=0,
            created_at=now,
            expires_at=now + PAIRING_TTL,
        )
        session.add(row)
    return PairingCreated(
        id=row.id, code=code, expires_at=row.expires_at, pair_uri=f"famguard://pair?code={code}", status="waiting"
    )


@router.post("/v1/pairings/redeem", response_model=PairingOut, responses=errors(409, 410, 429))
def redeem(body: RedeemRequest, request: Request) -> PairingOut:
    """The teen enters the code and sees who is asking; nothing is linked yet."""
    service = _service(request)
    address = client_address(request)
    with service.write_as(request, "teen") as (session, me):
        service.lock_keys(session, f"pair:{me.account_id}", f"pair@{address}")
        waits = [
            service.retry_after(service.failures(session, "pair", column, value), WRONG_CODES_PER_WINDOW)
            for column, value in ((Attempt.account_key, me.account_id), (Attempt.address, address))
        ]
        wait = max((w for w in waits if w is not None), default=None)
        if wait is not None:
            raise rate_limited("Too many wrong codes. Please wait before trying again.", wait)
        code = normalize_code(body.code)
        row = (
            session.scalar(select(PairingRow).where(PairingRow.code_hash == code_hash(service.secret, code)))
            if code
            else None
        )
        if row is None:
            _count_wrong_guess(service, session, me, address, code)
            outcome: ApiError | PairingOut = not_found("That pairing code")
        else:
            outcome = _claim(service, session, me, row)
    if isinstance(outcome, ApiError):
        raise outcome
    return outcome


def _count_wrong_guess(service: Service, session: Session, me: Principal, address: str, code: str | None) -> None:
    service.prune(session)
    service.add_failure(session, "pair", me.account_id, address)
    if code is None:
        return
    guesses = PairingRow.wrong_guesses + 1
    session.execute(
        update(PairingRow)
        .where(
            PairingRow.locator_hash == locator_hash(service.secret, code),
            PairingRow.status == "waiting",
            PairingRow.teen_id.is_(None),
            PairingRow.expires_at > service.now(),
        )
        .values(
            wrong_guesses=guesses,
            status=case((guesses >= WRONG_GUESSES_PER_CODE, "expired"), else_=PairingRow.status),
        )
    )


def _claim(service: Service, session: Session, me: Principal, row: PairingRow) -> ApiError | PairingOut:
    now = service.now()
    if row.teen_id == me.account_id and row.status in _LIVE and row.expires_at > now:
        return _pairing_out(service, session, row)  # the same teen again (e.g. a retry)
    if row.status == "expired" or (row.status in _LIVE and row.expires_at <= now):
        return ApiError(410, "pairing_expired", "This code has expired. Ask for a new one.")
    if row.status == "cancelled":  # "already been used" sent a teen and a parent looking for who used it
        return _cancelled()
    if _guardians_full(service, session, me.account_id, row.guardian_id):
        return _guardians_are_full()
    claimed = session.execute(  # type: ignore[attr-defined]
        update(PairingRow)
        .where(
            PairingRow.id == row.id,
            PairingRow.status == "waiting",
            PairingRow.teen_id.is_(None),
            PairingRow.expires_at > now,
        )
        .values(teen_id=me.account_id)
    ).rowcount
    if claimed != 1:
        return ApiError(409, "pairing_not_open", "This code has already been used.")
    session.refresh(row)
    service.publish(session, "pairing_redeemed", me.account_id, {"pairing_id": row.id}, [row.guardian_id])
    return _pairing_out(service, session, row)


def _cancelled() -> ApiError:
    return ApiError(
        409, "pairing_not_open", "The guardian cancelled this code; nothing was linked. Use the newest code they show."
    )


def _reachable_pairing(service: Service, session: Session, me: Principal, pairing_id: str) -> PairingRow:
    row = session.get(PairingRow, pairing_id)
    if row is None or me.account_id not in (row.guardian_id, row.teen_id):
        raise not_found("That pairing")
    return row


# The states a step leaves a pairing in, and the later ones it may have reached since: the same
# step again from the one who took it is answered as the first was (a retry whose reply was lost).
_PAST = {"accepted": ("accepted", "approval", "active"), "approval": ("approval", "active"), "active": ("active",)}


def _advance(service: Service, session: Session, row: PairingRow, me: Principal, source: str, target: str) -> bool:
    """`source` -> `target` by its owner (the teen accepts, the guardian confirms), as one
    conditional UPDATE. False when this step was taken already by `me` (nothing to do again)."""
    owner_id = row.teen_id if target == "accepted" else row.guardian_id
    if owner_id == me.account_id and row.status in _PAST[target]:
        return False
    now = service.now()
    if _status(service, row) == "expired":
        raise ApiError(410, "pairing_expired", "This pairing has expired. Start again with a new code.")
    owner = PairingRow.teen_id if target == "accepted" else PairingRow.guardian_id
    moved = session.execute(  # type: ignore[attr-defined]
        update(PairingRow)
        .where(
            PairingRow.id == row.id, owner == me.account_id, PairingRow.status == source, PairingRow.expires_at > now
        )
        .values(status=target)
    ).rowcount
    session.refresh(row)
    if moved != 1:
        if owner_id == me.account_id and row.status in _PAST[target]:
            return False  # the first of the two was still running when this one looked
        if row.status == "cancelled":
            raise _cancelled()
        raise ApiError(409, "pairing_not_open", "This pairing is not waiting for that step.")
    return True


@router.post("/v1/pairings/{pairing_id}/accept", response_model=PairingOut, responses=errors(409, 410, 429))
def accept(pairing_id: str, request: Request) -> PairingOut:
    """The teen agrees to be linked with the guardian shown at redeem. Accepting again is
    answered with the pairing as it is now (told once)."""
    service = _service(request)
    with service.write_as(request, "teen") as (session, me):
        row = _reachable_pairing(service, session, me, pairing_id)
        if _advance(service, session, row, me, "waiting", "accepted"):
            service.publish(session, "pairing_accepted", me.account_id, {"pairing_id": row.id}, [row.guardian_id])
        return _pairing_out(service, session, row)


@router.post("/v1/pairings/{pairing_id}/confirm", response_model=PairingOut, responses=errors(409, 410, 429))
def confirm(pairing_id: str, request: Request) -> PairingOut:
    """The guardian, now seeing which teen accepted, confirms: the link starts and a teen
    without controls gets the defaults for their age. Confirming again is answered with the
    pairing as it is now (linked, or asked of the teen's guardians, once)."""
    service = _service(request)
    with service.write_as(request, "guardian") as (session, me):
        row = _reachable_pairing(service, session, me, pairing_id)
        teen = session.get(Account, row.teen_id) if row.teen_id else None
        if teen is not None:
            _refuse_adult(service, session, teen)
            service.lock_keys(session, f"guardians:{teen.id}")  # two confirms at once count each other
        guardians = service.active_guardian_ids(session, teen.id) if teen is not None else []
        needs_approval = bool(guardians) and me.account_id not in guardians
        if not _advance(service, session, row, me, "accepted", "approval" if needs_approval else "active"):
            return _pairing_out(service, session, row)
        assert teen is not None
        _require_room(service, session, teen.id, me.account_id)  # (the step just made is rolled back with it)
        if needs_approval:
            _ask_guardians(service, session, row, me, guardians)
        else:
            _link(service, session, me.account_id, me.display_name, teen)
        out = _pairing_out(service, session, row)
    return out


def _ask_guardians(service: Service, session: Session, row: PairingRow, me: Principal, guardians: list[str]) -> None:
    """The teen has guardians: the pairing waits for one of them to approve (or refuse) it."""
    now = service.now()
    assert row.teen_id is not None
    # A question's row keeps `expires_at` = asked + APPROVAL_TTL whatever became of it; a pairing
    # never asked expires 10 minutes after its code, so it is never counted here.
    service.refuse_when_over(
        session,
        PairingRow.expires_at,
        (PairingRow.teen_id == row.teen_id) & (PairingRow.status != "active"),  # a yes is no burden
        limit=APPROVALS_PER_DAY,
        window=APPROVALS_WINDOW,
        made_before=APPROVAL_TTL,
        message=f"This teen's guardians have been asked {APPROVALS_PER_DAY} times in the last day. Ask again later.",
    )  # (under the teen's guardians lock of the confirm; the step just made is rolled back with it)
    # A guardian asking again replaces their earlier question rather than adding to the pile.
    session.execute(
        update(PairingRow)
        .where(
            PairingRow.teen_id == row.teen_id,
            PairingRow.guardian_id == me.account_id,
            PairingRow.status == "approval",
            PairingRow.id != row.id,
        )
        .values(status="cancelled")
    )
    waiting = session.scalars(
        select(PairingRow.id).where(
            PairingRow.teen_id == row.teen_id,
            PairingRow.status == "approval",
            PairingRow.expires_at > now,
            PairingRow.id != row.id,
        )
    ).all()
    if len(waiting) >= MAX_WAITING_APPROVALS:
        raise ApiError(
            409,
            "pairing_not_open",
            f"This teen's guardians have {MAX_WAITING_APPROVALS} requests like this to answer already. "
            "Ask again once they have answered.",
        )  # (the step just made is rolled back with it)
    row.expires_at = now + APPROVAL_TTL
    data = {"pairing_id": row.id, "guardian": me.display_name, "guardian_id": me.account_id}
    service.publish(session, "pairing_approval_requested", row.teen_id, data, [*guardians, row.teen_id])


def _request_for_me(service: Service, session: Session, me: Principal, pairing_id: str) -> tuple[PairingRow, Account]:
    """A pairing waiting for approval, asked of a guardian linked with its teen; anything else is
    "not found" (a stranger learns nothing of other families' pairings)."""
    row = session.get(PairingRow, pairing_id)
    if row is None or row.teen_id is None or row.guardian_id == me.account_id:
        raise not_found("That request")
    try:
        teen = service.linked_teen(session, me, row.teen_id)
    except ApiError as error:  # "That teen was not found" would tell a real id from a made-up one
        raise not_found("That request") from error
    if row.status not in ("approval", "active", "refused", "expired"):  # never asked, or called off
        raise not_found("That request")
    return row, teen


def _answer(service: Service, session: Session, row: PairingRow, target: str, me: Principal) -> bool:
    """approval -> `target`, as one conditional UPDATE: two guardians answering at once cannot
    both succeed. False: this guardian gave this answer already (the same request again, its
    reply lost on the way), to be answered as it was, with nothing done twice."""
    if _status(service, row) == "expired":
        raise ApiError(410, "pairing_expired", "This request has expired. The guardian can ask again.")
    moved = session.execute(  # type: ignore[attr-defined]
        update(PairingRow)
        .where(PairingRow.id == row.id, PairingRow.status == "approval", PairingRow.expires_at > service.now())
        .values(status=target, answered_by=me.account_id)
    ).rowcount
    session.refresh(row)
    if moved == 1:
        return True
    if row.status == target and row.answered_by == me.account_id:
        return False
    said = {"active": "approved", "refused": "refused"}.get(row.status, row.status)
    raise ApiError(409, "pairing_not_open", f"This request was {said} already.")


@router.get("/v1/teens/{teen_id}/guardian-requests", response_model=list[GuardianRequestOut], responses=errors())
def guardian_requests(teen_id: str, request: Request) -> list[GuardianRequestOut]:
    """Accounts asking to become guardians of a linked teen, waiting for an answer (oldest first)."""
    service = _service(request)
    with service.db.read() as session:
        me = service.authenticate(session, request, "guardian")
        service.linked_teen(session, me, teen_id)
        rows = session.execute(
            select(PairingRow, Account)
            .join(Account, Account.id == PairingRow.guardian_id)
            .where(
                PairingRow.teen_id == teen_id,
                PairingRow.status == "approval",
                PairingRow.expires_at > service.now(),
            )
            .order_by(PairingRow.expires_at)
        ).all()
    return [
        GuardianRequestOut(
            id=row.id,
            guardian=GuardianAccount(id=guardian.id, display_name=guardian.display_name),
            asked_at=row.expires_at - APPROVAL_TTL,
            expires_at=row.expires_at,
        )
        for row, guardian in rows
    ]


# A guardian's own questions listed at most: one per teen (asking again replaces it), each needing
# a teen who accepted the code; a bound on the answer all the same.
MY_REQUESTS_LISTED = 20


@router.get("/v1/me/guardian-requests", response_model=list[PairingOut], responses=errors())
def my_guardian_requests(request: Request) -> list[PairingOut]:
    """This guardian's own questions waiting for a teen's guardian to approve them (status
    `approval`, soonest to expire first): the app shows them after the pairing window was closed,
    with a way to call each off."""
    service = _service(request)
    with service.db.read() as session:
        me = service.authenticate(session, request, "guardian")
        rows = (
            session.execute(
                select(PairingRow)
                .where(
                    PairingRow.guardian_id == me.account_id,
                    PairingRow.status == "approval",
                    PairingRow.expires_at > service.now(),
                )
                .order_by(PairingRow.expires_at)
                .limit(MY_REQUESTS_LISTED)
            )
            .scalars()
            .all()
        )
        return [_pairing_out(service, session, row) for row in rows]


@router.post("/v1/pairings/{pairing_id}/approve", response_model=PairingOut, responses=errors(409, 410, 429))
def approve(pairing_id: str, request: Request) -> PairingOut:
    """A guardian linked with the teen lets the asking guardian in: the link starts. The same
    guardian's approval sent again (its reply lost) is answered as it was, nothing done twice."""
    service = _service(request)
    with service.write_as(request, "guardian") as (session, me):
        row, teen = _request_for_me(service, session, me, pairing_id)
        service.lock_keys(session, f"guardians:{teen.id}")
        _refuse_adult(service, session, teen)
        if not _answer(service, session, row, "active", me):
            return _pairing_out(service, session, row)
        _require_room(service, session, teen.id, row.guardian_id)
        newcomer = session.get(Account, row.guardian_id)
        assert newcomer is not None
        _link(service, session, newcomer.id, newcomer.display_name, teen, approved_by=me)
        return _pairing_out(service, session, row)


@router.post("/v1/pairings/{pairing_id}/refuse", response_model=PairingOut, responses=errors(409, 410, 429))
def refuse(pairing_id: str, request: Request) -> PairingOut:
    """A guardian linked with the teen says no: nothing is linked, and the asking guardian, the
    teen and the other guardians are told. The same guardian's refusal sent again (its reply
    lost) is answered as it was, told once."""
    service = _service(request)
    with service.write_as(request, "guardian") as (session, me):
        row, teen = _request_for_me(service, session, me, pairing_id)
        if not _answer(service, session, row, "refused", me):
            return _pairing_out(service, session, row)
        data = {"pairing_id": row.id, "guardian_id": row.guardian_id}
        family = service.family_ids(session, teen.id)
        service.publish(session, "pairing_refused", teen.id, {**data, "refused_by": me.display_name}, family)
        if row.guardian_id not in family:  # linked meanwhile, it knows the guardians' names anyway
            # The asking account is nobody's guardian here: told no, not which guardian said it
            # (a name it could not learn otherwise).
            service.publish(session, "pairing_refused", teen.id, data, [row.guardian_id])
        return _pairing_out(service, session, row)


def _guardians_are_full() -> ApiError:
    return ApiError(
        409,
        "pairing_not_open",
        f"This teen already has {MAX_GUARDIANS_PER_TEEN} guardians. One of them must end their link first.",
    )


def _require_room(service: Service, session: Session, teen_id: str, guardian_id: str) -> None:
    """Refuse a link that would give the teen more than MAX_GUARDIANS_PER_TEEN guardians."""
    if _guardians_full(service, session, teen_id, guardian_id):
        raise _guardians_are_full()


def _refuse_adult(service: Service, session: Session, teen: Account) -> None:
    """Refuse linking a teen who is 18 or older on their own day: nobody is a guardian of an adult."""
    age = service.age_of(teen.birth_date, service.teen_timezone(session, teen.id))
    if age is not None and age >= ADULT_AGE:
        raise ApiError(409, "pairing_not_open", f"{teen.display_name} is 18 or older and cannot be linked.")


def _guardians_full(service: Service, session: Session, teen_id: str, guardian_id: str) -> bool:
    """Whether linking `guardian_id` would give the teen more than MAX_GUARDIANS_PER_TEEN (a
    guardian linked already only pairs again)."""
    others = [g for g in service.active_guardian_ids(session, teen_id) if g != guardian_id]
    return len(others) >= MAX_GUARDIANS_PER_TEEN


def _link(
    service: Service,
    session: Session,
    guardian_id: str,
    guardian_name: str,
    teen: Account,
    approved_by: Principal | None = None,
) -> None:
    now = service.now()
    existing = session.scalar(
        select(Link.id).where(Link.guardian_id == guardian_id, Link.teen_id == teen.id, Link.ended_at.is_(None))
    )
    linked_now = False
    if existing is None:
        try:
            with session.begin_nested():
                session.add(Link(id=new_id(), guardian_id=guardian_id, teen_id=teen.id, linked_at=now))
            linked_now = True
        except IntegrityError:
            pass  # a concurrent confirm linked the same pair: one link is what we want
    if session.get(ControlsRow, teen.id) is None:
        age = service.age_of(teen.birth_date) or 0
        body = controls_to_json(defaults_for_age(age))
        session.add(
            ControlsRow(teen_id=teen.id, version=1, body=json.dumps(body, separators=(",", ":")), updated_at=now)
        )
    said: dict[str, str] = {"guardian": guardian_name}
    if approved_by is not None:  # who let them in: part of "who changed what"
        # The account with its name: an account of the teen's own, named like her mother, read
        # "approved by Mom" to the mother and to everyone else alike.
        said["approved_by"] = approved_by.display_name
        said["approved_by_id"] = approved_by.account_id
    if linked_now:  # re-pairing a linked pair changes nothing, so the history says nothing
        service.record(session, guardian_id, teen.id, "link", None, None, said)
    # The account, not only its name: a teen can pair a guardian account of her own named like her
    # guardian, and the guardian's app must tell that account from its own.
    data: dict[str, object] = {**said, "guardian_id": guardian_id, "new_link": linked_now}
    service.publish(session, "pairing_confirmed", teen.id, data, service.family_ids(session, teen.id))


@router.get("/v1/pairings/{pairing_id}", response_model=PairingOut, responses=errors())
def get_pairing(pairing_id: str, request: Request) -> PairingOut:
    """Where a pairing stands (its guardian, or the teen who redeemed it)."""
    service = _service(request)
    with service.db.read() as session:
        me = service.authenticate(session, request)
        return _pairing_out(service, session, _reachable_pairing(service, session, me, pairing_id))


@router.delete("/v1/pairings/{pairing_id}", status_code=204, responses=errors(409, 429))
def cancel_pairing(pairing_id: str, request: Request) -> Response:
    """Either party calls the pairing off before it is confirmed."""
    service = _service(request)
    with service.write_as(request) as (session, me):
        row = _reachable_pairing(service, session, me, pairing_id)
        if row.teen_id:  # after a confirm or an answer in flight, in their order (PostgreSQL)
            service.lock_keys(session, f"guardians:{row.teen_id}")
            session.refresh(row)  # the status as of the lock
        asked = row.status == "approval"
        # One conditional UPDATE, as the steps it calls off: written over an approve or a confirm
        # that had just committed, "cancelled" stood beside the link they made (PostgreSQL).
        cancelled = session.execute(  # type: ignore[attr-defined]
            update(PairingRow)
            .where(PairingRow.id == row.id, PairingRow.status.in_((*_LIVE, "approval")))
            .values(status="cancelled")
        ).rowcount
        session.refresh(row)
        if row.status == "active":
            raise ApiError(409, "pairing_not_open", "This pairing is already confirmed; end the link instead.")
        if cancelled == 1:
            others = [a for a in (row.guardian_id, row.teen_id) if a and a != me.account_id]
            if asked and row.teen_id:  # the guardians asked need not answer now
                others += service.active_guardian_ids(session, row.teen_id)
            service.publish(session, "pairing_cancelled", row.teen_id, {"pairing_id": row.id}, others)
    return Response(status_code=204)


@router.get("/v1/teens", response_model=list[TeenOut], responses=errors())
def list_teens(request: Request) -> list[TeenOut]:
    """The teens linked to the signed-in guardian."""
    service = _service(request)
    adults: list[str] = []
    teens: list[TeenOut] = []
    with service.db.read() as session:
        me = service.authenticate(session, request, "guardian")
        rows = session.execute(
            select(Account, Link.linked_at)
            .join(Link, Link.teen_id == Account.id)
            .where(Link.guardian_id == me.account_id, Link.ended_at.is_(None))
            .order_by(Link.linked_at)
        ).all()
        for teen, linked_at in rows:
            age = service.age_of(teen.birth_date, service.teen_timezone(session, teen.id)) or 0
            if age >= ADULT_AGE:
                adults.append(teen.id)
            else:
                teens.append(
                    TeenOut(
                        id=teen.id,
                        display_name=teen.display_name,
                        age=age,
                        linked_at=linked_at,
                        birth_date=teen.birth_date,
                    )
                )
    for teen_id in adults:
        service.retire_adult(teen_id)
    return teens


@router.get("/v1/me/guardians", response_model=list[GuardianOut], responses=errors())
def my_guardians(request: Request) -> list[GuardianOut]:
    """Who manages this teen's account, and since when: a teen can always see it."""
    service = _service(request)
    with service.db.read() as session:
        me = service.authenticate(session, request, "teen")
        teen = session.get(Account, me.account_id)
        assert teen is not None
        age = service.age_of(teen.birth_date, service.teen_timezone(session, teen.id))
        adult = age is not None and age >= ADULT_AGE
        rows = session.execute(
            select(Account, Link.linked_at)
            .join(Link, Link.guardian_id == Account.id)
            .where(Link.teen_id == me.account_id, Link.ended_at.is_(None))
            .order_by(Link.linked_at)
        ).all()
    if adult:
        service.retire_adult(me.account_id)
        return []
    return [GuardianOut(id=g.id, display_name=g.display_name, linked_at=at) for g, at in rows]


@router.get("/v1/teens/{teen_id}/guardians", response_model=list[GuardianOut], responses=errors())
def teen_guardians(teen_id: str, request: Request) -> list[GuardianOut]:
    """Every guardian linked with the teen now, and since when (a linked guardian asks: who else
    may change the rules; the change history's "Who" filter lists them)."""
    service = _service(request)
    with service.db.read() as session:
        me = service.authenticate(session, request, "guardian")
        service.linked_teen(session, me, teen_id)
        rows = session.execute(
            select(Account, Link.linked_at)
            .join(Link, Link.guardian_id == Account.id)
            .where(Link.teen_id == teen_id, Link.ended_at.is_(None))
            .order_by(Link.linked_at)
        ).all()
    return [GuardianOut(id=g.id, display_name=g.display_name, linked_at=at) for g, at in rows]


@router.delete("/v1/teens/{teen_id}/link", status_code=204, responses=errors(429))
def end_link(teen_id: str, request: Request) -> Response:
    """A guardian ends their own link; the teen (with its own id) ends every link. When no
    guardian is left, the questions and the requests for time still waiting for one close."""
    service = _service(request)
    with service.write_as(request) as (session, me):
        if me.role == "teen":
            if teen_id != me.account_id:
                raise not_found("That teen")
            service.end_links(session, teen_id, me.account_id)
        else:
            service.linked_teen(session, me, teen_id)
            service.end_links(session, teen_id, me.account_id, guardian_id=me.account_id)
    return Response(status_code=204)
