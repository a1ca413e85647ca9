"""The home's "phone and plans" section: whether the last change reached the teen's phone (the
delivery receipt), the temporary rule in force, a birthday that will change the rules, and the
way to the page where rules are planned. Its facts come from the trust presenter (the receipt and
the rules, kept fresh by the events feed) and the insight service (the birthday), not from
HomeFacts, so `show_facts` only clears what belonged to another teen. Pure view."""

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
        self.birthday_teen_id = ""  # whose birthday is shown: it may arrive before the facts
        self.phone = PhoneStatusWidget()
        self.rule = named(wrapping_label("No temporary rule in force.", "homeRule"), "homeRule", "Temporary rule")
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
        layout.addWidget(self.guardians)
        layout.addWidget(self.birthday)
        layout.addWidget(self.plans_button)

    def show_facts(self, facts: HomeFacts) -> None:
        if facts.teen_id != self.teen_id:  # another teen: nothing of the last one may stay
            self.teen_id = facts.teen_id
            self.phone.label.setText("")
            self.rule.setText("No temporary rule in force.")
            self.show_guardians("")
            if self.birthday_teen_id != facts.teen_id:
                self.birthday.set_transition(None)

    def show_phone(self, name: str, status: PhoneStatus | None, now: datetime) -> None:
        self.phone.show_status(name, status, now)

    def show_rule(self, words: str | None) -> None:
        text = f"◷ {words}" if words else "No temporary rule in force."
        self.rule.setText(text)
        self.rule.setAccessibleName(f"Temporary rule: {text}")

    def show_guardians(self, words: str) -> None:
        """ "Guardians: you (since …), Jordan Morgan (since today)"; empty: not known yet."""
        show_words(self.guardians, words)
        self.guardians.setVisible(bool(words))

    def show_birthday(self, teen_id: str, transition: AgeTransition | None) -> None:
        self.birthday_teen_id = teen_id
        self.birthday.set_transition(transition)
