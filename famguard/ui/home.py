"""The home of one teen, the page a teen opens on: "what can my teen do today?" — today's use
against today's limit as a bar with the numbers in words, whether the app is locked or muted right
now and until when, the requests waiting with their quick answers, and the rules in plain words;
the controls page is one click away ("Change controls…").

The page is a vertical stack of sections, each a widget with `show_facts(facts)`, built from
`SECTIONS` in order. Another section is one line there: a class taking no arguments whose
`show_facts` reads what it needs from `HomeFacts` (add a field to HomeFacts, filled by
famguard.ui.home_presenter, when it needs more). Pure view: it emits what the guardian asks."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from famguard.domain.control_words import control_label
from famguard.domain.controls import Controls
from famguard.domain.plain_text import listed
from famguard.domain.today import TeenToday, limit_words, plain_rules, weekday_name
from famguard.ui.common import (
    FAMILY_PAINT_AWAITED,
    RING_TRIES,
    SCROLL_BAR_ALWAYS_OFF,
    FocusRing,
    RestOfAQuickPress,
    focus_with_ring,
    heading,
    named,
    plain_tooltip,
    teen_title,
    wrapping_label,
)
from famguard.ui.family_painted import when_family_painted
from famguard.ui.time_requests import TimeRequestsBox

if TYPE_CHECKING:
    from famguard.ui.main_window import MainWindow


def _show(label: QLabel, what: str, text: str) -> None:
    """A label's words, which a screen reader reads as well: "<what>: <words>"."""
    label.setText(text)
    label.setAccessibleName(f"{what}: {text}")


@dataclass(frozen=True)
class HomeFacts:
    """Everything the home's sections show about one teen."""

    teen_id: str
    name: str
    age: int
    controls: Controls
    today: TeenToday
    # Settings changed here whose change has not reached the service yet (offline, or a clash to
    # choose): shown as set here, and said to be not sent. After an offline restart the home said
    # "Limit: 2 h a day" and "Locked now (time away)" beside "✓ On Maya's phone", which had neither.
    waiting: tuple[str, ...] = ()
    # Settings whose change waits for the guardian's choice (another guardian changed them too):
    # shown with the service's value, which the phone keeps until then.
    clashing: tuple[str, ...] = ()
    clashing_with: str = "Another guardian"  # who changed them too ("Alex")


# What the "Right now" line is worked out from: a change of one of them not sent yet is said there.
NOW_FIELDS = frozenset({"daily_limit_minutes", "daily_limit_overrides", "time_away", "quiet_hours"})


def waiting_words(facts: HomeFacts) -> str:
    """ "◷ Not sent yet: Daily screen-time limit and Time away. Maya's phone keeps …", and "⚠ Your
    choice is needed: …" for a clash, or "". A clash is not "until they are sent": nothing goes
    until the guardian chooses, which "Not sent yet" did not say (an outside tester)."""
    parts = []
    if facts.clashing:
        labels = listed([control_label(field, facts.name, in_sentence=True) for field in facts.clashing])
        one = "the one" if len(facts.clashing) == 1 else "the ones"
        parts.append(
            f"⚠ Your choice is needed: {facts.clashing_with} changed {labels} too. Choose which to keep on the "
            f"controls page (“Change controls…”). Until then {facts.name}'s phone keeps {one} shown here."
        )
    if facts.waiting:
        labels = listed([control_label(field, facts.name) for field in facts.waiting])
        parts.append(f"◷ Not sent yet: {labels}. {facts.name}'s phone keeps the rules it had until they are sent.")
    return "\n".join(parts)


class HomeSection(QGroupBox):
    """A titled block of the home."""

    # Its buttons were made again (a question to join, a request): the home puts them in its Tab
    # order, which Qt otherwise gives by the order widgets were made — after the rest of the window.
    buttons_remade = Signal()

    def __init__(self, title: str, object_name: str) -> None:
        super().__init__(title)
        self.setObjectName(object_name)
        self.setAccessibleName(title)

    def show_facts(self, facts: HomeFacts) -> None:
        raise NotImplementedError


class TodaySection(HomeSection):
    """Minutes used against today's limit, and whether the app is locked or muted now."""

    def __init__(self) -> None:
        super().__init__("Today", "homeToday")
        self.bar = named(QProgressBar(), "homeUsageBar", "Use today")
        self.bar.setTextVisible(False)  # the numbers are in words beside it, not only in the bar
        self.bar.setMaximumHeight(14)
        self.usage = named(wrapping_label("", "homeUsageText"), "homeUsageText", "Use today")
        self.limit = named(wrapping_label("", "homeLimitText"), "homeLimitText", "Limit")
        self.now = named(wrapping_label("", "homeNowText"), "homeNowText", "Right now")
        self.waiting = named(wrapping_label("", "homeWaitingText"), "homeWaitingText", "Not sent yet")
        self.waiting.hide()
        font = self.usage.font()
        font.setPointSizeF(font.pointSizeF() * 1.2)
        self.usage.setFont(font)
        layout = QVBoxLayout(self)
        layout.addWidget(self.usage)
        layout.addWidget(self.bar)
        layout.addWidget(self.limit)
        layout.addWidget(self.now)
        layout.addWidget(self.waiting)

    def show_facts(self, facts: HomeFacts) -> None:
        today = facts.today
        words = today.usage_words()
        _show(self.usage, "Use today", words)
        self.bar.setAccessibleDescription(words)
        limit = today.limit_minutes
        used = today.used_minutes or 0
        if limit is None:
            self.bar.setRange(0, 1)
            self.bar.setValue(0)
        else:
            self.bar.setRange(0, max(limit, 1))
            self.bar.setValue(min(used, limit))
        self.title_day = f"{weekday_name(today.day)} {today.day.day} {today.day:%b}"
        self.setTitle(f"Today — {self.title_day} in {today.timezone}")
        unsent = " (not sent yet)" if {"daily_limit_minutes", "daily_limit_overrides"} & set(facts.waiting) else ""
        self.limit.setText(f"Limit: {limit_words(facts.controls)}{unsent}")
        self.limit.setAccessibleName(self.limit.text())
        # What the phone does now, as far as it is worked out from a change it does not have yet:
        # said first, not after the words, which then read as a fact about the phone.
        by_unsent = "With the changes not sent yet: " if NOW_FIELDS & set(facts.waiting) else ""
        _show(self.now, "Right now", f"{by_unsent}{today.now_words()}")
        waiting = waiting_words(facts)
        _show(self.waiting, "Not sent yet", waiting)
        self.waiting.setVisible(bool(waiting))


class RequestsSection(HomeSection):
    """The teen's requests for more time, with quick answers; hidden when there are none."""

    def __init__(self) -> None:
        super().__init__("Requests", "homeRequests")
        self.box = TimeRequestsBox()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.box)
        self.box.rows_remade.connect(self.buttons_remade)
        self.setTitle("")
        self.setStyleSheet("QGroupBox#homeRequests { border: 0; margin: 0; padding: 0; }")  # the box inside has one
        self.hide()

    def show_facts(self, facts: HomeFacts) -> None:
        self.box.show_requests(facts.name, list(facts.today.pending), facts.controls.timezone, facts.today.locked_until)
        self.setVisible(bool(facts.today.pending))


class RulesSection(HomeSection):
    """The rules in plain words, one line per group of controls, worded by their declarations."""

    def __init__(self) -> None:
        super().__init__("The rules now", "homeRules")
        self.form = QFormLayout(self)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self._lines: dict[str, QLabel] = {}

    def show_facts(self, facts: HomeFacts) -> None:
        for group, words in plain_rules(facts.controls, facts.name, facts.waiting, facts.age):
            label = self._lines.get(group)
            if label is None:
                name = f"homeRules_{group.split()[0].lower()}"
                label = self._lines[group] = named(wrapping_label("", name), name, group)
                self.form.addRow(f"<b>{group}</b>", label)
            _show(label, group, words)
        # Laid out again whole: at 150 % on a 1024 × 768 screen, after a temporary rule made the
        # screen-time line longer, the form kept its rows' old heights — that line and the next
        # were cut off, the last had room to spare (an outside tester; seen under Xvfb, not in an
        # offscreen test, which laid it out right before this too).
        self.form.invalidate()

    def text(self) -> str:
        return "\n".join(label.text() for label in self._lines.values())


# The home's sections, top to bottom. A new section: its class above (or in its own module) and
# one line here.
def _phone_and_plans() -> HomeSection:
    from famguard.ui.home_trust import PhoneAndPlansSection  # it builds on this module's classes

    return PhoneAndPlansSection()


def _guardian_requests() -> HomeSection:
    from famguard.ui.guardian_requests import GuardianRequestsSection  # it builds on this module's classes

    return GuardianRequestsSection()


SECTIONS: tuple[Callable[[], HomeSection], ...] = (
    _guardian_requests,  # first: nothing else on the home matters as much while one waits
    TodaySection,
    _phone_and_plans,
    RequestsSection,
    RulesSection,
)


class HomePage(QWidget):
    """One teen's home."""

    controls_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("homePage")
        self.teen_id = ""
        self.title = heading("", "homeTitle", 1.5)
        self.controls_button = named(
            QPushButton("Change &controls…"), "homeControlsButton", "Change controls", "Every setting of this teen"
        )
        self.controls_button.clicked.connect(self.controls_requested)
        header = QHBoxLayout()
        header.addWidget(self.title, 1)
        button_column = QVBoxLayout()  # the button at the top when the title wraps
        button_column.addWidget(self.controls_button)
        button_column.addStretch(1)
        header.addLayout(button_column)
        self.sections = [make() for make in SECTIONS]
        body = QWidget()
        column = QVBoxLayout(body)
        for section in self.sections:
            column.addWidget(section)
        column.addStretch(1)
        scroll = QScrollArea()
        scroll.setObjectName("homeScroll")
        scroll.setAccessibleName("Today, the phone and the rules")  # a Tab stop: unnamed, read as "filler"
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setProperty("horizontalScrollBarPolicy", SCROLL_BAR_ALWAYS_OFF)
        scroll.setWidget(body)
        FocusRing(scroll)
        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(scroll, 1)
        requests = self.section(RequestsSection)
        assert isinstance(requests, RequestsSection)
        self.requests = requests.box
        self.requests.emptied.connect(self.focus_first)
        # The keyboard lands on "Change controls…" as the last request is answered: the second
        # Space of a quick double press opened the controls page over the answer (a re-tester).
        self._controls_after_answer = RestOfAQuickPress(self.controls_button)
        self.requests.decide_requested.connect(lambda *_answer: self._controls_after_answer.armed())
        self.scroll_area = scroll
        self._ordering_soon = False
        for section in self.sections:
            section.buttons_remade.connect(self._order_tab_stops_soon)

    def section(self, kind: type[HomeSection]) -> HomeSection:
        return next(s for s in self.sections if isinstance(s, kind))

    def show_facts(self, facts: HomeFacts) -> None:
        self.teen_id = facts.teen_id
        self.title.setText(teen_title(facts.name, facts.age, facts.controls.timezone))
        self.title.setAccessibleName(f"Home of {facts.name}, {facts.age}, time zone {facts.controls.timezone}")
        self.title.setToolTip(plain_tooltip(f"{facts.name}'s day follows the time zone {facts.controls.timezone}"))
        for section in self.sections:
            section.show_facts(facts)

    def _order_tab_stops_soon(self) -> None:
        # Rows made while the home is on screen are shown by Qt a moment later (a queued call):
        # ordered at once they were left out as not shown, and a question to join asked again
        # was reached after the whole window (an outside tester). Once for the sections' rows
        # remade in one turn (a family opened from the store remakes them ~10 times before its
        # first paint).
        if not self._ordering_soon:
            self._ordering_soon = True
            QTimer.singleShot(0, self, self.order_tab_stops)

    def order_tab_stops(self) -> None:
        """Tab goes through the home as it reads, top to bottom, after "Change controls…" and the
        scroll area's own stop. Only buttons shown (a row on its way out is hidden until the event
        loop deletes it, and is left alone) and made by this app (a wrapper of each exists)."""
        self._ordering_soon = False
        previous: QWidget = self.scroll_area
        for section in self.sections:
            for button in section.findChildren(QPushButton):
                if button.isVisibleTo(section):
                    QWidget.setTabOrder(previous, button)
                    previous = button

    def focus_first(self) -> None:
        """ "Change controls…", with the ring that shows where the keyboard is. Not the first
        request's first answer: coming back to the home (Alt+M, Ctrl+1, another teen), a Return
        meant for something else gave Sam 15 minutes, on a button with no ring drawn (an outside
        tester, keyboard only). A Tab further, the answers follow in reading order.

        While a start waits for the family's paint the keyboard goes there at once and the ring
        just after that paint: the ring's focus reason and window attribute are `Qt` enums, and
        naming them made PySide create all ~90 of that namespace's as a returning guardian's
        family was shown (~15-25 ms of CPU before its first paint; see ALIGN_CENTER)."""
        window, button = self.window(), self.controls_button
        if not window.property(FAMILY_PAINT_AWAITED):
            focus_with_ring(button)
            return
        button.setFocus()
        when_family_painted(cast("MainWindow", window), lambda: focus_with_ring(button, RING_TRIES - 1))

    def today_text(self) -> str:
        today = self.section(TodaySection)
        assert isinstance(today, TodaySection)
        return f"{today.usage.text()}\n{today.limit.text()}\n{today.now.text()}"
