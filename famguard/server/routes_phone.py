"""The teen's phone and its receipts: the effective controls the phone applies (the controls with
the active temporary rule on top), the phone's report of the version it applied, the guardians'
view of that report ("on Maya's phone since 14:02"), and the teen's own reads — the change log
and today's use — so the teen can always see the rules and who set them."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import Depends, Query, Request, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from famguard.server.effective import (
    effective_controls,
    is_known_etag,
    link_ends_on,
    live_rules,
    settle_if_needed,
    settled_reader,
    unsettled,
)
from famguard.server.errors import ApiError, not_found
from famguard.server.models import Account, ControlsRow, Link, PhoneStatusRow, UsageRow
from famguard.server.responses import errors
from famguard.server.route_table import RouteTable
from famguard.server.routes_family import MAX_ID, _limits, _teen_today, activity_page
from famguard.server.schemas import ActivityOut, ControlsOut, UsageDayOut
from famguard.server.schemas_trust import AppliedReport, PhoneOut
from famguard.server.service import Principal, Service, require_bearer

router = RouteTable(tags=["phone"], dependencies=[Depends(require_bearer)])

_ETAG_HEADER = {"ETag": {"description": "The version of the effective controls", "schema": {"type": "string"}}}


def _service(request: Request) -> Service:
    return request.app.state.service


def _linked_teen_self(service: Service, session: Session, me: Principal) -> tuple[Account, ControlsRow]:
    """The signed-in teen and its controls, while a guardian manages the account."""
    teen = session.get(Account, me.account_id)
    assert teen is not None
    service.check_not_adult(session, teen)
    linked = session.scalar(select(Link.id).where(Link.teen_id == me.account_id, Link.ended_at.is_(None)))
    row = session.get(ControlsRow, me.account_id)
    if linked is None or row is None:
        raise not_found("No guardian manages this account, so no controls")
    return teen, row


@router.get(
    "/v1/me/controls",
    response_model=ControlsOut,
    responses={200: {"headers": _ETAG_HEADER}, **errors()},
)
def my_controls(request: Request) -> Response:
    """The teen's effective controls, read-only: the controls with the active temporary rule on
    top. Only a linked guardian can change them; report the ETag once applied."""
    service = _service(request)
    with service.db.read() as session:  # the common case: nothing to tell, one read
        me = service.authenticate(session, request, "teen")
        teen, row = _linked_teen_self(service, session, me)
        rules = live_rules(session, me.account_id)
        found = None if unsettled(service, session, me.account_id, rules) else effective_controls(
            service, session, teen, row, rules)  # fmt: skip
    if found is None:  # a rule started or ended since anyone looked: tell the family first
        settle_if_needed(service, me.account_id)
        with service.db.read() as session:
            teen, row = _linked_teen_self(service, session, me)
            found = effective_controls(service, session, teen, row)
    return Response(content=found.body, media_type="application/json", headers={"ETag": found.etag})


@router.post("/v1/me/controls/applied", status_code=204, response_class=Response, responses=errors(429))
def report_applied(body: AppliedReport, request: Request) -> Response:
    """The phone applied the effective controls of `etag`. An ETag this teen never had is 422."""
    service = _service(request)
    with service.write_as(request, "teen") as (session, me):
        _linked_teen_self(service, session, me)
        if not is_known_etag(session, me.account_id, body.etag):
            raise ApiError(
                422,
                "validation_failed",
                "That is not a version of this teen's controls.",
                fields={"etag": "Send the ETag of GET /v1/me/controls."},
            )
        now = service.now()
        status = session.get(PhoneStatusRow, me.account_id)
        if status is None:
            status = PhoneStatusRow(teen_id=me.account_id, last_seen_at=now)
            session.add(status)
        status.last_seen_at = now
        if status.applied_etag != body.etag:  # a repeated report is a check-in, not news
            status.applied_etag, status.applied_at = body.etag, now
            data = {"etag": body.etag, "at": now.isoformat()}
            service.publish(
                session, "controls_applied", me.account_id, data, service.active_guardian_ids(session, me.account_id)
            )
    return Response(status_code=204)


@router.get("/v1/teens/{teen_id}/phone", response_model=PhoneOut, responses=errors())
def phone_status(teen_id: str, request: Request) -> PhoneOut:
    """What the teen's phone applied and when it last checked in, against what it should have."""
    service = _service(request)
    me, _teen = settled_reader(service, request, teen_id)
    with service.db.read() as session:
        teen = service.linked_teen(session, me, teen_id)
        row = session.get(ControlsRow, teen_id)
        if row is None:
            raise not_found("The controls")
        current = effective_controls(service, session, teen, row).etag
        status = session.get(PhoneStatusRow, teen_id)
        ends = link_ends_on(service, session, teen_id)
    if status is None:
        return PhoneOut(last_seen_at=None, applied_etag=None, applied_at=None, current_etag=current, up_to_date=False,
                        link_ends_on=ends)  # fmt: skip
    return PhoneOut(
        last_seen_at=status.last_seen_at,
        applied_etag=status.applied_etag,
        applied_at=status.applied_at,
        current_etag=current,
        up_to_date=status.applied_etag == current,
        link_ends_on=ends,
    )


@router.get("/v1/me/activity", response_model=list[ActivityOut], responses=errors(400))
def my_activity(
    request: Request,
    response: Response,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    before: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
) -> list[ActivityOut]:
    """The teen's own history, the same entries as the guardians see: who changed what, when
    (pages cut short as the guardians' are, with a `Link` header)."""
    service = _service(request)
    _me, teen_id = settled_reader(service, request)
    with service.db.read() as session:
        return activity_page(session, teen_id, limit, before, response=response)


@router.get("/v1/me/usage", response_model=UsageDayOut, responses=errors(400))
def my_usage(request: Request, day: Annotated[date | None, Query(alias="date")] = None) -> UsageDayOut:
    """The minutes the service has for one of the teen's days (default today) and that day's
    limit with approved extra time and any temporary rule (null: no limit)."""
    service = _service(request)
    with service.db.read() as session:
        me = service.authenticate(session, request, "teen")
        wanted = day or _teen_today(service, session, me.account_id)
        minutes = session.scalar(
            select(UsageRow.minutes).where(UsageRow.teen_id == me.account_id, UsageRow.day == wanted)
        )
        limit, extra = _limits(session, me.account_id, [wanted])[wanted]
    return UsageDayOut(date=wanted, minutes=minutes or 0, limit_minutes=limit, extra_minutes=extra)
