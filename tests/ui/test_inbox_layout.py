"""The requests inbox once the last request is answered (or with none): the heading, "No requests
waiting." and the answer's "✓ 1 answered." sit together at the top, under the heading, as in
any list that ran empty — the space the table left had been shared out between the lines, which
floated apart across the window."""

from __future__ import annotations

from datetime import UTC, datetime

from famguard.domain.models import TimeRequest, TimeRequestStatus
from famguard.ui.inbox import InboxDialog


def request() -> TimeRequest:
    now = datetime.now(UTC)
    return TimeRequest("r1", "t1", now.date(), 30, "finishing a school project", TimeRequestStatus.PENDING, now)


def gap(upper, lower) -> int:
    return lower.geometry().top() - upper.geometry().bottom()


def test_an_emptied_inbox_keeps_its_lines_together(qtbot) -> None:
    inbox = InboxDialog()
    qtbot.addWidget(inbox)
    inbox.resize(720, 420)
    inbox.show()
    inbox.show_requests([("Maya", request())])
    qtbot.waitExposed(inbox)
    inbox.show_requests([])  # the last one answered
    inbox.say("✓ 1 answered.")
    qtbot.wait(50)
    line = inbox.title.fontMetrics().lineSpacing()
    assert inbox.empty.isVisible() and not inbox.table.isVisible()
    assert not inbox.hint.isVisible()  # nothing to select
    assert gap(inbox.title, inbox.empty) < 2 * line, (gap(inbox.title, inbox.empty), line)
    close = inbox.close_button
    assert abs(gap(close, inbox.status)) < 2 * line, gap(close, inbox.status)
    assert close.geometry().bottom() > inbox.height() - 4 * line  # the answers stay at the bottom


def test_rest_of_the_day_says_it_grants_four_hours_at_most(qtbot) -> None:
    """One answer grants at most 4 h (the service's cap): in a teen's morning "Rest of the day"
    gives less than the rest of the day, and the button says so where it is pointed at and read."""
    from famguard.ui.inbox import REST_OF_DAY

    inbox = InboxDialog()
    qtbot.addWidget(inbox)
    rest = inbox.buttons[REST_OF_DAY]
    assert "4 h at most" in rest.toolTip() and "4 h at most" in rest.accessibleDescription()


def test_a_request_is_read_whole_from_any_of_its_cells(qtbot) -> None:
    """The focused row read "Maya" alone: how much, why and when were not said (an outside
    tester, by ear)."""
    from PySide6.QtCore import Qt

    inbox = InboxDialog()
    qtbot.addWidget(inbox)
    asked = request()
    inbox.show_requests([("Maya", asked)])
    when = inbox.table.item(0, 3).text()
    whole = f"Maya asks for 30 min more: “finishing a school project”, asked at {when}"
    assert inbox.table.item(0, 0).data(Qt.ItemDataRole.AccessibleTextRole) == whole
    assert inbox.table.item(0, 2).data(Qt.ItemDataRole.AccessibleTextRole) == f"finishing a school project — {whole}"


def test_a_long_reason_is_shown_whole_in_its_row_at_the_inbox_s_width(qtbot) -> None:
    """A long reason ended in "…" after three lines, and only its tooltip said the rest (an
    outside tester): its row was measured when the requests came, before the inbox had its width.
    Each row is as tall as its reason at the width it is shown at, and follows a resize."""
    from PySide6.QtCore import QRect, Qt

    inbox = InboxDialog()
    qtbot.addWidget(inbox)
    inbox.resize(560, 420)
    now = datetime.now(UTC)
    reason = (
        "I need to finish recording the science project video with my group tonight because it is due"
        " tomorrow morning and Leo is sick"
    )
    inbox.show_requests([("Maya", TimeRequest("r1", "t1", now.date(), 30, reason, TimeRequestStatus.PENDING, now))])
    inbox.show()
    qtbot.waitExposed(inbox)

    def whole_reason_fits() -> bool:
        cell = inbox.table.visualItemRect(inbox.table.item(0, 2))
        needed = inbox.table.fontMetrics().boundingRect(
            QRect(0, 0, cell.width() - 8, 10_000), int(Qt.TextFlag.TextWordWrap), reason
        )
        return cell.height() >= needed.height()

    qtbot.waitUntil(whole_reason_fits, timeout=2000)
    inbox.resize(460, 420)  # narrower: more lines
    qtbot.waitUntil(whole_reason_fits, timeout=2000)
