"""The error answers each route documents in /openapi.json, so that clients (and Schemathesis)
know every status a route can give."""

from __future__ import annotations

from typing import Any

from famguard.server.schemas import ErrorBody

_DESCRIPTIONS = {
    400: "A malformed query parameter (`bad_request`).",
    401: "Not signed in, or the token expired or was revoked.",
    403: "This kind of account cannot use this route.",
    404: "Not found, or not reachable by this account.",
    409: "The request conflicts with the current state.",
    410: "The pairing code or pairing has expired.",
    412: "`If-Match` does not match the current ETag; nothing changed.",
    422: "A body value or rule is broken; `fields` names each field and reason.",
    428: "`If-Match` is required.",
    429: "Too many attempts, or more writes than the account may make in a minute; wait `Retry-After` seconds.",
}

_RETRY_AFTER = {"Retry-After": {"description": "Seconds to wait", "schema": {"type": "integer"}}}


def errors(*statuses: int, public: bool = False) -> dict[int | str, dict[str, Any]]:
    """Response docs for the given statuses, plus those every signed-in route can answer."""
    base = {422} if public else {401, 403, 404, 422}
    documented: dict[int | str, dict[str, Any]] = {}
    for status in sorted(base | set(statuses)):
        entry: dict[str, Any] = {"model": ErrorBody, "description": _DESCRIPTIONS[status]}
        if status == 429:
            entry["headers"] = _RETRY_AFTER
        documented[status] = entry
    return documented
