"""Drives the requests inbox: fills it with every teen's waiting requests (kept by the home
presenter, fresh from the events feed), sends the chosen answer for the selected requests through
the time-requests presenter, says what could not be answered, and puts the focus back on the list."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from famguard.domain.plain_text import listed
from famguard.domain.today import request_day_words, rest_of_day_minutes
from famguard.domain.values import format_minutes
from famguard.ui.home_presenter import HomePresenter
from famguard.ui.presenter import Presenter
from famguard.ui.tasks import TaskRunner
from famguard.ui.time_requests_presenter import Answer, TimeRequestsPresenter

if TYPE_CHECKING:
    from famguard.domain.models import TimeRequest
    from famguard.ui.inbox import InboxDialog  # the dialog's view: imported when first opened
    from famguard.ui.main_window import MainWindow

MOST_AMOUNTS_LISTED = 4  # a teen's amounts said one by one in the status; the rest counted


class InboxPresenter(Presenter):
    def __init__(
        self, window: MainWindow, tasks: TaskRunner, home: HomePresenter, requests: TimeRequestsPresenter
    ) -> None:
        super().__init__(window, tasks)
        self.home = home
        self.requests = requests
        self.dialog: InboxDialog | None = None

    def open(self) -> InboxDialog:
        if self.dialog is None:
            from famguard.ui.inbox import InboxDialog

            self.dialog = InboxDialog(self.window)
            self.track(self.dialog.answer_requested, self.answer)
            self.track(self.dialog.finished, lambda _r: self.window.return_focus())
        elif not self.dialog.isVisible():
            self.dialog.say("")  # "✓ 1 answered." of the last visit read as if the new request were
        self.refresh()
        self.dialog.show()
        self.dialog.raise_()
        self.dialog.activateWindow()
        self.dialog.focus_table()
        return self.dialog

    def refresh(self) -> None:
        """The waiting requests changed: show them again if the inbox is open."""
        if self.dialog is not None:
            today = self.home.today.items()
            self.dialog.show_requests(
                self.home.pending(), {t: day.day for t, day in today}, {t: day.timezone for t, day in today}
            )

    def answer(self, chosen: list[TimeRequest], minutes: int) -> None:
        dialog = self.dialog
        if dialog is None:
            return
        from famguard.ui.inbox import AS_ASKED, DENY, REST_OF_DAY  # loaded with the dialog

        answers: list[Answer] = []
        earlier: list[TimeRequest] = []  # the rest of today is no answer to a request of a day gone by
        for request in chosen:
            today = self.home.today.get(request.teen_id)
            if minutes == DENY:
                answers.append((request, False, None))
            elif minutes == AS_ASKED:
                answers.append((request, True, None))
            elif minutes == REST_OF_DAY and today is not None and request.date != today.day:
                earlier.append(request)
            elif minutes == REST_OF_DAY:
                answers.append((request, True, rest_of_day_minutes(self.home.timezone(request.teen_id), _now())))
            else:
                answers.append((request, True, minutes))
        count = len(answers)
        names = {request.id: name for name, request in self.home.pending()}
        dialog.say(f"Sending {count} answer{'s' if count > 1 else ''}…")
        skipped = [
            f"✗ Not answered: the request {request_day_words(r.date, self.home.today[r.teen_id].day)} — “Rest of "
            "the day” is today's, and an approval adds time only to the day asked for."
            for r in earlier
        ]

        # Given while time away locks the app, extra time changes nothing until it ends: said, as
        # the home says it beside the request (the inbox said only "✓ Allowed 15 min more for
        # Maya" while Maya stayed locked: an outside tester).
        locked = {}
        for request, approve, _minutes in answers:
            today = self.home.today.get(request.teen_id)
            if approve and today is not None and today.locked_until and request.date == today.day:
                locked[names.get(request.id, "")] = today.locked_until
        away = [
            f"ℹ {name}'s time away locks the app until {until}: extra time adds to today's limit and does not lift it."
            for name, until in locked.items()
        ]

        def done(problems: list[str]) -> None:
            if self.dialog is None:
                return
            self.dialog.set_sending(False)
            problems = skipped + problems
            self.dialog.say(" ".join(problems) if problems else " ".join([answered_words(answers, names), *away]))
            self.dialog.focus_table()

        dialog.set_sending(True)
        self.requests.decide_many(answers, done)

    def close(self) -> None:
        if self.dialog is not None:
            self.dialog.close()
            self.dialog.deleteLater()
            self.dialog = None
        super().close()


def _now() -> datetime:
    return datetime.now(UTC)


def answered_words(answers: list[Answer], names: dict[str, str]) -> str:
    """What was done, by name: "✓ Allowed 30 min more for Sam." or "✓ Denied Sam's request for
    30 min; Maya's request for 1 h 39 min." — "✓ 2 answered." said neither which nor how, after
    a bulk answer that denied two teens at once (an outside tester)."""
    # Said once per teen: six of Maya's requests denied read "Maya's request for 30 min" six times
    # over, and a teen's two allowed "45 min more for Leo; 30 min more for Leo" (outside testers).
    # Dicts keep the order they were answered in.
    allowed: dict[str, list[int]] = {}
    denied: dict[str, list[int]] = {}
    for request, approve, minutes in answers:
        who = names.get(request.id, "your teen")
        if approve:
            allowed.setdefault(who, []).append(request.minutes if minutes is None else minutes)
        else:
            denied.setdefault(who, []).append(request.minutes)
    allowed_words = [_allowed_for(who, amounts) for who, amounts in allowed.items()]
    denied_words = [_denied_for(who, amounts) for who, amounts in denied.items()]
    parts = ([f"Allowed {'; '.join(allowed_words)}"] if allowed else []) + (
        [f"Denied {'; '.join(denied_words)}"] if denied else []
    )
    return f"✓ {'. '.join(parts)}."


def _allowed_for(who: str, amounts: list[int]) -> str:
    """ "45 min more for Leo", "30 min more for Maya (15 min, 2 times)", "1 h 15 min more for Leo
    (45 min and 30 min)": what each teen got in all, first, as the teen's phone says it."""
    if len(amounts) == 1:
        return f"{format_minutes(amounts[0])} more for {who}"
    each = f"{format_minutes(amounts[0])}, {len(amounts)} times" if len(set(amounts)) == 1 else _amounts_listed(amounts)
    return f"{format_minutes(sum(amounts))} more for {who} ({each})"


def _denied_for(who: str, amounts: list[int]) -> str:
    """ "Sam's request for 30 min", "Maya's 6 requests for 30 min", "Leo's requests for 45 min and
    30 min"."""
    if len(amounts) == 1:
        return f"{who}'s request for {format_minutes(amounts[0])}"
    if len(set(amounts)) == 1:
        return f"{who}'s {len(amounts)} requests for {format_minutes(amounts[0])}"
    return f"{who}'s requests for {_amounts_listed(amounts)}"


def _amounts_listed(amounts: list[int]) -> str:
    return listed([format_minutes(m) for m in amounts], most=MOST_AMOUNTS_LISTED)
