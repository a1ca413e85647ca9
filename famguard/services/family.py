"""FamilyService: the guardian's family — teens, pairing, usage, time requests, activity.

Each read comes in two forms: `cached_*` answers at once from the local store (works offline),
`refresh_*` asks the server, updates the cache and returns the fresh value (raises ApiError);
of two answers to the same question the cache keeps the one asked last (`LastAskedWins`).
Every method blocks; call from a worker thread."""

from __future__ import annotations

import logging
from datetime import date
from typing import TYPE_CHECKING, NamedTuple

from famguard.domain.models import PairingStatus, TeenSummary, TimeRequest, UsageDay
from famguard.services.answers import LastAskedWins
from famguard.services.events import NoticeKind, Notifier
from famguard.store import AccountStore

if TYPE_CHECKING:  # the client imports requests (~100 ms): made on a worker when first needed
    from famguard.api import ApiClient
    from famguard.domain.models import ActivityEntry, GuardianLink, GuardianRequest, Pairing
    from famguard.domain.sync import NotApplied


log = logging.getLogger(__name__)

# Link entries read for "who manages the teen": every link a family could have had, and more.
LINK_ENTRIES = 200
ASKED_REQUESTS_KEY = "asked guardian requests"


class AskedRequests(NamedTuple):
    """This guardian's questions to join a teen's guardians: still `waiting`, and `ended` since
    the last look (each as the service has it now)."""

    waiting: list[Pairing]
    ended: list[Pairing]


def _pairing_wire(pairing: Pairing) -> dict[str, object]:
    """A pairing as the service sends it (what the cache keeps of this guardian's questions)."""
    teen = pairing.teen
    return {
        "id": pairing.id,
        "status": pairing.status.value,
        "expires_at": pairing.expires_at.isoformat() if pairing.expires_at else None,
        "guardian": {"display_name": pairing.guardian_name or ""},
        "teen": {"id": teen.id, "display_name": teen.display_name, "age": teen.age} if teen else None,
    }


class FamilyService:
    def __init__(self, api: ApiClient, store: AccountStore, notifier: Notifier | None = None) -> None:
        self.api = api
        self.store = store
        self.notifier = notifier or Notifier()
        self._answers = LastAskedWins()

    # --- teens -----------------------------------------------------------------------------

    def cached_teens(self) -> list[TeenSummary]:
        return self.store.teens()

    def refresh_teens(self) -> list[TeenSummary]:
        """The linked teens from the server (a later question's answer if one is cached already:
        a teen unlinked meanwhile must not come back from an older answer)."""
        asked = self._answers.ask()
        teens = self.api.teens()
        set_aside: list[int] = []
        if not self._answers.store("teens", asked, lambda: set_aside.append(self.store.replace_teens(teens))):
            return self.store.teens()
        self.notifier.notify(NoticeKind.TEENS)
        if any(set_aside):
            self.notifier.notify(NoticeKind.NOT_APPLIED)
        return teens

    def take_not_applied(self) -> list[NotApplied]:
        """This guardian's changes that were set aside because their teen is no longer linked,
        each given once (told, they are gone from the store)."""
        return self.store.take_not_applied()

    def unlink(self, teen_id: str) -> None:
        """End this guardian's link with the teen (the teen keeps their other guardians)."""
        self.api.unlink(teen_id)
        self.refresh_teens()

    # --- pairing ---------------------------------------------------------------------------

    def start_pairing(self) -> Pairing:
        """A new code (`code`, `pair_uri` for the QR code, `expires_at`) for the teen to enter."""
        return self.api.start_pairing()

    def poll_pairing(self, pairing_id: str) -> Pairing:
        """The pairing's state: waiting -> accepted (then `teen` says who) -> active."""
        return self.api.get_pairing(pairing_id)

    def confirm_pairing(self, pairing_id: str) -> Pairing:
        """The guardian checked the teen's name and age: link them; refreshes the teen list (a
        question to the teen's guardians instead: the list of this guardian's questions)."""
        pairing = self.api.confirm_pairing(pairing_id)
        self.refresh_teens()
        if pairing.status is PairingStatus.APPROVAL:
            self.notifier.notify(NoticeKind.PAIRING)
        return pairing

    def cancel_pairing(self, pairing_id: str) -> None:
        self.api.cancel_pairing(pairing_id)
        self.notifier.notify(NoticeKind.PAIRING)

    # --- this guardian's own questions to join a teen's guardians -----------------------------

    def cached_asked_requests(self) -> list[Pairing]:
        """This guardian's questions to join a teen's guardians, as the service last listed them."""
        import json

        from famguard.api.parsing import parse_pairing

        text = self.store.get_meta(ASKED_REQUESTS_KEY)
        return [parse_pairing(raw) for raw in json.loads(text)] if text else []

    def refresh_asked_requests(self) -> AskedRequests:
        """This guardian's questions still waiting (from the service, into the cache), and what
        became of each one listed last time and no longer waiting: approved (`active`), refused,
        expired or called off — also when that happened while the app was closed. A failure
        leaves the cache as it was, so an answer is told at the next look."""
        import json

        from famguard.api.errors import NotFound

        before = self.cached_asked_requests()
        waiting = self.api.my_guardian_requests()
        still = {pairing.id for pairing in waiting}
        ended = []
        for pairing in before:
            if pairing.id in still:
                continue
            try:
                ended.append(self.api.get_pairing(pairing.id))
            except NotFound:  # gone from the service altogether: nothing to tell
                log.info("An earlier request to join a teen's guardians is no longer known to the service")
        self.store.set_meta(ASKED_REQUESTS_KEY, json.dumps([_pairing_wire(p) for p in waiting]))
        return AskedRequests(waiting, ended)

    # --- other accounts asking to become guardians of a teen ---------------------------------

    def cached_guardian_requests(self, teen_id: str) -> list[GuardianRequest]:
        """Accounts waiting for this guardian's answer to join the teen, as the service last said."""
        import json

        from famguard.api.parsing import parse_guardian_request

        text = self.store.get_meta(f"guardian requests:{teen_id}")
        return [parse_guardian_request(raw, teen_id) for raw in json.loads(text)] if text else []

    def refresh_guardian_requests(self, teen_id: str) -> list[GuardianRequest]:
        """The teen's waiting guardian requests from the service, into the cache."""
        import json

        asked = self._answers.ask()
        requests = self.api.guardian_requests(teen_id)
        wire = [
            {
                "id": r.id,
                "guardian": {"id": r.guardian_id, "display_name": r.guardian_name},
                "asked_at": r.asked_at.isoformat(),
                "expires_at": r.expires_at.isoformat(),
            }
            for r in requests
        ]
        key = f"guardian requests:{teen_id}"
        if not self._answers.store(key, asked, lambda: self.store.set_meta(key, json.dumps(wire))):
            return self.cached_guardian_requests(teen_id)
        self.notifier.notify(NoticeKind.GUARDIAN_REQUESTS, teen_id)
        return requests

    def answer_guardian_request(self, request: GuardianRequest, approve: bool) -> Pairing:
        """Let the account in (it becomes a guardian of the teen) or say no. Raises Conflict
        ("pairing_not_open") when another guardian answered first, Gone when it expired; the
        cached requests are read again either way — at best effort: a failed read must not turn an
        answer the service took into "not sent" (the events bring the list soon after)."""
        from famguard.api.errors import ApiError  # loaded with the client that made `api`

        try:
            if approve:
                return self.api.approve_pairing(request.id)
            return self.api.refuse_pairing(request.id)
        finally:
            try:
                self.refresh_guardian_requests(request.teen_id)
            except ApiError as exc:
                log.info("Could not read the guardian requests again after an answer: %s", exc.message)

    # --- usage, time requests, activity ----------------------------------------------------

    def cached_usage(self, teen_id: str) -> list[UsageDay]:
        return self.store.usage(teen_id)

    def refresh_usage(self, teen_id: str, start: date | None = None, end: date | None = None) -> list[UsageDay]:
        """The teen's use per day from the server (the last days by default); a day a later
        question's answer has stored already keeps that newer figure."""
        asked = self._answers.ask()
        days = self.api.usage(teen_id, start, end)
        keys = [f"usage:{teen_id}:{day.date.isoformat()}" for day in days]
        fresh = self._answers.store_each(
            keys, asked, lambda indexes: self.store.replace_usage(teen_id, [days[i] for i in indexes])
        )
        if fresh:
            self.notifier.notify(NoticeKind.USAGE, teen_id)
        return days

    def cached_time_requests(self, teen_id: str) -> list[TimeRequest]:
        return self.store.time_requests(teen_id)

    def refresh_time_requests(self, teen_id: str) -> list[TimeRequest]:
        """The teen's time requests (a later question's answer if one is cached already: a request
        decided meanwhile must not show as waiting again)."""
        asked = self._answers.ask()
        requests = self.api.time_requests(teen_id)
        key = f"time requests:{teen_id}"
        if not self._answers.store(key, asked, lambda: self.store.replace_time_requests(teen_id, requests)):
            return self.store.time_requests(teen_id)
        self.notifier.notify(NoticeKind.TIME_REQUESTS, teen_id)
        return requests

    def decide_time_request(self, request: TimeRequest, approve: bool, minutes: int | None = None) -> TimeRequest:
        """Approve (adding `minutes`, default the minutes asked, to that day's limit) or deny.
        Raises Conflict (code "already_decided") when another guardian was first."""
        decided = self.api.decide_time_request(request.id, approve, minutes)
        self.refresh_time_requests(request.teen_id)
        return decided

    def cached_activity(self, teen_id: str, limit: int = 100) -> list[ActivityEntry]:
        return self.store.activity(teen_id, limit)

    def cached_guardians(self, teen_id: str) -> list[GuardianLink]:
        """Who manages the teen, as the service last said (oldest link first; [] before it said)."""
        import json

        from famguard.api.parsing import parse_guardian_link

        text = self.store.get_meta(f"guardians:{teen_id}")
        return [parse_guardian_link(raw) for raw in json.loads(text)] if text else []

    def refresh_guardians(self, teen_id: str) -> list[GuardianLink]:
        """The teen's guardians from the service, into the cache (what cached_guardians reads): a
        teen's own second account made a guardian shows there beside the guardian, by its account."""
        import json

        guardians = sorted(self.api.teen_guardians(teen_id), key=lambda g: g.linked_at)
        wire = [{"id": g.id, "display_name": g.display_name, "linked_at": g.linked_at.isoformat()} for g in guardians]
        self.store.set_meta(f"guardians:{teen_id}", json.dumps(wire))
        self.notifier.notify(NoticeKind.PHONE, teen_id)
        return guardians

    def cached_links(self, teen_id: str, limit: int = LINK_ENTRIES) -> list[ActivityEntry]:
        """The teen's link entries in the cached history, newest first: who manages them, however
        many changes came after (the newest entries alone lose the links after a few dozen)."""
        return self.store.activity_page(teen_id, kind="link", limit=limit)

    def refresh_links(self, teen_id: str) -> list[ActivityEntry]:
        """The teen's link entries from the service, into the cache (what cached_links reads)."""
        return self.refresh_activity(teen_id, LINK_ENTRIES, kind="link")

    def refresh_activity(self, teen_id: str, limit: int = 100, *, kind: str | None = None) -> list[ActivityEntry]:
        """The newest entries (of one `kind`, if given) from the service, into the cache."""
        entries = self.api.activity(teen_id, limit=limit, kind=kind)
        self.store.add_activity(entries)
        self.notifier.notify(NoticeKind.ACTIVITY, teen_id)
        return entries
