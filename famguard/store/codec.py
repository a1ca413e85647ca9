"""JSON form of the cached domain objects (teens, usage, time requests, activity, the phone's
receipt, temporary rules), so the cache
can hand back the same dataclasses the API client returned — text people typed made harmless as
the API client makes it (famguard.api.parsing: an older app cached it as an older service sent it)."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from famguard.domain.models import Role, TeenSummary, TimeRequest, TimeRequestStatus, UsageDay
from famguard.domain.plain_text import harmless, harmless_values

if TYPE_CHECKING:  # made when first read (famguard.domain.models says why)
    from famguard.domain.models import ActivityEntry, PhoneStatus, TemporaryRule


def _dt(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


def teen_to_json(t: TeenSummary) -> str:
    birth = t.birth_date.isoformat() if t.birth_date else None
    return json.dumps(
        {"id": t.id, "display_name": t.display_name, "age": t.age, "linked_at": t.linked_at.isoformat(), "birth": birth}
    )


def teen_from_json(text: str) -> TeenSummary:
    o = json.loads(text)
    birth = date.fromisoformat(o["birth"]) if o.get("birth") else None
    return TeenSummary(o["id"], harmless(o["display_name"]), o["age"], datetime.fromisoformat(o["linked_at"]), birth)


def usage_to_json(u: UsageDay) -> str:
    return json.dumps(
        {"date": u.date.isoformat(), "minutes": u.minutes, "limit_minutes": u.limit_minutes, "extra": u.extra_minutes}
    )


def usage_from_json(text: str) -> UsageDay:
    o = json.loads(text)
    return UsageDay(date.fromisoformat(o["date"]), o["minutes"], o["limit_minutes"], o.get("extra", 0))


def time_request_to_json(r: TimeRequest) -> str:
    return json.dumps(
        {
            "id": r.id,
            "teen_id": r.teen_id,
            "date": r.date.isoformat(),
            "minutes": r.minutes,
            "reason": r.reason,
            "status": r.status.value,
            "created_at": r.created_at.isoformat(),
            "decided_at": r.decided_at.isoformat() if r.decided_at else None,
            "decided_by": r.decided_by,
            "granted_minutes": r.granted_minutes,
        }
    )


def time_request_from_json(text: str) -> TimeRequest:
    o = json.loads(text)
    return TimeRequest(
        id=o["id"],
        teen_id=o["teen_id"],
        date=date.fromisoformat(o["date"]),
        minutes=o["minutes"],
        reason=harmless(o["reason"]),
        status=TimeRequestStatus(o["status"]),
        created_at=datetime.fromisoformat(o["created_at"]),
        decided_at=_dt(o["decided_at"]),
        decided_by=None if o["decided_by"] is None else harmless(o["decided_by"]),
        granted_minutes=o["granted_minutes"],
    )


def activity_to_json(a: ActivityEntry) -> str:
    actor: dict[str, Any] | None = None
    if a.actor is not None:
        actor = {"id": a.actor.id, "display_name": a.actor.display_name, "role": a.actor.role.value}
    return json.dumps(
        {
            "id": a.id,
            "at": a.at.isoformat(),
            "actor": actor,
            "teen_id": a.teen_id,
            "kind": a.kind,
            "field": a.field,
            "before": a.before,
            "after": a.after,
        }
    )


def activity_from_json(text: str) -> ActivityEntry:
    from famguard.domain.models import ActivityEntry, Actor

    o = json.loads(text)
    actor = o["actor"]
    return ActivityEntry(
        id=o["id"],
        at=datetime.fromisoformat(o["at"]),
        actor=None if actor is None else Actor(actor["id"], harmless(actor["display_name"]), Role(actor["role"])),
        teen_id=o["teen_id"],
        kind=o["kind"],
        field=o["field"],
        before=harmless_values(o["before"]),
        after=harmless_values(o["after"]),
    )


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def phone_to_json(p: PhoneStatus) -> str:
    return json.dumps(
        {
            "last_seen_at": _iso(p.last_seen_at),
            "applied_etag": p.applied_etag,
            "applied_at": _iso(p.applied_at),
            "current_etag": p.current_etag,
            "up_to_date": p.up_to_date,
            "link_ends_on": p.link_ends_on.isoformat() if p.link_ends_on else None,
        }
    )


def phone_from_json(text: str) -> PhoneStatus:
    from famguard.domain.models import PhoneStatus

    o = json.loads(text)
    ends = o.get("link_ends_on")
    return PhoneStatus(
        _dt(o["last_seen_at"]),
        o["applied_etag"],
        _dt(o["applied_at"]),
        o["current_etag"],
        o["up_to_date"],
        date.fromisoformat(ends) if ends else None,
    )


def rules_to_json(rules: list[TemporaryRule]) -> str:
    return json.dumps(
        [
            {
                "id": r.id,
                "name": r.name,
                "starts_on": r.starts_on.isoformat(),
                "ends_on": r.ends_on.isoformat(),
                "controls": r.controls,
                "created_by": r.created_by,
                "created_by_id": r.created_by_id,
                "status": r.status,
            }
            for r in rules
        ]
    )


def rules_from_json(text: str) -> list[TemporaryRule]:
    from famguard.domain.models import TemporaryRule

    return [
        TemporaryRule(
            o["id"],
            harmless(o["name"]),
            date.fromisoformat(o["starts_on"]),
            date.fromisoformat(o["ends_on"]),
            o["controls"],
            harmless(o["created_by"]),
            o["status"],
            o.get("created_by_id"),  # stores written before it was kept have none
        )
        for o in json.loads(text)
    ]
