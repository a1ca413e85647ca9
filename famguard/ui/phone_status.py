"""The delivery receipt as the guardian reads it: `PhoneStatusWidget` is a self-contained line to
place wherever the guardian looks (the teen's home, the phone page), with a symbol and words —
never colour alone. The wording is famguard.ui.receipt_words (pure, tested without Qt)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QWidget

from famguard.ui.common import named, wrapping_label

if TYPE_CHECKING:
    from famguard.domain.models import PhoneStatus
    from famguard.ui.receipt_words import ReceiptWords


class PhoneStatusWidget(QWidget):
    """One line: where the teen's phone stands. `show_status` re-words it; call it again from a
    timer so "since" stays true as time passes."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from PySide6.QtWidgets import QVBoxLayout

        self.setObjectName("phoneStatusBox")
        self.label = named(wrapping_label("", "phoneStatus"), "phoneStatus", "Teen's phone")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        self.words: ReceiptWords | None = None

    def show_status(self, name: str, status: PhoneStatus | None, now: datetime) -> ReceiptWords:
        from famguard.ui.receipt_words import receipt_words  # after the family's first paint

        self.words = receipt_words(name, status, now)
        self.label.setText(self.words.long)
        self.label.setToolTip(self.words.basis)
        self.label.setAccessibleName(f"{name}'s phone")
        self.label.setAccessibleDescription(self.words.long)
        return self.words

    def text(self) -> str:
        return self.label.text()
