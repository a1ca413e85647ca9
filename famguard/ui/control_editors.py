"""One editor widget per editor kind of the control declarations (`EDITORS`, keyed by
famguard.domain.control_spec.EditorKind). Each is built from a control's spec, shows a typed
domain value (`set_value`) and emits `value_changed(new_value)` when the guardian commits a change
— there is no save button, but nothing is sent by accident:

- a value is checked against the control's own declaration before it is emitted; one that breaks
  it (a keyword of 60 characters, 900 minutes) is refused next to the editor, with what was typed
  left in place, and never becomes a change;
- numbers are typed freely and checked on commit, with the allowed range shown beside them (a spin
  box clamping 900 to 90 would save what nobody typed);
- moving through choices with the arrow keys commits only after the guardian settles
  (`SETTLE_MS`), or at once on Space, Enter or leaving the choices; a click commits at once
  (the mechanisms live in famguard.ui.deliberate).

Options the teen's age does not allow stay visible but disabled, with the spec's reason beside
them."""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any  # Any: a control's value (each ControlSpec parses its own type)

from PySide6.QtCore import Qt, QTime, QTimer, Signal
from PySide6.QtGui import QFocusEvent, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractButton,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QCompleter,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSizePolicy,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from famguard.domain.control_spec import ControlSpec, EditorKind
from famguard.domain.plain_text import harmless, plain_text_problem
from famguard.domain.schedule import blocks_overlapping
from famguard.domain.values import (
    DAILY_LIMIT_MAX,
    DAILY_LIMIT_MIN,
    DAILY_LIMIT_PRESETS,
    DAY_NAMES,
    WEEKDAYS,
    FieldError,
    QuietHours,
    TimeAwayBlock,
    block_text,
    format_minutes,
    kept_keyword,
)
from famguard.ui.common import announce, named, settle_layouts, show_words, wrapping_label

if TYPE_CHECKING:
    from famguard.domain.controls import Controls
from famguard.ui.deliberate import (
    CHOOSING,
    SETTLE_MS,
    STEP_KEYS,
    MinutesBox,
    Settling,
    minutes_box,
    minutes_refused,
    range_text,
)
from famguard.ui.flow_layout import FlowLayout, flow_cell

_ZONES: list[str] = []
# The daily limit's row while minutes typed in its custom box differ from the limit set.
# Short: a status that does not fit beside the title takes a line of its own (setting Set or
# Enter, and leaving the box, sets them).
# Leaving the box sets them too: "Set or Enter" alone read as if Tab would not (an outside tester,
# whose Up and Tab then saved 1 h 5 min).
CUSTOM_NOT_SET = "◷ not set yet: Set, Enter or leaving the box sets it"
DAY_NOT_SET = "◷ not set yet: Enter or leaving the box sets it"  # … in a weekday's own limit
# A tick while a ticked day's box says no minutes: nothing is set until it is mended.
DAYS_NOT_SET = "◷ not set yet: mend the day's minutes"
TIMES_NOT_SET = "◷ not set yet: mend the times"  # … quiet hours that start and end at one time


def timezone_names() -> list[str]:
    """The IANA zones a parent may pick (read from tzdata once; ~25 ms, so the controller loads
    it on a worker before any controls page is built)."""
    if not _ZONES:
        from famguard.domain.zones import zone_names

        # Only the names the service accepts (no host-specific posix/ or right/ copies).
        _ZONES.extend(sorted(z for z in zone_names() if "/" in z and not z.startswith("Etc")))
    return _ZONES


class Editor(QWidget):
    value_changed = Signal(object)
    # A choice made with the arrow keys that waits for the guardian to stop ("" once it is sent or
    # taken back): said on the setting's status line, where "✓ saved — on Maya's phone" stood
    # about the value before it while the new one was not sent yet (an outside tester).
    choosing = Signal(str)

    def __init__(self, spec: ControlSpec, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.spec = spec
        self.field = spec.name
        self._value: Any = None
        self._shown = False
        # Why a value was refused here (or what to do next); each editor puts it in its layout.
        self.message = named(wrapping_label("", f"message_{spec.name}"), f"message_{spec.name}", f"{spec.label}: note")
        self.message.setVisible(False)

    def value(self) -> Any:
        return self._value

    def set_value(self, value: Any) -> None:
        if self._shown and value == self._value:
            return  # nothing new: leave alone a field the guardian may be in the middle of editing
        self._shown = True
        self._value = value
        self.blockSignals(True)
        try:
            self._show(value)
        finally:
            self.blockSignals(False)

    def show_current(self) -> None:
        """Show again the value that is set (a choice taken back before it was sent)."""
        self.blockSignals(True)
        try:
            self._show(self._value)
        finally:
            self.blockSignals(False)

    def set_age(self, age: int) -> None:  # most editors have no age rule
        del age

    def follow(self, controls: Controls) -> None:
        """The teen's other settings, for an editor whose offer depends on them (most do not)."""
        del controls

    def _show(self, value: Any) -> None:
        raise NotImplementedError

    def cancel_pending(self) -> None:
        """Forget a choice still settling (another teen is shown now)."""

    def clear_drafts(self) -> None:
        """Another teen is shown: what was typed for the last one and not set goes (an outside
        tester found Maya's custom 100 min and a new block's 07:30 waiting on Sam's page), and the
        next value is shown whole."""
        self._shown = False

    def say(self, text: str) -> None:
        show_words(self.message, text)
        self.message.setVisible(bool(text))
        if text.startswith("✗"):  # a refusal is said at once: the focus is on the box, not on this line
            announce(self.message, text, assertive=True)
            # And seen: under a tall editor (the keyword list) it was below the page's visible part,
            # and Enter seemed to do nothing. Once laid out, the page scrolls to it.
            QTimer.singleShot(0, self, self._bring_message_into_view)

    def _bring_message_into_view(self) -> None:
        area = self.parentWidget()
        while area is not None and not isinstance(area, QScrollArea):
            area = area.parentWidget()
        if area is None or not self.message.isVisible():
            return
        # Measured on the page as it will be drawn: scrolled on the old layout, a message that grew
        # by a line ended just below the visible part (a CI run saw it so).
        settle_layouts()
        area.ensureWidgetVisible(self.message, 0, 24)

    def problem(self, value: Any) -> str | None:
        """Why the declaration refuses `value`, in its own words (None: it is allowed)."""
        try:
            self.spec.parse(self.spec.dump(value))
        except FieldError as exc:
            return str(exc)
        return None

    def _emit(self, value: Any) -> bool:
        """Ask for `value` unless it is the current one or the declaration refuses it (then say
        why, and send nothing). True when the value was asked for."""
        if value == self._value:
            if self.message.text().startswith("✗"):
                self.say("")  # mended back to what is set: the refusal is no longer so
            return False
        problem = self.problem(value)
        if problem is not None:
            self.say(f"✗ {problem}")
            return False
        self.say("")
        self.value_changed.emit(value)
        return True


class ChoiceEditor(Editor):
    """One of the spec's choices (comments, direct messages, Duet and Stitch…) as radio buttons."""

    def __init__(self, spec: ControlSpec, parent: QWidget | None = None) -> None:
        super().__init__(spec, parent)
        field = spec.name
        self._options = list(spec.choices)
        self._group = QButtonGroup(self)
        self._buttons: dict[Any, QRadioButton] = {}
        self._reasons: dict[Any, QLabel] = {}
        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for row, (value, label) in enumerate(self._options):
            # Named with the setting: "No one, radio button, checked" was all a screen reader said
            # of Direct messages and of Duet and Stitch alike (an outside tester, under AT-SPI).
            button = named(QRadioButton(label), f"{field}_{value}", f"{spec.label}: {label}")
            reason = named(wrapping_label("", f"{field}_{value}_reason"), f"{field}_{value}_reason", f"{label}: reason")
            reason.setVisible(False)
            self._group.addButton(button, row)
            self._buttons[value] = button
            self._reasons[value] = reason
            layout.addWidget(button, row, 0)
            layout.addWidget(reason, row, 1)
        layout.addWidget(self.message, len(self._options), 0, 1, 2)
        layout.setColumnStretch(1, 1)
        self._settling = Settling(self, list(self._buttons.values()), self._emit, self.choosing.emit, self.show_current)
        self._group.buttonClicked.connect(self._clicked)

    def cancel_pending(self) -> None:
        self._settling.cancel()

    def button(self, value: Any) -> QRadioButton:
        return self._buttons[value]

    def reason_label(self, value: Any) -> QLabel:
        return self._reasons[value]

    def set_age(self, age: int) -> None:
        for value, button in self._buttons.items():
            reason = self.spec.restriction(value, age)
            button.setEnabled(reason is None)
            self._reasons[value].setText(f"⊘ {reason}" if reason else "")
            self._reasons[value].setVisible(bool(reason))
            button.setAccessibleDescription(reason or "")

    def _show(self, value: Any) -> None:
        button = self._buttons.get(value)
        if button is not None:
            button.setChecked(True)

    def _clicked(self, button: QAbstractButton) -> None:
        self._settling.chosen(self._options[self._group.id(button)][0])


class ToggleEditor(Editor):
    """An on/off setting (private account, search, downloads…); when the teen's age allows only
    one of the two, the box is disabled with the reason beside it."""

    def __init__(self, spec: ControlSpec, parent: QWidget | None = None) -> None:
        super().__init__(spec, parent)
        field, text = spec.name, spec.toggle_text
        self.check = named(QCheckBox(text), f"{field}_check", text)
        self.state_label = QLabel()
        self.reason = named(wrapping_label("", f"{field}_reason"), f"{field}_reason", f"{text}: reason")
        self.reason.setVisible(False)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.check)
        layout.addWidget(self.state_label)
        layout.addWidget(self.reason, 10)  # the reason takes the row's free width, not half of it
        layout.addWidget(self.message)
        layout.addStretch(1)
        self.check.clicked.connect(lambda checked: self._emit(bool(checked)))

    def set_age(self, age: int) -> None:
        reason = self.spec.restriction(True, age) or self.spec.restriction(False, age)
        self.check.setEnabled(reason is None)
        self.reason.setText(f"⊘ {reason}" if reason else "")
        self.reason.setVisible(bool(reason))
        self.check.setAccessibleDescription(reason or "")

    def _show(self, value: Any) -> None:
        self.check.setChecked(bool(value))
        self.state_label.setText("(on)" if value else "(off)")


class DailyLimitEditor(Editor):
    """No limit, one of the presets, or a custom number of minutes (range shown beside it)."""

    def __init__(self, spec: ControlSpec, parent: QWidget | None = None) -> None:
        super().__init__(spec, parent)
        self.bounds = spec.bounds or (DAILY_LIMIT_MIN, DAILY_LIMIT_MAX)
        self._group = QButtonGroup(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        row = FlowLayout()  # wraps in a narrow window instead of cutting "Set" off
        layout.addLayout(row)
        layout.addWidget(self.message)
        self._choices: list[int | None] = [*DAILY_LIMIT_PRESETS, None]
        self._buttons: dict[int | None, QRadioButton] = {}
        for index, minutes in enumerate(self._choices):
            text = format_minutes(minutes)
            key = "none" if minutes is None else str(minutes)
            button = named(QRadioButton(text), f"dailyLimit_{key}", f"Daily limit: {text}")
            self._group.addButton(button, index)
            self._buttons[minutes] = button
            row.addWidget(button)
        self.custom_radio = named(QRadioButton("Custom:"), "dailyLimit_custom", "Custom daily limit")
        self._group.addButton(self.custom_radio, len(self._choices))
        self.custom_spin = minutes_box("dailyLimitCustom", "Custom daily limit in minutes", 75)
        self.custom_spin.setSingleStep(5)
        self.range_label = named(QLabel(range_text(self.bounds)), "dailyLimitRange", "Allowed custom limits")
        self.custom_spin.setAccessibleDescription(f"Allowed: {range_text(self.bounds)}")
        self.custom_apply = named(QPushButton("Set"), "dailyLimitCustomApply", "Set custom daily limit")
        # Two cells: in a narrow page (150 % beside the demo's phone) the range and Set go to the
        # next line instead of past the page's right edge.
        row.addWidget(flow_cell(self.custom_radio, self.custom_spin))
        row.addWidget(flow_cell(self.range_label, self.custom_apply))
        self._settling = Settling(
            self, [*self._buttons.values(), self.custom_radio], self._emit, self.choosing.emit, self.show_current
        )
        self._group.buttonClicked.connect(self._clicked)
        self.custom_apply.clicked.connect(self._apply_custom)
        self.custom_spin.editingFinished.connect(self._custom_edited)
        # Minutes the guardian typed (or stepped) in the box since it last said what is set.
        self._custom_typed = False
        self._custom_blank = False  # the box emptied by the guardian: nothing typed to set
        self.custom_spin.lineEdit().textEdited.connect(self._custom_touched)
        self.custom_spin.lineEdit().textEdited.connect(self._custom_emptied)
        self.custom_spin.valueChanged.connect(self._custom_stepped)

    def button(self, minutes: int | None) -> QRadioButton:
        return self._buttons[minutes]

    def cancel_pending(self) -> None:
        self._settling.cancel()

    def clear_drafts(self) -> None:
        super().clear_drafts()
        self._custom_typed = False
        self.choosing.emit("")

    def _show(self, value: Any) -> None:
        button = self._buttons.get(value)
        if button is not None:
            button.setChecked(True)
        else:
            self.custom_radio.setChecked(True)
        # The custom box starts from the limit set ("Set" then changes nothing), unless the
        # guardian is typing in it.
        if value is not None and not (self.custom_spin.hasFocus() and self._custom_typed):
            self.custom_spin.setValue(int(value))

    def _clicked(self, button: QAbstractButton) -> None:
        index = self._group.id(button)
        if index < len(self._choices):
            self._settling.chosen(self._choices[index])
            return
        # "Custom:" names no value until minutes are typed and set: nothing to send yet.
        self._settling.cancel()
        if not self._settling.by_arrow:
            self.custom_spin.setFocus()
            self.custom_spin.selectAll()

    def _custom_touched(self) -> None:
        self._custom_typed = True
        if self.message.text().startswith("✗"):
            # About minutes no longer in the box: "5 min is outside…" stood beside "abc" (a tester).
            self.say("")
        # Minutes typed or stepped wait for Set, Enter or leaving the box: the row went on saying
        # "✓ saved — on Maya's phone" over minutes not set (an outside tester).
        self.choosing.emit(CUSTOM_NOT_SET if self.custom_spin.typed_minutes() != self._value else "")

    def _custom_stepped(self, _minutes: int) -> None:
        if self.custom_spin.hasFocus():  # the arrows or the wheel in the box, not a value shown
            self._custom_touched()

    def _custom_emptied(self, text: str) -> None:
        self._custom_blank = not text.removesuffix(self.custom_spin.suffix()).strip()

    def _custom_edited(self) -> None:
        """The box was left (or Enter pressed): minutes typed there are set, even with a preset
        chosen — left unset, they stayed in the box looking set while the old limit applied. An
        emptied box sets nothing and shows the limit set again: Qt put back the last number it
        held, a refused "99999", and refused it again (an outside tester)."""
        if self._custom_blank:
            self._custom_blank = self._custom_typed = False
            self.choosing.emit("")  # shown again: nothing waits
            self.say("")
            self.show_current()
            return
        typed, self._custom_typed = self._custom_typed, False
        if self.custom_radio.isChecked() or typed:
            self._apply_custom()  # set or refused: it says which
        else:
            self.choosing.emit("")

    def _apply_custom(self) -> None:
        minutes = self.custom_spin.value()
        refused = minutes_refused(self.custom_spin, self.bounds)
        # Refused, the minutes are still not set: "✓ saved" stood beside "-5" (an outside tester).
        self.choosing.emit(CUSTOM_NOT_SET if refused is not None else "")
        if refused is not None:
            self.say(f"✗ {refused}. Nothing was changed.")
            self.custom_spin.setFocus()
            return
        self.custom_radio.setChecked(True)
        if not self._emit(minutes):
            self.show_current()  # 60 typed with 1 h set: "1 h" stays the choice checked, nothing is sent


class OverridesEditor(Editor):
    """Per-weekday limits: tick a day to give it its own value (range shown beside them)."""

    def __init__(self, spec: ControlSpec, parent: QWidget | None = None) -> None:
        super().__init__(spec, parent)
        self.bounds = spec.bounds or (DAILY_LIMIT_MIN, DAILY_LIMIT_MAX)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        days = FlowLayout(balanced=True)  # seven day columns wrap in a narrow window instead of being cut off
        layout.addLayout(days)
        self.day_checks: dict[str, QCheckBox] = {}
        self.day_spins: dict[str, MinutesBox] = {}
        for day in WEEKDAYS:
            check = named(QCheckBox(DAY_NAMES[day]), f"override_{day}", f"Own limit on {DAY_NAMES[day]}")
            spin = minutes_box(
                f"override_{day}_minutes", f"Limit on {DAY_NAMES[day]} in minutes", 120 if day in ("sat", "sun") else 60
            )
            spin.setSingleStep(15)
            spin.setAccessibleDescription(f"Allowed: {range_text(self.bounds)}")
            check.clicked.connect(self._changed)
            spin.editingFinished.connect(self._spin_done)
            spin.lineEdit().textEdited.connect(self._typing)
            spin.valueChanged.connect(self._typing)
            days.addWidget(flow_cell(check, spin, vertical=True))
            self.day_checks[day] = check
            self.day_spins[day] = spin
        self.range_label = named(QLabel(f"Each day: {range_text(self.bounds)}"), "overridesRange", "Allowed limits")
        layout.addWidget(self.range_label)
        layout.addWidget(self.message)

    def _show(self, value: Any) -> None:
        overrides = dict(value or {})
        for day in WEEKDAYS:
            self.day_checks[day].setChecked(day in overrides)
            self.day_spins[day].setEnabled(day in overrides)
            if day in overrides:
                self.day_spins[day].setValue(overrides[day])

    def follow(self, controls: Controls) -> None:
        """A day not ticked offers the daily limit: ticking it changes nothing until its number
        is changed. It offered 60 (120 at the weekend) whatever the limit, applied at once on the
        tick: 45 min a day became 1 h on Mondays, a value nobody chose (an outside tester)."""
        usual = controls.daily_limit_minutes
        if usual is None:
            return
        for day in WEEKDAYS:
            if not self.day_checks[day].isChecked():
                self.day_spins[day].setValue(usual)

    def _current(self) -> dict[str, int] | None:
        """The ticked days' limits, or None (and why, said) when one is out of range."""
        low, high = self.bounds
        ticked = [day for day in WEEKDAYS if self.day_checks[day].isChecked()]
        unread = [f"{DAY_NAMES[d]}: {minutes_refused(self.day_spins[d], self.bounds)}" for d in ticked
                  if self.day_spins[d].unreadable() is not None]  # fmt: skip
        if unread:
            self.say(f"✗ {'; '.join(unread)}. Nothing was changed.")
            return None
        values = {day: self.day_spins[day].value() for day in ticked}
        wrong = [f"{DAY_NAMES[d]} {m} min" for d, m in values.items() if not low <= m <= high]
        if wrong:
            self.say(f"✗ {', '.join(wrong)}: outside the allowed {range_text(self.bounds)}. Nothing was changed.")
            return None
        return values

    def _changed(self) -> None:
        for day in WEEKDAYS:
            self.day_spins[day].setEnabled(self.day_checks[day].isChecked())
        values = self._current()
        if values is not None:
            self.choosing.emit("")
            self._emit(values)
        else:  # a tick refused with the rest: the row said "✓ saved" over it (an outside tester)
            self.choosing.emit(DAYS_NOT_SET)

    def cancel_pending(self) -> None:
        self.choosing.emit("")  # another teen is shown: what was typed here goes (clear_drafts)

    def _typing(self) -> None:
        """Minutes typed or stepped in a day's box wait for Enter or leaving it (as the custom
        limit's do): said on the row, where "✓ saved" stood over them."""
        if not any(spin.hasFocus() for spin in self.day_spins.values()):
            return  # a value shown, not typed
        typed = {day: self.day_spins[day].typed_minutes() for day in WEEKDAYS if self.day_checks[day].isChecked()}
        self.choosing.emit(DAY_NOT_SET if typed != dict(self._value or {}) else "")
        if None not in typed.values() and self.message.text().startswith("✗"):
            self.say("")  # minutes typed back where the box was refused: the refusal is no longer so

    def _spin_done(self) -> None:
        values = self._current()
        self.choosing.emit("" if values is not None else DAYS_NOT_SET)
        if values is not None:
            self._emit(values)


def _clock(edit: QTimeEdit) -> str:
    return edit.time().toString("HH:mm")


# The new time-away block as first offered: school nights, the common case.
NEW_BLOCK_DAYS = ("sun", "mon", "tue", "wed", "thu")
NEW_BLOCK_TIMES = ("22:00", "07:00")


# Keys typed this soon after a refused one (and after each other) finish the time refused: a
# person who reads the refusal and types again pauses longer (famguard.ui.control_editors.TimeBox).
REFUSED_BURST_S = 0.5

# What a time box says when a key typed was not part of a time (famguard.ui.control_editors.TimeBox).
NOT_A_TIME = "is not a time: type hours 00–23 and minutes 00–59, as 21:30 (or 9:30pm)"


# Said when "Add block" acts on a refusal whose own words are no longer on screen.
A_TIME_REFUSED = "✗ A time typed was refused."


def acknowledge_refusals(*boxes: TimeBox) -> list[TimeBox]:
    """The boxes of `boxes` where a refusal stands (an Add or a Save right after it then does
    nothing and says so), each taken as said: the next Add or Save acts on the times shown."""
    standing = [box for box in boxes if box.refusal_standing]
    for box in standing:
        box.refusal_standing = False
    return standing


def refused_words(typed: str, shown: str) -> str:
    """What is said under a time box of a time it refused (`TimeBox.typing_refused`), with the
    time it shows again; "" once Esc has taken the refusal back."""
    return f"✗ “{typed}” {NOT_A_TIME}. The box shows {shown} again." if typed else ""


class TimeBox(QTimeEdit):
    """A time box entered at its hours, whichever way it came, so typing a time types it whole:
    Shift+Tab put the keyboard on the minutes and "08:00" typed there gave 21:08, and a click on
    the minutes then "21:30" gave 23:30 (two outside testers). A click in a box that has the
    keyboard already puts the cursor where it is clicked, as Qt does. Tab leaves the box (Qt's
    went to the minutes first: two stops a box, which a keyboard user did not expect); ":" or
    the Right key goes to the minutes.

    A key that cannot be part of a time is not dropped without a word: "25:99" became 02:09 and
    "12:60" 12:06, saved, and letters typed showed nothing (outside testers). At that key the box
    shows again the time it held before the typing, ready for a new one, and `typing_refused`
    says what was typed and that time — as typed, not once the box is left: the box showed 02:09
    while the words said "25" was refused (a tester). The refusal stands (`refusal_standing`)
    until a key of a new time is taken, Esc, or an editor that acted on it clears it; Enter right
    after it goes no further (in a dialog it pressed Save with the time put back, unseen)."""

    typing_refused = Signal(str, str)  # what was typed, e.g. "25"; the time ("HH:mm") shown again

    def __init__(self) -> None:
        super().__init__()
        self._typed = ""  # the keys of the time being typed
        self._before: QTime | None = None  # the time the box held when that typing began
        self.refusal_standing = False  # a refusal said, and no key of a new time taken since
        self._quoted = ""  # what was typed, up to the refusal and the keys of its burst
        self._burst_until = 0.0  # time.monotonic(): keys before it finish the refused time
        self.editingFinished.connect(self._typing_done)  # first: before the editors' own slots

    def focusInEvent(self, event: QFocusEvent) -> None:  # noqa: N802 - Qt's name
        super().focusInEvent(event)
        if event.reason() in (
            Qt.FocusReason.TabFocusReason,
            Qt.FocusReason.BacktabFocusReason,
            Qt.FocusReason.ShortcutFocusReason,
        ):
            self.setSelectedSection(QTimeEdit.Section.HourSection)
        elif event.reason() == Qt.FocusReason.MouseFocusReason:
            # After the click's own placing of the cursor, which follows this event.
            QTimer.singleShot(0, self, lambda: self.setSelectedSection(QTimeEdit.Section.HourSection))

    def focusNextPrevChild(self, next: bool) -> bool:  # noqa: N802, A002 - Qt's names
        return QWidget.focusNextPrevChild(self, next)  # the next widget, not the minutes

    def typing_to_undo(self) -> bool:
        """A time typed or stepped here and not set yet (Enter, or the box left, sets it)."""
        return self._before is not None

    def undo_typing(self) -> None:
        """Ctrl+Z or Escape over a time not set yet: the time the box held before it, whole. Qt's
        own history gave 06:00, then 00:00, for "06:30" typed over 08:00 — and leaving the box
        saved that (an outside tester)."""
        if self._before is not None:
            before = self._before
            self._typed, self._before = "", None
            self.setTime(before)
            self.setSelectedSection(QTimeEdit.Section.HourSection)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        line = self.lineEdit()
        key = event.text()[:1]
        text_key = bool(key) and (key.isalnum() or key in ":.")
        plain = not event.modifiers() & ~Qt.KeyboardModifier.ShiftModifier  # no Ctrl, Alt, …
        if not text_key or not plain:
            self._burst_until = 0.0  # Esc, Enter, Backspace, Ctrl+A…: a key of its own, not the burst's
        if event.key() == Qt.Key.Key_Escape and self.refusal_standing and self._before is None:
            self.refusal_standing, self._quoted = False, ""  # the time shown is the one before: the words may go
            self.typing_refused.emit("", self.time().toString("HH:mm"))
            event.accept()
            return
        if self._before is not None and (
            event.matches(QKeySequence.StandardKey.Undo) or event.key() == Qt.Key.Key_Escape
        ):
            self.undo_typing()
            event.accept()
            return
        if self._before is None and event.key() in STEP_KEYS:
            self._before = self.time()  # stepped with the arrows: not set until left, as typed
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.refusal_standing and self._before is None:
            event.accept()  # the refusal is on screen; the next Enter sets the time shown
            self.refusal_standing = False
            return
        if not text_key:
            super().keyPressEvent(event)
            return
        if time.monotonic() < self._burst_until and plain:
            # The rest of the refused time, typed in one go ("25:99": ":99" after the "5"): part
            # of what is refused, not the start of a new time — applied, it made 09:09.
            self._burst_until = time.monotonic() + REFUSED_BURST_S
            self._quoted += key
            self.typing_refused.emit(self._quoted, self.time().toString("HH:mm"))
            event.accept()
            return
        if key.isalpha():
            if plain:
                self._letter(key.lower())
                event.accept()
            else:
                super().keyPressEvent(event)  # Alt+S and the like: the window's
            return
        if self._before is None:
            self._before = self.time()
        if key.isdigit() and line.hasSelectedText() and line.selectedText() == line.text():
            # With the whole time selected (Ctrl+A, a double click) Qt ignored a typed time, or
            # typed "8:30" into the minutes of 21:00 and gave 21:30: typing over everything starts
            # at the hours, and "9" typed so is 09:00, not 09 and the minutes there were.
            self._typed = self._quoted = ""
            self.setTime(QTime(0, 0))
            self.setSelectedSection(QTimeEdit.Section.HourSection)
        text, cursor = line.text(), line.cursorPosition()
        super().keyPressEvent(event)
        self._typed += key
        if key.isdigit() and line.text() == text and line.cursorPosition() == cursor:
            self._refuse()  # Qt's box dropped it: "5" after "2" in the hours
        else:
            self.refusal_standing, self._quoted = False, ""  # a key of a new time taken

    def _letter(self, letter: str) -> None:
        """ "7pm" as a parent writes it is 19:00, "12am" 00:00; any other letter is refused. Qt's
        box dropped letters without a word: "7pm" was saved as 07:00 and "10pm" became 10:00 (an
        outside tester)."""
        if self._before is None:
            self._before = self.time()
        after = self._typed[-1:]
        self._typed += letter
        if letter in "ap" and after.isdigit():
            clock = _twelve_hour_clock(self._typed[:-1])
            if clock is None:
                self._refuse()  # "19pm", "14am", "7:75pm"
                return
            hour, minute = clock
            self.setTime(QTime(hour % 12 + (12 if letter == "p" else 0), minute))
        elif not (letter == "m" and after in ("a", "p")):
            self._refuse()
            return
        self.refusal_standing, self._quoted = False, ""

    def _refuse(self) -> None:
        # Quoted with what was refused before it in this stay: after "25" the ":99" of "25:99" is
        # refused too, and the words say "25:99", as typed.
        self._quoted += self._typed
        typed, before = self._quoted, self._before or self.time()
        self._typed, self._before = "", None
        self.setTime(before)
        self.setSelectedSection(QTimeEdit.Section.HourSection)
        self.refusal_standing = True
        self._burst_until = time.monotonic() + REFUSED_BURST_S
        self.typing_refused.emit(typed, before.toString("HH:mm"))

    def _typing_done(self) -> None:
        self._typed, self._before, self._quoted, self._burst_until = "", None, "", 0.0


def _twelve_hour_clock(typed: str) -> tuple[int, int] | None:
    """The hour (1-12) and minutes of a time typed before "am"/"pm", as a parent writes it: "7",
    "930", "1030", "9:30", "9.30", "7:5" (7:05). None when it is not one. Read from what was typed,
    not from Qt's box: "930pm" was saved as 21:00 and "7:5pm" as 19:00 (an outside tester)."""
    hours, mark, minutes = typed.replace(".", ":").partition(":")
    if not mark:
        digits = hours
        hours, minutes = (digits, "") if len(digits) <= 2 else (digits[:-2], digits[-2:])
    if not hours.isdigit() or (minutes and not minutes.isdigit()) or len(hours) > 2 or len(minutes) > 2:
        return None
    hour, minute = int(hours), int(minutes or 0)
    return (hour, minute) if 1 <= hour <= 12 and minute < 60 else None


def time_box(object_name: str, accessible: str, text: str) -> TimeBox:
    edit = named(TimeBox(), object_name, accessible)
    # Said with the box's name, as the minute boxes' "Allowed: …" is (a tester with a screen reader).
    edit.setAccessibleDescription("Type a time as 21:30, or as 9:30pm")
    edit.setDisplayFormat("HH:mm")
    edit.setTime(QTime.fromString(text, "HH:mm"))
    return edit


class TimeAwayEditor(Editor):
    """Weekly blocks in which the app is locked: the blocks set now (or "No time away set."),
    then a clearly labelled "New block" row to add one — its ticked days are a draft, not a
    setting, so they never sit next to the words "none set" unlabelled."""

    def __init__(self, spec: ControlSpec, parent: QWidget | None = None) -> None:
        super().__init__(spec, parent)
        self.list = named(QListWidget(), "timeAwayList", "Time away blocks")
        self.remove_button = named(QPushButton("Remove"), "timeAwayRemove", "Remove the selected time away block")
        self.empty_label = wrapping_label("No time away set.", "timeAwayEmpty")
        self.day_checks = {
            day: named(QCheckBox(DAY_NAMES[day]), f"timeAway_{day}", f"New block: time away on {DAY_NAMES[day]}")
            for day in WEEKDAYS
        }
        self.start_edit = time_box("timeAwayStart", "New block starts", NEW_BLOCK_TIMES[0])
        self.end_edit = time_box("timeAwayEnd", "New block ends", NEW_BLOCK_TIMES[1])
        self._new_block_as_first_offered()
        self.add_button = named(QPushButton("Add block"), "timeAwayAdd", "Add time away block")
        self.message.setObjectName("timeAwayMessage")  # a problem with the new block
        existing_row = QHBoxLayout()
        existing_row.addWidget(self.list, 1)
        existing_row.addWidget(self.remove_button, 0, Qt.AlignmentFlag.AlignTop)
        new_label = QLabel("<b>New block:</b>")
        new_label.setObjectName("timeAwayNewLabel")
        days_row = FlowLayout()  # wraps in a narrow window
        days_row.addWidget(new_label)
        for check in self.day_checks.values():
            days_row.addWidget(check)
        times_row = QHBoxLayout()
        for text, widget in (("from", self.start_edit), ("to", self.end_edit)):
            times_row.addWidget(QLabel(text))
            times_row.addWidget(widget)
        times_row.addWidget(self.add_button)
        times_row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.empty_label)
        layout.addLayout(existing_row)
        layout.addLayout(days_row)
        layout.addLayout(times_row)
        layout.addWidget(self.message)
        self.add_button.clicked.connect(self._add)
        self.remove_button.clicked.connect(self._remove)
        # A refused time and then "Add block" at once added a block with the time put back, and
        # the refusal went unseen (a support agent): while it stands, a click adds nothing, and
        # says so. The refusal's words go once a time is taken: they stayed for good (a tester).
        self._refusal_said = ""  # the words of a time box's refusal, while they are on screen
        for box in (self.start_edit, self.end_edit):
            box.typing_refused.connect(self._typing_refused)
            box.editingFinished.connect(self._box_left)

    def _typing_refused(self, typed: str, shown: str) -> None:
        self._refusal_said = refused_words(typed, shown)
        self.say(self._refusal_said)

    def _box_left(self) -> None:
        standing = self.start_edit.refusal_standing or self.end_edit.refusal_standing
        if self._refusal_said and not standing:
            self._refusal_said = ""  # a time taken since: the words no longer say what is shown
            self.say("")

    def _new_block_as_first_offered(self) -> None:
        for day, check in self.day_checks.items():
            check.setChecked(day in NEW_BLOCK_DAYS)
        self.start_edit.setTime(QTime.fromString(NEW_BLOCK_TIMES[0], "HH:mm"))
        self.end_edit.setTime(QTime.fromString(NEW_BLOCK_TIMES[1], "HH:mm"))

    def clear_drafts(self) -> None:
        super().clear_drafts()
        self._new_block_as_first_offered()

    def _show(self, value: Any) -> None:
        self.list.clear()
        for block in value or ():
            self.list.addItem(block_text(block))
        self.list.setVisible(bool(value))  # an empty box says less than "No time away set."
        self.list.setFixedHeight(min(90, 8 + 22 * len(value or ())))
        self.remove_button.setVisible(bool(value))
        self.empty_label.setVisible(not value)
        self._refusal_said = ""
        self.say("")

    def _add(self) -> None:
        if acknowledge_refusals(self.start_edit, self.end_edit):
            said = self._refusal_said or A_TIME_REFUSED
            self.say(f"{said} Nothing was added: choose “Add block” again to add it with the times shown.")
            return
        days = tuple(d for d in WEEKDAYS if self.day_checks[d].isChecked())
        start, end = _clock(self.start_edit), _clock(self.end_edit)
        if not days:
            self.say("✗ Choose at least one day.")
            return
        if start == end:
            self.say("✗ A block must end at a different time than it starts.")
            return
        block = TimeAwayBlock(days, start, end)
        if block in tuple(self._value or ()):
            self.say(f"✗ {block_text(block)} is set already.")
            return
        overlapping = blocks_overlapping(block, tuple(self._value or ()))
        if self._emit((*tuple(self._value or ()), block)) and overlapping:
            # Both lock: added over "22:00–07:00", a "21:00–07:00" meant to replace it stood beside
            # it without a word (an outside tester).
            them = "; ".join(block_text(other) for other in overlapping)
            self.say(f"ℹ It overlaps {them}: both lock the app. Remove the one it replaces, if it does.")

    def _remove(self) -> None:
        row = self.list.currentRow()
        blocks = list(self._value or ())
        if not 0 <= row < len(blocks):
            self.say("✗ Select a block to remove first.")  # said aloud, as a refusal is
            return
        del blocks[row]
        self._emit(tuple(blocks))


class QuietHoursEditor(Editor):
    """Muted notifications between two times, or none."""

    def __init__(self, spec: ControlSpec, parent: QWidget | None = None) -> None:
        super().__init__(spec, parent)
        # Named as it reads ("Quiet hours on" was not what the screen showed: an outside tester).
        self.enabled_check = named(QCheckBox("Mute notifications"), "quietHoursOn", "Quiet hours: mute notifications")
        self.start_edit = time_box("quietHoursStart", "Quiet hours start", "21:00")
        self.end_edit = time_box("quietHoursEnd", "Quiet hours end", "08:00")
        times = QHBoxLayout()
        times.addWidget(self.enabled_check)
        times.addWidget(QLabel("from"))
        times.addWidget(self.start_edit)
        times.addWidget(QLabel("to"))
        times.addWidget(self.end_edit)
        times.addStretch(1)
        # Under the times, the row's width: beside them a refusal wrapped into a column a few words
        # wide (a character wide at 150 %: an outside tester).
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(times)
        layout.addWidget(self.message)
        self.enabled_check.clicked.connect(self._changed)
        for box in (self.start_edit, self.end_edit):
            box.typing_refused.connect(self._typing_refused)
            box.editingFinished.connect(partial(self._left, box))

    def _typing_refused(self, typed: str, shown: str) -> None:
        self.say(f"{refused_words(typed, shown)} Nothing was changed." if typed else "")

    def _left(self, box: TimeBox) -> None:
        # Left by a click elsewhere, a refused time was said and then taken back at once by the
        # check of the times as they are (the old ones): "put back without a word" (a support
        # agent). Its time is the one before, so there is nothing to check or send.
        if not box.refusal_standing:
            self._changed()

    def _show(self, value: Any) -> None:
        self.enabled_check.setChecked(value is not None)
        if value is not None:
            self.start_edit.setTime(QTime.fromString(value.start, "HH:mm"))
            self.end_edit.setTime(QTime.fromString(value.end, "HH:mm"))
        self.start_edit.setEnabled(value is not None)
        self.end_edit.setEnabled(value is not None)

    def _changed(self) -> None:
        on = self.enabled_check.isChecked()
        self.start_edit.setEnabled(on)
        self.end_edit.setEnabled(on)
        start, end = _clock(self.start_edit), _clock(self.end_edit)
        if on and start == end:
            # Said, and the row says the times shown are not set: left at 21:00 to 21:00 without a
            # word, the boxes went on showing a time never sent, and a later change of the start
            # sent that end with it (an outside tester). The times stay as typed: moving both
            # (21:00–08:00 to 08:00–…) passes through one time for a moment.
            self.say(f"✗ {self.problem(QuietHours(start, end))} Nothing was changed.")
            self.choosing.emit(TIMES_NOT_SET)
            return
        self.choosing.emit("")
        self._emit(QuietHours(start, end) if on else None)


class KeywordEditor(Editor):
    """Words and hashtags removed from the teen's feeds."""

    def __init__(self, spec: ControlSpec, parent: QWidget | None = None) -> None:
        super().__init__(spec, parent)
        self.list = named(QListWidget(), "keywordList", "Filtered keywords")
        self.edit = named(QLineEdit(), "keywordEdit", "New keyword")
        self.edit.setPlaceholderText("a word or #hashtag")
        self.add_button = named(QPushButton("Add"), "keywordAdd", "Add keyword")
        removes = "The keyword typed in the box, or else the one selected"
        self.remove_button = named(QPushButton("Remove"), "keywordRemove", "Remove keyword", removes)
        self.message.setObjectName("keywordMessage")
        row = QHBoxLayout()
        row.addWidget(self.edit, 1)
        row.addWidget(self.add_button)
        row.addWidget(self.remove_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.list)
        layout.addLayout(row)
        layout.addWidget(self.message)
        self.add_button.clicked.connect(self._add)
        self.edit.returnPressed.connect(self._add)
        self.edit.textChanged.connect(self._typed)
        self.remove_button.clicked.connect(self._remove)

    def clear_drafts(self) -> None:
        super().clear_drafts()
        self.edit.clear()

    def _show(self, value: Any) -> None:
        self.list.clear()
        # A word stored by an older service may hold what the rule now refuses: shown harmless.
        self.list.addItems([harmless(word) for word in value or ()])
        self.list.setVisible(bool(value))
        self.list.setFixedHeight(min(90, 8 + 22 * len(value or ())))
        self.remove_button.setEnabled(bool(value))
        self.say(self._count_words())

    def _count_words(self) -> str:
        count = len(self._value or ())
        return f"{count} of {self.spec.max_items} words." if count else "No keywords filtered."

    def _typed(self, text: str) -> None:
        """A refusal is about the text it was said of: it goes when the text changes (it stayed
        under a corrected word). A pasted list, one keyword a line, shows on one line with its
        breaks invisible ("alpha beta #gamma" read as one keyword): said how many it holds, as for
        words between commas."""
        lines = _keywords_in(text)
        if len(lines) > 1:
            # Counted as Add counts them: "4 keywords" of which Add then added 2 (an outside tester).
            skipped = len(lines) - len(self._new_words(lines))
            how = "one a line" if "," not in text else "between commas"
            if not skipped:
                self.say(f"{len(lines)} keywords, {how}: Add adds them all.")
            elif skipped < len(lines):
                self.say(
                    f"{len(lines)} keywords, {how}, {skipped} of them repeated or in the list "
                    f"already: Add adds the other {len(lines) - skipped}."
                )
            else:
                self.say(f"{len(lines)} keywords, {how}, all of them in the list already.")
        elif self.message.text().startswith("✗") or " keywords, " in self.message.text():  # said of other text
            self.say(self._count_words())

    def _add(self) -> None:
        text = self.edit.text()
        # A pasted list, one keyword a line, is that many keywords; a line break inside one is not.
        lines = _keywords_in(text)
        if not lines:
            return
        for line in lines:
            hidden = plain_text_problem(line)  # before the spaces are joined: the service's rule
            if hidden is not None:
                quoted = f"“{harmless(kept_keyword(line))}”: " if len(lines) > 1 else ""
                self.say(f"✗ {quoted}{hidden}")
                self._refused_typing()
                return
        current = tuple(self._value or ())
        new = self._new_words(lines)
        if not new:
            said: dict[str, str] = {}  # each once, as first typed ("vape" and "Vape" were both said)
            for word in map(kept_keyword, lines):
                said.setdefault(word.casefold(), word)
            already = "“" + "”, “".join(said.values()) + "”"
            self.say(f"✗ {already} {'is' if len(said) == 1 else 'are'} already in the list.")
            self._refused_typing()
            return
        if len(lines) > 1:  # a refused word of a pasted list is named (of 230 lines, which one?)
            for word in new:
                problem = self.problem((word,))
                if problem is not None:
                    shown = word if len(word) <= 24 else f"{word[:23]}…"
                    self.say(f"✗ “{harmless(shown)}”: {problem}")
                    self._refused_typing()
                    return
        if self._emit((*current, *new)):
            self.edit.clear()  # only once asked for: a refused word stays to be corrected
        else:
            self._refused_typing()

    def _refused_typing(self) -> None:
        """A refused word stays in the box, selected: what is typed next replaces it. Left with the
        cursor after it, "vape" typed after a refused "#DIET" added "#DIETvape" (an outside tester)."""
        self.edit.setFocus()
        self.edit.selectAll()

    def _new_words(self, lines: list[str]) -> list[str]:
        """The keywords of `lines` not in the list yet, each once (letter case aside)."""
        known = {w.casefold() for w in self._value or ()}
        new: list[str] = []
        for word in map(kept_keyword, lines):
            if word.casefold() not in known:
                known.add(word.casefold())
                new.append(word)
        return new

    def _remove(self) -> None:
        words = list(self._value or ())
        # The word typed in the box, when it is in the list, before the one selected: "#diet" typed
        # and Remove said "Select a keyword to remove first", or removed the "#prank" selected
        # earlier (a support agent demoing, then a re-tester).
        typed = kept_keyword(self.edit.text()).casefold()
        row = next((i for i, word in enumerate(words) if typed and word.casefold() == typed), -1)
        typed_removed = row >= 0
        if not typed_removed:
            row = self.list.currentRow()
        if not 0 <= row < len(words):
            if typed:
                self.say(f"✗ “{harmless(kept_keyword(self.edit.text()))}” is not in the list, so nothing was removed.")
            else:
                self.say("✗ Select a keyword, or type one in the list, to remove it.")  # said aloud, as a refusal is
            return
        del words[row]
        if not words and self.remove_button.hasFocus():
            # Remove turns off with the last word: Qt handed the keyboard to the next widget in
            # the window, the teen's phone panel (a re-tester with the keyboard). The word box.
            self.edit.setFocus()
        if self._emit(tuple(words)) and typed_removed:
            self.edit.clear()


def _keywords_in(text: str) -> list[str]:
    """The keywords typed or pasted: one a line, or between commas — "vape, #skinnytok" was
    added as the one keyword "vape, #skinnytok", which no post holds (a parent trying the demo,
    who read the count going up as two words filtered)."""
    return [piece for line in text.splitlines() for piece in line.split(",") if kept_keyword(piece)]


ZONE_NAME_MAX = 64  # characters a zone name may be typed with (IANA's longest has 32)
ZONE_SHOWN_MAX = 40  # characters of a refused name said back


class _ZoneBox(QComboBox):
    """The time zone's drop-down. After Tab it holds the keyboard and answers Escape itself, which
    its typing box never saw: a Space over the selected zone left a blank that Escape did not undo
    (an outside tester). `escape_pressed` is asked first (True: it put the zone back)."""

    def __init__(self) -> None:
        super().__init__()
        self.escape_pressed: Callable[[], bool] = lambda: False

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        if event.key() == Qt.Key.Key_Escape and self.escape_pressed():
            event.accept()
            return
        super().keyPressEvent(event)


class TimezoneEditor(Editor):
    """An IANA time zone, picked from the list or typed (with completion). Stepping through the
    list with the arrow keys applies once the guardian settles (or at once on Enter or leaving the
    box), like the other choices."""

    def __init__(self, spec: ControlSpec, parent: QWidget | None = None) -> None:
        super().__init__(spec, parent)
        self.combo = named(_ZoneBox(), "timezoneCombo", "Time zone")
        self.combo.setEditable(True)
        self.combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.combo.addItems(timezone_names())
        completer = self.combo.completer()
        assert completer is not None  # an editable combo box has one
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.combo.setMinimumWidth(260)
        # Sized for 30 characters rather than for its longest name: measuring ~400 names took the
        # controls page's first layout 4-5 ms (the list itself is as wide as its names).
        self.combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.combo.setMinimumContentsLength(30)
        # Its own width whatever is said beside it: it took the whole row while nothing was said,
        # and jumped to a third of it under the pointer when a message came.
        self.combo.setSizePolicy(QSizePolicy.Policy.Fixed, self.combo.sizePolicy().verticalPolicy())
        self.message.setObjectName("timezoneMessage")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.combo, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.message, 1)
        self._settle = QTimer(self)
        self._settle.setSingleShot(True)
        self._settle.setInterval(SETTLE_MS)
        self._settle.timeout.connect(self._finished)
        self.combo.activated.connect(self._stepped)
        line_edit = self.combo.lineEdit()
        assert line_edit is not None  # an editable combo box has one
        # No zone name is longer (the longest is 32): a paste of thousands of characters went in
        # whole, and its refusal repeated them all, squeezing the box beside it.
        line_edit.setMaxLength(ZONE_NAME_MAX)
        # The keyboard is in this box within the drop-down: unnamed, a screen reader said only the
        # zone it held (and Qt names an editable drop-down by its text), never what it is for.
        line_edit.setAccessibleName("Time zone")
        line_edit.editingFinished.connect(self._finished)
        # Escape puts the zone that is set back (after "Mars/Olympus" it stayed, refused; the
        # typing box leaves Escape to the drop-down); typing again clears a refusal that was about
        # the text before.
        self.combo.escape_pressed = self._put_back
        line_edit.textEdited.connect(self._typing)

    def _put_back(self) -> bool:
        """Escape: the zone that is set, back in the box (True: Escape was this box's)."""
        if self.combo.currentText() == self._value:
            return False
        self.cancel_pending()
        self.show_current()
        return True

    def _typing(self, _text: str) -> None:
        if self.message.text().startswith("✗"):
            self.say("")

    def _stepped(self, _index: int) -> None:
        if self.combo.currentText() != self._value:
            self._settle.start()
            self.choosing.emit(CHOOSING)

    def _finished(self) -> None:
        self._settle.stop()
        self.choosing.emit("")
        self._pick(self.combo.currentText())

    def cancel_pending(self) -> None:
        self._settle.stop()
        self.say("")
        self.choosing.emit("")

    def _show(self, value: Any) -> None:
        index = self.combo.findText(value)
        if index < 0:
            self.combo.addItem(value)
            index = self.combo.count() - 1
        # The index, not only the text: the arrow keys and the open list step from the current
        # index, which setCurrentText leaves on the first zone (one Down moved a London teen's day
        # to Africa/Accra).
        self.combo.setCurrentIndex(index)

    def _pick(self, text: str) -> None:
        if self.combo.findText(text) < 0:
            shown = text if len(text) <= ZONE_SHOWN_MAX else f"{text[: ZONE_SHOWN_MAX - 1]}…"
            self.say(f"✗ “{shown}” is not a time zone; pick one from the list, e.g. Europe/London.")
            return
        self._emit(text)


# The widget for each editor kind; a control names its kind in its spec. A new kind adds one line.
EDITORS: dict[EditorKind, Callable[[ControlSpec], Editor]] = {
    EditorKind.RADIO: ChoiceEditor,
    EditorKind.CHECKBOX: ToggleEditor,
    EditorKind.DAILY_LIMIT: DailyLimitEditor,
    EditorKind.WEEKDAY_LIMITS: OverridesEditor,
    EditorKind.TIME_AWAY: TimeAwayEditor,
    EditorKind.QUIET_HOURS: QuietHoursEditor,
    EditorKind.KEYWORD_LIST: KeywordEditor,
    EditorKind.TIMEZONE_PICKER: TimezoneEditor,
}


def make_editor(spec: ControlSpec) -> Editor:
    """The editor the spec asks for."""
    return EDITORS[spec.editor](spec)
