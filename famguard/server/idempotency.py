"""Idempotency keys for PATCH controls, scoped per account: the first request with a key claims
it; a replay gets the stored response; the same key with another body is refused (422); a
duplicate that arrives while the first is still running waits for it and gets its answer. Only
a success is stored: after an error the key is free again, so a corrected retry can use it.

Every write path (the FastAPI route, the fast writes on SQLite and on PostgreSQL) makes a keyed
change with `keyed_change`: the claim, the change and its stored answer in one transaction, so no
claim outlives its request — a server killed mid-change leaves the key free, not held for a
minute."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from famguard.server.access import utc
from famguard.server.controls_write import authorize_change, change_controls, require_if_match
from famguard.server.errors import ApiError
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


def _in_progress() -> ApiError:
    return ApiError(409, "idempotency_in_progress", "This change is already being processed. Try again shortly.")


_DELETE_EXPIRED = "DELETE FROM idempotency_keys WHERE account_id = :account AND created_at < :before"
# A key's row as a change finds it: one kept no longer than KEEP_FOR (older ones are deleted or
# taken over in a write; a read, which deletes nothing, passes them over).
_FIND = (
    "SELECT fingerprint, state, status_code, body, etag, created_at FROM idempotency_keys "
    "WHERE account_id = :account AND key = :key AND created_at >= :since"
)
# The claim, first in the change's transaction. A duplicate's INSERT waits on PostgreSQL for the
# first's transaction to end (SQLite's writers take turns): committed, it finds the answer; rolled
# back — a refusal, or a process killed mid-change — the claim went with it, and the key is free.
# A row of the key older than KEEP_FOR is taken over as if it were not there.
_CLAIM = (
    "INSERT INTO idempotency_keys (account_id, key, fingerprint, state, created_at) "
    "VALUES (:account, :key, :digest, 'in_progress', :at) ON CONFLICT (account_id, key) DO UPDATE SET "
    "fingerprint = excluded.fingerprint, state = 'in_progress', status_code = NULL, body = NULL, etag = NULL, "
    "created_at = excluded.created_at WHERE idempotency_keys.created_at < :since RETURNING key"
)
_TAKE_OVER = "UPDATE idempotency_keys SET created_at = :at WHERE account_id = :account AND key = :key"
_STORE = (
    "UPDATE idempotency_keys SET state = 'done', status_code = 200, body = :body, etag = :etag "
    "WHERE account_id = :account AND key = :key"
)
# On PostgreSQL the account's other expired keys go in the answer's round trip, at the end, and
# only those no other request holds (SKIP LOCKED): deleted in the claim's statement, two changes
# reusing two expired keys each held its own and waited for the other's — a deadlock, one of them
# answered 500 (an outside tester). Skipped now, a row is deleted by a later change.
_EXPIRED_OTHERS = (
    "WITH expired AS (DELETE FROM idempotency_keys WHERE account_id = :account AND key IN ("
    "SELECT key FROM idempotency_keys WHERE account_id = :account AND created_at < :since AND key <> :key "
    "FOR UPDATE SKIP LOCKED)) "
)
_STORE_PG = _EXPIRED_OTHERS + _STORE


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
    claimed: Callable[[], None] | None = None,
) -> Replay:
    """A change of controls with an Idempotency-Key in the caller's write transaction, by the
    route's rules in this order: who may (401/403/404) and If-Match present (428) first; then the
    key is claimed (`claimed` is called after, a test's hook). A key seen before is judged by
    `seen_before`: replayed, or 422 for another body. A new key makes the change (every refusal
    raised, the claim rolled back with it) and stores its answer with the change.

    A claim found committed and unanswered was left by a server before this one, which claimed in
    a transaction of its own: fresh, its request may still be running (409); older than
    STALE_CLAIM, its request died and this one takes it over.

    `spent_until`: this process saw the account refused for its write budget until then
    (write_budget.SpentBudgets), and the caller's transaction is a READ: the answer a write would
    give — a kept key replayed whatever the budget, another body 422, else the change's own
    refusals (412, 422) and then the budget's 429, as a new key spends."""
    allowed = authorize_change(statements, now, token, teen_id)
    require_if_match(if_match)
    account = allowed.actor_id
    since = statements.stamp(now - KEEP_FOR)
    key_row = {"account": account, "key": key, "digest": digest, "at": statements.stamp(now), "since": since}
    if spent_until is None:
        if not statements.is_postgres:  # SQLite's writers take turns: nothing else holds a row
            statements.run(_DELETE_EXPIRED, {"account": account, "before": since})
        mine = statements.one(_CLAIM, key_row) is not None
    else:
        mine = False
    if not mine:
        row = statements.one(_FIND, {"account": account, "key": key, "since": since})
        if row is not None:
            replay = seen_before(row[0], row[1], Replay(row[2] or 200, row[3] or "", row[4]), digest)
            if replay is not None:
                return replay
            if utc(row[5]) >= now - STALE_CLAIM:
                raise _in_progress()
            if spent_until is None:
                statements.run(_TAKE_OVER, {"account": account, "key": key, "at": key_row["at"]})
        elif spent_until is None:  # claimed and gone between two statements: it expired meanwhile
            raise _in_progress()
    if claimed is not None:
        claimed()
    body, etag, _actor = change_controls(
        statements, now, token, teen_id, if_match, raw, allowed=allowed, keyed=True, spent_until=spent_until
    )
    if spent_until is None:  # a read that changed nothing (a no-op PATCH) keeps nothing either
        stored = {"account": account, "key": key, "body": body, "etag": etag, "since": since}
        statements.run(_STORE_PG if statements.is_postgres else _STORE, stored)
    return Replay(200, body, etag)
