"""The age-transition preview box: "On 3 March (in 12 days) Maya turns 16: direct messages become
available …". Self-contained, so any page can show it with one line: add the widget, then give it
what InsightService.age_transition returns (hidden while there is nothing to say). Pure view."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QVBoxLayout, QWidget

from famguard.domain.age_transition import AgeTransition
from famguard.ui.common import named, wrapping_label


class AgeTransitionPreview(QFrame):
    def __init__(self, parent: QWidget | None = None, object_name: str = "ageTransition") -> None:
        super().__init__(parent)
        self.setObjectName(object_name)
        self.setAccessibleName("Coming up: a birthday that changes the rules")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.title = named(wrapping_label("", f"{object_name}Title"), f"{object_name}Title", "Birthday ahead")
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.body = named(wrapping_label("", f"{object_name}Text"), f"{object_name}Text", "What will change")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.addWidget(self.title)
        layout.addWidget(self.body)
        self.transition: AgeTransition | None = None
        self.hide()

    def set_transition(self, transition: AgeTransition | None) -> None:
        self.transition = transition
        if transition is None:
            self.hide()
            return
        self.title.setText(f"ℹ {transition.headline()}")  # not 🎂: no glyph without an emoji font (a tester saw a box)
        body = " ".join(transition.changes)
        self.body.setText(body[:1].upper() + body[1:])
        self.setAccessibleDescription(transition.text())
        self.show()
