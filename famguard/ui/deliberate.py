"""What keeps an edit on the controls page deliberate, in one place: a radio group's choice made
with the arrow keys is committed only once the guardian settles (`Settling`), minutes are typed
freely and checked against the declared range on commit, with the range shown (`minutes_box`,
`range_text`), and the mouse wheel scrolls the page instead of changing a box or a drop-down,
focused or not (`WheelGuard`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QKeyEvent, QKeySequence, QValidator
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractScrollArea,
    QAbstractSlider,
    QAbstractSpinBox,
    QComboBox,
    QSpinBox,
    QWidget,
)

from famguard.domain.values import MINUTES_TYPING, format_minutes, read_minutes
from famguard.ui.common import named

SETTLE_MS = 1200  # arrow keys through choices: commit once the guardian stops for this long
# What a setting says while a choice made with the arrow keys waits for the guardian to stop.
# Short enough to sit beside the setting's title, as "✓ saved — on Maya's phone 19:34" does: the longer
# "… it applies when you stop, or press Enter" took a line of its own and moved the choices down.
CHOOSING = "◷ sent when you stop (or press Enter)"
_ARROWS = (Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_Left, Qt.Key.Key_Right)
STEP_KEYS = (Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_PageUp, Qt.Key.Key_PageDown)  # a spin box's steps
_COMMIT_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


class Settling(QObject):
    """Commits a radio group's choice made with the arrow keys once the guardian settles: each
    arrow step only moves the check mark (Qt clicks the next button), Space or Enter or leaving the
    group commits at once, Escape takes the choice back (`restore` puts the check mark on what is
    set), and a mouse click is not delayed at all."""

    def __init__(
        self,
        editor: QWidget,
        buttons: list[QAbstractButton],
        commit: Callable[[Any], object],
        say: Callable[[str], None],
        restore: Callable[[], None] = lambda: None,
    ) -> None:
        super().__init__(editor)
        self._editor = editor
        self._say = say
        self._restore = restore
        self._buttons = buttons
        self._commit = commit
        self._by_arrow = False
        self._pending: tuple[Any] | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SETTLE_MS)
        self._timer.timeout.connect(self.flush)
        for button in buttons:
            button.installEventFilter(self)
            button.toggled.connect(self._one_tab_stop)
        self._one_tab_stop()

    @property
    def pending(self) -> bool:
        return self._pending is not None

    @property
    def by_arrow(self) -> bool:
        """The click being handled is an arrow-key step."""
        return self._by_arrow

    def chosen(self, value: Any) -> None:
        """A button of the group was clicked (by the mouse, Space, or an arrow step)."""
        if self._by_arrow:
            self._pending = (value,)
            self._timer.start()
            self._say(CHOOSING)
            return
        self.cancel()
        self._commit(value)

    def flush(self) -> None:
        if self._pending is not None:
            (value,), self._pending = self._pending, None
            self._timer.stop()
            self._say("")
            self._commit(value)

    def cancel(self) -> None:
        self._timer.stop()
        if self._pending is not None:
            self._pending = None
            self._say("")

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            if event.key() in _ARROWS:
                self._by_arrow = True  # the click Qt makes while handling this key is a step
                QTimer.singleShot(0, self._arrow_done)
            elif event.key() in _COMMIT_KEYS:
                self.flush()
            elif event.key() == Qt.Key.Key_Escape and self.pending:
                # Backing out: it was sent 1.2 s later with the check mark left on it.
                self.cancel()
                self._restore()
                checked = next((b for b in self._buttons if b.isChecked()), None)
                if checked is not None:
                    checked.setFocus()  # the keyboard with the check mark, where the arrows began
                return True
        elif event.type() == QEvent.Type.FocusOut and self.pending:
            QTimer.singleShot(0, self._left_group)
        return False

    def _arrow_done(self) -> None:
        self._by_arrow = False

    def _one_tab_stop(self, _checked: bool = False) -> None:
        """Tab reaches the group once, at its checked choice (the first usable one when none is),
        as a screen reader expects; the arrows move within it. Qt left every choice a Tab stop and,
        in some groups, Tab landed on an unchecked one — read out as the choice, and Space there
        changed the setting."""
        usable = [b for b in self._buttons if b.isEnabled()]
        stop = next((b for b in usable if b.isChecked()), usable[0] if usable else None)
        for button in self._buttons:
            button.setFocusPolicy(Qt.FocusPolicy.StrongFocus if button is stop else Qt.FocusPolicy.ClickFocus)

    def _left_group(self) -> None:
        focus = self._editor.focusWidget()
        if focus is None or not focus.hasFocus() or focus not in self._buttons:
            self.flush()


class MinutesBox(QSpinBox):
    """Minutes typed freely: any whole number stays as typed (900 is not clamped to 90, 5 not
    reverted) and the editor checks the declared range on commit. Hours and minutes as a parent
    writes them are read too ("1:30", "1.30", "1h30", "2h": famguard.domain.values.read_minutes):
    the box dropped the dot without a word, and "1.30" was saved as 130 min — an exam rule meant
    to cut the day to 1 h 30 raised it to 2 h 10 (an outside tester). What says no number of
    minutes for certain ("1.5", "1:75", "-5", an emptied box) is kept as typed and refused on
    commit (`unreadable`), never reverted to the last number: an emptied box took its last number
    back as the focus left it for "Ask for more time", which asked for that (an outside tester).
    The arrow keys do not step from such text to a number never shown."""

    def __init__(self) -> None:
        super().__init__()
        self._unreadable: str | None = None  # the text typed, when it says no number of minutes
        # The minutes shown when typing or stepping began, until minutes are shown here again
        # (set, or put back): a refused "900" left with Enter is still typing not set.
        self._before: int | None = None

    def typing_to_undo(self) -> bool:
        """Minutes typed or stepped here and not set yet (Enter, or the box left, sets them)."""
        return self._before is not None

    def undo_typing(self) -> None:
        """Ctrl+Z or Escape over minutes not set yet: the minutes shown before them, whole (Qt's
        own history undid a key at a time, and the box left then set what remained)."""
        if self._before is not None:
            before, self._before = self._before, None
            self.setValue(before)
            self.lineEdit().selectAll()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        if self._before is not None and (
            event.matches(QKeySequence.StandardKey.Undo) or event.key() == Qt.Key.Key_Escape
        ):
            self.undo_typing()
            event.accept()
            return
        if event.matches(QKeySequence.StandardKey.SelectAll):
            # Qt selects between the box's prefix and suffix: words typed without " min" after them
            # ("xyz") gave it a negative length, nothing was selected, and "30" typed next made
            # "3xyz0" (an outside tester).
            self.lineEdit().selectAll()
            event.accept()
            return
        editing = bool(event.text()[:1].isprintable() and event.text()) or event.key() in (
            Qt.Key.Key_Backspace,
            Qt.Key.Key_Delete,
            *STEP_KEYS,
        )
        if editing and self._before is None:
            self._before = self.value()
        super().keyPressEvent(event)

    def unreadable(self) -> str | None:
        """What was typed, when it says no number of minutes ("1.5", ""); None when it does."""
        return self._unreadable

    def typed_minutes(self) -> int | None:
        """The minutes the box's text says now (None: it says none), read from the text itself:
        a slot of `textEdited` runs before the box has read a keystroke that emptied it."""
        return self._minutes_in(self._typed(self.lineEdit().text()).strip())

    def setValue(self, value: int) -> None:  # noqa: N802 - Qt's name
        self._unreadable = None  # a value shown (or set back) replaces what could not be read
        self._before = None
        super().setValue(value)
        self.lineEdit().setText(self.textFromValue(self.value()) + self.suffix())

    def stepEnabled(self) -> QAbstractSpinBox.StepEnabledFlag:  # noqa: N802 - Qt's name
        if self._unreadable is not None:  # "-5" and Down gave the last number less a step
            return QAbstractSpinBox.StepEnabledFlag.StepNone
        return super().stepEnabled()

    def validate(self, text: str, pos: int) -> tuple[QValidator.State, str, int]:
        typed = self._typed(text)
        if MINUTES_TYPING.fullmatch(typed) is None:
            return QValidator.State.Invalid, text, pos
        if typed[-1:].isalpha():
            # Words of its own ("90 mins", "2 hours"): Qt put the box's " min" after them again
            # at each key, and the box read "90 mins min" while it was typed (an outside tester).
            return QValidator.State.Acceptable, typed, min(pos, len(typed))
        return QValidator.State.Acceptable, text, pos

    def valueFromText(self, text: str) -> int:  # noqa: N802 - Qt's name
        typed = self._typed(text).strip()
        minutes = self._minutes_in(typed)
        if minutes is None:
            self._unreadable = typed
            return self.value()  # unchanged until it can be read; the text stays as typed
        self._unreadable = None
        return minutes

    def textFromValue(self, value: int) -> str:  # noqa: N802 - Qt's name
        return self._unreadable if self._unreadable is not None else str(value)

    def _minutes_in(self, typed: str) -> int | None:
        """The minutes `typed` says, when the box can hold them; None when it says none."""
        minutes = read_minutes(typed)
        return minutes if minutes is not None and minutes <= self.maximum() else None

    def _typed(self, text: str) -> str:
        suffix = self.suffix()
        return text[: -len(suffix)] if suffix and text.endswith(suffix) else text


def minutes_box(object_name: str, accessible: str, value: int) -> MinutesBox:
    box = named(MinutesBox(), object_name, accessible)
    box.setRange(0, 99999)
    box.setSuffix(" min")
    box.setValue(value)
    return box


def range_text(bounds: tuple[int, int]) -> str:
    low, high = bounds
    return f"{low}–{high} min ({format_minutes(high)})"


def minutes_outside(minutes: int, bounds: tuple[int, int]) -> str | None:
    """Why typed `minutes` are refused ("5 min is outside the allowed 10–720 min (12 h)"), or None
    when `bounds` take them: the words of every minutes box that checks its range on commit."""
    low, high = bounds
    return None if low <= minutes <= high else f"{minutes} min is outside the allowed {range_text(bounds)}"


def minutes_refused(box: MinutesBox, bounds: tuple[int, int]) -> str | None:
    """Why the minutes in `box` are refused — typed so that they say no number of minutes, or
    outside `bounds` — or None when they are taken."""
    typed = box.unreadable()
    if typed == "":
        return "the box is empty; type minutes (90) or hours and minutes (1:30)"
    if typed is not None:
        return f"“{typed}” is not a number of minutes: type minutes (90) or hours and minutes (1:30)"
    return minutes_outside(box.value(), bounds)


class WheelGuard(QObject):
    """A wheel turned over a spin box, a time box or a drop-down scrolls `scroll` (what the
    guardian meant to scroll: the page, or the list beside the choices) instead of changing the
    setting or choice under the pointer — focused or not: a guardian who clicked into the quiet
    hours' start and then scrolled the page moved 21:00 to 23:00, sent when they left the box.
    Such boxes change by typing and the arrow keys; they take focus by click or Tab only. Besides
    the controls page: the history's filters, the Safety Centre's country (the hotline "Report"
    opens) and the temporary rule's form, which has nothing to scroll (`scroll` None: the wheel
    there does nothing)."""

    def __init__(self, scroll: QAbstractScrollArea | None, parent: QObject | None = None) -> None:
        super().__init__(parent if parent is not None else scroll)
        self._scroll = scroll

    def guard(self, root: QWidget) -> None:
        """Every spin box and drop-down inside `root`, and `root` itself when it is one."""
        boxes = [*root.findChildren(QAbstractSpinBox), *root.findChildren(QComboBox)]
        if isinstance(root, QAbstractSpinBox | QComboBox):
            boxes.append(root)
        for widget in boxes:
            widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
            widget.installEventFilter(self)
            typed_in = widget.lineEdit() if isinstance(widget, QComboBox) else None
            if typed_in is not None:  # an editable drop-down's keys arrive at its typing box
                typed_in.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.Wheel:
            if self._scroll is not None:
                QCoreApplication.sendEvent(self._scroll.verticalScrollBar(), event)
            return True
        if (
            event.type() == QEvent.Type.KeyPress
            and self._scroll is not None
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_PageUp, Qt.Key.Key_PageDown)
        ):
            # Page Up and Down scroll the page here too, as everywhere on it: on the time zone they
            # jumped a screenful of zones and sent one (an outside tester), on a box by ten.
            down = event.key() == Qt.Key.Key_PageDown
            self._scroll.verticalScrollBar().triggerAction(
                QAbstractSlider.SliderAction.SliderPageStepAdd
                if down
                else QAbstractSlider.SliderAction.SliderPageStepSub
            )
            return True
        return False
