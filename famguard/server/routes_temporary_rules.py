"""Temporary rules of a teen ("Exam weeks" until 20 June): a linked guardian plans, lists,
changes (before they begin) and removes them; they start and end by themselves in the teen's
time zone (effective.py settles and announces that). The dates and controls are checked by
famguard.domain.temporary, whose controls check is the PATCH's own parsing and age rules."""

from __future__ import annotations

import json
from datetime import date

from fastapi import Depends, Request, Response
from sqlalchemy import update
from sqlalchemy.orm import Session

from famguard.domain.controls import SPECS, controls_from_json
from famguard.domain.errors import DomainValidationError
from famguard.domain.temporary import RuleStatus, check_dates, parse_rule_controls, rule_status
from famguard.server.effective import live_rules, rule_json, settle, settled_reader, teen_today_of
from famguard.server.errors import ApiError, not_found
from famguard.server.models import Account, ControlsRow, TemporaryRuleRow
from famguard.server.responses import errors
from famguard.server.route_table import RouteTable
from famguard.server.routes_controls import stored_controls
from famguard.server.schemas_trust import CreatorOut, RuleCreate, RuleOut
from famguard.server.security import new_id
from famguard.server.service import Service, require_bearer

router = RouteTable(tags=["temporary rules"], dependencies=[Depends(require_bearer)])
MAX_LISTED = 200
# Rules not yet over, per teen. Every read of the teen's rules (the phone's controls, a usage
# report, the usage page, the phone status) loads them all: 3,000 one-day rules planned ahead
# (nothing stopped a script) made each of those ~6x slower, and the usage report holds the writer.
MAX_PLANNED_RULES = 30


def _service(request: Request) -> Service:
    return request.app.state.service


def _rule_out(session: Session, rule: TemporaryRuleRow, today_status: RuleStatus) -> RuleOut:
    creator = session.get(Account, rule.created_by_id)
    return RuleOut(
        id=rule.id,
        name=rule.name,
        starts_on=rule.starts_on,
        ends_on=rule.ends_on,
        controls=json.loads(rule.controls),
        created_by=CreatorOut(
            id=rule.created_by_id, display_name=creator.display_name if creator else "A former guardian"
        ),
        status=today_status.value,
    )


@router.post("/v1/teens/{teen_id}/temporary-rules", status_code=201, response_model=RuleOut, responses=errors(429))
def create_rule(teen_id: str, body: RuleCreate, request: Request) -> RuleOut:
    """Plan a rule. 422 when the dates are wrong (at most 92 days, not begun before today, no overlap) or a
    setting is not allowed at the teen's age (`controls.<field>`). The same rule again from the
    guardian who planned it (a retry whose reply was lost) is answered with that rule, made once."""
    service = _service(request)
    with service.write_as(request, "guardian") as (session, me):
        teen = service.linked_teen(session, me, teen_id)
        # The teen's settling lock before anything is told (settle below takes it again): telling
        # takes the family's event locks, and a reader settling the teen takes them after it.
        service.lock_keys(session, f"settle:{teen_id}")
        today = teen_today_of(service, session, teen_id)
        others = [(r.starts_on, r.ends_on) for r in live_rules(session, teen_id)]
        problems = check_dates(body.name, body.starts_on, body.ends_on, today, others)
        if sum(1 for _start, end in others if end >= today) >= MAX_PLANNED_RULES:
            problems.setdefault(
                "starts_on",
                f"At most {MAX_PLANNED_RULES} temporary rules can be planned at once: "
                "remove one, or wait until one has ended.",
            )
        dumped = _checked_controls(service, session, teen, body, problems)
        made = _made_already(session, teen_id, me.account_id, body, dumped, today) if dumped else None
        if made is not None:  # (its own dates are the overlap check_dates found)
            return _rule_out(session, made, rule_status(made.starts_on, made.ends_on, today))
        if problems:
            raise ApiError(422, "validation_failed", "This temporary rule cannot be saved.", fields=problems)
        rule = TemporaryRuleRow(
            id=new_id(),
            teen_id=teen_id,
            name=body.name.strip(),
            starts_on=body.starts_on,
            ends_on=body.ends_on,
            controls=dumped,
            created_by_id=me.account_id,
            created_at=service.now(),
            announced=RuleStatus.SCHEDULED.value,
        )
        session.add(rule)
        session.flush()
        service.record(session, me.account_id, teen_id, "temporary_rule", "created", None, rule_json(rule))
        data = {"rule_id": rule.id, "name": rule.name, "starts_on": rule.starts_on.isoformat(),
                "ends_on": rule.ends_on.isoformat(), "actor": me.display_name}  # fmt: skip
        service.publish(session, "temporary_rule_created", teen_id, data, service.family_ids(session, teen_id))
        settle(service, session, teen_id)  # one starting today starts now, and says so
        return _rule_out(session, rule, rule_status(rule.starts_on, rule.ends_on, today))


@router.put("/v1/teens/{teen_id}/temporary-rules/{rule_id}", response_model=RuleOut, responses=errors(409, 429))
def change_rule(teen_id: str, rule_id: str, body: RuleCreate, request: Request) -> RuleOut:
    """Change a rule that has not begun: its name, days and settings, checked as when it was
    planned (422 naming each field; it may not overlap the teen's other rules). A rule that has
    begun can only be ended early (DELETE): 409 `rule_started`; an ended one is history: 409
    `rule_ended`. The rule as it stands again (a retry whose reply was lost) is answered with it,
    recorded once."""
    service = _service(request)
    with service.write_as(request, "guardian") as (session, me):
        teen = service.linked_teen(session, me, teen_id)
        # Its start is told first (the teen's midnight may have passed unseen), under the teen's
        # settling lock: two changes at once (PostgreSQL) take turns, each checking the other's.
        rule, today, status = _settled_rule_not_ended(service, session, teen_id, rule_id)
        if status is RuleStatus.ACTIVE:
            raise ApiError(409, "rule_started", "This rule has begun: it can be ended early, and a new one planned.")
        others = [(r.starts_on, r.ends_on) for r in live_rules(session, teen_id) if r.id != rule.id]
        problems = check_dates(body.name, body.starts_on, body.ends_on, today, others)
        dumped = _checked_controls(service, session, teen, body, problems)
        if problems:
            raise ApiError(422, "validation_failed", "This temporary rule cannot be saved.", fields=problems)
        asked = (body.name.strip(), body.starts_on, body.ends_on, dumped)
        if (rule.name, rule.starts_on, rule.ends_on, rule.controls) == asked:
            return _rule_out(session, rule, status)  # as it stands: nothing to record
        before = rule_json(rule)
        rule.name, rule.starts_on, rule.ends_on, rule.controls = asked
        session.flush()
        service.record(session, me.account_id, teen_id, "temporary_rule", "changed", before, rule_json(rule))
        data = {"rule_id": rule.id, "name": rule.name, "starts_on": rule.starts_on.isoformat(),
                "ends_on": rule.ends_on.isoformat(), "actor": me.display_name}  # fmt: skip
        service.publish(session, "temporary_rule_changed", teen_id, data, service.family_ids(session, teen_id))
        settle(service, session, teen_id)  # moved to begin today: it begins now, and says so
        return _rule_out(session, rule, rule_status(rule.starts_on, rule.ends_on, today))


def _settled_rule_not_ended(
    service: Service, session: Session, teen_id: str, rule_id: str
) -> tuple[TemporaryRuleRow, date, RuleStatus]:
    """The teen's rule `rule_id` once the teen's rules are settled (under the teen's settling
    lock), with the teen's today and its status then; 404 when it is not the teen's or removed,
    409 `rule_ended` when it is history."""
    settle(service, session, teen_id)
    rule = session.get(TemporaryRuleRow, rule_id)
    if rule is None or rule.teen_id != teen_id or rule.removed_at is not None:
        raise not_found("That temporary rule")
    today = teen_today_of(service, session, teen_id)
    status = rule_status(rule.starts_on, rule.ends_on, today)
    if status is RuleStatus.ENDED:
        raise ApiError(409, "rule_ended", "This rule has already ended; it stays in the history.")
    return rule, today, status


def _checked_controls(
    service: Service, session: Session, teen: Account, body: RuleCreate, problems: dict[str, str]
) -> str:
    """The rule's settings as stored (JSON), checked by the PATCH's own parsing and age rules
    against the teen's controls; what is wrong goes into `problems` (then "": nothing to store)."""
    row = session.get(ControlsRow, teen.id)
    if row is None:
        raise not_found("The controls")
    age = service.check_not_adult(session, teen)
    stored, _etag = stored_controls(service, session, teen, row)
    try:
        typed = parse_rule_controls(body.controls, controls_from_json(json.loads(stored), age), age)
    except DomainValidationError as exc:
        problems.update(exc.fields)
        return ""
    return json.dumps({name: SPECS[name].dump(value) for name, value in typed.items()}, separators=(",", ":"))


def _made_already(
    session: Session, teen_id: str, guardian_id: str, body: RuleCreate, controls: str, today: date
) -> TemporaryRuleRow | None:
    """The same rule, planned by the same guardian, not removed nor over: this request is a
    retry whose reply was lost (rules cannot overlap, so it is no second rule) — answered with it."""
    return next(
        (
            rule
            for rule in live_rules(session, teen_id)
            if rule.ends_on >= today
            and (rule.created_by_id, rule.name, rule.starts_on, rule.ends_on, rule.controls)
            == (guardian_id, body.name.strip(), body.starts_on, body.ends_on, controls)
        ),
        None,
    )


@router.get("/v1/teens/{teen_id}/temporary-rules", response_model=list[RuleOut], responses=errors())
def list_rules(teen_id: str, request: Request) -> list[RuleOut]:
    """The teen's rules (not removed), latest start first, each with today's status."""
    service = _service(request)
    me, _teen = settled_reader(service, request, teen_id)
    with service.db.read() as session:
        service.linked_teen(session, me, teen_id)
        return _listed(service, session, teen_id)


@router.get("/v1/me/temporary-rules", response_model=list[RuleOut], responses=errors())
def my_rules(request: Request) -> list[RuleOut]:
    """The signed-in teen's own rules, as its guardians see them: the teen always knows."""
    service = _service(request)
    _me, teen_id = settled_reader(service, request)
    with service.db.read() as session:
        return _listed(service, session, teen_id)


def _listed(service: Service, session: Session, teen_id: str) -> list[RuleOut]:
    today = teen_today_of(service, session, teen_id)
    rules = live_rules(session, teen_id)[:MAX_LISTED]
    return [_rule_out(session, r, rule_status(r.starts_on, r.ends_on, today)) for r in rules]


@router.delete(
    "/v1/teens/{teen_id}/temporary-rules/{rule_id}",
    status_code=204,
    response_class=Response,
    responses=errors(409, 429),
)
def remove_rule(teen_id: str, rule_id: str, request: Request) -> Response:
    """Remove a scheduled rule, or end an active one early (it stops at once). An ended rule is
    history: 409. The history says which: `removed` (it never applied) or `ended_early`."""
    service = _service(request)
    with service.write_as(request, "guardian") as (session, me):
        service.linked_teen(session, me, teen_id)
        # Its start is told first (if nobody looked since the teen's midnight), so the history
        # reads "started", then "ended early". And settling takes the teen's lock before the rule
        # is read: two removals at once (PostgreSQL) each read it not removed yet, and both
        # removed it — two 204s, "ended early" twice in the history, the family told twice.
        rule, _today, status = _settled_rule_not_ended(service, session, teen_id, rule_id)
        removed = session.execute(  # and only while not removed: exactly one removal wins
            update(TemporaryRuleRow)
            .where(TemporaryRuleRow.id == rule.id, TemporaryRuleRow.removed_at.is_(None))
            .values(removed_at=service.now())
        ).rowcount  # type: ignore[attr-defined]
        if removed != 1:
            raise not_found("That temporary rule")
        # A rule in force is cut short, not taken back: "removed" read as if it had never applied.
        field = "ended_early" if status is RuleStatus.ACTIVE else "removed"
        service.record(session, me.account_id, teen_id, "temporary_rule", field, rule_json(rule), None)
        data = {"rule_id": rule.id, "name": rule.name, "actor": me.display_name}
        service.publish(session, "temporary_rule_removed", teen_id, data, service.family_ids(session, teen_id))
    return Response(status_code=204)
