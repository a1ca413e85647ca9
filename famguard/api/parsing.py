"""Strict, pure parsing of API v1 replies into domain objects. Any deviation from the shapes in
famguard/server/API.md raises ProtocolError; no KeyError, TypeError or ValueError escapes.
Controls are read tolerantly: a control this version does not know (a newer service's) is
ignored, and so never sent back; every control it knows must be there and valid.

Text people typed for others to read (names, a request's reason, a rule's name, the values in a
history entry) is made harmless here, as it enters the app (`said`, famguard.domain.plain_text
.harmless): an older service stored line breaks and bidi overrides as sent, and every screen,
notification and dialog shows these objects. The local store's codec does the same for what an
older app cached. Keywords are not: they are sent back whole with a change and stay exact."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime
from typing import Any, Literal, NamedTuple, TypeVar, overload

from famguard.api.errors import ProtocolError
from famguard.domain.controls import Controls, controls_from_json
from famguard.domain.errors import DomainValidationError
from famguard.domain.models import (
    Account,
    ActivityEntry,
    Actor,
    Event,
    GuardianLink,
    GuardianRequest,
    Pairing,
    PairingStatus,
    PairingTeen,
    PhoneStatus,
    Role,
    TeenSummary,
    TemporaryRule,
    TimeRequest,
    TimeRequestStatus,
    UsageDay,
)
from famguard.domain.plain_text import harmless, harmless_values

T = TypeVar("T")


def _fail(what: str) -> ProtocolError:
    return ProtocolError(f"The service sent something FamGuard does not understand ({what}).")


def obj(raw: Any, what: str) -> Mapping[str, Any]:
    if not isinstance(raw, Mapping):
        raise _fail(f"{what} is not an object")
    return raw


def field(raw: Mapping[str, Any], name: str, kind: type | tuple[type, ...], what: str, *, optional: bool = False):
    """`raw[name]` if it has type `kind` (None allowed when `optional`); bool never counts as int."""
    if name not in raw:
        raise _fail(f"{what}.{name} is missing")
    value = raw[name]
    if value is None and optional:
        return None
    kinds = kind if isinstance(kind, tuple) else (kind,)
    if isinstance(value, bool) and bool not in kinds:
        raise _fail(f"{what}.{name} has the wrong type")
    if not isinstance(value, kinds):
        raise _fail(f"{what}.{name} has the wrong type")
    return value


@overload
def text(raw: Mapping[str, Any], name: str, what: str, *, optional: Literal[False] = False) -> str: ...
@overload
def text(raw: Mapping[str, Any], name: str, what: str, *, optional: bool) -> str | None: ...
def text(raw: Mapping[str, Any], name: str, what: str, *, optional: bool = False) -> str | None:
    return field(raw, name, str, what, optional=optional)


def said(raw: Mapping[str, Any], name: str, what: str) -> str:
    """Text someone typed for others to read, as the app may show it (see the module docstring)."""
    return harmless(text(raw, name, what))


@overload
def integer(raw: Mapping[str, Any], name: str, what: str, *, optional: Literal[False] = False) -> int: ...
@overload
def integer(raw: Mapping[str, Any], name: str, what: str, *, optional: bool) -> int | None: ...
def integer(raw: Mapping[str, Any], name: str, what: str, *, optional: bool = False) -> int | None:
    return field(raw, name, int, what, optional=optional)


@overload
def timestamp(raw: Mapping[str, Any], name: str, what: str, *, optional: Literal[False] = False) -> datetime: ...
@overload
def timestamp(raw: Mapping[str, Any], name: str, what: str, *, optional: bool) -> datetime | None: ...
def timestamp(raw: Mapping[str, Any], name: str, what: str, *, optional: bool = False) -> datetime | None:
    value = text(raw, name, what, optional=optional)
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise _fail(f"{what}.{name} is not a time") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)  # the contract says UTC; be lenient about the suffix only
    return parsed


def day(raw: Mapping[str, Any], name: str, what: str) -> date:
    value = text(raw, name, what)
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise _fail(f"{what}.{name} is not a date") from None


def enum(kind: Callable[[str], T], raw: Mapping[str, Any], name: str, what: str) -> T:
    value = text(raw, name, what)
    try:
        return kind(value)
    except ValueError:
        raise _fail(f"{what}.{name} has an unknown value") from None


def listing(raw: Any, parse: Callable[[Any], T], what: str) -> list[T]:
    if not isinstance(raw, list):
        raise _fail(f"{what} is not a list")
    return [parse(item) for item in raw]


# --- one parser per object of the contract ---------------------------------------------------


def parse_account(raw: Any) -> Account:
    o = obj(raw, "account")
    return Account(
        id=text(o, "id", "account"),
        email=text(o, "email", "account"),
        display_name=said(o, "display_name", "account"),
        role=enum(Role, o, "role", "account"),
        age=integer(o, "age", "account", optional=True) if "age" in o else None,
    )


def parse_token_pair(raw: Any) -> tuple[str, str, int]:
    """(access_token, refresh_token, expires_in seconds) of a token reply."""
    o = obj(raw, "token")
    access, refresh = text(o, "access_token", "token"), text(o, "refresh_token", "token")
    expires = integer(o, "expires_in", "token")
    if not access or not refresh or expires <= 0:
        raise _fail("token is empty")
    return access, refresh, expires


def parse_device_token(raw: Any) -> str | None:
    """The sign-in reply's device token, or None when the server sends none (an older server)."""
    o = obj(raw, "token")
    if "device_token" not in o:
        return None
    return text(o, "device_token", "token", optional=True) or None


def parse_teen(raw: Any) -> TeenSummary:
    o = obj(raw, "teen")
    return TeenSummary(
        id=text(o, "id", "teen"),
        display_name=said(o, "display_name", "teen"),
        age=integer(o, "age", "teen"),
        linked_at=timestamp(o, "linked_at", "teen"),
        birth_date=day(o, "birth_date", "teen") if o.get("birth_date") is not None else None,
    )


def parse_guardian_link(raw: Any) -> GuardianLink:
    o = obj(raw, "guardian")
    return GuardianLink(
        id=text(o, "id", "guardian"),
        display_name=said(o, "display_name", "guardian"),
        linked_at=timestamp(o, "linked_at", "guardian"),
    )


def parse_guardian_request(raw: Any, teen_id: str) -> GuardianRequest:
    o = obj(raw, "guardian request")
    guardian = obj(o.get("guardian"), "guardian request.guardian")
    return GuardianRequest(
        id=text(o, "id", "guardian request"),
        teen_id=teen_id,
        guardian_id=text(guardian, "id", "guardian request.guardian"),
        guardian_name=said(guardian, "display_name", "guardian request.guardian"),
        asked_at=timestamp(o, "asked_at", "guardian request"),
        expires_at=timestamp(o, "expires_at", "guardian request"),
    )


def parse_pairing(raw: Any) -> Pairing:
    o = obj(raw, "pairing")
    guardian = o.get("guardian")
    guardian_name = None
    if guardian is not None:
        guardian_name = said(obj(guardian, "pairing.guardian"), "display_name", "pairing.guardian")
    teen = None
    if o.get("teen") is not None:
        t = obj(o["teen"], "pairing.teen")
        teen = PairingTeen(
            id=text(t, "id", "pairing.teen"),
            display_name=said(t, "display_name", "pairing.teen"),
            age=integer(t, "age", "pairing.teen"),
        )
    return Pairing(
        id=text(o, "id", "pairing"),
        status=enum(PairingStatus, o, "status", "pairing"),
        code=text(o, "code", "pairing", optional=True) if "code" in o else None,
        expires_at=timestamp(o, "expires_at", "pairing", optional=True) if "expires_at" in o else None,
        pair_uri=text(o, "pair_uri", "pairing", optional=True) if "pair_uri" in o else None,
        guardian_name=guardian_name,
        teen=teen,
    )


def parse_controls(raw: Any) -> Controls:
    """The controls of a reply (see the module docstring for what is tolerated)."""
    try:
        return controls_from_json(raw)
    except DomainValidationError as exc:
        raise _fail(f"controls: {', '.join(exc.fields)}") from None
    except (TypeError, ValueError, AttributeError):  # e.g. unhashable keys deep inside
        raise _fail("controls") from None


def parse_usage_day(raw: Any) -> UsageDay:
    o = obj(raw, "usage")
    return UsageDay(
        date=day(o, "date", "usage"),
        minutes=integer(o, "minutes", "usage"),
        limit_minutes=integer(o, "limit_minutes", "usage", optional=True),
        extra_minutes=integer(o, "extra_minutes", "usage", optional=True) or 0,
    )


def parse_usage(raw: Any) -> list[UsageDay]:
    o = obj(raw, "usage")
    return listing(o.get("days"), parse_usage_day, "usage.days")


def parse_time_request(raw: Any) -> TimeRequest:
    o = obj(raw, "time request")
    w = "time request"
    return TimeRequest(
        id=text(o, "id", w),
        teen_id=text(o, "teen_id", w),
        date=day(o, "date", w),
        minutes=integer(o, "minutes", w),
        reason=said(o, "reason", w),
        status=enum(TimeRequestStatus, o, "status", w),
        created_at=timestamp(o, "created_at", w),
        decided_at=timestamp(o, "decided_at", w, optional=True),
        decided_by=None if o.get("decided_by") is None else said(o, "decided_by", w),
        granted_minutes=integer(o, "granted_minutes", w, optional=True),
    )


def parse_actor(raw: Any) -> Actor | None:
    if raw is None:
        return None
    o = obj(raw, "actor")
    return Actor(
        id=text(o, "id", "actor"), display_name=said(o, "display_name", "actor"), role=enum(Role, o, "role", "actor")
    )


def parse_activity(raw: Any) -> ActivityEntry:
    o = obj(raw, "activity")
    w = "activity"
    for name in ("actor", "before", "after"):
        if name not in o:
            raise _fail(f"{w}.{name} is missing")
    return ActivityEntry(
        id=integer(o, "id", w),
        at=timestamp(o, "at", w),
        actor=parse_actor(o["actor"]),
        teen_id=text(o, "teen_id", w),
        kind=text(o, "kind", w),
        field=text(o, "field", w, optional=True),
        before=harmless_values(o["before"]),
        after=harmless_values(o["after"]),
    )


def parse_event(raw: Any) -> Event:
    o = obj(raw, "event")
    data = field(o, "data", dict, "event", optional=True) if "data" in o else None
    return Event(
        id=integer(o, "id", "event"),
        type=text(o, "type", "event"),
        teen_id=text(o, "teen_id", "event", optional=True),
        at=timestamp(o, "at", "event"),
        data=dict(data or {}),
    )


class EventsPage(NamedTuple):
    """An events reply: the events, the cursor to ask with next (the opaque string it is), and
    whether events before these were deleted on the service (kept 30 days) — then everything
    shown must be read again."""

    events: list[Event]
    cursor: str
    missed: bool


def parse_events(raw: Any) -> EventsPage:
    o = obj(raw, "events")
    events = listing(o.get("events"), parse_event, "events")
    cursor = field(o, "cursor", (str, int), "events")
    # A newer field: an older service, which never deleted events, does not send it.
    missed = bool(field(o, "missed", bool, "events")) if "missed" in o else False
    return EventsPage(events, str(cursor), missed)


def parse_phone(raw: Any) -> PhoneStatus:
    o = obj(raw, "phone")
    w = "phone"
    return PhoneStatus(
        last_seen_at=timestamp(o, "last_seen_at", w, optional=True),
        applied_etag=text(o, "applied_etag", w, optional=True),
        applied_at=timestamp(o, "applied_at", w, optional=True),
        current_etag=text(o, "current_etag", w),
        up_to_date=bool(field(o, "up_to_date", bool, w)),
        link_ends_on=day(o, "link_ends_on", w) if o.get("link_ends_on") is not None else None,  # newer field
    )


def parse_rule(raw: Any) -> TemporaryRule:
    o = obj(raw, "temporary rule")
    w = "temporary rule"
    creator = obj(o.get("created_by"), f"{w}.created_by")
    return TemporaryRule(
        id=text(o, "id", w),
        name=said(o, "name", w),
        starts_on=day(o, "starts_on", w),
        ends_on=day(o, "ends_on", w),
        controls=dict(field(o, "controls", dict, w)),
        created_by=said(creator, "display_name", w),
        status=text(o, "status", w),
        created_by_id=text(creator, "id", f"{w}.created_by", optional=True),  # newer field
    )


def parse_error_body(raw: Any) -> tuple[str, str, dict[str, str]]:
    """(code, message, fields) of an error body, or ProtocolError."""
    o = obj(obj(raw, "error reply").get("error"), "error")
    code = text(o, "code", "error")
    message = text(o, "message", "error")
    fields_raw = o.get("fields") or {}
    if not isinstance(fields_raw, Mapping):
        raise _fail("error.fields is not an object")
    fields = {str(k): str(v) for k, v in fields_raw.items()}
    return code, message, fields
