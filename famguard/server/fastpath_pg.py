"""The hot read and write of the API on PostgreSQL, taken in front of FastAPI like the SQLite
fast paths (fastpath.py, fastpath_write.py) and with the same rule code: GET
/v1/teens/{teen_id}/controls is access.CONTROLS_READ_SQL and access.controls_read, in one round
trip; PATCH is controls_write.change_controls — the route's own rule, If-Match check, validation,
update, history and event — in one transaction, and with an Idempotency-Key (every change the
app sends) idempotency.keyed_change, as the route makes it: claim, change and answer together.
Both run on the psycopg connections of Database.direct (a few threads of their own: no ORM
session, no pool ping, no BEGIN/COMMIT around a read), and answer what the route answers
(routes_controls.controls_read_response / replay_response). Measured at 50 connections, the
route spent ~2.5 ms of CPU per GET and ~6 ms per PATCH in this process, most of it in the ORM and
in forty request threads contending for the GIL.

Whatever the rule refuses, a change that fails for any reason (rolled back, nothing written; a
refusal for the write budget is remembered, so the account's next changes in its minute go to
the route at once, which refuses them from a read: write_budget.SpentBudgets), a body that is
not a JSON object of sensible size, another body under a key used before, and any error go on
to the FastAPI route, which gives the answer (and ends the links of a teen who turned 18).
create_app(fast_path=False) or FAMGUARD_FAST_PATH=0 leaves this out, so the tests run every
controls read and change both ways on PostgreSQL too."""

from __future__ import annotations

import json
import re
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

from famguard.server.access import CONTROLS_READ_SQL, ControlsRead
from famguard.server.controls_write import change_controls
from famguard.server.fastpath import answerable_read, first_values
from famguard.server.fastpath_write import _candidate, _read_body, _replaying
from famguard.server.idempotency import Replay, fingerprint, keyed_change
from famguard.server.routes_controls import ETAG_HEADER_MAX, controls_read_response, replay_response
from famguard.server.security import token_hash
from famguard.server.service import Service
from famguard.server.statements import PsycopgStatements
from famguard.server.write_budget import BudgetSpent

_PATH = re.compile(r"^/v1/teens/([0-9a-f]{32})/controls$")


class FastControlsPostgres:
    """ASGI middleware; a no-op for every other request and for databases other than PostgreSQL."""

    def __init__(self, app: ASGIApp, service: Service):
        self.app = app
        self.service = service
        self.enabled = service.db.is_postgres

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.enabled and scope["type"] == "http" and scope["method"] in ("GET", "PATCH"):
            match = _PATH.fullmatch(scope["path"])
            if match and not scope.get("query_string"):
                headers = first_values(scope["headers"])
                token = _bearer(headers)
                if scope["method"] == "GET":
                    if_none_match = headers.get(b"if-none-match", b"").decode("latin-1") or None
                    found = await self._read(match.group(1), token) if token else None
                    if found is not None and len(if_none_match or "") <= ETAG_HEADER_MAX:
                        await controls_read_response(found, if_none_match)(scope, receive, send)
                        return
                elif _candidate(scope["headers"], headers):
                    body, complete = await _read_body(receive)
                    answer = None
                    if complete and token:
                        key = headers.get(b"idempotency-key")
                        answer = await self._change(
                            scope["path"], match.group(1), token, headers[b"if-match"], key, body
                        )
                    if answer is not None:
                        await replay_response(answer)(scope, receive, send)
                        return
                    receive = _replaying(body, complete, receive)
        await self.app(scope, receive, send)

    async def _read(self, teen_id: str, token: str) -> ControlsRead | None:
        sql = PsycopgStatements.converted(CONTROLS_READ_SQL)
        params = {"teen": teen_id, "h": token_hash(token)}
        try:
            row = await self.service.db.direct.run(lambda connection: connection.execute(sql, params).fetchone())
        except Exception:  # noqa: BLE001 - the full path will meet the same problem and report it
            return None
        return answerable_read(row, self.service.now())

    async def _change(
        self, path: str, teen_id: str, token: str, if_match: bytes, key: bytes | None, sent: bytes
    ) -> Replay | None:
        try:
            raw: Any = json.loads(sent)
        except ValueError:
            return None
        if not isinstance(raw, dict):
            return None
        now = self.service.now()
        if self.service.spent_until(token) is not None:
            return None  # the route refuses it from a read, without a transaction on the budget's row

        expected = if_match.decode("latin-1")

        def change(connection: Any) -> tuple[Replay, list[int]]:  # noqa: ANN401 - psycopg.Connection
            statements = PsycopgStatements(connection)
            with connection.transaction():  # rolled back by any refusal, which the route then answers
                if key is None:
                    body, etag, _actor = change_controls(statements, now, token, teen_id, expected, raw)
                    answer = Replay(200, body, etag)
                else:  # a duplicate waits here for the first's transaction, then replays its answer
                    digest = fingerprint("PATCH", path, raw)
                    answer = keyed_change(statements, now, token, teen_id, expected, raw, key.decode("latin-1"), digest)
            return answer, statements.event_ids

        try:
            answer, event_ids = await self.service.db.direct.run(change)
        except BudgetSpent as refused:  # the route answers it, and then the next ones from a read
            self.service.spent.remember(token, refused, now)
            return None
        except Exception:  # noqa: BLE001 - nothing was written: the route meets the same refusal and answers it
            return None
        if event_ids:  # committed: tell every process's waiting polls
            self.service.notifier.announce(event_ids)
        return answer


def _bearer(headers: dict[bytes, bytes]) -> str | None:
    scheme, _, token = headers.get(b"authorization", b"").decode("latin-1").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None
