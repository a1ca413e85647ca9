"""What the ui may rely on of the demo (started by the composition root, famguard.app): the
practice service with its guardian's sign-in, and the demo teen's phone. Protocols, so the ui is
typed against them without importing the server stack that implements them. And the demo
guardian's local store as the practice service will answer it (`write_demo_store`), written from
the demo family's one definition (famguard.domain.demo_family) before the service is up."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from famguard.domain.controls import Controls, controls_to_json
from famguard.domain.demo_family import DemoPlan
from famguard.domain.errors import ErrorKind, FamGuardError
from famguard.domain.models import (
    ActivityEntry,
    GuardianLink,
    Pairing,
    TeenSummary,
    TemporaryRule,
    TimeRequest,
    UsageDay,
)
from famguard.domain.usage_chart import DEFAULT_USAGE_DAYS

if TYPE_CHECKING:
    from famguard.services.session import AccountSession, SessionService
    from famguard.store import AccountStore


class DemoUnavailable(FamGuardError):
    """The demo could not start on this computer: its temporary folder or its practice service."""

    kind = ErrorKind.LOCAL
    title = "The demo could not start"


def write_demo_store(store: AccountStore, plan: DemoPlan) -> None:
    """What the practice service will answer the demo's guardian (`plan.guardian`) about their
    family: the teens, their controls with the ETag, the week's usage and the time requests."""
    guardian = plan.guardian
    names = {person.id: person.display_name for person in plan.people}
    teens = []
    for teen in plan.teens:
        link = next(link for link in plan.links if link.guardian_id == guardian.id and link.teen_id == teen.person.id)
        teens.append(TeenSummary(teen.person.id, teen.person.display_name, teen.age, link.linked_at, teen.person.born))
        store.save_controls(teen.person.id, controls_to_json(teen.controls), teen.etag)
        # The week, as the service's usage read answers by default (the home's); the chart asks the
        # service for its 28 days.
        store.replace_usage(teen.person.id, plan.usage_days(teen.person.id)[-DEFAULT_USAGE_DAYS:])
        store.replace_time_requests(
            teen.person.id,
            [
                TimeRequest(
                    id=request.id,
                    teen_id=request.teen_id,
                    date=request.day,
                    minutes=request.minutes,
                    reason=request.reason,
                    status=request.status,
                    created_at=request.created_at,
                    decided_at=request.decided_at,
                    decided_by=names[request.decided_by_id] if request.decided_by_id else None,
                    granted_minutes=request.granted_minutes,
                )
                for request in plan.requests_of(teen.person.id)
            ],
        )
    store.replace_teens(teens)


@dataclass(frozen=True)
class PhoneSnapshot:
    """Everything the teen's phone shows, read in one go (and the controls reported applied):
    `controls`/`etag` are None while no guardian manages the account."""

    controls: Controls | None
    etag: str | None
    guardians: list[GuardianLink]
    rules: list[TemporaryRule]
    activity: list[ActivityEntry]
    usage: UsageDay
    requests: list[TimeRequest]
    applied_at: datetime | None = None


class TeenPhone(Protocol):
    """The demo teen's side, signed in through the public API. Every method blocks."""

    @property
    def name(self) -> str: ...

    @property
    def age(self) -> int: ...

    def redeem(self, code: str) -> Pairing: ...

    def accept(self, pairing: Pairing) -> Pairing: ...

    def decline(self, pairing: Pairing) -> None: ...

    def controls(self) -> Controls | None:
        """The effective controls, or None while no guardian is linked."""
        ...

    def snapshot(self) -> PhoneSnapshot:
        """Read what the phone shows; report the effective controls' version as applied."""
        ...

    def unlink(self) -> None:
        """The teen ends every guardian link."""
        ...

    def report_usage(self, minutes: int) -> UsageDay: ...

    def add_usage(self, minutes: int) -> UsageDay:
        """Add minutes to what the service has for the teen's today."""
        ...

    def ask_for_time(self, minutes: int, reason: str) -> TimeRequest: ...

    def cursor(self) -> str: ...

    def wait_for_events(self, cursor: str) -> tuple[list[str], str]:
        """Wait a little for the teen's events: (the types that came, the next cursor)."""
        ...


class DemoEnvironment(Protocol):
    """The demo: its data folder and the demo guardian's session, opened from a store written
    before the practice service runs (`session`, blocking: call from a worker), then the service
    itself (`start_service`, blocking). `stop()` ends it and removes its data."""

    @property
    def base_url(self) -> str: ...

    @property
    def live(self) -> bool:
        """The practice service has answered and the guardian is signed in."""
        ...

    def session(self) -> AccountSession:
        """The demo guardian's session from the local store (its calls wait for the service)."""
        ...

    def start_service(self, session: AccountSession) -> None:
        """Start the practice service, sign the guardian's `session` and the teen's phone in
        (blocking)."""
        ...

    @property
    def sessions(self) -> SessionService:
        """Signs in without a keyring."""
        ...

    @property
    def guardian_email(self) -> str: ...

    @property
    def guardian_password(self) -> str: ...

    @property
    def teen(self) -> TeenPhone | None: ...

    def ask_to_join(self) -> Pairing:
        """Practice: the demo's guardian account linked with nobody pairs with the teen on the
        phone (its code entered and accepted there, then confirmed), so the demo guardian is asked
        to approve or refuse it (blocking). The pairing, `approval` (or `active` when that account
        is a guardian of the teen already); DemoUnavailable before the service is up."""
        ...

    def stop_service(self) -> None:
        """Stop the practice service (again is harmless); its waiting long polls answer at once."""
        ...

    def stop(self) -> None: ...
