"""The "Teen's phone" dock of the demo: a small but honest phone, playing the teen's side with the
same public API as `famguard-teen`. It pairs (enter the code, accept or decline who asks), shows
who manages it and unlinks, and pairs again; it shows today's use as the service has it, counts
minutes while "Use the app" runs and locks with the reason when the effective rules say so; it
asks for more time and shows the answer; it says which version of the rules it applied (and
reported); and it shows the teen's own view — the rules in plain words and the change log.
Pure view: it emits what the demonstrator asks and shows what it is told."""

from __future__ import annotations

import time

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from famguard.domain.models import MAX_REQUEST_REASON
from famguard.domain.today import GRANT_MAX, GRANT_MIN
from famguard.ui.common import (
    KeyboardParking,
    announce,
    escaped,
    focus_first_usable,
    named,
    one_line,
    page_scroll,
    plain_tooltip,
    settle_layouts,
    show_words,
    without_symbols,
    wrapping_label,
)
from famguard.ui.deliberate import WheelGuard, minutes_box, minutes_refused, range_text
from famguard.ui.teen_view_widget import TeenViewData, TeenViewWidget

PAIRING_STATES = ("idle", "busy", "redeemed", "waiting", "linked")
MORE_TIME_ASKED = 30  # the phone's "Extra time" box, as it opens


class TeenPhonePanel(QDockWidget):
    redeem_requested = Signal(str)  # the code as typed
    code_edited = Signal()  # the teen typed in (or cleared) the code field
    accept_requested = Signal()
    decline_requested = Signal()
    unlink_requested = Signal()
    use_toggled = Signal(bool)  # the "use the app" clock runs or stops
    add_minutes_requested = Signal(int)
    more_time_requested = Signal(int, str)  # minutes, reason
    pairing_window_requested = Signal()  # back to the guardian's pairing wizard (the demo pairs on one screen)
    # Before a hidden phone is shown (by its toggle, Ctrl+T, or the demo starting): the window makes
    # room for it first (MainWindow._fit_family_within_screen). After, the window had already grown
    # to fit the phone beside the whole family, past an 800-pixel screen's edge.
    about_to_show = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Teen's phone", parent)
        self.setObjectName("teenPhoneDock")
        self.setAccessibleName("Teen's phone")
        self.setAllowedAreas(Qt.DockWidgetArea.LeftDockWidgetArea | Qt.DockWidgetArea.RightDockWidgetArea)
        body = QWidget()
        self.who = named(wrapping_label("", "teenWho", rich=True), "teenWho", "Signed in teen")
        self.pairing_state = "idle"
        self._code_had_focus = False  # when a code was sent: whether the keyboard was in the field

        pairing = QGroupBox("Guardians")
        self.code_edit = one_line(named(QLineEdit(), "teenCodeEdit", "Pairing code from the guardian"))
        self.code_edit.setPlaceholderText("ABCD-EFGH")
        self.redeem_button = named(QPushButton("&Enter code"), "teenRedeemButton", "Enter pairing code")
        self.accept_button = named(QPushButton("Acce&pt"), "teenAcceptButton", "Accept the guardian")
        self.decline_button = named(QPushButton("Decline"), "teenDeclineButton", "Decline the guardian")
        self.unlink_button = named(QPushButton("U&nlink…"), "teenUnlinkButton", "Unlink from every guardian")
        self.pairing_message = named(wrapping_label("", "teenPairingMessage"), "teenPairingMessage", "Pairing")
        self.pairing_window_button = named(
            QPushButton("Back to “Add a teen” (F6)"),
            "teenPairingWindowButton",
            "Back to the guardian's pairing window",
        )
        self.pairing_window_button.setVisible(False)
        self.pairing_window_button.clicked.connect(self.pairing_window_requested)
        self.redeem_button.clicked.connect(lambda: self.redeem_requested.emit(self.code_edit.text()))
        self.code_edit.returnPressed.connect(lambda: self.redeem_requested.emit(self.code_edit.text()))
        self.code_edit.textEdited.connect(lambda _text: self.code_edited.emit())
        self.accept_button.clicked.connect(self.accept_requested)
        self.decline_button.clicked.connect(self.decline_requested)
        self.unlink_button.clicked.connect(self.unlink_requested)
        code_row = QHBoxLayout()
        code_row.addWidget(self.code_edit, 1)
        code_row.addWidget(self.redeem_button)
        answer_row = QHBoxLayout()
        answer_row.addWidget(self.accept_button)
        answer_row.addWidget(self.decline_button)
        answer_row.addStretch(1)
        answer_row.addWidget(self.unlink_button)
        pairing_layout = QVBoxLayout(pairing)
        pairing_layout.addLayout(code_row)
        pairing_layout.addWidget(self.pairing_message)
        pairing_layout.addLayout(answer_row)
        pairing_layout.addWidget(self.pairing_window_button)

        usage = QGroupBox("The app")
        self.lock_label = named(wrapping_label("", "teenLock"), "teenLock", "Open or locked")
        self.used_label = named(wrapping_label("", "teenUsed"), "teenUsed", "Used today")
        self.use_button = named(QPushButton("▶ Use &the app"), "teenUseButton", "Use the app (counts minutes)")
        self.use_button.setCheckable(True)
        self.use_button.toggled.connect(self._use_toggled)
        self.add_button = named(QPushButton("+&5 min"), "teenAdd5Button", "Add 5 minutes of use")
        self.add_button.clicked.connect(lambda: self.add_minutes_requested.emit(5))
        # Typed freely and checked on asking, as every minutes box: a spin box held to 5–240 took
        # "300" as "30" without a word (the 150 % tester).
        self.more_spin = minutes_box("teenMoreSpin", "Extra minutes to ask for", MORE_TIME_ASKED)
        self.more_spin.setToolTip(plain_tooltip(f"{range_text((GRANT_MIN, GRANT_MAX))}; or hours and minutes (1:30)"))
        self.reason_edit = one_line(named(QLineEdit(), "teenReasonEdit", "Reason"))
        self.reason_edit.setPlaceholderText("e.g. finishing a school project")
        # What the service takes: a longer one pasted was answered "Some values are not valid." Cut
        # here by characters, and said: Qt's own maximum counts UTF-16 units, and cut a pasted
        # emoji in half, left on screen as "�" (an outside tester).
        self.reason_edit.textEdited.connect(self._reason_edited)
        self.more_button = named(QPushButton("As&k for more time"), "teenMoreButton", "Ask for more time")
        self.more_button.clicked.connect(self._ask_clicked)
        # Return in the reason asks, as Return in the code enters it: it did nothing, and a teen who
        # typed why had to find the button. click() does nothing while the button waits for the
        # request on its way, and _ask_clicked drops a second press within a double click's time.
        self.reason_edit.returnPressed.connect(self.more_button.click)
        # When a request was last taken (monotonic), and for how long; what is being asked.
        self._asked_at, self._asked_minutes, self._asking_minutes = -1.0, 0, 0
        self.usage_message = named(wrapping_label("", "teenUsageMessage"), "teenUsageMessage", "Use")
        self.answer = named(wrapping_label("", "teenRequestAnswer"), "teenRequestAnswer", "Answer to the request")
        use_row = QHBoxLayout()
        use_row.addWidget(self.use_button)
        use_row.addWidget(self.add_button)
        use_row.addStretch(1)
        usage_form = QFormLayout(usage)
        usage_form.addRow(self.lock_label)
        usage_form.addRow(self.used_label)
        usage_form.addRow(use_row)
        usage_form.addRow("Extra time", self.more_spin)
        usage_form.addRow("Reason", self.reason_edit)
        usage_form.addRow(self.more_button)
        usage_form.addRow(self.answer)
        usage_form.addRow(self.usage_message)

        effective = QGroupBox("Your rules")
        self.applied_label = named(wrapping_label("", "teenApplied"), "teenApplied", "Applied version")
        self.view = TeenViewWidget("teenView")
        effective_layout = QVBoxLayout(effective)
        effective_layout.addWidget(self.applied_label)
        effective_layout.addWidget(self.view)

        layout = QVBoxLayout(body)
        layout.addWidget(self.who)
        layout.addWidget(pairing)
        layout.addWidget(usage)
        layout.addWidget(effective)
        layout.addStretch(1)
        # The first state before anything measures the body: its rows' sizes are cached then, and
        # the three answer buttons side by side made it ~50 px wider than any state shows.
        self.set_pairing_state("idle")
        self.set_usage("", locked=None)
        scroll = page_scroll(body, "teenPhoneScroll", "Phone screen")
        assert isinstance(scroll, QScrollArea)
        self._scroll = scroll
        # Never narrower than its own narrowest readable layout (the code field beside "Enter code",
        # words wrapped): at 800 px the dock shrank to ~80 px of clipped text. The window makes
        # room for it instead (MainWindow folds the list of teens away while the phone is docked).
        scroll.setMinimumWidth(body.minimumSizeHint().width() + scroll.verticalScrollBar().sizeHint().width())
        self.setWidget(scroll)
        # "Ask for more time" waits while it asks: the keyboard waited on the guardian's window.
        self._asking_parking = KeyboardParking((self.more_button,), scroll)
        # The wheel over "Extra time" scrolls the phone, as on the controls page (it changed the minutes).
        self._wheel_guard = WheelGuard(scroll)
        self._wheel_guard.guard(self.more_spin)
        # Docked, the phone's buttons share the window's Alt letters: Alt+E on the guardian's
        # screen-time page pressed the phone's "Enter code". Its letters act only while the
        # keyboard is on the phone, as they would on a phone of its own.
        self._letters = {button: button.text() for button in self.findChildren(QPushButton) if "&" in button.text()}
        self._letters_on = True
        self._letters_follow_focus(None, QApplication.focusWidget())
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._letters_follow_focus)

    def _letters_follow_focus(self, _old: QWidget | None, new: QWidget | None) -> None:
        here = new is not None and (new is self or self.isAncestorOf(new))
        if here != self._letters_on:
            self._letters_on = here
            for button, text in self._letters.items():
                self._show_label(button, text)

    def _show_label(self, button: QPushButton, text: str) -> None:
        """The button's words, with its Alt letter only while the keyboard is on the phone."""
        self._letters[button] = text
        button.setText(text if self._letters_on else text.replace("&", ""))

    def setVisible(self, visible: bool) -> None:  # noqa: N802 - Qt's name; show() and the toggle come here
        if visible and self.isHidden():
            self.about_to_show.emit()
        super().setVisible(visible)

    def set_teen(self, name: str, age: int) -> None:
        show_words(self.who, f"Signed in on the phone as <b>{escaped(name)}</b>, {age}",
                   f"Signed in on the phone as {name}, {age}")  # fmt: skip

    def set_pairing_state(
        self,
        state: str,
        message: str = "",
        *,
        code_used: bool = False,
        refused: bool = False,
        said: bool = True,
        spoken: str | None = None,
    ) -> None:
        """idle (enter a code) · busy · redeemed (accept or decline who asks) · waiting (for the
        guardian to confirm) · linked (managed; unlink, or enter another guardian's code).
        `code_used`: the code was accepted or declined, so the field empties. Nothing else empties
        it: a read that finds the teen linked came while a code was being typed, or just after a
        famguard:// link put one there. `refused`: the code was refused — it stays, selected, and
        the keyboard goes back to it if it was there (disabling the field while busy had moved
        the focus on). `said`: new words are news, said aloud (see `_tell`) — `spoken` of them
        when given (an outcome, without who manages the phone after it); a "busy" state's
        ("Checking the code…") never are: what it becomes follows at once."""
        assert state in PAIRING_STATES, state
        if state == "busy":
            self._code_had_focus = self.code_edit.hasFocus() or self.redeem_button.hasFocus()
        self.pairing_state = state
        can_enter = state in ("idle", "linked")
        self.code_edit.setEnabled(can_enter)
        self.redeem_button.setEnabled(can_enter)
        self.accept_button.setVisible(state == "redeemed")
        self.decline_button.setVisible(state == "redeemed")
        self.unlink_button.setVisible(state == "linked")
        self._tell(self.pairing_message, message, said=said and state != "busy", spoken=spoken)
        if code_used:
            self.code_edit.clear()
        if state == "redeemed":
            self.accept_button.setFocus()  # the next thing to decide, not the usage controls
        elif refused and can_enter and self._code_had_focus:
            self.code_edit.setFocus()
            self.code_edit.selectAll()

    def offer_pairing_window(self, offered: bool) -> None:
        """While the guardian's pairing wizard is open: a way back to it from here (and F6)."""
        self.pairing_window_button.setVisible(offered)

    def focus_pairing(self) -> None:
        """From the pairing wizard: the keyboard at what the teen does next — type the code, or
        accept who asks."""
        focus_first_usable(self, (self.code_edit, self.accept_button, self.pairing_window_button))

    def set_usage(self, used: str, *, locked: str | None) -> None:
        """Today's use in words, and why the app is locked (None: open; "" unknown)."""
        show_words(self.used_label, used)
        if locked is None:
            show_words(self.lock_label, "✓ Open")
        else:
            show_words(self.lock_label, f"✗ Locked: {locked}" if locked else "")
            if locked and self.use_button.isChecked():
                self.use_button.setChecked(False)  # a locked app cannot be used
        self.use_button.setEnabled(locked is None)
        self.add_button.setEnabled(locked is None)

    def _reason_edited(self, text: str) -> None:
        if len(text) <= MAX_REQUEST_REASON:
            return
        cursor = min(self.reason_edit.cursorPosition(), MAX_REQUEST_REASON)
        self.reason_edit.setText(text[:MAX_REQUEST_REASON])  # by characters: an emoji stays whole
        self.reason_edit.setCursorPosition(cursor)
        words = f"A reason can be at most {MAX_REQUEST_REASON} characters: the rest was left out."
        self.show_usage_message(words)

    def _ask_clicked(self) -> None:
        """Asks, unless the same was taken a double click's moment ago: a double click on "Ask for
        more time" asked twice — the first answered fast enough for the button to take the second
        click, asking again without the reason (cleared once taken), and the guardian's "+30 min"
        to both gave an hour (a parent trying the demo)."""
        refused = minutes_refused(self.more_spin, (GRANT_MIN, GRANT_MAX))
        if refused is not None:
            self.show_usage_message(f"✗ Extra time: {refused}. Nothing was asked.")
            self.more_spin.setFocus()
            self.more_spin.selectAll()
            return
        minutes = self.more_spin.value()
        since = time.monotonic() - self._asked_at
        if minutes == self._asked_minutes and since < QApplication.doubleClickInterval() / 1000:
            return
        self._asking_minutes = minutes
        self.more_time_requested.emit(minutes, self.reason_edit.text().strip())

    def _use_toggled(self, on: bool) -> None:
        self._show_label(self.use_button, "■ Stop using &the app" if on else "▶ Use &the app")
        self.use_toggled.emit(on)

    def _tell(self, label: QLabel, text: str, *, said: bool = True, spoken: str | None = None) -> None:
        """Put `text` in `label`, and have a screen reader say it if it is new (`said`): the phone's
        lines answered the teen only on screen — a screen reader reads a label's new words only
        when the keyboard goes to it, and it is on the field or button just used ("✗ Type the code
        your guardian shows first." and "✓ Asked for 20 min more." went unheard). The same words
        again are not said again; a refusal ("✗", "⚠") is said at once. `spoken`: the part of
        `text` to say, when not all of it is news."""
        news = said and bool(text) and text != label.text()
        show_words(label, text)
        if news:
            announce(label, without_symbols(spoken or text), assertive=text.startswith(("✗", "⚠")))

    def show_usage_message(self, text: str, *, said: bool = True) -> None:
        """The line under "Ask for more time", brought into view: it answers what the person just
        did there, and at 150 % on a 1024 × 768 screen it lay below the phone's visible part — a
        refused "300 min" changed nothing anyone could see (an outside tester). Said aloud when
        new (`_tell`)."""
        self._tell(self.usage_message, text, said=said)
        if text:
            QTimer.singleShot(0, self, self._bring_use_into_view)

    def _bring_use_into_view(self) -> None:
        settle_layouts()  # the words' height first: measured before, a second line stayed cut off
        self._scroll.ensureWidgetVisible(self.usage_message, 0, 8)

    def forget_usage_message(self, starting: str | tuple[str, ...]) -> None:
        """Clear the usage line if it says something `starting` so (or any of them): no longer true."""
        if self.usage_message.text().startswith(starting):
            show_words(self.usage_message, "")

    def set_asking(self, asking: bool, *, sent: bool = False) -> None:
        """A request for more time is on its way (the button waits), or it ended; `sent`: it
        was taken, so its reason is cleared for the next one."""
        self._asking_parking.waiting(asking)  # the keyboard stays on the phone meanwhile
        if asking:
            self.show_usage_message("Asking…", said=False)  # the outcome follows at once, and is said
        if sent:
            self.reason_edit.clear()
            self._asked_at, self._asked_minutes = time.monotonic(), self._asking_minutes

    def show_answer(self, text: str, *, said: bool = True) -> None:
        """What became of today's requests, newest news first. Its newest line is said when it
        changes (`said`): an answer comes while the teen is anywhere on the phone, and "✗ Alex
        Morgan said no…" was only visible. "◷ Waiting…" is not news: the ask itself was said."""
        newest, before = text.split("\n", 1)[0], self.answer.text().split("\n", 1)[0]
        show_words(self.answer, text)
        if said and newest and newest != before and not newest.startswith("◷"):
            announce(self.answer, without_symbols(newest), assertive=newest.startswith("✗"))

    def show_applied(self, text: str) -> None:
        show_words(self.applied_label, text)

    def show_view(self, data: TeenViewData) -> None:
        self.view.show_view(data)

    def reset(self) -> None:
        """Forget what the last phone showed, and what was typed in it (the demo was reset or
        ended: the minutes and reason of a request never sent stayed for the next family)."""
        self.view.show_view(TeenViewData("", []))
        for label in (self.applied_label, self.answer, self.usage_message):
            show_words(label, "")
        self.more_spin.setValue(MORE_TIME_ASKED)
        self.reason_edit.clear()
        self.set_usage("", locked=None)
        self.set_pairing_state("idle", code_used=True)

    def effective_text(self) -> str:
        return self.view.text()
