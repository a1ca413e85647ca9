"""Idempotency keys for PATCH controls, scoped per account: the first request with a key claims
it; a replay gets the stored response; the same key with another body is refused (422); a
duplicate that arrives while the first is still running is refused (409). Only a success is
stored: after an error the key is released, so a corrected retry can use it again.

The FastAPI route claims a key in a transaction of its own before the change (`claim`), so a
duplicate arriving meanwhile sees the claim; the SQLite fast write path, which makes the whole
change in one transaction with the database's write to itself, checks and stores the key inside
that transaction (`keyed_change`). Both judge an existing key by `seen_before`."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select, update

from famguard.server.access import utc
from famguard.server.controls_write import authorize_change, change_controls, require_if_match
from famguard.server.errors import ApiError
from famguard.server.models import IdempotencyRow
from famguard.server.service import Service
from famguard.server.statements import Statements

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


def seen_before(stored_digest: str, state: str, replay: Replay, digest: str) -> Replay | None:
    """The rule for a key this account has used already: another body is refused (422); a
    finished change is replayed; None while the first request is still running."""
    if stored_digest != digest:
        raise ApiError(422, "idempotency_mismatch", "This Idempotency-Key was already used for a different change.")
    return replay if state == "done" else None


def claim(service: Service, account_id: str, key: str, digest: str) -> Replay | None:
    """Claim `key` for this request (None), or the stored response to replay."""
    now = service.now()
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
                service.db.insert(table)
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
        stored = Replay(row.status_code or 200, row.body or "", row.etag)
        replay = seen_before(row.fingerprint, row.state, stored, digest)
        if replay is not None:
            return replay
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
    raise _in_progress()


def _in_progress() -> ApiError:
    return ApiError(409, "idempotency_in_progress", "This change is already being processed. Try again shortly.")


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


_DELETE_EXPIRED = "DELETE FROM idempotency_keys WHERE account_id = :account AND created_at < :before"
# A key's row as `claim` finds it: one kept no longer than KEEP_FOR (the older are deleted first
# in a write; a read, which deletes nothing, passes them over).
_FIND = (
    "SELECT fingerprint, state, status_code, body, etag, created_at FROM idempotency_keys "
    "WHERE account_id = :account AND key = :key AND created_at >= :since"
)
_INSERT_DONE = (
    "INSERT INTO idempotency_keys (account_id, key, fingerprint, state, status_code, body, etag, created_at) "
    "VALUES (:account, :key, :digest, 'done', 200, :body, :etag, :at)"
)


class KeyBusy(Exception):
    """The key's first request is still running (the route's claim): the route answers (409)."""


def keyed_change(
    statements: Statements,
    now: datetime,
    token: str,
    teen_id: str,
    if_match: str | None,
    raw: Any,  # noqa: ANN401 - the PATCH body
    key: str,
    digest: str,
    spent_until: datetime | None = None,
) -> Replay:
    """A change of controls with an Idempotency-Key in the caller's write transaction, by the
    route's rules in the route's order: who may (401/403/404) and If-Match present (428) first;
    then a key seen before is judged by `seen_before` (KeyBusy while it is in progress); a new
    key makes the change (every refusal raised, nothing written) and stores its answer.

    `spent_until`: this process saw the account refused for its write budget until then
    (write_budget.SpentBudgets), and the caller's transaction is a READ: the route's answer, as
    its claim and its write would give it — a kept key replayed whatever the budget, another body
    422, a first request still running 409 (unless `claim` would take over its dead claim), else
    the change's own refusals (412, 422) and then the budget's 429, as a new key spends."""
    allowed = authorize_change(statements, now, token, teen_id)
    require_if_match(if_match)
    account = allowed.actor_id
    since = statements.stamp(now - KEEP_FOR)
    if spent_until is None:
        statements.run(_DELETE_EXPIRED, {"account": account, "before": since})
    row = statements.one(_FIND, {"account": account, "key": key, "since": since})
    if row is not None:
        replay = seen_before(row[0], row[1], Replay(row[2] or 200, row[3] or "", row[4]), digest)
        if replay is not None:
            return replay
        if spent_until is None:
            raise KeyBusy(key)
        if utc(row[5]) >= now - STALE_CLAIM:  # not a dead request's, which `claim` would take over
            raise _in_progress()
    body, etag, _actor = change_controls(
        statements, now, token, teen_id, if_match, raw, allowed=allowed, keyed=True, spent_until=spent_until
    )
    statements.run(
        _INSERT_DONE,
        {"account": account, "key": key, "digest": digest, "body": body, "etag": etag, "at": statements.stamp(now)},
    )
    return Replay(200, body, etag)
