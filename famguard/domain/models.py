"""The typed objects of the FamGuard API other than controls: accounts, teens, pairings, usage,
time requests, activity, events, the phone's receipts and temporary rules. The REST client
returns these; the UI shows them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any


class Role(StrEnum):
    GUARDIAN = "guardian"
    TEEN = "teen"


class PairingStatus(StrEnum):
    WAITING = "waiting"
    ACCEPTED = "accepted"
    ACTIVE = "active"
    EXPIRED = "expired"
    CANCELLED = "cancelled"


class TimeRequestStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    DENIED = "denied"


@dataclass(frozen=True)
class Account:
    """A FamGuard account as the service describes it (a guardian's or a teen's)."""

    id: str
    email: str
    display_name: str
    role: Role
    age: int | None = None


@dataclass(frozen=True)
class TeenSummary:
    """A teen linked to the signed-in guardian, as the family list shows them."""

    id: str
    display_name: str
    age: int
    linked_at: datetime
    birth_date: date | None = None  # None from a service that does not say


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
class UsageDay:
    """One day of a teen's screen time, as the phone reported it."""

    date: date
    minutes: int
    limit_minutes: int | None  # that day's limit, approved extra time included; None: no limit
    extra_minutes: int = 0  # the extra time approved for that day (0 from a service that does not say)


@dataclass(frozen=True)
class TimeRequest:
    """A teen's request for more screen time on one day, and the guardian's answer."""

    id: str
    teen_id: str
    date: date
    minutes: int
    reason: str
    status: TimeRequestStatus
    created_at: datetime
    decided_at: datetime | None = None
    decided_by: str | None = None
    granted_minutes: int | None = None


@dataclass(frozen=True)
class Actor:
    """Who made a change in the activity history."""

    id: str
    display_name: str
    role: Role


# The history's "actor" filter value for the entries FamGuard wrote itself (no actor: a rule that
# started or ended, a birthday); account ids are 32 hex digits, so it names no account.
SYSTEM_ACTOR = "famguard"


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
    to `ends_on`, the teen's local dates, inclusive; `status` as the service saw it today."""

    id: str
    name: str
    starts_on: date
    ends_on: date
    controls: dict[str, Any]
    created_by: str
    status: str
