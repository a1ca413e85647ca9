"""How a waiting poll takes events handed to it on PostgreSQL, where notifications from
different server processes may arrive in another order than their commits: only an unbroken
run of the account's numbers after its cursor counts (an account's numbers are dense), and an
event that came early waits for the one before it, so a client's cursor never steps over an
event committed earlier. A real Waiter on a real event loop, fed as the hub feeds it."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

from famguard.server.db import make_engine
from famguard.server.notify import Event, EventHub, Waiter


def _event(number: int) -> Event:
    return {"id": number, "type": "controls_changed", "teen_id": "t", "at": datetime.now(UTC), "data": {}}


def _taken(tmp_path: Path, deliveries: list[list[int]], after: int = 5) -> tuple[bool, list[int]]:
    """Whether the waiter woke, and the numbers its wait answered with."""
    engine = make_engine(f"sqlite:///{tmp_path / 'n.sqlite3'}")
    hub = EventHub(engine)

    async def scenario() -> tuple[bool, list[int]]:
        waiter = Waiter(hub, "account", after)
        for numbers in deliveries:
            waiter.deliver_numbered([_event(n) for n in numbers])
        woke = waiter._ready.done()
        return woke, [event["id"] for event in await waiter.wait(0.01)]

    try:
        return asyncio.run(scenario())
    finally:
        engine.dispose()


def test_an_event_that_comes_early_waits_for_the_one_before_it(tmp_path: Path) -> None:
    assert _taken(tmp_path, [[7]]) == (False, [])  # 6 is committed but not yet announced
    assert _taken(tmp_path, [[7], [6]]) == (True, [6, 7])
    assert _taken(tmp_path, [[8, 6], [7]]) == (True, [6, 7, 8])


def test_only_numbers_after_the_cursor_count_and_once(tmp_path: Path) -> None:
    assert _taken(tmp_path, [[4, 5, 6], [6], [7]]) == (True, [6, 7])
    assert _taken(tmp_path, [[6, 7], [9]]) == (True, [6, 7])  # 9 waits for 8
