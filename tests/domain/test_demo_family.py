"""The demo family's plan tells one story: each time request's entries in the change history are at
the request's own moments. The pending request read "asked at 22:19" on the home and in the inbox
and 22:18 in the history (found trying the demo as a new parent)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from famguard.domain.demo_family import make_demo_plan


@pytest.mark.parametrize(
    "now", [datetime(2026, 12, 5, 22, 19, 8, tzinfo=UTC), datetime(2026, 3, 29, 0, 30, tzinfo=UTC)]
)
def test_each_requests_history_entries_are_at_its_own_moments(now: datetime) -> None:
    plan = make_demo_plan(now)
    entries = [e for e in plan.history if e.kind == "time_request"]
    for request in plan.requests:
        asked = [e.at for e in entries if e.teen_id == request.teen_id and e.field == "requested"]
        assert request.created_at in asked
        if request.decided_at is not None:
            decided = [e.at for e in entries if e.teen_id == request.teen_id and e.field == request.status.value]
            assert decided == [request.decided_at]
    assert len(entries) == 3
