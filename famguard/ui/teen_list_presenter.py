"""Drives the side list of linked teens: who is linked (cached first, then the server), each
teen's use today against today's limit and pending requests (worked out by the home presenter,
`show_today`), the one sync mark per teen, which teen is selected, and unlinking one (the safe
answer is the default; the focus returns to the list)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from functools import partial
from typing import TYPE_CHECKING

from famguard.domain.models import TeenSummary, UsageDay
from famguard.domain.plain_text import listed
from famguard.domain.sync import NotApplied, SyncState, not_applied_words
from famguard.domain.today import TeenToday
from famguard.ui.presenter import FailureHandler, Presenter
from famguard.ui.tasks import TaskRunner
from famguard.ui.viewstate import TeenRow, TeenSync

if TYPE_CHECKING:  # the services pull in requests and sqlite3 (~100 ms): types only
    from famguard.services import FamilyService, SyncEngine
    from famguard.ui.main_window import MainWindow

NO_TEEN_TEXT = "No teen is linked yet. Choose “Add a teen” to link your teen's account."
# After the last teen shown here went: "yet" read as if there had never been one (an outside tester).
NO_TEEN_NOW_TEXT = "No teen is linked to you now. Choose “Add a teen” to link a teen's account."
# Before the service has answered, an empty list means only that none is stored here yet.
ASKING_TEXT = "Looking for your linked teens…"
NOT_ASKED_TEXT = "No linked teen is stored on this computer yet. FamGuard looks again when the service answers."
# Under the empty list, beside the page that says the above in full: a few words, not the same sentence twice.
SHORT_EMPTY_TEXT = {True: "No teens linked yet.", False: "None stored here yet.", None: "Looking…"}
CachedFamily = tuple[list[TeenSummary], dict[str, list[UsageDay]]]


class TeenListPresenter(Presenter):
    """`on_select(teen_id)` runs when the guardian selects a teen (the other screens follow)."""

    def __init__(
        self,
        window: MainWindow,
        tasks: TaskRunner,
        family: FamilyService,
        sync: SyncEngine,
        *,
        on_select: Callable[[str], None],
        on_gone: Callable[[str, str, bool], None] = lambda _id, _name, _by_me: None,
        on_back: Callable[[str], None] = lambda _id: None,
        on_failure: FailureHandler | None = None,
    ) -> None:
        super().__init__(window, tasks, on_failure=on_failure)
        self.family = family
        self.sync = sync
        self.on_select = on_select
        self.on_gone = on_gone  # (teen id, name, unlinked here) of a teen no longer linked
        self.on_back = on_back  # (teen id) of such a teen linked again
        self._unlinked_here: set[str] = set()
        # The notice that a teen is no longer linked, by teen: withdrawn when they are linked again
        # (it stayed under the page while the teen was back in the list, linked).
        self._gone_notices: dict[str, str] = {}
        # Changes not applied because their teen went, told under that notice ("✗ Your change to
        # Maya's controls was not applied…"): kept while the notice bar still shows them.
        self._not_applied_told: list[tuple[str, list[NotApplied]]] = []  # (line, its changes)
        self.rows: dict[str, TeenRow] = {}
        self.current: str | None = None
        self.online = True  # set by the family presenter from the sync status
        # What the service said of who is linked: None while not asked or asking, True once it
        # answered, False when asking failed. Until it answers, "no teen" is not said.
        self._service_answered: bool | None = None
        self._asked: list[str] = []  # teens this guardian asked to join, waiting for an answer
        self._select_when_listed: str | None = None  # a teen just paired, selected once the list has them
        self._answers_shown = 0  # the service's answers shown: a read of the cache begun before one is older
        self._fetch_new_usage = False  # a reload asked for the use of teens not shown before
        self.track(window.teen_list.teen_selected, self.select)

    def row(self, teen_id: str) -> TeenRow | None:
        return self.rows.get(teen_id)

    def select(self, teen_id: str) -> None:
        self.current = teen_id
        if teen_id in self.rows:
            self.on_select(teen_id)

    # --- who is linked -----------------------------------------------------------------------

    @property
    def service_answered(self) -> bool:
        """The service has answered who is linked (since this family was opened)."""
        return self._service_answered is True

    def select_when_listed(self, teen_id: str) -> None:
        """Select this teen as soon as the list shows them (a teen just paired, on the next answer)."""
        self._select_when_listed = teen_id
        self._select_waiting()

    def _select_waiting(self) -> None:
        """Select the teen waiting to be, once the list has them."""
        teen_id = self._select_when_listed
        if teen_id is not None and teen_id in self.rows:
            self._select_when_listed = None
            self.window.teen_list.select(teen_id)

    def refresh(self) -> None:
        """Ask the server who is linked (and then each teen's use today)."""
        self.run_once(("teens", None), self.family.refresh_teens, self._answered, on_error=self._not_answered)

    def _answered(self, teens: list[TeenSummary]) -> None:
        self._service_answered = True
        self._answers_shown += 1
        self._show(teens)

    def _not_answered(self, exc: BaseException) -> None:
        if not self._service_answered:
            self._service_answered = False
            if not self.rows:
                self._show_empty()
        self.failed(exc)

    def set_asked(self, teen_names: list[str]) -> None:
        """The teens this guardian asked to join as a guardian, waiting for their guardians'
        answer ("Waiting for approval"): an empty family says so, not only "Add a teen"."""
        if teen_names != self._asked:
            self._asked = list(teen_names)
            if not self.rows and self._service_answered is not None:
                self._show_empty()

    def _show_empty(self) -> None:
        text = {True: NO_TEEN_TEXT, False: NOT_ASKED_TEXT, None: ASKING_TEXT}[self._service_answered]
        short = SHORT_EMPTY_TEXT[self._service_answered]
        gone_now = bool(self._gone_notices) and bool(self._service_answered)  # teens shown here went
        if gone_now:
            text, short = NO_TEEN_NOW_TEXT, "No teens linked now."
        if self._asked:
            one = len(self._asked) == 1
            names = listed(self._asked)
            them, whose = (names, f"{names}'s") if one else ("them", "their")
            if self._service_answered:  # not "Add a teen": a teen was added, and waits for a yes
                text = "No teen is linked to you now." if gone_now else "No teen is linked yet."
            text += (
                f" Your {'request' if one else 'requests'} to become a guardian of {names} "
                f"{'waits' if one else 'wait'} for an answer (“Waiting for approval”, on the left): FamGuard "
                f"shows {them} here once one of {whose} guardians approves."
            )
        self.window.show_no_teen(text)
        self.window.teen_list.set_empty_text(short)

    def reload(self, *, fetch_new: bool) -> None:
        """Show the cached teens and their cached use today; with `fetch_new`, ask the server for
        the use of a teen not shown before (a teen just linked elsewhere)."""
        family = self.family
        self._fetch_new_usage = self._fetch_new_usage or fetch_new

        def cached() -> tuple[int, CachedFamily]:
            answers = self._answers_shown  # before reading: an answer shown after this may be newer
            teens = family.cached_teens()
            return answers, (teens, {t.id: family.cached_usage(t.id) for t in teens})

        def shown(result: tuple[int, CachedFamily]) -> None:
            answers, (teens, usage) = result
            if answers != self._answers_shown:
                # Begun before the service's answer now on screen, so maybe older than it: shown,
                # the cache as it was before the first sign-in's answer unlinked the teen just
                # listed ("Maya is no longer linked"). The cache is read again instead.
                self.reload(fetch_new=False)
                return
            before = set(self.rows)
            fetch_new, self._fetch_new_usage = self._fetch_new_usage, False
            self._show(teens, fetch_usage=False)
            for teen_id in usage:
                if fetch_new and teen_id not in before:
                    self.refresh_usage(teen_id)

        # One read at a time (and one more after it): two finishing in the other order left the
        # older list on screen.
        self.run_latest(("cached teens", None), cached, shown, name="cached teens")

    # --- changes not applied because their teen went -----------------------------------------

    def tell_not_applied(self) -> None:
        """Tell the guardian's changes set aside because their teen is no longer linked (each
        once: taking them empties the store's list)."""
        self.run_latest(("not applied", None), self.family.take_not_applied, self._told_not_applied, name="not applied")

    def _told_not_applied(self, changes: list[NotApplied]) -> None:
        if not changes:
            return
        standing = self.window.standing_notice() or ""
        gone = next((words for words in self._gone_notices.values() if standing.startswith(words)), None)
        self._show_with_not_applied(gone, changes)

    def _show_with_not_applied(self, gone_words: str | None, changes: list[NotApplied] | None = None) -> None:
        """The notice bar with a teen's going (if any) and, under it, the changes not applied
        still shown: one did not hide the other, whichever came first. Changes told later join
        those still shown, in one line: a change on its way as the teen went, told after its
        refusal, made a second "Your change to Maya's controls was not applied" under the first."""
        standing = self.window.standing_notice() or ""
        self._not_applied_told = [(line, told) for line, told in self._not_applied_told if line in standing]
        if changes:
            joined = [change for _line, told in self._not_applied_told for change in told] + changes
            title, text = not_applied_words(joined)
            self._not_applied_told = [(f"✗ {title}. {text}", joined)]
        lines = [line for line, _told in self._not_applied_told]
        self.window.show_notice("\n".join([gone_words, *lines] if gone_words else lines))

    def _withdraw_gone(self, words: str) -> None:
        """The notice that a teen went is withdrawn (linked again); what was not applied stays."""
        standing = self.window.standing_notice()
        if standing is None or not standing.startswith(words):
            return
        rest = standing[len(words) :].lstrip("\n")
        if rest:
            self.window.show_notice(rest)
        else:
            self.window.withdraw_notice(words)

    def _show(self, teens: list[TeenSummary], *, fetch_usage: bool = True) -> None:
        gone = [row for teen_id, row in self.rows.items() if teen_id not in {t.id for t in teens}]
        rows = []
        for teen in teens:
            old = self.rows.get(teen.id)
            row = TeenRow(teen.id, teen.display_name, teen.age)
            if old is not None:
                row = replace(old, name=teen.display_name, age=teen.age)
            rows.append(row)
        self.rows = {row.teen_id: row for row in rows}
        self.window.teen_list.set_teens(rows)
        self._select_waiting()
        for teen in teens:  # linked again: that they were not is no longer so
            if teen.id in self._gone_notices:
                self._withdraw_gone(self._gone_notices.pop(teen.id))
                self.on_back(teen.id)
        if gone:
            # One notice for all who went together: one each, the last hid the others (two teens
            # unlinked at once read "Sam is no longer linked" alone: an outside tester).
            names = listed([row.name for row in gone])
            linked = "is" if len(gone) == 1 else "are"
            words = f"ℹ {names} {linked} no longer linked to you, so their controls were removed here."
            self._show_with_not_applied(words)
            for row in gone:
                self._gone_notices[row.teen_id] = words
                self.on_gone(row.teen_id, row.name, row.teen_id in self._unlinked_here)
        if not rows:
            self.current = None
            self._show_empty()
        if fetch_usage:
            for row in rows:  # each asked on a later turn: starting 50 tasks at once took ~10 ms
                self.tasks.soon(partial(self._refresh_usage_if_open, row.teen_id))

    def unlink(self, teen_id: str) -> None:
        from famguard.ui.dialogs import confirm_unlink

        row = self.rows.get(teen_id)
        if row is None:
            return
        if not confirm_unlink(self.window, row.name):
            self.window.return_focus(self.window.ensure_controls_page().unlink_button)
            return

        self._unlinked_here.add(teen_id)

        def unlinked(_result: None) -> None:
            self.reload(fetch_new=False)
            self.window.return_focus(self.window.teen_list.list)  # the page it was on is gone

        self.run(partial(self.family.unlink, teen_id), unlinked, name="unlink")

    # --- use today -----------------------------------------------------------------------------

    def refresh_usage(self, teen_id: str) -> None:
        # The fetched days go into the store; its notice makes the home presenter work out today
        # from them, with the limit as it is now (not as the usage report saw it).
        self.run_once(("usage", teen_id), partial(self.family.refresh_usage, teen_id), lambda _days: None)

    def _refresh_usage_if_open(self, teen_id: str) -> None:
        if not self.closed and teen_id in self.rows:
            self.refresh_usage(teen_id)

    def show_today(self, teen_id: str, today: TeenToday) -> None:
        row = self.rows.get(teen_id)
        if row is None:
            return
        row = replace(
            row, used_minutes=today.used_minutes, limit_minutes=today.limit_minutes, pending=len(today.pending)
        )
        if row != self.rows[teen_id]:
            self.rows[teen_id] = row
            self.window.teen_list.update_teen(row)

    # --- the one sync mark per teen ------------------------------------------------------------

    def update_sync(self, teen_id: str) -> None:
        self.run_latest(("sync", teen_id), partial(self._teen_sync, teen_id), partial(self._show_sync, teen_id),
                        name="teen sync")  # fmt: skip

    def _teen_sync(self, teen_id: str) -> TeenSync:
        """On a worker: the mark summarising all of this teen's settings."""
        states = {s.state for s in self.sync.field_states(teen_id).values()}
        if states & {SyncState.CONFLICT, SyncState.REJECTED}:
            return TeenSync.ATTENTION
        if states & {SyncState.PENDING, SyncState.SENDING}:
            return TeenSync.SYNCING if self.online else TeenSync.QUEUED
        return TeenSync.UP_TO_DATE

    def _show_sync(self, teen_id: str, sync: TeenSync) -> None:
        row = self.rows.get(teen_id)
        if row is not None and row.sync != sync:
            self.rows[teen_id] = replace(row, sync=sync)
            self.window.teen_list.update_teen(self.rows[teen_id])
