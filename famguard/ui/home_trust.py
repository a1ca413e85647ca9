"""The home's "phone and plans" section: whether the last change reached the teen's phone (the
delivery receipt), the temporary rule in force and the next one planned, a birthday that will
change the rules, and the way to the page where rules are planned. Its facts come from the trust
presenter (the receipt and the rules, kept fresh by the events feed) and the insight service (the
birthday), not from HomeFacts: each fact names its teen, and the first one of another teen clears
the last one's. Pure view."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QPushButton, QVBoxLayout

from famguard.domain.age_transition import AgeTransition
from famguard.ui.age_transition import AgeTransitionPreview
from famguard.ui.common import named, show_words, wrapping_label
from famguard.ui.home import HomeFacts, HomeSection
from famguard.ui.phone_status import PhoneStatusWidget

if TYPE_CHECKING:
    from famguard.domain.models import PhoneStatus


class PhoneAndPlansSection(HomeSection):
    plans_requested = Signal()

    def __init__(self) -> None:
        super().__init__("Phone and plans", "homePhoneSection")
        self.teen_id = ""
        self.phone = PhoneStatusWidget()
        self.rule = named(wrapping_label("No temporary rule in force.", "homeRule"), "homeRule", "Temporary rule")
        self.planned = named(wrapping_label("", "homePlannedRule"), "homePlannedRule", "Planned temporary rule")
        self.planned.hide()
        # Who can change the rules: a teen's own second account made a guardian shows here by its
        # account, beside "you", even on a computer that was not running when it joined.
        self.guardians = named(wrapping_label("", "homeGuardians"), "homeGuardians", "Guardians")
        self.guardians.hide()
        self.birthday = AgeTransitionPreview(object_name="homeAgeTransition")
        self.plans_button = named(
            QPushButton("&Plan a temporary rule…"),
            "homePlansButton",
            "Plan a temporary rule",
            "Exam weeks, holidays: rules that start and end by themselves",
        )
        self.plans_button.clicked.connect(self.plans_requested)
        layout = QVBoxLayout(self)
        layout.addWidget(self.phone)
        layout.addWidget(self.rule)
        layout.addWidget(self.planned)
        layout.addWidget(self.guardians)
        layout.addWidget(self.birthday)
        layout.addWidget(self.plans_button)

    def show_facts(self, facts: HomeFacts) -> None:
        self._about(facts.teen_id)

    def _about(self, teen_id: str) -> None:
        """What follows is about `teen_id`: nothing of another teen may stay. Every fact says whose it
        is, as the facts arrive in any order: the receipt and the guardians drawn before the home's
        first facts of the teen were wiped by them, and stayed away till the next notice."""
        if teen_id == self.teen_id:
            return
        self.teen_id = teen_id
        self.phone.label.setText("")
        self.show_rule(teen_id, None)
        self.show_planned(teen_id, "")
        self.show_guardians(teen_id, "")
        self.birthday.set_transition(None)

    def show_phone(self, teen_id: str, name: str, status: PhoneStatus | None, now: datetime) -> None:
        self._about(teen_id)
        self.phone.show_status(name, status, now)

    def show_rule(self, teen_id: str, words: str | None) -> None:
        self._about(teen_id)
        text = f"◷ {words}" if words else "No temporary rule in force."
        self.rule.setText(text)
        self.rule.setAccessibleName(f"Temporary rule: {text}")

    def show_planned(self, teen_id: str, words: str) -> None:
        """ "Planned: Winter break, Mon 28 Dec – Tue 5 Jan 2027 (set by you)"; empty: none planned."""
        self._about(teen_id)
        show_words(self.planned, words)
        self.planned.setVisible(bool(words))

    def show_guardians(self, teen_id: str, words: str) -> None:
        """ "Guardians: you (since …), Jordan Morgan (since today)"; empty: not known yet."""
        self._about(teen_id)
        show_words(self.guardians, words)
        self.guardians.setVisible(bool(words))

    def show_birthday(self, teen_id: str, transition: AgeTransition | None) -> None:
        self._about(teen_id)
        self.birthday.set_transition(transition)
