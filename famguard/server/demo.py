"""The demo family: guardian Alex Morgan (and a second guardian, Jordan), teens Maya (14) and
Sam (16) linked to both, a week of usage, one pending extra-time request and some history.
`famguard-server --demo` seeds it into a fresh database at every start; the desktop app's demo
mode calls `seed_demo` the same way. Passwords are new random words at each seeding."""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from famguard.domain.age import birthday_in_year
from famguard.domain.controls import Audience, controls_to_json, defaults_for_age
from famguard.domain.schedule import teen_today
from famguard.server.db import upgrade_schema
from famguard.server.models import Account, ActivityRow, ControlsRow, Link, TimeRequestRow, UsageRow
from famguard.server.security import hash_password, light_password_hash, new_id

DEMO_TIMEZONE = "Europe/London"
_WORDS = ("maple", "harbor", "violet", "comet", "pebble", "lantern", "meadow", "orbit", "willow", "ember")


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
    teens: tuple[DemoTeen, ...]


def _password() -> str:
    return "-".join(secrets.choice(_WORDS) for _ in range(3)) + f"-{secrets.randbelow(100):02d}"


def _born(today: date, age: int, days_since_birthday: int) -> date:
    return birthday_in_year(today, today.year - age) - timedelta(days=days_since_birthday)


def seed_demo(
    target: Engine | Session, *, clock: Callable[[], datetime] | None = None, light_hashes: bool = False
) -> DemoFamily:
    """Write the demo family into the database behind `target` (schema upgraded first when an
    Engine is given) and return its sign-ins. `light_hashes`: the desktop app's own practice
    service (see famguard.server.security.light_password_hash)."""
    hasher = light_password_hash if light_hashes else hash_password
    if isinstance(target, Session):
        return _seed(target, clock, hasher)
    upgrade_schema(target)
    with Session(target) as session, session.begin():
        return _seed(session, clock, hasher)


def _account(
    session: Session,
    email: str,
    name: str,
    role: str,
    now: datetime,
    born: date | None = None,
    *,
    hasher: Callable[[str], str],
) -> Account:
    password = _password()
    account = Account(
        id=new_id(),
        email=email,
        password_hash=hasher(password),
        display_name=name,
        role=role,
        birth_date=born,
        created_at=now - timedelta(days=30),
    )
    session.add(account)
    account.demo_password = password  # type: ignore[attr-defined]
    return account


def _seed(session: Session, clock: Callable[[], datetime] | None, hasher: Callable[[str], str]) -> DemoFamily:
    now = (clock or (lambda: datetime.now(UTC)))().astimezone(UTC)
    today = teen_today(DEMO_TIMEZONE, now)
    alex = _account(session, "demo@famguard.example", "Alex Morgan", "guardian", now, hasher=hasher)
    jordan = _account(session, "jordan@famguard.example", "Jordan Morgan", "guardian", now, hasher=hasher)
    maya = _account(session, "maya@famguard.example", "Maya", "teen", now, _born(today, 14, 120), hasher=hasher)
    sam = _account(session, "sam@famguard.example", "Sam", "teen", now, _born(today, 16, 200), hasher=hasher)
    session.flush()

    def history(
        days_ago: float,
        actor: Account | None,
        teen: Account,
        kind: str,
        field: str | None,
        before: object,
        after: object,
    ) -> None:
        session.add(
            ActivityRow(
                at=now - timedelta(days=days_ago),
                actor_id=actor.id if actor else None,
                teen_id=teen.id,
                kind=kind,
                field=field,
                before=json.dumps(before),
                after=json.dumps(after),
            )
        )

    for teen, age in ((maya, 14), (sam, 16)):
        for guardian, days_ago in ((alex, 21), (jordan, 20)):
            session.add(
                Link(id=new_id(), guardian_id=guardian.id, teen_id=teen.id, linked_at=now - timedelta(days=days_ago))
            )
            history(days_ago, guardian, teen, "link", None, None, {"guardian": guardian.display_name})
        controls = defaults_for_age(age, DEMO_TIMEZONE)
        if teen is sam:
            controls = controls.replace(
                daily_limit_minutes=90, daily_limit_overrides={"sat": 120, "sun": 120}, duet_stitch=Audience.NO_ONE
            )
            history(6, jordan, sam, "controls", "daily_limit_minutes", 60, 90)
            history(6, jordan, sam, "controls", "daily_limit_overrides", {}, {"sat": 120, "sun": 120})
            history(5, alex, sam, "controls", "duet_stitch", "friends", "no_one")
        else:
            controls = controls.replace(keyword_filters=("#diet", "#prank"), restricted_mode=True)
            history(4, alex, maya, "controls", "restricted_mode", False, True)
            history(4, alex, maya, "controls", "keyword_filters", [], ["#diet", "#prank"])
        body = json.dumps(controls_to_json(controls), separators=(",", ":"))
        session.add(ControlsRow(teen_id=teen.id, version=3, body=body, updated_at=now))
        pattern = (35, 52, 61, 48, 75, 90, 20) if teen is maya else (80, 95, 70, 110, 88, 120, 45)
        for days_ago, minutes in zip(range(6, -1, -1), pattern, strict=True):
            day = today - timedelta(days=days_ago)
            session.add(UsageRow(teen_id=teen.id, day=day, minutes=minutes, updated_at=now))

    approved_day = today - timedelta(days=2)
    session.add(
        TimeRequestRow(
            id=new_id(),
            teen_id=maya.id,
            day=approved_day,
            minutes=30,
            reason="Finishing the video for my science project",
            status="approved",
            created_at=now - timedelta(days=2, hours=1),
            decided_at=now - timedelta(days=2),
            decided_by_id=alex.id,
            granted_minutes=15,
        )
    )
    history(2.04, maya, maya, "time_request", "requested", None, 30)
    history(2, alex, maya, "time_request", "approved", 30, 15)
    session.add(
        TimeRequestRow(
            id=new_id(),
            teen_id=sam.id,
            day=today,
            minutes=30,
            reason="Watching the match highlights with friends",
            status="pending",
            created_at=now - timedelta(minutes=20),
        )
    )
    history(0.014, sam, sam, "time_request", "requested", None, 30)
    session.flush()
    return DemoFamily(
        guardian_id=alex.id,
        guardian_email=alex.email,
        guardian_password=alex.demo_password,  # type: ignore[attr-defined]
        guardian_name=alex.display_name,
        second_guardian_email=jordan.email,
        second_guardian_password=jordan.demo_password,  # type: ignore[attr-defined]
        second_guardian_name=jordan.display_name,
        teens=tuple(
            DemoTeen(t.id, t.display_name, t.email, t.demo_password, age)  # type: ignore[attr-defined]
            for t, age in ((maya, 14), (sam, 16))
        ),
    )
