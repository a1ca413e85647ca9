"""The teen's own view of its supervision, read-only: who manages the account and since when,
whether the app is open or locked and why, today's use, any temporary rule and when it ends, the
rules in plain words and the change log. The demo's Teen's phone panel shows it fed by the
teen's API; the guardian's "What Maya sees" preview shows the same view fed by the guardian's
data. `TeenViewData` is plain data (built by `build_view`, no Qt); the widget only renders it."""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QVBoxLayout, QWidget

from famguard.domain import teen_view
from famguard.domain.controls import Controls
from famguard.domain.models import ActivityEntry, GuardianLink, TemporaryRule
from famguard.domain.teen_view import EARLIER_COUNTED, LOG_LINES
from famguard.domain.values import short_day
from famguard.ui.common import named, wrapping_label


@dataclass(frozen=True)
class TeenViewData:
    managed_by: str
    rules: list[tuple[str, str]]
    temporary: list[str] = field(default_factory=list)
    log: list[str] = field(default_factory=list)
    status: str = ""  # "Open — 25 min of 1 h used today" or "Locked: Daily limit reached"
    notice: str = ""  # the link ends at 18
    earlier: int = 0  # changes before those in `log`, not shown here (at least: those fetched)


def build_view(
    controls: Controls | None,
    guardians: Sequence[GuardianLink],
    rules: Iterable[TemporaryRule],
    activity: Iterable[ActivityEntry],
    today: date,
    *,
    status: str = "",
    notice: str = "",
    age: int | None = None,
) -> TeenViewData:
    if controls is None:
        return TeenViewData("No guardian manages this account: no controls apply.", [], status=status)
    zone = ZoneInfo(controls.timezone)
    entries = list(activity)
    return TeenViewData(
        managed_by=teen_view.managed_by(guardians, controls.timezone),
        rules=teen_view.rules_in_words(controls, age),
        temporary=teen_view.rules_ahead(rules, today),
        # The teen's clock, as on the phone (the guardian's preview runs in the guardian's zone).
        log=[_logged(e.at.astimezone(zone), teen_view.activity_in_words(e)) for e in entries[:LOG_LINES]],
        status=status,
        notice=notice,
        earlier=max(0, len(entries) - LOG_LINES),
    )


def guardians_from_activity(entries: Iterable[ActivityEntry]) -> list[GuardianLink]:
    """Who manages the teen now, from the link entries of the history (oldest first): what a
    guardian's preview knows without the teen's own guardian list."""
    since: dict[str, datetime] = {}
    for entry in sorted(entries, key=lambda e: e.id):
        if entry.kind != "link":
            continue
        if isinstance(entry.after, dict) and entry.after.get("guardian"):
            since[str(entry.after["guardian"])] = entry.at
        elif isinstance(entry.before, dict) and entry.before.get("guardian"):
            since.pop(str(entry.before["guardian"]), None)
    return [GuardianLink(id=name, display_name=name, linked_at=at) for name, at in since.items()]


class TeenViewWidget(QWidget):
    def __init__(self, object_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(object_name)
        self.label = named(wrapping_label("", f"{object_name}Text", selectable=True), f"{object_name}Text",
                           "What the teen sees")  # fmt: skip
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        self.data: TeenViewData | None = None

    def show_view(self, data: TeenViewData) -> None:
        self.data = data
        e = html.escape
        parts = []
        if data.notice:
            parts.append(f"<p><b>ⓘ {e(data.notice)}</b></p>")
        parts.append(f"<p>{e(data.managed_by)}</p>")
        if data.status:
            parts.append(f"<p><b>{e(data.status)}</b></p>")
        for line in data.temporary:
            parts.append(f"<p>◷ Temporary rule: {e(line)}</p>")
        if data.rules:
            rows = "".join(f"<tr><td>{e(name)}</td><td><b>{e(value)}</b></td></tr>" for name, value in data.rules)
            parts.append(f"<p><b>The rules now</b></p><table cellspacing='3'>{rows}</table>")
        if data.log:
            items = "".join(f"<li>{e(line)}</li>" for line in data.log)
            # Not "every change" when only the latest are listed: the change that turned Search off
            # was missing while the rules said "Search: Off" (a support agent).
            heading = f"The latest {len(data.log)} changes" if data.earlier else "Changes"
            parts.append(f"<p><b>{heading}</b></p><ul style='margin-left:-20px'>{items}</ul>")
            if data.earlier:
                parts.append(f"<p>{e(earlier_words(data.earlier))}</p>")
        self.label.setText("".join(parts))
        self.label.setAccessibleDescription(self.plain_text())

    def plain_text(self) -> str:
        """The view as text (what a screen reader reads, and what tests compare)."""
        data = self.data
        if data is None:
            return ""
        lines = [data.notice, data.managed_by, data.status, *(f"Temporary rule: {t}" for t in data.temporary)]
        lines += [f"{name}: {value}" for name, value in data.rules] + data.log
        if data.earlier:
            lines.append(earlier_words(data.earlier))
        return "\n".join(line for line in lines if line)

    def text(self) -> str:
        return self.label.text()


def earlier_words(earlier: int) -> str:
    """After the latest changes: how many older ones, exactly while all were given ("12 or more"
    was vague, and "in the change history" was addressed to a teen who has none: a re-tester)."""
    if earlier >= EARLIER_COUNTED:
        return "And older changes, not listed here."
    return f"And {earlier} older change{'s' if earlier > 1 else ''}, not listed here."


def _logged(at: datetime, words: str) -> str:
    return f"{short_day(at.date())} {at:%H:%M}  {words}"
