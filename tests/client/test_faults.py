"""Every fault of the one fault-injecting proxy (tests/support/proxy.py) between the real client
library and the real server (issue 13): latency, jitter, a reset mid-body, a truncated reply, a
dropped reply, a hang and a slow trickle. For each: the client reports the right kind of error,
retries only what is safe (a PATCH carries an Idempotency-Key; a POST without one is sent once),
and after the fault clears the server holds exactly what the guardian asked for, applied once."""

from __future__ import annotations

import pytest

from famguard.api import ApiClient
from famguard.api import errors as e
from famguard.domain.errors import ErrorKind
from famguard.domain.sync import SyncState
from famguard.services import AccountSession, SessionService
from tests.support.accounts import FAST, PASSWORD, guardian, pair, teen
from tests.support.proxy import Fault, FaultProxy

# Short read timeout, so a hang is noticed in a test-sized time (the app's own is longer).
TIMEOUT = (2.0, 1.5)


def _api_factory(base_url, session, tokens=None):  # noqa: ANN001, ANN202 - SessionService's factory
    return ApiClient(base_url, session, tokens=tokens, retry=FAST, timeout=TIMEOUT)


def _sign_in(url: str, email: str) -> AccountSession:
    session = SessionService(None, api_factory=_api_factory).sign_in(url, email, PASSWORD, remember=False)
    for t in session.family.refresh_teens():
        session.sync.refresh_controls(t.id)
    return session


def _entries(api: ApiClient, teen_id: str, field: str) -> int:
    return sum(1 for a in api.activity(teen_id) if a.kind == "controls" and a.field == field)


LOSING = [Fault.DROP, Fault.RESET, Fault.TRUNCATE, Fault.HANG]


@pytest.mark.parametrize("kind", LOSING, ids=[k.value for k in LOSING])
def test_a_lost_or_broken_reply_keeps_the_change_then_applies_it_once(
    live_server: str, proxy: FaultProxy, kind: Fault
) -> None:
    g, address = guardian(live_server)
    teen_id = pair(g, teen(live_server))
    session = _sign_in(proxy.url, address)
    proxy.fault(kind, "PATCH /v1/teens", times=FAST.attempts)  # every try of this round
    session.sync.queue_change(teen_id, daily_limit_minutes=75)
    assert session.sync.send_pending() == 0
    [change] = session.store.changes(teen_id)
    assert change.state == SyncState.PENDING and change.last_error  # kept, with the reason shown
    assert proxy.count("PATCH /v1/teens") == FAST.attempts  # retried: the key makes it safe
    assert _entries(g, teen_id, "daily_limit_minutes") <= 1  # the server may have applied it, once

    proxy.clear()
    assert session.sync.send_pending() == 1
    assert session.store.change(change.id).state == SyncState.SAVED
    assert g.get_controls(teen_id).controls.daily_limit_minutes == 75
    assert _entries(g, teen_id, "daily_limit_minutes") == 1
    session.close()


@pytest.mark.parametrize("condition", ["latency", "jitter", "trickle"])
def test_a_slow_network_is_only_slow(live_server: str, proxy: FaultProxy, condition: str) -> None:
    g, address = guardian(live_server)
    teen_id = pair(g, teen(live_server))
    session = _sign_in(proxy.url, address)
    if condition == "latency":
        proxy.latency = 0.5
    elif condition == "jitter":
        proxy.jitter = 1.0
    else:
        proxy.trickle_bytes, proxy.trickle_interval = 64, 0.02
        proxy.fault(Fault.TRICKLE, "PATCH /v1/teens", times=1)
    session.sync.queue_change(teen_id, search_enabled=False)
    assert session.sync.send_pending() == 1
    assert g.get_controls(teen_id).controls.search_enabled is False
    assert _entries(g, teen_id, "search_enabled") == 1
    assert proxy.count("PATCH /v1/teens") == 1
    session.close()


def test_an_answer_trickled_past_its_deadline_is_the_services_problem_and_the_change_goes_once_later(
    live_server: str, proxy: FaultProxy
) -> None:
    """Found from outside: requests' read timeout bounds each read, not the answer, so a service
    that trickled its answer a byte at a time held the change "saving…" for as long as it liked
    (here ~1 KB, head and body, at a byte every 0.25 s: four minutes, never the read timeout of
    2 s without a byte). The call now ends at its overall deadline (connect + read + margin: 4 s
    here), is not tried again within it (each try took as long: an outside tester saw a change
    "saving…" for three minutes, then "You are offline"), and is said as the service's problem —
    the connection carried the answer. The change waits with that reason and goes once when the
    answers come whole."""
    import time

    def deadline_factory(base_url, session, tokens=None):  # noqa: ANN001, ANN202 - SessionService's factory
        return ApiClient(base_url, session, tokens=tokens, retry=FAST, timeout=(1.0, 2.0), overall_margin=1.0)

    g, address = guardian(live_server)
    teen_id = pair(g, teen(live_server))
    session = SessionService(None, api_factory=deadline_factory).sign_in(proxy.url, address, PASSWORD, remember=False)
    session.sync.refresh_controls(teen_id)
    proxy.trickle_bytes, proxy.trickle_interval = 1, 0.25
    proxy.fault(Fault.TRICKLE, "PATCH /v1/teens", times=FAST.attempts)
    session.sync.queue_change(teen_id, daily_limit_minutes=75)
    started = time.monotonic()
    assert session.sync.send_pending() == 0
    # Not a speed check: the trickled answer alone would take minutes.
    assert time.monotonic() - started < 60
    [change] = session.store.changes(teen_id)
    assert change.state == SyncState.PENDING and "had not answered after 4 s" in (change.last_error or "")
    assert proxy.count("PATCH /v1/teens") == 1  # not tried again within the call
    status = session.sync.status()
    assert not status.online and status.service_problem  # "the service…", not "You are offline"
    assert _entries(g, teen_id, "daily_limit_minutes") == 1  # the service did it once

    proxy.clear()
    assert session.sync.send_pending() == 1  # the same key: answered from the first, not done again
    assert session.store.change(change.id).state == SyncState.SAVED
    assert _entries(g, teen_id, "daily_limit_minutes") == 1
    session.close()


@pytest.mark.parametrize("kind", [Fault.RESET, Fault.TRUNCATE, Fault.DROP], ids=["reset", "truncate", "drop"])
def test_a_request_without_a_key_is_not_sent_twice(live_server: str, proxy: FaultProxy, kind: Fault) -> None:
    """A new pairing code is a POST without an Idempotency-Key that the service cannot recognize
    again (each makes a code): after a broken reply the client cannot know whether it arrived,
    so it says so instead of asking twice. (A POST the service recognizes again is sent again:
    tests/client/test_lost_replies.py.)"""
    g, _ = guardian(live_server)
    through_proxy = ApiClient(proxy.url, g.session, tokens=g.tokens, retry=FAST, timeout=TIMEOUT)
    proxy.fault(kind, "POST /v1/pairings", times=1)
    with pytest.raises(e.ApiError) as caught:
        through_proxy.start_pairing()
    assert caught.value.kind in (ErrorKind.OFFLINE, ErrorKind.REFUSED)
    assert caught.value.message
    assert proxy.count("POST /v1/pairings") == 1
