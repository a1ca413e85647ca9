"""Every safety control of a teen, declared once (`CONTROLS`): its kind of value, allowed values,
default by age, age rule, wire form, bounds, label, group, help text and the editor the app
builds for it. The server validates and documents with it, the client parses and pre-checks
with it, the app builds its editors and words from it.

When adding a control
---------------------
1. Add its `ControlSpec` to `CONTROLS` below: name, kind, editor, group, label, summary,
   details, `default` (16–17) and `young_default` (under 16) if different, `choices` for a
   choice, `bounds`/`max_items` if any, and an `AgeRule` if younger teens may not have some
   values (the rule's reason is what the app shows beside the disabled option).
2. Add a typed field of the same name to `Controls` (an import-time check fails otherwise).
3. Run `python -m famguard.server.openapi_dump` and commit famguard/server/openapi.json.
That is all: stored bodies need no migration (a missing control reads as its default for the
teen's age), older apps ignore it (tolerant reader), and the server's schemas, the app's editor,
conflict wording and both teen listings derive from the spec; tests/domain/test_declarations.py
and tests/ui/test_views.py fail when any of them disagrees with it.
A new *kind* of value also needs its parse/dump/describe in values.py and control_spec.py
(`ValueKind`, `_KINDS`), its pydantic type in server/schemas.py (`_KIND_TYPES`), and for a new
editor an `EditorKind` and its widget in ui/control_editors.py (`EDITORS`)."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from famguard.domain.control_spec import AgeRule, ControlSpec, EditorKind, ValueKind
from famguard.domain.errors import DomainValidationError
from famguard.domain.plain_text import plain_text_problem
from famguard.domain.values import (
    CLOCK_PATTERN,
    DAILY_LIMIT_MAX,
    DAILY_LIMIT_MIN,
    DAILY_LIMIT_PRESETS,
    DEFAULT_DAILY_LIMIT,
    DEFAULT_TIMEZONE,
    MAX_KEYWORD_LENGTH,
    MAX_KEYWORDS,
    MAX_TIME_AWAY_BLOCKS,
    WEEKDAYS,
    Audience,
    FieldError,
    LikedVisibility,
    QuietHours,
    TimeAwayBlock,
    kept_keyword,
    time_away_block_to_json,
)
from famguard.domain.zones import is_zone_name

__all__ = [
    "CLOCK_PATTERN",
    "CONTROLS",
    "CONTROL_FIELDS",
    "DAILY_LIMIT_MAX",
    "DAILY_LIMIT_MIN",
    "DAILY_LIMIT_PRESETS",
    "DEFAULT_DAILY_LIMIT",
    "DEFAULT_TIMEZONE",
    "GROUPS",
    "MAX_KEYWORDS",
    "MAX_KEYWORD_LENGTH",
    "MAX_TIME_AWAY_BLOCKS",
    "SPECS",
    "UNDER_16_REASON",
    "WEEKDAYS",
    "AgeRule",
    "Audience",
    "ControlSpec",
    "Controls",
    "EditorKind",
    "LikedVisibility",
    "QuietHours",
    "TimeAwayBlock",
    "ValueKind",
    "age_rule_violations",
    "apply_patch",
    "conform_to_age",
    "controls_from_json",
    "controls_to_json",
    "defaults_for_age",
    "is_complete_body",
    "option_restriction",
    "parse_controls_patch",
    "parse_sent_patch",
    "sent_text_problems",
    "time_away_block_to_json",
]

UNDER_16_REASON = "Not available under 16"

SCREEN_TIME = "Screen time"
PRIVACY = "Privacy and interaction"
CONTENT = "Content"
GROUPS: tuple[str, ...] = (SCREEN_TIME, PRIVACY, CONTENT)

_FieldError = FieldError  # the name _timezone raises


def _timezone(value: Any) -> str:
    if not isinstance(value, str) or not value or len(value) > 64 or value.startswith("/") or ".." in value:
        raise _FieldError("Must be a time zone name such as Europe/London.")
    unknown = _FieldError(f"{value!r} is not a time zone FamGuard knows; use a name such as Europe/London.")
    if not is_zone_name(value):  # also refuses host-specific names such as localtime or right/UTC
        raise unknown
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise unknown from None
    return value


_AUDIENCE = ((Audience.EVERYONE, "Everyone"), (Audience.FRIENDS, "Friends"), (Audience.NO_ONE, "No one"))
_LIKED = (
    (LikedVisibility.EVERYONE, "Everyone"),
    (LikedVisibility.FRIENDS, "Friends"),
    (LikedVisibility.ONLY_ME, "Only your teen"),
)
_MINUTE_BOUNDS = (DAILY_LIMIT_MIN, DAILY_LIMIT_MAX)

CONTROLS: tuple[ControlSpec, ...] = (
    ControlSpec(
        "comments",
        ValueKind.CHOICE,
        EditorKind.RADIO,
        PRIVACY,
        label="Comments on your teen's videos",
        summary="Who can comment on the videos your teen posts.",
        details="Under 16 comments from everyone are never allowed; the platform limits them to friends or no one.",
        default=Audience.FRIENDS,
        choices=_AUDIENCE,
        age_rule=AgeRule((Audience.FRIENDS, Audience.NO_ONE), "comments from everyone are off."),
    ),  # fmt: skip
    ControlSpec(
        "direct_messages",
        ValueKind.CHOICE,
        EditorKind.RADIO,
        PRIVACY,
        label="Direct messages",
        summary="Who can send your teen private messages.",
        details="Direct messages are not available at all for teens under 16.",
        default=Audience.NO_ONE,
        choices=_AUDIENCE,
        age_rule=AgeRule((Audience.NO_ONE,), "direct messages are turned off."),
    ),  # fmt: skip
    ControlSpec(
        "search_enabled",
        ValueKind.TOGGLE,
        EditorKind.CHECKBOX,
        CONTENT,
        label="Search",
        summary="Whether your teen can search for videos, accounts, hashtags and sounds.",
        details="With search off, your teen only sees their feeds and the accounts they follow.",
        default=True,
        toggle_text="Search allowed",
    ),  # fmt: skip
    ControlSpec(
        "restricted_mode",
        ValueKind.TOGGLE,
        EditorKind.CHECKBOX,
        CONTENT,
        label="Restricted mode",
        summary="Limits content that may not be suitable for younger viewers.",
        details="Restricted mode filters mature or complex themes from your teen's feeds. No filter is "
        "perfect; talk with your teen about what they see.",
        default=False,
        toggle_text="Restricted mode",
    ),  # fmt: skip
    ControlSpec(
        "private_account",
        ValueKind.TOGGLE,
        EditorKind.CHECKBOX,
        PRIVACY,
        label="Private account",
        summary="Only approved followers can see your teen's videos.",
        details="With a private account, people must ask to follow your teen and your teen must approve them.",
        default=True,
        toggle_text="Private account",
    ),  # fmt: skip
    ControlSpec(
        "suggest_account",
        ValueKind.TOGGLE,
        EditorKind.CHECKBOX,
        PRIVACY,
        label="Suggest the account to others",
        summary="Whether the app recommends your teen's account to people they may know.",
        details="Turning this off makes your teen harder to find for strangers.",
        default=True,
        young_default=False,
        toggle_text="Suggest to others",
    ),  # fmt: skip
    ControlSpec(
        "liked_videos",
        ValueKind.CHOICE,
        EditorKind.RADIO,
        PRIVACY,
        label="Who can see liked videos",
        summary="Who can see the list of videos your teen liked.",
        details="Liked videos can say a lot about someone; 'Only your teen' keeps the list private.",
        default=LikedVisibility.ONLY_ME,
        choices=_LIKED,
    ),  # fmt: skip
    ControlSpec(
        "daily_limit_minutes",
        ValueKind.MINUTES,
        EditorKind.DAILY_LIMIT,
        SCREEN_TIME,
        label="Daily screen-time limit",
        summary="How long your teen can use the app each day.",
        details="When the limit is reached the app asks your teen to stop; they can ask you for more time, "
        "and you can approve or deny from here. The day follows your teen's time zone.",
        default=DEFAULT_DAILY_LIMIT,
        bounds=_MINUTE_BOUNDS,
    ),  # fmt: skip
    ControlSpec(
        "daily_limit_overrides",
        ValueKind.WEEKDAY_MINUTES,
        EditorKind.WEEKDAY_LIMITS,
        SCREEN_TIME,
        label="Different limits on some days",
        summary="Give some weekdays their own limit, for example more at the weekend.",
        details="A day without its own value uses the daily limit above.",
        default={},
        bounds=_MINUTE_BOUNDS,
    ),  # fmt: skip
    ControlSpec(
        "time_away",
        ValueKind.TIME_AWAY,
        EditorKind.TIME_AWAY,
        SCREEN_TIME,
        label="Time away",
        summary="Lock the app at set times, for example on school nights.",
        details="A block starts on the days you choose; one that ends before it starts runs into the next "
        "morning (22:00–07:00).",
        default=(),
        max_items=MAX_TIME_AWAY_BLOCKS,
    ),  # fmt: skip
    ControlSpec(
        "quiet_hours",
        ValueKind.QUIET_HOURS,
        EditorKind.QUIET_HOURS,
        SCREEN_TIME,
        label="Quiet hours",
        summary="No push notifications between these times.",
        details="The app still works; it just does not buzz your teen's phone at night.",
        default=QuietHours("22:00", "08:00"),
        young_default=QuietHours("21:00", "08:00"),
    ),  # fmt: skip
    ControlSpec(
        "keyword_filters",
        ValueKind.KEYWORDS,
        EditorKind.KEYWORD_LIST,
        CONTENT,
        label="Keyword filters",
        summary="Videos with these words or hashtags are removed from your teen's feeds.",
        details=f"Up to {MAX_KEYWORDS} words or hashtags; capital letters do not matter.",
        default=(),
        max_items=MAX_KEYWORDS,
    ),  # fmt: skip
    ControlSpec(
        "timezone",
        ValueKind.TIMEZONE,
        EditorKind.TIMEZONE_PICKER,
        SCREEN_TIME,  # the day, the limits and the schedules follow it
        label="Your teen's time zone",
        summary="Screen-time days and schedules follow this time zone.",
        details="Set it to where your teen lives; 'today' and daylight-saving changes follow it.",
        default=DEFAULT_TIMEZONE,
        parser=_timezone,
    ),  # fmt: skip
    ControlSpec(
        "downloads",
        ValueKind.TOGGLE,
        EditorKind.CHECKBOX,
        PRIVACY,
        label="Downloads of your teen's videos",
        summary="Whether other people can download the videos your teen posts.",
        details="A downloaded video can be copied and shared anywhere, out of your teen's reach. "
        "For teens under 16 the platform never allows downloads.",
        default=False,
        toggle_text="Others may download",
        age_rule=AgeRule((False,), "others cannot download the teen's videos."),
    ),  # fmt: skip
    ControlSpec(
        "duet_stitch",
        ValueKind.CHOICE,
        EditorKind.RADIO,
        PRIVACY,
        label="Duet and Stitch with your teen's videos",
        summary="Who can use your teen's videos in their own Duets (side by side) and Stitches (clips).",
        details="A Duet or Stitch puts part of your teen's video inside someone else's. For teens under 16 "
        "the platform never allows it.",
        default=Audience.FRIENDS,
        young_default=Audience.NO_ONE,
        choices=_AUDIENCE,
        age_rule=AgeRule((Audience.NO_ONE,), "no one can Duet or Stitch with the teen's videos."),
    ),  # fmt: skip
)

SPECS: dict[str, ControlSpec] = {spec.name: spec for spec in CONTROLS}
CONTROL_FIELDS: tuple[str, ...] = tuple(SPECS)


@dataclass(frozen=True)
class Controls:
    """A teen's controls, typed; one field per spec in CONTROLS, in the same order."""

    comments: Audience
    direct_messages: Audience
    search_enabled: bool
    restricted_mode: bool
    private_account: bool
    suggest_account: bool
    liked_videos: LikedVisibility
    daily_limit_minutes: int | None
    daily_limit_overrides: Mapping[str, int]
    time_away: tuple[TimeAwayBlock, ...]
    quiet_hours: QuietHours | None
    keyword_filters: tuple[str, ...]
    timezone: str
    downloads: bool
    duet_stitch: Audience

    def replace(self, **changes: Any) -> Controls:
        return dataclasses.replace(self, **changes)


if tuple(f.name for f in dataclasses.fields(Controls)) != CONTROL_FIELDS:
    raise TypeError("Controls must have one field per ControlSpec, in the order of CONTROLS")
for _spec in CONTROLS:
    if _spec.age_rule and _spec.default_for(_spec.age_rule.min_age - 1) not in _spec.age_rule.allowed:
        raise TypeError(f"{_spec.name}: the default for younger teens breaks its own age rule")


def defaults_for_age(age: int, timezone: str = DEFAULT_TIMEZONE) -> Controls:
    """The controls a teen gets when a guardian first links, as PRODUCT.md's table says."""
    values = {spec.name: spec.default_for(age) for spec in CONTROLS}
    values["timezone"] = timezone
    return Controls(**values)


def option_restriction(field_name: str, value: Any, age: int) -> str | None:
    """Why `value` is not allowed for `field_name` at `age`, or None when it is allowed."""
    spec = SPECS.get(field_name)
    return None if spec is None else spec.restriction(value, age)


def age_rule_violations(controls: Controls, age: int) -> dict[str, str]:
    """Each field of `controls` that breaks an age rule, with the reason."""
    problems: dict[str, str] = {}
    for spec in CONTROLS:
        reason = spec.restriction(getattr(controls, spec.name), age)
        if reason:
            problems[spec.name] = reason
    return problems


def conform_to_age(controls: Controls, age: int) -> Controls:
    """The closest controls that obey the age rules (used when a teen's age band changes)."""
    changes = {}
    for name in age_rule_violations(controls, age):
        rule = SPECS[name].age_rule
        assert rule is not None
        changes[name] = rule.allowed[0]
    return controls.replace(**changes)


# --- the wire form -------------------------------------------------------------------------


def controls_to_json(controls: Controls) -> dict[str, Any]:
    return {spec.name: spec.dump(getattr(controls, spec.name)) for spec in CONTROLS}


def controls_from_json(raw: Any, age: int | None = None) -> Controls:
    """Controls from JSON, as a tolerant reader: fields this version does not know (a newer
    service's controls) are ignored, so they are never sent back either. A missing field takes
    its default for `age` (a body stored before that control existed needs no migration);
    without an age, every field must be present (a reply must carry each control we know)."""
    if not isinstance(raw, Mapping):
        raise DomainValidationError({"controls": "Expected an object with every control."})
    known = {name: value for name, value in raw.items() if name in SPECS}
    missing = [name for name in CONTROL_FIELDS if name not in known]
    if missing and age is None:
        raise DomainValidationError(dict.fromkeys(missing, "This setting is missing."))
    values = parse_controls_patch(known)
    for name in missing:
        assert age is not None
        values[name] = SPECS[name].default_for(age)
    return Controls(**values)


def is_complete_body(body: str) -> bool:
    """Whether a stored compact JSON body (separators "," and ":") has every control. Only a
    key is followed by `":` (a quote inside a string is escaped), so this needs no parsing;
    the fast read uses it to leave an older body to the route that fills in the defaults."""
    return all(f'"{name}":' in body for name in CONTROL_FIELDS)


def parse_controls_patch(raw: Any) -> dict[str, Any]:
    """Typed values for the fields present in `raw`, a partial controls object from JSON.

    Unknown fields, wrong types and out-of-range values raise DomainValidationError, with every
    broken field named at once so the user can fix them together."""
    if not isinstance(raw, Mapping):
        raise DomainValidationError({"controls": "Expected an object of settings to change."})
    values: dict[str, Any] = {}
    problems: dict[str, str] = {}
    for name, value in raw.items():
        spec = SPECS.get(name)
        if spec is None:
            problems[str(name)] = "This is not a setting FamGuard knows."
            continue
        try:
            values[name] = spec.parse(value)
        except FieldError as exc:
            problems[name] = str(exc)
    if problems:
        raise DomainValidationError(problems)
    return values


# The app reads a comma as the place between two keywords (a pasted "diet, prank" is two): one
# keyword holding a comma, sent through the API, showed as "#diet, prank" — two words to a parent
# who could not remove either alone.
KEYWORD_COMMA_WORDS = "A keyword cannot hold a comma: send each word or hashtag as a keyword of its own."


def sent_text_problems(raw: Mapping[str, Any], kept: Mapping[str, Any]) -> dict[str, str]:
    """The keywords of a change someone sends that the plain-text rule refuses
    (famguard.domain.plain_text), or that hold a comma (KEYWORD_COMMA_WORDS), by field. `kept`
    is the controls' wire form now: a keyword it already holds (stored by an older service)
    passes, so the guardian can still change the list and remove that word; the word as kept
    (kept_keyword, what parse_keywords reads) is compared. Only what is sent is checked: stored
    bodies and the service's replies are read as they are."""
    problems: dict[str, str] = {}
    for name, value in raw.items():
        spec = SPECS.get(name)
        if spec is None or spec.kind is not ValueKind.KEYWORDS or not isinstance(value, list):
            continue
        already = set(kept.get(name) or ())
        for item in value:
            if isinstance(item, str) and kept_keyword(item) not in already:
                problem = plain_text_problem(item) or (KEYWORD_COMMA_WORDS if "," in item else None)
                if problem is not None:
                    problems[name] = problem
                    break
    return problems


def parse_sent_patch(raw: Any, kept: Mapping[str, Any]) -> dict[str, Any]:  # noqa: ANN401 - JSON
    """parse_controls_patch of a change someone sends (a PATCH, a temporary rule), with the
    plain-text rule of its keywords (sent_text_problems): every problem named at once."""
    problems = sent_text_problems(raw, kept) if isinstance(raw, Mapping) else {}
    try:
        values = parse_controls_patch(raw)
    except DomainValidationError as exc:
        raise DomainValidationError({**exc.fields, **problems}) from None
    if problems:
        raise DomainValidationError(problems)
    return values


def apply_patch(current: Controls, patch: Mapping[str, Any], age: int) -> Controls:
    """`current` with the typed `patch` applied; the result must obey the age rules."""
    updated = current.replace(**patch)
    problems = {k: v for k, v in age_rule_violations(updated, age).items() if k in patch}
    if problems:
        raise DomainValidationError(problems)
    return updated


def etag_of(version: int, band: str = "") -> str:
    """The ETag of a teen's controls at stored `version` (`band`: the age band whose defaults
    completed an older body). The service gives it and the app expects it; one rule for both."""
    return f'"{version}-{band}"' if band else f'"{version}"'


def etag_version(etag: str) -> int | None:
    """The stored version an ETag of `etag_of` (with or without a rule's suffix) names; None for
    one that is not such an ETag."""
    digits = etag[1:].split("-", 1)[0].rstrip('"') if etag.startswith('"') else ""
    return int(digits) if digits.isascii() and digits.isdigit() else None
