"""The bodies of the trust routes (delivery receipts, temporary rules, the teen's own view), as
pydantic models documented in /openapi.json like the rest (famguard.server.schemas)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from famguard.domain.temporary import MAX_RULE_NAME
from famguard.server.schemas import IsoDate, _config

_T = "2026-11-25T13:02:00Z"
_ID = "3f2b8c1e9a4d4b7c8e6f5a2b1c0d9e8f"


class AppliedReport(BaseModel):
    """The phone applied the effective controls of this ETag (from GET /v1/me/controls)."""

    model_config = _config({"etag": '"7"'})
    etag: str = Field(min_length=1, max_length=80)


class PhoneOut(BaseModel):
    """What the teen's phone last reported; times are null until it first reports. `up_to_date`
    says whether the version it applied is the one it should have now."""

    model_config = _config(
        {
            "last_seen_at": _T,
            "applied_etag": '"7"',
            "applied_at": _T,
            "current_etag": '"7"',
            "up_to_date": True,
            "link_ends_on": None,
        }
    )
    last_seen_at: datetime | None
    applied_etag: str | None
    applied_at: datetime | None
    current_etag: str
    up_to_date: bool
    link_ends_on: date | None = Field(
        default=None, description="The 18th birthday, from 30 days before it: then the links end."
    )


class RuleCreate(BaseModel):
    """A temporary rule: `controls` (a partial controls object, checked by the same age rules as
    a PATCH) apply from `starts_on` to `ends_on`, the teen's local dates, both inclusive."""

    model_config = _config(
        {
            "name": "Exam weeks",
            "starts_on": "2026-06-01",
            "ends_on": "2026-06-20",
            "controls": {"daily_limit_minutes": 60},
        }
    )
    name: str = Field(
        min_length=1,
        max_length=MAX_RULE_NAME,
        description="Shown to the family: no line breaks, tabs or invisible formatting characters "
        "(famguard.domain.plain_text, checked with the dates by famguard.domain.temporary.check_dates).",
    )
    starts_on: IsoDate  # strict like every date of the API: YYYY-MM-DD, never a number
    ends_on: IsoDate
    controls: dict[str, Any]


class CreatorOut(BaseModel):
    """Who planned a rule: their account (so that a reader can tell their own rules, as the
    history tells its entries by account) and their name."""

    model_config = _config({"id": _ID, "display_name": "Alex"})
    id: str
    display_name: str


class RuleOut(BaseModel):
    """A temporary rule and where it stands today in the teen's time zone."""

    model_config = _config(
        {
            "id": _ID,
            "name": "Exam weeks",
            "starts_on": "2026-06-01",
            "ends_on": "2026-06-20",
            "controls": {"daily_limit_minutes": 60},
            "created_by": {"display_name": "Alex"},
            "status": "active",
        }
    )
    id: str
    name: str
    starts_on: IsoDate  # strict like every date of the API: YYYY-MM-DD, never a number
    ends_on: IsoDate
    controls: dict[str, Any]
    created_by: CreatorOut
    status: Literal["scheduled", "active", "ended"]
