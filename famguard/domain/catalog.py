"""What each control is called, which group a parent looks for it in, and what it does in plain
words: the one place the app's labels and help texts come from."""

from __future__ import annotations

from dataclasses import dataclass

from famguard.domain.controls import CONTROL_FIELDS, Audience, LikedVisibility


@dataclass(frozen=True)
class ControlInfo:
    field: str
    group: str
    label: str
    summary: str
    details: str


SCREEN_TIME = "Screen time"
PRIVACY = "Privacy and interaction"
CONTENT = "Content"
GROUPS: tuple[str, ...] = (SCREEN_TIME, PRIVACY, CONTENT)

AUDIENCE_LABELS = {Audience.EVERYONE: "Everyone", Audience.FRIENDS: "Friends", Audience.NO_ONE: "No one"}
LIKED_LABELS = {
    LikedVisibility.EVERYONE: "Everyone",
    LikedVisibility.FRIENDS: "Friends",
    LikedVisibility.ONLY_ME: "Only your teen",
}

_INFOS = (
    ControlInfo(
        "daily_limit_minutes",
        SCREEN_TIME,
        "Daily screen-time limit",
        "How long your teen can use the app each day.",
        "When the limit is reached the app asks your teen to stop; they can ask you for more time, "
        "and you can approve or deny from here. The day follows your teen's time zone.",
    ),
    ControlInfo(
        "daily_limit_overrides",
        SCREEN_TIME,
        "Different limits on some days",
        "Give some weekdays their own limit, for example more at the weekend.",
        "A day without its own value uses the daily limit above.",
    ),
    ControlInfo(
        "time_away",
        SCREEN_TIME,
        "Time away",
        "Lock the app at set times, for example on school nights.",
        "A block starts on the days you choose; one that ends before it starts runs into the next "
        "morning (22:00–07:00).",
    ),
    ControlInfo(
        "quiet_hours",
        SCREEN_TIME,
        "Quiet hours",
        "No push notifications between these times.",
        "The app still works; it just does not buzz your teen's phone at night.",
    ),
    ControlInfo(
        "comments",
        PRIVACY,
        "Comments on your teen's videos",
        "Who can comment on the videos your teen posts.",
        "Under 16 comments from everyone are never allowed; the platform limits them to friends or no one.",
    ),
    ControlInfo(
        "direct_messages",
        PRIVACY,
        "Direct messages",
        "Who can send your teen private messages.",
        "Direct messages are not available at all for teens under 16.",
    ),
    ControlInfo(
        "private_account",
        PRIVACY,
        "Private account",
        "Only approved followers can see your teen's videos.",
        "With a private account, people must ask to follow your teen and your teen must approve them.",
    ),
    ControlInfo(
        "suggest_account",
        PRIVACY,
        "Suggest the account to others",
        "Whether the app recommends your teen's account to people they may know.",
        "Turning this off makes your teen harder to find for strangers.",
    ),
    ControlInfo(
        "liked_videos",
        PRIVACY,
        "Who can see liked videos",
        "Who can see the list of videos your teen liked.",
        "Liked videos can say a lot about someone; 'Only your teen' keeps the list private.",
    ),
    ControlInfo(
        "restricted_mode",
        CONTENT,
        "Restricted mode",
        "Limits content that may not be suitable for younger viewers.",
        "Restricted mode filters mature or complex themes from your teen's feeds. No filter is "
        "perfect; talk with your teen about what they see.",
    ),
    ControlInfo(
        "search_enabled",
        CONTENT,
        "Search",
        "Whether your teen can search for videos, accounts, hashtags and sounds.",
        "With search off, your teen only sees their feeds and the accounts they follow.",
    ),
    ControlInfo(
        "keyword_filters",
        CONTENT,
        "Keyword filters",
        "Videos with these words or hashtags are removed from your teen's feeds.",
        "Up to 200 words or hashtags; capital letters do not matter.",
    ),
    ControlInfo(
        "timezone",
        CONTENT,
        "Your teen's time zone",
        "Screen-time days and schedules follow this time zone.",
        "Set it to where your teen lives; 'today' and daylight-saving changes follow it.",
    ),
)

CONTROL_INFO: dict[str, ControlInfo] = {info.field: info for info in _INFOS}
assert set(CONTROL_INFO) == set(CONTROL_FIELDS), "every control needs its help text"
