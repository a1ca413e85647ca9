"""The control rules a parent relies on: values, ranges, age rules and the JSON round trip."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from famguard.domain.controls import (
    CONTROL_FIELDS,
    DAILY_LIMIT_MAX,
    DAILY_LIMIT_MIN,
    MAX_KEYWORDS,
    WEEKDAYS,
    Audience,
    Controls,
    LikedVisibility,
    QuietHours,
    apply_patch,
    conform_to_age,
    controls_from_json,
    controls_to_json,
    defaults_for_age,
    option_restriction,
    parse_controls_patch,
)
from famguard.domain.errors import DomainValidationError


def test_defaults_follow_the_product_table_for_a_14_year_old() -> None:
    c = defaults_for_age(14, "Europe/London")
    assert c.comments == Audience.FRIENDS
    assert c.direct_messages == Audience.NO_ONE
    assert c.private_account is True
    assert c.suggest_account is False
    assert c.daily_limit_minutes == 60
    assert c.quiet_hours == QuietHours("21:00", "08:00")
    assert c.timezone == "Europe/London"


def test_defaults_for_a_16_year_old_suggest_the_account_and_start_quiet_hours_later() -> None:
    c = defaults_for_age(16)
    assert c.suggest_account is True
    assert c.quiet_hours == QuietHours("22:00", "08:00")


@pytest.mark.parametrize("age", [13, 14, 15])
def test_under_16_cannot_get_comments_from_everyone_or_direct_messages(age: int) -> None:
    current = defaults_for_age(age)
    with pytest.raises(DomainValidationError) as caught:
        apply_patch(current, parse_controls_patch({"comments": "everyone", "direct_messages": "friends"}), age)
    assert set(caught.value.fields) == {"comments", "direct_messages"}
    assert "under 16" in caught.value.fields["comments"]


def test_a_16_year_old_may_open_comments_and_messages() -> None:
    updated = apply_patch(defaults_for_age(16), parse_controls_patch({"comments": "everyone"}), 16)
    assert updated.comments == Audience.EVERYONE


def test_option_restriction_explains_why_an_option_is_disabled() -> None:
    assert option_restriction("comments", Audience.EVERYONE, 14)
    assert option_restriction("comments", Audience.FRIENDS, 14) is None
    assert option_restriction("comments", Audience.EVERYONE, 17) is None


def test_conform_to_age_closes_what_a_younger_teen_may_not_have() -> None:
    open_controls = defaults_for_age(17).replace(comments=Audience.EVERYONE, direct_messages=Audience.FRIENDS)
    closed = conform_to_age(open_controls, 15)
    assert closed.comments == Audience.FRIENDS and closed.direct_messages == Audience.NO_ONE


@pytest.mark.parametrize(
    ("patch", "field"),
    [
        ({"daily_limit_minutes": DAILY_LIMIT_MIN - 1}, "daily_limit_minutes"),
        ({"daily_limit_minutes": DAILY_LIMIT_MAX + 1}, "daily_limit_minutes"),
        ({"daily_limit_minutes": True}, "daily_limit_minutes"),
        ({"daily_limit_minutes": "60"}, "daily_limit_minutes"),
        ({"daily_limit_overrides": {"funday": 60}}, "daily_limit_overrides"),
        ({"search_enabled": "yes"}, "search_enabled"),
        ({"comments": "strangers"}, "comments"),
        ({"quiet_hours": {"start": "25:00", "end": "07:00"}}, "quiet_hours"),
        ({"time_away": [{"days": [], "start": "22:00", "end": "07:00"}]}, "time_away"),
        ({"time_away": [{"days": ["mon"], "start": "22:00", "end": "22:00"}]}, "time_away"),
        ({"keyword_filters": ["x" * 51]}, "keyword_filters"),
        ({"keyword_filters": [f"w{i}" for i in range(MAX_KEYWORDS + 1)]}, "keyword_filters"),
        ({"timezone": "Mars/Olympus_Mons"}, "timezone"),
        ({"timezone": "../../etc/passwd"}, "timezone"),
        ({"favourite_colour": "blue"}, "favourite_colour"),
    ],
)
def test_bad_values_are_rejected_with_the_field_named(patch: dict, field: str) -> None:
    with pytest.raises(DomainValidationError) as caught:
        parse_controls_patch(patch)
    assert field in caught.value.fields
    assert caught.value.fields[field]


def test_keywords_are_trimmed_and_deduplicated_ignoring_case() -> None:
    parsed = parse_controls_patch({"keyword_filters": ["  Diet  ", "diet", "#Vape"]})
    assert parsed["keyword_filters"] == ("Diet", "#Vape")


def test_an_overnight_school_night_block_is_accepted() -> None:
    parsed = parse_controls_patch({"time_away": [{"days": ["sun", "mon"], "start": "22:00", "end": "07:00"}]})
    assert parsed["time_away"][0].days == ("mon", "sun")


def test_a_complete_object_is_required_to_build_controls_from_json() -> None:
    raw = controls_to_json(defaults_for_age(15))
    del raw["timezone"]
    with pytest.raises(DomainValidationError) as caught:
        controls_from_json(raw)
    assert "timezone" in caught.value.fields


clock = st.builds(lambda h, m: f"{h:02d}:{m:02d}", st.integers(0, 23), st.integers(0, 59))
controls_strategy = st.builds(
    Controls,
    comments=st.sampled_from(Audience),
    direct_messages=st.sampled_from(Audience),
    search_enabled=st.booleans(),
    restricted_mode=st.booleans(),
    private_account=st.booleans(),
    suggest_account=st.booleans(),
    liked_videos=st.sampled_from(LikedVisibility),
    time_away=st.just(()),
    downloads=st.booleans(),
    duet_stitch=st.sampled_from(Audience),
    daily_limit_minutes=st.none() | st.integers(DAILY_LIMIT_MIN, DAILY_LIMIT_MAX),
    daily_limit_overrides=st.dictionaries(st.sampled_from(WEEKDAYS), st.integers(DAILY_LIMIT_MIN, DAILY_LIMIT_MAX)),
    quiet_hours=st.none() | st.builds(QuietHours, start=st.just("21:00"), end=clock.filter(lambda c: c != "21:00")),
    keyword_filters=st.lists(st.text("abcdef#", min_size=1, max_size=10), unique_by=str.casefold, max_size=5).map(
        tuple
    ),
    timezone=st.sampled_from(["UTC", "Europe/London", "America/New_York", "Australia/Lord_Howe"]),
)


@given(controls_strategy)
def test_json_round_trip_keeps_every_control(controls: Controls) -> None:
    assert controls_from_json(controls_to_json(controls)) == controls


def test_every_control_has_a_json_field() -> None:
    assert set(controls_to_json(defaults_for_age(15))) == set(CONTROL_FIELDS)
