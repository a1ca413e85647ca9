"""The guardian's app as a separate process, for the crash test (run by test_crash.py).

    python crash_child.py queue URL EMAIL PASSWORD TEEN_ID   queue four changes, then send them
    python crash_child.py resume URL EMAIL PASSWORD          send whatever the last process left
    python crash_child.py fuzz URL EMAIL PASSWORD TEEN_ID RUN  resume, then queue and send three
        keyword changes unique to RUN; the crash fuzzer kills it at a random moment

It uses only the client library; its account database is under FAMGUARD_DATA_DIR."""

from __future__ import annotations

import json
import sys

from famguard.api import ApiClient, RetryPolicy
from famguard.services import SessionService

EDITS = [{"search_enabled": False}, {"restricted_mode": True}, {"private_account": False}, {"daily_limit_minutes": 45}]


def main(argv: list[str]) -> None:
    mode, url, email, password = argv[:4]
    patient = RetryPolicy(attempts=1000, base=0.05, cap=0.2)  # keeps retrying until it is killed

    def api_factory(base_url, session, tokens=None):
        return ApiClient(base_url, session, tokens=tokens, retry=patient if mode == "queue" else RetryPolicy())

    session = SessionService(None, api_factory=api_factory).sign_in(url, email, password, remember=False)
    if mode == "fuzz":
        _fuzz(session, argv[4], int(argv[5]))
    elif mode == "queue":
        teen_id = argv[4]
        session.family.refresh_teens()
        session.sync.refresh_controls(teen_id)
        for edit in EDITS:
            session.sync.queue_change(teen_id, **edit)
        print("QUEUED", flush=True)
        session.sync.send_pending()
    else:
        sent = session.sync.send_pending()
        states = [c.state for c in session.store.changes()]
        print(json.dumps({"sent": sent, "states": states, "integrity": session.store.integrity_ok()}), flush=True)
    session.close()


def _fuzz(session, teen_id: str, run: int) -> None:  # noqa: ANN001 - an AccountSession
    print(json.dumps({"integrity": session.store.integrity_ok()}), flush=True)
    session.sync.send_pending()  # what the last (killed) process left
    print("RESUMED", flush=True)
    session.family.refresh_teens()
    session.sync.refresh_controls(teen_id)
    for n in range(3):
        session.sync.queue_change(teen_id, keyword_filters=[f"run{run}-{n}"])
        print("QUEUED", flush=True)
        session.sync.send_pending()
        print("SENT", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
