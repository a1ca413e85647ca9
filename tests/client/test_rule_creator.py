"""Who set a temporary rule, told by account: the service sends the planner's account with their
name, the guardian's store keeps it across a restart, and a store written before it was kept still
reads (the rule then says the name). The home says "set by you" from it (tests/ui/test_trust.py).

Real parts: the reference server on loopback, a real SQLite store reopened from its file."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

from famguard.services.events import Notifier
from famguard.services.trust import TrustService
from famguard.store import AccountStore
from famguard.store.db import rules_key
from tests.support.accounts import guardian, pair, teen


def test_the_planners_account_comes_with_the_rule_and_survives_a_restart(live_server: str, tmp_path: Path) -> None:
    alex, _ = guardian(live_server, "Alex")
    sam, _ = guardian(live_server, "Alex")  # another guardian with the same name
    maya = teen(live_server, "Maya", 14)
    teen_id = pair(alex, maya)
    today = date.today()
    alex.create_temporary_rule(teen_id, "Exams", today, today + timedelta(days=3), {"daily_limit_minutes": 30})

    path = tmp_path / "alex.sqlite3"
    fetched = TrustService(alex, AccountStore(path), Notifier()).refresh_rules(teen_id)
    alex_id, sam_id = alex.me().id, sam.me().id
    assert [(r.created_by, r.created_by_id) for r in fetched] == [("Alex", alex_id)]
    assert alex_id != sam_id

    reopened = TrustService(alex, AccountStore(path), Notifier()).cached_rules(teen_id)  # the next start
    assert [(r.name, r.created_by_id) for r in reopened] == [("Exams", alex_id)]


def test_rules_kept_by_an_older_version_still_read_with_the_planners_name(live_server: str, tmp_path: Path) -> None:
    alex, _ = guardian(live_server, "Alex")
    maya = teen(live_server, "Maya", 14)
    teen_id = pair(alex, maya)
    today = date.today()
    alex.create_temporary_rule(teen_id, "Exams", today, today + timedelta(days=3), {"daily_limit_minutes": 30})
    store = AccountStore(tmp_path / "alex.sqlite3")
    trust = TrustService(alex, store, Notifier())
    trust.refresh_rules(teen_id)
    key = rules_key(teen_id)
    kept = json.loads(store.get_meta(key) or "[]")
    assert [r["created_by_id"] for r in kept] == [alex.me().id]
    for rule in kept:
        del rule["created_by_id"]  # as the version before this one wrote them
    store.set_meta(key, json.dumps(kept))
    older = TrustService(alex, AccountStore(tmp_path / "alex.sqlite3"), Notifier()).cached_rules(teen_id)
    assert [(r.created_by, r.created_by_id) for r in older] == [("Alex", None)]
