"""A teen's controls: read with an ETag, change with If-Match (428 without, 412 and nothing
changed when stale) and an optional Idempotency-Key, validated by the shared domain rules;
every changed field goes to the history and to the family's event feed."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Header, Request, Response
from sqlalchemy import text, update
from sqlalchemy.orm import Session

from famguard.domain.age import is_under_16
from famguard.domain.controls import (
    apply_patch,
    controls_from_json,
    controls_to_json,
    is_complete_body,
    parse_controls_patch,
)
from famguard.domain.errors import DomainValidationError
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
from famguard.server.errors import ApiError, not_found
from famguard.server.models import Account, ControlsRow
from famguard.server.responses import errors
from famguard.server.schemas import ControlsOut
from famguard.server.security import token_hash
from famguard.server.service import Principal, Service, TeenTurnedAdult, bearer_token, require_bearer

router = APIRouter(tags=["controls"], dependencies=[Depends(require_bearer)])

_ETAG_HEADER = {"ETag": {"description": "The version of these controls", "schema": {"type": "string"}}}
_CONTROLS_READ = text(CONTROLS_READ_SQL)
ETAG_HEADER_MAX = 200  # longer If-Match / If-None-Match headers are refused (422)
_PATCH_BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ControlsPatch"}}},
    }
}


def _service(request: Request) -> Service:
    return request.app.state.service


def etag_of(version: int, band: str = "") -> str:
    return f'"{version}-{band}"' if band else f'"{version}"'


def stored_controls(service: Service, session: Session, teen: Account, row: ControlsRow) -> tuple[str, str]:
    """The stored body as this version of the API gives it, and its ETag. A body stored before
    a control existed lacks it and reads as its default for the teen's age (no data migration,
    see famguard.domain.controls); the ETag then names the age band as well, so a cached copy
    is refreshed when turning 16 changes those defaults."""
    if is_complete_body(row.body):
        return row.body, etag_of(row.version)
    found = complete_read(ControlsRead(row.version, row.body), service.teen_age(session, teen))
    return found.body, etag_of(found.version, found.band)


def complete_read(found: ControlsRead, age: int) -> ControlsRead:
    """`found` with every control a body stored before it existed lacks, at its default for
    `age`; its age band joins the ETag."""
    body = _dumps(controls_to_json(controls_from_json(json.loads(found.body), age)))
    return ControlsRead(found.version, body, band="u16" if is_under_16(age) else "16")


def etag_matches(header: str, etag: str) -> bool:
    return any(tag.strip() == etag for tag in header.split(","))


def _controls_response(body: str, etag: str, status_code: int = 200) -> Response:
    return Response(content=body, status_code=status_code, media_type="application/json", headers={"ETag": etag})


def _dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))


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
    return _controls_response(found.body, etag)


@router.patch(
    "/v1/teens/{teen_id}/controls",
    response_model=ControlsOut,
    responses={200: {"headers": _ETAG_HEADER}, **errors(409, 412, 428)},
    openapi_extra=_PATCH_BODY,
)
def patch_controls(
    teen_id: str,
    request: Request,
    patch: Annotated[dict[str, Any], Body()],
    if_match: Annotated[str | None, Header(max_length=ETAG_HEADER_MAX)] = None,
    idempotency_key: Annotated[str | None, Header(min_length=1, max_length=100)] = None,
) -> Response:
    """Change some controls. Send the ETag you read as If-Match; a stale one changes nothing."""
    service = _service(request)
    if idempotency_key is None:
        with service.db.write() as session:
            me = service.authenticate(session, request, "guardian")
            teen = service.linked_teen(session, me, teen_id)
            body, etag = _apply(service, session, me, teen, if_match, patch)
        return _controls_response(body, etag)

    with service.db.read() as session:
        me = service.authenticate(session, request, "guardian")
        service.linked_teen(session, me, teen_id)
        _require_if_match(if_match)
    digest = idempotency.fingerprint("PATCH", request.url.path, patch)
    replay = idempotency.claim(service, me.account_id, idempotency_key, digest)
    if replay is not None:
        return Response(
            content=replay.body,
            status_code=replay.status_code,
            media_type="application/json",
            headers={"ETag": replay.etag} if replay.etag else None,
        )
    service.hook("after_idempotency_claim")
    try:
        with service.db.write() as session:
            teen = service.linked_teen(session, me, teen_id)
            body, etag = _apply(service, session, me, teen, if_match, patch)
            idempotency.store(session, me.account_id, idempotency_key, 200, body, etag)
    except (ApiError, TeenTurnedAdult, DomainValidationError):
        idempotency.release(service, me.account_id, idempotency_key)
        raise
    return _controls_response(body, etag)


def _require_if_match(if_match: str | None) -> str:
    if not if_match:
        raise ApiError(
            428, "precondition_required", "Send the ETag you last read as If-Match, so no one's change is lost."
        )
    return if_match


def _apply(
    service: Service, session: Session, me: Principal, teen: Account, if_match: str | None, raw: dict[str, Any]
) -> tuple[str, str]:
    header = _require_if_match(if_match)
    teen_id = teen.id
    row = session.get(ControlsRow, teen_id)
    if row is None:
        raise not_found("The controls")
    version = row.version
    stored_body, current_etag = stored_controls(service, session, teen, row)
    if not etag_matches(header, current_etag):
        raise ApiError(
            412,
            "precondition_failed",
            "These settings were changed meanwhile (perhaps by another guardian). Nothing was saved.",
            headers={"ETag": current_etag},
        )
    age = service.check_not_adult(session, teen)
    try:
        current = controls_from_json(json.loads(stored_body), age)
        updated = apply_patch(current, parse_controls_patch(raw), age)
    except DomainValidationError as exc:
        raise ApiError(422, "validation_failed", "Some settings are not allowed.", fields=exc.fields) from None
    before, after = controls_to_json(current), controls_to_json(updated)
    changed = [name for name in after if after[name] != before[name]]
    if not changed:
        return stored_body, current_etag
    body = _dumps(after)
    moved = (
        session.connection()
        .execute(  # Core: a conditional write needs no ORM bookkeeping
            update(ControlsRow.__table__)  # type: ignore[arg-type]
            .where(ControlsRow.__table__.c.teen_id == teen_id, ControlsRow.__table__.c.version == version)
            .values(version=version + 1, body=body, updated_at=service.now())
        )
        .rowcount
    )
    if moved != 1:  # another change committed between our read and this write
        raise ApiError(412, "precondition_failed", "These settings were changed meanwhile. Nothing was saved.")
    etag = etag_of(version + 1)
    for name in changed:
        service.record(session, me.account_id, teen_id, "controls", name, before[name], after[name])
    service.publish(
        session,
        "controls_changed",
        teen_id,
        {"fields": changed, "etag": etag, "actor": me.display_name},
        service.family_ids(session, teen_id),
    )
    return body, etag


# GET /v1/me/controls (the teen's effective controls, with any temporary rule) is in routes_phone.
