"""A change of a teen's controls, implemented once: who may (access.controls_write over
access.CONTROLS_WRITE_SQL's row), If-Match (428 without, 412 when stale), validation by the
domain's rules (422 naming each field), the conditional update, one history entry per changed
field and the `controls_changed` event for the family. The FastAPI route (routes_controls) and
the SQLite fast write path (fastpath_write) both run `change_controls` inside their write
transaction, through a `Statements` of their own; only the transport differs. Also the ETag
matching both use (the ETag itself is famguard.domain.controls.etag_of, shared with the app),
the completion of a body stored before a newer control existed, and the parse of stored bodies
kept by their text (parsed_body)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from famguard.domain.age import is_under_16
from famguard.domain.controls import (
    SPECS,
    Controls,
    apply_patch,
    controls_from_json,
    controls_to_json,
    etag_of,
    is_complete_body,
    parse_sent_patch,
)
from famguard.domain.errors import DomainValidationError
from famguard.server import write_budget
from famguard.server.access import (
    CONTROLS_WRITE_SQL,
    ControlsRead,
    ControlsWrite,
    Refusal,
    controls_write,
    refusal_error,
    teen_age,
    timezone_of,
)
from famguard.server.errors import ApiError
from famguard.server.security import token_hash
from famguard.server.statements import Statements

_UPDATE = (
    "UPDATE controls SET version = :next, body = :body, updated_at = :at WHERE teen_id = :teen AND version = :version"
)
_LIVE_GUARDIANS = "SELECT guardian_id FROM links WHERE teen_id = :teen AND ended_at IS NULL"
# Stored bodies parsed lately (parsed_body): ~1,000 teens' worth, a few MiB at most.
PARSED_BODIES_MAX = 1024
_PARSED: dict[str, tuple[Controls, dict[str, Any]]] = {}


def _as_stored(read: ControlsRead, now: datetime) -> tuple[int, ControlsRead]:
    """The teen's age and the controls as a read answers them (completed if stored before a
    control existed)."""
    assert read.birth_date is not None  # controls_read gives it with every allowed read
    age = teen_age(read.birth_date, now, lambda: timezone_of(read.body))
    return age, read if is_complete_body(read.body) else complete_read(read, age)


def _changed_meanwhile(current_etag: str) -> ApiError:
    return ApiError(
        412,
        "precondition_failed",
        "These settings were changed meanwhile (perhaps by another guardian). Nothing was saved.",
        headers={"ETag": current_etag},
    )


def etag_matches(header: str, etag: str) -> bool:
    return any(tag.strip() == etag for tag in header.split(","))


def dumps(value: Any) -> str:  # noqa: ANN401 - any JSON value
    """The compact JSON the controls are stored and sent in."""
    return json.dumps(value, separators=(",", ":"))


def complete_read(found: ControlsRead, age: int) -> ControlsRead:
    """`found` with every control a body stored before it existed lacks, at its default for
    `age`; its age band joins the ETag, so a cached copy is refreshed when turning 16 changes
    those defaults (no data migration, see famguard.domain.controls)."""
    body = dumps(controls_to_json(controls_from_json(json.loads(found.body), age)))
    return ControlsRead(found.version, body, band="u16" if is_under_16(age) else "16")


def parsed_body(body: str) -> tuple[Controls, dict[str, Any]]:
    """A complete stored body (complete_read's, or one is_complete_body accepts) as typed
    controls and as controls_to_json gives them back. Parsing it was a third of a change's
    Python (py-spy under load), and the body a change starts from is nearly always the one
    the previous change of the teen wrote or read in this process, so the answers are kept
    by the body's exact text, a bounded number of them. The values are shared: callers never
    modify them (Controls is frozen; `replace` and new dicts make the changed copies)."""
    found = _PARSED.get(body)
    if found is None:
        current = controls_from_json(json.loads(body))  # complete: no field takes an age's default
        found = (current, controls_to_json(current))
        _remember(body, *found)
    return found


def _remember(body: str, controls: Controls, wire: dict[str, Any]) -> None:
    """Keeps `body`'s parse (controls_from_json of it is `controls`, the round trip the domain's
    tests check); all of them are dropped when the bound is reached (cheap, and rare)."""
    if len(_PARSED) >= PARSED_BODIES_MAX:
        _PARSED.clear()
    _PARSED[body] = (controls, wire)


def require_if_match(if_match: str | None) -> str:
    if not if_match:
        raise ApiError(
            428, "precondition_required", "Send the ETag you last read as If-Match, so no one's change is lost."
        )
    return if_match


def authorize_change(statements: Statements, now: datetime, token: str, teen_id: str) -> ControlsWrite:
    """The controls-change rule, or its refusal raised as its one answer."""
    allowed = controls_write(statements.one(CONTROLS_WRITE_SQL, {"h": token_hash(token), "teen": teen_id}), now)
    if isinstance(allowed, Refusal):
        raise refusal_error(allowed, teen_id=teen_id)
    return allowed


def change_controls(
    statements: Statements,
    now: datetime,
    token: str,
    teen_id: str,
    if_match: str | None,
    raw: Any,  # noqa: ANN401
    *,
    allowed: ControlsWrite | None = None,
    keyed: bool = False,
    spent_until: datetime | None = None,
) -> tuple[str, str, str]:
    """Applies the PATCH body `raw` in the caller's transaction; the new body, its ETag and the
    account id of the guardian who changed it. Raises ApiError (or TeenTurnedAdult) for every
    refusal, having written nothing. `allowed`: authorize_change's answer when the caller has
    already asked it, in this transaction. `keyed`: the caller keeps the answer under a new
    Idempotency-Key (a row of its own for 24 hours), so even a change that changes nothing is a
    write and spends from the budget — unspent, a guardian sending the same values with a new key
    each time stored a row per request, hundreds a second, past the budget. `spent_until`: this
    process saw the token's account refused for its budget until then (write_budget.SpentBudgets),
    so a change that would spend is refused at that point without counting — the caller runs
    this in a read transaction, and every earlier refusal (401/403/404, 428, 412, 422) and an
    unchanged change's answer come out as from the write."""
    if allowed is None:
        allowed = authorize_change(statements, now, token, teen_id)
    header = require_if_match(if_match)
    read = allowed.found
    age, stored = _as_stored(read, now)
    current_etag = etag_of(stored.version, stored.band)
    if not etag_matches(header, current_etag):
        raise _changed_meanwhile(current_etag)
    try:
        current, before = parsed_body(stored.body)
        patch = parse_sent_patch(raw, before)
        updated = apply_patch(current, patch, age)
    except DomainValidationError as exc:
        raise ApiError(422, "validation_failed", "Some settings are not allowed.", fields=exc.fields) from None
    # Only the patched fields can differ from `before` (controls_to_json dumps field by field).
    after = {**before, **{name: SPECS[name].dump(getattr(updated, name)) for name in patch}}
    changed = [name for name in after if after[name] != before[name]]
    if (changed or keyed) and spent_until is not None:
        raise write_budget.BudgetSpent(allowed.actor_id, spent_until, now)
    body = dumps(after) if changed else stored.body
    if changed or keyed:
        # Weighed by what the history keeps of it (each changed value before and after), and by
        # the answer kept for 24 hours under a new key: a change that changed nothing cost one
        # write while it kept a 121 KB answer (an attacker: ~21 GB a day from one account).
        kept = sum(len(dumps(before[name])) + len(dumps(after[name])) for name in changed)
        write_budget.spend(
            statements, now, allowed.actor_id, write_budget.history_cost(kept + (len(body) if keyed else 0))
        )
    if not changed:
        return stored.body, current_etag, allowed.actor_id
    moved = statements.run(
        _UPDATE,
        {"next": read.version + 1, "body": body, "at": statements.stamp(now), "teen": teen_id, "version": read.version},
    )
    if moved != 1:  # another change committed between our read and this write (PostgreSQL)
        # Its version, as a 412 always carries (the read above is from before it committed).
        _, now_stored = _as_stored(authorize_change(statements, now, token, teen_id).found, now)
        raise _changed_meanwhile(etag_of(now_stored.version, now_stored.band))
    etag = etag_of(read.version + 1)
    statements.record(now, allowed.actor_id, teen_id, "controls", [(n, before[n], after[n]) for n in changed])
    guardians = [str(row[0]) for row in statements.all(_LIVE_GUARDIANS, {"teen": teen_id})]
    _remember(body, updated, after)  # the teen's next change starts from this body
    data = {"fields": changed, "etag": etag, "actor": allowed.actor_name}
    statements.publish(now, "controls_changed", teen_id, data, {teen_id, *guardians})
    return body, etag, allowed.actor_id
