"""Usage reports, extra-time requests and their answers, the append-only history, and the
long-poll event feed."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, MutableMapping
from datetime import date, timedelta
from typing import Annotated, Any

from fastapi import Depends, Query, Request, Response
from sqlalchemy import bindparam, func, select, text, update
from sqlalchemy.orm import Session, aliased
from starlette.concurrency import run_in_threadpool

from famguard.domain.age import TEEN_MIN_AGE
from famguard.domain.controls import Controls, controls_from_json
from famguard.domain.models import SYSTEM_ACTOR
from famguard.domain.schedule import LIMIT_FIELDS, LimitChange, end_of_day, limit_for_day, limits_in_force, teen_today
from famguard.domain.usage_chart import DEFAULT_USAGE_DAYS
from famguard.server.effective import live_rules, rules_on, settled_reader
from famguard.server.errors import ApiError, not_found
from famguard.server.limits import forget_poll, wake_when_client_leaves
from famguard.server.models import (
    Account,
    ActivityRow,
    ControlsRow,
    Link,
    TimeRequestRow,
    UsageRow,
    UtcDateTime,
)
from famguard.server.notify import LATEST_OF_ACCOUNT_SQL, MY_EVENTS_SQL, Event, HandOver, Waiter, event_of
from famguard.server.responses import errors
from famguard.server.route_table import RouteTable
from famguard.server.schemas import (
    ActivityKind,
    ActivityOut,
    ActorOut,
    EventOut,
    EventsOut,
    IsoDate,
    TimeDecision,
    TimeRequestCreate,
    TimeRequestOut,
    UsageDayOut,
    UsageOut,
    UsageReport,
)
from famguard.server.security import new_id
from famguard.server.service import Principal, Service, require_bearer

router = RouteTable(tags=["family"], dependencies=[Depends(require_bearer)])

MAX_USAGE_DAYS = 92
MAX_WAIT_SECONDS = 30
USAGE_PAST_DAYS = 30
# The largest row id every database here stores: history and event numbers are PostgreSQL
# `integer`s (a `before=` of 2**31 there was a 500 with the SQL in the log, not a refusal).
MAX_ID = 2**31 - 1
ACTIVITY_PAGE_BYTES = 1 << 20  # of stored values (before and after) in one page of history
ACTIVITY_ROWS_PER_FETCH = 20  # rows read at a time while a page is filled
# Each request notifies every linked guardian (a desktop alert, a line in the inbox): a teen
# needs a few a day; without a limit a script on the teen's account could flood them.
TIME_REQUESTS_PER_DAY = 10
TIME_REQUESTS_WINDOW = timedelta(hours=24)
ReadEvents = Callable[[], Awaitable[list[Event]]]
# The teen's changes of the limits made from a moment on (a past day's limit is the current one
# with these undone: schedule.limits_in_force), on the history's index by teen, field and time
# (tests/server/test_query_plans.py); in the order they were made, their ids', sorted after.
LIMIT_CHANGES_SQL = (
    'SELECT id, at, field, "before" FROM activity WHERE teen_id = :teen AND field IN (:limit, :overrides) '
    "AND at >= :since AND kind = 'controls'"
)
_LIMIT_FIELD_PARAMS = dict(zip(("limit", "overrides"), LIMIT_FIELDS, strict=True))
_LIMIT_CHANGES = (
    text(LIMIT_CHANGES_SQL)
    .bindparams(bindparam("since", type_=UtcDateTime))
    .columns(ActivityRow.id, ActivityRow.at, ActivityRow.field, ActivityRow.before)
)


def _service(request: Request) -> Service:
    return request.app.state.service


def _limits(session: Session, teen_id: str, days: list[date]) -> dict[date, tuple[int | None, int]]:
    """Each day's limit with that day's approved extra time (None: no limit or no controls), and
    that extra time alone (so a chart can show how much of the limit was granted on the day).
    A day's limit is the one in force at its end (schedule.limits_in_force), not today's."""
    row = session.get(ControlsRow, teen_id)
    if row is None or not days:
        return dict.fromkeys(days, (None, 0))
    # Only the limits are read, and they have the same default at every age.
    controls = controls_from_json(json.loads(row.body), TEEN_MIN_AGE)
    in_force = _limits_in_force(session, teen_id, controls, days, controls.timezone)
    rules = live_rules(session, teen_id)  # a temporary rule's limit replaces it on its days
    extra = dict(
        session.execute(
            select(TimeRequestRow.day, func.sum(TimeRequestRow.granted_minutes))
            .where(
                TimeRequestRow.teen_id == teen_id,
                TimeRequestRow.status == "approved",
                TimeRequestRow.day >= min(days),
                TimeRequestRow.day <= max(days),
            )
            .group_by(TimeRequestRow.day)
        ).all()
    )
    granted = {day: int(extra.get(day) or 0) for day in days}
    return {day: (limit_for_day(rules_on(in_force[day], rules, day), day, granted[day]), granted[day]) for day in days}


def _limits_in_force(
    session: Session, teen_id: str, controls: Controls, days: list[date], timezone: str
) -> dict[date, Controls]:
    """Each day's controls with the limits in force at its end, from one read of the history:
    the limit changes made since the earliest day ended. The history is never deleted
    (retention.py deletes events only), so it reaches back to the controls as they were made."""
    since = end_of_day(min(days), timezone)
    rows = session.execute(_LIMIT_CHANGES, {"teen": teen_id, "since": since, **_LIMIT_FIELD_PARAMS}).all()
    changes = [
        LimitChange(at, field, json.loads(before) if before else None)
        for _id, at, field, before in sorted(rows, key=lambda row: row[0])
    ]
    return limits_in_force(controls, changes, days, timezone)


def _teen_today(service: Service, session: Session, teen_id: str) -> date:
    return teen_today(service.teen_timezone(session, teen_id), service.now())


@router.post("/v1/me/usage", response_model=UsageDayOut, responses=errors(429))
def report_usage(body: UsageReport, request: Request) -> UsageDayOut:
    """The teen's device reports the minutes used on a local date; the last report wins."""
    service = _service(request)
    with service.write_as(request, "teen") as (session, me):
        today = _teen_today(service, session, me.account_id)
        if not today - timedelta(days=USAGE_PAST_DAYS) <= body.date <= today + timedelta(days=1):
            raise ApiError(
                422,
                "validation_failed",
                "Usage can only be reported for recent days.",
                fields={"date": f"Must be within the last {USAGE_PAST_DAYS} days."},
            )
        values = {"teen_id": me.account_id, "day": body.date, "minutes": body.minutes, "updated_at": service.now()}
        statement = service.db.insert(UsageRow).values(**values)
        session.execute(
            statement.on_conflict_do_update(
                index_elements=["teen_id", "day"], set_={"minutes": body.minutes, "updated_at": service.now()}
            )
        )
        limit, extra = _limits(session, me.account_id, [body.date])[body.date]
        guardians = service.active_guardian_ids(session, me.account_id)
        if guardians:
            data = {"date": body.date.isoformat(), "minutes": body.minutes}
            service.publish(session, "usage_reported", me.account_id, data, guardians)
    return UsageDayOut(date=body.date, minutes=body.minutes, limit_minutes=limit, extra_minutes=extra)


@router.get("/v1/teens/{teen_id}/usage", response_model=UsageOut, responses=errors(400))
def get_usage(
    teen_id: str,
    request: Request,
    from_: Annotated[IsoDate | None, Query(alias="from")] = None,
    to: Annotated[IsoDate | None, Query()] = None,
) -> UsageOut:
    """Minutes per day with that day's limit; default the last 7 days of the teen's today. Days
    before the teen was first linked with a guardian are left out unless the phone reported them:
    no limit applied then and no figure is known, which a chart must not draw as a day within its
    limit."""
    service = _service(request)
    with service.db.read() as session:
        me = service.authenticate(session, request, "guardian")
        teen = service.linked_teen(session, me, teen_id)
        timezone = service.teen_timezone(session, teen_id)
        last = to or teen_today(timezone, service.now())
        try:
            first = from_ or last - timedelta(days=DEFAULT_USAGE_DAYS - 1)
        except OverflowError:  # `to` in the first days of year 1
            first = last + timedelta(days=1)  # refused just below
        if first > last or (last - first).days >= MAX_USAGE_DAYS:
            raise ApiError(
                400,
                "bad_request",
                f"Ask for 1 to {MAX_USAGE_DAYS} days, with `from` not after `to`.",
                fields={"from": "Out of range."},
            )
        days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
        used = dict(
            session.execute(
                select(UsageRow.day, UsageRow.minutes).where(
                    UsageRow.teen_id == teen_id, UsageRow.day >= first, UsageRow.day <= last
                )
            ).all()
        )
        # Supervised from the teen's first link (an older account's days before it had no limit
        # and no figure: they read "0 min, within the limit"); a day the phone reported stays.
        first_link = session.scalar(select(func.min(Link.linked_at)).where(Link.teen_id == teen_id))
        joined = teen_today(timezone, first_link if first_link is not None else teen.created_at)
        days = [d for d in days if d >= joined or d in used]
        limits = _limits(session, teen_id, days)
        return UsageOut(
            days=[
                UsageDayOut(date=d, minutes=used.get(d, 0), limit_minutes=limits[d][0], extra_minutes=limits[d][1])
                for d in days
            ]
        )


def _request_out(session: Session, row: TimeRequestRow) -> TimeRequestOut:
    decider = session.get(Account, row.decided_by_id) if row.decided_by_id else None
    return TimeRequestOut(
        id=row.id,
        teen_id=row.teen_id,
        date=row.day,
        minutes=row.minutes,
        reason=row.reason,
        status=row.status,  # type: ignore[arg-type]
        created_at=row.created_at,
        decided_at=row.decided_at,
        decided_by=decider.display_name if decider else None,
        granted_minutes=row.granted_minutes,
    )


@router.post("/v1/me/time-requests", status_code=201, response_model=TimeRequestOut, responses=errors(429))
def ask_for_time(body: TimeRequestCreate, request: Request) -> TimeRequestOut:
    """The teen asks the linked guardians for extra minutes today. At most
    `TIME_REQUESTS_PER_DAY` in any 24 hours (429 with `Retry-After`). The same question while
    it waits for an answer today (a retry whose reply was lost) is answered with it, asked once."""
    service = _service(request)
    with service.write_as(request, "teen") as (session, me):
        # Two at once count each other; and the last link ending meanwhile either is seen below
        # or closes this request with the others (Service.end_links takes the same lock).
        service.lock_keys(session, f"time-requests:{me.account_id}")
        guardians = service.active_guardian_ids(session, me.account_id)
        if not guardians:
            raise not_found("A linked guardian to ask")
        today, reason = _teen_today(service, session, me.account_id), body.reason.strip()
        asked = session.scalars(  # the same question still open today: a retry whose reply was lost
            select(TimeRequestRow).where(
                TimeRequestRow.teen_id == me.account_id,
                TimeRequestRow.day == today,
                TimeRequestRow.status == "pending",
                TimeRequestRow.minutes == body.minutes,
                TimeRequestRow.reason == reason,
            )
        ).first()
        if asked is not None:
            return _request_out(session, asked)
        service.refuse_when_over(
            session,
            TimeRequestRow.created_at,
            TimeRequestRow.teen_id == me.account_id,
            limit=TIME_REQUESTS_PER_DAY,
            window=TIME_REQUESTS_WINDOW,
            message=f"You have asked for more time {TIME_REQUESTS_PER_DAY} times in the last 24 hours. "
            "Your guardians can still answer the requests waiting.",
        )
        row = TimeRequestRow(
            id=new_id(),
            teen_id=me.account_id,
            day=today,
            minutes=body.minutes,
            reason=reason,
            status="pending",
            created_at=service.now(),
        )
        session.add(row)
        service.record(session, me.account_id, me.account_id, "time_request", "requested", None, body.minutes)
        data = {"request_id": row.id, "minutes": body.minutes, "reason": row.reason}
        service.publish(session, "time_requested", me.account_id, data, [me.account_id, *guardians])
        return _request_out(session, row)


def _list_requests(session: Session, teen_id: str) -> list[TimeRequestOut]:
    rows = session.scalars(
        select(TimeRequestRow)
        .where(TimeRequestRow.teen_id == teen_id)
        .order_by(TimeRequestRow.created_at.desc(), TimeRequestRow.id.desc())
        .limit(200)
    )
    return [_request_out(session, row) for row in rows]


@router.get("/v1/teens/{teen_id}/time-requests", response_model=list[TimeRequestOut], responses=errors())
def teen_time_requests(teen_id: str, request: Request) -> list[TimeRequestOut]:
    """A linked teen's extra-time requests, newest first."""
    service = _service(request)
    with service.db.read() as session:
        me = service.authenticate(session, request, "guardian")
        service.linked_teen(session, me, teen_id)
        return _list_requests(session, teen_id)


@router.get("/v1/me/time-requests", response_model=list[TimeRequestOut], responses=errors())
def my_time_requests(request: Request) -> list[TimeRequestOut]:
    """The signed-in teen's own requests, newest first."""
    service = _service(request)
    with service.db.read() as session:
        me = service.authenticate(session, request, "teen")
        return _list_requests(session, me.account_id)


@router.post("/v1/time-requests/{request_id}/decision", response_model=TimeRequestOut, responses=errors(409, 429))
def decide(request_id: str, body: TimeDecision, request: Request) -> TimeRequestOut:
    """Approve (raising the limit of the request's day only) or deny; once. The same answer again
    from the guardian who gave it is answered as the first was (a retry whose reply was lost:
    applied, recorded and told once); any other answer to a decided request is 409."""
    service = _service(request)
    with service.write_as(request, "guardian") as (session, me):
        row = session.get(TimeRequestRow, request_id)
        if row is None:
            raise not_found("That request")
        service.linked_teen(session, me, row.teen_id)
        granted = (body.minutes or row.minutes) if body.approve else None
        status = "approved" if body.approve else "denied"
        decided = session.execute(  # type: ignore[attr-defined]
            update(TimeRequestRow)
            .where(TimeRequestRow.id == row.id, TimeRequestRow.status == "pending")
            .values(status=status, decided_at=service.now(), decided_by_id=me.account_id, granted_minutes=granted)
        ).rowcount
        session.refresh(row)
        if decided != 1:
            if (row.status, row.decided_by_id, row.granted_minutes) == (status, me.account_id, granted):
                return _request_out(session, row)
            raise ApiError(409, "already_decided", "This request was already answered.")
        service.record(session, me.account_id, row.teen_id, "time_request", status, row.minutes, granted or 0)
        data = {"request_id": row.id, "status": status, "granted_minutes": granted, "actor": me.display_name}
        service.publish(session, "time_request_decided", row.teen_id, data, service.family_ids(session, row.teen_id))
        return _request_out(session, row)


@router.get("/v1/teens/{teen_id}/activity", response_model=list[ActivityOut], responses=errors(400))
def activity(
    teen_id: str,
    request: Request,
    response: Response,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    before: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    kind: Annotated[ActivityKind | None, Query()] = None,
    field: Annotated[str | None, Query(min_length=1, max_length=40)] = None,
    actor_id: Annotated[str | None, Query(alias="actor", min_length=1, max_length=64)] = None,
) -> list[ActivityOut]:
    """Every change to the teen's controls, links and requests: who, when, before, after;
    newest first, `before` an id for the next page, optionally only one kind, field or actor.
    A page holds at most ~1 MiB of values: cut short before `limit` entries, it says so with a
    `Link: <…?before=ID>; rel="next"` header (fewer entries without it: the history's end)."""
    service = _service(request)
    settled_reader(service, request, teen_id)  # a rule that started or ended is in the history first
    with service.db.read() as session:
        return activity_page(session, teen_id, limit, before, kind=kind, field=field, actor_id=actor_id,
                             response=response)  # fmt: skip


def activity_page(
    session: Session,
    teen_id: str,
    limit: int,
    before: int | None,
    *,
    kind: str | None = None,
    field: str | None = None,
    actor_id: str | None = None,
    response: Response | None = None,
) -> list[ActivityOut]:
    """The teen's history, newest first (the guardians' and the teen's own view are the same),
    optionally only one kind, field or actor. At most ACTIVITY_PAGE_BYTES of stored values, read
    row by row: 500 entries of 240 KB (a temporary rule's, each keeping the rule before and
    after) made a 39 MB answer, and 20 such reads at once took the service to 3.5 GB (an
    attacker). Cut short, `response` gets the next page's link."""
    actor = aliased(Account)
    query = (
        select(ActivityRow, actor)
        .outerjoin(actor, actor.id == ActivityRow.actor_id)
        .where(ActivityRow.teen_id == teen_id)
        .order_by(ActivityRow.id.desc())
        .limit(limit)
        .execution_options(yield_per=ACTIVITY_ROWS_PER_FETCH)
    )
    if before is not None:
        query = query.where(ActivityRow.id < before)
    if kind is not None:
        query = query.where(ActivityRow.kind == kind)
    if field is not None:
        query = query.where(ActivityRow.field == field)
    if actor_id == SYSTEM_ACTOR:
        query = query.where(ActivityRow.actor_id.is_(None))
    elif actor_id is not None:
        query = query.where(ActivityRow.actor_id == actor_id)
    page: list[ActivityOut] = []
    held = 0
    result = session.execute(query)
    try:
        for row, who in result:
            size = len(row.before or "") + len(row.after or "")
            if page and held + size > ACTIVITY_PAGE_BYTES:
                if response is not None:
                    response.headers["Link"] = f'<?before={page[-1].id}>; rel="next"'
                break
            held += size
            page.append(
                ActivityOut(
                    id=row.id,
                    at=row.at,
                    actor=None if who is None else ActorOut(id=who.id, display_name=who.display_name, role=who.role),  # type: ignore[arg-type]
                    teen_id=row.teen_id,
                    kind=row.kind,  # type: ignore[arg-type]
                    field=row.field,
                    before=json.loads(row.before) if row.before else None,
                    after=json.loads(row.after) if row.after else None,
                )
            )
    finally:
        result.close()
    return page


_MY_EVENTS = text(MY_EVENTS_SQL)


def _read_events(service: Service, me: Principal, after: int) -> list[Event]:
    with service.db.read() as session:
        return [event_of(row) for row in session.execute(_MY_EVENTS, {"me": me.account_id, "after": after})]


async def wait_for_events(
    service: Service,
    account_id: str,
    after: int,
    wait: float,
    read: ReadEvents,
    still_signed_in: Callable[[], Awaitable[bool]],
    scope: MutableMapping[str, Any],
    hand_over: HandOver | None = None,
) -> tuple[list[Event], int] | None:
    """A poll, on either path: the account's events after `after`, else those the hub hands it
    within `wait` seconds (`read` runs the poll's own read: in a worker thread on the route,
    inline on the SQLite fast path); and the cursor to ask with next. None when the sign-in
    ended while the poll waited (the caller answers 401). With a `hand_over` (the fast path),
    the hub may have checked the sign-in and answered the poll already (notify.HandOver). A poll
    whose client closes its side or goes answers at once with what it has (`scope`: the request's;
    limits.wake_when_client_leaves)."""
    # Register before the read: an event committed after it reaches us through the hub, which
    # alone looks for new events while we wait (notify.py).
    with Waiter(service.notifier, account_id, after, hand_over) as waiter:
        connection = wake_when_client_leaves(scope, waiter.wake)
        try:
            found = await read()
            if not found and wait > 0 and not service.notifier.closed:
                found = await waiter.wait(wait)
                # Answer-time check (keep it wherever a waiting poll answers): a long poll opened
                # before logout, or before its token expired, must not deliver what was written
                # after, nor end with an empty 200 when `wait` runs out (the client would poll
                # again with a dead token, and learn it was signed out one timeout later each
                # time): it ends as the token's refusal. The hub's verdict at hand-over is that
                # check; without one, the poll makes it. A server that is stopping answers its
                # polls at once with nothing and checks nothing.
                verdict = hand_over.signed_in if hand_over is not None else None
                answering = bool(found) or not service.notifier.closed
                if answering and not (verdict if verdict is not None else await still_signed_in()):
                    return None
        finally:
            forget_poll(connection)
    return found, (found[-1]["id"] if found else after)


def missed_before(found: list[Event], after: int) -> bool:
    """Whether events between `after` and `found` were deleted. An account's events are numbered
    1, 2, 3… and its newest is never deleted (famguard.server.retention): a first event numbered
    past `after + 1` means those between are gone."""
    return bool(found) and found[0]["id"] > after + 1


def events_out(found: list[Event], cursor: int, after: int) -> EventsOut:
    """The answer to a poll that asked for the events after `after`."""
    events = [EventOut(**event) for event in found]
    return EventsOut(events=events, cursor=str(cursor), missed=missed_before(found, after))


def _authenticate_for_events(service: Service, request: Request) -> tuple[Principal, int]:
    with service.db.read() as session:
        me = service.authenticate(session, request)
        latest = session.execute(text(LATEST_OF_ACCOUNT_SQL), {"me": me.account_id}).scalar()
        return me, int(latest or 0)


@router.get("/v1/events", response_model=EventsOut, responses=errors(400))
async def events(
    request: Request,
    after: Annotated[int | None, Query(ge=0, le=MAX_ID)] = None,
    wait: Annotated[float, Query(ge=0, le=MAX_WAIT_SECONDS)] = 0,
) -> EventsOut:
    """Changes for the signed-in account after `after`; waits up to `wait` seconds for one.
    Without `after`, answers at once with the current cursor. A sign-in that ends while the poll
    waits (signed out, expired) gets its 401, at the latest when `wait` runs out."""
    service = _service(request)
    me, latest = await run_in_threadpool(_authenticate_for_events, service, request)
    if after is None or after > latest:
        # No cursor, or one this account never had (a server-wide id from before cursors were
        # per account): start from now rather than wait for a number that may never come.
        return EventsOut(events=[], cursor=str(latest))
    # (On SQLite, fastpath_events.FastEventsPoll takes the common poll before it gets here.)
    read = lambda: run_in_threadpool(_read_events, service, me, after)  # noqa: E731 - a one-line callback
    polled = await wait_for_events(
        service,
        me.account_id,
        after,
        wait,
        read,
        lambda: run_in_threadpool(_authenticate_again, service, request),
        request.scope,
    )
    assert polled is not None  # _authenticate_again raises the refusal (401) itself
    return events_out(*polled, after)


def _authenticate_again(service: Service, request: Request) -> bool:
    """The sign-in still holds when the events are handed out (else the same 401 as any refusal)."""
    with service.db.read() as session:
        service.authenticate(session, request)
    return True
