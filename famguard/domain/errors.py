"""The one error root of the client: every error the ui can receive is a FamGuardError with a
short `title`, a `message` a parent understands and a `kind` the ui acts on.

Each layer converts the library exceptions it meets (requests, keyring, sqlite3) into a subclass
at its own boundary; above that, code sorts errors by `kind` only — never by attribute sniffing
or class names. Anything that is not a FamGuardError is a bug (`kind_of` says BUG), which the ui
reports with its traceback. The domain's own error, DomainValidationError, lives here too."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum


class ErrorKind(StrEnum):
    """What the ui does about an error."""

    OFFLINE = "offline"  # the service could not be reached: keep working, show the offline banner
    REFUSED = "refused"  # the service (or a rule) said no, or answered unusably: say why, nothing else
    CONFLICT = "conflict"  # someone or something else came first: show what happened, let them choose
    SIGNED_OUT = "signed_out"  # the sign-in is over: ask for the password again
    LOCAL = "local"  # this computer failed (local database, keyring): say so, never "offline"
    BUG = "bug"  # FamGuard itself is wrong: report it with the details


class FamGuardError(Exception):
    """Base of every error the ui is meant to receive. Subclasses set `kind` and a default `title`."""

    kind: ErrorKind = ErrorKind.BUG
    title: str = "Something went wrong"
    # The address answered, but not as the service does: the address is what to check (as for
    # an address that cannot be reached, which is OFFLINE) — see `about_the_address`.
    answered_unlike_the_service: bool = False

    def __init__(self, message: str, *, title: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if title is not None:
            self.title = title

    def __str__(self) -> str:
        return f"{self.title}: {self.message}"


class DomainValidationError(FamGuardError, ValueError):
    """One or more fields broke a rule. `fields` maps each field name to a plain-language reason."""

    kind = ErrorKind.REFUSED
    title = "Please check what you entered"

    def __init__(self, fields: Mapping[str, str]) -> None:
        self.fields = dict(fields)
        super().__init__(" ".join(self.fields.values()))

    def __str__(self) -> str:
        return "; ".join(f"{name}: {reason}" for name, reason in self.fields.items())


def kind_of(exc: BaseException) -> ErrorKind:
    """The kind of any exception: a FamGuardError's own, BUG for everything else."""
    return exc.kind if isinstance(exc, FamGuardError) else ErrorKind.BUG


def user_message(exc: BaseException) -> str | None:
    """The parent-facing message, or None for a bug (which must be reported, not worded)."""
    return exc.message if isinstance(exc, FamGuardError) and exc.kind is not ErrorKind.BUG else None


def about_the_address(exc: BaseException) -> bool:
    """Whether the service's address is what to check: it could not be reached, or what answered
    there is not a FamGuard service."""
    return kind_of(exc) is ErrorKind.OFFLINE or getattr(exc, "answered_unlike_the_service", False) is True
