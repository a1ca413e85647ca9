"""Drives the selected teen's phone page: the delivery receipt ("on Maya's phone since 14:02"),
also given to the controls page for the line next to each saved setting; the temporary rules
(plan one with the domain's own checks first, end one or remove a planned one after asking, a
rule ending today announced once; the next planned one on the home too); and the "What Maya
sees" preview, built from the guardian's cache (the service's controls, without edits still
waiting to be sent, with the rule in force on top, the change log).
Reads the cache at once, asks the server on its own initiative (showing a teen, and when the
teen's day turns: a rule starts or ends then), and re-reads after each notice."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import partial
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import QTimer

from famguard.domain import teen_view
from famguard.domain.controls import Controls
from famguard.domain.errors import DomainValidationError, ErrorKind, kind_of, user_message
from famguard.domain.models import ActivityEntry, GuardianLink, PhoneStatus, TemporaryRule, TimeRequest, UsageDay
from famguard.domain.schedule import teen_today
from famguard.domain.teen_view import rule_changes
from famguard.domain.temporary import check_dates, in_force, parse_rule_controls, with_rule
from famguard.domain.today import today_of
from famguard.domain.values import short_day
from famguard.ui.dialogs import ask_without_blocking, safe_question
from famguard.ui.main_window import CONTROLS_PAGE, PHONE_PAGE
from famguard.ui.presenter import FailureHandler, Presenter
from famguard.ui.receipt_words import receipt_words
from famguard.ui.tasks import TaskRunner
from famguard.ui.teen_list_presenter import TeenListPresenter

if TYPE_CHECKING:
    from famguard.services import SyncEngine, TrustService
    from famguard.services.family import FamilyService
    from famguard.ui.home_trust import PhoneAndPlansSection
    from famguard.ui.main_window import MainWindow
    from famguard.ui.temporary_rules import RuleDialog
    from famguard.ui.trust_page import TrustPage


REWORD_MS = 30_000  # "since 14:02" and "has not checked in since" stay true as time passes


@dataclass(frozen=True)
class Cached:
    teen_id: str
    phone: PhoneStatus | None
    rules: list[TemporaryRule]
    base: Controls | None  # the service's (without unsent edits): what the phone applies
    activity: list[ActivityEntry]
    links: list[ActivityEntry]  # who manages the teen (the newest activity may not reach back to the links)
    usage: list[UsageDay] = field(default_factory=list)  # today's use and extra time, for the phone's line
    requests: list[TimeRequest] = field(default_factory=list)
    guardians: list[GuardianLink] = field(default_factory=list)  # as the service last said, by account


class TrustPresenter(Presenter):
    def __init__(
        self,
        window: MainWindow,
        tasks: TaskRunner,
        trust: TrustService,
        sync: SyncEngine,
        family: FamilyService,
        teens: TeenListPresenter,
        *,
        on_failure: FailureHandler | None = None,
    ) -> None:
        super().__init__(window, tasks, on_failure=on_failure)
        self.trust, self.sync, self.family, self.teens = trust, sync, family, teens
        self._page: TrustPage | None = None  # built when first shown: nothing to pay at sign-in
        self.cached: Cached | None = None
        self.dialog: RuleDialog | None = None  # the open one; tests reach it here
        self._announced: set[tuple[str, date]] = set()
        self._told_link_end: set[tuple[str, date | None]] = set()
        self.clock: Callable[[], datetime] = lambda: datetime.now(UTC)  # tests move it
        self._days: dict[str, date] = {}  # each teen's day when last worded
        # Rules asked about or on their way out: a second press of Remove (or End) on one asked a
        # second time about a rule being removed already.
        self._removing: set[str] = set()
        self._timer = QTimer(self)
        self._timer.setInterval(REWORD_MS)
        self._timer.timeout.connect(self._render)
        self._timer.start()
        self.track(self._home_section().plans_requested, self.plan)
        # The controls page says the receipt after each "saved": told when it is built, too.
        self.track(window.page_built, lambda name: self._render() if name == CONTROLS_PAGE else None)

    def close(self) -> None:
        self._timer.stop()
        if (page := self.window.controls_page) is not None:
            page.set_receipt("")
        super().close()

    @property
    def page(self) -> TrustPage:
        """The phone page, built and wired on first use."""
        if self._page is None:
            from famguard.ui.trust_page import TrustPage

            page = self._page = self.window.page(PHONE_PAGE, TrustPage)
            self.track(page.rules.plan_requested, self.plan)
            self.track(page.rules.remove_requested, self.end_rule)
            self.track(page.rules.remove_planned_requested, self.remove_planned_rule)
            self.track(page.rules.change_planned_requested, self.change_planned_rule)
            # The controls page itself: show_teen_page keeps whichever page is showing, so the
            # button did nothing (a support agent).
            self.track(page.controls_requested, lambda: self.window.show_page(CONTROLS_PAGE))
            self._render()
        return self._page

    def open_page(self) -> None:
        if self.teens.current is not None:
            self.page  # noqa: B018 - builds it
            self.window.show_page(PHONE_PAGE)

    # --- showing -------------------------------------------------------------------------------

    def show(self, teen_id: str) -> None:
        """The teen's cached receipt, rules and preview at once; then the server's."""
        if self.cached is not None and self.cached.teen_id != teen_id:
            self.cached = None  # another teen's: "Plan a temporary rule" must not open it for them
        self.reload(teen_id)
        # Each refresh notifies, and the notice re-reads the cache. A failure leaves the cached
        # words (an older service without these routes, a network hiccup): only a bug is reported.
        refreshes = (self.trust.refresh_phone, self.trust.refresh_rules, self.family.refresh_activity)
        for fn in (*refreshes, self.family.refresh_links, self.family.refresh_guardians):
            self.run(partial(fn, teen_id), on_error=self._keep_cached, name="refresh phone page")

    def _keep_cached(self, exc: BaseException) -> None:
        if kind_of(exc) is ErrorKind.BUG:
            self.tasks.error_reporter(exc)

    def reload(self, teen_id: str) -> None:
        """Something about the teen changed in the cache: re-read it if the teen is on screen."""
        if teen_id == self.teens.current:
            # One read at a time per teen: two reads finishing in the other order would leave the
            # older receipt on screen until the next notice.
            self.run_latest(
                ("phone page", teen_id), partial(self._load, teen_id), self._loaded, name="load phone and rules"
            )

    def _load(self, teen_id: str) -> Cached:
        # On a worker: the count from the domain, never from a Qt module (importing teen_view_widget
        # here made PySide create the `Qt` namespace's enums on this thread while the GUI thread
        # painted, and the app crashed at start: an outside tester, 2 starts in 5).
        from famguard.domain.teen_view import VIEW_ENTRIES

        # The service's controls, not the guardian's edits still waiting to be sent: the phone
        # has only what the service has (and a rule is checked against that).
        server = self.sync.cached_controls(teen_id)
        return Cached(
            teen_id,
            self.trust.cached_phone(teen_id),
            self.trust.cached_rules(teen_id),
            server[0] if server is not None else None,
            self.family.cached_activity(teen_id, VIEW_ENTRIES),
            self.family.cached_links(teen_id),
            self.family.cached_usage(teen_id),
            self.family.cached_time_requests(teen_id),
            self.family.cached_guardians(teen_id),
        )

    def _loaded(self, cached: Cached) -> None:
        if cached.teen_id != self.teens.current:
            return
        self.cached = cached
        self._render()

    def _render(self) -> None:
        cached = self.cached
        row = self.teens.row(cached.teen_id) if cached else None
        if cached is None or row is None or cached.teen_id != self.teens.current:
            return
        now = self.clock()
        today = self._today(cached, now)
        if self._days.setdefault(cached.teen_id, today) != today:
            # The teen's midnight: a rule may start or end, and with it what the phone must apply.
            # The service tells that only when asked; the receipt said "on Maya's phone" till then.
            # The usage days too: the chart's "(today)" is the teen's new day.
            self._days[cached.teen_id] = today
            for fn in (self.trust.refresh_phone, self.trust.refresh_rules, self.family.refresh_usage):
                self.run(partial(fn, cached.teen_id), on_error=self._keep_cached, name="refresh at the teen's midnight")
        if (controls_page := self.window.controls_page) is not None:
            receipt = receipt_words(row.name, cached.phone, now)
            controls_page.set_receipt(receipt.short, receipt.report)
        active = in_force(cached.rules, today)
        ends = cached.phone.link_ends_on if cached.phone else None
        guardian_notice = teen_view.link_end_notice(row.name, ends, today, for_teen=False) if ends else None
        if self._page is not None:
            self._render_page(self._page, cached, row.name, row.age, row.usage_text(), active, now)
        home = self._home_section()
        home.show_phone(cached.teen_id, row.name, cached.phone, now)
        rule_words = teen_view.rule_in_words(active, today, self.sync.me) if active is not None else None
        home.show_rule(cached.teen_id, rule_words)
        # "No temporary rule in force." was all the home said while one was planned.
        home.show_planned(cached.teen_id, planned_words(cached.rules, today, self.sync.me))
        home.show_guardians(cached.teen_id, guardians_words(cached.guardians, self.sync.me, cached.base, today))
        if guardian_notice and (cached.teen_id, ends) not in self._told_link_end:
            self._told_link_end.add((cached.teen_id, ends))
            self.window.show_notice(f"ⓘ {guardian_notice}")
        if active is not None and active.ends_on == today and (active.id, today) not in self._announced:
            self._announced.add((active.id, today))
            self.window.show_notice(
                f"◷ “{active.name}” ends today for {row.name}: the usual rules apply again tomorrow.",
                hide_after_ms=15000,
            )

    def _render_page(
        self,
        page: TrustPage,
        cached: Cached,
        name: str,
        age: int,
        usage: str,
        active: TemporaryRule | None,
        now: datetime,
    ) -> None:
        from famguard.ui.teen_view_widget import build_view, guardians_from_activity

        today = self._today(cached, now)
        page.show_teen(cached.teen_id, name)
        page.phone.show_status(name, cached.phone, now)
        page.rules.show_rules(cached.rules, today, self.sync.me)
        effective = cached.base
        if cached.base is not None and active is not None:
            effective = with_rule(cached.base, active.controls, age)
        if effective is not None:  # the phone's own line: locked now, or the time left (as the service counts)
            day = today_of(effective, cached.usage, cached.requests, now)
            local = now.astimezone(ZoneInfo(effective.timezone))
            usage = teen_view.status_words(effective, local, day.used_minutes or 0, day.limit_minutes)
        ends = cached.phone.link_ends_on if cached.phone else None
        teen_notice = teen_view.link_end_notice(name, ends, today, for_teen=True) if ends else None
        guardians = guardians_from_activity(cached.links)
        view = build_view(effective, guardians, cached.rules, cached.activity, today, status=usage,
                          notice=teen_notice or "", age=age)  # fmt: skip
        page.preview.show_view(view)
        guardian_notice = teen_view.link_end_notice(name, ends, today, for_teen=False) if ends else None
        page.show_link_end(guardian_notice or "")

    def refresh_guardians(self, teen_id: str) -> None:
        """Another account became the teen's guardian (a notice): ask the service who manages them."""
        if teen_id == self.teens.current:
            self.run(partial(self.family.refresh_guardians, teen_id), on_error=self._keep_cached, name="guardians")

    @staticmethod
    def _today(cached: Cached, now: datetime) -> date:
        timezone = cached.base.timezone if cached.base is not None else "UTC"
        return teen_today(timezone, now)

    # --- planning and ending rules -------------------------------------------------------------

    def _home_section(self) -> PhoneAndPlansSection:
        from famguard.ui.home_trust import PhoneAndPlansSection

        section = self.window.ensure_home_page().section(PhoneAndPlansSection)
        assert isinstance(section, PhoneAndPlansSection)
        return section

    def plan(self) -> None:
        self._open_rule_dialog(None)

    def change_planned_rule(self, rule_id: str) -> None:
        """ "Change…" on a rule that has not begun: the form with the rule in it."""
        cached = self.cached
        rule = next((r for r in cached.rules if r.id == rule_id), None) if cached is not None else None
        if cached is None or rule is None:
            return
        if rule.starts_on <= self._today(cached, self.clock()):
            # It began since the page was drawn (the teen's midnight): the service would refuse.
            self.window.show_notice(
                f"ℹ “{rule.name}” has begun: it can be ended early (“End now…”), and a new rule planned.",
                hide_after_ms=15000,
            )
            return
        self._open_rule_dialog(rule)

    def _open_rule_dialog(self, changing: TemporaryRule | None) -> None:
        cached = self.cached
        row = self.teens.row(cached.teen_id) if cached else None
        if cached is None or row is None or self.dialog is not None:
            return
        from famguard.ui.temporary_rules import RuleDialog

        today = self._today(cached, self.clock())
        dialog = RuleDialog(row.name, today, self.window)
        if changing is not None:
            dialog.take_rule(changing)
        # The other rules' days, struck through on the calendars: a rule may not overlap them.
        taken = [(r.starts_on, r.ends_on, r.name) for r in _other_rules(cached.rules, changing) if r.ends_on >= today]
        dialog.set_taken(taken)
        dialog.submitted.connect(partial(self._submitted, cached.teen_id, dialog))
        dialog.finished.connect(self._rule_dialog_closed)
        self.dialog = dialog
        dialog.open()

    def _rule_dialog_closed(self, _result: int) -> None:
        """The window has the keyboard again, where it was (the button that opened the dialog):
        given up through "Give up this rule?", the question and the dialog closed together and,
        now and then, no window was active — Tab and every shortcut did nothing (an outside
        tester, keyboard only, with a window manager)."""
        self.dialog = None
        self.window.return_focus()

    def _submitted(self, teen_id: str, dialog: RuleDialog, name: str, starts: date, ends: date, chosen: Any) -> None:  # noqa: ANN401 - the wire controls
        cached, row = self.cached, self.teens.row(teen_id)
        if cached is None or row is None or cached.teen_id != teen_id:
            dialog.give_up()
            return
        today = self._today(cached, self.clock())
        changing = dialog.changing
        others = [(r.starts_on, r.ends_on) for r in _other_rules(cached.rules, changing)]
        problems = check_dates(name, starts, ends, today, others)
        if cached.base is not None:  # the same checks the service makes, before asking it
            try:
                parse_rule_controls(chosen, cached.base, row.age)
            except DomainValidationError as exc:
                problems.update(exc.fields)
        if problems:
            dialog.show_problems(problems)
            return
        dialog.set_busy(True)

        def planned(rule: TemporaryRule) -> None:
            dialog.accept()
            done = "planned" if changing is None else "changed"
            if rule.starts_on <= today <= rule.ends_on:
                done += ", in force now,"  # "planned" read as later for a rule that starts today (a tester)
            self.window.show_notice(
                f"✓ “{rule.name}” {done} for {row.name}: {rule_changes(rule.controls)}.", hide_after_ms=10000
            )

        def refused(exc: BaseException) -> None:
            dialog.set_busy(False)
            from famguard.api import errors as api_errors  # loaded by the services already

            if isinstance(exc, api_errors.ValidationFailed) and exc.fields:
                dialog.show_problems(exc.fields)
            elif kind_of(exc) in (ErrorKind.REFUSED, ErrorKind.OFFLINE, ErrorKind.CONFLICT):
                dialog.show_problems({"": user_message(exc) or ""})
            else:
                self.failed(exc)

        if changing is None:
            asked = partial(self.trust.create_rule, teen_id, name, starts, ends, chosen)
        else:
            asked = partial(self.trust.change_rule, teen_id, changing.id, name, starts, ends, chosen)
        self.run(asked, planned, on_error=refused, name="plan a rule" if changing is None else "change a rule")

    def end_rule(self, rule_id: str, name: str) -> None:
        self._remove_when_asked(
            rule_id,
            "endRuleQuestion",
            "End the temporary rule?",
            "End “{name}” for {teen} now?",
            "The usual rules apply again at once, and everyone in the family sees it.",
            "&End the rule",
            name,
            task="end a rule",
            # As planning, changing and removing are told (ending was not: a parent trying the demo).
            done="✓ “{name}” ended for {teen}: the usual rules apply again.",
        )

    def remove_planned_rule(self, rule_id: str, name: str) -> None:
        """ "Remove…" on a rule that has not started: asked first, "Keep it" the default."""
        cached = self.cached
        if cached is None:
            return
        rule = next((r for r in cached.rules if r.id == rule_id), None)
        if rule is not None and rule.starts_on <= self._today(cached, self.clock()):
            self.end_rule(rule_id, name)  # it started since the page was drawn: it is ended, not removed
            return
        self._remove_when_asked(
            rule_id,
            "removePlannedRuleQuestion",
            "Remove the planned rule?",
            "Remove the planned rule “{name}” for {teen}?",
            "It will not start; everyone in the family sees that it was removed.",
            "&Remove the rule",
            name,
            task="remove a planned rule",
            done="✓ “{name}” removed for {teen}: it will not start.",
        )

    def _remove_when_asked(
        self,
        rule_id: str,
        object_name: str,
        title: str,
        text: str,
        informative: str,
        act: str,
        name: str,
        *,
        task: str,
        done: str,
    ) -> None:
        """Ask (`text` and `done` name the rule and the teen, as typed; "Keep it" the default),
        then remove the rule on the service — ended early or never started, its words say which."""
        cached = self.cached
        row = self.teens.row(cached.teen_id) if cached else None
        if cached is None or row is None:
            return
        if rule_id in self._removing:
            return
        self._removing.add(rule_id)
        teen_id, teen = cached.teen_id, row.name
        box, acting = safe_question(
            self.window, object_name, title, text.format(name=name, teen=teen), informative, act, "&Keep it"
        )

        def removed(_none: None) -> None:
            self._removing.discard(rule_id)
            self.window.show_notice(done.format(name=name, teen=teen), hide_after_ms=10000)

        def not_removed(exc: BaseException) -> None:
            self._removing.discard(rule_id)
            self.failed(exc)

        def answered(acted: bool) -> None:
            if acted:
                self.run(partial(self.trust.remove_rule, teen_id, rule_id), removed, on_error=not_removed, name=task)
            else:
                self._removing.discard(rule_id)

        self.question = ask_without_blocking(box, acting, answered)


def _other_rules(rules: list[TemporaryRule], changing: TemporaryRule | None) -> list[TemporaryRule]:
    """The teen's rules but the one being changed: those a rule planned or changed may not overlap."""
    return [r for r in rules if changing is None or r.id != changing.id]


def planned_words(rules: list[TemporaryRule], today: date, me: str | None) -> str:
    """ "Planned: Winter break, Mon 28 Dec – Tue 5 Jan 2027 (set by you)": the next rule that has
    not started on the teen's `today` (the year only when it is not this one), and how many more
    follow it; empty when none is planned."""
    planned = sorted((r for r in rules if r.starts_on > today), key=lambda r: r.starts_on)
    if not planned:
        return ""
    rule = planned[0]
    first, last = rule.starts_on, rule.ends_on
    if first == last:
        days = short_day(first, today)
    else:  # one year for both days when they share it: "Mon 4 Jan – Tue 5 Jan 2027"
        days = f"{short_day(first, today) if first.year != last.year else short_day(first)} – {short_day(last, today)}"
    who = "you" if me is not None and rule.created_by_id == me else rule.created_by
    more = len(planned) - 1
    after = f"; {more} more planned after it" if more else ""
    return f"Planned: {rule.name}, {days} (set by {who}){after}"


def guardians_words(guardians: list[GuardianLink], me: str | None, controls: Controls | None, today: date) -> str:
    """ "Guardians: you (since Saturday 14 November), Jordan Morgan (since today)" — by account,
    so that another account with this guardian's name reads as the other account it is (a teen's
    own second account can be made a guardian). Dates are the teen's days. Empty before the
    service has said."""
    if not guardians:
        return ""
    zone = ZoneInfo(controls.timezone) if controls is not None else UTC
    parts = []
    for guardian in guardians:
        day = guardian.linked_at.astimezone(zone).date()
        since = "today" if day == today else teen_view.day_in_words(day)
        who = "you" if guardian.id == me else guardian.display_name
        parts.append(f"{who} (since {since})")
    return "Guardians: " + ", ".join(parts)
