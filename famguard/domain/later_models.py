"""The API's objects a family's first screen does not show: pairings, the teen's side of a link,
the activity history, the service's events, the phone's receipts and temporary rules. Import them
from famguard.domain.models, which makes them from here when first asked for (it says why)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from famguard.domain.models import PairingStatus, Role


@dataclass(frozen=True)
class PairingTeen:
    """The teen who redeemed a pairing code, as the guardian sees them before accepting."""

    id: str
    display_name: str
    age: int


@dataclass(frozen=True)
class Pairing:
    """A pairing of a guardian and a teen, from its code to its acceptance (or expiry)."""

    id: str
    status: PairingStatus
    code: str | None = None
    expires_at: datetime | None = None
    pair_uri: str | None = None
    guardian_name: str | None = None
    teen: PairingTeen | None = None


@dataclass(frozen=True)
class GuardianLink:
    """A guardian linked to the signed-in teen (the teen's side of a link)."""

    id: str
    display_name: str
    linked_at: datetime


@dataclass(frozen=True)
class GuardianRequest:
    """Another account asking to become a guardian of a teen: one of the teen's guardians
    approves or refuses it before `expires_at`."""

    id: str  # the pairing's
    teen_id: str
    guardian_id: str
    guardian_name: str
    asked_at: datetime
    expires_at: datetime


@dataclass(frozen=True)
class Actor:
    """Who made a change in the activity history."""

    id: str
    display_name: str
    role: Role


@dataclass(frozen=True)
class ActivityEntry:
    """One entry of a teen's history: who changed what, from what to what."""

    id: int
    at: datetime
    actor: Actor | None
    teen_id: str
    kind: str
    field: str | None
    before: Any
    after: Any


@dataclass(frozen=True)
class Event:
    """A change the service tells this app about (its long poll's events)."""

    id: int
    type: str
    teen_id: str | None
    at: datetime
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class PhoneStatus:
    """What the teen's phone last reported (times None until it first reports)."""

    last_seen_at: datetime | None
    applied_etag: str | None
    applied_at: datetime | None
    current_etag: str
    up_to_date: bool
    link_ends_on: date | None = None  # the 18th birthday, from 30 days before it


@dataclass(frozen=True)
class TemporaryRule:
    """A temporary rule: `controls` (wire form) on top of the teen's controls from `starts_on`
    to `ends_on`, the teen's local dates, inclusive; `status` as the service saw it today.
    `created_by` is the planner's name, `created_by_id` their account (None from a service or a
    local store from before it was sent: the rule then says the name)."""

    id: str
    name: str
    starts_on: date
    ends_on: date
    controls: dict[str, Any]
    created_by: str
    status: str
    created_by_id: str | None = None
