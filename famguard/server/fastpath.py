"""The hot read of the API, GET /v1/teens/{teen_id}/controls, answered in front of FastAPI on
SQLite: one indexed statement checks the token, its sign-in, the guardian, the live link and the
teen's age and fetches the stored controls JSON, on the event loop (a point read in WAL mode
takes tens of microseconds, less than a worker-thread hop), with no routing, dependency solving
or serialisation. Anything unusual — no or expired token, another family, a teen near 18, any
error — goes on to the FastAPI route, which gives every refusal its precise answer."""

from __future__ import annotations

import re
from datetime import date, timedelta

from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from famguard.domain.age import ADULT_AGE, age_on
from famguard.domain.controls import is_complete_body
from famguard.server.routes_controls import etag_matches, etag_of
from famguard.server.security import token_hash
from famguard.server.service import Service, utc

_PATH = re.compile(r"^/v1/teens/([0-9a-f]{32})/controls$")
_READ = (
    "SELECT t.kind, t.expires_at, s.revoked_at, a.role, teen.birth_date, c.version, c.body "
    "FROM tokens t JOIN signins s ON s.id = t.signin_id JOIN accounts a ON a.id = s.account_id "
    "JOIN links l ON l.guardian_id = a.id AND l.teen_id = :teen AND l.ended_at IS NULL "
    "JOIN accounts teen ON teen.id = l.teen_id JOIN controls c ON c.teen_id = l.teen_id "
    "WHERE t.token_hash = :h"
)


def fast_read(service: Service, token: str, teen_id: str) -> tuple[int, str] | None:
    """(version, body) when everything is in order, else None."""
    row = service.db.inline_query(_READ, {"teen": teen_id, "h": token_hash(token)})
    if row is None:
        return None
    kind, expires_at, revoked_at, role, birth_date, version, body = row
    now = service.now()
    if kind != "access" or revoked_at is not None or role != "guardian" or utc(expires_at) <= now:
        return None
    # Any time zone's date is at most one day after UTC's: under 18 then means under 18 anywhere.
    if age_on(date.fromisoformat(birth_date), (now + timedelta(days=1)).date()) >= ADULT_AGE:
        return None
    if not is_complete_body(body):  # stored before a control existed: the route fills in its default
        return None
    return version, body


class FastControlsRead:
    """ASGI middleware; a no-op for every other request and for databases other than SQLite."""

    def __init__(self, app: ASGIApp, service: Service):
        self.app = app
        self.service = service

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "GET" and self.service.db.is_sqlite:
            match = _PATH.match(scope["path"])
            if match and not scope.get("query_string"):
                response = self._answer(match.group(1), scope["headers"])
                if response is not None:
                    await response(scope, receive, send)
                    return
        await self.app(scope, receive, send)

    def _answer(self, teen_id: str, raw_headers: list[tuple[bytes, bytes]]) -> Response | None:
        headers: dict[bytes, bytes] = dict(raw_headers)
        scheme, _, token = headers.get(b"authorization", b"").decode("latin-1").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return None
        try:
            found = fast_read(self.service, token.strip(), teen_id)
        except Exception:  # noqa: BLE001 - the full path will meet the same problem and report it
            return None
        if found is None:
            return None
        etag = etag_of(found[0])
        if_none_match = headers.get(b"if-none-match")
        if if_none_match and etag_matches(if_none_match.decode("latin-1"), etag):
            return Response(status_code=304, headers={"ETag": etag})
        return Response(content=found[1], media_type="application/json", headers={"ETag": etag})
