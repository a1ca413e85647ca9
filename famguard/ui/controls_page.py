"""The controls page of one teen: a row per declared control (famguard.domain.controls.CONTROLS),
in its group, with its one-line explanation, "Learn more", the editor its spec names and its own
sync status ("saving…", "saved", "will be sent when online", an error with Retry). A committed
change applies at once; "Undo “<setting>”" (Ctrl+Z) reverts the last one and says which.

Nothing changes by accident: the mouse wheel over a box that does not have keyboard focus scrolls
the page instead of changing the box (`famguard.ui.deliberate.WheelGuard`), the editors commit deliberately (see
control_editors), and a value refused on this computer is said next to its editor and never
becomes a change with Retry or Undo (`refuse_locally`). Pure view: it emits `change_requested`
and shows what it is told."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import Any  # a control's value: each ControlSpec parses its own type (str, int, tuple, …)

from PySide6.QtCore import QEvent, QObject, QPoint, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QCursor, QKeyEvent, QKeySequence, QPaintEvent, QResizeEvent, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QComboBox,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStyle,
    QStyleOptionButton,
    QStylePainter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from famguard.domain.control_words import control_label
from famguard.domain.controls import CONTROLS, GROUPS, SPECS, Controls, ValueKind
from famguard.ui.common import (
    FocusRing,
    KeysFollowTheView,
    RestOfAQuickPress,
    ampersands_as_letters,
    announce,
    draw_off_screen,
    heading,
    named,
    plain_label,
    plain_tooltip,
    settle_layouts,
    show_words,
    teen_title,
    without_mnemonic,
    without_symbol,
    wrapping_label,
)
from famguard.ui.control_editors import Editor, make_editor
from famguard.ui.deliberate import WheelGuard
from famguard.ui.flow_layout import FlowLayout
from famguard.ui.viewstate import Held, SyncState, state_text

VALUE_SAID_MAX = 60  # a value said with "saved" when no longer than this (not 200 keywords)
REFUSED_STATES = (SyncState.REJECTED, SyncState.CONFLICT)  # said at once, over what is being read

HIGHLIGHT_MS = 2500
HIGHLIGHT_COLOUR, HIGHLIGHT_TEXT = "#fff4c2", "#1a1a1a"  # a pale yellow, and text dark on it in a dark theme too


def undo_keys() -> QKeySequence:
    """Ctrl+Z (Cmd+Z on macOS); made when asked: a key sequence needs the application first."""
    return QKeySequence(QKeySequence.StandardKey.Undo)


TYPING_TO_UNDO = "typingToUndo"  # a time zone's property: typed in since it was last chosen or left


class _UndoKeysToPage(QObject):
    """Ctrl+Z from a box that has no typing of its own to undo goes to the page's Undo, as its
    button says: the box took the keys for its own empty typing history, and nothing happened.
    Typing not yet set is undone first: a time or minutes box puts back, whole, what it showed
    before the typing (Qt's own history turned "06:30" typed over 08:00 into 06:00, then 00:00,
    which leaving the box saved, and a third Ctrl+Z undid another setting); the keyword box
    undoes its typing while it holds any (a refused "#DIET" stayed while two quiet-hours changes
    were undone, off screen — outside testers). Typing set (Enter, or the box left) is the page's
    to undo: the box's history put 21:00 back in the box while 21:30 stayed set."""

    def watch(self, box: QWidget) -> None:
        box.installEventFilter(self)
        if isinstance(box, QComboBox) and (line := box.lineEdit()) is not None:
            line.textEdited.connect(lambda _text: line.setProperty(TYPING_TO_UNDO, True))
            line.editingFinished.connect(lambda: line.setProperty(TYPING_TO_UNDO, False))

    def _typing(self, watched: QObject) -> bool:
        undo_typing = getattr(watched, "typing_to_undo", None)
        if callable(undo_typing):  # a time or minutes box (TimeBox, MinutesBox)
            return bool(undo_typing())
        if isinstance(watched, QComboBox):
            line = watched.lineEdit()
            return line is not None and bool(line.property(TYPING_TO_UNDO)) and line.isUndoAvailable()
        if isinstance(watched, QLineEdit):
            if isinstance(watched.parentWidget(), QComboBox):
                return bool(watched.property(TYPING_TO_UNDO)) and watched.isUndoAvailable()
            return bool(watched.text()) and watched.isUndoAvailable()
        return False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and isinstance(event, QKeyEvent)
            and event.matches(QKeySequence.StandardKey.Undo)
        ):
            if not self._typing(watched):
                return True  # left unaccepted: the shortcut map hands the keys to the page's Undo
            if callable(getattr(watched, "typing_to_undo", None)):
                event.accept()  # the box's own: the key comes to it, which puts its time back
                return True
        return False


class ControlRow(QFrame):
    """One control: title, explanation, learn more, editor, status, and Retry or Choose…."""

    retry_clicked = Signal(str)
    choose_clicked = Signal(str)  # the setting is in conflict: the question, again
    safety_centre_clicked = Signal(str)  # "control:<field>": this control in the Safety Centre

    def __init__(self, field: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        info = SPECS[field]
        self.field = field
        self.setObjectName(f"row_{field}")
        self.title = QLabel(f"<b>{info.label}</b>")
        self.summary = wrapping_label(info.summary, f"summary_{field}")
        self.learn_more = named(
            QToolButton(), f"learnMore_{field}", f"Learn more about {info.label}", "Shows what this setting does"
        )
        self.learn_more.setText("Learn more")
        self.learn_more.setCheckable(True)
        self.learn_more.setAutoRaise(True)
        self.details = wrapping_label(info.details, f"details_{field}")
        self.details.setVisible(False)
        self.learn_more.toggled.connect(self.details.setVisible)
        self.more_help = named(QToolButton(), f"safetyCentre_{field}", f"{info.label} in the Safety Centre")
        self.more_help.setText("What we recommend, in the Safety Centre…")
        self.more_help.setAutoRaise(True)
        self.more_help.setVisible(False)
        self.more_help.clicked.connect(lambda: self.safety_centre_clicked.emit(f"control:{field}"))
        self.learn_more.toggled.connect(self.more_help.setVisible)
        self.learn_more.toggled.connect(lambda on: self.learn_more.setText("Hide details" if on else "Learn more"))
        # Its name follows its words: it was still "Learn more about …" while it read "Hide details".
        self.learn_more.toggled.connect(
            lambda on: self.learn_more.setAccessibleName(
                f"{'Hide details of' if on else 'Learn more about'} {info.label}"
            )
        )
        self.editor = make_editor(info)
        self.editor.choosing.connect(self._choosing)
        # What the page does around words that may move the rows (ControlsPage._holding_still).
        self.hold_still: Callable[[], AbstractContextManager[None]] = nullcontext
        # On Linux a combo box is named by its value ("Europe/London") and gets its label only
        # through a buddy: a screen reader said the zone and never which setting it was.
        combo = self.editor.findChild(QComboBox)
        if combo is not None:
            self.title.setBuddy(combo)
        self.status = named(plain_label(""), f"status_{field}", f"{info.label}: status")
        # A server's reason can be a sentence: it wraps rather than widen the page, on a line of its
        # own when it does not fit beside the title (_place_status).
        self.status.setWordWrap(True)
        self.status.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.retry = named(QPushButton("Retry"), f"retry_{field}", f"Retry saving {info.label}")
        self.retry.setVisible(False)
        self.retry.clicked.connect(lambda: self.retry_clicked.emit(self.field))
        # In conflict: which value stays, asked again. The question put away with Escape left
        # "choose which to keep" under the setting with nothing to choose with (an outside tester).
        self.choose = named(QPushButton("Choose…"), f"choose_{field}", f"Choose which value of {info.label} to keep")
        self.choose.setVisible(False)
        self.choose.clicked.connect(lambda: self.choose_clicked.emit(self.field))
        self.state = SyncState.IDLE
        self.note = ""  # "changed by …", kept after the highlight fades
        self.receipt = ""  # "on Maya's phone 14:02": said after "saved" (the delivery receipt)
        self.receipt_report = ""  # the phone's report that receipt rests on (ReceiptWords.report)
        self.report_before_save = ""  # the report read before this setting's last save: not about it
        self._held: Held = Held.NOT  # as the last state was said, to say it again
        self._message: str | None = None
        self._waiting_choice = ""  # a choice made with the arrow keys, waiting: what the status says
        # The state's words last shown or said: the same state shown again (a typed value taken
        # back, "◷ not set yet" gone) is not said again — "saved" was heard twice for one save.
        self._stated = ""
        # This guardian changed the setting while it is shown: what becomes of it is news to say
        # ("saved", "on Maya's phone"). Not so a teen shown anew with states of its own: switching
        # to Maya said "Search: saved — on Maya's phone 12:26" of a change made for Sam (a tester).
        self._news_expected = False

        # "Learn more" goes under the title when the two do not fit side by side: at 150 % beside
        # the demo's phone, "Duet and Stitch with your teen's videos" and its "Learn more" made
        # the whole page scroll sideways (an outside tester).
        heading = QWidget()
        heading_flow = FlowLayout(heading)
        heading_flow.setContentsMargins(0, 0, 0, 0)
        heading_flow.addWidget(self.title)
        heading_flow.addWidget(self.learn_more)
        self._top = top = QHBoxLayout()
        top.addWidget(heading)
        top.addWidget(self.status, 1)
        top.addWidget(self.retry)
        top.addWidget(self.choose)
        self._layout = layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(self.details)
        layout.addWidget(self.more_help, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.editor)
        self._highlight = QTimer(self)
        self._highlight.setSingleShot(True)
        self._highlight.timeout.connect(lambda: self._set_highlight(False))

    def collapse(self) -> None:
        """Back to the first look (another teen is shown)."""
        self._news_expected = False
        self.learn_more.setChecked(False)
        self.editor.cancel_pending()
        self.editor.clear_drafts()
        self.editor.say("")

    def nothing_waits(self) -> None:
        """What the editor held back is gone (put back by Undo): the status says what is set."""
        self._choosing("")

    def _choosing(self, words: str) -> None:
        """A choice made with the arrow keys waits (`words`), or went or was taken back ("").
        Held still: the words going to a line of their own moved the box being typed in down by
        a line, and back (an outside tester, at 150 %)."""
        if words and words != self._waiting_choice:
            # Said once as it comes: heard nowhere, a Right arrow to hear the next choice saved it
            # 1.2 s later, and Up then Tab set minutes "not set yet" (an outside tester, by ear).
            announce(self.status, f"{SPECS[self.field].label}: {without_symbol(words)}")
        self._waiting_choice = words
        with self.hold_still():
            if words:
                self._say(words)
            else:
                self.set_state(self.state, held=self._held, message=self._message)

    def show_controls(self, controls: Controls) -> None:
        """This setting's value in `controls`, and what its editor offers from the others (a
        weekday limit offers the daily limit)."""
        self.editor.set_value(getattr(controls, self.field))
        self.editor.follow(controls)

    def set_state(self, state: SyncState, *, held: Held, message: str | None) -> None:
        self._held, self._message = held, message
        if state != SyncState.IDLE:
            self.note = ""  # the guardian's own change is newer news than one from elsewhere
        if state == SyncState.SAVED and self.state in (SyncState.PENDING, SyncState.SENDING):
            # A new version: where the phone stood ("on Maya's phone 09:30") was about the last
            # one, until the next receipt (set_receipt) says where it stands with this one.
            self.receipt = ""
            if self.receipt_report:
                self.report_before_save = self.receipt_report
        self.state = state
        text = state_text(state, held=held, message=message)
        if state == SyncState.SAVED and self.receipt:
            text = f"{text} — {self.receipt}"
        self.retry.setVisible(state == SyncState.REJECTED)
        self.choose.setVisible(state == SyncState.CONFLICT)
        # Said aloud when it changes: the focus is on the editor, so a screen reader never read
        # the status label's new words ("saved", "not saved: …", "on Maya's phone since 14:02").
        # Not "saving…": the guardian has just made the change, and the answer follows at once.
        if state in (SyncState.PENDING, SyncState.SENDING):
            self._news_expected = True
        quiet = state == SyncState.IDLE or (state in (SyncState.PENDING, SyncState.SENDING) and held is Held.NOT)
        # "waiting for Maya's phone" straight after "saved" is not news; the phone's taking it is.
        quiet = quiet or (state == SyncState.SAVED and self.receipt.startswith("waiting"))
        expected = self._news_expected or state in REFUSED_STATES
        news, self._stated = text != self._stated, text
        if not quiet and text and news and expected:
            label = SPECS[self.field].label
            words = f"{label}: {without_symbol(text)}"
            if state == SyncState.SAVED and not self.receipt:
                # What was saved, which an Undo does not say otherwise (an outside tester, by ear):
                # "Comments on your teen's videos: saved, Friends" — unless it is long (keywords).
                value = SPECS[self.field].describe(self.editor.value())
                if len(value) <= VALUE_SAID_MAX:
                    words = f"{words}, {value}"
            announce(self.status, words, assertive=state in REFUSED_STATES)
            if state == SyncState.SAVED and self.receipt:
                # On the phone: this change's news is told. The next receipt, of another setting's
                # change, said "Quiet hours: saved — on Maya's phone" again with each setting
                # changed after it (an outside tester heard 7 for one Space).
                self._news_expected = False
        if self._waiting_choice and state in (SyncState.IDLE, SyncState.SAVED):
            return  # a newer choice waits: what was set before is not news beside it
        self._say(text or self.note, tooltip=message or "")

    def flash(self, note: str) -> None:
        """Highlight briefly after a change made elsewhere; the words stay after the colour goes."""
        self.note = note
        announce(self.status, f"{SPECS[self.field].label}: {without_symbol(note)}")
        self._say(note)
        self._set_highlight(True)
        self._highlight.start(HIGHLIGHT_MS)

    def highlighted(self) -> bool:
        return self.autoFillBackground()

    def _set_highlight(self, on: bool) -> None:
        """A colour behind the row, with dark text on it, and not a style sheet: one restyled the
        row's spin boxes ~17 px wider while it showed — the box just typed in jumped (an outside
        tester)."""
        from PySide6.QtGui import QColor, QPalette  # when first shown: no enums made at start-up

        palette = QPalette()  # the application's, inherited again
        if on:
            palette = self.palette()
            palette.setColor(QPalette.ColorRole.Window, QColor(HIGHLIGHT_COLOUR))
            palette.setColor(QPalette.ColorRole.WindowText, QColor(HIGHLIGHT_TEXT))
        self.setPalette(palette)
        self.setAutoFillBackground(on)

    def _say(self, text: str, *, tooltip: str = "") -> None:
        self.status.setText(text)
        self.status.setToolTip(plain_tooltip(tooltip))
        self.status.setAccessibleDescription(text)  # the name says whose status; this, what it is
        self._place_status()

    def status_beside_title(self) -> bool:
        return self._top.indexOf(self.status) >= 0

    def _place_status(self) -> None:
        """Beside the title while the status fits there on one line ("✓ saved"); on a line of its
        own under the title, the row's whole width, when it does not ("✗ not saved: <the
        service's reason>", "↻ changed by <a long name>", any status in an 800-pixel window): beside
        the title it wrapped into a column a word wide."""
        spacing = max(0, self._top.spacing())
        margins = self._layout.contentsMargins()
        buttons = [b for b in (self.retry, self.choose) if not b.isHidden()]
        room = self.width() - margins.left() - margins.right()
        room -= sum(button.sizeHint().width() + spacing for button in buttons)
        title, learn_more = self.title.sizeHint().width(), self.learn_more.sizeHint().width()
        one_line = title + spacing + learn_more
        # The title and "Learn more" on one line when they fit there, else one above the other.
        room -= (one_line if one_line <= room else max(title, learn_more)) + spacing
        needed = self.status.fontMetrics().horizontalAdvance(self.status.text()) + 2 * self.status.margin()
        fits = needed <= room
        if fits == self.status_beside_title():
            return
        if fits:
            self._layout.removeWidget(self.status)
            self._top.takeAt(1)  # the stretch that kept Retry its own size
            self._top.insertWidget(1, self.status, 1)
            self.status.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        else:
            self._top.removeWidget(self.status)
            self._top.insertStretch(1, 1)
            self._layout.insertWidget(1, self.status)
            self.status.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self._place_status()


class _UndoButton(QPushButton):
    """A button whose text names the change ("Undo “Duet and Stitch with Maximiliana's videos”  (Ctrl+Z)")
    and never widens the page past a small window for it: short of room it leaves out its keys
    (its tooltip says them), then shortens the name in the middle ("…"); its accessible name and
    tooltip say the change whole."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        # A push button's width policy is Minimum (never narrower than its text): this one may be.
        self.setSizePolicy(QSizePolicy.Policy.Preferred, self.sizePolicy().verticalPolicy())

    def _advance(self, text: str) -> int:
        return self.fontMetrics().horizontalAdvance(without_mnemonic(text))

    def _padding(self) -> int:
        return super().sizeHint().width() - self._advance(self.text())

    def _without_keys(self) -> str:
        text = self.text()
        return text[: text.rfind("”") + 1] if "”" in text else text

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        hint = super().minimumSizeHint()
        return QSize(min(hint.width(), self._padding() + self._advance("&Undo “…”")), hint.height())

    def shown_text(self) -> str:
        """The text as drawn in the button's present width."""
        room = self.width() - self._padding()
        if self._advance(self.text()) <= room:
            return self.text()
        return self.fontMetrics().elidedText(self._without_keys(), Qt.TextElideMode.ElideMiddle, room)

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802 - Qt's name
        painter = QStylePainter(self)
        option = QStyleOptionButton()
        self.initStyleOption(option)
        option.text = self.shown_text()
        painter.drawControl(QStyle.ControlElement.CE_PushButton, option)


class _PageScroll(QScrollArea):
    """The page's scroll area scrolls only up and down, so it asks the window for the width its rows
    need at their narrowest (rows wrap down to that): a smaller screen or the demo's phone panel
    then takes room from elsewhere instead of squeezing a row past its right edge. Only where the
    screen itself is narrower than that (`squeeze_to`: 150 % scale on 1024 × 768) does it ask for
    less and scroll sideways too."""

    def __init__(self) -> None:
        super().__init__()
        self._squeezed_to: int | None = None

    def squeeze_to(self, width: int | None) -> bool:
        """True when this changed how narrow it may be."""
        if width == self._squeezed_to:
            return False
        self._squeezed_to = width
        # Long words wrap inside the page's width; a sideways scrollbar would hide half of a row.
        # Squeezed, the rows keep their narrowest layout and the page scrolls to their ends.
        sideways = Qt.ScrollBarPolicy.ScrollBarAlwaysOff if width is None else Qt.ScrollBarPolicy.ScrollBarAsNeeded
        self.setHorizontalScrollBarPolicy(sideways)
        self.updateGeometry()
        return True

    def natural_minimum_width(self) -> int:
        hint = super().minimumSizeHint()
        body = self.widget()
        if body is None:
            return hint.width()
        needed = body.minimumSizeHint().width() + self.verticalScrollBar().sizeHint().width() + 2 * self.frameWidth()
        return max(hint.width(), needed)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        hint = super().minimumSizeHint()
        width = self.natural_minimum_width()
        if self._squeezed_to is not None:
            width = min(width, self._squeezed_to)
        return QSize(width, hint.height())


class ControlsPage(QWidget):
    """Every control of one teen."""

    change_requested = Signal(str, str, object)  # teen_id, field, typed value
    retry_requested = Signal(str, str)  # teen_id, field
    choose_requested = Signal(str, str)  # teen_id, field in conflict
    unlink_requested = Signal(str)
    safety_centre_requested = Signal(str)  # a section of the Safety Centre
    home_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("controlsPage")
        self.teen_id = ""
        self.age = 0
        self.name = ""
        self._held = Held.NOT
        self._messages: dict[str, str | None] = {}
        # What the page was told while rows were still to build: a row built later starts from it.
        self._controls: Controls | None = None
        self._receipt = ""
        # (field, the value before, the value this guardian set): newest last.
        self._undo: list[tuple[str, Any, Any]] = []
        # Each other teen's Undo, kept while another teen is shown: a look at Sam took away
        # Maya's 'Undo "Daily screen-time limit"' (an outside tester).
        self._undo_of: dict[str, list[tuple[str, Any, Any]]] = {}
        self.title = heading("", "controlsTitle", 1.5)
        self.subtitle = wrapping_label(
            "Changes apply as soon as you make them. The mouse wheel only scrolls: "
            "click a box and type, or use the arrow keys.",
            "controlsSubtitle",
        )
        # A temporary rule in force: the phone follows it on top of the settings below, so a page
        # saying "1 h" while the phone counts the rule's 30 min would not be the truth.
        self.rule_notice = named(wrapping_label("", "controlsRuleNotice"), "controlsRuleNotice", "Temporary rule")
        self.rule_notice.hide()
        self.home_button = named(QPushButton("← Ho&me"), "homeButton", "Back to the home of this teen")
        self.home_button.clicked.connect(self.home_requested)
        # The button keeps its mnemonic (Alt+U); Ctrl+Z is a shortcut of its own, shown on the button.
        self.undo_button = named(_UndoButton("&Undo"), "undoButton", "Undo")
        self.undo_button.setEnabled(False)
        self.undo_button.clicked.connect(self.undo)
        self._undo_shortcut = QShortcut(undo_keys(), self, self.undo)
        self._undo_keys_to_page = _UndoKeysToPage(self)
        self.unlink_button = named(QPushButton("Un&link…"), "unlinkButton", "Unlink this teen")
        self.unlink_button.clicked.connect(lambda: self.unlink_requested.emit(self.teen_id))
        # Not the second click of a double click on "Change controls…", which opened this page
        # and sat where "Unlink…" is now ("Unlink Maya?" out of nowhere: a support agent's demo).
        self._unlink_after_showing = RestOfAQuickPress(self.unlink_button)

        # Rows are built one at a time (see build_next) so a page never blocks the window long.
        self._rows: dict[str, ControlRow] = {}
        self._to_warm: list[ControlRow] = []  # built, not drawn off screen yet (see _warm)
        self._group_layouts: dict[str, QVBoxLayout] = {}
        # In its group, the time zone comes first: the day and every schedule below follow it.
        self._to_build = [
            spec.name
            for group in GROUPS
            for spec in sorted(
                (s for s in CONTROLS if s.group == group), key=lambda s: s.kind is not ValueKind.TIMEZONE
            )
        ]
        body = self._body = QWidget()
        body_layout = QVBoxLayout(body)
        for group in GROUPS:
            box = QGroupBox(group)
            box.setObjectName(f"group_{group.split()[0].lower()}")
            self._group_layouts[group] = QVBoxLayout(box)
            body_layout.addWidget(box)
        body_layout.addStretch(1)
        scroll = self._scroll = _PageScroll()
        scroll.setObjectName("controlsScroll")
        scroll.setAccessibleName("All settings")  # a Tab stop: unnamed, read as "filler"
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # see _PageScroll.squeeze_to
        self._wheel_guard = WheelGuard(scroll)
        FocusRing(scroll)
        KeysFollowTheView(scroll)

        header = QHBoxLayout()
        header.addWidget(self.home_button, 0, Qt.AlignmentFlag.AlignTop)
        header.addWidget(self.title, 1)
        header.addWidget(self.unlink_button, 0, Qt.AlignmentFlag.AlignTop)
        layout = self._layout = QVBoxLayout(self)
        layout.addLayout(header)
        # Across the page, not in a column between "← Home" and "Unlink…": in a narrow page (150 %
        # scale on 1024 × 768) the line that changes apply at once and a rule in force wrapped
        # there into ~470 of 650 px, leaving the settings three lines (an outside tester).
        layout.addWidget(self.subtitle)
        layout.addWidget(self.rule_notice)
        # Under the line that says changes apply at once, not beside the title: once it names the
        # change ("Undo “Duet and Stitch with your teen's videos”"), the button beside the title
        # took the header's width and squeezed the teen's name into a column a word wide.
        layout.addWidget(self.undo_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(scroll, 1)
        self._refresh_undo()

    def squeeze_to(self, width: int | None) -> bool:
        """At most `width` wide, the rows scrolled sideways (None: as wide as the rows need), for a
        screen narrower than the page beside the list of teens (MainWindow). True when that changed."""
        margins = self.contentsMargins() + self._layout.contentsMargins()
        return self._scroll.squeeze_to(None if width is None else width - margins.left() - margins.right())

    def natural_minimum_width(self) -> int:
        """The page's minimum as its rows need it, squeezed or not."""
        scroll = self._scroll
        hint = max(self.minimumWidth(), self.minimumSizeHint().width())
        return hint + max(0, scroll.natural_minimum_width() - scroll.minimumSizeHint().width())

    def build_next(self) -> bool:
        """Build the next control row, or once all are built, draw the next one off screen; True
        while either remains. The window calls this from the event loop, a step per turn, so that
        building the page never freezes it."""
        if not self._to_build:
            if self._to_warm:
                self._warm(self._to_warm.pop(0))
            return bool(self._to_warm)
        field = self._to_build.pop(0)
        row = ControlRow(field)
        row.hold_still = self._holding_still
        row.editor.value_changed.connect(lambda value, f=field: self._edited(f, value))
        row.retry_clicked.connect(lambda f: self.retry_requested.emit(self.teen_id, f))
        row.choose_clicked.connect(lambda f: self.choose_requested.emit(self.teen_id, f))
        row.safety_centre_clicked.connect(self.safety_centre_requested)
        self._wheel_guard.guard(row)
        inner = {id(spin.lineEdit()) for spin in row.findChildren(QAbstractSpinBox)}
        lines = [line for line in row.findChildren(QLineEdit) if id(line) not in inner]
        for box in (*lines, *row.findChildren(QAbstractSpinBox), *row.findChildren(QComboBox)):
            self._undo_keys_to_page.watch(box)
        self._rows[field] = row
        self._catch_up(field, row)
        self._to_warm.append(row)
        self._group_layouts[SPECS[field].group].addWidget(row)
        if not self._to_build:
            # Into the scroll area only when complete: it sizes its widget when it gets it.
            self._scroll.setWidget(self._body)
            self._scroll.updateGeometry()  # its minimum width is now the rows'
        return True

    def _catch_up(self, field: str, row: ControlRow) -> None:
        """A row built after the page was shown a teen, told it is offline or given a receipt
        shows all that as the rows built before it do."""
        if self._controls is not None:
            row.editor.set_age(self.age)
            row.show_controls(self._controls)
        row.receipt = self._receipt
        if self._held is not Held.NOT or self._receipt or self._messages.get(field):
            row.set_state(row.state, held=self._held, message=self._messages.get(field))

    def _warm(self, row: ControlRow) -> None:
        """Draw a built row once off screen (see common.draw_off_screen) while the page is hidden."""
        if not self.isVisible():
            parent = self.parentWidget()
            draw_off_screen(row, max(parent.width() if parent else 0, self.width()) - 40)

    def built_rows(self) -> dict[str, ControlRow]:
        """The rows built so far (`rows` builds the rest first)."""
        return self._rows

    @property
    def rows(self) -> dict[str, ControlRow]:
        while self._to_build:
            self.build_next()
        return self._rows

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt's name
        self.rows  # noqa: B018 - a page on screen has every row (those still to build, now)
        self._unlink_after_showing.armed()
        super().showEvent(event)

    # --- what the controller tells the page --------------------------------------------------

    def show_teen(self, teen_id: str, name: str, age: int, controls: Controls) -> None:
        if teen_id != self.teen_id:
            if self.teen_id:
                self._undo_of[self.teen_id] = self._undo
            self._undo = self._undo_of.pop(teen_id, [])
            self._refresh_undo()
            for row in self._rows.values():
                row.note = ""
                row.collapse()
                row.set_state(SyncState.IDLE, held=Held.NOT, message=None)
            self._scroll.verticalScrollBar().setValue(0)  # each teen's page opens at its top
        self.teen_id = teen_id
        self.age = age
        self.name = name
        self._controls = controls
        self._show_title(controls.timezone)
        self._drop_undo_of_nothing(controls)  # kept from before, changed since
        # The rows built so far; those still to build take these values when built (_catch_up):
        # forcing them all here froze the window 30-45 ms right after the family's first paint.
        for row in self._rows.values():
            row.editor.set_age(age)
            row.show_controls(controls)

    def show_rule(self, words: str | None) -> None:
        """The temporary rule in force on the teen's day, in words (None: none is)."""
        if not words:
            self.rule_notice.hide()
            self.rule_notice.clear()
            return
        name = self.name or "Your teen"
        show_words(
            self.rule_notice,
            f"◷ In force now: {words}. {name}'s phone follows it on top of the settings below, "
            "which apply again when it ends.",
        )
        self.rule_notice.show()

    def _show_title(self, timezone: str) -> None:
        self.title.setText(teen_title(self.name, self.age, timezone))
        self.title.setToolTip(plain_tooltip(f"{self.name}'s day follows the time zone {timezone}"))
        self.title.setAccessibleName(f"Controls of {self.name}, {self.age}, time zone {timezone}")

    def reset(self) -> None:
        """Forget the teen shown (sign-out, demo reset): no undo reaches into another session."""
        self.teen_id = ""
        self._controls = None
        self._undo.clear()
        self._undo_of.clear()
        self._refresh_undo()

    @contextmanager
    def _holding_still(self) -> Iterator[None]:
        """What is said inside may make rows taller or shorter (a status moving to a line of its
        own under its title, or back): the page scrolls by as much, so the setting under the
        pointer — or, with the pointer elsewhere, the one with the keyboard's focus — stays where
        the guardian sees it. Rows below it moved under the pointer between two clicks, and the
        second click could land on another choice than the one aimed at."""
        if not self.isVisible():
            yield
            return
        viewport = self._scroll.viewport()
        under = viewport.childAt(viewport.mapFromGlobal(QCursor.pos()))
        focus = self.window().focusWidget()  # the window's, active or not (a dialog may be over it)
        anchor = under or (focus if focus is not None and self._body.isAncestorOf(focus) else None)
        if anchor is None:
            yield
            return
        before = anchor.mapTo(self, QPoint(0, 0)).y()
        yield
        settle_layouts()  # the rows' new heights, laid out now, before anything is painted
        moved = anchor.mapTo(self, QPoint(0, 0)).y() - before
        if moved:
            bar = self._scroll.verticalScrollBar()
            bar.setValue(bar.value() + moved)

    def update_controls(self, controls: Controls, changed_elsewhere: tuple[str, ...] = (), by: str = "") -> None:
        """New values from the server; settings changed by someone else are highlighted briefly."""
        with self._holding_still():
            self._update_controls(controls, changed_elsewhere, by)

    def _update_controls(self, controls: Controls, changed_elsewhere: tuple[str, ...], by: str) -> None:
        self._controls = controls
        for row in self._rows.values():
            row.show_controls(controls)
        self._drop_undo_of_nothing(controls)
        if self.teen_id:
            self._show_title(controls.timezone)
        for field in changed_elsewhere:
            if field in self._rows:  # a row still to build is not on screen: nothing to point at
                self._rows[field].flash(f"↻ changed by {by}" if by else "↻ changed on another device")

    def _drop_undo_of_nothing(self, controls: Controls) -> None:
        """A setting no longer at the value this guardian last set loses its Undo: undone from
        the history, or set back by another guardian, it stayed offered and did nothing visible
        when pressed; changed by another guardian since (a clash they kept, or "Take theirs"),
        it put back this guardian's older value over theirs without a clash (an outside tester)."""
        newest: dict[str, Any] = {field: set_to for field, _previous, set_to in self._undo}
        stale = {field for field, set_to in newest.items() if getattr(controls, field) != set_to}
        live = [entry for entry in self._undo if entry[0] not in stale]
        if len(live) != len(self._undo):
            self._undo = live
            self._refresh_undo()

    def set_field_state(self, field: str, state: SyncState, message: str | None = None) -> None:
        if state == SyncState.CONFLICT and any(entry[0] == field for entry in self._undo):
            # A clash is chosen in its question ("Choose…"), not undone: Undo during it sent the
            # older value over the other guardian's, unasked, and the clash was gone (an outside tester).
            self._undo = [entry for entry in self._undo if entry[0] != field]
            self._refresh_undo()
        self._messages[field] = message
        with self._holding_still():
            self.rows[field].set_state(state, held=self._held, message=message)

    def set_receipt(self, words: str, report: str = "") -> None:
        """Where the teen's phone stands ("on Maya's phone 14:02"), said after each "saved";
        `report`: which of the phone's reports says it is up to date ("" when none does)."""
        self._receipt = words
        with self._holding_still():
            for field, row in self._rows.items():
                if report and report == row.report_before_save:
                    # The phone page drew again from the report read before this setting's last
                    # save: it is about the version before ("saved — on Maya's phone 19:25" for a
                    # change made at 19:32, an outside tester), not this one.
                    continue
                if report:
                    row.report_before_save = ""
                row.receipt, row.receipt_report = words, report
                row.set_state(row.state, held=self._held, message=self._messages.get(field))

    def set_offline(self, offline: bool, *, service_problem: bool = False) -> None:
        """Changes are held: `service_problem` when the service answers, but with a failure."""
        self._held = (Held.SERVICE if service_problem else Held.OFFLINE) if offline else Held.NOT
        with self._holding_still():
            for field, row in self._rows.items():
                row.set_state(row.state, held=self._held, message=self._messages.get(field))

    def focus_first(self) -> None:
        """The page opened: the keyboard starts on the page, where the arrows and Page Down scroll
        it, and Tab goes to the first setting. It started on that setting, the time zone, whose
        drop-down the first Down (to scroll) moved to the next zone and sent (an outside tester)."""
        self._scroll.setFocus(Qt.FocusReason.ShortcutFocusReason)  # the ring shows where it is

    def field_status(self, field: str) -> str:
        return self.rows[field].status.text()

    def editor(self, field: str) -> Editor:
        return self.rows[field].editor

    # --- what the guardian does ----------------------------------------------------------------

    def undo(self) -> None:
        if not self._undo:
            return
        field, previous, _set_to = self._undo.pop()
        editor = self.rows[field].editor
        refused = editor.message.text().startswith("✗")  # (the box put back may say nothing more)
        editor.set_value(previous)
        if refused:
            # A value refused before the Undo (721 min typed and Set) is not what the box holds
            # now: its "✗ … outside the allowed …" stayed beside the 1 h put back (an outside tester).
            editor.say("")
            self.rows[field].nothing_waits()  # nor its "◷ not set yet"
        self.change_requested.emit(self.teen_id, field, previous)
        self._refresh_undo()
        # Seen: undone from another setting's box (Ctrl+Z is the page's), quiet hours changed off
        # screen without a sign (an outside tester). The focus stays, while it is in sight.
        self._scroll.ensureWidgetVisible(self.rows[field].title, 0, 24)

    def refuse_locally(self, field: str, message: str) -> None:
        """This computer refused the value (a rule of the declaration): say so beside the editor,
        show the value that still applies, and keep no Undo for a change that never happened."""
        row = self.rows[field]
        for index in range(len(self._undo) - 1, -1, -1):
            if self._undo[index][0] == field:
                _, previous, _set_to = self._undo.pop(index)
                row.editor.set_value(previous)
                break
        self._refresh_undo()
        row.set_state(SyncState.IDLE, held=self._held, message=None)
        row.editor.say(f"✗ {message}")

    def _edited(self, field: str, value: Any) -> None:
        row = self.rows[field]
        self._undo.append((field, row.editor.value(), value))
        row.editor.set_value(value)
        self._refresh_undo()
        self.change_requested.emit(self.teen_id, field, value)

    def _undo_label(self) -> str:
        """The control Undo would put back, about this teen ("Maya's time zone"), as the history says it."""
        field = self._undo[-1][0]
        return control_label(field, self.name) if self.name else SPECS[field].label

    def undo_text(self) -> str:
        """What Undo would put back, e.g. "Undo “Daily screen-time limit” (Ctrl+Z)"."""
        if not self._undo:
            return ""
        return f"Undo “{self._undo_label()}” ({undo_keys().toString(QKeySequence.SequenceFormat.NativeText)})"

    def _refresh_undo(self) -> None:
        self.undo_button.setEnabled(bool(self._undo))
        keys = undo_keys().toString(QKeySequence.SequenceFormat.NativeText)
        if self._undo:
            label = self._undo_label()
            self.undo_button.setText(f"&Undo “{ampersands_as_letters(label)}”  ({keys})")
            self.undo_button.setAccessibleName(f"Undo the change of {label}")
            self.undo_button.setToolTip(plain_tooltip(f"Put “{label}” back as it was ({keys})"))
        else:
            self.undo_button.setText(f"&Undo  ({keys})")
            self.undo_button.setAccessibleName("Undo: nothing to undo")
            self.undo_button.setToolTip("")
