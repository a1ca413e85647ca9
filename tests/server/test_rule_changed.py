"""A temporary rule not begun yet is changed in place (PUT): its name, days and settings, checked
as when it was planned. Before, a guardian who planned "Exam weeks" a day too long had to remove
it and plan it again — two entries in the history, and the rule gone from the teen's page in
between. Over real HTTP: the change, its history entry and event for the whole family, the
checks (overlap, age rules, a rule begun or ended), a retry, who may change it, and a rule moved
to begin today beginning at once."""

from __future__ import annotations

from typing import Any

from tests.server.test_temporary_rules import EXAMS, _family
from tests.support.accounts import link, make_guardian, renew
from tests.support.http import Api, assert_error
from tests.support.servers import FakeClock

# FakeClock starts on 2026-11-25: this rule has not begun.
PLANNED = {**EXAMS, "starts_on": "2026-12-10", "ends_on": "2026-12-20"}


def _plan(api: Api, guardian: Any, teen: Any, **body: Any) -> dict[str, Any]:  # noqa: ANN401
    made = api.call("POST", f"/v1/teens/{teen.id}/temporary-rules", guardian.token, json={**PLANNED, **body})
    assert made.status_code == 201, made.text
    return made.json()


def _change(api: Api, who: Any, teen: Any, rule: dict[str, Any], **body: Any) -> Any:  # noqa: ANN401
    return api.call("PUT", f"/v1/teens/{teen.id}/temporary-rules/{rule['id']}", who.token, json={**PLANNED, **body})


def test_a_planned_rule_is_changed_in_place_and_the_family_hears_of_it(live: Api, clock: FakeClock) -> None:
    guardian, teen = _family(live, clock)
    jordan = make_guardian(live, "Jordan")
    link(live, jordan, teen, approver=guardian)
    rule = _plan(live, guardian, teen)
    cursors = {p.name: live.call("GET", "/v1/events", p.token).json()["cursor"] for p in (guardian, jordan, teen)}

    changed = _change(live, jordan, teen, rule, name="Mock exams", ends_on="2026-12-18",
                      controls={"daily_limit_minutes": 45, "search_enabled": False})  # fmt: skip
    assert changed.status_code == 200, changed.text
    assert changed.json() == {
        **rule,
        "name": "Mock exams",
        "ends_on": "2026-12-18",
        "controls": {"daily_limit_minutes": 45, "search_enabled": False},
        "status": "scheduled",
    }  # the same rule (its id, who planned it), changed
    listed = live.call("GET", f"/v1/teens/{teen.id}/temporary-rules", guardian.token).json()
    assert listed == [changed.json()]
    assert live.call("GET", "/v1/me/temporary-rules", teen.token).json() == listed  # the teen sees it as it is

    for person in (guardian, jordan, teen):
        seen = live.call("GET", "/v1/events", person.token, params={"after": cursors[person.name]}).json()["events"]
        assert [(e["type"], e["data"]["name"], e["data"]["actor"]) for e in seen] == [
            ("temporary_rule_changed", "Mock exams", "Jordan")
        ], person.name
    [entry] = [e for e in live.call("GET", f"/v1/teens/{teen.id}/activity", guardian.token).json()
               if e["field"] == "changed"]  # fmt: skip
    assert entry["actor"]["display_name"] == "Jordan" and entry["kind"] == "temporary_rule"
    assert entry["before"] == {key: PLANNED[key] for key in ("name", "starts_on", "ends_on", "controls")}
    assert entry["after"] == {"name": "Mock exams", "starts_on": "2026-12-10", "ends_on": "2026-12-18",
                              "controls": {"daily_limit_minutes": 45, "search_enabled": False}}  # fmt: skip

    again = _change(live, jordan, teen, rule, name="Mock exams", ends_on="2026-12-18",
                    controls={"daily_limit_minutes": 45, "search_enabled": False})  # fmt: skip
    assert again.status_code == 200 and again.json() == changed.json()  # a retry: recorded once
    history = live.call("GET", f"/v1/teens/{teen.id}/activity", guardian.token, params={"kind": "temporary_rule"})
    assert [e["field"] for e in history.json()] == ["changed", "created"]


def test_a_change_is_checked_as_a_new_rule_is_and_refused_changes_leave_it_as_it_was(
    api: Api, clock: FakeClock
) -> None:
    guardian, teen = _family(api, clock)
    rule = _plan(api, guardian, teen)
    _plan(api, guardian, teen, name="Holiday", starts_on="2026-12-22", ends_on="2026-12-31")
    for body, field in [
        ({"ends_on": "2026-12-23"}, "starts_on"),  # into the holiday
        ({"ends_on": "2027-03-20"}, "ends_on"),  # over 92 days
        ({"name": "  "}, "name"),
        ({"controls": {"daily_limit_minutes": 5}}, "controls.daily_limit_minutes"),
        ({"controls": {"timezone": "Asia/Tokyo"}}, "controls.timezone"),
        ({"controls": {}}, "controls"),
    ]:
        error = assert_error(_change(api, guardian, teen, rule, **body), 422, "validation_failed")
        assert field in error["fields"], (body, error)
    # Its own days are no overlap: moved a day later inside them, it is taken.
    moved = _change(api, guardian, teen, rule, starts_on="2026-12-11", ends_on="2026-12-21")
    assert moved.status_code == 200, moved.text
    listed = api.call("GET", f"/v1/teens/{teen.id}/temporary-rules", guardian.token).json()
    assert [(r["name"], r["starts_on"], r["ends_on"]) for r in listed] == [
        ("Holiday", "2026-12-22", "2026-12-31"),
        ("Exam weeks", "2026-12-11", "2026-12-21"),
    ]


def test_a_rule_moved_to_begin_today_begins_at_once(live: Api, clock: FakeClock) -> None:
    guardian, teen = _family(live, clock)
    rule = _plan(live, guardian, teen)
    before = live.call("GET", "/v1/me/controls", teen.token)
    today = clock.now.date().isoformat()
    changed = _change(live, guardian, teen, rule, starts_on=today)
    assert changed.status_code == 200 and changed.json()["status"] == "active", changed.text
    during = live.call("GET", "/v1/me/controls", teen.token)
    assert during.json()["daily_limit_minutes"] == 30 and before.json()["daily_limit_minutes"] == 60
    assert during.headers["ETag"] != before.headers["ETag"]  # the phone is told its rules changed
    history = live.call("GET", f"/v1/teens/{teen.id}/activity", guardian.token, params={"kind": "temporary_rule"})
    assert [e["field"] for e in history.json()] == ["started", "changed", "created"]


def test_a_rule_begun_or_ended_is_not_changed(api: Api, clock: FakeClock) -> None:
    guardian, teen = _family(api, clock)
    rule = _plan(api, guardian, teen, starts_on="2026-11-26", ends_on="2026-11-27")
    clock.advance(days=1)  # the teen's midnight: it has begun
    renew(api, guardian)
    assert_error(_change(api, guardian, teen, rule, starts_on="2026-11-28", ends_on="2026-11-29"), 409, "rule_started")
    clock.advance(days=2)
    renew(api, guardian)
    assert_error(_change(api, guardian, teen, rule, starts_on="2026-12-28", ends_on="2026-12-29"), 409, "rule_ended")
    listed = api.call("GET", f"/v1/teens/{teen.id}/temporary-rules", guardian.token).json()
    assert [(r["starts_on"], r["ends_on"], r["status"]) for r in listed] == [("2026-11-26", "2026-11-27", "ended")]


def test_only_a_linked_guardian_changes_a_rule_and_only_a_rule_of_that_teen(api: Api, clock: FakeClock) -> None:
    guardian, teen = _family(api, clock)
    rule = _plan(api, guardian, teen)
    stranger = make_guardian(api, "Stranger")
    assert_error(_change(api, stranger, teen, rule, name="Mine now"), 404, "not_found")
    assert_error(_change(api, teen, teen, rule, name="No limits"), 403, "forbidden")
    other_guardian, other_teen = _family(api, clock)
    assert_error(_change(api, other_guardian, other_teen, rule, name="Mine now"), 404, "not_found")
    removed = _plan(api, guardian, teen, name="Holiday", starts_on="2026-12-22", ends_on="2026-12-31")
    api.call("DELETE", f"/v1/teens/{teen.id}/temporary-rules/{removed['id']}", guardian.token)
    assert_error(_change(api, guardian, teen, removed, starts_on="2026-12-22", ends_on="2026-12-31"), 404, "not_found")
    listed = api.call("GET", f"/v1/teens/{teen.id}/temporary-rules", guardian.token).json()
    assert [r["name"] for r in listed] == ["Exam weeks"]
