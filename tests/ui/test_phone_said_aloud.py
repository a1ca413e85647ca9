"""The demo's "Teen's phone" says its results aloud, wherever the keyboard is on it: it showed them
only as a label's new words, which a screen reader reads when the keyboard goes to that label, not
while it is on the field or button just used — "✗ Type the code your guardian shows first", "✓ Asked
for 20 min more" and a guardian's "✗ Alex Morgan said no…" went unheard (outside testers). And
Return in its "Reason" box asks, once per press, as Return in the code box enters the code.

The announcements are recorded as tests/ui/test_said_aloud.py records them (offscreen, Qt has no
accessibility bridge: what the app hands to QAccessible.updateAccessibility is what Qt passes on)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QPushButton

from .test_flows import WAIT, click, demo_with_phone, find

pytestmark = pytest.mark.slow


def test_an_empty_code_is_said_at_once_and_once(qtbot, launch, said) -> None:
    _controller, _window, panel = demo_with_phone(qtbot, launch)
    code = find(panel, QLineEdit, "teenCodeEdit")
    message = find(panel, QLabel, "teenPairingMessage")
    qtbot.waitUntil(lambda: message.text().startswith("✓ Managed by"), timeout=WAIT)
    code.setFocus()
    said.clear()
    qtbot.keyClick(code, Qt.Key.Key_Return)
    assert message.text().startswith("✗ Type the code your guardian shows first.")
    assert said == [("Type the code your guardian shows first.", True)]  # at once, without "ballot x"
    qtbot.keyClick(code, Qt.Key.Key_Return)  # the same words again: nothing new to hear
    assert said == [("Type the code your guardian shows first.", True)]


def test_an_ask_and_its_answer_are_said(qtbot, launch, said) -> None:
    controller, window, panel = demo_with_phone(qtbot, launch)
    usage = find(panel, QLabel, "teenUsageMessage")
    box = panel.more_spin
    box.setFocus()
    box.lineEdit().selectAll()
    qtbot.keyClicks(box.lineEdit(), "20")
    said.clear()
    click(qtbot, find(panel, QPushButton, "teenMoreButton"))
    qtbot.waitUntil(lambda: usage.text() == "✓ Asked for 20 min more.", timeout=WAIT)
    assert ("Asked for 20 min more.", False) in said
    assert not any("Asking" in words for words, _ in said)  # the outcome follows at once: one thing to hear

    home = controller.family.home
    qtbot.waitUntil(lambda: any(r.minutes == 20 for name, r in home.pending() if name == "Maya"), timeout=WAIT)
    [request] = [r for name, r in home.pending() if name == "Maya" and r.minutes == 20]
    said.clear()
    controller.family.requests.decide(request, False, None)  # a guardian says no
    answer = find(panel, QLabel, "teenRequestAnswer")
    qtbot.waitUntil(lambda: answer.text().startswith("✗"), timeout=WAIT)
    refusal = answer.text().split("\n")[0]
    assert "said no to 20 min more" in refusal
    qtbot.waitUntil(lambda: (refusal[2:], True) in said, timeout=WAIT)  # at once: a refusal
    panel_words = [words for words, _ in said if "said no" in words]
    controller.teen_phone.refresh()  # the phone reads the same again: nothing new to hear
    qtbot.waitUntil(lambda: controller.teen_phone.snapshot is not None, timeout=WAIT)
    qtbot.wait(300)
    assert [words for words, _ in said if "said no" in words] == panel_words


def test_return_in_the_reason_asks_once_per_press(qtbot, launch) -> None:
    controller, _window, panel = demo_with_phone(qtbot, launch)
    sent: list[tuple[int, str]] = []
    panel.more_time_requested.connect(lambda minutes, reason: sent.append((minutes, reason)))
    reason = find(panel, QLineEdit, "teenReasonEdit")
    reason.setFocus()
    qtbot.keyClicks(reason, "finishing my project")
    qtbot.keyClick(reason, Qt.Key.Key_Return)
    qtbot.keyClick(reason, Qt.Key.Key_Return)  # a second press at once: the first is on its way
    assert sent == [(30, "finishing my project")]
    usage = find(panel, QLabel, "teenUsageMessage")
    qtbot.waitUntil(lambda: usage.text() == "✓ Asked for 30 min more.", timeout=WAIT)
    assert reason.text() == "" and QApplication.focusWidget() is reason  # cleared for the next one, still typed in
    home = controller.family.home
    qtbot.waitUntil(lambda: any(r.reason == "finishing my project" for _n, r in home.pending()), timeout=WAIT)

    qtbot.wait(QApplication.doubleClickInterval() + 50)  # a press of its own, not a double press
    qtbot.keyClicks(reason, "and the slides")
    qtbot.keyClick(reason, Qt.Key.Key_Return)
    assert sent == [(30, "finishing my project"), (30, "and the slides")]
