"""What the ui may rely on of the demo (started by the composition root, famguard.app): the
practice service with its guardian's sign-in, and the demo teen's phone. Protocols, so the ui is
typed against them without importing the server stack that implements them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from famguard.domain.controls import Controls
from famguard.domain.models import ActivityEntry, GuardianLink, Pairing, TemporaryRule, TimeRequest, UsageDay

if TYPE_CHECKING:
    from famguard.services.session import SessionService


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
    """A running practice service with the demo family. `stop()` ends it and removes its data."""

    @property
    def base_url(self) -> str: ...

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

    def stop_service(self) -> None:
        """Stop the practice service (again is harmless); its waiting long polls answer at once."""
        ...

    def stop(self) -> None: ...
