"""Temporary rules over real HTTP: planning, listing and removing them; the date rules (at most
92 days, not over, no overlap) and the PATCH's own age rules inside `controls`; the teen's
effective controls (and ETag) with a rule on top while the guardian keeps editing the base; the
start and the end exactly at the teen's midnight across a daylight-saving change; and every
creation, removal, start and end in the history and the event feed of the whole family."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from famguard.server.routes_temporary_rules import MAX_PLANNED_RULES
from tests.support.accounts import link, make_guardian, make_teen, renew
from tests.support.http import Api, assert_error
from tests.support.servers import FakeClock

EXAMS = {
    "name": "Exam weeks",
    "starts_on": "2026-11-25",
    "ends_on": "2026-12-06",
    "controls": {"daily_limit_minutes": 30},
}


def _family(api: Api, clock: FakeClock, timezone: str | None = None) -> tuple[Any, Any]:
    guardian = make_guardian(api, "Alex")
    teen = make_teen(api, "Maya", 14, clock.now.date())
    link(api, guardian, teen)
    if timezone:
        etag = api.call("GET", f"/v1/teens/{teen.id}/controls", guardian.token).headers["ETag"]
        changed = api.call("PATCH", f"/v1/teens/{teen.id}/controls", guardian.token,
                           json={"timezone": timezone}, headers={"If-Match": etag})  # fmt: skip
        assert changed.status_code == 200, changed.text
    return guardian, teen


def _create(api: Api, guardian: Any, teen: Any, **body: Any) -> Any:  # noqa: ANN401 - a response
    return api.call("POST", f"/v1/teens/{teen.id}/temporary-rules", guardian.token, json={**EXAMS, **body})


def _teen_view(api: Api, teen: Any) -> tuple[dict[str, Any], str]:
    response = api.call("GET", "/v1/me/controls", teen.token)
    assert response.status_code == 200, response.text
    return response.json(), response.headers["ETag"]


def test_a_rule_starting_today_applies_to_the_teen_at_once_and_reverts_when_removed(
    live: Api, clock: FakeClock
) -> None:
    guardian, teen = _family(live, clock)
    before, base_etag = _teen_view(live, teen)
    created = _create(live, guardian, teen)
    assert created.status_code == 201, created.text
    rule = created.json()
    assert rule == {
        "id": rule["id"],
        "name": "Exam weeks",
        "starts_on": "2026-11-25",
        "ends_on": "2026-12-06",
        "controls": {"daily_limit_minutes": 30},
        "created_by": {"id": guardian.id, "display_name": "Alex"},  # the app says "set by you" by this id
        "status": "active",
    }
    during, rule_etag = _teen_view(live, teen)
    assert during["daily_limit_minutes"] == 30 and before["daily_limit_minutes"] == 60
    assert rule_etag != base_etag
    assert {k: v for k, v in during.items() if k != "daily_limit_minutes"} == {
        k: v for k, v in before.items() if k != "daily_limit_minutes"
    }
    # The guardian edits the base controls, which the rule leaves alone.
    base = live.call("GET", f"/v1/teens/{teen.id}/controls", guardian.token)
    assert base.json()["daily_limit_minutes"] == 60 and base.headers["ETag"] == base_etag
    # Today's use is measured against the rule's limit.
    assert live.call("GET", "/v1/me/usage", teen.token).json()["limit_minutes"] == 30
    assert [r["status"] for r in live.call("GET", f"/v1/teens/{teen.id}/temporary-rules", guardian.token).json()] == [
        "active"
    ]

    assert live.call("GET", "/v1/me/temporary-rules", teen.token).json() == [rule]  # the teen knows
    removed = live.call("DELETE", f"/v1/teens/{teen.id}/temporary-rules/{rule['id']}", guardian.token)
    assert removed.status_code == 204
    after, after_etag = _teen_view(live, teen)
    assert after == before and after_etag == base_etag
    assert live.call("GET", f"/v1/teens/{teen.id}/temporary-rules", guardian.token).json() == []
    assert_error(live.call("DELETE", f"/v1/teens/{teen.id}/temporary-rules/{rule['id']}", guardian.token), 404,
                 "not_found")  # fmt: skip


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"ends_on": "2027-02-25"}, "ends_on"),  # 93 days
        ({"starts_on": "2026-11-20", "ends_on": "2026-11-24"}, "ends_on"),  # over already
        ({"starts_on": "2026-11-20", "ends_on": "2026-11-30"}, "starts_on"),  # begun on a day gone by
        ({"starts_on": "2026-12-06", "ends_on": "2026-12-01"}, "ends_on"),  # ends before it starts
        ({"name": "   "}, "name"),
        ({"controls": {"comments": "everyone"}}, "controls.comments"),  # not under 16 (the PATCH rule)
        ({"controls": {"direct_messages": "friends"}}, "controls.direct_messages"),
        ({"controls": {"daily_limit_minutes": 5}}, "controls.daily_limit_minutes"),  # below the bounds
        ({"controls": {"bedtime": "early"}}, "controls.bedtime"),
        ({"controls": {"timezone": "Asia/Tokyo"}}, "controls.timezone"),
        ({"controls": {}}, "controls"),
    ],
)
def test_bad_rules_are_refused_naming_the_field(api: Api, clock: FakeClock, body: dict[str, Any], field: str) -> None:
    guardian, teen = _family(api, clock)
    error = assert_error(_create(api, guardian, teen, **body), 422, "validation_failed")
    assert field in error["fields"], error
    assert api.call("GET", f"/v1/teens/{teen.id}/temporary-rules", guardian.token).json() == []


def test_the_longest_rule_is_92_days_and_rules_cannot_overlap(api: Api, clock: FakeClock) -> None:
    guardian, teen = _family(api, clock)
    assert _create(api, guardian, teen, ends_on="2027-02-24").status_code == 201  # exactly 92 days
    overlapping = _create(api, guardian, teen, name="Holiday", starts_on="2027-02-24", ends_on="2027-03-01")
    assert "starts_on" in assert_error(overlapping, 422, "validation_failed")["fields"]
    assert _create(api, guardian, teen, name="Holiday", starts_on="2027-02-25", ends_on="2027-03-01").status_code == 201
    listed = api.call("GET", f"/v1/teens/{teen.id}/temporary-rules", guardian.token).json()
    assert [(r["name"], r["status"]) for r in listed] == [("Holiday", "scheduled"), ("Exam weeks", "active")]


def test_the_same_rule_again_from_its_guardian_is_answered_with_it_and_made_once(api: Api, clock: FakeClock) -> None:
    """A retry whose reply was lost (the app asks again): the rule it made, not "overlaps
    another rule". Another guardian's identical rule, or one that differs in anything, still
    overlaps."""
    guardian, teen = _family(api, clock)
    first = _create(api, guardian, teen, starts_on="2026-12-10", ends_on="2026-12-12")
    again = _create(api, guardian, teen, starts_on="2026-12-10", ends_on="2026-12-12")
    assert first.status_code == again.status_code == 201 and again.json() == first.json()
    listed = api.call("GET", f"/v1/teens/{teen.id}/temporary-rules", guardian.token).json()
    assert [r["id"] for r in listed] == [first.json()["id"]]
    history = api.call("GET", f"/v1/teens/{teen.id}/activity", guardian.token, params={"kind": "temporary_rule"}).json()
    assert [a["field"] for a in history] == ["created"]
    other_limit = _create(
        api, guardian, teen, starts_on="2026-12-10", ends_on="2026-12-12", controls={"daily_limit_minutes": 45}
    )
    assert "starts_on" in assert_error(other_limit, 422, "validation_failed")["fields"]
    sam = make_guardian(api, "Sam")
    link(api, sam, teen, approver=guardian)
    by_sam = _create(api, sam, teen, starts_on="2026-12-10", ends_on="2026-12-12")
    assert "starts_on" in assert_error(by_sam, 422, "validation_failed")["fields"]


def test_an_ended_rule_stays_in_the_history(api: Api, clock: FakeClock) -> None:
    guardian, teen = _family(api, clock)
    rule = _create(api, guardian, teen, ends_on="2026-11-26").json()
    clock.advance(days=3)
    renew(api, guardian)  # the access token of three days ago expired
    listed = api.call("GET", f"/v1/teens/{teen.id}/temporary-rules", guardian.token).json()
    assert [r["status"] for r in listed] == ["ended"]
    gone = api.call("DELETE", f"/v1/teens/{teen.id}/temporary-rules/{rule['id']}", guardian.token)
    assert_error(gone, 409, "rule_ended")


def test_only_a_linked_guardian_plans_rules(api: Api, clock: FakeClock) -> None:
    guardian, teen = _family(api, clock)
    stranger = make_guardian(api, "Stranger")
    rule = _create(api, guardian, teen).json()
    path = f"/v1/teens/{teen.id}/temporary-rules"
    assert_error(_create(api, stranger, teen, starts_on="2026-12-10", ends_on="2026-12-11"), 404, "not_found")
    assert_error(api.call("GET", path, stranger.token), 404, "not_found")
    assert_error(api.call("DELETE", f"{path}/{rule['id']}", stranger.token), 404, "not_found")
    assert_error(_create(api, teen, teen, starts_on="2026-12-10", ends_on="2026-12-11"), 403, "forbidden")
    assert_error(api.call("DELETE", f"{path}/{rule['id']}", teen.token), 403, "forbidden")
    # A rule id of another teen, through a teen the guardian does reach, is not found either.
    other_guardian, other_teen = _family(api, clock)
    assert_error(api.call("DELETE", f"/v1/teens/{other_teen.id}/temporary-rules/{rule['id']}",
                          other_guardian.token), 404, "not_found")  # fmt: skip
    assert len(api.call("GET", path, guardian.token).json()) == 1


@pytest.mark.parametrize(
    ("timezone", "first_day", "last_day", "start_utc", "end_utc"),
    [
        # London leaves summer time at 02:00 on Sunday 25 October 2026: the rule's first day
        # begins at 23:00 UTC the evening before (still BST), its end at 00:00 UTC (GMT).
        ("Europe/London", "2026-10-25", "2026-10-27", datetime(2026, 10, 24, 23, 0, tzinfo=UTC),
         datetime(2026, 10, 28, 0, 0, tzinfo=UTC)),
        # New York leaves daylight time on Sunday 1 November 2026: starts at 04:00 UTC (EDT),
        # ends at 05:00 UTC (EST).
        ("America/New_York", "2026-10-30", "2026-11-01", datetime(2026, 10, 30, 4, 0, tzinfo=UTC),
         datetime(2026, 11, 2, 5, 0, tzinfo=UTC)),
    ],
)  # fmt: skip
def test_a_rule_starts_and_ends_at_the_teen_s_midnight_across_a_daylight_saving_change(
    live: Api,
    clock: FakeClock,
    timezone: str,
    first_day: str,
    last_day: str,
    start_utc: datetime,
    end_utc: datetime,
) -> None:
    clock.now = datetime(2026, 10, 20, 12, 0, tzinfo=UTC)
    guardian, teen = _family(live, clock, timezone)
    assert _create(live, guardian, teen, starts_on=first_day, ends_on=last_day).json()["status"] == "scheduled"
    base, base_etag = _teen_view(live, teen)
    cursor = live.call("GET", "/v1/events", teen.token).json()["cursor"]

    def teen_at(moment: datetime) -> tuple[dict[str, Any], str]:
        clock.now = moment
        renew(live, teen)  # days pass between the looks: a fresh access token each time
        return _teen_view(live, teen)

    minute = timedelta(minutes=1)
    assert teen_at(start_utc - minute) == (base, base_etag)
    during, rule_etag = teen_at(start_utc)
    assert during["daily_limit_minutes"] == 30 and rule_etag != base_etag
    assert teen_at(end_utc - minute) == (during, rule_etag)
    assert teen_at(end_utc) == (base, base_etag)

    events = live.call("GET", "/v1/events", teen.token, params={"after": cursor}).json()["events"]
    assert [e["type"] for e in events] == ["temporary_rule_started", "temporary_rule_ended"]
    history = live.call("GET", "/v1/me/activity", teen.token).json()
    assert [e["field"] for e in history if e["kind"] == "temporary_rule"] == ["ended", "started", "created"]


def test_every_step_of_a_rule_is_history_and_news_for_the_whole_family(live: Api, clock: FakeClock) -> None:
    guardian, teen = _family(live, clock)
    second = make_guardian(live, "Jordan")
    link(live, second, teen, approver=guardian)
    cursors = {p.name: live.call("GET", "/v1/events", p.token).json()["cursor"] for p in (guardian, second, teen)}
    rule = _create(live, guardian, teen).json()
    live.call("DELETE", f"/v1/teens/{teen.id}/temporary-rules/{rule['id']}", second.token)
    for person in (guardian, second, teen):
        seen = live.call("GET", "/v1/events", person.token, params={"after": cursors[person.name]}).json()["events"]
        assert [e["type"] for e in seen] == [
            "temporary_rule_created",
            "temporary_rule_started",
            "temporary_rule_removed",
        ], person.name
        assert seen[0]["data"]["actor"] == "Alex" and seen[2]["data"]["actor"] == "Jordan"
    history = live.call("GET", f"/v1/teens/{teen.id}/activity", guardian.token).json()
    steps = [(e["field"], e["actor"]["display_name"] if e["actor"] else None) for e in history
             if e["kind"] == "temporary_rule"]  # fmt: skip
    assert steps == [("ended_early", "Jordan"), ("started", None), ("created", "Alex")]
    assert history[0]["before"]["name"] == "Exam weeks"
    assert live.call("GET", "/v1/me/activity", teen.token).json() == history


def test_at_most_thirty_rules_are_planned_at_once(live: Api, clock: FakeClock) -> None:
    """Every read of the teen's rules loads them all: 3,000 one-day rules planned ahead by a script
    made the phone's controls, usage reports and the phone status ~6x slower."""
    guardian, teen = _family(live, clock)
    day = clock.now.date()
    for n in range(MAX_PLANNED_RULES):  # one-day rules from today on
        on = (day + timedelta(days=n)).isoformat()
        assert _create(live, guardian, teen, starts_on=on, ends_on=on).status_code == 201
    on = (day + timedelta(days=MAX_PLANNED_RULES)).isoformat()
    error = assert_error(_create(live, guardian, teen, starts_on=on, ends_on=on), 422, "validation_failed")
    assert f"At most {MAX_PLANNED_RULES}" in error["fields"]["starts_on"]
    # Today's rule ends at the teen's midnight: then there is room for one more.
    clock.advance(days=1)
    renew(live, guardian)
    assert _create(live, guardian, teen, starts_on=on, ends_on=on).status_code == 201
    assert_error(_create(live, guardian, teen, starts_on="2030-01-01", ends_on="2030-01-01"), 422, "validation_failed")
    # A removed rule makes room too.
    planned = live.call("GET", f"/v1/teens/{teen.id}/temporary-rules", guardian.token).json()
    assert live.call("DELETE", f"/v1/teens/{teen.id}/temporary-rules/{planned[0]['id']}", guardian.token).ok
    assert _create(live, guardian, teen, starts_on="2030-01-01", ends_on="2030-01-01").status_code == 201
