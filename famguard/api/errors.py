"""The one error hierarchy of the client core. Every failure of a server call reaches the layers
above as one of these, each with a short `title` and a `message` a parent can act on; `requests`
exceptions are converted into them in `famguard.api.client` and nowhere else."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any


class ApiError(Exception):
    """Base of every client-core error: `title` for a dialog heading, `message` for its text."""

    title = "Something went wrong"

    def __init__(self, message: str, *, title: str | None = None, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if title is not None:
            self.title = title
        self.code = code  # the server's error code when there was one

    def __str__(self) -> str:
        return f"{self.title}: {self.message}"


class InsecureServerUrl(ApiError):
    title = "Not a safe address"


class NetworkUnreachable(ApiError):
    title = "Can't reach the service"


class TimedOut(ApiError):
    title = "The service is not answering"


class SignedOut(ApiError):
    """The sign-in is over (refresh token rejected, revoked or never there): sign in again."""

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

    def __init__(self, message: str, fields: Mapping[str, str] | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.fields = dict(fields or {})


class Conflict(ApiError):
    """409: the state on the server does not allow this (already decided, pairing not open, …)."""

    title = "Already changed"


class PreconditionFailed(ApiError):
    """412: someone else changed it first. `current_etag` is the server's version when known."""

    title = "Changed by someone else"

    def __init__(self, message: str, current_etag: str | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.current_etag = current_etag


class Gone(ApiError):
    title = "Expired"


class RateLimited(ApiError):
    """429, or a Retry-After too long to wait out: nothing is sent again before `retry_at`."""

    title = "Sync paused"

    def __init__(self, message: str, retry_at: datetime | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.retry_at = retry_at


class ServerError(ApiError):
    title = "The service has a problem"


class ProtocolError(ApiError):
    """The reply was not what the API contract promises (wrong shape, not JSON, truncated…)."""

    title = "Unexpected answer from the service"
