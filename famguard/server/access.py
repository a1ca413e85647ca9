"""Who may do what, decided once: the checks of a bearer token (kind, expiry, revoked sign-in),
a teen's age on the teen's own today (links end at 18), and the whole rule of a controls read —
"this token's guardian may read this teen's controls" — as one SQL statement and one pure
function over its row. The FastAPI route and the SQLite fast path (fastpath.py) both run exactly
these; a refusal becomes its one HTTP answer in `refusal_error`."""

from __future__ import annotations

import enum
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from famguard.domain.age import ADULT_AGE, age_on
from famguard.domain.controls import DEFAULT_TIMEZONE
from famguard.domain.schedule import teen_today
from famguard.server.errors import ApiError, not_found

# What token_refusal reads comes first in both statements; each then adds what its caller needs
# (columns cost time on the hot read, so each statement selects only its own).
_CHECKED_COLUMNS = "t.kind, t.expires_at, s.revoked_at"
_SIGNIN_JOINS = "FROM tokens t JOIN signins s ON s.id = t.signin_id JOIN accounts a ON a.id = s.account_id"
# Service.authenticate: then the sign-in id, the account id, role, display name and birth date.
AUTH_SQL = (
    f"SELECT {_CHECKED_COLUMNS}, s.id, a.id, a.role, a.display_name, a.birth_date {_SIGNIN_JOINS} "
    "WHERE t.token_hash = :h"
)

# A long poll's start on the SQLite fast path: AUTH_SQL's row and, after it, the account's
# latest event number (notify.LATEST_OF_ACCOUNT_SQL's answer), in one read instead of two.
POLL_AUTH_SQL = (
    f"SELECT {_CHECKED_COLUMNS}, s.id, a.id, a.role, a.display_name, a.birth_date, "  # noqa: S608 - constants
    f"(SELECT MAX(r.seq) FROM event_recipients r WHERE r.account_id = a.id) {_SIGNIN_JOINS} "
    "WHERE t.token_hash = :h"
)
POLL_LATEST = 8  # where POLL_AUTH_SQL's row has the account's latest event number


def tokens_check_sql(count: int) -> str:
    """token_refusal's columns, then the token's hash, for `count` tokens (parameters :h0 …):
    the delivery-time check of many long polls woken together, in one statement."""
    marks = ", ".join(f":h{n}" for n in range(count))
    return f"SELECT {_CHECKED_COLUMNS}, t.token_hash {_SIGNIN_JOINS} WHERE t.token_hash IN ({marks})"  # noqa: S608 - constants and marks


# GET /v1/me: Service.authenticate's columns, then the account's email and, for a teen, the
# teen's stored controls (the time zone the age is counted in). The SQLite fast path runs it.
ME_SQL = (
    f"SELECT {_CHECKED_COLUMNS}, s.id, a.id, a.role, a.display_name, a.birth_date, a.email, c.body "  # noqa: S608 - constants
    f"{_SIGNIN_JOINS} LEFT JOIN controls c ON c.teen_id = a.id WHERE t.token_hash = :h"
)
# A controls read, in one indexed statement: then the role, the teen reached through a live link
# of that account (NULL without one), the teen's birth date and the teen's controls.
_CONTROLS_COLUMNS = f"{_CHECKED_COLUMNS}, a.role, l.teen_id, teen.birth_date, c.version, c.body"
_CONTROLS_JOINS = (
    f"{_SIGNIN_JOINS} "
    "LEFT JOIN links l ON l.guardian_id = a.id AND l.teen_id = :teen AND l.ended_at IS NULL "
    "LEFT JOIN accounts teen ON teen.id = l.teen_id LEFT JOIN controls c ON c.teen_id = l.teen_id "
    "WHERE t.token_hash = :h"
)
CONTROLS_READ_SQL = f"SELECT {_CONTROLS_COLUMNS} {_CONTROLS_JOINS}"
# A controls change: the same statement and rule, then who is changing them (for the history
# and the event). The route and the SQLite fast write path both run it inside the write.
CONTROLS_WRITE_SQL = f"SELECT {_CONTROLS_COLUMNS}, a.id, a.display_name {_CONTROLS_JOINS}"
AUTH_ACCOUNT_ID = 4  # where AUTH_SQL's row has the account id
_KIND, _EXPIRES, _REVOKED = 0, 1, 2
_ROLE, _TEEN, _TEEN_BIRTH, _VERSION, _BODY = 3, 4, 5, 6, 7
_ACTOR, _ACTOR_NAME = 8, 9
_ONE_DAY = timedelta(days=1)


class Refusal(enum.Enum):
    SIGNED_OUT = "the token is unknown, not an access token, or its sign-in ended"
    EXPIRED = "the access token expired"
    WRONG_ROLE = "the account's role may not do this"
    NOT_LINKED = "no live link joins this guardian to that teen"
    ADULT = "the teen is 18: the links end"
    NO_CONTROLS = "the teen has no controls"


class TeenTurnedAdult(Exception):  # noqa: N818 - a signal, handled by ending the links
    """A teen reached 18: the request's transaction is abandoned, the links end, and the caller
    gets 404 (app.py's handler does that once the transaction is closed)."""

    def __init__(self, teen_id: str):
        super().__init__(teen_id)
        self.teen_id = teen_id


@dataclass(frozen=True)
class ControlsRead:
    """A controls read that is allowed: the stored version and JSON body (`band` names the age
    band when the body was completed with that band's defaults, see routes_controls)."""

    version: int
    body: str
    birth_date: date | None = None
    band: str = ""


def utc(value: datetime | str) -> datetime:
    """A datetime from the database as aware UTC (raw SQL bypasses the column type)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def as_date(value: date | str | None) -> date | None:
    """A date from the database (raw SQL gives SQLite's text)."""
    return date.fromisoformat(value) if isinstance(value, str) else value


def timezone_of(controls_body: str | None) -> str:
    """The teen's time zone, from the stored controls."""
    return json.loads(controls_body)["timezone"] if controls_body else DEFAULT_TIMEZONE


def token_refusal(row: Any, now: datetime) -> Refusal | None:  # noqa: ANN401 - a DB row (tuple or Row)
    """Why the token whose columns start `row` (AUTH_SQL's order) cannot be used, if it cannot."""
    if row is None or row[_KIND] != "access" or row[_REVOKED] is not None:
        return Refusal.SIGNED_OUT
    if utc(row[_EXPIRES]) <= now:
        return Refusal.EXPIRED
    return None


def teen_age(birth_date: date, now: datetime, timezone: Callable[[], str]) -> int:
    """The teen's age on the teen's today. Every time zone's date is within a day of UTC's, so
    the time zone is only looked up when a birthday is that close."""
    youngest = age_on(birth_date, (now - _ONE_DAY).date())
    if youngest == age_on(birth_date, (now + _ONE_DAY).date()):
        return youngest
    return age_on(birth_date, teen_today(timezone(), now))


def is_adult(birth_date: date, now: datetime, timezone: Callable[[], str]) -> bool:
    """Whether the teen is 18 on the teen's today: teen_age, after the one comparison that
    settles it for all but the last days before the 18th birthday (the hot read's common case)."""
    if age_on(birth_date, (now + _ONE_DAY).date()) < ADULT_AGE:  # under 18 in every time zone
        return False
    return teen_age(birth_date, now, timezone) >= ADULT_AGE


def controls_read(row: Any, now: datetime) -> ControlsRead | Refusal:  # noqa: ANN401 - a DB row
    """The rule of GET /v1/teens/{id}/controls over CONTROLS_READ_SQL's row: a live access
    token of a guardian, linked now with that teen, who is under 18 on the teen's today."""
    refusal = token_refusal(row, now)
    if refusal is not None:
        return refusal
    if row[_ROLE] != "guardian":
        return Refusal.WRONG_ROLE
    birth_date = as_date(row[_TEEN_BIRTH])
    if row[_TEEN] is None or birth_date is None:
        return Refusal.NOT_LINKED
    if is_adult(birth_date, now, lambda: timezone_of(row[_BODY])):
        return Refusal.ADULT
    if row[_BODY] is None:
        return Refusal.NO_CONTROLS
    return ControlsRead(int(row[_VERSION]), row[_BODY], birth_date)


@dataclass(frozen=True)
class ControlsWrite:
    """A controls change that is allowed so far: what a read would give, and who changes."""

    found: ControlsRead
    teen_id: str
    actor_id: str
    actor_name: str


def controls_write(row: Any, now: datetime) -> ControlsWrite | Refusal:  # noqa: ANN401 - a DB row
    """The rule of PATCH /v1/teens/{id}/controls over CONTROLS_WRITE_SQL's row: exactly the
    rule of a read (controls_read) — a guardian may change what that guardian may read."""
    found = controls_read(row, now)
    if isinstance(found, Refusal):
        return found
    return ControlsWrite(found, str(row[_TEEN]), str(row[_ACTOR]), str(row[_ACTOR_NAME]))


def refusal_error(refusal: Refusal, *, role: str = "guardian", teen_id: str = "") -> Exception:
    """The one answer to each refusal (TeenTurnedAdult is answered 404 once the links ended)."""
    if refusal is Refusal.SIGNED_OUT:
        return ApiError(401, "unauthorized", "Please sign in again.", headers={"WWW-Authenticate": "Bearer"})
    if refusal is Refusal.EXPIRED:
        return ApiError(
            401,
            "token_expired",
            "Your session timed out; it renews automatically.",
            headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
        )
    if refusal is Refusal.WRONG_ROLE:
        return ApiError(403, "forbidden", f"Only a {role} account can do this.")
    if refusal is Refusal.NOT_LINKED:
        return not_found("That teen")
    if refusal is Refusal.ADULT:
        return TeenTurnedAdult(teen_id)
    return not_found("The controls")
