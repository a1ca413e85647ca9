"""The birthdays that change the rules, over real HTTP with the server's clock moved by the test:
on the 16th (the teen's date, in the teen's time zone) the family is told once which options
opened — a history entry and a `teen_turned_16` event, the options derived from the control
declarations — and at 18 the links end with one history entry per link. Several looks, and
(in test_workers.py) two server processes on PostgreSQL, still tell each thing once."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from famguard.domain.age import OLDER_TEEN_AGE, date_of_age
from famguard.domain.controls import CONTROLS
from tests.support.accounts import born_aged, link, make_guardian, make_teen, renew
from tests.support.http import Api
from tests.support.servers import FakeClock

LOS_ANGELES = "America/Los_Angeles"  # UTC-8 in November: the teen's day starts at 08:00 UTC


def _set_zone(api: Api, guardian: Any, teen: Any, zone: str) -> None:  # noqa: ANN401 - Person
    etag = api.call("GET", f"/v1/teens/{teen.id}/controls", guardian.token).headers["ETag"]
    changed = api.call("PATCH", f"/v1/teens/{teen.id}/controls", guardian.token,
                       json={"timezone": zone}, headers={"If-Match": etag})  # fmt: skip
    assert changed.status_code == 200, changed.text


def _cursor(api: Api, person: Any) -> str:  # noqa: ANN401 - Person
    return api.call("GET", "/v1/events", person.token).json()["cursor"]


def _events(api: Api, person: Any, cursor: str) -> list[tuple[str, dict[str, Any]]]:  # noqa: ANN401 - Person
    found = api.call("GET", "/v1/events", person.token, params={"after": cursor}).json()["events"]
    return [(e["type"], e["data"]) for e in found]


def _age_entries(api: Api, teen: Any) -> list[dict[str, Any]]:  # noqa: ANN401 - Person
    return [e for e in api.call("GET", "/v1/me/activity", teen.token).json() if e["kind"] == "age"]


def test_on_the_16th_birthday_in_the_teen_s_zone_the_family_is_told_once_what_opened(
    live: Api, clock: FakeClock
) -> None:
    born = born_aged(15, clock.now.date(), 362)  # 16 three days after the clock's date
    sixteenth = date_of_age(born, OLDER_TEEN_AGE)
    guardian, second = make_guardian(live, "Alex"), make_guardian(live, "Jordan")
    teen = make_teen(live, "Maya", 15, clock.now.date(), days_since_birthday=362)
    link(live, guardian, teen)
    link(live, second, teen, approver=guardian)
    _set_zone(live, guardian, teen, LOS_ANGELES)
    people = (guardian, second, teen)
    cursors = {p.name: _cursor(live, p) for p in people}

    # 04:00 UTC on the birthday is still the evening before in Los Angeles: nothing yet.
    clock.now = datetime.combine(sixteenth, datetime.min.time(), UTC) + timedelta(hours=4)
    for person in people:
        renew(live, person)
    live.call("GET", "/v1/me/controls", teen.token)
    assert _age_entries(live, teen) == []
    assert all(_events(live, p, cursors[p.name]) == [] for p in people)

    clock.now += timedelta(hours=4, minutes=30)  # 00:30 on the birthday in Los Angeles
    for person in people:
        renew(live, person)
    for _ in range(3):  # the phone and the guardians look, several times: told once
        assert live.call("GET", "/v1/me/controls", teen.token).status_code == 200
        assert live.call("GET", f"/v1/teens/{teen.id}/activity", second.token).status_code == 200
    told = _age_entries(live, teen)
    assert len(told) == 1, told
    entry = told[0]
    assert (entry["field"], entry["actor"], entry["after"]["on"]) == ("turned_16", None, sixteenth.isoformat())
    unavailable = [s.name for s in CONTROLS if s.age_rule and s.age_rule.unavailable]
    assert entry["after"]["available"] == unavailable == ["direct_messages", "downloads", "duet_stitch"]
    assert entry["after"]["widened"] == ["comments"]
    guardians_view = live.call("GET", f"/v1/teens/{teen.id}/activity", guardian.token, params={"kind": "age"})
    assert [e["id"] for e in guardians_view.json()] == [entry["id"]]
    for person in people:
        assert _events(live, person, cursors[person.name]) == [("teen_turned_16", {"on": sixteenth.isoformat()})]

    # Nothing changed by itself: direct messages are still off, now allowed to change.
    controls = live.call("GET", f"/v1/teens/{teen.id}/controls", guardian.token)
    assert controls.json()["direct_messages"] == "no_one"
    opened = live.call("PATCH", f"/v1/teens/{teen.id}/controls", guardian.token,
                       json={"direct_messages": "friends"}, headers={"If-Match": controls.headers["ETag"]})  # fmt: skip
    assert opened.status_code == 200, opened.text

    clock.advance(days=2)  # a later day tells nothing again
    for person in people:
        renew(live, person)
    live.call("GET", "/v1/me/controls", teen.token)
    assert len(_age_entries(live, teen)) == 1


def test_a_teen_linked_at_16_or_older_did_not_turn_16_under_famguard(live: Api, clock: FakeClock) -> None:
    guardian = make_guardian(live, "Alex")
    teen = make_teen(live, "Sam", 16, clock.now.date(), days_since_birthday=0)  # 16 today: linked on the day
    link(live, guardian, teen)
    live.call("GET", "/v1/me/controls", teen.token)
    live.call("GET", f"/v1/teens/{teen.id}/activity", guardian.token)
    assert _age_entries(live, teen) == []


def test_a_birthday_seen_late_is_still_told_once_with_its_date(live: Api, clock: FakeClock) -> None:
    guardian = make_guardian(live, "Alex")
    teen = make_teen(live, "Maya", 15, clock.now.date(), days_since_birthday=364)  # 16 tomorrow (UTC)
    link(live, guardian, teen)
    clock.advance(days=5)  # nobody looked on the day itself
    renew(live, guardian)
    history = live.call("GET", f"/v1/teens/{teen.id}/activity", guardian.token, params={"kind": "age"}).json()
    assert [e["after"]["on"] for e in history] == [(clock.now.date() - timedelta(days=4)).isoformat()]


def test_at_18_each_link_ends_once_with_an_entry_and_the_guardians_lose_the_teen(live: Api, clock: FakeClock) -> None:
    guardian, second = make_guardian(live, "Alex"), make_guardian(live, "Jordan")
    teen = make_teen(live, "Maya", 17, clock.now.date(), days_since_birthday=363)  # 18 in two days (UTC)
    link(live, guardian, teen)
    link(live, second, teen, approver=guardian)
    cursor = _cursor(live, guardian)
    clock.advance(days=2)
    for person in (guardian, second, teen):
        renew(live, person)
    assert [t["id"] for t in live.call("GET", "/v1/teens", guardian.token).json()] == []  # the link ends here
    assert live.call("GET", f"/v1/teens/{teen.id}/activity", second.token).status_code == 404
    assert live.call("GET", "/v1/teens", second.token).json() == []
    assert live.call("GET", "/v1/me/guardians", teen.token).json() == []
    ended = [e for e in live.call("GET", "/v1/me/activity", teen.token).json() if e["kind"] == "link" and e["before"]]
    assert sorted(e["before"]["guardian"] for e in ended) == ["Alex", "Jordan"]
    assert all(e["actor"] is None for e in ended)
    assert [t for t, _d in _events(live, guardian, cursor)].count("link_ended") == 1
    assert date.fromisoformat(ended[0]["at"][:10]) == clock.now.date()
