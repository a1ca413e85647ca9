"""Temporary rules of one teen, as a self-contained section to place on any page: "Plan a
temporary rule…" (presets "Exam weeks", "Holiday", or custom), the rule in force with its end
and "End now…", the planned ones each with "Remove…", and the past ones. `RuleDialog` plans one:
name, first and last day (the teen's dates, said with their weekdays and any problem with them
at once), and what changes; it pre-checks with the domain's own rules (famguard.domain.temporary)
and shows the service's reasons next to the form. Pure views: they emit what the guardian asks
and show what they are told."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import Any

from PySide6.QtCore import QEvent, Qt, QTime, Signal
from PySide6.QtGui import QCursor, QFontMetrics
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from famguard.domain import teen_view
from famguard.domain.controls import DAILY_LIMIT_MAX, DAILY_LIMIT_MIN, SPECS
from famguard.domain.models import TemporaryRule
from famguard.domain.temporary import EVERY_NIGHT, MAX_RULE_DAYS, PRESETS, RuleStatus, overlaps, rule_status
from famguard.domain.values import short_day
from famguard.ui.common import announce, named, one_line, plain_label, show_words, wrapping_label
from famguard.ui.control_editors import acknowledge_refusals, refused_words, time_box
from famguard.ui.date_box import DateBox
from famguard.ui.deliberate import WheelGuard, minutes_box, minutes_refused, range_text
from famguard.ui.dialogs import ask_without_blocking, safe_question

CUSTOM = "Custom"
DATE_REACH_DAYS = 365  # the date boxes reach this far either side of today


class PlannedRuleRow(QWidget):
    """One planned rule: its words, "Change…" and "Remove…" (named after the rule: a screen reader
    reaching the second of two rules' buttons must know which rule it changes or removes)."""

    change_requested = Signal(str)  # rule id
    remove_requested = Signal(str, str)  # rule id, name

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("plannedRule")
        self.rule_id, self.rule_name = "", ""
        self.label = wrapping_label("", "plannedRuleWords")
        self.remove_button = QPushButton("Remove…")
        self.remove_button.setObjectName("removePlannedRuleButton")
        self.remove_button.clicked.connect(lambda: self.remove_requested.emit(self.rule_id, self.rule_name))
        self.change_button = QPushButton("Change…")
        self.change_button.setObjectName("changePlannedRuleButton")
        self.change_button.clicked.connect(lambda: self.change_requested.emit(self.rule_id))
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.label, 1)
        row.addWidget(self.change_button, 0, Qt.AlignmentFlag.AlignTop)
        row.addWidget(self.remove_button, 0, Qt.AlignmentFlag.AlignTop)

    def show_rule(self, rule: TemporaryRule, words: str) -> None:
        self.rule_id, self.rule_name = rule.id, rule.name
        show_words(self.label, words)
        self.remove_button.setAccessibleName(f"Remove the planned rule “{rule.name}”")
        self.remove_button.setAccessibleDescription(words)
        self.change_button.setAccessibleName(f"Change the planned rule “{rule.name}”")
        self.change_button.setAccessibleDescription(words)


class TemporaryRulesBox(QGroupBox):
    plan_requested = Signal()
    remove_requested = Signal(str, str)  # the rule in force: rule id, name
    remove_planned_requested = Signal(str, str)  # a rule not started yet: rule id, name
    change_planned_requested = Signal(str)  # a rule not started yet: rule id

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Temporary rules", parent)
        self.setObjectName("temporaryRulesBox")
        self.setAccessibleName("Temporary rules")
        self.plan_button = named(QPushButton("&Plan a temporary rule…"), "planRuleButton", "Plan a temporary rule")
        self.plan_button.clicked.connect(self.plan_requested)
        self.active = named(wrapping_label("", "activeRule"), "activeRule", "Temporary rule in force")
        self.end_button = named(QPushButton("En&d now…"), "endRuleButton", "End the temporary rule now")
        self.end_button.clicked.connect(self._end_clicked)
        # A planned rule could only be read: nothing removed or changed it, and a rule planned
        # over its days was refused "end that rule first" with no way to. Each has "Remove…".
        self.planned = named(QWidget(), "plannedRules", "Planned temporary rules")
        self._planned_layout = QVBoxLayout(self.planned)
        self._planned_layout.setContentsMargins(0, 0, 0, 0)
        self._planned_rows: dict[str, PlannedRuleRow] = {}
        self.past = named(wrapping_label("", "pastRules"), "pastRules", "Past temporary rules")
        active_row = QHBoxLayout()
        active_row.addWidget(self.active, 1)
        active_row.addWidget(self.end_button, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.addWidget(wrapping_label(
            "Change some rules for a while (exam weeks, a holiday); they start and end by themselves, "
            "in the teen's time zone, and the teen sees them.", "rulesIntro"))  # fmt: skip
        layout.addLayout(active_row)
        layout.addWidget(self.planned)
        layout.addWidget(self.past)
        layout.addWidget(self.plan_button, 0, Qt.AlignmentFlag.AlignLeft)
        self._active_rule: TemporaryRule | None = None
        self.show_rules([], date.today())

    def show_rules(self, rules: list[TemporaryRule], today: date, me: str | None = None) -> None:
        """The rules in force, planned and ended on the teen's `today`; `me`: the reader's
        account, whose rules say "set by you"."""
        by_status: dict[RuleStatus, list[TemporaryRule]] = {status: [] for status in RuleStatus}
        for rule in rules:
            by_status[rule_status(rule.starts_on, rule.ends_on, today)].append(rule)
        active = by_status[RuleStatus.ACTIVE]
        self._active_rule = active[0] if active else None
        if self._active_rule is not None:
            show_words(self.active, f"◷ In force now: {teen_view.rule_in_words(self._active_rule, today, me)}")
        else:
            show_words(self.active, "No temporary rule is in force: the usual rules apply.")
        self.end_button.setVisible(self._active_rule is not None)
        planned = sorted(by_status[RuleStatus.SCHEDULED], key=lambda r: r.starts_on)
        self._show_planned([(r, f"Planned: {teen_view.rule_in_words(r, today, me)}") for r in planned])
        past = sorted(by_status[RuleStatus.ENDED], key=lambda r: r.ends_on, reverse=True)
        self.past.setText("\n".join(f"Earlier: {teen_view.rule_in_words(r, today, me)}" for r in past))
        self.past.setVisible(bool(past))

    def planned_text(self) -> str:
        """The planned rules' words, one a line, as shown."""
        return "\n".join(row.label.text() for row in self._rows_in_order())

    def _rows_in_order(self) -> list[PlannedRuleRow]:
        items = (self._planned_layout.itemAt(i) for i in range(self._planned_layout.count()))
        return [w for item in items if item is not None and isinstance(w := item.widget(), PlannedRuleRow)]

    def _show_planned(self, planned: list[tuple[TemporaryRule, str]]) -> None:
        """The rows kept by rule (re-drawn every 30 s and after each notice: a row made anew each
        time would take the keyboard's place away from its "Remove…")."""
        before = self._rows_in_order()
        # The window's own focus widget: it is the keyboard's place even while a question over
        # the window (the one that removed the rule) has just closed and it is not active yet.
        focus = self.window().focusWidget()
        had_focus = next((i for i, row in enumerate(before) if focus is not None and row.isAncestorOf(focus)), None)
        wanted = {rule.id for rule, _words in planned}
        for rule_id in [rule_id for rule_id in self._planned_rows if rule_id not in wanted]:
            gone = self._planned_rows.pop(rule_id)
            self._planned_layout.removeWidget(gone)
            gone.hide()
            gone.deleteLater()
        rows = []
        for rule, words in planned:
            row = self._planned_rows.get(rule.id)
            if row is None:
                row = self._planned_rows[rule.id] = PlannedRuleRow(self.planned)
                row.remove_requested.connect(self.remove_planned_requested)
                row.change_requested.connect(self.change_planned_requested)
            row.show_rule(rule, words)
            rows.append(row)
        if rows != self._rows_in_order():
            for row in rows:
                self._planned_layout.removeWidget(row)
            for row in rows:
                self._planned_layout.addWidget(row)
                row.show()
        # In the order they are read: a new row's button came last of the whole window (Qt's
        # focus chain follows creation), after the page's other parts, not before "Plan…".
        previous: QWidget = self.end_button
        for row in rows:
            QWidget.setTabOrder(previous, row.change_button)
            QWidget.setTabOrder(row.change_button, row.remove_button)
            previous = row.remove_button
        QWidget.setTabOrder(previous, self.plan_button)
        self.planned.setVisible(bool(rows))
        if had_focus is not None and focus is not None and not any(row.isAncestorOf(focus) for row in rows):
            # The rule whose "Remove…" had the keyboard is gone: the next one, or "Plan…".
            successor = rows[min(had_focus, len(rows) - 1)].remove_button if rows else self.plan_button
            successor.setFocus(Qt.FocusReason.OtherFocusReason)

    def _end_clicked(self) -> None:
        if self._active_rule is not None:
            self.remove_requested.emit(self._active_rule.id, self._active_rule.name)


class RuleDialog(QDialog):
    """Plan a temporary rule, or change one not begun yet (`take_rule`). `submitted(name,
    starts_on, ends_on, controls)`; the presenter answers with `show_problems` (the dialog stays
    open) or closes it."""

    submitted = Signal(str, object, object, object)

    def __init__(self, teen_name: str, today: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ruleDialog")
        self.setWindowTitle(f"Plan a temporary rule for {teen_name}")
        self.setModal(True)
        self.today = today
        self.teen_name = teen_name
        self.changing: TemporaryRule | None = None  # the rule changed (take_rule), or None: a new one
        self._kept_controls: dict[str, Any] = {}  # a changed rule's settings the form has no box for
        self.kind = named(QComboBox(), "ruleKind", "Kind of rule")
        self.kind.addItems([p.name for p in PRESETS] + [CUSTOM])
        self.name = one_line(named(QLineEdit(), "ruleName", "Name of the rule"))
        # No cut at the service's 80 characters: a pasted name was cut there without a word (an
        # outside tester); kept whole, it is refused on Save with its length (temporary.check_dates).
        # Each day typed whole, as "15 Mar 2027" (famguard.ui.date_box): one Tab stop a day.
        self.starts = named(DateBox(today), "ruleStarts", "First day")
        self.ends = named(DateBox(today), "ruleEnds", "Last day")
        # The days run from the first to the last, with their weekdays (the boxes have none: a
        # weekday in the box was one more part to type past, and typing in it moved the date).
        self.span = named(plain_label(""), "ruleSpan", "The rule's days")
        # As wide as the most it can say, from the start: a line as wide as its words made the
        # dialog grow as the dates were typed ("39 days: … 2027" is wider than "1 day: …").
        self.span.ensurePolished()
        self.span.setMinimumWidth(_widest_span(self.span.fontMetrics()))
        self.span.setWordWrap(True)  # the overlapped rule's name is the guardian's, of any length
        self._refusal_about_dates = False  # Save's refusal says what is wrong with the dates
        self._first_day = today
        # Connected first: a first day moved past the last one takes the last one along.
        self.starts.day_changed.connect(self._first_day_moved)
        self.ends.day_changed.connect(self._last_day_moved)
        self._moved_along: date | None = None  # the last day while it is where the first took it
        self._presetting = False  # a kind fills the form in (not the guardian's own)
        # A day typed without its month or year is one to come: from today for the first day
        # ("1/12" typed in December is next December, not last week), from the first for the last.
        self.starts.guess_from = self.ends.guess_from = today
        self.starts.offered_from = self.ends.offered_from = today  # never a day gone by
        for edit, field in ((self.starts, "First day"), (self.ends, "Last day")):
            edit.day_changed.connect(self._say_span)
            edit.textEdited.connect(self._say_span)  # as it is typed
            edit.typing_refused.connect(lambda words, field=field: self._typing_refused(field, words))
            # Days before today too: a rule over before today is refused on Save, in words
            # (temporary.check_dates), not by a box that will not take the day typed.
            edit.set_reach(today - timedelta(days=DATE_REACH_DAYS), today + timedelta(days=DATE_REACH_DAYS))
        self.limit_on = named(QCheckBox("&Daily screen-time limit"), "ruleLimitOn", "Change the daily limit")
        # Minutes typed stay as typed and are checked on Save: a box ranged 10-720 put the old value
        # back on Enter, so "5" typed was saved, without a word, as the 60 it showed again.
        self.limit_bounds = SPECS["daily_limit_minutes"].bounds or (DAILY_LIMIT_MIN, DAILY_LIMIT_MAX)  # as the page's
        self.limit = minutes_box("ruleLimit", "Daily limit during the rule", 60)
        self.limit.setSingleStep(10)
        self.limit.setAccessibleDescription(f"Allowed: {range_text(self.limit_bounds)}")
        self.limit_range = named(QLabel(range_text(self.limit_bounds)), "ruleLimitRange", "Allowed limits")
        # "One hour a day on weekdays, two at the weekend" (the product's exam-weeks story): the
        # weekend's own limit, Saturday and Sunday alike, during the rule.
        self.weekend_on = named(QCheckBox("At the &weekend"), "ruleWeekendOn", "A different limit at the weekend")
        self.weekend = minutes_box("ruleWeekendLimit", "Limit on Saturdays and Sundays during the rule", 120)
        self.weekend.setSingleStep(10)
        self.weekend.setAccessibleDescription(f"Allowed: {range_text(self.limit_bounds)}")
        self.weekend_days = named(QLabel("Saturdays and Sundays"), "ruleWeekendDays", "Days of the weekend limit")
        self.nights_on = named(QCheckBox("&Time away every night"), "ruleNightsOn", "Lock the app every night")
        self.night_start = time_box("ruleNightStart", "Time away starts", "22:00")
        self.night_end = time_box("ruleNightEnd", "Time away ends", "07:00")
        for clock in (self.night_start, self.night_end):
            clock.typing_refused.connect(self._time_refused)
        # Alt+S is Save's, as in most forms: "Switch &search off" took it, and a guardian pressing
        # Alt+S to save ticked it instead (an outside tester).
        self.search_off = named(QCheckBox("Switch sea&rch off"), "ruleSearchOff", "Switch search off")
        self.problems = named(wrapping_label("", "ruleProblems"), "ruleProblems", "Problems")
        self.kept = named(wrapping_label("", "ruleKept"), "ruleKept", "Other settings of the rule")
        self.kept.hide()
        self.save = named(QPushButton("&Save rule"), "saveRuleButton", "Save the rule")
        self.save.setDefault(True)
        cancel = named(QPushButton("Cancel"), "cancelRuleButton", "Cancel")
        self.save.clicked.connect(self._submit)
        cancel.clicked.connect(self.reject)
        self.limit_on.toggled.connect(self.limit.setEnabled)
        self.limit_on.toggled.connect(self._weekend_enabled)
        self.weekend_on.toggled.connect(self._weekend_enabled)
        self.nights_on.toggled.connect(self.night_start.setEnabled)
        self.nights_on.toggled.connect(self.night_end.setEnabled)
        self.kind.currentTextChanged.connect(self._preset)
        # A refusal is about what was there when Save was pressed: editing any field takes it away
        # (it stayed, wrong, until the next Save).
        self.name.textEdited.connect(self._edited)
        self.limit.lineEdit().textEdited.connect(self._edited)
        self.weekend.lineEdit().textEdited.connect(self._edited)
        for changed in (self.starts.day_changed, self.ends.day_changed, self.night_start.timeChanged,
                        self.night_end.timeChanged, self.limit_on.toggled, self.weekend_on.toggled,
                        self.nights_on.toggled, self.search_off.toggled):  # fmt: skip
            changed.connect(self._edited)

        form = self.form = QFormLayout()
        form.addRow("&Kind", self.kind)
        form.addRow("&Name", self.name)
        form.addRow("&First day", self.starts)
        form.addRow("&Last day", self.ends)
        form.addRow("", self.span)
        limit = QHBoxLayout()
        limit.addWidget(self.limit)
        limit.addWidget(self.limit_range, 1)
        form.addRow(self.limit_on, limit)
        weekend = QHBoxLayout()
        weekend.addWidget(self.weekend)
        weekend.addWidget(self.weekend_days, 1)
        under_limit = QWidget()  # set in under the daily limit: it is one of its parts
        indent = QHBoxLayout(under_limit)
        indent.setContentsMargins(self.limit_on.sizeHint().height(), 0, 0, 0)
        indent.addWidget(self.weekend_on)
        form.addRow(under_limit, weekend)
        nights = QHBoxLayout()
        nights.addWidget(self.night_start)
        nights.addWidget(wrapping_label("to"))
        nights.addWidget(self.night_end)
        nights.addStretch(1)  # "22:00 to 07:00" together, not spread over the dialog's width
        form.addRow(self.nights_on, nights)
        form.addRow(self.search_off)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(cancel)
        buttons.addWidget(self.save)
        layout = QVBoxLayout(self)
        layout.addWidget(wrapping_label(
            f"The dates are {teen_name}'s days: the rule starts at midnight on the first day and ends at "
            f"midnight after the last (at most {MAX_RULE_DAYS} days). Settings you leave unticked stay as they are.",
            "ruleHelp"))  # fmt: skip
        layout.addLayout(form)
        layout.addWidget(self.kept)
        layout.addWidget(self.problems)
        layout.addLayout(buttons)
        # A notch of the wheel over "Kind" swapped the preset, rewriting the name and the numbers.
        self._wheel_guard = WheelGuard(None, self)
        self._wheel_guard.guard(self)
        self._guardians_own: set[str] = set()  # the parts the guardian set: "name", "dates", "limit", …
        self._question: QMessageBox | None = None  # "Give up this rule?", while it is asked
        self._offered_days = 7  # the length of the kind chosen
        self._grown: tuple[int, int] | None = None  # (height before, height now) while words made it taller
        self._shrink_when_left = False  # words went while the pointer was over the dialog
        self._watch_what_the_guardian_sets()
        self._preset(self.kind.currentText())
        self.name.setFocus()

    def _first_day_moved(self, first: date) -> None:
        """A first day moved past the last day takes it along, the rule as long as before: a first
        day typed as 15 March left the last on 19 December ("✗ The last day is before the first"),
        and "20" typed there then was 20 December, not 20 March (an outside tester)."""
        moved, self._first_day = first - self._first_day, first
        self.ends.guess_from = first
        self._moved_along = None
        if first > self.ends.day():
            self.ends.set_day(self.ends.day() + moved)
            # Said on the line under the days: the last day changed without a word, a year on
            # when "1/12" typed in December was next December's (a parent trying the demo).
            self._moved_along = None if self._presetting else self.ends.day()

    def _last_day_moved(self, last: date) -> None:
        if last != self._moved_along:
            self._moved_along = None  # set on its own since: nothing to explain

    def _say_span(self, *_changed: object) -> None:
        """The days, and at once what is wrong with them (before, only Save said a span was over
        the most) — unless Save's refusal says it already: one problem, one message."""
        words = span_words(self.starts.day_as_typed(), self.ends.day_as_typed(), self.today,
                           verdict=not self._refusal_about_dates, taken=self.starts.taken())  # fmt: skip
        if self._moved_along is not None and not words.startswith("✗"):
            words += " (the last day moved with the first)"
        show_words(self.span, words)
        for edit in (self.starts, self.ends):  # said with the box, as the keyboard moves through it
            edit.setAccessibleDescription(words)
        self._fit_to_words()  # an overlap with a long rule name takes a second line

    def set_taken(self, spans: list[tuple[date, date, str]]) -> None:
        """The other rules' days ("Exams" from … to …): struck through on both calendars, and the
        span line says at once when the days chosen overlap them (an outside tester learnt of an
        overlap only from Save's refusal)."""
        for box in (self.starts, self.ends):
            box.set_taken(spans)
        if self.changing is None and "dates" not in self._guardians_own:
            self._presetting = True
            try:
                self._offer_days()
            finally:
                self._presetting = False
        self._say_span()

    def _offer_days(self) -> None:
        """The kind's length of days from the first day no other rule takes, today or later: with a
        rule in force, the days offered were today's and the dialog opened on an overlap."""
        length = timedelta(days=self._offered_days - 1)
        first = self.today
        for start, end, _name in sorted(self.starts.taken()):
            if overlaps(first, first + length, start, end):
                first = end + timedelta(days=1)
        self.starts.set_day(first)
        self.ends.set_day(first + length)

    def _edited(self, *_changed: object) -> None:
        # Not while a time box's refusal stands (TimeBox.refusal_standing): an arrow key's step
        # changes the time it shows back, and the words went before any new time was typed.
        refusing = self.night_start.refusal_standing or self.night_end.refusal_standing
        if self.problems.text().startswith("✗") and not refusing:
            self._say_problems("")
        if self._refusal_about_dates:  # the refusal is gone: the span line says it again
            self._refusal_about_dates = False
            self._say_span()

    def _watch_what_the_guardian_sets(self) -> None:
        """What the guardian types or ticks here stays when a kind is chosen after it: Down on
        "Kind" (or another kind picked) replaced the name typed, the limit and the nights with the
        kind's own (an outside tester). A kind fills in only what is still as it was offered."""
        groups: dict[str, tuple[Any, ...]] = {
            "name": (self.name.textEdited,),
            "dates": (self.starts.day_changed, self.ends.day_changed, self.starts.textEdited, self.ends.textEdited),
            "limit": (
                self.limit_on.toggled,
                self.limit.valueChanged,
                self.limit.lineEdit().textEdited,
                self.weekend_on.toggled,
                self.weekend.valueChanged,
                self.weekend.lineEdit().textEdited,
            ),
            "nights": (self.nights_on.toggled, self.night_start.timeChanged, self.night_end.timeChanged),
            "search": (self.search_off.toggled,),
        }
        for group, changes in groups.items():
            for changed in changes:
                changed.connect(lambda *_args, g=group: self._set_by_guardian(g))

    def reject(self) -> None:
        """Cancel, Escape or the window's close: a rule the guardian has begun to fill in goes only
        when they say so — Escape half-way threw it all away without a word (an outside tester).
        "Keep editing" is the answer Enter and Escape give."""
        if not self._guardians_own:
            self.give_up()
            return
        if self._question is not None:
            return  # asked already
        words = (
            ("Give up this rule?", "What you have filled in here is not kept, and nothing is planned.")
            if self.changing is None
            else ("Give up these changes?", f"“{self.changing.name}” stays as it was planned.")
        )
        box, discard = safe_question(
            self, "discardRuleQuestion", self.windowTitle(), *words, "&Give it up", "&Keep editing"
        )
        self._question = ask_without_blocking(box, discard, self._discard_answered)

    def _discard_answered(self, discard: bool) -> None:
        if self._question is not None:
            self._question.deleteLater()  # asked again, it is a new question
        self._question = None
        if discard:
            self.give_up()

    def give_up(self) -> None:
        """Close without planning anything, and without asking (the teen is gone, or nothing was set)."""
        super().reject()

    def _set_by_guardian(self, group: str) -> None:
        if not self._presetting:
            self._guardians_own.add(group)

    def _preset(self, kind: str) -> None:
        preset = next((p for p in PRESETS if p.name == kind), None)
        controls: Mapping[str, Any] = preset.controls if preset else {}
        kept = self._guardians_own
        self._presetting = True
        try:
            if "name" not in kept:
                self.name.setText(preset.name if preset else "")
            self._offered_days = preset.days if preset else 7
            if "dates" not in kept:
                self._offer_days()
            if "limit" not in kept:
                limit = controls.get("daily_limit_minutes")
                self._show_limit(int(limit) if limit is not None else None, _weekend(controls))
            if "nights" not in kept:
                away = controls.get("time_away") or []
                self._show_nights((away[0]["start"], away[0]["end"]) if away else None)
            if "search" not in kept:
                self.search_off.setChecked(controls.get("search_enabled") is False)
        finally:
            self._presetting = False
        self._say_problems("")

    def _show_limit(self, limit: int | None, weekend: int | None = None) -> None:
        """The daily limit ticked with `limit`, or unticked (None: 60 min offered); the weekend's
        own ticked with `weekend`, or unticked (2 h offered)."""
        self.limit_on.setChecked(limit is not None)
        self.limit.setValue(limit if limit is not None else 60)
        self.limit.setEnabled(limit is not None)
        self.weekend_on.setChecked(weekend is not None)
        self.weekend.setValue(weekend if weekend is not None else 120)
        self._weekend_enabled()

    def _weekend_enabled(self, *_toggled: object) -> None:
        """The weekend's limit is one of the daily limit's: only with it."""
        self.weekend_on.setEnabled(self.limit_on.isChecked())
        self.weekend.setEnabled(self.limit_on.isChecked() and self.weekend_on.isChecked())

    def _show_nights(self, nights: tuple[str, str] | None) -> None:
        """Time away every night ticked from `nights` (start, end), or unticked (22:00–07:00 offered)."""
        start, end = nights or ("22:00", "07:00")
        self.nights_on.setChecked(nights is not None)
        self.night_start.setTime(QTime.fromString(start, "HH:mm"))
        self.night_end.setTime(QTime.fromString(end, "HH:mm"))
        self.night_start.setEnabled(nights is not None)
        self.night_end.setEnabled(nights is not None)

    def take_rule(self, rule: TemporaryRule) -> None:
        """Change `rule`, which has not begun: its name, days and settings in the form, "Save
        changes". The kinds (a new rule's presets) are not offered. A setting the form has no box
        for (a rule planned elsewhere, with comments or a weekday's limit) stays as planned and is
        said under the form: changing the name alone must not drop it."""
        self.changing = rule
        self.setWindowTitle(f"Change the temporary rule “{rule.name}” for {self.teen_name}")
        self.save.setText("&Save changes")  # Alt+S, as a new rule's "Save rule" (Alt+C read as Cancel)
        self.save.setAccessibleName("Save the changes to the rule")
        self.form.setRowVisible(self.kind, False)
        kept = dict(rule.controls)
        limit = kept.pop("daily_limit_minutes", None)
        weekend = _weekend(kept) if limit is not None else None
        if limit is not None and (kept.get("daily_limit_overrides") == {} or weekend is not None):
            del kept["daily_limit_overrides"]  # every day's limit, or the weekend's: in the boxes
        nightly = _every_night(kept.get("time_away"))
        if nightly is not None:
            del kept["time_away"]
        search_off = kept.get("search_enabled") is False
        if search_off:
            del kept["search_enabled"]
        self._presetting = True  # what the rule holds, not what the guardian set
        try:
            self.name.setText(rule.name)
            self.starts.set_day(rule.starts_on)
            self.ends.set_day(rule.ends_on)
            self._show_limit(int(limit) if limit is not None else None, weekend)
            self._show_nights(nightly)
            self.search_off.setChecked(search_off)
        finally:
            self._presetting = False
        self._kept_controls = kept
        if kept:
            show_words(self.kept, f"Also in this rule, kept as planned: {teen_view.rule_changes(kept)}.")
        self.kept.setVisible(bool(kept))
        self._say_problems("")
        self.name.setFocus()
        self.name.selectAll()

    def controls(self) -> dict[str, Any]:
        """The rule's settings in wire form, from what is ticked (and, for a rule changed, what
        the form has no box for, as planned)."""
        chosen: dict[str, Any] = dict(self._kept_controls)
        if self.limit_on.isChecked():
            chosen["daily_limit_minutes"] = self.limit.value()
            if self.weekend_on.isChecked():
                chosen["daily_limit_overrides"] = {"sat": self.weekend.value(), "sun": self.weekend.value()}
            else:  # a rule's limit applies every day: a weekday's own limit would beat it
                chosen.setdefault("daily_limit_overrides", {})
        if self.nights_on.isChecked():
            chosen["time_away"] = [
                {
                    "days": list(EVERY_NIGHT),
                    "start": self.night_start.time().toString("HH:mm"),
                    "end": self.night_end.time().toString("HH:mm"),
                }
            ]
        if self.search_off.isChecked():
            chosen["search_enabled"] = False
        return chosen

    def _typing_refused(self, field: str, words: str) -> None:
        """A day or a time typed that is none: said under the form; the box shows its own again."""
        self._say_problems(f"✗ {field}: {words}. It is as it was.")

    def _time_refused(self, typed: str, shown: str) -> None:
        """A time typed that is none, said at the key (`TimeBox.typing_refused`)."""
        self._say_problems(refused_words(typed, shown).replace("✗ ", "✗ Time away: ", 1))

    def _submit(self) -> None:
        # What is typed in a day's box is read first: Alt+S leaves the keyboard in the box, which
        # had not read it yet, and the rule was saved with the day it held before — told "✓ …
        # planned" under a line that said the day typed (a parent trying the demo).
        for day_box in (self.starts, self.ends):
            if not day_box.read_typing():
                day_box.setFocus()
                return  # refused in words (typing_refused): nothing is sent
        clocks = acknowledge_refusals(self.night_start, self.night_end) if self.nights_on.isChecked() else []
        if clocks:
            # Saved with the time put back, the dialog closed over the refusal: unseen (a tester).
            said = self.problems.text() if self.problems.text().startswith("✗ Time away") else ""
            self._say_problems(f"{said or '✗ Time away: a time typed was refused.'} Nothing was saved: "
                               "Save again to save the rule with the times shown.")  # fmt: skip
            clocks[0].setFocus()
            return
        boxes = [(self.limit, teen_view.label("daily_limit_minutes"))] if self.limit_on.isChecked() else []
        if self.limit_on.isChecked() and self.weekend_on.isChecked():
            boxes.append((self.weekend, "At the weekend"))
        for box, field in boxes:
            refused = minutes_refused(box, self.limit_bounds)
            if refused is not None:
                self._say_problems(f"✗ {field}: {refused}. Nothing was saved.")
                box.setFocus()
                box.selectAll()
                return
        self.submitted.emit(self.name.text().strip(), self.starts.day(), self.ends.day(),
                            self.controls())  # fmt: skip

    def set_busy(self, busy: bool) -> None:
        self.save.setEnabled(not busy)
        if busy:
            self._say_problems("Saving…")

    def _say_problems(self, words: str) -> None:
        show_words(self.problems, words)
        if words.startswith("✗"):
            # Said aloud, as the controls page's refusals are: here only the label's description
            # changed, which a screen reader does not read (a re-tester with a screen reader).
            announce(self.problems, words, assertive=True)
        self._fit_to_words()

    def _fit_to_words(self) -> None:
        """Taller when what is said needs it, never narrower (the dialog kept its size and the form
        squeezed under three lines of refusal, its boxes cut); back to its height before once the
        words go — an empty band stayed under the form after a refusal cleared (a parent-tester) —
        unless the guardian has sized the dialog since."""
        layout = self.layout()
        if layout is None or not self.isVisible():
            return
        layout.activate()
        width, height = self.width(), self.height()
        needed = layout.totalHeightForWidth(width) if layout.hasHeightForWidth() else layout.totalSizeHint().height()
        if self._grown is not None and abs(height - self._grown[1]) > 1:
            self._grown = None  # sized by the guardian since: theirs to keep
        if needed > height:
            self._grown = (self._grown[0] if self._grown else height, needed)
            self.resize(width, needed)
        elif self._grown is not None and needed < height:
            if self.rect().contains(self.mapFromGlobal(QCursor.pos())):
                # Not under the pointer: shrunk as a refusal went, the dialog moved "Save rule" from
                # under a click on its way to it, which landed on nothing (an outside tester). It
                # shrinks when the pointer leaves.
                self._shrink_when_left = True
                return
            before = self._grown[0]
            target = max(needed, before)
            self._grown = (before, target) if target > before else None
            self.resize(width, target)

    def leaveEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt's name
        super().leaveEvent(event)
        if self._shrink_when_left:
            self._shrink_when_left = False
            self._fit_to_words()

    def show_problems(self, problems: Mapping[str, str]) -> None:
        """The reasons, each with the field it is about in words; focus goes to the first."""
        words = {"name": "Name", "starts_on": "First day", "ends_on": "Last day", "controls": "Settings"}
        lines = []
        for name, reason in problems.items():
            control = name.removeprefix("controls.")
            field = teen_view.label(control) if control != name and control in SPECS else words.get(name, name)
            lines.append(f"✗ {field}: {reason}" if field else f"✗ {reason}")
        self._refusal_about_dates = "starts_on" in problems or "ends_on" in problems
        self._say_span()
        self._say_problems("\n".join(lines))
        first = next(iter(problems), "")
        target = {"name": self.name, "starts_on": self.starts, "ends_on": self.ends}.get(first, self.kind)
        target.setFocus()


def span_words(
    starts: date, ends: date, today: date, *, verdict: bool = True, taken: Sequence[tuple[date, date, str]] = ()
) -> str:
    """ "14 days: Sun 6 Dec to Sat 19 Dec" (the year when it is not `today`'s); with `verdict`,
    a span the service would refuse says so: "✗ 343 days: … — at most 92", "✗ The last day is
    before the first.", "✗ 12 days: Sat 5 Dec to … — the first day has gone by", "✗ 5 days: … —
    “Exams” has Tue 15 Dec to Sun 20 Dec" (`taken`: the other rules' days); without it (a refusal
    says that), only the days, or nothing."""
    days = (ends - starts).days + 1
    if days < 1:
        return "✗ The last day is before the first." if verdict else ""
    words = f"{days} day{'s' if days > 1 else ''}: {_days(starts, ends, today)}"
    if not verdict:
        return words
    if days > MAX_RULE_DAYS:
        return f"✗ {words} — at most {MAX_RULE_DAYS}"
    if starts < today:  # said at once, as an overlap is (it was said only by Save's refusal)
        return f"✗ {words} — {'the first day has' if ends >= today else 'these days have'} gone by"
    for first, last, name in taken:
        if overlaps(starts, ends, first, last):
            return f"✗ {words} — “{name}” has {_days(first, last, today)}"
    return words


def _days(first: date, last: date, today: date) -> str:
    return short_day(first, today) if first == last else f"{short_day(first, today)} to {short_day(last, today)}"


def _widest_span(metrics: QFontMetrics) -> int:
    """The width of the longest span line the dialog can show: from the first day its boxes reach
    to the last, each with its year, in the widest weekday and month of the font."""
    weekday = max((f"{date(2024, 1, d):%a}" for d in range(1, 8)), key=metrics.horizontalAdvance)
    month = max((f"{date(2024, m, 1):%b}" for m in range(1, 13)), key=metrics.horizontalAdvance)
    day = f"{weekday} 28 {month} 2027"
    most = 2 * DATE_REACH_DAYS + 1
    return metrics.horizontalAdvance(f"✗ {most} days: {day} to {day} — at most {MAX_RULE_DAYS}") + 2


def _weekend(controls: Mapping[str, Any]) -> int | None:
    """The weekend's own limit of a rule's settings, when its per-weekday limits are Saturday's
    and Sunday's alike, as this dialog plans them; None for anything else."""
    days = controls.get("daily_limit_overrides")
    if not isinstance(days, Mapping) or set(days) != {"sat", "sun"} or days["sat"] != days["sun"]:
        return None
    minutes = days["sat"]
    return minutes if isinstance(minutes, int) and not isinstance(minutes, bool) else None


def _every_night(away: object) -> tuple[str, str] | None:
    """(start, end) of a rule's time away when it is one block every night, as this dialog plans
    it; None for anything else (kept as it is)."""
    if not isinstance(away, list) or len(away) != 1 or not isinstance(away[0], Mapping):
        return None
    block = away[0]
    if sorted(block.get("days", [])) != sorted(EVERY_NIGHT):
        return None
    start, end = block.get("start"), block.get("end")
    return (start, end) if isinstance(start, str) and isinstance(end, str) else None
