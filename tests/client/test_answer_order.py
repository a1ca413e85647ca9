"""Two questions about the same teen's phone asked at once, their answers coming back in the
other order: the guardian's cache keeps the newer one. Found as a rare failure of the phone page
("✓ On Maya's phone since" never came back after a change): the page's own refresh, slow to
arrive, overwrote the receipt the sync engine had just fetched after the phone reported.

Real parts throughout: the reference server on loopback, the fault proxy slowing one reply, a
real SQLite store."""

from __future__ import annotations

import threading
import time
from datetime import date, timedelta
from pathlib import Path

from famguard.services.events import Notice, NoticeKind, Notifier
from famguard.services.trust import TrustService
from famguard.store import AccountStore
from tests.support.accounts import guardian, pair, teen
from tests.support.proxy import Fault, FaultProxy


def _wait(condition: object, what: str, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {timeout} s for {what}")
        time.sleep(0.01)


def test_a_late_answer_to_an_earlier_question_does_not_overwrite_the_phones_newer_receipt(
    live_server: str, tmp_path: Path
) -> None:
    with FaultProxy(live_server) as proxy:
        alex, _ = guardian(proxy.url, "Alex")
        maya = teen(live_server, "Maya", 14)
        teen_id = pair(alex, maya)
        notices: list[Notice] = []
        notifier = Notifier()
        notifier.add_listener(notices.append)
        trust = TrustService(alex, AccountStore(tmp_path / "alex.sqlite3"), notifier)

        # The first question is answered at once (the phone has not applied anything yet), but
        # the answer reaches the guardian slowly.
        proxy.trickle_bytes, proxy.trickle_interval = 40, 0.05
        proxy.fault(Fault.TRICKLE, "/phone", times=1)
        slow: list[object] = []
        first = threading.Thread(target=lambda: slow.append(trust.refresh_phone(teen_id)))
        first.start()
        _wait(lambda: proxy.trickles_started > 0, "the server to answer the first question")

        # Meanwhile the phone applies the rules and reports it; the second question sees that.
        maya.report_applied(maya.my_controls().etag)
        newer = trust.refresh_phone(teen_id)
        assert newer.up_to_date
        first.join(30)
        assert not first.is_alive()

        cached = trust.cached_phone(teen_id)
        assert cached is not None and cached.up_to_date, "the older answer overwrote the phone's receipt"
        assert slow == [cached]  # the late caller is told the newer receipt too
        assert [n.kind for n in notices] == [NoticeKind.PHONE]  # the stale answer told no screen

        # And the same for the temporary rules.
        today = date.today()
        trickled = proxy.trickles_started
        proxy.fault(Fault.TRICKLE, "/temporary-rules", times=1)
        late: list[object] = []
        asking = threading.Thread(target=lambda: late.append(trust.refresh_rules(teen_id)))
        asking.start()
        _wait(lambda: proxy.trickles_started > trickled, "the server to answer the first rules question")
        alex.create_temporary_rule(teen_id, "Exams", today, today + timedelta(days=3), {"daily_limit_minutes": 30})
        assert [r.name for r in trust.refresh_rules(teen_id)] == ["Exams"]
        asking.join(30)
        assert [r.name for r in trust.cached_rules(teen_id)] == ["Exams"], "the older answer lost the new rule"
        assert [[r.name for r in rules] for rules in late] == [["Exams"]]  # type: ignore[attr-defined]
