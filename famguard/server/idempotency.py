"""Idempotency keys for PATCH controls, scoped per account: the first request with a key claims
it; a replay gets the stored response; the same key with another body is refused (422); a
duplicate that arrives while the first is still running is refused (409). Only a success is
stored: after an error the key is released, so a corrected retry can use it again."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.dialects import postgresql, sqlite

from famguard.server.errors import ApiError
from famguard.server.models import IdempotencyRow
from famguard.server.service import Service

KEEP_FOR = timedelta(hours=24)
# A claim this old belongs to a request that died (a crash); a new request may take it over.
STALE_CLAIM = timedelta(seconds=60)


@dataclass(frozen=True)
class Replay:
    status_code: int
    body: str
    etag: str | None


def fingerprint(method: str, path: str, body: Any) -> str:
    canonical = json.dumps([method, path, body], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def claim(service: Service, account_id: str, key: str, digest: str) -> Replay | None:
    """Claim `key` for this request (None), or the stored response to replay."""
    now = service.now()
    dialect = postgresql if service.db.is_postgres else sqlite
    with service.db.write() as session:
        session.execute(
            delete(IdempotencyRow).where(
                IdempotencyRow.account_id == account_id, IdempotencyRow.created_at < now - KEEP_FOR
            )
        )
        # RETURNING says whether this request inserted the row (rowcount is not reliable for
        # INSERT … ON CONFLICT DO NOTHING across drivers).
        table = IdempotencyRow.__table__
        claimed_row = (
            session.connection()
            .execute(
                dialect.insert(table)
                .values(account_id=account_id, key=key, fingerprint=digest, state="in_progress", created_at=now)
                .on_conflict_do_nothing()
                .returning(table.c.key)
            )
            .first()
        )
        if claimed_row is not None:
            return None
        row = session.scalar(
            select(IdempotencyRow).where(IdempotencyRow.account_id == account_id, IdempotencyRow.key == key)
        )
        assert row is not None
        if row.fingerprint != digest:
            raise ApiError(422, "idempotency_mismatch", "This Idempotency-Key was already used for a different change.")
        if row.state == "done":
            return Replay(row.status_code or 200, row.body or "", row.etag)
        taken = session.execute(  # type: ignore[attr-defined]
            update(IdempotencyRow)
            .where(
                IdempotencyRow.account_id == account_id,
                IdempotencyRow.key == key,
                IdempotencyRow.state == "in_progress",
                IdempotencyRow.created_at < now - STALE_CLAIM,
            )
            .values(created_at=now)
        ).rowcount
        if taken == 1:
            return None
    raise ApiError(409, "idempotency_in_progress", "This change is already being processed. Try again shortly.")


def store(session: Any, account_id: str, key: str, status_code: int, body: str, etag: str | None) -> None:
    """Record the response in the same transaction as the change it describes."""
    session.execute(
        update(IdempotencyRow)
        .where(IdempotencyRow.account_id == account_id, IdempotencyRow.key == key)
        .values(state="done", status_code=status_code, body=body, etag=etag)
    )


def release(service: Service, account_id: str, key: str) -> None:
    with service.db.write() as session:
        session.execute(
            delete(IdempotencyRow).where(
                IdempotencyRow.account_id == account_id,
                IdempotencyRow.key == key,
                IdempotencyRow.state == "in_progress",
            )
        )
