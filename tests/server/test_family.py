"""Usage reports, extra-time requests (an approval raises that day's limit only) and the
long-poll event feed (a change by one guardian reaches the other's waiting poll at once)."""

from __future__ import annotations

import time
from datetime import date, timedelta

import pytest

from famguard.server import routes_family
from famguard.server.routes_family import TIME_REQUESTS_PER_DAY
from tests.support.accounts import Family, controls_of, link, make_guardian, make_teen, renew
from tests.support.http import Api, BackgroundPoll, assert_error
from tests.support.servers import FakeClock, LocalServer

# Every test here runs with the GET-controls fast path on and off (tests/conftest.py).
pytestmark = pytest.mark.both_read_paths


def _usage(api: Api, family: Family, **params: str) -> list[dict]:
    response = api.call("GET", f"/v1/teens/{family.teen.id}/usage", family.guardian.token, params=params)
    assert response.status_code == 200, response.text
    return response.json()["days"]


def test_usage_reports_per_date_last_one_wins(api: Api, family: Family, clock: FakeClock) -> None:
    today = clock.now.date()
    for minutes in (20, 35):
        reported = api.call("POST", "/v1/me/usage", family.teen.token, json={"date": str(today), "minutes": minutes})
        assert reported.status_code == 200
    assert reported.json() == {"date": str(today), "minutes": 35, "limit_minutes": 60, "extra_minutes": 0}
    days = _usage(api, family)
    assert days == [{"date": str(today), "minutes": 35, "limit_minutes": 60, "extra_minutes": 0}]


def test_usage_leaves_out_days_before_the_teen_existed_unless_the_phone_reported_them(
    api: Api, family: Family, clock: FakeClock
) -> None:
    # The teen's account was made today: a week's chart must not show six days "0 min, within the
    # limit" from before then (a new parent read "within the limit every day" for a teen of a day).
    made = clock.now.date()
    late_report = {"date": str(made - timedelta(days=2)), "minutes": 50}  # the phone's figure for a day before
    assert api.call("POST", "/v1/me/usage", family.teen.token, json=late_report).status_code == 200
    clock.advance(days=3)
    renew(api, family.guardian)
    days = _usage(api, family)
    assert [(d["date"], d["minutes"]) for d in days] == [
        (str(made - timedelta(days=2)), 50),
        (str(made), 0),  # from the day it was made on: every day, a day without a report is 0
        (str(made + timedelta(days=1)), 0),
        (str(made + timedelta(days=2)), 0),
        (str(made + timedelta(days=3)), 0),
    ]
    assert all(d["limit_minutes"] == 60 for d in days)


def test_usage_rejects_bad_reports_and_ranges(api: Api, family: Family, clock: FakeClock) -> None:
    today = clock.now.date()
    too_many = api.call("POST", "/v1/me/usage", family.teen.token, json={"date": str(today), "minutes": 1441})
    assert "minutes" in assert_error(too_many, 422, "validation_failed")["fields"]
    future = api.call(
        "POST", "/v1/me/usage", family.teen.token, json={"date": str(today + timedelta(days=5)), "minutes": 1}
    )
    assert "date" in assert_error(future, 422, "validation_failed")["fields"]
    long_range = api.call(
        "GET",
        f"/v1/teens/{family.teen.id}/usage",
        family.guardian.token,
        params={"from": "2026-01-01", "to": "2026-11-25"},
    )
    assert_error(long_range, 400, "bad_request")
    garbage = api.call("GET", f"/v1/teens/{family.teen.id}/usage", family.guardian.token, params={"from": "soon"})
    assert_error(garbage, 400, "bad_request")
    assert_error(
        api.call("POST", "/v1/me/usage", family.guardian.token, json={"date": str(today), "minutes": 1}),
        403,
        "forbidden",
    )


def test_approval_raises_the_limit_of_that_day_only(api: Api, family: Family, clock: FakeClock) -> None:
    today = clock.now.date()
    asked = api.call("POST", "/v1/me/time-requests", family.teen.token, json={"minutes": 30, "reason": "Project"})
    assert asked.status_code == 201
    request = asked.json()
    assert (request["status"], request["date"], request["minutes"]) == ("pending", str(today), 30)
    listed = api.call("GET", f"/v1/teens/{family.teen.id}/time-requests", family.guardian.token).json()
    assert [r["id"] for r in listed] == [request["id"]]
    decided = api.call(
        "POST",
        f"/v1/time-requests/{request['id']}/decision",
        family.guardian.token,
        json={"approve": True, "minutes": 15},
    )
    assert decided.status_code == 200
    assert (decided.json()["status"], decided.json()["granted_minutes"], decided.json()["decided_by"]) == (
        "approved",
        15,
        "Alex",
    )
    yesterday = {"date": str(today - timedelta(days=1)), "minutes": 5}  # reported: before the teen's account
    assert api.call("POST", "/v1/me/usage", family.teen.token, json=yesterday).status_code == 200
    days = {
        d["date"]: (d["limit_minutes"], d["extra_minutes"])
        for d in _usage(api, family, **{"from": str(today - timedelta(days=1)), "to": str(today + timedelta(days=1))})
    }
    assert days == {  # the extra time is in that day's limit and also said on its own
        str(today - timedelta(days=1)): (60, 0),
        str(today): (75, 15),
        str(today + timedelta(days=1)): (60, 0),
    }
    controls, _etag = controls_of(api, family.guardian, family.teen)
    assert controls["daily_limit_minutes"] == 60  # the standing limit is untouched
    again = api.call(
        "POST", f"/v1/time-requests/{request['id']}/decision", family.guardian.token, json={"approve": False}
    )
    assert_error(again, 409, "already_decided")
    mine = api.call("GET", "/v1/me/time-requests", family.teen.token).json()
    assert mine[0]["status"] == "approved"


def test_the_same_answer_again_from_the_same_guardian_is_answered_as_the_first(
    api: Api, family: Family, clock: FakeClock
) -> None:
    """A reply lost on its way (a proxy closed the connection under it) left the app able only
    to say "can't reach", and answering again said "This request was already answered". The
    same answer from the same guardian is now answered as the first was, applied once."""
    today = clock.now.date()
    request = api.call("POST", "/v1/me/time-requests", family.teen.token, json={"minutes": 30, "reason": ""}).json()
    cursor = api.call("GET", "/v1/events", family.teen.token).json()["cursor"]
    path = f"/v1/time-requests/{request['id']}/decision"
    first = api.call("POST", path, family.guardian.token, json={"approve": True, "minutes": 15})
    again = api.call("POST", path, family.guardian.token, json={"approve": True, "minutes": 15})
    assert first.status_code == again.status_code == 200 and again.json() == first.json()
    assert _usage(api, family, **{"from": str(today), "to": str(today)})[0]["limit_minutes"] == 75  # not 90
    told = api.call("GET", "/v1/events", family.teen.token, params={"after": cursor}).json()["events"]
    assert [e["type"] for e in told] == ["time_request_decided"]  # told once
    history = api.call(
        "GET", f"/v1/teens/{family.teen.id}/activity", family.guardian.token, params={"kind": "time_request"}
    ).json()
    assert [(a["field"], a["after"]) for a in history] == [("approved", 15), ("requested", 30)]  # answered once

    # Any other answer is a conflict: another amount, a no, or the same answer from another guardian.
    assert_error(
        api.call("POST", path, family.guardian.token, json={"approve": True, "minutes": 30}), 409, "already_decided"
    )
    assert_error(api.call("POST", path, family.guardian.token, json={"approve": False}), 409, "already_decided")
    other = make_guardian(api, "Sam")
    link(api, other, family.teen, approver=family.guardian)
    assert_error(api.call("POST", path, other.token, json={"approve": True, "minutes": 15}), 409, "already_decided")


def test_the_same_question_while_it_waits_is_answered_with_it_and_asked_once(api: Api, family: Family) -> None:
    """A retry whose reply was lost (the phone asks again) made a second request for the same
    minutes, two questions in the guardians' inbox and two of the day's ten spent."""
    ask = {"minutes": 30, "reason": "Project"}
    first = api.call("POST", "/v1/me/time-requests", family.teen.token, json=ask)
    again = api.call("POST", "/v1/me/time-requests", family.teen.token, json=ask)
    assert first.status_code == again.status_code == 201 and again.json() == first.json()
    listed = api.call("GET", f"/v1/teens/{family.teen.id}/time-requests", family.guardian.token).json()
    assert [r["id"] for r in listed] == [first.json()["id"]]
    other = api.call("POST", "/v1/me/time-requests", family.teen.token, json={**ask, "minutes": 15})
    assert other.status_code == 201 and other.json()["id"] != first.json()["id"]  # another question
    path = f"/v1/time-requests/{first.json()['id']}/decision"
    assert api.call("POST", path, family.guardian.token, json={"approve": False}).status_code == 200
    asked_after_no = api.call("POST", "/v1/me/time-requests", family.teen.token, json=ask)
    assert asked_after_no.status_code == 201 and asked_after_no.json()["id"] != first.json()["id"]  # asked anew


def test_a_denied_request_changes_no_limit(api: Api, family: Family, clock: FakeClock) -> None:
    asked = api.call("POST", "/v1/me/time-requests", family.teen.token, json={"minutes": 30, "reason": ""}).json()
    denied = api.call(
        "POST", f"/v1/time-requests/{asked['id']}/decision", family.guardian.token, json={"approve": False}
    )
    assert denied.json()["status"] == "denied" and denied.json()["granted_minutes"] is None
    assert _usage(api, family)[-1]["limit_minutes"] == 60


def test_a_teen_asks_for_time_at_most_ten_times_a_day(api: Api, family: Family, clock: FakeClock) -> None:
    """Each request alerts every linked guardian: a script on the teen's account could flood them
    (each question a different one: the same one again while it waits is that one)."""
    ask = {"minutes": 15, "reason": "again"}
    for extra in range(TIME_REQUESTS_PER_DAY):
        asked = api.call("POST", "/v1/me/time-requests", family.teen.token, json={**ask, "minutes": 15 + extra})
        assert asked.status_code == 201
        clock.advance(seconds=60)
    refused = api.call("POST", "/v1/me/time-requests", family.teen.token, json={**ask, "minutes": 100})
    assert_error(refused, 429, "rate_limited")
    assert "asked for more time 10 times in the last 24 hours" in refused.json()["error"]["message"]
    assert refused.headers["Retry-After"] == str(24 * 60 * 60 - 10 * 60)  # when the first leaves the 24 hours
    waiting = api.call("GET", f"/v1/teens/{family.teen.id}/time-requests", family.guardian.token).json()
    assert len(waiting) == TIME_REQUESTS_PER_DAY  # the refused one reached no guardian
    other = make_teen(api, "Sam", 15, clock.now.date())
    link(api, family.guardian, other)
    assert api.call("POST", "/v1/me/time-requests", other.token, json=ask).status_code == 201  # a count per teen
    clock.advance(seconds=24 * 60 * 60 - 10 * 60)  # the first request's 24 hours are over
    renew(api, family.teen)
    assert api.call("POST", "/v1/me/time-requests", family.teen.token, json={**ask, "minutes": 100}).status_code == 201
    refused = api.call("POST", "/v1/me/time-requests", family.teen.token, json={**ask, "minutes": 101})
    assert_error(refused, 429, "rate_limited")


def test_a_lowered_cap_waits_for_the_newest_requests_to_age(
    api: Api, family: Family, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A service upgraded with a lower cap finds more requests in the window than the cap: the
    teen may ask again when fewer than the cap are left in it, which the newest decide."""
    ask = {"minutes": 15, "reason": "again"}
    for extra in range(TIME_REQUESTS_PER_DAY):
        asked = api.call("POST", "/v1/me/time-requests", family.teen.token, json={**ask, "minutes": 15 + extra})
        assert asked.status_code == 201
        clock.advance(seconds=60)
    monkeypatch.setattr(routes_family, "TIME_REQUESTS_PER_DAY", 4)
    refused = api.call("POST", "/v1/me/time-requests", family.teen.token, json={**ask, "minutes": 100})
    assert_error(refused, 429, "rate_limited")
    # Ten asked a minute apart, now 10 minutes after the first: the 4th newest (the 7th) leaves
    # the 24 hours first among the four that must go below the cap.
    assert refused.headers["Retry-After"] == str(24 * 60 * 60 - 4 * 60)


def test_events_without_cursor_answer_at_once(api: Api, family: Family) -> None:
    started = time.monotonic()
    response = api.call("GET", "/v1/events", family.guardian.token, params={"wait": 5})
    assert response.status_code == 200 and response.json()["events"] == []
    assert time.monotonic() - started < 2
    assert int(response.json()["cursor"]) > 0


def test_events_tell_each_side_what_happened(api: Api, clock: FakeClock) -> None:
    guardian = make_guardian(api, "Alex")
    teen = make_teen(api, "Maya", 14, clock.now.date())
    g_cursor = api.call("GET", "/v1/events", guardian.token).json()["cursor"]
    t_cursor = api.call("GET", "/v1/events", teen.token).json()["cursor"]
    link(api, guardian, teen)
    api.call("POST", "/v1/me/time-requests", teen.token, json={"minutes": 20, "reason": "Homework video"})
    seen = api.call("GET", "/v1/events", guardian.token, params={"after": g_cursor}).json()
    assert [e["type"] for e in seen["events"]] == [
        "pairing_redeemed",
        "pairing_accepted",
        "pairing_confirmed",
        "time_requested",
    ]
    assert seen["events"][-1]["data"]["minutes"] == 20
    teen_seen = api.call("GET", "/v1/events", teen.token, params={"after": t_cursor}).json()["events"]
    assert [e["type"] for e in teen_seen] == ["pairing_confirmed", "time_requested"]
    # an unrelated guardian sees none of it
    stranger = make_guardian(api, "Stranger")
    assert api.call("GET", "/v1/events", stranger.token, params={"after": 0}).json()["events"] == []
    # the cursor moves on
    after = api.call("GET", "/v1/events", guardian.token, params={"after": seen["cursor"]}).json()
    assert after == {"events": [], "cursor": seen["cursor"], "missed": False}


def test_a_change_by_guardian_b_reaches_guardian_a_waiting_poll_within_a_second(live: Api, clock: FakeClock) -> None:
    alex, jordan = make_guardian(live, "Alex"), make_guardian(live, "Jordan")
    teen = make_teen(live, "Maya", 14, clock.now.date())
    link(live, alex, teen)
    link(live, jordan, teen, approver=alex)
    cursor = live.call("GET", "/v1/events", alex.token).json()["cursor"]
    poll = BackgroundPoll(live, alex, cursor)
    _body, etag = controls_of(live, jordan, teen)
    changed_at = time.monotonic()
    changed = live.call(
        "PATCH",
        f"/v1/teens/{teen.id}/controls",
        jordan.token,
        json={"search_enabled": False},
        headers={"If-Match": etag},
    )
    assert changed.status_code == 200
    events = poll.join()
    assert poll.answered_at - changed_at < 1.0
    assert [e["type"] for e in events] == ["controls_changed"]
    assert events[0]["data"] == {"fields": ["search_enabled"], "etag": changed.headers["ETag"], "actor": "Jordan"}


def test_a_poll_with_nothing_new_returns_empty_after_wait(live: Api, clock: FakeClock) -> None:
    guardian = make_guardian(live)
    cursor = live.call("GET", "/v1/events", guardian.token).json()["cursor"]
    started = time.monotonic()
    response = live.call("GET", "/v1/events", guardian.token, params={"after": cursor, "wait": 1.5})
    assert response.json() == {"events": [], "cursor": cursor, "missed": False}
    assert 1.4 <= time.monotonic() - started < 3


def test_a_commit_on_a_second_server_thread_wakes_the_poll(database_url: str, clock: FakeClock) -> None:
    """Two servers on one database in one process (as in a multi-threaded deployment)."""
    import requests

    first, second = LocalServer(database_url, clock=clock), LocalServer(database_url, clock=clock)
    try:
        a = Api(requests.Session(), first.start())
        b = Api(requests.Session(), second.start())
        alex, jordan = make_guardian(a, "Alex"), make_guardian(b, "Jordan")
        teen = make_teen(a, "Maya", 14, clock.now.date())
        link(a, alex, teen)
        link(b, jordan, teen, approver=alex)
        cursor = a.call("GET", "/v1/events", alex.token).json()["cursor"]
        poll = BackgroundPoll(a, alex, cursor)
        _body, etag = controls_of(b, jordan, teen)
        changed_at = time.monotonic()
        b.call(
            "PATCH",
            f"/v1/teens/{teen.id}/controls",
            jordan.token,
            json={"restricted_mode": True},
            headers={"If-Match": etag},
        )
        assert [e["type"] for e in poll.join()] == ["controls_changed"]
        assert poll.answered_at - changed_at < 1.0
    finally:
        first.stop()
        second.stop()


def test_usage_dates_follow_the_teen_time_zone(api: Api, family: Family, clock: FakeClock) -> None:
    _body, etag = controls_of(api, family.guardian, family.teen)
    api.call(
        "PATCH",
        f"/v1/teens/{family.teen.id}/controls",
        family.guardian.token,
        json={"timezone": "Pacific/Auckland"},
        headers={"If-Match": etag},
    )
    clock.now = clock.now.replace(hour=20)  # 09:00 the next day in Auckland
    renew(api, family.teen)
    asked = api.call("POST", "/v1/me/time-requests", family.teen.token, json={"minutes": 10, "reason": ""}).json()
    assert asked["date"] == str(date(2026, 11, 26))


def test_stopping_the_server_answers_waiting_polls_at_once(database_url: str, clock: FakeClock) -> None:
    import requests

    server = LocalServer(database_url, clock=clock)
    api = Api(requests.Session(), server.start())
    guardian = make_guardian(api)
    cursor = api.call("GET", "/v1/events", guardian.token).json()["cursor"]
    poll = BackgroundPoll(api, guardian, cursor, wait=25)
    started = time.monotonic()
    server.stop()
    assert poll.join() == []
    assert time.monotonic() - started < 1.5


def test_a_guardian_reads_every_guardian_of_their_teen_and_nobody_else_s(api: Api, family: Family) -> None:
    second = make_guardian(api, "Jordan")
    link(api, second, family.teen, approver=family.guardian)
    listed = api.call("GET", f"/v1/teens/{family.teen.id}/guardians", second.token)
    assert listed.status_code == 200, listed.text
    assert [(g["id"], g["display_name"]) for g in listed.json()] == [
        (family.guardian.id, "Alex"),
        (second.id, "Jordan"),
    ]
    stranger, other_teen = make_guardian(api, "Kim"), make_teen(api, "Lou", 15)
    link(api, stranger, other_teen)
    assert_error(api.call("GET", f"/v1/teens/{family.teen.id}/guardians", stranger.token), 404, "not_found")
    assert_error(api.call("GET", f"/v1/teens/{family.teen.id}/guardians", family.teen.token), 403, "forbidden")
    api.call("DELETE", f"/v1/teens/{family.teen.id}/link", second.token)  # Jordan unlinks: no longer listed
    after = api.call("GET", f"/v1/teens/{family.teen.id}/guardians", family.guardian.token).json()
    assert [g["display_name"] for g in after] == ["Alex"]
    assert_error(api.call("GET", f"/v1/teens/{family.teen.id}/guardians", second.token), 404, "not_found")


def test_usage_leaves_out_days_before_the_teen_was_first_linked(api: Api, clock: FakeClock) -> None:
    """Found by an outside tester: a teen whose account was older than the link showed the days
    before it as "0 min · within the limit" in the chart, the table and the CSV, and in the
    average — no limit applied then, and no figure is known."""
    made = clock.now.date()
    alex, maya = make_guardian(api, "Alex"), make_teen(api, "Maya", 14, made)
    clock.advance(days=4)
    renew(api, alex)
    renew(api, maya)
    link(api, alex, maya)
    linked = clock.now.date()
    days = api.call("GET", f"/v1/teens/{maya.id}/usage", alex.token, params={"from": str(made)}).json()["days"]
    assert [d["date"] for d in days] == [str(linked)]
    # A second guardian linked later sees the days the first one supervised.
    clock.advance(days=2)
    renew(api, alex)
    renew(api, maya)
    sam = make_guardian(api, "Sam")
    link(api, sam, maya, approver=alex)
    days = api.call("GET", f"/v1/teens/{maya.id}/usage", sam.token, params={"from": str(made)}).json()["days"]
    assert [d["date"] for d in days] == [str(linked + timedelta(days=n)) for n in range(3)]
