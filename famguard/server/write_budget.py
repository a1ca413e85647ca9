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
two a second sustained. A controls change costs one more for each KiB its history entries hold
past the first (`HISTORY_BYTES_PER_WRITE`): an entry keeps the values before and after, and a
script swapping two keyword lists of 200 × 50 characters within the budget added ~2.5 MB of
history a minute (~3.5 GB a day, from one self-made family); weighed, a minute's history holds
~120 KiB at most whatever is changed, and a person's changes (a few bytes each, a keyword list of
a few words) cost one each as before. The same weight is paid for a temporary rule's history
(Service.record: a rule's entry keeps the whole rule before and after, and 240 KB entries went in at
120 a minute, for good: an attacker) and for the answer a new Idempotency-Key keeps. An app that
meets it keeps its changes and sends them after Retry-After (famguard.api.client; the sync says
"Sync paused until …").

A refusal takes no writer's turn the second time (`SpentBudgets`, each Service's): within an
account's minute the count only grows, so once this process has seen a token's account refused,
the account's later writes in that minute are refused from memory, after authenticating the token
with a read (Service.write_as, the controls route) — without it a phone posting in a loop past
its budget still took the one writer hundreds of times a second from every other family, each
turn only to be refused. The database's count stays the truth: another process, or this one
before its first refusal, counts in the database as before."""

from __future__ import annotations

import math
import threading
from datetime import datetime, timedelta

from famguard.server.access import utc
from famguard.server.errors import ApiError
from famguard.server.security import token_hash
from famguard.server.statements import Statements

WRITES_PER_MINUTE = 120
WINDOW = timedelta(minutes=1)
HISTORY_BYTES_PER_WRITE = 1024  # a controls change's history past this many bytes costs more writes
# Tokens whose refusal a process remembers (SpentBudgets): each entry is a refused signed-in
# account's token, a few hundred bytes; past this many the expired and then the oldest go.
SPENT_REMEMBERED_MAX = 4096

# One round trip: a new window when the account's last one has ended (or it has none), else one
# more in it; the count and the window's start come back. SQLite and PostgreSQL alike (both read
# the old row in SET, and the row is locked until the transaction ends: two writes of one account
# at once are counted one after the other).
_SPEND = (
    "INSERT INTO write_budgets (account_id, window_start, spent) VALUES (:account, :now, :cost) "
    "ON CONFLICT (account_id) DO UPDATE SET "
    "spent = CASE WHEN write_budgets.window_start <= :ended THEN :cost ELSE write_budgets.spent + :cost END, "
    "window_start = CASE WHEN write_budgets.window_start <= :ended THEN :now ELSE write_budgets.window_start END "
    "RETURNING spent, window_start"
)


class BudgetSpent(ApiError):
    """429 `rate_limited`: `account_id`'s writes are refused until `until` (the end of its
    minute), Retry-After the seconds left then."""

    def __init__(self, account_id: str, until: datetime, now: datetime):
        wait = max(1, math.ceil((until - now).total_seconds()))
        super().__init__(
            429,
            "rate_limited",
            f"Too many changes from this account ({WRITES_PER_MINUTE} a minute at most; a change to a long list "
            "counts as several). Nothing was saved.",
            headers={"Retry-After": str(wait)},
        )
        self.account_id = account_id
        self.until = until


def history_cost(history_bytes: int) -> int:
    """The writes a change whose history entries (and kept answer) hold `history_bytes` costs:
    one, and one more for each further HISTORY_BYTES_PER_WRITE begun — at most a whole minute's
    budget, so that the largest change allowed can still be made, once a minute."""
    return min(WRITES_PER_MINUTE, max(1, math.ceil(history_bytes / HISTORY_BYTES_PER_WRITE)))


def spend(statements: Statements, now: datetime, account_id: str, cost: int = 1) -> None:
    """Counts `cost` writes of `account_id` in the caller's transaction; BudgetSpent (raised, so
    the caller's transaction rolls back and the count with it) when that would be more than
    WRITES_PER_MINUTE in the account's current window."""
    params = {
        "account": account_id,
        "now": statements.stamp(now),
        "ended": statements.stamp(now - WINDOW),
        "cost": cost,
    }
    row = statements.one(_SPEND, params)
    assert row is not None  # an upsert with RETURNING answers its row
    spent = int(row[0])
    if spent > WRITES_PER_MINUTE:
        raise BudgetSpent(account_id, utc(row[1]) + WINDOW, now)


class SpentBudgets:
    """The refusals this process has seen, by the hash of the bearer token refused: the end of
    its account's minute. True until that end (the count in the database only grows within
    it), forgotten at it. Only a signed-in account's refusal is ever remembered (`remember` is
    given a BudgetSpent, which `spend` raises after authentication), and at most `limit` of them,
    so strangers' tokens cannot grow it. A normal write pays a length check while nothing is
    remembered, a hash and a dict lookup otherwise."""

    def __init__(self, limit: int = SPENT_REMEMBERED_MAX):
        self._limit = limit
        self._until: dict[str, datetime] = {}
        self._guard = threading.Lock()

    def __len__(self) -> int:
        return len(self._until)

    def refused_until(self, token: str, now: datetime) -> datetime | None:
        """The end of the minute whose budget `token`'s account has spent, if this process saw it
        refused in a minute not yet over; None otherwise (then the database decides)."""
        if not self._until:
            return None
        hashed = token_hash(token)
        until = self._until.get(hashed)
        if until is None:
            return None
        if until <= now:  # its minute is over: the next write opens a new one
            with self._guard:
                if self._until.get(hashed) == until:
                    del self._until[hashed]
            return None
        return until

    def remember(self, token: str, refused: BudgetSpent, now: datetime) -> None:
        """`token`'s account was refused by the database, at `now`, until `refused.until`."""
        if self._limit <= 0:
            return
        hashed = token_hash(token)
        with self._guard:
            self._until.pop(hashed, None)  # re-inserted last: the newest
            if len(self._until) >= self._limit:
                self._forget_expired(now)
            while len(self._until) >= self._limit:
                del self._until[next(iter(self._until))]  # the oldest remembered
            self._until[hashed] = refused.until

    def _forget_expired(self, now: datetime) -> None:
        for hashed in [h for h, until in self._until.items() if until <= now]:
            del self._until[hashed]
