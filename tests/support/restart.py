"""The server killed and restarted mid-sync (issue 13), as one scenario the SQLite and the
PostgreSQL suites both run: a guardian's client sends a stream of two-field changes while the
server process is SIGKILLed and started again on the same port and database. Afterwards every
change the client saw acknowledged is in the service's history, the end state is the last change
asked, and no change is half applied (each change's two fields always agree)."""

from __future__ import annotations

import threading
import time

from famguard.api import ApiClient, RetryPolicy
from famguard.services import SessionService
from tests.support.accounts import PASSWORD, guardian, pair, teen
from tests.support.servers import LocalServer

CHANGES = 30


def kill_and_restart_mid_sync(server: LocalServer, kills: int = 2) -> dict[str, int]:
    g, address = guardian(server.url)
    teen_id = pair(g, teen(server.url))
    patient = RetryPolicy(attempts=200, base=0.05, cap=0.3)

    def api_factory(base_url, session, tokens=None):  # noqa: ANN001, ANN202 - SessionService's factory
        return ApiClient(base_url, session, tokens=tokens, retry=patient, timeout=(2.0, 5.0))

    session = SessionService(None, api_factory=api_factory).sign_in(server.url, address, PASSWORD, remember=False)
    session.family.refresh_teens()
    session.sync.refresh_controls(teen_id)
    acknowledged: list[int] = []
    done = threading.Event()
    failures: list[BaseException] = []

    def send_stream() -> None:
        try:
            for n in range(CHANGES):
                minutes = 20 + n
                session.sync.queue_change(teen_id, daily_limit_minutes=minutes, keyword_filters=[f"k{minutes}"])
                while session.sync.send_pending() == 0 and session.unsent_changes():
                    time.sleep(0.05)
                acknowledged.append(minutes)
        except BaseException as error:  # noqa: BLE001 - reported on the test's thread
            failures.append(error)
        finally:
            done.set()

    sender = threading.Thread(target=send_stream, daemon=True)
    sender.start()
    restarts = 0
    for _ in range(kills):
        while len(acknowledged) < (restarts + 1) * CHANGES // (kills + 1) and not done.is_set():
            time.sleep(0.01)
        server.kill()
        time.sleep(0.3)
        server.start()
        restarts += 1
    done.wait(120)
    assert not failures, failures
    assert acknowledged == [20 + n for n in range(CHANGES)]
    assert session.unsent_changes() == 0
    session.close()

    final = g.get_controls(teen_id).controls
    assert final.daily_limit_minutes == 20 + CHANGES - 1 and list(final.keyword_filters) == [f"k{20 + CHANGES - 1}"]
    history = g.activity(teen_id, limit=500)
    limits = [a.after for a in history if a.field == "daily_limit_minutes"]
    keywords = [a.after for a in history if a.field == "keyword_filters"]
    assert len(limits) == len(set(limits)) == CHANGES, "a change was lost or applied twice"
    assert sorted(keywords) == sorted([f"k{m}"] for m in limits), "a change was half applied"
    return {"changes": CHANGES, "restarts": restarts}
