"""Seeding the demo family (famguard.domain.demo_family, its one definition) into the service's
database: `famguard-server --demo` seeds a new plan into a fresh database at every start; the
desktop app's practice service seeds the plan the app made for that demo start (the same ids and
passwords, so that what the app drew from it beforehand is what the service answers)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from famguard.domain.controls import controls_to_json
from famguard.domain.demo_family import DEMO_CONTROLS_VERSION, DemoPlan, make_demo_plan
from famguard.server.db import upgrade_schema
from famguard.server.models import (
    Account,
    ActivityRow,
    ControlsRow,
    Link,
    PhoneStatusRow,
    TimeRequestRow,
    UsageRow,
)
from famguard.server.security import hash_password, light_password_hash


@dataclass(frozen=True)
class DemoTeen:
    id: str
    display_name: str
    email: str
    password: str
    age: int


@dataclass(frozen=True)
class DemoFamily:
    guardian_id: str
    guardian_email: str
    guardian_password: str
    guardian_name: str
    second_guardian_email: str
    second_guardian_password: str
    second_guardian_name: str
    newcomer_email: str  # a guardian linked with nobody: to practise a guardian's approval
    newcomer_password: str
    newcomer_name: str
    teens: tuple[DemoTeen, ...]


def seed_demo(
    target: Engine | Session,
    *,
    clock: Callable[[], datetime] | None = None,
    light_hashes: bool = False,
    plan: DemoPlan | None = None,
) -> DemoFamily:
    """Write the demo family into the database behind `target` (schema upgraded first when an
    Engine is given) and return its sign-ins. `plan`: the family to write (default: a new one as
    of `clock`'s now). `light_hashes`: the desktop app's own practice service (see
    famguard.server.security.light_password_hash)."""
    hasher = light_password_hash if light_hashes else hash_password
    plan = plan or make_demo_plan((clock or (lambda: datetime.now(UTC)))())
    if isinstance(target, Session):
        return _seed(target, plan, hasher)
    upgrade_schema(target)
    with Session(target) as session, session.begin():
        return _seed(session, plan, hasher)


def _seed(session: Session, plan: DemoPlan, hasher: Callable[[str], str]) -> DemoFamily:
    for person in plan.people:
        session.add(
            Account(
                id=person.id,
                email=person.email,
                password_hash=hasher(person.password),
                display_name=person.display_name,
                role=person.role.value,
                birth_date=person.born,
                created_at=person.created_at,
            )
        )
    session.flush()
    for link in plan.links:
        session.add(Link(id=link.id, guardian_id=link.guardian_id, teen_id=link.teen_id, linked_at=link.linked_at))
    for teen in plan.teens:
        body = json.dumps(controls_to_json(teen.controls), separators=(",", ":"))
        session.add(ControlsRow(teen_id=teen.person.id, version=DEMO_CONTROLS_VERSION, body=body, updated_at=plan.now))
        for day, minutes in teen.usage:
            session.add(UsageRow(teen_id=teen.person.id, day=day, minutes=minutes, updated_at=plan.now))
        if teen.phone_report is not None:
            applied_at, seen_at = teen.phone_report
            session.add(
                PhoneStatusRow(
                    teen_id=teen.person.id, last_seen_at=seen_at, applied_etag=teen.etag, applied_at=applied_at
                )
            )
    for request in plan.requests:
        session.add(
            TimeRequestRow(
                id=request.id,
                teen_id=request.teen_id,
                day=request.day,
                minutes=request.minutes,
                reason=request.reason,
                status=request.status.value,
                created_at=request.created_at,
                decided_at=request.decided_at,
                decided_by_id=request.decided_by_id,
                granted_minutes=request.granted_minutes,
            )
        )
    for entry in plan.history:  # in the order they happened: the history's ids follow it
        session.add(
            ActivityRow(
                at=entry.at,
                actor_id=entry.actor_id,
                teen_id=entry.teen_id,
                kind=entry.kind,
                field=entry.field,
                before=json.dumps(entry.before),
                after=json.dumps(entry.after),
            )
        )
    session.flush()
    guardian, second = plan.guardian, plan.second_guardian
    return DemoFamily(
        guardian_id=guardian.id,
        guardian_email=guardian.email,
        guardian_password=guardian.password,
        guardian_name=guardian.display_name,
        second_guardian_email=second.email,
        second_guardian_password=second.password,
        second_guardian_name=second.display_name,
        newcomer_email=plan.newcomer.email,
        newcomer_password=plan.newcomer.password,
        newcomer_name=plan.newcomer.display_name,
        teens=tuple(
            DemoTeen(teen.person.id, teen.person.display_name, teen.person.email, teen.person.password, teen.age)
            for teen in plan.teens
        ),
    )
