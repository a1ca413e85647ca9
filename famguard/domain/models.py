"""The typed objects of the FamGuard API other than controls: accounts, teens, pairings, usage,
time requests, activity, events, the phone's receipts and temporary rules. The REST client
returns these; the UI shows them.

The ones a family's first screen shows (the account, the teens, their usage and time requests)
are made here; the others are defined in famguard.domain.later_models and made the first time one
of them is asked for (through this module too): each frozen dataclass costs ~0.7 ms of CPU to make
on Python 3.11, and a returning guardian's start made all twelve before the family from the local
store was painted, where it needs four (tests/benchmarks/bench_startup.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from famguard.domain.later_models import ActivityEntry as ActivityEntry
    from famguard.domain.later_models import Actor as Actor
    from famguard.domain.later_models import Event as Event
    from famguard.domain.later_models import GuardianLink as GuardianLink
    from famguard.domain.later_models import GuardianRequest as GuardianRequest
    from famguard.domain.later_models import Pairing as Pairing
    from famguard.domain.later_models import PairingTeen as PairingTeen
    from famguard.domain.later_models import PhoneStatus as PhoneStatus
    from famguard.domain.later_models import TemporaryRule as TemporaryRule


class Role(StrEnum):
    GUARDIAN = "guardian"
    TEEN = "teen"


class PairingStatus(StrEnum):
    WAITING = "waiting"
    ACCEPTED = "accepted"
    APPROVAL = "approval"  # confirmed, waiting for one of the teen's guardians to approve
    ACTIVE = "active"
    REFUSED = "refused"  # one of the teen's guardians said no
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
class UsageDay:
    """One day of a teen's screen time, as the phone reported it."""

    date: date
    minutes: int
    limit_minutes: int | None  # that day's limit, approved extra time included; None: no limit
    extra_minutes: int = 0  # the extra time approved for that day (0 from a service that does not say)


MAX_REQUEST_REASON = 500  # characters of a teen's reason for more time (the service refuses more)


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


# The history's "actor" filter value for the entries FamGuard wrote itself (no actor: a rule that
# started or ended, a birthday); account ids are 32 hex digits, so it names no account.
SYSTEM_ACTOR = "famguard"


LATER_MODELS = frozenset(
    {
        "PairingTeen",
        "Pairing",
        "GuardianLink",
        "GuardianRequest",
        "Actor",
        "ActivityEntry",
        "Event",
        "PhoneStatus",
        "TemporaryRule",
    }
)


def __getattr__(name: str) -> object:
    """The models a family's first screen does not show, made when first asked for."""
    if name in LATER_MODELS:
        from famguard.domain import later_models

        return getattr(later_models, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
