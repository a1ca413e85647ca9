"""The request and response bodies of API v1 as pydantic models: what FastAPI validates and
what /openapi.json documents (every schema has a description and an example). Controls
themselves are validated by famguard.domain.controls, which words the reasons for parents."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

_T = "2026-11-25T13:00:00Z"
_ID = "3f2b8c1e9a4d4b7c8e6f5a2b1c0d9e8f"
_TEEN = "9a8b7c6d5e4f4a3b2c1d0e9f8a7b6c5d"


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
                "fields": {"comments": "Not available under 16: comments from everyone are off for younger teens."},
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
    email: str = Field(min_length=3, max_length=254)
    password: str = Field(min_length=8, max_length=1024)
    display_name: str = Field(min_length=1, max_length=80)
    role: Literal["guardian", "teen"]
    birth_date: date | None = None


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
    email: str = Field(max_length=254)
    password: str = Field(max_length=1024)


class RefreshRequest(BaseModel):
    """Trade a refresh token (once) for a new token pair."""

    model_config = _config({"refresh_token": "c2VjcmV0LXJlZnJlc2gtdG9rZW4tZXhhbXBsZQ"})
    refresh_token: str = Field(max_length=200)


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
    status: Literal["waiting", "accepted", "active", "expired", "cancelled"]
    expires_at: datetime
    guardian: GuardianName
    teen: PairingTeenOut | None


class TeenOut(BaseModel):
    """A teen linked to the signed-in guardian."""

    model_config = _config({"id": _TEEN, "display_name": "Maya", "age": 14, "linked_at": _T})
    id: str
    display_name: str
    age: int
    linked_at: datetime


class GuardianOut(BaseModel):
    """A guardian linked to the signed-in teen, and since when."""

    model_config = _config({"id": _ID, "display_name": "Alex", "linked_at": _T})
    id: str
    display_name: str
    linked_at: datetime


class TimeAwayBlockModel(BaseModel):
    """The app is locked from `start` to `end` (HH:MM) starting on each of `days`."""

    model_config = _config({"days": ["mon", "tue", "wed", "thu", "sun"], "start": "22:00", "end": "07:00"})
    days: list[Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]]
    start: str = Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")
    end: str = Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")


class QuietHoursModel(BaseModel):
    """Push notifications are muted from `start` to `end` (HH:MM) every day."""

    model_config = _config({"start": "21:00", "end": "08:00"})
    start: str = Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")
    end: str = Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")


_CONTROLS_EXAMPLE: dict[str, Any] = {
    "comments": "friends",
    "direct_messages": "no_one",
    "search_enabled": True,
    "restricted_mode": False,
    "private_account": True,
    "suggest_account": False,
    "liked_videos": "only_me",
    "daily_limit_minutes": 60,
    "daily_limit_overrides": {"sat": 120, "sun": 120},
    "time_away": [{"days": ["mon", "tue", "wed", "thu", "sun"], "start": "22:00", "end": "07:00"}],
    "quiet_hours": {"start": "21:00", "end": "08:00"},
    "keyword_filters": ["#diet"],
    "timezone": "Europe/London",
}

Audience = Literal["everyone", "friends", "no_one"]
Liked = Literal["everyone", "friends", "only_me"]
Minutes = int


class ControlsOut(BaseModel):
    """Every safety control of a teen (see PRODUCT.md for the values and age rules)."""

    model_config = _config(_CONTROLS_EXAMPLE)
    comments: Audience
    direct_messages: Audience
    search_enabled: bool
    restricted_mode: bool
    private_account: bool
    suggest_account: bool
    liked_videos: Liked
    daily_limit_minutes: int | None = Field(ge=10, le=720)
    daily_limit_overrides: dict[str, Minutes]
    time_away: list[TimeAwayBlockModel]
    quiet_hours: QuietHoursModel | None
    keyword_filters: list[str]
    timezone: str


class ControlsPatch(BaseModel):
    """Some controls to change; fields left out keep their value. Age rules apply."""

    model_config = _config({"daily_limit_minutes": 90, "comments": "no_one"})
    comments: Audience | None = None
    direct_messages: Audience | None = None
    search_enabled: bool | None = None
    restricted_mode: bool | None = None
    private_account: bool | None = None
    suggest_account: bool | None = None
    liked_videos: Liked | None = None
    daily_limit_minutes: int | None = Field(default=None, ge=10, le=720)
    daily_limit_overrides: dict[str, Minutes] | None = None
    time_away: list[TimeAwayBlockModel] | None = None
    quiet_hours: QuietHoursModel | None = None
    keyword_filters: list[str] | None = None
    timezone: str | None = None


class UsageReport(BaseModel):
    """Minutes the teen used the app on one local date; the last report for a date wins."""

    model_config = _config({"date": "2026-11-25", "minutes": 42})
    date: date
    minutes: int = Field(ge=0, le=1440)


class UsageDayOut(BaseModel):
    """One day's use and that day's limit, including approved extra time (null: no limit)."""

    model_config = _config({"date": "2026-11-25", "minutes": 42, "limit_minutes": 75})
    date: date
    minutes: int
    limit_minutes: int | None


class UsageOut(BaseModel):
    """One entry per day of the asked range, oldest first."""

    model_config = _config({"days": [{"date": "2026-11-25", "minutes": 42, "limit_minutes": 75}]})
    days: list[UsageDayOut]


class TimeRequestCreate(BaseModel):
    """A teen asks for extra minutes today."""

    model_config = _config({"minutes": 30, "reason": "Finishing a school project video"})
    minutes: int = Field(ge=5, le=240)
    reason: str = Field(default="", max_length=500)


class TimeDecision(BaseModel):
    """Approve (optionally granting a different number of minutes) or deny."""

    model_config = _config({"approve": True, "minutes": 15})
    approve: bool
    minutes: int | None = Field(default=None, ge=5, le=240)


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
    kind: Literal["controls", "link", "time_request"]
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

    model_config = _config({"events": [], "cursor": "42"})
    events: list[EventOut]
    cursor: str
