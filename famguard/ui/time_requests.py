"""The teen's requests for more time, above their controls: who asked, how much, why, and quick
answers (15 min, 30 min, 1 h, what was asked, deny). Pure view: it emits the guardian's answer."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from famguard.domain.models import TimeRequest, TimeRequestStatus
from famguard.domain.schedule import format_minutes
from famguard.ui.common import named, wrapping_label

QUICK_ANSWERS = (15, 30, 60)


class TimeRequestsBox(QGroupBox):
    """Pending requests of one teen; hidden when there are none."""

    decide_requested = Signal(object, bool, object)  # TimeRequest, approve, minutes (None: as asked)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Asking for more time", parent)
        self.setObjectName("timeRequestsBox")
        self.setAccessibleName("Requests for more time")
        self._layout = QVBoxLayout(self)
        self._rows: list[QWidget] = []
        self.hide()

    def show_requests(self, teen_name: str, requests: list[TimeRequest]) -> None:
        for row in self._rows:
            row.deleteLater()
        self._rows = []
        pending = [r for r in requests if r.status == TimeRequestStatus.PENDING]
        for request in pending:
            row = self._row(teen_name, request)
            self._layout.addWidget(row)
            self._rows.append(row)
        self.setVisible(bool(pending))

    def pending_count(self) -> int:
        return len(self._rows)

    def _row(self, teen_name: str, request: TimeRequest) -> QWidget:
        row = QWidget()
        row.setObjectName(f"timeRequest_{request.id}")
        reason = f": “{request.reason}”" if request.reason else ""
        text = wrapping_label(
            f"{teen_name} asks for {format_minutes(request.minutes)} more today{reason}", "timeRequestText"
        )
        buttons = QHBoxLayout()
        for minutes in QUICK_ANSWERS:
            label = f"+{format_minutes(minutes)}"
            button = named(QPushButton(label), f"approve_{minutes}", f"Allow {format_minutes(minutes)} more")
            button.clicked.connect(lambda _c=False, m=minutes: self.decide_requested.emit(request, True, m))
            buttons.addWidget(button)
        if request.minutes not in QUICK_ANSWERS:
            asked = named(
                QPushButton(f"+{format_minutes(request.minutes)}"),
                "approve_asked",
                f"Allow the {format_minutes(request.minutes)} asked for",
            )
            asked.clicked.connect(lambda: self.decide_requested.emit(request, True, None))
            buttons.addWidget(asked)
        deny = named(QPushButton("Deny"), "denyRequest", "Deny the request")
        deny.clicked.connect(lambda: self.decide_requested.emit(request, False, None))
        buttons.addWidget(deny)
        buttons.addStretch(1)
        layout = QVBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(text)
        layout.addLayout(buttons)
        return row
