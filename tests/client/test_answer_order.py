"""Two questions about the same thing asked at once, their answers coming back in the other
order: the guardian's cache keeps the newer answer (famguard/services/answers.py). Found as a
rare failure of the phone page ("✓ On Maya's phone since" never came back after a change): the
page's own refresh, slow to arrive, overwrote the receipt the sync engine had just fetched after
the phone reported. The same could put back a decided time request as waiting, or an older
figure for a day of use.

Real parts throughout: the reference server on loopback, the fault proxy slowing one reply, a
real SQLite store."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from famguard.api import ApiClient
from famguard.domain.controls import controls_to_json
from famguard.services.events import NoticeKind, Notifier
from famguard.services.family import FamilyService
from famguard.services.notice import Notice
from famguard.services.sync import SyncEngine
from famguard.services.trust import TrustService
from famguard.store import AccountStore
from tests.support.accounts import guardian, pair, teen
from tests.support.proxy import Fault, FaultProxy


@dataclass
class Family:
    proxy: FaultProxy  # between Alex (the guardian) and the server; Maya (the teen) talks to it directly
    alex: ApiClient
    maya: ApiClient
    teen_id: str
    store: AccountStore


@pytest.fixture
def family(live_server: str, tmp_path: Path) -> Iterator[Family]:
    with FaultProxy(live_server) as proxy:
        alex, _ = guardian(proxy.url, "Alex")
        maya = teen(live_server, "Maya", 14)
        proxy.trickle_bytes, proxy.trickle_interval = 40, 0.05  # a slowed reply takes about a second
        yield Family(proxy, alex, maya, pair(alex, maya), AccountStore(tmp_path / "alex.sqlite3"))


class SlowQuestion:
    """`ask()` on a thread of its own, its reply slowed by the proxy; returns once the server has
    answered (the reply is on its way), so what changes next happens after that answer."""

    def __init__(self, proxy: FaultProxy, path: str, ask: Callable[[], Any]) -> None:
        self.answers: list[Any] = []
        trickled = proxy.trickles_started
        proxy.fault(Fault.TRICKLE, path, times=1)
        self._thread = threading.Thread(target=lambda: self.answers.append(ask()))
        self._thread.start()
        deadline = time.monotonic() + 10
        while proxy.trickles_started == trickled:
            assert time.monotonic() < deadline, f"the server did not answer {path} within 10 s"
            time.sleep(0.01)

    def arrived(self) -> Any:
        self._thread.join(30)
        assert not self._thread.is_alive() and len(self.answers) == 1
        return self.answers[0]


def test_a_late_answer_to_an_earlier_question_does_not_overwrite_the_phones_newer_receipt(family: Family) -> None:
    notices: list[Notice] = []
    notifier = Notifier()
    notifier.add_listener(notices.append)
    trust = TrustService(family.alex, family.store, notifier)
    maya, teen_id = family.maya, family.teen_id

    # The first question is answered at once (the phone has not applied anything yet), but the
    # answer reaches the guardian slowly. Meanwhile the phone applies the rules and reports it.
    first = SlowQuestion(family.proxy, "/phone", lambda: trust.refresh_phone(teen_id))
    maya.report_applied(maya.my_controls().etag)
    assert trust.refresh_phone(teen_id).up_to_date
    late = first.arrived()
    cached = trust.cached_phone(teen_id)
    assert cached is not None and cached.up_to_date, "the older answer overwrote the phone's receipt"
    assert late == cached  # the late caller is told the newer receipt too
    assert [n.kind for n in notices] == [NoticeKind.PHONE]  # the stale answer told no screen

    # The same for the temporary rules.
    today = date.today()
    first = SlowQuestion(family.proxy, "/temporary-rules", lambda: trust.refresh_rules(teen_id))
    family.alex.create_temporary_rule(teen_id, "Exams", today, today + timedelta(days=3), {"daily_limit_minutes": 30})
    assert [r.name for r in trust.refresh_rules(teen_id)] == ["Exams"]
    late = first.arrived()
    assert [r.name for r in trust.cached_rules(teen_id)] == ["Exams"], "the older answer lost the new rule"
    assert [r.name for r in late] == ["Exams"]


def test_a_request_decided_meanwhile_does_not_come_back_as_waiting_from_a_late_answer(family: Family) -> None:
    service = FamilyService(family.alex, family.store)
    asked = family.maya.ask_for_time(30, "Project due")
    first = SlowQuestion(family.proxy, "/time-requests", lambda: service.refresh_time_requests(family.teen_id))
    family.alex.decide_time_request(asked.id, approve=True)  # from the inbox, or another guardian
    assert [r.status for r in service.refresh_time_requests(family.teen_id)] == ["approved"]
    late = first.arrived()
    assert [r.status for r in service.cached_time_requests(family.teen_id)] == ["approved"], "waiting again"
    assert [r.status for r in late] == ["approved"]


def test_a_late_answer_does_not_put_back_an_older_figure_for_a_day_of_use(family: Family) -> None:
    service = FamilyService(family.alex, family.store)
    today = family.maya.report_usage(date.today(), 10).date  # the teen's today (time zone UTC here)
    earlier = family.maya.report_usage(today - timedelta(days=20), 40).date  # a day only the slow answer has
    window = (today - timedelta(days=27), today)  # the screen-time page's 28 days, slow to arrive
    first = SlowQuestion(family.proxy, "/usage", lambda: service.refresh_usage(family.teen_id, *window))
    family.maya.report_usage(today, 25)
    newest = service.refresh_usage(family.teen_id)  # the engine's, after the teen's report: the last days
    now = next(day.minutes for day in newest if day.date == today)
    assert now != 10
    first.arrived()
    minutes = {day.date: day.minutes for day in service.cached_usage(family.teen_id)}
    assert minutes[today] == now, "an older answer put back 10 minutes for today"
    assert minutes[earlier] == 40  # the slow answer's other days are kept


def test_a_late_read_of_the_controls_does_not_put_back_the_limit_saved_meanwhile(family: Family) -> None:
    notices: list[Notice] = []
    notifier = Notifier()
    notifier.add_listener(notices.append)
    engine = SyncEngine(family.alex, family.store, notifier=notifier)
    teen_id = family.teen_id
    cached = engine.refresh_controls(teen_id), engine.cached_controls(teen_id)[1]  # the family's first read
    # Another of Alex's computers changes who may comment: the version this one caches is behind.
    family.alex.patch_controls(teen_id, {"comments": "no_one"}, if_match=cached[1])

    # The family's next read is answered with that version but reaches the guardian only after
    # the limit set here (sent on the version cached, refused, read again and sent again) is saved.
    first = SlowQuestion(family.proxy, "/controls", lambda: engine.refresh_controls(teen_id))
    engine.queue_change(teen_id, daily_limit_minutes=95)
    assert engine.send_pending() == 1
    notices.clear()
    late = first.arrived()
    shown = engine.displayed_controls(teen_id)
    assert shown is not None and shown.daily_limit_minutes == 95, "the older answer put the old limit back"
    assert shown.comments.value == "no_one"
    assert late.daily_limit_minutes == 95  # the late caller is told what is cached
    assert notices == []  # no screen was told to show the older answer

    # A service restored from a backup counts its versions from lower down again: with nothing
    # else cached while it answered, its answer is taken although its version is lower.
    family.store.save_controls(teen_id, {**controls_to_json(shown), "daily_limit_minutes": 30}, '"90"')
    assert engine.refresh_controls(teen_id).daily_limit_minutes == 95
    restored = engine.cached_controls(teen_id)
    assert restored is not None and restored[0].daily_limit_minutes == 95
