"""The request and response bodies of API v1 as pydantic models: what FastAPI validates and
what /openapi.json documents (every schema has a description and an example). The controls'
schemas are built from their declarations (famguard.domain.controls.CONTROLS); the domain
validates them and words the reasons for parents.

Request values are strict: a JSON boolean for a toggle or an answer, a JSON integer for minutes
(`{"approve": "yes"}` is 422, never a yes)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, StrictBool, create_model

from famguard.domain.control_spec import ControlSpec, ValueKind
from famguard.domain.controls import (
    CLOCK_PATTERN,
    CONTROLS,
    MAX_KEYWORD_LENGTH,
    WEEKDAYS,
    controls_to_json,
    defaults_for_age,
)
from famguard.domain.models import MAX_REQUEST_REASON
from famguard.domain.plain_text import HIDDEN_TEXT_WORDS, require_plain_text
from famguard.domain.values import dump_plain

_T = "2026-11-25T13:00:00Z"
_ID = "3f2b8c1e9a4d4b7c8e6f5a2b1c0d9e8f"
_TEEN = "9a8b7c6d5e4f4a3b2c1d0e9f8a7b6c5d"


def _iso_date_only(value: Any) -> Any:  # noqa: ANN401 - whatever the client sent
    """A date must be written YYYY-MM-DD: pydantic would also read a number (even "-1.7e-121")
    as a Unix time and quietly make it 1970-01-01."""
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        return value
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    raise ValueError("Must be a date written YYYY-MM-DD")


_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")  # ASCII digits: \d takes any script's
# The one date type of requests (bodies and query parameters).
IsoDate = Annotated[date, BeforeValidator(_iso_date_only)]


# Text typed for others to read (a name, a reason): the plain-text rule of the domain, on every path.
PlainText = Annotated[str, AfterValidator(require_plain_text)]


def _no_control_characters(email: str) -> str:
    """An email address holds no control character (RFC 5321); a NUL one, sent to sign up or
    sign in, reached PostgreSQL, which cannot take it as text: a 500 for anyone who sent it."""
    if any(unicodedata.category(character) == "Cc" for character in email):
        raise ValueError("An email address cannot hold control characters.")
    return email


def _no_hidden_characters(email: str) -> str:
    """A new account's email address also holds no invisible formatting character (Unicode Cf,
    Zl, Zp): "a\u200b@example.com" was an account of its own that reads exactly like
    a@example.com's. Sign-in keeps taking any address an older service created an account with."""
    _no_control_characters(email)
    if any(unicodedata.category(character) in ("Cf", "Zl", "Zp") for character in email):
        raise ValueError("An email address cannot hold invisible formatting characters.")
    return email


EmailText = Annotated[str, AfterValidator(_no_control_characters)]
NewEmailText = Annotated[str, AfterValidator(_no_hidden_characters)]
_PLAIN = (
    f"{HIDDEN_TEXT_WORDS} (Unicode categories Cc, Cf, Zl, Zp; a zero-width joiner inside an emoji or a word is fine)."
)


def _config(example: dict[str, Any]) -> ConfigDict:
    return ConfigDict(extra="forbid", json_schema_extra={"examples": [example]})


class ErrorDetail(BaseModel):
    """What went wrong: a stable code, a message for a parent, and per-field reasons."""

    model_config = _config({"code": "validation_failed", "message": "Some values are not valid."})
    code: str
    message: str
    fields: dict[str, str] | None = None


class ErrorBody(BaseModel):
    """The body of every error response."""

    model_config = _config(
        {
            "error": {
                "code": "validation_failed",
                "message": "Some values are not valid.",
                "fields": {"comments": "Not available under 16: comments from everyone are off."},
            }
        }
    )
    error: ErrorDetail


class Health(BaseModel):
    """The service is up."""

    model_config = _config({"status": "ok"})
    status: Literal["ok"]


class AccountCreate(BaseModel):
    """A new guardian or teen account. Teens give a birth date and must be 13 to 17."""

    model_config = _config(
        {
            "email": "alex@example.com",
            "password": "correct horse battery",
            "display_name": "Alex",
            "role": "guardian",
            "birth_date": None,
        }
    )
    email: NewEmailText = Field(min_length=3, max_length=254)
    password: str = Field(min_length=8, max_length=1024)
    display_name: PlainText = Field(min_length=1, max_length=80, description=_PLAIN)
    role: Literal["guardian", "teen"]
    birth_date: IsoDate | None = None


class AccountOut(BaseModel):
    """An account as created."""

    model_config = _config({"id": _ID, "email": "alex@example.com", "display_name": "Alex", "role": "guardian"})
    id: str
    email: str
    display_name: str
    role: Literal["guardian", "teen"]


class MeOut(AccountOut):
    """The signed-in account; `age` is null for guardians."""

    model_config = _config(
        {"id": _TEEN, "email": "maya@example.com", "display_name": "Maya", "role": "teen", "age": 14}
    )
    age: int | None


class TokenRequest(BaseModel):
    """Sign in with email and password."""

    model_config = _config({"email": "alex@example.com", "password": "correct horse battery"})
    email: EmailText = Field(max_length=254)
    password: str = Field(max_length=1024)
    device_token: str | None = Field(
        default=None,
        max_length=200,
        description="The `device_token` of this device's last sign-in, if it has one: with the "
        "right password it passes the account's lock after many wrong passwords from elsewhere.",
    )


class RefreshRequest(BaseModel):
    """Trade a refresh token (once) for a new token pair."""

    model_config = _config(
        {"refresh_token": "c2VjcmV0LXJlZnJlc2gtdG9rZW4tZXhhbXBsZQ", "retry_key": "n3Yx8QpL0aZr5TbW2cVdKe"}
    )
    refresh_token: str = Field(max_length=200)
    # The client's own random key for this refresh token, the same on every try: a try whose
    # answer was lost is answered again (within RETRY_WINDOW, while the pair it was given is
    # unused) instead of ending the sign-in as the reuse of a stolen copy would.
    retry_key: str | None = Field(default=None, min_length=16, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")


class TokenPair(BaseModel):
    """An access token (15 minutes) and a single-use refresh token."""

    model_config = _config(
        {
            "access_token": "YWNjZXNzLXRva2VuLWV4YW1wbGUtMzItYnl0ZXM",
            "refresh_token": "cmVmcmVzaC10b2tlbi1leGFtcGxlLTMyLWJ5dGVz",
            "token_type": "Bearer",
            "expires_in": 900,
        }
    )
    access_token: str
    refresh_token: str
    token_type: Literal["Bearer"]
    expires_in: int


class SignInTokens(TokenPair):
    """A sign-in's tokens, and this device's new token: keep it in the keyring and send it as
    `device_token` at the next sign-in (it replaces the one sent; 90 days, renewed each time)."""

    model_config = _config(
        {
            "access_token": "YWNjZXNzLXRva2VuLWV4YW1wbGUtMzItYnl0ZXM",
            "refresh_token": "cmVmcmVzaC10b2tlbi1leGFtcGxlLTMyLWJ5dGVz",
            "token_type": "Bearer",
            "expires_in": 900,
            "device_token": "ZGV2aWNlLXRva2VuLWV4YW1wbGUtMzItYnl0ZXM",
        }
    )
    device_token: str


class GuardianAccount(BaseModel):
    """A guardian account by id and name: two accounts can carry one name."""

    model_config = _config({"id": _ID, "display_name": "Jordan"})
    id: str
    display_name: str


class GuardianName(BaseModel):
    """Who is asking to link, as the teen sees it."""

    model_config = _config({"display_name": "Alex"})
    display_name: str


class PairingTeenOut(BaseModel):
    """The teen who redeemed a code, as the guardian sees it before confirming."""

    model_config = _config({"id": _TEEN, "display_name": "Maya", "age": 14})
    id: str
    display_name: str
    age: int


class PairingCreated(BaseModel):
    """A new pairing code: show `code` (as ABCD-EFGH) or a QR code of `pair_uri`."""

    model_config = _config(
        {
            "id": _ID,
            "code": "K7MQ4XZP",
            "expires_at": _T,
            "pair_uri": "famguard://pair?code=K7MQ4XZP",
            "status": "waiting",
        }
    )
    id: str
    code: str
    expires_at: datetime
    pair_uri: str
    status: Literal["waiting"]


class RedeemRequest(BaseModel):
    """A pairing code as the teen typed it; case, spaces and dashes are ignored."""

    model_config = _config({"code": "k7mq-4xzp"})
    code: str = Field(max_length=64)


class PairingOut(BaseModel):
    """A pairing and where it stands; `teen` is set once a teen redeemed the code."""

    model_config = _config(
        {
            "id": _ID,
            "status": "accepted",
            "expires_at": _T,
            "guardian": {"display_name": "Alex"},
            "teen": {"id": _TEEN, "display_name": "Maya", "age": 14},
        }
    )
    id: str
    # "approval": confirmed by its guardian, waiting for one of the teen's guardians to approve
    # (a teen who has a guardian gets another only with that guardian's yes); "refused": they said no.
    status: Literal["waiting", "accepted", "approval", "active", "refused", "expired", "cancelled"]
    expires_at: datetime
    guardian: GuardianName
    teen: PairingTeenOut | None


class GuardianRequestOut(BaseModel):
    """Another account asking to become a guardian of a teen, waiting for a linked guardian's
    answer (approve or refuse) until `expires_at`."""

    model_config = _config(
        {"id": _ID, "guardian": {"id": _ID, "display_name": "Jordan"}, "asked_at": _T, "expires_at": _T}
    )
    id: str
    guardian: GuardianAccount
    asked_at: datetime
    expires_at: datetime


class TeenOut(BaseModel):
    """A teen linked to the signed-in guardian, with their birth date (what the age rules and the
    age-transition preview count from)."""

    model_config = _config(
        {"id": _TEEN, "display_name": "Maya", "age": 14, "linked_at": _T, "birth_date": "2012-03-03"}
    )
    id: str
    display_name: str
    age: int
    linked_at: datetime
    birth_date: date | None = None


class GuardianOut(BaseModel):
    """A guardian linked to the signed-in teen, and since when."""

    model_config = _config({"id": _ID, "display_name": "Alex", "linked_at": _T})
    id: str
    display_name: str
    linked_at: datetime


Clock = Annotated[str, Field(pattern=CLOCK_PATTERN)]


class TimeAwayBlockModel(BaseModel):
    """The app is locked from `start` to `end` (HH:MM) starting on each of `days`."""

    model_config = _config({"days": ["mon", "tue", "wed", "thu", "sun"], "start": "22:00", "end": "07:00"})
    days: list[Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]]
    start: Clock
    end: Clock


class QuietHoursModel(BaseModel):
    """Push notifications are muted from `start` to `end` (HH:MM) every day."""

    model_config = _config({"start": "21:00", "end": "08:00"})
    start: Clock
    end: Clock


# --- the controls, derived from their declarations (famguard.domain.controls.CONTROLS) ---------


def _bounded(spec: ControlSpec) -> Any:
    low, high = spec.bounds or (None, None)
    return Annotated[int, Field(strict=True, ge=low, le=high)]


_WEEKDAY: Any = Literal[WEEKDAYS]  # the domain's weekdays, at run time


def _one_of(spec: ControlSpec) -> Any:
    values = tuple(dump_plain(value) for value, _ in spec.choices)
    return Literal[values]  # built at run time from the declaration


# Per kind of value: its type on the wire. A new kind of control adds one line here.
_KIND_TYPES: dict[ValueKind, Callable[[ControlSpec], Any]] = {
    ValueKind.CHOICE: lambda spec: _one_of(spec),
    ValueKind.TOGGLE: lambda spec: StrictBool,
    ValueKind.MINUTES: lambda spec: _bounded(spec) | None,
    ValueKind.WEEKDAY_MINUTES: lambda spec: dict[_WEEKDAY, _bounded(spec)],  # type: ignore[misc]
    ValueKind.TIME_AWAY: lambda spec: Annotated[list[TimeAwayBlockModel], Field(max_length=spec.max_items)],
    ValueKind.QUIET_HOURS: lambda spec: QuietHoursModel | None,
    ValueKind.KEYWORDS: lambda spec: Annotated[
        list[Annotated[str, Field(max_length=MAX_KEYWORD_LENGTH)]], Field(max_length=spec.max_items)
    ],
    ValueKind.TIMEZONE: lambda spec: Annotated[str, Field(min_length=1, max_length=64)],
}


def control_type(spec: ControlSpec) -> Any:
    """The pydantic type of one control's wire form."""
    return _KIND_TYPES[spec.kind](spec)


def _described(spec: ControlSpec, annotation: Any, default: Any = ...) -> Any:
    text = f"{spec.label}: {spec.summary}"
    if spec.age_rule is not None:
        allowed = " or ".join(repr(dump_plain(v)) for v in spec.age_rule.allowed)
        text += f" Under {spec.age_rule.min_age} only {allowed} ({spec.age_rule.reason})"
    return (annotation, Field(default, description=text))


_CONTROLS_EXAMPLE: dict[str, Any] = {
    **controls_to_json(defaults_for_age(14, "Europe/London")),
    "daily_limit_overrides": {"sat": 120, "sun": 120},
    "time_away": [{"days": ["mon", "tue", "wed", "thu", "sun"], "start": "22:00", "end": "07:00"}],
    "keyword_filters": ["#diet"],
}

ControlsOut = create_model(
    "ControlsOut",
    __config__=_config(_CONTROLS_EXAMPLE),
    __doc__="Every safety control of a teen (see PRODUCT.md for the values and age rules).",
    __module__=__name__,
    **{spec.name: _described(spec, control_type(spec)) for spec in CONTROLS},
)

ControlsPatch = create_model(
    "ControlsPatch",
    __config__=_config({"daily_limit_minutes": 90, "comments": "no_one"}),
    __doc__="Some controls to change; fields left out keep their value. Age rules apply.",
    __module__=__name__,
    **{spec.name: _described(spec, control_type(spec) | None, None) for spec in CONTROLS},
)


class UsageReport(BaseModel):
    """Minutes the teen used the app on one local date; the last report for a date wins."""

    model_config = _config({"date": "2026-11-25", "minutes": 42})
    date: IsoDate
    minutes: int = Field(strict=True, ge=0, le=1440)


class UsageDayOut(BaseModel):
    """One day's use and that day's limit, including approved extra time (null: no limit); for a
    past day, the limit in force at the end of that day in the teen's time zone. `extra_minutes`
    is the extra time approved for that day alone (already in the limit)."""

    model_config = _config({"date": "2026-11-25", "minutes": 42, "limit_minutes": 75, "extra_minutes": 15})
    date: date
    minutes: int
    limit_minutes: int | None
    extra_minutes: int = 0


class UsageOut(BaseModel):
    """One entry per day of the asked range, oldest first."""

    model_config = _config({"days": [{"date": "2026-11-25", "minutes": 42, "limit_minutes": 75, "extra_minutes": 15}]})
    days: list[UsageDayOut]


class TimeRequestCreate(BaseModel):
    """A teen asks for extra minutes today."""

    model_config = _config({"minutes": 30, "reason": "Finishing a school project video"})
    minutes: int = Field(strict=True, ge=5, le=240)
    reason: PlainText = Field(default="", max_length=MAX_REQUEST_REASON, description=_PLAIN)


class TimeDecision(BaseModel):
    """Approve (optionally granting a different number of minutes) or deny."""

    model_config = _config({"approve": True, "minutes": 15})
    approve: StrictBool
    minutes: int | None = Field(default=None, strict=True, ge=5, le=240)


class TimeRequestOut(BaseModel):
    """An extra-time request and its answer."""

    model_config = _config(
        {
            "id": _ID,
            "teen_id": _TEEN,
            "date": "2026-11-25",
            "minutes": 30,
            "reason": "Finishing a school project video",
            "status": "approved",
            "created_at": _T,
            "decided_at": _T,
            "decided_by": "Alex",
            "granted_minutes": 15,
        }
    )
    id: str
    teen_id: str
    date: date
    minutes: int
    reason: str
    status: Literal["pending", "approved", "denied"]
    created_at: datetime
    decided_at: datetime | None
    decided_by: str | None
    granted_minutes: int | None


class ActorOut(BaseModel):
    """Who made a change."""

    model_config = _config({"id": _ID, "display_name": "Alex", "role": "guardian"})
    id: str
    display_name: str
    role: Literal["guardian", "teen"]


ActivityKind = Literal["controls", "link", "time_request", "temporary_rule", "age"]  # the kinds of history entry


class ActivityOut(BaseModel):
    """One entry of a teen's history: who changed what, when, from what to what."""

    model_config = _config(
        {
            "id": 17,
            "at": _T,
            "actor": {"id": _ID, "display_name": "Alex", "role": "guardian"},
            "teen_id": _TEEN,
            "kind": "controls",
            "field": "daily_limit_minutes",
            "before": 60,
            "after": 90,
        }
    )
    id: int
    at: datetime
    actor: ActorOut | None
    teen_id: str
    kind: ActivityKind
    field: str | None
    before: Any = None
    after: Any = None


class EventOut(BaseModel):
    """Something happened that the signed-in account should know about."""

    model_config = _config(
        {
            "id": 42,
            "type": "controls_changed",
            "teen_id": _TEEN,
            "at": _T,
            "data": {"fields": ["daily_limit_minutes"], "etag": '"7"', "actor": "Alex"},
        }
    )
    id: int
    type: str
    teen_id: str | None
    at: datetime
    data: dict[str, Any]


class EventsOut(BaseModel):
    """New events after the cursor, and the cursor to ask with next."""

    model_config = _config({"events": [], "cursor": "42", "missed": False})
    events: list[EventOut]
    cursor: str
    missed: bool = Field(
        default=False,
        description="True when events after the cursor sent were deleted (the service keeps them 30 days): "
        "read everything shown again, then carry on with these events and this cursor.",
    )
