"""The pure rules and words of trust: a temporary rule's dates and status, its controls checked by
the PATCH's own age rules, the effective controls with a rule on top; the teen's wording of the
rules, the change log, the lock and the notice before 18."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from famguard.domain import teen_view
from famguard.domain.controls import Audience, TimeAwayBlock, defaults_for_age
from famguard.domain.errors import DomainValidationError
from famguard.domain.models import ActivityEntry, Actor, Role, TemporaryRule
from famguard.domain.temporary import RuleStatus, check_dates, parse_rule_controls, rule_status, with_rule

TODAY = date(2026, 6, 1)


def test_a_rule_is_active_on_both_of_its_dates_inclusive() -> None:
    first, last = date(2026, 6, 1), date(2026, 6, 20)
    assert rule_status(first, last, first - timedelta(days=1)) is RuleStatus.SCHEDULED
    assert rule_status(first, last, first) is RuleStatus.ACTIVE
    assert rule_status(first, last, last) is RuleStatus.ACTIVE
    assert rule_status(first, last, last + timedelta(days=1)) is RuleStatus.ENDED


def test_the_date_rules_of_a_rule() -> None:
    assert check_dates("Exams", TODAY, TODAY + timedelta(days=91), TODAY) == {}
    assert "ends_on" in check_dates("Exams", TODAY, TODAY + timedelta(days=92), TODAY)
    assert "ends_on" in check_dates("Exams", TODAY - timedelta(days=5), TODAY - timedelta(days=1), TODAY)
    # Begun on a day gone by: it would have applied to days already lived (the chart drew them over it).
    assert check_dates("Exams", TODAY - timedelta(days=5), TODAY + timedelta(days=1), TODAY) == {
        "starts_on": "A rule cannot begin on a day gone by: choose today or a later first day."
    }
    assert "name" in check_dates(" ", TODAY, TODAY, TODAY)
    clash = check_dates("Holiday", TODAY + timedelta(days=3), TODAY + timedelta(days=9), TODAY,
                        [(TODAY, TODAY + timedelta(days=3))])  # fmt: skip
    assert "starts_on" in clash
    assert check_dates("Holiday", TODAY + timedelta(days=4), TODAY + timedelta(days=9), TODAY,
                       [(TODAY, TODAY + timedelta(days=3))]) == {}  # fmt: skip


def test_a_rule_s_controls_are_checked_by_the_patch_s_age_rules() -> None:
    young, older = defaults_for_age(14), defaults_for_age(16)
    with pytest.raises(DomainValidationError) as refused:
        parse_rule_controls({"comments": "everyone", "search_enabled": "yes"}, young, 14)
    assert set(refused.value.fields) == {"controls.search_enabled"}  # the parse fails first, all at once
    with pytest.raises(DomainValidationError) as under_16:
        parse_rule_controls({"comments": "everyone"}, young, 14)
    assert "Not available under 16" in under_16.value.fields["controls.comments"]
    assert parse_rule_controls({"comments": "everyone"}, older, 16) == {"comments": Audience.EVERYONE}


def test_the_effective_controls_are_the_base_with_the_rule_on_top() -> None:
    base = defaults_for_age(14).replace(daily_limit_overrides={"sat": 120})
    merged = with_rule(base, {"daily_limit_minutes": 30, "daily_limit_overrides": {}, "search_enabled": False}, 14)
    assert (merged.daily_limit_minutes, merged.daily_limit_overrides, merged.search_enabled) == (30, {}, False)
    assert merged.comments == base.comments
    # A value the teen's age does not allow (it was allowed when the rule was made) is left out.
    assert with_rule(base, {"comments": "everyone"}, 14).comments == base.comments


def test_the_teen_reads_the_rules_in_its_own_words() -> None:
    words = dict(teen_view.rules_in_words(defaults_for_age(14)))
    assert words["Comments on your videos"] == "Friends"
    assert words["Direct messages"] == "No one"
    assert words["Who can see liked videos"] == "Only you"
    assert not any("your teen" in f"{k} {v}" for k, v in words.items())


def test_a_control_the_age_keeps_off_says_so_where_the_age_is_known() -> None:
    """Found by a support agent: for Maya (14) the home and the phone said "Direct messages: No
    one" as if the family had chosen it; the agreement said "(not available under 16)"."""
    from famguard.domain.today import plain_rules

    words = dict(teen_view.rules_in_words(defaults_for_age(14), 14))
    assert words["Direct messages"] == "No one (not available under 16)"
    assert words["Downloads of your videos"] == "Off (not available under 16)"
    assert words["Comments on your videos"] == "Friends"  # allowed at 14: a choice
    assert dict(teen_view.rules_in_words(defaults_for_age(16), 16))["Direct messages"] == "No one"
    lines = " · ".join(words for _group, words in plain_rules(defaults_for_age(14), "Maya", age=14))
    assert "Direct messages: No one (not available under 16)" in lines
    assert "(not available" not in " ".join(w for _g, w in plain_rules(defaults_for_age(17), "Sam", age=17))


def test_the_change_log_in_words() -> None:
    alex = Actor("g1", "Alex", Role.GUARDIAN)
    at = datetime(2026, 6, 1, 13, 2, tzinfo=UTC)

    def entry(kind: str, field: str | None, before: object, after: object, actor: Actor | None = alex) -> str:
        return teen_view.activity_in_words(ActivityEntry(1, at, actor, "t1", kind, field, before, after))

    assert entry("controls", "daily_limit_minutes", 60, 45) == "Alex changed Daily screen-time limit from 1 h to 45 min"
    assert (
        entry("controls", "comments", "friends", "no_one")
        == "Alex changed Comments on your videos from Friends to No one"
    )
    assert entry("link", None, None, {"guardian": "Alex"}) == "Alex started managing this account"
    assert (
        entry("link", None, None, {"guardian": "Jordan", "approved_by": "Alex"})
        == "Jordan started managing this account, approved by Alex"
    )
    rule = {
        "name": "Exams",
        "starts_on": "2026-06-01",
        "ends_on": "2026-06-20",
        "controls": {"daily_limit_minutes": 60},
    }
    assert entry("temporary_rule", "created", None, rule) == (
        "Alex planned “Exams” from Monday 1 June to Saturday 20 June: Daily screen-time limit 1 h"
    )
    assert entry("temporary_rule", "ended", None, rule, None) == "The temporary rule “Exams” ended"
    assert entry("temporary_rule", "removed", rule, None) == "Alex removed the temporary rule “Exams”"


def test_a_rule_in_words_says_when_it_ends() -> None:
    rule = TemporaryRule("r", "Exams", date(2026, 6, 1), date(2026, 6, 20), {"daily_limit_minutes": 60}, "Alex", "")
    assert teen_view.rule_in_words(rule, date(2026, 6, 3)).endswith("— until Saturday 20 June")
    assert teen_view.rule_in_words(rule, date(2026, 6, 20)).endswith("— ends today")
    assert teen_view.rule_in_words(rule, date(2026, 5, 30)).endswith("— from Monday 1 June to Saturday 20 June")
    # Found by an outside tester: a rule across the new year read "to Tuesday 5 January", which
    # January? The year is said for a day in another year than today's.
    winter = TemporaryRule("w", "Winter break", date(2026, 12, 28), date(2027, 1, 5), {}, "Alex", "")
    assert teen_view.rule_in_words(winter, date(2026, 12, 6)).endswith(
        "— from Monday 28 December to Tuesday 5 January 2027"
    )
    assert teen_view.rule_in_words(winter, date(2026, 12, 30)).endswith("— until Tuesday 5 January 2027")
    assert teen_view.rule_in_words(winter, date(2027, 1, 2)).endswith("— until Tuesday 5 January")


def test_a_rule_says_you_to_the_guardian_who_set_it_by_account_not_by_name() -> None:
    rule = TemporaryRule(
        "r", "Exams", date(2026, 6, 1), date(2026, 6, 20), {"daily_limit_minutes": 60}, "Alex", "", "acc-alex"
    )
    today = date(2026, 6, 3)
    assert teen_view.rule_in_words(rule, today, me="acc-alex").startswith("Exams (set by you): ")
    # Another guardian called Alex too reads the name: the account tells, not the name.
    assert teen_view.rule_in_words(rule, today, me="acc-other-alex").startswith("Exams (set by Alex): ")
    assert teen_view.rule_in_words(rule, today).startswith("Exams (set by Alex): ")  # the teen, the agreement
    # A rule kept by an older store or sent by an older service has no account: the name it is.
    older = TemporaryRule("r", "Exams", date(2026, 6, 1), date(2026, 6, 20), {"daily_limit_minutes": 60}, "Alex", "")
    assert teen_view.rule_in_words(older, today, me="acc-alex").startswith("Exams (set by Alex): ")


def test_the_lock_follows_the_teen_s_wall_clock_across_a_daylight_saving_change() -> None:
    controls = defaults_for_age(14, "Europe/London").replace(
        time_away=(TimeAwayBlock(("sat", "sun"), "22:00", "07:00"),)
    )
    london = ZoneInfo("Europe/London")
    # Sunday 25 October 2026, the day London leaves summer time: 06:59 local is still locked…
    assert teen_view.lock_reason(controls, datetime(2026, 10, 25, 6, 59, tzinfo=london), 0, 60) == (
        "Time away until 07:00"
    )
    # …07:00 local (07:00 UTC that day, 06:00 UTC the day before) is open.
    assert teen_view.lock_reason(controls, datetime(2026, 10, 25, 7, 0, tzinfo=london), 0, 60) is None
    assert teen_view.lock_reason(controls, datetime(2026, 10, 25, 12, 0, tzinfo=london), 60, 60) == (
        "Daily limit reached"
    )
    assert teen_view.lock_reason(controls, datetime(2026, 10, 25, 12, 0, tzinfo=london), 59, 60) is None


def test_the_link_end_notice_starts_30_days_before_18() -> None:
    birthday = date(2026, 7, 1)
    assert teen_view.link_end_notice("Maya", birthday, birthday - timedelta(days=31), for_teen=True) is None
    teen = teen_view.link_end_notice("Maya", birthday, birthday - timedelta(days=30), for_teen=True)
    assert (
        teen == "You turn 18 on Wednesday 1 July (30 days from now): "
        "then your guardians' link ends and no controls apply any more."
    )
    guardian = teen_view.link_end_notice("Maya", birthday, birthday, for_teen=False)
    assert guardian is not None and guardian.startswith("Maya turns 18 today")
