"""End to end against the real reference server on a loopback port: a guardian's change reaches
the teen, survives being offline, a lost reply, and another guardian editing at the same time."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest

from famguard import teen_cli
from famguard.api import ApiClient
from famguard.domain.controls import SPECS, Audience
from famguard.domain.errors import DomainValidationError
from famguard.domain.sync import NotApplied, SyncState
from famguard.server.runner import ServerThread
from famguard.services import AccountSession, SessionService
from famguard.store.db import OutboxChange
from tests.support.accounts import FAST, PASSWORD, guardian, pair, teen
from tests.support.proxy import FaultProxy
from tests.support.servers import FakeClock, LocalServer


def _api_factory(base_url, session, tokens=None):
    from famguard.api import ApiClient

    return ApiClient(base_url, session, tokens=tokens, retry=FAST)


def sign_in(url: str, email: str) -> AccountSession:
    service = SessionService(None, api_factory=_api_factory)
    session = service.sign_in(url, email, PASSWORD, remember=False)
    for t in session.family.refresh_teens():
        session.sync.refresh_controls(t.id)
    return session


def test_a_change_reaches_the_teen_and_shows_saved(live_server: str) -> None:
    g, address = guardian(live_server)
    t = teen(live_server, age=14)
    teen_id = pair(g, t)
    session = sign_in(live_server, address)
    notices = []
    session.sync.add_listener(notices.append)

    session.sync.queue_change(teen_id, search_enabled=False, comments=Audience.NO_ONE)
    states = session.sync.field_states(teen_id)
    assert {states["search_enabled"].state, states["comments"].state} == {SyncState.PENDING}
    assert session.sync.displayed_controls(teen_id).search_enabled is False
    assert teen_cli.effective_controls(t).search_enabled is True  # not sent yet

    assert session.sync.send_pending() == 1
    assert session.sync.field_states(teen_id)["search_enabled"].state == "saved"
    seen = teen_cli.effective_controls(t)
    assert seen.search_enabled is False and seen.comments == Audience.NO_ONE
    assert any(n.kind == "outbox" and n.teen_id == teen_id for n in notices)
    assert session.unsent_changes() == 0
    session.close()


def test_a_teen_unlinked_and_linked_again_shows_no_saved_mark_from_before(live_server: str) -> None:
    """A re-tester unlinked Maya, paired her again, and her limit still read "✓ saved" from the
    change made before the unlink (the saved outbox row outlived the link). A change still waiting
    for a teen who is gone is not set over the new link (made under another consent) but told as
    not applied: nothing the guardian asked for is dropped unseen."""
    g, address = guardian(live_server)
    t = teen(live_server, age=14)
    teen_id = pair(g, t)
    session = sign_in(live_server, address)
    session.sync.queue_change(teen_id, daily_limit_minutes=45)
    assert session.sync.send_pending() == 1
    assert session.sync.field_states(teen_id)["daily_limit_minutes"].state == SyncState.SAVED
    session.sync.queue_change(teen_id, search_enabled=False)  # not sent before the unlink

    session.family.unlink(teen_id)
    assert session.family.cached_teens() == []
    assert pair(g, t) == teen_id
    session.family.refresh_teens()
    session.sync.refresh_controls(teen_id)
    states = session.sync.field_states(teen_id)
    assert "daily_limit_minutes" not in states and "search_enabled" not in states, states
    assert session.family.take_not_applied() == [NotApplied(teen_id, "Sam", {"search_enabled": False})]
    assert session.sync.send_pending() == 0 and t.my_controls().controls.search_enabled is True
    session.close()


def test_a_teen_unlinked_as_the_page_reads_the_controls_is_told_not_found(live_server: str, monkeypatch) -> None:
    """The controls page read a teen's controls (fetched, then read from the cache) while the
    family's read of the teens dropped that teen's cache: an `assert` failed on the worker and a
    bug was reported (a CI run). It is the service's "not found", which the screens know."""
    from famguard.api import errors

    g, address = guardian(live_server)
    t = teen(live_server, age=14)
    teen_id = pair(g, t)
    session = sign_in(live_server, address)
    teens = session.family.refresh_teens()
    session.store.replace_teens([])  # nothing of hers cached: shown() fetches her controls first
    session.store.replace_teens(teens)
    assert session.sync.cached_controls(teen_id) is None
    refresh_controls = session.sync.refresh_controls

    def fetched_then_dropped(teen_id: str) -> None:  # she unlinks, and the list's read lands, just after
        refresh_controls(teen_id)
        t.unlink(teen_id)
        session.family.refresh_teens()

    monkeypatch.setattr(session.sync, "refresh_controls", fetched_then_dropped)
    with pytest.raises(errors.NotFound):
        session.sync.shown(teen_id)
    session.close()


def test_a_teen_linked_again_shows_the_controls_of_now_not_those_cached_before(live_server: str) -> None:
    """Found by an outside tester: a guardian linked again saw the limit cached before the link
    ended ("1 h", with "✓ On Maya's phone") while the service had 2 h, set by another guardian
    meanwhile, until an edit of theirs clashed with it."""
    g, address = guardian(live_server)
    t = teen(live_server, age=14)
    teen_id = pair(g, t)
    session = sign_in(live_server, address)
    assert session.sync.cached_controls(teen_id) is not None
    t.unlink(teen_id)
    session.family.refresh_teens()
    assert pair(g, t) == teen_id
    current = g.get_controls(teen_id)
    g.patch_controls(teen_id, {"daily_limit_minutes": 120}, if_match=current.etag)  # from another computer
    session.family.refresh_teens()
    assert session.sync.cached_controls(teen_id) is None  # not the old link's
    shown, _states = session.sync.shown(teen_id)
    assert shown.daily_limit_minutes == 120
    session.close()


def test_a_teen_unlinked_and_linked_again_while_the_app_was_closed_shows_the_controls_of_now(
    live_server: str,
) -> None:
    """Found by a re-tester: the app closed, Maya unlinked and paired again, and the limit changed
    meanwhile. At the next start the events said both (the link ended, the link made): the list
    read again still had Maya, so nothing cached under the old link was read again — "Limit: 40
    min" and "✓ On Maya's phone" while the service had 2 h."""
    g, address = guardian(live_server)
    t = teen(live_server, age=14)
    teen_id = pair(g, t)
    session = sign_in(live_server, address)
    session.sync.pull_once()  # the cursor, as a running app keeps it
    before = session.sync.cached_controls(teen_id)
    assert before is not None and before[0].daily_limit_minutes != 120
    t.unlink(teen_id)  # while the app is closed (nothing pulled)
    alex, _ = guardian(live_server, "Alex")
    assert pair(alex, t) == teen_id  # Alex first, and changes the limit while Sam is not linked
    current = alex.get_controls(teen_id)
    alex.patch_controls(teen_id, {"daily_limit_minutes": 120}, if_match=current.etag)
    assert pair(g, t, approver=alex) == teen_id
    while session.sync.pull_once():  # the next start's events
        pass
    cached = session.sync.cached_controls(teen_id)
    assert cached is not None and cached[0].daily_limit_minutes == 120
    session.close()


def test_age_rules_are_checked_before_anything_is_queued(live_server: str) -> None:
    g, address = guardian(live_server)
    teen_id = pair(g, teen(live_server, age=14))
    session = sign_in(live_server, address)
    with pytest.raises(DomainValidationError) as caught:
        session.sync.queue_change(teen_id, age=14, direct_messages=Audience.EVERYONE)
    assert "direct_messages" in caught.value.fields
    with pytest.raises(DomainValidationError):
        session.sync.queue_change(teen_id, daily_limit_minutes=5000)
    assert session.store.changes() == []
    session.close()


def test_a_refused_change_is_rejected_with_the_servers_reason_and_not_retried(live_server: str) -> None:
    g, address = guardian(live_server)
    teen_id = pair(g, teen(live_server, age=14))
    session = sign_in(live_server, address)
    session.sync.queue_change(teen_id, comments=Audience.EVERYONE)  # no age given: the server decides
    session.sync.send_pending()
    [change] = session.store.changes(teen_id)
    assert change.state == SyncState.REJECTED and "16" in change.last_error
    assert session.sync.field_states(teen_id)["comments"].state == SyncState.REJECTED
    session.sync.send_pending()
    assert session.store.change(change.id).attempts == 1
    session.close()


def test_quick_edits_of_one_field_go_out_as_one_change_and_putting_it_back_is_one_more(live_server: str) -> None:
    g, address = guardian(live_server)
    teen_id = pair(g, teen(live_server))
    session = sign_in(live_server, address)
    for minutes in (70, 80, 90, 100):
        session.sync.queue_change(teen_id, daily_limit_minutes=minutes)
    assert len(session.store.changes(teen_id)) == 1
    session.sync.send_pending()
    assert g.get_controls(teen_id).controls.daily_limit_minutes == 100
    session.sync.queue_change(teen_id, daily_limit_minutes=60)  # what the page's Undo sends
    session.sync.send_pending()
    assert g.get_controls(teen_id).controls.daily_limit_minutes == 60
    limit_entries = [a for a in g.activity(teen_id) if a.field == "daily_limit_minutes"]
    assert [(a.before, a.after) for a in reversed(limit_entries)] == [(60, 100), (100, 60)]
    session.close()


def test_offline_changes_all_arrive_in_order_once_after_restart(database_url: str) -> None:
    server = ServerThread(database_url=database_url)
    url = server.start()
    port = int(url.rsplit(":", 1)[1])
    try:
        g, address = guardian(url)
        teen_id = pair(g, teen(url, age=16))
        session = sign_in(url, address)
    finally:
        server.stop()
    edits = [
        {"search_enabled": False},
        {"restricted_mode": True},
        {"daily_limit_minutes": 90},
        {"private_account": False},
        {"keyword_filters": ("spoilers",)},
    ]
    for edit in edits:
        session.sync.queue_change(teen_id, **edit)
    assert session.sync.send_pending() == 0
    status = session.sync.status()
    assert status.unsent == 5 and not status.online and status.last_error
    assert {c.state for c in session.store.changes(teen_id)} == {SyncState.PENDING}

    server = ServerThread(database_url=database_url, port=port)  # same port, same database
    server.start()
    try:
        assert session.sync.send_pending() == 5
        assert session.sync.status().online
        entries = [a for a in reversed(g.activity(teen_id)) if a.kind == "controls"]
        assert [a.field for a in entries] == [next(iter(edit)) for edit in edits]
        assert all(c.state == SyncState.SAVED for c in session.store.changes(teen_id))
    finally:
        session.close()
        server.stop()


def test_a_lost_reply_is_retried_with_the_same_key_and_applied_once(live_server: str, proxy: FaultProxy) -> None:
    g, address = guardian(live_server)
    teen_id = pair(g, teen(live_server))
    session = sign_in(proxy.url, address)
    proxy.drop_reply("PATCH /v1/teens", times=1)
    session.sync.queue_change(teen_id, search_enabled=False)
    assert session.sync.send_pending() == 1
    assert proxy.count("PATCH /v1/teens") == 2  # the server saw it twice …
    entries = [a for a in g.activity(teen_id) if a.field == "search_enabled"]
    assert len(entries) == 1  # … and applied it once
    [change] = session.store.changes(teen_id)
    assert change.state == SyncState.SAVED and change.attempts == 1
    session.close()


def test_a_reply_lost_on_every_try_stays_pending_then_goes_once(live_server: str, proxy: FaultProxy) -> None:
    g, address = guardian(live_server)
    teen_id = pair(g, teen(live_server))
    session = sign_in(proxy.url, address)
    proxy.drop_reply("PATCH /v1/teens", times=FAST.attempts)
    session.sync.queue_change(teen_id, restricted_mode=True)
    assert session.sync.send_pending() == 0
    [change] = session.store.changes(teen_id)
    assert change.state == SyncState.PENDING and change.last_error
    assert session.sync.send_pending() == 1
    assert len([a for a in g.activity(teen_id) if a.field == "restricted_mode"]) == 1
    assert session.store.change(change.id).state == SyncState.SAVED
    session.close()


def _search_off_queued(url: str) -> tuple[ApiClient, AccountSession, str, OutboxChange]:
    """A guardian paired with a teen, signed in with "search off" queued, not sent yet."""
    g, address = guardian(url)
    teen_id = pair(g, teen(url))
    session = sign_in(url, address)
    session.sync.queue_change(teen_id, search_enabled=False)
    [change] = session.store.changes(teen_id)
    return g, session, teen_id, change


def test_a_change_sent_while_its_earlier_attempt_runs_on_the_service_is_saved_once(database_url: str) -> None:
    """The app sends a change again (its first try's answer was lost) while that first try is
    still being made on the service, held inside the real server by its test hook after the key's
    claim, on the FastAPI route (fast path off). The second try waits for the first and is
    answered with its result: saved once, one entry in the history, no error on the way."""
    import threading

    with LocalServer(database_url, fast_path=False) as server:
        g, session, teen_id, change = _search_off_queued(server.url)
        claimed, release = threading.Event(), threading.Event()

        def hold() -> None:
            claimed.set()
            assert release.wait(10)

        service = server.app.state.service
        service.hooks["after_idempotency_claim"] = hold
        earlier = threading.Thread(  # the same change, key and version: as a first try the app lost
            target=lambda: g.patch_controls(
                teen_id, {"search_enabled": False}, if_match=change.base_etag, idempotency_key=change.idempotency_key
            )
        )
        earlier.start()
        assert claimed.wait(10)
        service.hooks.clear()
        sent: list[int] = []
        again = threading.Thread(target=lambda: sent.append(session.sync.send_pending()))
        again.start()
        again.join(0.5)
        answered_early = not again.is_alive()
        release.set()
        earlier.join(10)
        again.join(10)
        assert not answered_early, "the second try was answered before the first was done"
        assert sent == [1]
        assert session.store.change(change.id).state == SyncState.SAVED
        assert session.sync.status().online and not session.sync.status().service_problem
        assert [(a.before, a.after) for a in g.activity(teen_id) if a.field == "search_enabled"] == [(True, False)]
        session.close()


def test_a_key_an_older_service_left_claimed_is_neither_offline_nor_lost(database_url: str) -> None:
    """A service before this one could leave a key claimed by a request that died with its
    process, and answered 409 "idempotency_in_progress" for a minute. Neither the connection nor
    the service is at fault: the engine once said "You are offline" for that minute. It stays
    online, keeps the change waiting with no error, and sends it once when the claim runs out.
    The claim is written into the server's database as that server left it."""
    from famguard.server.idempotency import fingerprint
    from famguard.server.models import IdempotencyRow

    clock = FakeClock.real_now()
    with LocalServer(database_url, clock=clock) as server:
        g, session, teen_id, change = _search_off_queued(server.url)
        digest = fingerprint("PATCH", f"/v1/teens/{teen_id}/controls", {"search_enabled": False})
        with server.app.state.service.db.write() as db:
            db.add(
                IdempotencyRow(
                    account_id=g.me().id,
                    key=change.idempotency_key,
                    fingerprint=digest,
                    state="in_progress",
                    created_at=clock.now,
                )
            )
        assert session.sync.send_pending() == 0
        status = session.sync.status()
        assert status.online and not status.service_problem and status.unsent == 1
        waiting = session.store.change(change.id)
        assert waiting.state == SyncState.PENDING and waiting.last_error is None
        clock.advance(seconds=61)
        assert session.sync.send_pending() == 1
        assert session.store.change(change.id).state == SyncState.SAVED
        assert [(a.before, a.after) for a in g.activity(teen_id) if a.field == "search_enabled"] == [(True, False)]
        session.close()


def _two_guardians(url: str) -> tuple[AccountSession, AccountSession, str]:
    first, first_email = guardian(url, "Alex")
    second, second_email = guardian(url, "Robin")
    t = teen(url, age=16)
    teen_id = pair(first, t)
    assert pair(second, t, approver=first) == teen_id
    return sign_in(url, first_email), sign_in(url, second_email), teen_id


def test_two_guardians_offline_on_different_fields_both_changes_land(live_server: str) -> None:
    alex, robin, teen_id = _two_guardians(live_server)
    alex.sync.queue_change(teen_id, search_enabled=False)
    robin.sync.queue_change(teen_id, restricted_mode=True)
    assert alex.sync.send_pending() == 1
    assert robin.sync.send_pending() == 1  # 412, then rebased and resent on its own
    final = alex.api.get_controls(teen_id).controls
    assert final.search_enabled is False and final.restricted_mode is True
    for s in (alex, robin):
        s.close()


def test_two_guardians_on_the_same_field_get_a_conflict_with_both_values(live_server: str) -> None:
    alex, robin, teen_id = _two_guardians(live_server)
    alex.sync.queue_change(teen_id, comments=Audience.NO_ONE)
    robin.sync.queue_change(teen_id, comments=Audience.EVERYONE, search_enabled=False)
    alex.sync.send_pending()
    robin.sync.send_pending()
    [change] = robin.store.changes(teen_id)
    assert change.state == SyncState.CONFLICT
    state = robin.sync.field_states(teen_id)["comments"]
    assert (state.state, state.mine, state.theirs, state.by) == (SyncState.CONFLICT, "everyone", "no_one", "Alex")
    # The setting as the guardian reads it: "comments" (its wire name) was said.
    assert change.last_error == f"Also changed elsewhere: “{SPECS['comments'].label}”. Choose which value to keep."
    assert alex.api.get_controls(teen_id).controls.comments == Audience.NO_ONE  # never a silent overwrite

    robin.sync.resolve_conflict(change.id, keep_mine=False)
    robin.sync.send_pending()
    final = alex.api.get_controls(teen_id).controls
    assert final.comments == Audience.NO_ONE and final.search_enabled is False
    for s in (alex, robin):
        s.close()


def test_keep_mine_sends_my_value_after_the_guardian_chose_it(live_server: str) -> None:
    alex, robin, teen_id = _two_guardians(live_server)
    alex.sync.queue_change(teen_id, daily_limit_minutes=30)
    robin.sync.queue_change(teen_id, daily_limit_minutes=120)
    alex.sync.send_pending()
    robin.sync.send_pending()
    [change] = robin.store.changes(teen_id)
    robin.sync.resolve_conflict(change.id, keep_mine=True)
    assert robin.sync.send_pending() == 1
    assert alex.api.get_controls(teen_id).controls.daily_limit_minutes == 120
    for s in (alex, robin):
        s.close()


def test_events_bring_the_other_guardians_change_into_the_cache(live_server: str) -> None:
    alex, robin, teen_id = _two_guardians(live_server)
    robin.sync.pull_once()  # sets the cursor
    alex.sync.queue_change(teen_id, private_account=False)
    alex.sync.send_pending()
    assert robin.sync.pull_once(wait=5) >= 1
    assert robin.sync.cached_controls(teen_id)[0].private_account is False
    for s in (alex, robin):
        s.close()


def test_the_background_threads_send_and_pull_by_themselves(live_server: str) -> None:
    import threading

    alex, robin, teen_id = _two_guardians(live_server)
    arrived = threading.Event()
    robin.sync.add_listener(lambda n: n.kind == "controls" and arrived.set())
    robin.sync.pull_once()
    for s in (alex, robin):
        s.sync.start()
    try:
        alex.sync.queue_change(teen_id, search_enabled=False)
        assert arrived.wait(10)
        assert robin.sync.cached_controls(teen_id)[0].search_enabled is False
        deadline = time.monotonic() + 10  # alex's own reply may land just after robin's event
        while alex.store.changes(teen_id)[0].state != SyncState.SAVED and time.monotonic() < deadline:
            time.sleep(0.05)
        assert alex.store.changes(teen_id)[0].state == SyncState.SAVED
    finally:
        for s in (alex, robin):
            s.close()


def test_closing_while_a_change_is_in_flight_loses_nothing_and_applies_it_once(
    live_server: str, proxy: FaultProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The app quits (the session closes its store) while the sender waits for a slow reply: the
    sender ends quietly when the reply lands, and the next start confirms the change without the
    service applying it a second time."""
    import threading

    crashes: list[BaseException | None] = []
    monkeypatch.setattr(threading, "excepthook", lambda hook_args: crashes.append(hook_args.exc_value))
    g, address = guardian(live_server)
    teen_id = pair(g, teen(live_server))
    session = sign_in(proxy.url, address)
    proxy.latency = 2.0
    before = set(threading.enumerate())  # a sender of an earlier test may still be ending
    session.sync.start()
    sender = next(t for t in set(threading.enumerate()) - before if t.name == "famguard-sync-send")
    session.sync.queue_change(teen_id, search_enabled=False)
    session.sync.wake()
    deadline = time.monotonic() + 5
    while proxy.count("PATCH /v1/teens") == 0 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert proxy.count("PATCH /v1/teens") == 1
    session.close()  # waits 1 s for the sender, then closes the store under the send in flight
    sender.join(10)
    assert not sender.is_alive() and crashes == []
    proxy.latency = 0

    again = sign_in(proxy.url, address)
    again.sync.send_pending()
    assert all(c.state == SyncState.SAVED for c in again.store.changes(teen_id))
    assert [a.field for a in g.activity(teen_id) if a.kind == "controls"] == ["search_enabled"]
    again.close()


def test_an_unchanged_teen_is_not_downloaded_again(live_server: str, proxy: FaultProxy) -> None:
    g, address = guardian(live_server)
    teen_id = pair(g, teen(live_server))
    session = sign_in(proxy.url, address)
    etag = session.store.controls(teen_id)[1]
    assert session.api.get_controls(teen_id, if_none_match=etag) is None  # 304
    session.sync.refresh_controls(teen_id)
    assert session.store.controls(teen_id)[1] == etag
    session.close()


def test_without_events_the_engine_polls_with_conditional_gets(live_server: str, proxy: FaultProxy) -> None:
    import threading

    alex, robin, teen_id = _two_guardians(proxy.url)
    robin.sync.events_available = False  # as after a service answered 404 to /v1/events
    robin.sync.poll_interval = 0.2
    asked_at_sign_in = proxy.count("GET /v1/events")  # each sign-in takes its cursor
    arrived = threading.Event()
    robin.sync.add_listener(lambda n: n.kind == "controls" and arrived.set())
    robin.sync.start()
    try:
        time.sleep(0.5)
        alex.sync.queue_change(teen_id, suggest_account=False)
        alex.sync.send_pending()
        assert arrived.wait(5)
        assert robin.sync.cached_controls(teen_id)[0].suggest_account is False
        assert proxy.count("GET /v1/events") == asked_at_sign_in  # the engine polled controls only
    finally:
        for s in (alex, robin):
            s.close()


def test_events_keep_the_teen_list_and_time_requests_current(live_server: str) -> None:
    g, address = guardian(live_server)
    t = teen(live_server)
    session = sign_in(live_server, address)
    session.sync.pull_once()
    assert session.family.cached_teens() == []
    teen_id = pair(g, t)
    teen_cli.ask_for_time(t, 20, "school project")
    while session.sync.pull_once(wait=2):
        pass
    assert [x.id for x in session.family.cached_teens()] == [teen_id]
    assert [r.reason for r in session.family.cached_time_requests(teen_id)] == ["school project"]
    session.close()


def test_a_burst_of_a_phones_reports_costs_the_guardian_one_read_and_shows_the_last(
    live_server: str, proxy: FaultProxy
) -> None:
    """A phone reports its minutes often (a script on the teen's account could report hundreds of
    times a second); each report is an event for the guardians. One batch of events reads each
    teen's usage once — what the service has now, the last report — not once per report."""
    g, address = guardian(live_server)
    t = teen(live_server)
    teen_id = pair(g, t)
    session = sign_in(proxy.url, address)
    session.sync.pull_once()  # the cursor, now
    for minutes in range(10, 40):
        teen_cli.report_usage(t, minutes)
    before = proxy.count(f"GET /v1/teens/{teen_id}/usage")
    assert session.sync.pull_once() == 30  # thirty events in one batch
    assert proxy.count(f"GET /v1/teens/{teen_id}/usage") == before + 1
    assert session.family.cached_usage(teen_id)[-1].minutes == 39  # the last report
    session.close()


@contextmanager
def _robin_behind_a_deleted_change(database_url: str) -> Iterator[tuple[AccountSession, str]]:
    """Robin's app, away while Alex changed the teen's controls and, 6 minutes later, the teen asked
    for time; the service keeps events 5 minutes of its fake clock here (the retention itself is
    tests/server/test_event_retention.py; 30 days would outlive the sign-ins), so the change's event
    is deleted and the request's is kept. (Robin's session, the teen's id.)"""
    clock = FakeClock.real_now()
    with LocalServer(database_url, clock=clock) as server:
        first, _ = guardian(server.url, "Alex")
        second, second_email = guardian(server.url, "Robin")
        t = teen(server.url, age=16)
        teen_id = pair(first, t)
        assert pair(second, t, approver=first) == teen_id
        robin = sign_in(server.url, second_email)
        robin.sync.pull_once()  # the cursor, now; then Robin's app is away
        current = first.get_controls(teen_id)
        assert current is not None
        first.patch_controls(teen_id, {"private_account": False}, if_match=current.etag)
        clock.advance(minutes=6)
        teen_cli.ask_for_time(t, 15, "Homework")
        retention = server.app.state.service.retention
        retention.keep = timedelta(minutes=5)
        assert retention.delete_old() >= 1
        try:
            yield robin, teen_id
        finally:
            robin.close()


def test_a_cursor_behind_deleted_events_reads_everything_again(database_url: str) -> None:
    """The service deletes events after 30 days; an app away longer is told it `missed` some and
    reads everything again: Robin's app misses Alex's change (its event deleted) and sees only the
    teen's later request — without reading everything again, the change would never reach
    Robin's screen."""
    with _robin_behind_a_deleted_change(database_url) as (robin, teen_id):
        assert robin.sync.pull_once() == 1  # the request's event; Alex's change was deleted
        assert robin.sync.cached_controls(teen_id)[0].private_account is False
        assert [r.reason for r in robin.family.cached_time_requests(teen_id)] == ["Homework"]


def test_an_app_stopped_while_reading_everything_again_keeps_its_cursor(database_url: str) -> None:
    """Quitting part way through the re-read (a family of 50 teens is ~300 reads) ends it at once
    and keeps the old cursor, so the next start is told `missed` again and reads everything."""
    with _robin_behind_a_deleted_change(database_url) as (robin, teen_id):
        cursor = robin.store.get_meta("event_cursor")
        read_usage = robin.family.refresh_usage

        def quit_while_reading(*args: object) -> object:
            robin.sync.stop(timeout=0)  # the app quits meanwhile
            return read_usage(*args)  # type: ignore[arg-type]

        robin.family.refresh_usage = quit_while_reading  # type: ignore[method-assign]
        assert robin.sync.pull_once() == 0
        assert robin.store.get_meta("event_cursor") == cursor
        assert [r.reason for r in robin.family.cached_time_requests(teen_id)] == []  # not read: stopped
