"""A teen's controls: read with an ETag, change with If-Match (428 without, 412 and nothing
changed when stale) and an optional Idempotency-Key, validated by the shared domain rules;
every changed field goes to the history and to the family's event feed."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Body, Depends, Header, Request, Response
from sqlalchemy import text
from sqlalchemy.orm import Session

from famguard.domain.controls import etag_of, is_complete_body
from famguard.server import idempotency
from famguard.server.access import (
    CONTROLS_READ_SQL,
    ControlsRead,
    Refusal,
    controls_read,
    refusal_error,
    teen_age,
    timezone_of,
)
from famguard.server.controls_write import (
    change_controls,
    complete_read,
    etag_matches,
)
from famguard.server.models import Account, ControlsRow
from famguard.server.responses import errors
from famguard.server.route_table import RouteTable
from famguard.server.schemas import ControlsOut
from famguard.server.security import token_hash
from famguard.server.service import Service, bearer_token, require_bearer
from famguard.server.statements import SessionStatements
from famguard.server.write_budget import BudgetSpent

router = RouteTable(tags=["controls"], dependencies=[Depends(require_bearer)])

_ETAG_HEADER = {"ETag": {"description": "The version of these controls", "schema": {"type": "string"}}}
_CONTROLS_READ = text(CONTROLS_READ_SQL)
ETAG_HEADER_MAX = 200  # longer If-Match / If-None-Match headers are refused (422)
KEY_MAX = 100  # the longest Idempotency-Key
_PATCH_BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ControlsPatch"}}},
    }
}


def _service(request: Request) -> Service:
    return request.app.state.service


def stored_controls(service: Service, session: Session, teen: Account, row: ControlsRow) -> tuple[str, str]:
    """The stored body as this version of the API gives it, and its ETag. A body stored before
    a control existed lacks it and reads as its default for the teen's age (no data migration,
    see famguard.domain.controls); the ETag then names the age band as well, so a cached copy
    is refreshed when turning 16 changes those defaults."""
    if is_complete_body(row.body):
        return row.body, etag_of(row.version)
    found = complete_read(ControlsRead(row.version, row.body), service.teen_age(session, teen))
    return found.body, etag_of(found.version, found.band)


def controls_response(body: str, etag: str, status_code: int = 200) -> Response:
    """A controls body with its ETag, as every path answers it."""
    return Response(content=body, status_code=status_code, media_type="application/json", headers={"ETag": etag})


def replay_response(replay: idempotency.Replay) -> Response:
    """The stored answer to a change made before with the same Idempotency-Key (both paths)."""
    return Response(
        content=replay.body,
        status_code=replay.status_code,
        media_type="application/json",
        headers={"ETag": replay.etag} if replay.etag else None,
    )


@router.get(
    "/v1/teens/{teen_id}/controls",
    response_model=ControlsOut,
    responses={200: {"headers": _ETAG_HEADER}, 304: {"description": "Not modified"}, **errors()},
)
def get_controls(
    teen_id: str, request: Request, if_none_match: Annotated[str | None, Header(max_length=ETAG_HEADER_MAX)] = None
) -> Response:
    """A linked teen's controls, with the ETag to send back as If-Match when changing them.
    (On SQLite, fastpath.FastControlsRead answers the common case before it gets here.)"""
    # One rule on both paths: access.controls_read over CONTROLS_READ_SQL's row.
    service = _service(request)
    token = bearer_token(request)
    assert token is not None  # require_bearer refused the request otherwise
    with service.db.read() as session:
        row = session.execute(_CONTROLS_READ, {"h": token_hash(token), "teen": teen_id}).first()
        found = controls_read(row, service.now())
    if isinstance(found, Refusal):
        raise refusal_error(found, teen_id=teen_id)
    if not is_complete_body(found.body):  # stored before a control existed (never on the fast path)
        assert found.birth_date is not None  # controls_read gives it with every allowed read
        body = found.body
        found = complete_read(found, teen_age(found.birth_date, service.now(), lambda: timezone_of(body)))
    return controls_read_response(found, if_none_match)


def controls_read_response(found: ControlsRead, if_none_match: str | None) -> Response:
    """The answer to an allowed controls read, on either path: 304 when If-None-Match names
    the current version, else the stored body, always with the ETag."""
    etag = etag_of(found.version, found.band)
    if if_none_match and etag_matches(if_none_match, etag):
        return Response(status_code=304, headers={"ETag": etag})
    return controls_response(found.body, etag)


@router.patch(
    "/v1/teens/{teen_id}/controls",
    response_model=ControlsOut,
    responses={200: {"headers": _ETAG_HEADER}, **errors(409, 412, 428, 429)},
    openapi_extra=_PATCH_BODY,
)
def patch_controls(
    teen_id: str,
    request: Request,
    patch: Annotated[dict[str, Any], Body()],
    if_match: Annotated[str | None, Header(max_length=ETAG_HEADER_MAX)] = None,
    idempotency_key: Annotated[str | None, Header(min_length=1, max_length=KEY_MAX)] = None,
) -> Response:
    """Change some controls. Send the ETag you read as If-Match; a stale one changes nothing."""
    # On SQLite, fastpath_write.FastControlsWrite makes the common change before it gets here
    # (with a key through idempotency.keyed_change); both run controls_write.change_controls.
    service = _service(request)
    token = bearer_token(request)
    assert token is not None  # require_bearer refused the request otherwise
    spent_until = service.refused_for_budget(request)
    if spent_until is not None:  # answered from a read: no writer's turn (write_budget.SpentBudgets)
        with service.db.read() as session:
            statements, now = SessionStatements(session), service.now()
            if idempotency_key is None:
                body, etag, _actor = change_controls(
                    statements, now, token, teen_id, if_match, patch, spent_until=spent_until
                )
                return controls_response(body, etag)  # it changed nothing, so spent nothing
            digest = idempotency.fingerprint("PATCH", request.url.path, patch)
            kept = idempotency.keyed_change(
                statements, now, token, teen_id, if_match, patch, idempotency_key, digest, spent_until
            )
            return replay_response(kept)
    try:
        return _change(service, request, token, teen_id, if_match, patch, idempotency_key)
    except BudgetSpent as refused:
        service.spent.remember(token, refused, service.now())
        raise


def _change(
    service: Service,
    request: Request,
    token: str,
    teen_id: str,
    if_match: str | None,
    patch: dict[str, Any],
    idempotency_key: str | None,
) -> Response:
    """The change in a write transaction (with a key: claimed first, its answer kept with it)."""
    if idempotency_key is None:
        with service.db.write() as session:
            body, etag, _actor = change_controls(
                SessionStatements(session), service.now(), token, teen_id, if_match, patch
            )
        return controls_response(body, etag)

    digest = idempotency.fingerprint("PATCH", request.url.path, patch)
    with service.db.write() as session:
        kept = idempotency.keyed_change(
            SessionStatements(session),
            service.now(),
            token,
            teen_id,
            if_match,
            patch,
            idempotency_key,
            digest,
            claimed=lambda: service.hook("after_idempotency_claim"),
        )
    return replay_response(kept)


# GET /v1/me/controls (the teen's effective controls, with any temporary rule) is in routes_phone.
