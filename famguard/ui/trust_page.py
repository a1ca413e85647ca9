"""The teen's phone page of the guardian: whether the latest rules are on the teen's phone (the
delivery receipt), the temporary rules, and "What Maya sees" — the teen's own view, read-only,
fed by the guardian's data. Each part is a self-contained widget (PhoneStatusWidget,
TemporaryRulesBox, TeenViewWidget) so another page can place it with one line."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from famguard.ui.common import heading, named, page_scroll, wrapping_label
from famguard.ui.phone_status import PhoneStatusWidget
from famguard.ui.teen_view_widget import TeenViewWidget
from famguard.ui.temporary_rules import TemporaryRulesBox

PHONE_PAGE = "phone"  # the name it is registered under (MainWindow._register_pages)


class TrustPage(QWidget):
    controls_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("trustPage")
        self.teen_id = ""
        self.title = heading("", "trustTitle", 1.5)
        self.back = named(QPushButton("Show the &controls"), "showControlsButton", "Show the controls")
        self.back.clicked.connect(self.controls_requested)
        self.phone = PhoneStatusWidget()
        self.link_end = named(wrapping_label("", "linkEndNotice"), "linkEndNotice", "The link ends at 18")
        self.link_end.hide()
        self.rules = TemporaryRulesBox()
        self.preview_box = QGroupBox("What the teen sees")
        self.preview_box.setObjectName("previewBox")
        self.preview = TeenViewWidget("teenPreview")
        preview_layout = QVBoxLayout(self.preview_box)
        preview_layout.addWidget(wrapping_label(
            "This is the teen's own view of the rules on their phone: who manages the account, the rules "
            "in plain words and its latest changes. FamGuard never hides that it is on.", "previewIntro"))  # fmt: skip
        preview_layout.addWidget(self.preview)

        body = QWidget()
        body_layout = QVBoxLayout(body)
        body_layout.addWidget(self.link_end)
        body_layout.addWidget(self.phone)
        body_layout.addWidget(self.rules)
        body_layout.addWidget(self.preview_box)
        body_layout.addStretch(1)
        scroll = self._scroll = page_scroll(body, "trustScroll", "Phone and temporary rules")
        header = QHBoxLayout()
        header.addWidget(self.title, 1)
        header.addWidget(self.back, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(scroll, 1)

    def show_teen(self, teen_id: str, name: str) -> None:
        self.teen_id = teen_id
        self.title.setText(f"{name}'s phone and temporary rules")
        self.title.setAccessibleName(f"{name}'s phone and temporary rules")
        self.preview_box.setTitle(f"What {name} sees")

    def show_preview(self) -> None:
        """ "What Maya sees" scrolled into view, the keyboard on the page (View › What the teen sees)."""
        from PySide6.QtWidgets import QScrollArea

        if isinstance(self._scroll, QScrollArea):
            self._scroll.ensureWidgetVisible(self.preview_box, 0, 0)
        self._scroll.setFocus()

    def show_link_end(self, text: str) -> None:
        """The notice before the teen turns 18 (empty: none)."""
        self.link_end.setText(f"ⓘ {text}" if text else "")
        self.link_end.setVisible(bool(text))
