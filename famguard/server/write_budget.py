"""Each account's write budget: how many changes one signed-in account may have committed in a
minute (`WRITES_PER_MINUTE`), whoever it is — a guardian changing controls or temporary rules,
deciding requests, a teen's phone reporting usage and what it applied. Every such write leaves rows
behind (history entries kept for good, an event per recipient kept 30 days) and takes the
service's one writer for its turn, so without a budget one account posting in a loop grew the
database by hundreds of rows a second and made every other family's change wait its turn.

The count lives in the database (`write_budgets`, a row per account: the window's start and what
was spent in it), so every process of a `--workers N` service shares it. `spend` is one statement
in the write's own transaction, on every path (the FastAPI routes through Service.authenticate_write
and controls_write.change_controls; the SQLite and PostgreSQL fast paths through the same
change_controls): over the budget it raises 429 `rate_limited` with Retry-After, the transaction
rolls back — the refused write and its count with it — and nothing was written. A refused write
spends nothing (unless its refusal commits something, as a wrong pairing code's failure does), nor
does a controls change that changes nothing (but one under a new Idempotency-Key commits its kept
answer, so it spends: controls_write.change_controls `keyed`); every other accepted write spends,
even one that repeats what is stored.

The budget is far above what a person or a phone does (a guardian's click is one write; a phone
reports about once a minute; an app back online sends what it kept in a burst): 120 a minute,
two a second sustained. An app that meets it keeps its changes and sends them after Retry-After
(famguard.api.client; the sync says "Sync paused until …")."""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from famguard.server.access import utc
from famguard.server.errors import rate_limited
from famguard.server.statements import Statements

WRITES_PER_MINUTE = 120
WINDOW = timedelta(minutes=1)

# One round trip: a new window when the account's last one has ended (or it has none), else one
# more in it; the count and the window's start come back. SQLite and PostgreSQL alike (both read
# the old row in SET, and the row is locked until the transaction ends: two writes of one account
# at once are counted one after the other).
_SPEND = (
    "INSERT INTO write_budgets (account_id, window_start, spent) VALUES (:account, :now, 1) "
    "ON CONFLICT (account_id) DO UPDATE SET "
    "spent = CASE WHEN write_budgets.window_start <= :ended THEN 1 ELSE write_budgets.spent + 1 END, "
    "window_start = CASE WHEN write_budgets.window_start <= :ended THEN :now ELSE write_budgets.window_start END "
    "RETURNING spent, window_start"
)


def spend(statements: Statements, now: datetime, account_id: str) -> None:
    """Counts one write of `account_id` in the caller's transaction; 429 (raised, so the caller's
    transaction rolls back and the count with it) when it would be more than WRITES_PER_MINUTE in
    the account's current window."""
    params = {"account": account_id, "now": statements.stamp(now), "ended": statements.stamp(now - WINDOW)}
    row = statements.one(_SPEND, params)
    assert row is not None  # an upsert with RETURNING answers its row
    spent = int(row[0])
    if spent > WRITES_PER_MINUTE:
        opened = utc(row[1])
        wait = max(1, math.ceil((opened + WINDOW - now).total_seconds()))
        raise rate_limited(
            f"Too many changes from this account ({WRITES_PER_MINUTE} a minute at most). Nothing was saved.", wait
        )
