"""TrustService: for the guardian, the teen phone's delivery receipt ("on Maya's phone since
14:02") and the teen's temporary rules. Like FamilyService, `cached_*` answers from the local
store at once (offline too) and `refresh_*` asks the server, updates the cache, notifies and
returns the fresh value. Every method blocks; call from a worker thread.

The phone page opening and the sync engine often ask for the receipt at once; the cache keeps the
answer to the question asked last (`LastAskedWins`)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

from famguard.services.answers import LastAskedWins
from famguard.services.events import NoticeKind, Notifier
from famguard.store import AccountStore
from famguard.store.codec import phone_from_json, phone_to_json, rules_from_json, rules_to_json
from famguard.store.db import phone_key, rules_key

if TYPE_CHECKING:  # the client imports requests (~100 ms): made on a worker when first needed
    from famguard.api import ApiClient
    from famguard.domain.models import PhoneStatus, TemporaryRule


class TrustService:
    def __init__(self, api: ApiClient, store: AccountStore, notifier: Notifier) -> None:
        self.api = api
        self.store = store
        self.notifier = notifier
        self._answers = LastAskedWins()

    # --- the phone's receipt -----------------------------------------------------------------

    def cached_phone(self, teen_id: str) -> PhoneStatus | None:
        text = self.store.get_meta(phone_key(teen_id))
        return phone_from_json(text) if text else None

    def refresh_phone(self, teen_id: str) -> PhoneStatus:
        """The phone's receipt from the server; if a later question's answer is already cached,
        that newer one."""
        asked = self._answers.ask()
        status = self.api.phone_status(teen_id)
        key = phone_key(teen_id)
        if not self._answers.store(key, asked, lambda: self.store.set_meta(key, phone_to_json(status))):
            return self.cached_phone(teen_id) or status
        self.notifier.notify(NoticeKind.PHONE, teen_id)
        return status

    # --- temporary rules ---------------------------------------------------------------------

    def cached_rules(self, teen_id: str) -> list[TemporaryRule]:
        text = self.store.get_meta(rules_key(teen_id))
        # No rule ("[]", the usual case) is answered without the rule model: the home reads the
        # rules before a returning guardian's family is first painted, and that model is not needed then.
        return rules_from_json(text) if text and text != "[]" else []

    def refresh_rules(self, teen_id: str) -> list[TemporaryRule]:
        """The teen's temporary rules from the server; if a later question's answer is already
        cached, that newer one."""
        asked = self._answers.ask()
        rules = self.api.temporary_rules(teen_id)
        key = rules_key(teen_id)
        if not self._answers.store(key, asked, lambda: self.store.set_meta(key, rules_to_json(rules))):
            return self.cached_rules(teen_id)
        self.notifier.notify(NoticeKind.RULES, teen_id)
        return rules

    def create_rule(
        self, teen_id: str, name: str, starts_on: date, ends_on: date, controls: Mapping[str, Any]
    ) -> TemporaryRule:
        """Plan a rule (`controls` in wire form). Raises ValidationFailed naming each field."""
        rule = self.api.create_temporary_rule(teen_id, name, starts_on, ends_on, controls)
        self.refresh_rules(teen_id)
        return rule

    def change_rule(
        self, teen_id: str, rule_id: str, name: str, starts_on: date, ends_on: date, controls: Mapping[str, Any]
    ) -> TemporaryRule:
        """Change a rule not begun yet (`controls` in wire form). Raises ValidationFailed naming
        each field, or Conflict when it has begun or ended meanwhile."""
        rule = self.api.change_temporary_rule(teen_id, rule_id, name, starts_on, ends_on, controls)
        self.refresh_rules(teen_id)
        return rule

    def remove_rule(self, teen_id: str, rule_id: str) -> None:
        self.api.remove_temporary_rule(teen_id, rule_id)
        self.refresh_rules(teen_id)
