"""Today in the teen's time zone: today's limit (the weekday's own value and extra time approved
today), locked and muted now and until when, pending requests, and the rules in plain words
derived from the declarations."""

from __future__ import annotations

from datetime import UTC, date, datetime

from famguard.domain.control_words import control_label
from famguard.domain.controls import CONTROLS, QuietHours, TimeAwayBlock, defaults_for_age
from famguard.domain.models import TimeRequest, TimeRequestStatus, UsageDay
from famguard.domain.today import limit_words, plain_rules, rest_of_day_minutes, today_of

# Saturday 5 December 2026, 22:30 in London (UTC in winter)
SAT_NIGHT = datetime(2026, 12, 5, 22, 30, tzinfo=UTC)


def request(rid: str, day: date, status: TimeRequestStatus, granted: int | None = None) -> TimeRequest:
    return TimeRequest(rid, "t1", day, 30, "project", status, SAT_NIGHT, granted_minutes=granted)


def test_todays_limit_is_the_weekdays_own_value_plus_extra_time_approved_today() -> None:
    controls = defaults_for_age(14, "Europe/London").replace(daily_limit_overrides={"sat": 120})
    day = date(2026, 12, 5)
    today = today_of(
        controls,
        [UsageDay(date(2026, 12, 4), 200, 60), UsageDay(day, 95, 60)],  # the report's own limit is not used
        [
            request("r1", day, TimeRequestStatus.APPROVED, 30),
            request("r2", date(2026, 12, 4), TimeRequestStatus.APPROVED, 60),  # yesterday's
            request("r3", day, TimeRequestStatus.PENDING),
        ],
        SAT_NIGHT,
    )
    assert (today.day, today.used_minutes, today.base_limit, today.extra_minutes) == (day, 95, 120, 30)
    assert today.limit_minutes == 150
    assert today.usage_words() == "1 h 35 min of 2 h 30 min today (2 h + 30 min extra) — 55 min left"
    assert [r.id for r in today.pending] == ["r3"]
    assert not today.near_limit


def test_the_day_is_the_teens_not_utcs() -> None:
    controls = defaults_for_age(14, "Asia/Tokyo")
    today = today_of(controls, [UsageDay(date(2026, 12, 6), 10, 60)], [], SAT_NIGHT)  # Sunday 07:30 in Tokyo
    assert today.day == date(2026, 12, 6) and today.used_minutes == 10


def test_locked_and_muted_now_say_until_when() -> None:
    controls = defaults_for_age(14, "Europe/London").replace(
        time_away=(TimeAwayBlock(("sat",), "22:00", "07:00"),), quiet_hours=QuietHours("21:00", "08:00")
    )
    today = today_of(controls, [], [], SAT_NIGHT)
    assert (today.locked_until, today.muted_until) == ("07:00", "08:00")
    assert today.now_words() == (
        "⊘ Locked now (time away) until 07:00 · ◐ Notifications muted (quiet hours) until 08:00"
    )
    free = today_of(controls.replace(time_away=(), quiet_hours=None), [], [], SAT_NIGHT)
    assert free.now_words() == "✓ The app can be used now"
    # Today's limit used up locks the app as time away does: "✓ The app can be used now" stood
    # under "20 min of 15 min today — limit reached" (an outside tester).
    used_up = today_of(
        controls.replace(time_away=(), quiet_hours=None), [UsageDay(SAT_NIGHT.date(), 60, 60)], [], SAT_NIGHT
    )
    assert used_up.limit_reached
    assert used_up.now_words() == "⊘ Locked now: today's limit is reached — until midnight, unless you allow more time"
    # Time away ending tomorrow morning: a new day's limit begins then.
    night = today_of(controls.replace(quiet_hours=None), [UsageDay(SAT_NIGHT.date(), 60, 60)], [], SAT_NIGHT)
    assert night.now_words() == "⊘ Locked now (time away) until 07:00"
    # Ending this afternoon, with the limit used up: its end is not when the app opens (an outside
    # tester read "until 15:00" so).
    afternoon = controls.replace(time_away=(TimeAwayBlock(("sat",), "22:00", "23:00"),), quiet_hours=None)
    both = today_of(afternoon, [UsageDay(SAT_NIGHT.date(), 60, 60)], [], SAT_NIGHT)  # 22:30 in London
    assert both.now_words() == (
        "⊘ Locked now (time away) until 23:00, then by today's limit — until midnight, unless you allow more time"
    )


def test_near_the_limit_at_90_percent_and_no_limit_is_never_near() -> None:
    controls = defaults_for_age(16, "UTC")
    day = date(2026, 12, 5)
    assert today_of(controls, [UsageDay(day, 54, 60)], [], SAT_NIGHT).near_limit
    assert not today_of(controls, [UsageDay(day, 53, 60)], [], SAT_NIGHT).near_limit
    no_limit = controls.replace(daily_limit_minutes=None)
    assert not today_of(no_limit, [UsageDay(day, 900, None)], [], SAT_NIGHT).near_limit


def test_rules_in_plain_words_come_from_every_declaration_about_the_teen_by_name() -> None:
    controls = defaults_for_age(14, "Europe/London").replace(daily_limit_overrides={"sat": 120, "sun": 120})
    text = " ".join(words for _group, words in plain_rules(controls, "James"))
    for spec in CONTROLS:
        assert f"{control_label(spec.name, 'James')}: {spec.describe(getattr(controls, spec.name))}" in text
    # The home names the teen, as the history and Undo do: never "your teen's" beside "James, 14".
    assert "James's time zone: Europe/London" in text and "your teen's" not in text.casefold(), text
    assert limit_words(controls) == "1 h a day, 2 h on Sat, Sun"
    assert limit_words(controls.replace(daily_limit_minutes=None, daily_limit_overrides={})) == "No daily limit"


def test_no_days_of_their_own_reads_as_none_not_as_its_opposite() -> None:
    # "Different limits on some days: Same every day" said yes and no in one line.
    text = " ".join(words for _group, words in plain_rules(defaults_for_age(14, "UTC"), "Maya"))
    assert "Different limits on some days: None" in text


def test_the_rest_of_the_day_runs_to_the_teens_midnight_within_what_one_answer_may_grant() -> None:
    assert rest_of_day_minutes("Europe/London", SAT_NIGHT) == 90
    assert rest_of_day_minutes("Europe/London", datetime(2026, 12, 5, 8, 0, tzinfo=UTC)) == 240
    assert rest_of_day_minutes("Europe/London", datetime(2026, 12, 5, 23, 58, tzinfo=UTC)) == 5
