"""The errors of server calls. Every failure of a server call reaches the layers above as one of
these (all under the client's one root, famguard.domain.errors.FamGuardError), each with a short
`title`, a `message` a parent can act on and a `kind`; `requests` exceptions are converted into
them in `famguard.api` (client and transport) and nowhere else."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from famguard.domain.errors import ErrorKind, FamGuardError, kind_of


class ApiError(FamGuardError):
    """Base of every server-call error. `code` is the server's error code when it sent one (for
    telling two refusals apart, e.g. "already_decided"); the ui acts on `kind`, never on a
    missing code."""

    kind = ErrorKind.REFUSED
    title = "Something went wrong"

    def __init__(self, message: str, *, title: str | None = None, code: str | None = None) -> None:
        super().__init__(message, title=title)
        self.code = code


class InsecureServerUrl(ApiError):
    title = "Not a safe address"


class NetworkUnreachable(ApiError):
    kind = ErrorKind.OFFLINE
    title = "Can't reach the service"


class ServiceStopped(NetworkUnreachable):
    """Nothing listens any more where the service answered this client before (connection
    refused): the service has stopped or is restarting — the parent's connection is fine, and the
    app says so rather than "You are offline". Retried as any unreachable service is."""

    title = "The service has stopped"


class TimedOut(ApiError):
    kind = ErrorKind.OFFLINE
    title = "The service is not answering"


class NotAnswering(TimedOut):
    """The service took the connection and the request, then did not answer in time (it hung, or
    is overwhelmed): the parent's connection carried the request, and the app says so rather than
    "You are offline" (an outside tester stopped the service: "You are offline" for a minute).
    Retried as any timeout is."""


class AnswerTooSlow(ApiError):
    """The service was reached and its answer began, but it was still arriving at the call's
    overall deadline (famguard.api.http_session): not the parent's connection, which carried it."""

    title = "The service answers too slowly"


class SignedOut(ApiError):
    """The sign-in is over (refresh token rejected, revoked or never there): sign in again."""

    kind = ErrorKind.SIGNED_OUT
    title = "Please sign in again"


class InvalidCredentials(ApiError):
    title = "Wrong email or password"


class Forbidden(ApiError):
    title = "Not allowed"


class NotFound(ApiError):
    title = "Not found"


class ValidationFailed(ApiError):
    """The server refused a value; `fields` maps each field to its plain-language reason."""

    title = "Please check what you entered"

    def __init__(
        self,
        message: str,
        fields: Mapping[str, str] | None = None,
        *,
        title: str | None = None,
        code: str | None = None,
    ) -> None:
        super().__init__(message, title=title, code=code)
        self.fields = dict(fields or {})


class Conflict(ApiError):
    """409: the state on the server does not allow this (already decided, pairing not open, …)."""

    kind = ErrorKind.CONFLICT
    title = "Already changed"


class PreconditionFailed(ApiError):
    """412: someone else changed it first. `current_etag` is the server's version when known."""

    kind = ErrorKind.CONFLICT
    title = "Changed by someone else"

    def __init__(
        self, message: str, current_etag: str | None = None, *, title: str | None = None, code: str | None = None
    ) -> None:
        super().__init__(message, title=title, code=code)
        self.current_etag = current_etag


class Gone(ApiError):
    title = "Expired"


class RateLimited(ApiError):
    """429, or a Retry-After too long to wait out: nothing is sent again before `retry_at`."""

    title = "Sync paused"

    def __init__(
        self, message: str, retry_at: datetime | None = None, *, title: str | None = None, code: str | None = None
    ) -> None:
        super().__init__(message, title=title, code=code)
        self.retry_at = retry_at


class ServerError(ApiError):
    title = "The service has a problem"


class ProtocolError(ApiError):
    """The reply was not what the API contract promises (wrong shape, not JSON, truncated…)."""

    title = "Unexpected answer from the service"
    answered_unlike_the_service = True


def service_problem(exc: BaseException) -> bool:
    """Whether a failure is the service's, not the parent's connection: it answered and failed,
    or it answered before and nothing listens now (stopped or restarting). The one rule for the
    sync status, the banner and the replies that say when to try again."""
    return kind_of(exc) is not ErrorKind.OFFLINE or isinstance(exc, ServiceStopped | NotAnswering)


def try_again_when(exc: BaseException) -> str:
    """When something not sent can go: "when the service works again" for a stopped service (the
    connection is fine), "when the connection is back" for an unreachable one."""
    return "when the service works again" if service_problem(exc) else "when the connection is back"
