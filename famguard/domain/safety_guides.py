"""The Safety Centre's content: short guides written for parents, and for each control the
recommended value for 13–15 and for 16–17 with why. The recommendations are derived from the
control declarations (famguard.domain.controls: each control's default for that age band, its
summary, details and age rule), so they can never disagree with what the app sets at link time."""

from __future__ import annotations

from dataclasses import dataclass

from famguard.domain.age import ADULT_AGE, OLDER_TEEN_AGE, TEEN_MIN_AGE
from famguard.domain.controls import CONTROLS, ValueKind


@dataclass(frozen=True)
class Guide:
    key: str  # the section's anchor ("pairing", "report-illegal", …)
    title: str
    paragraphs: tuple[str, ...]


@dataclass(frozen=True)
class Recommendation:
    field: str
    label: str
    younger: str  # the value recommended for 13–15, in the declaration's words
    older: str  # for 16–17
    why: str
    younger_rule: str  # the age rule for 13–15 ("" when none)


YOUNGER_BAND = f"{TEEN_MIN_AGE}–{OLDER_TEEN_AGE - 1}"
OLDER_BAND = f"{OLDER_TEEN_AGE}–{ADULT_AGE - 1}"
CONTROLS_KEY = "controls"
ILLEGAL_KEY = "report-illegal"

GUIDES: tuple[Guide, ...] = (
    Guide(
        "pairing",
        "How linking works and what your teen sees",
        (
            "You create a code in FamGuard; your teen types or scans it on their phone. Their phone shows "
            "your name and asks them to accept — nothing is linked without their yes — and then you check "
            "their name and age and confirm.",
            "Your teen always knows they are supervised: their app shows who manages the account, every "
            "rule in plain words and every change to it. FamGuard never reads messages or watches what "
            "they look at.",
            "Either of you can end the link at any time, and the other is told at once. At 18 the link ends "
            "by itself; in the two months before, FamGuard shows you what will change and when.",
        ),
    ),
    Guide(
        CONTROLS_KEY,
        "Each setting, what we recommend and why",
        (
            "The values below are what FamGuard sets when you link, for each age band. They are a "
            "starting point: change them with your teen as they show they are ready.",
        ),
    ),
    Guide(
        "talk",
        "Talking with your teen about screen time",
        (
            "Agree the rules together rather than announcing them: ask what they enjoy, what they find "
            "hard to stop, and what a fair limit looks like to them. The family agreement (Account menu) "
            "puts the rules on one page for both of you to sign.",
            "Explain why, not only what. A rule they understand is a rule they keep when you are not looking.",
            "Look at the week's chart together, without blame. A day over the limit is a reason to talk, "
            "not a punishment; approve extra time when there is a good reason.",
            "Keep phones out of bedrooms at night where you can, and set time away and quiet hours so "
            "sleep comes first.",
        ),
    ),
    Guide(
        "report-platform",
        "Reporting a video or an account on the platform",
        (
            "In the app, press and hold the video (or open the account's profile and tap the share arrow "
            "or the three dots), choose Report and pick the reason that fits best. The person reported is "
            "not told who reported them.",
            "Block accounts that make your teen uncomfortable: open the profile, tap the three dots and "
            "choose Block. Keep a screenshot if you may need to show it to the school or the police.",
            "If someone asks your teen for images, money or to meet, or threatens them, report it on the "
            "platform and tell the police; do not delete the messages first.",
        ),
    ),
    Guide(
        ILLEGAL_KEY,
        "Where to report illegal content",
        (
            "Sexual images or videos of anyone under 18 are illegal. Do not share, forward or download "
            "them, even to report them: report the address (the web link) to your national hotline, "
            "anonymously if you wish. The hotlines below belong to the INHOPE network; they have the "
            "content removed and work with the police.",
            "If a child is in immediate danger, call your local emergency number first.",
        ),
    ),
)


def recommendations() -> list[Recommendation]:
    """One per control that has a recommended value (the time zone is a fact, not a choice)."""
    result = []
    for spec in CONTROLS:
        if spec.kind is ValueKind.TIMEZONE:
            continue
        rule = spec.age_rule
        younger_rule = f"Under {rule.min_age}, {rule.reason}" if rule is not None else ""
        why = " ".join(part for part in (spec.summary, spec.details) if part)
        result.append(
            Recommendation(
                spec.name,
                spec.label,
                spec.describe(spec.default_for(OLDER_TEEN_AGE - 1)),
                spec.describe(spec.default_for(OLDER_TEEN_AGE)),
                why,
                younger_rule,
            )
        )
    return result


def guide(key: str) -> Guide | None:
    return next((g for g in GUIDES if g.key == key), None)
