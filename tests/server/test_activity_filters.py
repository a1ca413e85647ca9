"""GET activity over real HTTP: pages by `before`, and the history screen's filters — one kind,
one control (`field`) or one guardian (`actor`) — each combined with paging; bad filters are 400
and another family's teen stays 404 whatever the filter."""

from __future__ import annotations

from tests.support.accounts import controls_of, link, make_guardian, make_teen
from tests.support.http import Api, assert_error
from tests.support.servers import FakeClock


def _history(live: Api, token: str, teen_id: str, **params: object) -> list[dict]:
    response = live.call("GET", f"/v1/teens/{teen_id}/activity", token, params=params)
    assert response.status_code == 200, response.text
    return response.json()


def test_filters_by_kind_field_and_guardian_and_pages_within_a_filter(live: Api, clock: FakeClock) -> None:
    alex, jordan = make_guardian(live, "Alex"), make_guardian(live, "Jordan")
    maya = make_teen(live, "Maya", 14, clock.now.date())
    link(live, alex, maya)
    link(live, jordan, maya, approver=alex)
    for who, value in ((alex, 90), (jordan, 45), (alex, 120)):
        _controls, etag = controls_of(live, who, maya)
        body = {"daily_limit_minutes": value, "search_enabled": value != 45}
        patched = live.call("PATCH", f"/v1/teens/{maya.id}/controls", who.token, json=body, headers={"If-Match": etag})
        assert patched.status_code == 200

    everything = _history(live, alex.token, maya.id)
    links = _history(live, alex.token, maya.id, kind="link")
    assert [e["kind"] for e in links] == ["link", "link"] and len(everything) == len(links) + 5
    limits = _history(live, alex.token, maya.id, field="daily_limit_minutes")
    assert [(e["before"], e["after"]) for e in limits] == [(45, 120), (90, 45), (60, 90)]
    by_jordan = _history(live, alex.token, maya.id, actor=jordan.id, kind="controls")
    assert {(e["field"], e["after"]) for e in by_jordan} == {("daily_limit_minutes", 45), ("search_enabled", False)}
    assert all(e["actor"]["display_name"] == "Jordan" for e in by_jordan)

    first = _history(live, alex.token, maya.id, field="daily_limit_minutes", limit=2)
    rest = _history(live, alex.token, maya.id, field="daily_limit_minutes", limit=2, before=first[-1]["id"])
    assert first + rest == limits


def test_bad_filters_are_refused_and_other_families_stay_hidden(live: Api, clock: FakeClock) -> None:
    alex, stranger = make_guardian(live, "Alex"), make_guardian(live, "Stranger")
    maya = make_teen(live, "Maya", 14, clock.now.date())
    link(live, alex, maya)
    url = f"/v1/teens/{maya.id}/activity"
    assert_error(live.call("GET", url, alex.token, params={"kind": "everything"}), 400, "bad_request")
    assert_error(live.call("GET", url, alex.token, params={"field": "x" * 41}), 400, "bad_request")
    assert_error(live.call("GET", url, stranger.token, params={"kind": "link"}), 404, "not_found")
