"""Dialogs that ask the guardian to decide: a conflict with the other guardian's edit (both
values, who and when, keep mine / take theirs), signing out or quitting with unsent changes,
unlinking a teen (each with the safe answer as the default), and showing an error that no screen
handled."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtWidgets import (
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QSpacerItem,
    QVBoxLayout,
    QWidget,
)

from famguard.domain.control_words import control_label
from famguard.domain.controls import SPECS
from famguard.domain.sync import UnsentSummary, not_reached_words
from famguard.domain.values import short_day
from famguard.ui.common import ampersands_as_letters, heading, named, plain_label, shown_as_typed, wrapping_label

KEEP_MINE = "keep_mine"
TAKE_THEIRS = "take_theirs"


def describe_value(field: str, value: Any) -> str:
    """A control's value as a parent reads it ("Friends", "1 h 30 min", "Sat 2 h"), worded by
    its declaration."""
    return SPECS[field].describe(value)


def describe_when(at: datetime | None) -> str:
    if at is None:
        return "recently"
    local = at.astimezone()
    return f"{short_day(local.date())} at {local:%H:%M}"


class ConflictDialog(QDialog):
    """The same setting was changed by someone else while this change was on its way."""

    def __init__(
        self,
        field: str,
        mine: Any,
        theirs: Any,
        *,
        who: str,
        owner: str = "",
        when: datetime | None,
        teen_name: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("conflictDialog")
        self.setWindowTitle("FamGuard — Which change should stay?")
        self.setAccessibleName("Conflicting change")
        self.choice: str | None = None
        # The teen by name once: in the label when it is about them ("Comments on Maya's videos"),
        # else before it ("Maya's “Search”").
        label = control_label(field, teen_name) if teen_name else SPECS[field].label
        whose = f"{teen_name}'s " if teen_name and label == SPECS[field].label else ""
        title = heading(f"⚠ {who} also changed {whose}“{label}”", "conflictTitle", 1.15)
        explanation = wrapping_label(
            # Not "while your change was on its way": a change made offline before theirs was not
            # on its way then, nor one made while this guardian was not linked (an outside tester).
            f"{who} changed this setting on {describe_when(when)}, before your change reached the service. "
            "Nothing has been overwritten. Choose which value should apply.",
            "conflictExplanation",
        )
        grid = QGridLayout()
        self.mine_label = named(plain_label(describe_value(field, mine)), "conflictMine", "Your value")
        owner = owner or f"{who}'s"  # whose the other value is: "Alex's"; "that account's" for a long `who`
        self.theirs_label = named(plain_label(describe_value(field, theirs)), "conflictTheirs", f"{owner} value")
        for widget in (self.mine_label, self.theirs_label):
            widget.setWordWrap(True)
            font = widget.font()
            font.setBold(True)
            widget.setFont(font)
        grid.addWidget(QLabel("Your change:"), 0, 0)
        grid.addWidget(self.mine_label, 0, 1)
        grid.addWidget(plain_label(f"{owner[:1].upper()}{owner[1:]} change:"), 1, 0)
        grid.addWidget(self.theirs_label, 1, 1)
        grid.setColumnStretch(1, 1)
        self.keep_button = named(QPushButton("&Keep mine"), "keepMineButton", "Keep my value")
        take = f"&Take {ampersands_as_letters(owner)}"
        self.take_button = named(QPushButton(take), "takeTheirsButton", f"Take {owner} value")
        self.keep_button.clicked.connect(lambda: self._choose(KEEP_MINE))
        self.take_button.clicked.connect(lambda: self._choose(TAKE_THEIRS))
        self.take_button.setDefault(True)  # the safe default: nothing of the other guardian is lost
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.take_button)
        buttons.addWidget(self.keep_button)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(explanation)
        layout.addLayout(grid)
        layout.addStretch(1)  # spare height goes above the buttons, which stay at the bottom edge
        layout.addLayout(buttons)
        self.setMinimumSize(580, 180)  # wrapped labels need the room; Qt cannot work it out

    def _choose(self, choice: str) -> None:
        self.choice = choice
        self.accept()

    def reject(self) -> None:
        """Esc decides nothing; the controller keeps asking until the guardian chooses."""
        self.choice = None
        super().reject()


def safe_question(
    parent: QWidget,
    object_name: str,
    title: str,
    text: str,
    informative: str,
    act: str,
    keep: str,
    *,
    icon: QMessageBox.Icon | None = None,
    act_role: QMessageBox.ButtonRole | None = None,
) -> tuple[QMessageBox, QPushButton]:
    """A question whose safe answer (`keep`) is the default for Enter and Esc, its words shown as
    typed (a name from others in them stays plain text). Returns the box and the button that acts
    (`act`, a destructive one unless `act_role` says otherwise; the icon a question mark unless
    `icon`): `exec()` the box and compare `clickedButton()` with it, or `ask_without_blocking`."""
    box = shown_as_typed(QMessageBox(parent))
    box.setObjectName(object_name)
    box.setWindowTitle(title)
    box.setIcon(icon or QMessageBox.Icon.Question)
    box.setText(text)
    if informative:
        box.setInformativeText(informative)
    acting = box.addButton(act, act_role or QMessageBox.ButtonRole.DestructiveRole)
    keeping = box.addButton(keep, QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(keeping)
    box.setEscapeButton(keeping)
    wide_enough_for_title(box)
    return box, acting


# What a title bar holds besides the title: the window's icon and its buttons (close, and often
# minimise and maximise), at the sizes common window managers draw them.
TITLE_BAR_EXTRA = 160
# A question's explanation on two or three comfortable lines, not a narrow column of four.
QUESTION_MIN_WIDTH = 420


def wide_enough_for_title(box: QMessageBox) -> None:
    """A question is as wide as its words need, and a short one ("End “Exam weeks” for Maya now?")
    was a narrow column, its title cut by the window manager ("End the tempo…"). A spacer across
    the box's grid holds it wide enough for both: QMessageBox sets its own size and ignores a
    minimum width."""
    layout = box.layout()
    if isinstance(layout, QGridLayout):
        width = max(QUESTION_MIN_WIDTH, box.fontMetrics().horizontalAdvance(box.windowTitle()) + TITLE_BAR_EXTRA)
        policy = QSizePolicy.Policy
        layout.addItem(QSpacerItem(width, 0, policy.Minimum, policy.Expanding), layout.rowCount(), 0, 1, -1)


def ask_without_blocking(box: QMessageBox, acting: QPushButton, then: Callable[[bool], None]) -> QMessageBox:
    """Show a `safe_question` without blocking the event loop; `then(acted)` once it is answered.
    Returns the box (a presenter keeps it while it is asked)."""
    box.finished.connect(lambda _result: then(box.clickedButton() is acting))
    box.open()
    return box


def confirm_quit(parent: QWidget, unsent: UnsentSummary) -> bool:
    """Ask before quitting with changes that have not reached the service: they are kept, but the
    teen's phone keeps the old settings until FamGuard is open and online again."""
    kept = "It is kept on this computer and sent" if unsent.count == 1 else "They are kept on this computer and sent"
    box, quit_button = safe_question(
        parent,
        "quitDialog",
        "FamGuard — Quit",
        not_reached_words(unsent),
        f"{kept} the next time FamGuard is open and online; until then your teen's phone keeps the "
        "settings it has. Quit anyway?",
        "&Quit anyway",
        "&Keep FamGuard open",
        icon=QMessageBox.Icon.Warning,
    )
    box.exec()
    return box.clickedButton() is quit_button


def confirm_sign_out(parent: QWidget, unsent: UnsentSummary, *, demo: bool = False) -> bool:
    """Ask before signing out; warn when changes have not reached the service yet. In the demo,
    signing out ends it, and says so: it quietly closed the practice family (a support agent)."""
    lost = "it will be lost" if unsent.count == 1 else "they will be lost"
    if demo:
        title, text, informative = (
            "FamGuard — End the demo",
            "Sign out and end the demo?",
            "The practice family and everything done with it go. “Try the demo” on the welcome screen "
            "starts it again as it began.",
        )
        go, stay, warn = "&End the demo", "&Stay in the demo", False
    else:
        title = "FamGuard — Sign out"
        text = not_reached_words(unsent) if unsent.count else "Sign out of FamGuard on this computer?"
        informative = f"If you sign out now {lost}. Sign out anyway?" if unsent.count else ""
        go, stay, warn = "Sign &out", "&Stay signed in", bool(unsent.count)
    box, sign_out = safe_question(
        parent,
        "signOutDialog",
        title,
        text,
        informative,
        go,
        stay,
        icon=QMessageBox.Icon.Warning if warn else QMessageBox.Icon.Question,
    )
    box.exec()
    return box.clickedButton() is sign_out


def confirm_unlink(parent: QWidget, name: str) -> bool:
    """Ask before unlinking; Enter and Esc keep the link (the safe answer is the default)."""
    box, unlink = safe_question(
        parent,
        "unlinkDialog",
        "FamGuard — Unlink",
        f"Unlink {name}?",
        f"You will no longer see or set {name}'s controls, and {name} is told at once. "
        "Linking again needs a new pairing code on their phone.",
        f"&Unlink {name}",
        "&Keep the link",
        icon=QMessageBox.Icon.Warning,
    )
    box.exec()
    return box.clickedButton() is unlink


def confirm_reset_demo(parent: QWidget) -> bool:
    """Ask before resetting the demo: a support person mid-demo who pressed "Reset demo" (beside
    "Teen's phone" on the demo bar) lost what they had shown — changes, requests, a pairing — at
    once. Enter and Esc keep the demo (the safe answer is the default)."""
    box, reset = safe_question(
        parent,
        "resetDemoDialog",
        "FamGuard — Reset demo",
        "Reset the demo to the practice family as it started?",
        "What was changed, asked for and paired in this demo is undone, and the teen's phone starts again.",
        "&Reset demo",
        "&Keep this demo",
    )
    box.exec()
    return box.clickedButton() is reset


def show_error(parent: QWidget | None, title: str, message: str, details: str = "") -> QMessageBox:
    """A non-modal error window (the app stays usable behind it)."""
    box = shown_as_typed(QMessageBox(parent))  # a name or a message from the service in it
    box.setObjectName("errorDialog")
    box.setIcon(QMessageBox.Icon.Critical)
    box.setWindowTitle(f"FamGuard — {title}")
    box.setText(title)
    box.setInformativeText(message)
    if details:
        box.setDetailedText(details)
    box.setModal(False)
    box.show()
    return box


def show_crash_record(parent: QWidget, words: str, record_text: str) -> QMessageBox:
    """The start after a crash says so in a window of its own (famguard.crash_log): in the notice
    bar, the next notice of the start (a keyring's) took its place unseen. Non-modal; the record
    itself under "Show Details…", to copy."""
    box = show_error(parent, "FamGuard closed unexpectedly", words, record_text)
    box.setObjectName("crashDialog")
    box.setIcon(QMessageBox.Icon.Warning)
    return box
