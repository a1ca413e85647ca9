"""The change history in plain words, from the controls' declarations, and when undo makes sense."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from famguard.domain.activity_words import describe, field_choices, headline, undo_blocker
from famguard.domain.controls import CONTROLS
from famguard.domain.models import ActivityEntry, Actor, Role

AT = datetime(2026, 12, 3, 13, 2, tzinfo=UTC)
JORDAN = Actor("g2", "Jordan", Role.GUARDIAN)
MAYA = Actor("t1", "Maya", Role.TEEN)


def entry(kind: str, field: str | None, before: object, after: object, actor: Actor | None = JORDAN) -> ActivityEntry:
    return ActivityEntry(7, AT, actor, "t1", kind, field, before, after)


def test_settings_changes_read_as_sentences_with_the_declared_words() -> None:
    line = describe(entry("controls", "search_enabled", True, False), "Maya", UTC)
    assert (line.headline, line.change, line.who, line.when) == (
        "Jordan turned search off", "On → Off", "Jordan (guardian)", "Thu 3 Dec 2026, 13:02",
    )  # fmt: skip
    limit = describe(entry("controls", "daily_limit_minutes", 60, 90), "Maya")
    assert (limit.headline, limit.change) == ("Jordan changed daily screen-time limit", "1 h → 1 h 30 min")
    comments = describe(entry("controls", "comments", "everyone", "friends"), "Maya")
    assert comments.headline == "Jordan changed comments on Maya's videos"
    assert comments.change == "Everyone → Friends"
    long_toggle = describe(entry("controls", "suggest_account", True, False), "Maya")
    assert long_toggle.headline == "Jordan turned “Suggest the account to others” off"


def test_links_and_requests_for_more_time() -> None:
    assert describe(entry("link", None, None, {"guardian": "Jordan"}), "Maya").headline == "Jordan linked with Maya"
    approved = describe(entry("link", None, None, {"guardian": "Jordan", "approved_by": "Alex"}), "Maya")
    assert (approved.headline, approved.change) == ("Jordan linked with Maya", "approved by Alex")  # who let them in
    mine = entry("link", None, None, {"guardian": "Jordan", "approved_by": "Alex", "approved_by_id": "a1"})
    assert headline(mine, "Maya", me="a1") == ("Jordan linked with Maya", "approved by you")
    assert headline(mine, "Maya", me="someone else")[1] == "approved by Alex"  # another account named Alex
    assert (
        describe(entry("link", None, {"guardian": "Jordan"}, None, MAYA), "Maya").headline
        == "Maya unlinked from Jordan"
    )
    assert describe(entry("link", None, {"guardian": "Jordan"}, None), "Maya").headline == "Jordan unlinked from Maya"
    adult = describe(entry("link", None, {"guardian": "Jordan"}, None, None), "Maya")
    assert adult.headline == "The link between Jordan and Maya ended: Maya turned 18" and adult.who == "FamGuard"
    assert describe(entry("time_request", "requested", None, 30, MAYA), "Maya").headline == "Maya asked for 30 min more"
    approved = describe(entry("time_request", "approved", 45, 30), "Maya")
    assert (approved.headline, approved.change) == ("Jordan approved 30 min more for Maya", "asked 45 min")
    assert (
        describe(entry("time_request", "denied", 60, None), "Maya").headline
        == "Jordan denied Maya's request for 1 h more"
    )


def test_the_time_is_the_readers_local_time() -> None:
    assert describe(entry("link", None, None, {"guardian": "A"}), "Maya", timezone(timedelta(hours=-5))).when == (
        "Thu 3 Dec 2026, 08:02"
    )


def test_a_broken_value_is_shown_verbatim_never_a_crash() -> None:
    assert describe(entry("controls", "daily_limit_minutes", "lots", 90), "Maya").change == "lots → 1 h 30 min"
    assert describe(entry("controls", "teleport", 1, 2), "Maya").headline == "Jordan changed teleport"


def test_undo_makes_sense_only_while_the_setting_still_has_that_value() -> None:
    change = entry("controls", "search_enabled", True, False)
    assert undo_blocker(change, {"search_enabled": False}) is None
    assert "changed again" in (undo_blocker(change, {"search_enabled": True}) or "")
    assert undo_blocker(change, None) is not None
    assert undo_blocker(entry("link", None, None, {"guardian": "A"}), {}) == "Only changes to settings can be undone."


def test_the_setting_filter_offers_every_declared_control() -> None:
    assert [f for f, _label in field_choices("Maya")] == [spec.name for spec in CONTROLS]
    assert ("downloads", "Downloads of Maya's videos") in field_choices("Maya")


def test_temporary_rules_and_the_coming_18th_birthday_read_as_sentences() -> None:
    rule = {
        "name": "Exam weeks",
        "starts_on": "2026-06-01",
        "ends_on": "2026-06-20",
        "controls": {"search_enabled": False},
    }
    planned = describe(entry("temporary_rule", "created", None, rule), "Maya").headline
    assert planned.startswith("Jordan planned “Exam weeks” from ")
    assert "temporary_rule" not in planned
    assert describe(entry("temporary_rule", "ended", rule, None, None), "Maya").headline == (
        "The temporary rule “Exam weeks” ended"
    )
    ending = describe(entry("link", "ending", None, {"on": "2027-03-03"}, None), "Maya").headline
    assert "2027-03-03" in ending and "unlinked" not in ending and "ended" not in ending


def test_birthdays_in_the_history_for_the_guardians_and_for_the_teen() -> None:
    from famguard.domain.age_transition import opened_at_16
    from famguard.domain.teen_view import activity_in_words

    sixteen = entry("age", "turned_16", None, {"age": 16, "on": "2026-12-03", **opened_at_16()}, None)
    line = describe(sixteen, "Maya")
    assert line.headline.startswith("Maya turned 16: direct messages, downloads of Maya's videos and Duet and")
    assert (line.change, line.who) == ("", "FamGuard")
    assert activity_in_words(sixteen).endswith("they stay off until a guardian changes them; comments on your "
                                               "videos can also be set to “Everyone”")  # fmt: skip
    adult = entry("link", None, {"guardian": "Jordan"}, None, None)
    assert activity_in_words(adult) == "You turned 18: Jordan no longer manages this account"


def test_a_label_that_starts_with_the_teen_keeps_the_teens_name_capitalised() -> None:
    # "Your teen's time zone" names the teen first: the sentence lower-cases the label's first word,
    # which had turned the teen's name into "maya's".
    zone = describe(entry("controls", "timezone", "UTC", "Europe/London"), "Maya")
    assert (zone.headline, zone.change) == ("Jordan changed Maya's time zone", "UTC → Europe/London")
    assert describe(entry("controls", "timezone", "UTC", "Europe/London"), "élodie").headline == (
        "Jordan changed élodie's time zone"
    )
    # The platform's own feature names keep their capital inside a sentence, as the birthday entry has them.
    duet = describe(entry("controls", "duet_stitch", "friends", "no_one"), "Maya")
    assert duet.headline == "Jordan changed Duet and Stitch with Maya's videos"
