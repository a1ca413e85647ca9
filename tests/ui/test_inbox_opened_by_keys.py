"""The requests inbox opened with its shortcut, Ctrl+I, has the oldest request selected and the
answers ready, as when it is opened with the mouse: the selection had been made while Ctrl was
still held, which Qt reads as Ctrl+click — it toggled the row off again, and every answer button
stayed greyed out."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from famguard.domain.models import TimeRequest, TimeRequestStatus
from famguard.ui.inbox import DENY, InboxDialog


def request(request_id: str) -> TimeRequest:
    now = datetime.now(UTC)
    return TimeRequest(request_id, "t1", now.date(), 15, "finish the level", TimeRequestStatus.PENDING, now)


def test_the_oldest_request_is_selected_while_ctrl_is_held(qtbot) -> None:
    inbox = InboxDialog()
    qtbot.addWidget(inbox)
    inbox.show()
    qtbot.waitExposed(inbox)
    qtbot.keyPress(inbox.table, Qt.Key.Key_Control, Qt.KeyboardModifier.ControlModifier)  # Ctrl of Ctrl+I, held
    try:
        assert QGuiApplication.keyboardModifiers() & Qt.KeyboardModifier.ControlModifier
        inbox.show_requests([("Sam", request("r1")), ("Maya", request("r2"))])
        assert [r.id for r in inbox.selected()] == ["r1"]
        assert inbox.buttons[DENY].isEnabled()
        inbox.show_requests([("Sam", request("r1")), ("Maya", request("r2")), ("Maya", request("r3"))])
        assert [r.id for r in inbox.selected()] == ["r1"]  # kept through a refresh
    finally:
        qtbot.keyRelease(inbox.table, Qt.Key.Key_Control)


def test_no_answer_is_drawn_as_the_one_enter_gives(qtbot) -> None:
    """Found by an outside tester: the inbox opened with "+15 min" framed as the dialog's default
    button (a QDialog makes its first button one), which reads as "Enter gives 15 min" — although
    Enter answers nothing there (the guardian picks an answer by its button). No button is the
    default now, and Enter on the selected request still answers nothing."""
    inbox = InboxDialog()
    qtbot.addWidget(inbox)
    inbox.show()
    qtbot.waitExposed(inbox)
    inbox.show_requests([("Sam", request("r1"))])
    inbox.focus_table()
    sent: list[object] = []
    inbox.answer_requested.connect(lambda *args: sent.append(args))
    qtbot.keyClick(inbox.table, Qt.Key.Key_Return)
    assert sent == []
    assert not any(
        button.isDefault() or button.autoDefault() for button in (*inbox.buttons.values(), inbox.close_button)
    )
