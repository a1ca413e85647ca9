"""Controls: ETag and If-Match (428, 412 with nothing changed, 304), Idempotency-Key (replay,
mismatch, a duplicate waiting for the first, an older server's claim), age rules in words a
parent understands, the teen's read-only view, the history of changes, and the end of the link
at 18."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
import requests
from fastapi import FastAPI
from sqlalchemy import select

from famguard.domain.controls import CONTROL_FIELDS
from famguard.server.idempotency import fingerprint
from famguard.server.models import ControlsRow, IdempotencyRow
from famguard.server.service import Service
from tests.support.accounts import Family, Person, controls_of, link, make_guardian, make_teen, renew, sign_in
from tests.support.http import Api, assert_error
from tests.support.servers import FakeClock

# Every test here runs with the GET-controls fast path on and off (tests/conftest.py).
pytestmark = pytest.mark.both_read_paths


def _patch(
    api: Api,
    family: Family,
    body: dict,
    etag: str | None,
    key: str | None = None,
    token: str | None = None,
    query: str = "",
):
    headers = {}
    if etag is not None:
        headers["If-Match"] = etag
    if key is not None:
        headers["Idempotency-Key"] = key
    return api.call(
        "PATCH",
        f"/v1/teens/{family.teen.id}/controls{query}",
        token or family.guardian.token,
        json=body,
        headers=headers,
    )


def test_patch_changes_the_controls_and_the_etag(api: Api, family: Family) -> None:
    before, etag = controls_of(api, family.guardian, family.teen)
    changed = _patch(api, family, {"daily_limit_minutes": 90, "keyword_filters": ["#diet"]}, etag)
    assert changed.status_code == 200
    assert changed.json() == {**before, "daily_limit_minutes": 90, "keyword_filters": ["#diet"]}
    assert changed.headers["ETag"] != etag
    assert controls_of(api, family.guardian, family.teen) == (changed.json(), changed.headers["ETag"])
    # a change to nothing keeps the ETag
    same = _patch(api, family, {"daily_limit_minutes": 90}, changed.headers["ETag"])
    assert same.status_code == 200 and same.headers["ETag"] == changed.headers["ETag"]


def test_if_none_match_answers_304(api: Api, family: Family) -> None:
    _body, etag = controls_of(api, family.guardian, family.teen)
    again = api.call(
        "GET", f"/v1/teens/{family.teen.id}/controls", family.guardian.token, headers={"If-None-Match": etag}
    )
    assert again.status_code == 304 and again.headers["ETag"] == etag


def test_patch_without_if_match_is_428_and_changes_nothing(api: Api, family: Family) -> None:
    before = controls_of(api, family.guardian, family.teen)
    assert_error(_patch(api, family, {"daily_limit_minutes": 90}, None), 428, "precondition_required")
    assert controls_of(api, family.guardian, family.teen) == before


def test_stale_if_match_is_412_and_changes_nothing(api: Api, family: Family) -> None:
    jordan = make_guardian(api, "Jordan")
    link(api, jordan, family.teen, approver=family.guardian)
    _body, etag = controls_of(api, family.guardian, family.teen)
    assert _patch(api, family, {"daily_limit_minutes": 120}, etag, token=jordan.token).status_code == 200
    current = controls_of(api, family.guardian, family.teen)
    stale = _patch(api, family, {"daily_limit_minutes": 40, "search_enabled": False}, etag)
    assert_error(stale, 412, "precondition_failed")
    assert stale.headers["ETag"] == current[1]
    assert controls_of(api, family.guardian, family.teen) == current


def test_age_rules_are_422_naming_the_field_and_the_reason(api: Api, family: Family) -> None:
    before, etag = controls_of(api, family.guardian, family.teen)
    refused = _patch(api, family, {"comments": "everyone", "direct_messages": "friends"}, etag)
    error = assert_error(refused, 422, "validation_failed")
    assert set(error["fields"]) == {"comments", "direct_messages"}
    assert "Not available under 16" in error["fields"]["comments"]
    assert "direct messages" in error["fields"]["direct_messages"]
    assert controls_of(api, family.guardian, family.teen) == (before, etag)


def test_ranges_and_unknown_controls_are_422(api: Api, family: Family) -> None:
    _before, etag = controls_of(api, family.guardian, family.teen)
    error = assert_error(
        _patch(api, family, {"daily_limit_minutes": 5, "bedtime": "21:00", "timezone": "Mars/Base"}, etag),
        422,
        "validation_failed",
    )
    assert set(error["fields"]) == {"daily_limit_minutes", "bedtime", "timezone"}
    assert "10 minutes" in error["fields"]["daily_limit_minutes"]


def test_a_time_with_a_line_break_after_it_is_refused_not_kept(api: Api, family: Family) -> None:
    # "07:00\n" matched the clock's pattern (`$` matches before a final line break): an end equal
    # to its start once read (a lockout all day, the rule refuses that) and a line break kept in the
    # controls that stricter readers (the app's time editor) cannot read.
    before, etag = controls_of(api, family.guardian, family.teen)
    for body in (
        {"time_away": [{"days": ["mon"], "start": "07:00", "end": "07:00\n"}]},
        {"quiet_hours": {"start": "21:00\n", "end": "07:00"}},
        {"quiet_hours": {"start": "21:00", "end": "\n07:00"}},
    ):
        field = next(iter(body))
        error = assert_error(_patch(api, family, body, etag), 422, "validation_failed")
        assert set(error["fields"]) == {field}, error
    assert controls_of(api, family.guardian, family.teen) == (before, etag)
    rule = {"name": "Exams", "starts_on": "2026-12-01", "ends_on": "2026-12-02",
            "controls": {"quiet_hours": {"start": "21:00\n", "end": "07:00"}}}  # fmt: skip
    refused = api.call("POST", f"/v1/teens/{family.teen.id}/temporary-rules", family.guardian.token, json=rule)
    assert set(assert_error(refused, 422, "validation_failed")["fields"]) == {"controls.quiet_hours"}


def test_older_teens_may_allow_direct_messages(api: Api, clock: FakeClock) -> None:
    guardian = make_guardian(api)
    sam = make_teen(api, "Sam", 16, clock.now.date())
    link(api, guardian, sam)
    _body, etag = controls_of(api, guardian, sam)
    changed = api.call(
        "PATCH",
        f"/v1/teens/{sam.id}/controls",
        guardian.token,
        json={"direct_messages": "friends", "comments": "everyone"},
        headers={"If-Match": etag},
    )
    assert changed.status_code == 200 and changed.json()["direct_messages"] == "friends"


def test_idempotency_replay_returns_the_original_response(api: Api, family: Family) -> None:
    _before, etag = controls_of(api, family.guardian, family.teen)
    first = _patch(api, family, {"daily_limit_minutes": 90}, etag, key="change-1")
    assert first.status_code == 200
    replay = _patch(api, family, {"daily_limit_minutes": 90}, etag, key="change-1")  # the If-Match is stale now
    assert replay.status_code == 200
    assert replay.json() == first.json() and replay.headers["ETag"] == first.headers["ETag"]
    history = api.call("GET", f"/v1/teens/{family.teen.id}/activity", family.guardian.token).json()
    assert [e["field"] for e in history if e["kind"] == "controls"] == ["daily_limit_minutes"]  # applied once


def test_idempotency_key_with_another_body_is_422(api: Api, family: Family) -> None:
    _before, etag = controls_of(api, family.guardian, family.teen)
    first = _patch(api, family, {"daily_limit_minutes": 90}, etag, key="change-1")
    assert first.status_code == 200
    other = _patch(api, family, {"daily_limit_minutes": 40}, first.headers["ETag"], key="change-1")
    assert_error(other, 422, "idempotency_mismatch")
    assert controls_of(api, family.guardian, family.teen)[0]["daily_limit_minutes"] == 90


def test_idempotency_keys_are_scoped_per_account(api: Api, family: Family) -> None:
    jordan = make_guardian(api, "Jordan")
    link(api, jordan, family.teen, approver=family.guardian)
    _before, etag = controls_of(api, family.guardian, family.teen)
    first = _patch(api, family, {"daily_limit_minutes": 90}, etag, key="same-key")
    theirs = _patch(api, family, {"search_enabled": False}, first.headers["ETag"], key="same-key", token=jordan.token)
    assert theirs.status_code == 200 and theirs.json()["search_enabled"] is False


def test_a_failed_change_releases_its_key(api: Api, family: Family) -> None:
    _before, etag = controls_of(api, family.guardian, family.teen)
    assert _patch(api, family, {"daily_limit_minutes": 90}, '"stale"', key="retry-me").status_code == 412
    assert _patch(api, family, {"daily_limit_minutes": 90}, etag, key="retry-me").status_code == 200


def limit_changes(api: Api, guardian: Person, teen: Person) -> list[tuple[object, object]]:
    """The daily limit's changes in the teen's history, newest first, as (before, after)."""
    history = api.call("GET", f"/v1/teens/{teen.id}/activity", guardian.token).json()
    return [(e["before"], e["after"]) for e in history if e["field"] == "daily_limit_minutes"]


def duplicate_while_the_first_runs(first_api: Api, second_api: Api, service: Service, family: Family) -> None:
    """A duplicate (same key, same change) sent while the first request is inside its change,
    held there by the test hook after its claim: it waits for the first and gets the first's
    answer — no 409, no second change. The first takes the FastAPI route (a query string keeps it
    off the fast path, where the hook is); the duplicate takes whichever path is on."""
    _before, etag = controls_of(first_api, family.guardian, family.teen)
    claimed, release = threading.Event(), threading.Event()

    def hold() -> None:
        claimed.set()
        assert release.wait(10)

    service.hooks["after_idempotency_claim"] = hold
    answers: dict[str, requests.Response] = {}

    def send(api: Api, name: str, query: str) -> threading.Thread:
        thread = threading.Thread(
            target=lambda: answers.setdefault(
                name, _patch(api, family, {"daily_limit_minutes": 90}, etag, key="k", query=query)
            )
        )
        thread.start()
        return thread

    first = send(first_api, "first", "?via=route")
    assert claimed.wait(10)
    service.hooks.clear()
    duplicate = send(second_api, "duplicate", "")
    duplicate.join(0.5)
    waited = duplicate.is_alive()
    release.set()
    first.join(10)
    duplicate.join(10)
    assert waited, f"the duplicate was answered while the first was still running: {answers.get('duplicate')}"
    assert answers["first"].status_code == answers["duplicate"].status_code == 200, answers["duplicate"].text
    assert answers["duplicate"].headers["ETag"] == answers["first"].headers["ETag"]
    assert answers["duplicate"].json() == answers["first"].json()
    assert limit_changes(first_api, family.guardian, family.teen) == [(60, 90)]  # made once


def test_a_duplicate_sent_while_the_first_runs_waits_and_gets_its_answer(
    api: Api, app: FastAPI, family: Family
) -> None:
    duplicate_while_the_first_runs(api, api, app.state.service, family)


def test_a_key_claimed_by_an_older_server_is_waited_for_then_taken_over(
    api: Api, app: FastAPI, family: Family, clock: FakeClock
) -> None:
    """Servers before this one claimed a key in a transaction of its own, so one killed mid-change
    left its claim behind. Found fresh, its request may still be running: 409, nothing changed.
    A minute later that request is dead and the key is taken over: the change made once, kept."""
    _before, etag = controls_of(api, family.guardian, family.teen)
    change = {"daily_limit_minutes": 90}
    digest = fingerprint("PATCH", f"/v1/teens/{family.teen.id}/controls", change)
    with app.state.service.db.write() as session:
        session.add(
            IdempotencyRow(
                account_id=family.guardian.id, key="left", fingerprint=digest, state="in_progress", created_at=clock.now
            )
        )
    for query in ("", "?via=route"):
        assert_error(_patch(api, family, change, etag, key="left", query=query), 409, "idempotency_in_progress")
    assert controls_of(api, family.guardian, family.teen)[1] == etag
    clock.advance(seconds=61)
    taken = _patch(api, family, change, etag, key="left")
    assert taken.status_code == 200 and taken.json()["daily_limit_minutes"] == 90
    again = _patch(api, family, change, etag, key="left", query="?via=route")
    assert again.status_code == 200 and again.headers["ETag"] == taken.headers["ETag"]
    assert limit_changes(api, family.guardian, family.teen) == [(60, 90)]  # made once


def keys_kept_a_day(api: Api, service: Service, family: Family, clock: FakeClock) -> None:
    """An account's keys are kept 24 hours: a keyed change a day later deletes the older ones (the
    table does not grow with every change ever made), keeps its own, and may reuse an old key."""
    etag = controls_of(api, family.guardian, family.teen)[1]
    for minutes, key in ((70, "old-1"), (80, "old-2")):
        changed = _patch(api, family, {"daily_limit_minutes": minutes}, etag, key=key)
        assert changed.status_code == 200
        etag = changed.headers["ETag"]
    clock.advance(hours=25)
    renew(api, family.guardian)
    assert _patch(api, family, {"daily_limit_minutes": 90}, etag, key="old-1").status_code == 200
    with service.db.read() as session:
        kept = session.scalars(select(IdempotencyRow.key).where(IdempotencyRow.account_id == family.guardian.id))
        assert sorted(kept) == ["old-1"]


def test_keys_are_kept_a_day(api: Api, app: FastAPI, family: Family, clock: FakeClock) -> None:
    keys_kept_a_day(api, app.state.service, family, clock)


def test_teen_reads_its_controls_but_cannot_change_them(api: Api, family: Family) -> None:
    body, etag = controls_of(api, family.guardian, family.teen)
    mine = api.call("GET", "/v1/me/controls", family.teen.token)
    assert mine.status_code == 200 and mine.json() == body and mine.headers["ETag"] == etag
    refused = _patch(api, family, {"daily_limit_minutes": 720}, etag, token=family.teen.token)
    assert_error(refused, 403, "forbidden")
    assert_error(api.call("GET", f"/v1/teens/{family.teen.id}/controls", family.teen.token), 403, "forbidden")
    assert controls_of(api, family.guardian, family.teen) == (body, etag)


def test_activity_records_who_when_field_before_after(api: Api, family: Family, clock: FakeClock) -> None:
    _before, etag = controls_of(api, family.guardian, family.teen)
    clock.advance(minutes=3)
    _patch(api, family, {"daily_limit_minutes": 90, "restricted_mode": True}, etag)
    entries = api.call("GET", f"/v1/teens/{family.teen.id}/activity", family.guardian.token).json()
    controls = [e for e in entries if e["kind"] == "controls"]
    assert {(e["field"], e["before"], e["after"]) for e in controls} == {
        ("daily_limit_minutes", 60, 90),
        ("restricted_mode", False, True),
    }
    for entry in controls:
        assert entry["actor"] == {"id": family.guardian.id, "display_name": "Alex", "role": "guardian"}
        assert entry["at"] == "2026-11-25T12:03:00Z"
    assert entries[-1]["kind"] == "link"  # oldest last
    assert [e["id"] for e in entries] == sorted((e["id"] for e in entries), reverse=True)
    page = api.call(
        "GET", f"/v1/teens/{family.teen.id}/activity", family.guardian.token, params={"limit": 1, "before": 10**6}
    ).json()
    assert page == entries[:1]


def test_history_outlives_the_link(api: Api, family: Family) -> None:
    _before, etag = controls_of(api, family.guardian, family.teen)
    _patch(api, family, {"daily_limit_minutes": 90}, etag)
    api.call("DELETE", f"/v1/teens/{family.teen.id}/link", family.guardian.token)
    link(api, family.guardian, family.teen)
    entries = api.call("GET", f"/v1/teens/{family.teen.id}/activity", family.guardian.token).json()
    assert [e["kind"] for e in entries] == ["link", "link", "controls", "link"]


def test_the_link_ends_on_the_18th_birthday(api: Api, clock: FakeClock) -> None:
    guardian = make_guardian(api)
    teen = make_teen(api, "Sam", 17, clock.now.date(), days_since_birthday=362)  # 18 in 3 days
    link(api, guardian, teen)
    cursor = api.call("GET", "/v1/events", guardian.token).json()["cursor"]
    clock.advance(days=4)  # past the 18th birthday in the teen's time zone (UTC)
    renew(api, guardian)
    assert_error(api.call("GET", f"/v1/teens/{teen.id}/controls", guardian.token), 404, "not_found")
    assert api.call("GET", "/v1/teens", guardian.token).json() == []
    events = api.call("GET", "/v1/events", guardian.token, params={"after": cursor}).json()["events"]
    assert [e["type"] for e in events] == ["link_ended"]
    teen_token = sign_in(api, teen.email)["access_token"]
    assert api.call("GET", "/v1/me/guardians", teen_token).json() == []
    # and an adult cannot be linked again
    created = api.call("POST", "/v1/pairings", guardian.token).json()
    api.call("POST", "/v1/pairings/redeem", teen_token, json={"code": created["code"]})
    api.call("POST", f"/v1/pairings/{created['id']}/accept", teen_token)
    assert_error(api.call("POST", f"/v1/pairings/{created['id']}/confirm", guardian.token), 409, "pairing_not_open")


def test_controls_read_refusals_are_precise(api: Api, family: Family, clock: FakeClock) -> None:
    """The hot read has a shortcut (fastpath.py); every refusal must still be the exact one."""
    path = f"/v1/teens/{family.teen.id}/controls"
    assert_error(api.call("GET", path), 401, "unauthorized")
    assert_error(api.call("GET", path, "not-a-token"), 401, "unauthorized")
    assert_error(api.call("GET", path, family.teen.token), 403, "forbidden")
    assert_error(api.call("GET", path, family.guardian.refresh_token), 401, "unauthorized")
    clock.advance(minutes=15)
    assert_error(api.call("GET", path, family.guardian.token), 401, "token_expired")
    renew(api, family.guardian)
    assert api.call("GET", path, family.guardian.token).status_code == 200
    assert api.call("POST", "/v1/auth/logout", family.guardian.token).status_code == 204
    assert_error(api.call("GET", path, family.guardian.token), 401, "unauthorized")


def test_the_fast_read_returns_its_connection_whatever_thread_serves_it(app: FastAPI, family: Family) -> None:
    """A TestClient used without `with` runs every request on a new event-loop thread; more
    requests than the pool holds must not exhaust it (it once kept a connection per thread)."""
    from fastapi.testclient import TestClient

    client = Api(TestClient(app))
    for _ in range(70):  # the pool holds 20 + 40
        assert client.call("GET", f"/v1/teens/{family.teen.id}/controls", family.guardian.token).status_code == 200


# --- downloads and Duet/Stitch, and bodies stored before they existed ----------------------------


def test_downloads_and_duet_stitch_are_read_and_their_age_rules_are_422(api: Api, family: Family) -> None:
    before, etag = controls_of(api, family.guardian, family.teen)
    assert (before["downloads"], before["duet_stitch"]) == (False, "no_one")
    refused = _patch(api, family, {"downloads": True, "duet_stitch": "friends"}, etag)
    error = assert_error(refused, 422, "validation_failed")
    assert set(error["fields"]) == {"downloads", "duet_stitch"}
    assert error["fields"]["downloads"].startswith("Not available under 16")
    assert controls_of(api, family.guardian, family.teen) == (before, etag)
    teen_view = api.call("GET", "/v1/me/controls", family.teen.token).json()
    assert (teen_view["downloads"], teen_view["duet_stitch"]) == (False, "no_one")


def test_a_16_year_old_starts_with_duet_stitch_for_friends_and_may_open_both(api: Api, clock: FakeClock) -> None:
    guardian = make_guardian(api)
    teen = make_teen(api, "Sam", 16, clock.now.date())
    link(api, guardian, teen)
    body, etag = controls_of(api, guardian, teen)
    assert (body["downloads"], body["duet_stitch"]) == (False, "friends")
    opened = api.call(
        "PATCH",
        f"/v1/teens/{teen.id}/controls",
        guardian.token,
        json={"downloads": True, "duet_stitch": "everyone"},
        headers={"If-Match": etag},
    )
    assert opened.status_code == 200
    assert (opened.json()["downloads"], opened.json()["duet_stitch"]) == (True, "everyone")


def _store_old_body(app: FastAPI, teen_id: str) -> dict:
    """Rewrite the teen's stored body as it was before downloads and duet_stitch existed."""
    with app.state.service.db.write() as session:
        row = session.get(ControlsRow, teen_id)
        body = json.loads(row.body)
        del body["downloads"], body["duet_stitch"]
        body["daily_limit_minutes"] = 75
        row.body = json.dumps(body, separators=(",", ":"))
    return body


def test_a_body_stored_before_the_new_controls_reads_with_the_age_defaults(
    api: Api, app: FastAPI, family: Family, clock: FakeClock
) -> None:
    old = _store_old_body(app, family.teen.id)
    path = f"/v1/teens/{family.teen.id}/controls"
    read = api.call("GET", path, family.guardian.token)
    assert read.json() == {**old, "downloads": False, "duet_stitch": "no_one"}
    assert list(read.json()) == list(CONTROL_FIELDS)
    assert api.call("GET", "/v1/me/controls", family.teen.token).json() == read.json()
    etag = read.headers["ETag"]
    assert api.call("GET", path, family.guardian.token, headers={"If-None-Match": etag}).status_code == 304
    # still 422 for the new controls, and any change writes the whole body
    assert_error(_patch(api, family, {"downloads": True}, etag), 422, "validation_failed")
    changed = _patch(api, family, {"search_enabled": False}, etag)
    assert changed.status_code == 200
    assert changed.json() == {**read.json(), "search_enabled": False}
    with app.state.service.db.read() as session:
        assert json.loads(session.get(ControlsRow, family.teen.id).body) == changed.json()


def test_turning_16_changes_the_defaults_read_from_an_old_body_and_its_etag(
    api: Api, app: FastAPI, clock: FakeClock
) -> None:
    guardian = make_guardian(api)
    teen = make_teen(api, "Sam", 15, clock.now.date(), days_since_birthday=363)  # 16 in 2 days
    link(api, guardian, teen)
    _store_old_body(app, teen.id)
    at_15, etag_15 = controls_of(api, guardian, teen)
    assert at_15["duet_stitch"] == "no_one"
    clock.advance(days=3)
    renew(api, guardian)
    path = f"/v1/teens/{teen.id}/controls"
    at_16 = api.call("GET", path, guardian.token, headers={"If-None-Match": etag_15})
    assert at_16.status_code == 200, "a cached copy from before the birthday must not be kept"
    assert (at_16.json()["downloads"], at_16.json()["duet_stitch"]) == (False, "friends")


def test_turning_16_keeps_what_was_stored_and_opens_the_options(api: Api, clock: FakeClock) -> None:
    guardian = make_guardian(api)
    teen = make_teen(api, "Sam", 15, clock.now.date(), days_since_birthday=363)
    link(api, guardian, teen)
    body, etag = controls_of(api, guardian, teen)
    assert (body["downloads"], body["duet_stitch"]) == (False, "no_one")
    clock.advance(days=3)
    renew(api, guardian)
    assert controls_of(api, guardian, teen) == (body, etag)  # nothing loosens by itself
    opened = api.call(
        "PATCH", f"/v1/teens/{teen.id}/controls", guardian.token, json={"downloads": True}, headers={"If-Match": etag}
    )
    assert opened.status_code == 200 and opened.json()["downloads"] is True


def test_the_demo_family_shows_the_new_controls_by_age(tmp_path: Path) -> None:
    from famguard.server.runner import ServerThread

    with ServerThread(f"sqlite:///{tmp_path / 'demo.sqlite3'}", demo=True) as server:
        family = server.demo_family
        assert family is not None
        session = requests.Session()
        base = server.base_url
        sign_in_body = {"email": family.guardian_email, "password": family.guardian_password}
        token = session.post(f"{base}/v1/auth/token", json=sign_in_body, timeout=5).json()["access_token"]
        auth = {"Authorization": f"Bearer {token}"}
        teens = {t["display_name"]: t for t in session.get(f"{base}/v1/teens", headers=auth, timeout=5).json()}
        seen = {
            name: session.get(f"{base}/v1/teens/{t['id']}/controls", headers=auth, timeout=5).json()
            for name, t in teens.items()
        }
        assert (seen["Maya"]["downloads"], seen["Maya"]["duet_stitch"]) == (False, "no_one")
        assert (seen["Sam"]["downloads"], seen["Sam"]["duet_stitch"]) == (False, "no_one")
        history = session.get(f"{base}/v1/teens/{teens['Sam']['id']}/activity", headers=auth, timeout=5).json()
        assert any(e["field"] == "duet_stitch" and e["after"] == "no_one" for e in history)
