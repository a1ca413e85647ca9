"""What the ui may rely on of the demo (started by the composition root, famguard.app): the
practice service with its guardian's sign-in, and the demo teen's phone. Protocols, so the ui is
typed against them without importing the server stack that implements them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from famguard.domain.controls import Controls
from famguard.domain.models import Pairing, TimeRequest, UsageDay

if TYPE_CHECKING:
    from famguard.services.session import SessionService


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

    def report_usage(self, minutes: int) -> UsageDay: ...

    def ask_for_time(self, minutes: int, reason: str) -> TimeRequest: ...

    def cursor(self) -> str: ...

    def wait_for_events(self, cursor: str) -> tuple[int, str]:
        """Wait a little for the teen's events: (how many came, the next cursor)."""
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

    def stop(self) -> None: ...
