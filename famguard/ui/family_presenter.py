"""Drives the family screen of one signed-in account by composing one presenter per thing a
parent looks at — the teen list, the selected teen's home and controls, time requests, the inbox,
pairing — and owning what they share: the sync engine's notices, the online/offline state and what a
failure means for the family as a whole.

The sync engine's notices arrive on its own threads; a queued Qt signal brings each to the GUI
thread, where one table (`_handlers`) says which presenter re-reads what. A notice always means
"the local store was updated": presenters re-read the cache then, and ask the server only on
their own initiative (start, selecting a teen, coming back online). So a notice that is already
waiting its turn (the TaskRunner hands GUI-thread work out a few milliseconds per event-loop
turn) makes a second one like it redundant: a sync of 50 teens sends ~200, many of them twice."""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal

from famguard.domain.errors import ErrorKind, kind_of
from famguard.domain.models import TeenSummary
from famguard.domain.plain_text import account_in_news, listed
from famguard.ui.home_presenter import HomePresenter, News
from famguard.ui.main_window import CONTROLS_PAGE, HISTORY_PAGE, HOME_PAGE, PHONE_PAGE, SCREEN_TIME_PAGE
from famguard.ui.presenter import Presenter, TeenScreen, show_failure
from famguard.ui.tasks import TaskRunner
from famguard.ui.teen_controls_presenter import TeenControlsPresenter
from famguard.ui.teen_list_presenter import TeenListPresenter
from famguard.ui.time_requests_presenter import TimeRequestsPresenter

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from famguard.domain.age_transition import (
        AgeTransition,  # the services pull in requests and sqlite3 (~100 ms): types only
    )
    from famguard.services import AccountSession, Notice, NoticeKind, SyncStatus
    from famguard.ui.agreement_presenter import AgreementPresenter
    from famguard.ui.alerts import Alerts
    from famguard.ui.asked_requests_presenter import AskedRequestsPresenter
    from famguard.ui.dialogs import ConflictDialog
    from famguard.ui.guardian_requests_presenter import GuardianRequestsPresenter
    from famguard.ui.history_presenter import HistoryPresenter
    from famguard.ui.inbox_presenter import InboxPresenter
    from famguard.ui.main_window import MainWindow
    from famguard.ui.pairing_presenter import PairingPresenter
    from famguard.ui.screen_time_presenter import ScreenTimePresenter
    from famguard.ui.trust_presenter import TrustPresenter
    from famguard.ui.viewstate import TeenRow

log = logging.getLogger(__name__)

RECHECK_MS = 2000  # after a screen's call could not reach the service, ask it again this much later


class _NoticeBridge(QObject):
    """The sync engine calls listeners on its own threads; this hands each notice to the GUI thread."""

    notice = Signal(object)


class FamilyPresenter(Presenter):
    def __init__(
        self,
        window: MainWindow,
        tasks: TaskRunner,
        session: AccountSession,
        *,
        account_label: str,
        on_signed_out: Callable[[], None] | None = None,
        alerts: Alerts | None = None,
    ) -> None:
        super().__init__(window, tasks)
        self.on_signed_out = on_signed_out  # the server ended the sign-in: the controller signs in again
        self.session = session
        self.alerts: Alerts | None = None  # the tray, when there is one (attach_alerts)
        self._online = True
        self._selected: str | None = None
        self._read: set[str] = set()  # teens whose today and requests were read once
        self._gone_untold: list[tuple[str, str]] = []  # (teen id, name) no longer linked, to tell at once
        fail = self.failed
        self.teen_list = TeenListPresenter(window, tasks, session.family, session.sync, on_select=self.select,
                                           on_gone=self._gone, on_back=self._back, on_failure=fail)  # fmt: skip
        self.controls = TeenControlsPresenter(window, tasks, session.sync, session.family, self.teen_list,
                                              on_status=self._show_status, my_name=session.account.display_name,
                                              on_failure=fail)  # fmt: skip
        self.requests = TimeRequestsPresenter(window, tasks, session.family, self.teen_list,
                                              on_decided=self.teen_list.refresh_usage, on_failure=fail,
                                              my_name=session.account.display_name)  # fmt: skip
        self.home = HomePresenter(window, tasks, session.sync, session.family, self.teen_list, on_news=self._news,
                                  on_pending=self._pending_changed, on_settled=self._settled,
                                  asked=self.controls.asked,
                                  edits_made=self.controls.edits_made, edits_queued=self.controls.edits_queued,
                                  on_failure=fail, my_name=session.account.display_name)  # fmt: skip
        # What the guardian opens from here (a page, the pairing wizard, the inbox, the agreement)
        # has its presenter made, and its module imported, on first use (the properties below); the
        # phone receipts and plans of the home just after the family is on screen (`build_rest`).
        # Importing and making them all first cost a returning guardian's start ~30 ms of CPU
        # before the family showed (tests/benchmarks/bench_startup.py). One made late shows the
        # selected teen from the cache at once, so the notices that came before it change nothing
        # it shows.
        self._inbox: InboxPresenter | None = None
        self._pairing: PairingPresenter | None = None
        self._screen_time: ScreenTimePresenter | None = None
        self._history: HistoryPresenter | None = None
        self._agreement: AgreementPresenter | None = None
        self._trust: TrustPresenter | None = None
        self._guardian_requests: GuardianRequestsPresenter | None = None
        self._asked: AskedRequestsPresenter | None = None  # this guardian's own questions to join a teen
        self._handlers = self._notice_handlers()
        self._bridge = _NoticeBridge(self)
        self._bridge.notice.connect(self._queue_notice)
        self._waiting: set[tuple[NoticeKind, str | None]] = set()  # notices queued, not handled yet
        self._listener = self._bridge.notice.emit  # called on engine threads; emit is thread-safe
        session.sync.add_listener(self._listener)
        self.when_built(CONTROLS_PAGE, self._wire_controls_page)
        self.track(window.offline_banner.retry_requested, self._retry_now)
        self.track(window.add_teen_requested, lambda: self.pairing.open())
        self.track(window.page_requested, self.show_page)
        self.track(window.page_built, self._page_built)
        # A page built for an earlier family (the demo reset, a sign-out and in again) gets this
        # family's presenter now: made only at a page's first building, it never was, and the page
        # went on showing the old family, its filters and "Undo this change" wired to nothing.
        for name in (SCREEN_TIME_PAGE, HISTORY_PAGE):
            if window.built_page(name) is not None:
                self._page_built(name)
        self.track(window.agreement_requested, lambda: self.agreement.open())
        self.track(window.inbox_requested, lambda: self.inbox.open())
        self.track(window.teen_list.inbox_requested, lambda: self.inbox.open())
        if alerts is not None:
            self.attach_alerts(alerts)
        window.set_account(account_label, session.server_url)
        window.show_family()

    def attach_alerts(self, alerts: Alerts) -> None:
        """The tray and notifications (made after a family shown from the store is on screen)."""
        self.alerts = alerts
        self.track(alerts.inbox_requested, lambda: self.inbox.open())
        alerts.set_pending([request.id for _name, request in self.home.pending()])

    # --- presenters made on first use --------------------------------------------------------------

    @property
    def screens(self) -> tuple[TeenScreen, ...]:
        """The screens of one teen made so far, in the order they are shown when the guardian
        selects a teen. A new one: its view registered in MainWindow._register_pages, its presenter
        here (and in the notice table if a notice should make it re-read the cache)."""
        made = (self._screen_time, self._history, self._trust, self._guardian_requests)
        return (self.home, self.controls, self.requests, *(screen for screen in made if screen is not None))

    def build_rest(self) -> None:
        """Make what the home needs beyond the teen's today (called once the family is on screen)."""
        self.trust  # noqa: B018 - makes it
        self.guardian_requests  # noqa: B018 - makes it
        self.asked_requests  # noqa: B018 - makes it

    def _page_built(self, name: str) -> None:
        """A page shown for the first time: its presenter is made now, and wires and fills it."""
        if name == SCREEN_TIME_PAGE:
            self.screen_time  # noqa: B018
        elif name == HISTORY_PAGE:
            self.history  # noqa: B018
        elif name == PHONE_PAGE:
            self.trust  # noqa: B018

    @property
    def screen_time(self) -> ScreenTimePresenter:
        if self._screen_time is None:
            from famguard.ui.screen_time_presenter import ScreenTimePresenter

            self._screen_time = ScreenTimePresenter(self.window, self.tasks, self.session.insight, self.teen_list,
                                                    on_failure=self.failed)  # fmt: skip
        return self._screen_time

    @property
    def history(self) -> HistoryPresenter:
        if self._history is None:
            from famguard.ui.history_presenter import HistoryPresenter

            self._history = HistoryPresenter(self.window, self.tasks, self.session.insight, self.teen_list,
                                             me=self.session.account.id, on_failure=self.failed)  # fmt: skip
        return self._history

    @property
    def trust(self) -> TrustPresenter:
        if self._trust is None:
            from famguard.ui.trust_presenter import TrustPresenter

            s = self.session
            trust = self._trust = TrustPresenter(self.window, self.tasks, s.trust, s.sync, s.family, self.teen_list,
                                                 on_failure=self.failed)  # fmt: skip
            if self.current:
                trust.show(self.current)
        return self._trust

    @property
    def guardian_requests(self) -> GuardianRequestsPresenter:
        if self._guardian_requests is None:
            from famguard.ui.guardian_requests_presenter import GuardianRequestsPresenter

            s = self.session
            made = self._guardian_requests = GuardianRequestsPresenter(
                self.window, self.tasks, s.family, self.teen_list, my_name=s.account.display_name,
                on_news=self._news, on_settled=self._settled, on_failure=self.failed)  # fmt: skip
            # The selected teen's questions are asked for now; another teen's when selected, or when
            # the events say one was asked (since this computer's cursor: also while it was off).
            # Asking for every teen at start cost the demo's first sync ~40 ms of CPU.
            if self.current:
                made.show(self.current)
        return self._guardian_requests

    @property
    def asked_requests(self) -> AskedRequestsPresenter:
        if self._asked is None:
            from famguard.ui.asked_requests_presenter import AskedRequestsPresenter

            self._asked = AskedRequestsPresenter(self.window, self.tasks, self.session.family, on_news=self._news,
                                                 on_waiting=self.teen_list.set_asked,
                                                 on_failure=self.failed)  # fmt: skip
            self._asked.start()
        return self._asked

    @property
    def agreement(self) -> AgreementPresenter:
        if self._agreement is None:
            from famguard.ui.agreement_presenter import AgreementPresenter

            s = self.session
            self._agreement = AgreementPresenter(self.window, self.tasks, s.sync, s.insight, self.teen_list,
                                                 guardian_name=s.account.display_name, me=s.account.id,
                                                 on_failure=self.failed)  # fmt: skip
        return self._agreement

    @property
    def pairing(self) -> PairingPresenter:
        if self._pairing is None:
            from famguard.ui.pairing_presenter import PairingPresenter

            self._pairing = PairingPresenter(self.window, self.tasks, self.session.family, on_linked=self._linked,
                                             linked_ids=lambda: set(self.teen_list.rows))  # fmt: skip
        return self._pairing

    @property
    def inbox(self) -> InboxPresenter:
        if self._inbox is None:
            from famguard.ui.inbox_presenter import InboxPresenter

            self._inbox = InboxPresenter(self.window, self.tasks, self.home, self.requests)
        return self._inbox

    def _wire_controls_page(self, page: QWidget) -> None:
        from famguard.ui.controls_page import ControlsPage

        assert isinstance(page, ControlsPage)
        self.track(page.unlink_requested, self.teen_list.unlink)
        self.track(page.safety_centre_requested, self.window.safety_centre_requested.emit)
        self.track(page.home_requested, lambda: self.window.show_page(HOME_PAGE))

    def _notice_handlers(self) -> dict[NoticeKind, Callable[[str | None], None]]:
        """Which presenter re-reads what after each notice."""
        from famguard.services import NoticeKind  # the services are loaded by now (they sent it)

        def for_teen(handler: Callable[[str], None]) -> Callable[[str | None], None]:
            return lambda teen_id: handler(teen_id) if teen_id else None

        # A presenter not made yet is left alone: it reads the cache when it is made.
        def teen_changed(teen_id: str) -> None:
            self.controls.reload(teen_id)
            self.teen_list.update_sync(teen_id)
            if self._history is not None:
                self._history.reload_controls(teen_id)
            trust_changed(teen_id)
            self.home.reload(teen_id)
            self._agreement_follows(teen_id)

        def usage_changed(teen_id: str) -> None:
            self.home.reload(teen_id)
            trust_changed(teen_id)  # "what Maya sees" says her time left
            if self._screen_time is not None:
                self._screen_time.reload(teen_id)

        def activity_changed(teen_id: str) -> None:
            if self._history is not None:
                self._history.reload(teen_id)
            trust_changed(teen_id)  # what the teen sees includes the change log

        def trust_changed(teen_id: str) -> None:
            if self._trust is not None:
                self._trust.reload(teen_id)

        def rules_changed(teen_id: str) -> None:
            self.home.reload(teen_id)  # today's limit and "the rules now" follow the rule in force
            self.controls.reload(teen_id)  # and the controls page's word on it
            trust_changed(teen_id)
            self._agreement_follows(teen_id)

        def guardian_requests_changed(teen_id: str) -> None:
            if self._guardian_requests is not None:
                self._guardian_requests.reload(teen_id)

        def pairing_changed() -> None:
            if self._pairing is not None:
                self._pairing.poll_now()
            if self._asked is not None:  # one of this guardian's questions may have been answered
                self._asked.refresh()

        return {
            NoticeKind.OUTBOX: for_teen(teen_changed),
            NoticeKind.CONTROLS: for_teen(teen_changed),
            NoticeKind.STATUS: lambda _t: self._reload_status(),
            NoticeKind.TEENS: lambda _t: self._teens_changed(),
            NoticeKind.USAGE: for_teen(usage_changed),
            NoticeKind.ACTIVITY: for_teen(activity_changed),
            NoticeKind.TIME_REQUESTS: for_teen(self.home.reload),
            NoticeKind.PAIRING: lambda _t: pairing_changed(),
            NoticeKind.SIGNED_OUT: lambda _t: self._signed_out(),
            NoticeKind.PHONE: for_teen(trust_changed),
            NoticeKind.RULES: for_teen(rules_changed),
            NoticeKind.GUARDIAN_JOINED: lambda _t: self._guardians_joined(),
            NoticeKind.GUARDIAN_LEFT: lambda _t: self._guardians_left(),
            NoticeKind.GUARDIAN_REQUESTS: for_teen(guardian_requests_changed),
            NoticeKind.NOT_APPLIED: lambda _t: self.teen_list.tell_not_applied(),
        }

    # --- what tests and the controller look at -------------------------------------------------

    @property
    def current(self) -> str | None:
        return self.teen_list.current

    @property
    def teens(self) -> dict[str, TeenRow]:
        return self.teen_list.rows

    @property
    def conflict_dialog(self) -> ConflictDialog | None:
        return self.controls.conflict_dialog

    # --- life cycle --------------------------------------------------------------------------

    def start(self, *, online: bool = True) -> None:
        """Show what is cached at once (all there is while offline), then ask the server and start
        syncing — with `online=False` only when `go_online` is called (the app shows a returning
        guardian's family from the store before the keyring and the network side come up)."""
        self.teen_list.reload(fetch_new=False)
        if online:
            self.go_online()

    def go_online(self) -> None:
        """Ask the server and start syncing."""
        self.build_rest()
        self.refresh_teens()
        self.teen_list.tell_not_applied()  # set aside but not told yet (the app ended before)
        self.asked_requests.refresh_soon()
        self.run(self.session.sync.start, name="start sync")
        self.run(self.session.family.cached_teens, self._read_every_teen, name="every teen's today")

    def close(self) -> None:
        """Disconnect from the window and the engine (sign-out, reset, exit)."""
        self.session.sync.remove_listener(self._listener)
        for made in (self._pairing, self._agreement, self._inbox, self._asked):
            if made is not None:
                made.close()
        if self.alerts is not None:
            self.alerts.set_pending(())
        # No count of this family's requests left behind: after a sign-out View said
        # "Requests inbox (1)" of a family no longer shown.
        self.window.inbox_action.setText("&Requests inbox")
        self.window.teen_list.set_inbox_count(0)
        for screen in self.screens:
            screen.close()
        self.teen_list.close()
        self.window.offline_banner.set_offline(False)
        super().close()

    def refresh_teens(self) -> None:
        self.teen_list.refresh()

    def _linked(self, teen_id: str, new: bool) -> None:
        """A pairing was confirmed: show the teen; a new teen's day starts in this computer's time
        zone (the service starts every teen in UTC), said in a notice and undoable like any change."""
        if teen_id:
            self.teen_list.select_when_listed(teen_id)
        self.refresh_teens()
        if not new or not teen_id:
            return
        sync = self.session.sync

        def my_zone_for_them() -> str | None:
            from famguard.domain.controls import DEFAULT_TIMEZONE
            from famguard.services.localzone import local_timezone

            zone = local_timezone()
            controls = sync.refresh_controls(teen_id)
            if zone is None or zone == DEFAULT_TIMEZONE or controls.timezone != DEFAULT_TIMEZONE:
                return None
            return zone

        def move(zone: str | None) -> None:
            if not zone:
                return
            # This guardian's own change (made for them), before it is queued: when it comes back
            # from the service the home must not call it "changed elsewhere".
            self.controls.asked_here(teen_id, "timezone", zone)

            def moved(_change: object) -> None:
                self.window.show_notice(f"ℹ The new teen's day follows your time zone, {zone}.", hide_after_ms=15000)

            self.run(lambda: sync.queue_change(teen_id, None, timezone=zone), moved, name="teen's time zone")

        self.run(my_zone_for_them, move, name="teen's time zone")

    def select(self, teen_id: str) -> None:
        """The guardian selected a teen: every screen of one teen follows; another teen opens on
        their home."""
        if teen_id != self._selected:
            self._selected = teen_id
            if self.window.current_page():
                # Arrowing through the teens keeps the keyboard in the list, so a screen reader
                # says each row: the focus jumped to the home's first button after one arrow.
                in_list = self.window.teen_list.list.hasFocus()
                self.window.show_page(HOME_PAGE, focus_first=not in_list)
                row = self.teen_list.row(teen_id)
                if not in_list and row is not None:
                    # Ctrl+PgDown from a page said nothing of whose page it now was: a screen reader
                    # user could change the wrong teen's settings (an outside tester).
                    from famguard.ui.common import announce

                    announce(self.window.teen_list.list, f"{row.name}, {row.age}: home")
        for screen in self.screens:
            screen.show(teen_id)
        self._ask_birthday(teen_id)

    def _ask_birthday(self, teen_id: str) -> None:
        # A birthday that changes the rules (16, 18) is told on the home as well as in the history.
        self.run(partial(self.session.insight.age_transition, teen_id), partial(self._birthday, teen_id))

    def _birthday(self, teen_id: str, transition: AgeTransition | None) -> None:
        from famguard.ui.home_trust import PhoneAndPlansSection

        if teen_id == self.current:
            section = self.window.ensure_home_page().section(PhoneAndPlansSection)
            assert isinstance(section, PhoneAndPlansSection)
            section.show_birthday(teen_id, transition)

    def show_page(self, name: str) -> None:
        """A page of the selected teen (View menu); without a teen there is nothing to show."""
        if name == PHONE_PAGE:
            self.trust.open_page()  # the phone page is wired when first opened
        elif self.current:
            self.window.show_page(name)

    def _teens_changed(self) -> None:
        self.teen_list.reload(fetch_new=True)
        if self._asked is not None and self._asked.waiting:  # an approval links the teen
            self._asked.refresh()
        if self.current:  # a birthday that happened (turned 16) leaves the previews
            self._ask_birthday(self.current)
            if self._history is not None:
                self._history.reload_controls(self.current)
        self.run(self.session.family.cached_teens, self._read_every_teen, name="every teen's today")

    def _read_every_teen(self, teens: list[TeenSummary]) -> None:
        """Each teen not read yet: their today from the store, and their requests from the server
        (the inbox and the badges are about all teens, not only the selected one). At the first
        sign-in on this computer also who asks to join each teen's guardians: a question asked
        before it comes with no event, and the selected teen's alone was asked for."""
        for teen in teens:
            if teen.id not in self._read:
                self._read.add(teen.id)
                self.home.reload(teen.id)
                self.requests.refresh(teen.id)
                if self.session.sync.first_follow and teen.id != self.current:
                    self.guardian_requests.refresh(teen.id)

    # --- what the guardian hears of -----------------------------------------------------------

    def _news(
        self, kind: str, title: str, text: str, about: str = "", symbol: str = "", *, in_window: bool = True
    ) -> None:
        if self.alerts is not None:
            self.alerts.notify(kind, title, text, about, symbol=symbol, in_window=in_window)

    def _settled(self, about: str) -> None:
        if self.alerts is not None:
            self.alerts.settled(about)

    def _pending_changed(self) -> None:
        pending = self.home.pending()
        self.window.inbox_action.setText(f"&Requests inbox ({len(pending)})")
        self.window.teen_list.set_inbox_count(len(pending))
        if self.alerts is not None:
            self.alerts.set_pending([request.id for _name, request in pending])
        if self._inbox is not None:
            self._inbox.refresh()

    def _agreement_follows(self, teen_id: str | None) -> None:
        """An open agreement follows the rules it lists and who signs it (one not made yet reads
        the store when it is)."""
        if self._agreement is not None:
            self._agreement.refresh(teen_id)

    def _guardians_joined(self) -> None:
        """Another account became a guardian of a teen: it can change the rules and answer
        requests, so every guardian hears of it. Said plainly when it carries this guardian's own
        name (a teen's second account made to look like the guardian)."""
        mine = self.session.account.display_name
        for teen_id, name in self.session.sync.take_joined():
            if self._trust is not None:
                self._trust.refresh_guardians(teen_id)  # the home's "Guardians:" line
            self._agreement_follows(teen_id)  # who signs it
            row = self.teen_list.row(teen_id)
            teen = row.name if row is not None else "your teen"
            who = account_in_news(name, mine)
            self._news(
                News.JOINED,
                f"{who} is now a guardian of {teen}",
                f"They can change {teen}'s rules and answer {teen}'s requests. If you do not know who this is, "
                f"ask {teen}; every change they make is in the change history.",
            )

    def _guardians_left(self) -> None:
        """Another guardian of a teen is no longer linked: they can no longer change the rules, and
        every guardian left hears of it (the "Guardians:" line follows from the store)."""
        for teen_id, name in self.session.sync.take_left():
            self._agreement_follows(teen_id)  # who signs it
            row = self.teen_list.row(teen_id)
            teen = row.name if row is not None else "your teen"
            who = account_in_news(name, self.session.account.display_name) if name else "Another guardian"
            self._news(
                News.UNLINKED,
                f"{who} is no longer a guardian of {teen}",
                f"They can no longer see or change {teen}'s rules. The change history keeps what they did.",
            )

    def _back(self, teen_id: str) -> None:
        """A teen no longer linked is linked again: the news that they were not goes."""
        self._settled(f"linked:{teen_id}")

    def _gone(self, teen_id: str, name: str, by_me: bool) -> None:
        self.home.forget(teen_id)
        if self._guardian_requests is not None:
            self._guardian_requests.section.forget(teen_id)
        if self._asked is not None and (about := self._asked.gone(teen_id)):
            self._settled(about)  # "You are now a guardian of Maya", kept in the notice bar: no longer so
        page = self.window.controls_page
        if page is not None and page.teen_id == teen_id:
            # Its Undo was still offered after the link ended, and again once the teen was linked
            # anew: a change of the earlier link, to be set over the new one (an outside tester).
            page.reset()
        self._read.discard(teen_id)
        if not by_me:
            # Told once for all who went in one read: told each, the last hid the others (two
            # teens gone together read "Sam is no longer linked" alone: an outside tester).
            self._gone_untold.append((teen_id, name))
            if len(self._gone_untold) == 1:  # on the next turn, after the others of this read
                QTimer.singleShot(0, self._tell_gone)

    def _tell_gone(self) -> None:
        gone, self._gone_untold = self._gone_untold, []
        if self.closed or not gone:
            return
        first_id, first_name = gone[0]
        whose = f"{first_name}'s" if len(gone) == 1 else "their"
        self._news(
            News.UNLINKED,
            f"{listed([name for _id, name in gone])} {'is' if len(gone) == 1 else 'are'} no longer linked",
            f"You can no longer see or set {whose} controls.",
            f"linked:{first_id}",  # goes when they are linked again
            # The notice bar says it already ("… no longer linked to you, so their controls were
            # removed here", with the changes not applied under it): shown there too, this news
            # covered that notice for its 20 s, the changes not applied with it.
            in_window=False,
        )

    # --- notices and status --------------------------------------------------------------------

    def _queue_notice(self, notice: Notice) -> None:
        key = (notice.kind, notice.teen_id)
        if key not in self._waiting:
            self._waiting.add(key)
            self.tasks.soon(partial(self._on_notice, notice))

    def _on_notice(self, notice: Notice) -> None:
        self._waiting.discard((notice.kind, notice.teen_id))
        if self.closed:
            return
        handler = self._handlers.get(notice.kind)
        if handler is not None:
            handler(notice.teen_id)

    def _reload_status(self) -> None:
        self.run(self.session.sync.status, self._show_status, name="sync status")

    def _signed_out(self) -> None:
        self.closed = True  # several threads may say so; act once
        if self.on_signed_out is not None:
            self.on_signed_out()

    def _show_status(self, status: SyncStatus) -> None:
        was_online, self._online = self._online, status.online
        self.teen_list.online = status.online
        problem = status.last_error if status.service_problem else None
        self.window.offline_banner.set_offline(not status.online, status.unsent, status.paused_until, problem)
        self.controls.set_offline(not status.online, service_problem=status.service_problem)
        if not was_online and status.online:
            self.refresh_teens()  # what failed while offline (the whole family after an offline start)
            if self.current:
                self.controls.reload(self.current)
                self.teen_list.update_sync(self.current)

    def failed(self, exc: BaseException) -> None:
        """A failure of any family screen's work: a teen gone meanwhile refreshes the list (which
        then says so); being offline is remembered for the sync marks; the rest as usual."""
        from famguard.api import errors as api_errors  # loaded by the services already; ~100 ms cold

        if isinstance(exc, api_errors.NotFound | api_errors.Forbidden):
            log.info("A teen is no longer reachable: %s", exc)
            self.refresh_teens()
            return
        if kind_of(exc) is ErrorKind.OFFLINE:
            self._online = False
            self.teen_list.online = False
            # The banner goes up at once; in a moment the service is asked, and the banner then
            # says what sync knows (it stayed up after a one-off failure while all else worked).
            QTimer.singleShot(RECHECK_MS, self._check_reachable)
        show_failure(self.window, self.tasks, exc)

    def _check_reachable(self) -> None:
        # One question at a time: several screens failing together each asked it again.
        if not self.closed:
            self.run_once(("reachable", None), self.session.sync.check_reachable, self._reachable_checked)

    def _reachable_checked(self, reached: bool) -> None:
        # Only the banner and the marks follow: the screens already reloaded what they need, and a
        # refresh from here would fail again, and ask again, for ever if one call alone fails.
        self._online = reached
        self._reload_status()

    def _retry_now(self) -> None:
        self.session.sync.wake()
        self.refresh_teens()
        self._check_reachable()
