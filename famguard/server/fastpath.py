"""The hot reads of the API, answered in front of FastAPI on SQLite when they are allowed, each
by the route's own statement, rule and answer run on the event loop (a point read in WAL mode
takes tens of microseconds, less than a worker-thread hop), with no routing, dependency solving
or worker thread:

- GET /v1/teens/{teen_id}/controls: access.CONTROLS_READ_SQL and access.controls_read, answered
  by routes_controls.controls_read_response.
- GET /v1/me: access.ME_SQL (Service.authenticate's statement with the email and the teen's
  time zone) and access.token_refusal, answered by routes_accounts.me_out, serialised by the
  app's response class.

Whatever the rule refuses, and any error, goes on to the FastAPI route, which gives the refusal
its answer (and ends the links of a teen who turned 18). create_app(fast_path=False) or
FAMGUARD_FAST_PATH=0 leaves this out, so the tests run every such read both ways."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from famguard.domain.controls import is_complete_body
from famguard.server.access import (
    CONTROLS_READ_SQL,
    ME_SQL,
    ControlsRead,
    as_date,
    controls_read,
    timezone_of,
    token_refusal,
)
from famguard.server.routes_accounts import me_out
from famguard.server.routes_controls import ETAG_HEADER_MAX, controls_read_response
from famguard.server.security import token_hash
from famguard.server.service import Service
from famguard.server.strict_json import SafeJSONResponse

FAST_PATH_ENV = "FAMGUARD_FAST_PATH"  # "0" turns the fast path off (see app.create_app)
_PATH = re.compile(r"^/v1/teens/([0-9a-f]{32})/controls$")


def first_values(headers: list[tuple[bytes, bytes]]) -> dict[bytes, bytes]:
    """A request's headers by name, each with its first value: what the routes read (starlette's
    `Headers.get`), so a repeated header means the same on every path (a junk token sent before a
    valid one is refused on both, not answered by one)."""
    return dict(reversed(headers))


class FastControlsRead:
    """ASGI middleware; a no-op for every other request and for databases other than SQLite."""

    def __init__(self, app: ASGIApp, service: Service):
        self.app = app
        self.service = service

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "GET" and self.service.db.is_sqlite:
            match = _PATH.fullmatch(scope["path"])
            if match and not scope.get("query_string"):
                headers = first_values(scope["headers"])
                if_none_match = headers.get(b"if-none-match", b"").decode("latin-1") or None
                found = self._allowed(match.group(1), headers)
                if found is not None and len(if_none_match or "") <= ETAG_HEADER_MAX:
                    response = controls_read_response(found, if_none_match)
                    await response(scope, receive, send)
                    return
            elif scope["path"] == "/v1/me" and not scope.get("query_string"):
                me = self._me(first_values(scope["headers"]))
                if me is not None:
                    await me(scope, receive, send)
                    return
        await self.app(scope, receive, send)

    def _me(self, headers: dict[bytes, bytes]) -> Response | None:
        """GET /v1/me's answer, or None: refused or unusual, the route answers it."""
        scheme, _, token = headers.get(b"authorization", b"").decode("latin-1").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return None
        try:
            row = self.service.db.inline_query(ME_SQL, {"h": token_hash(token.strip())})
            if row is None or token_refusal(row, self.service.now()) is not None:
                return None
            account = me_out(self.service, row[4], row[8], row[6], row[5], as_date(row[7]), lambda: timezone_of(row[9]))
        except Exception:  # noqa: BLE001 - the route meets the same problem and reports it
            return None
        return SafeJSONResponse(account.model_dump(mode="json"))

    def _allowed(self, teen_id: str, headers: dict[bytes, bytes]) -> ControlsRead | None:
        scheme, _, token = headers.get(b"authorization", b"").decode("latin-1").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return None
        try:
            row = self.service.db.inline_query(CONTROLS_READ_SQL, {"teen": teen_id, "h": token_hash(token.strip())})
        except Exception:  # noqa: BLE001 - the full path will meet the same problem and report it
            return None
        return answerable_read(row, self.service.now())


def answerable_read(row: Any, now: datetime) -> ControlsRead | None:  # noqa: ANN401 - a DB row
    """The controls read a fast path answers itself from CONTROLS_READ_SQL's row (on SQLite and
    PostgreSQL alike); None leaves the request to the route."""
    try:
        found = controls_read(row, now)
    except Exception:  # noqa: BLE001 - the full path will meet the same problem and report it
        return None
    if not isinstance(found, ControlsRead) or not is_complete_body(found.body):
        return None  # refused, or stored before a control existed: the route fills in its default
    return found
