"""What a screen reader is told of the messages that change: a label with an accessible name is
read by that name, so the controls page's refusals ("✗ 900 min is outside the allowed 10–720
min …") were read as "Daily screen-time limit: note", the Teen's phone panel's lines as "Pairing",
"Used today", "Open or locked", "Use", "Answer to the request", "Applied version" and "Signed in
teen", and the sign-in form's summary as "Sign-in message" — never what they say (seen with the
AT-SPI tree of `famguard --demo`). The name still says what the line is; its description now
carries the words, as the sync status does."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import QAbstractSpinBox, QLabel, QPushButton, QWidget

from famguard.ui.signin import SignInView
from famguard.ui.teen_panel import TeenPhonePanel

from .test_flows import find


def spoken(widget: QWidget) -> str:
    """What Qt's accessibility layer hands a screen reader for `widget`: its name and description."""
    face = QAccessible.queryAccessibleInterface(widget)
    assert face is not None
    return f"{face.text(QAccessible.Text.Name)} | {face.text(QAccessible.Text.Description)}"


def test_a_refusal_on_the_controls_page_is_read_out(qtbot, page) -> None:
    spin = find(page, QAbstractSpinBox, "dailyLimitCustom")
    spin.lineEdit().selectAll()
    qtbot.keyClicks(spin.lineEdit(), "900")
    qtbot.mouseClick(find(page, QPushButton, "dailyLimitCustomApply"), Qt.MouseButton.LeftButton)
    message = find(page, QLabel, "message_daily_limit_minutes")
    assert "900 min is outside the allowed 10–720 min" in message.text()
    assert "900 min is outside the allowed 10–720 min" in spoken(message)


def test_the_phone_panels_lines_are_read_out(qtbot) -> None:
    panel = TeenPhonePanel()
    qtbot.addWidget(panel)
    panel.show()
    panel.set_teen("Maya", 14)
    panel.set_pairing_state("linked", "✗ That pairing code was not found.")
    panel.set_usage("20 min of 1 h used today, 40 min left", locked="Daily limit reached")
    panel.show_usage_message("✓ Asked for 30 min more.")
    panel.show_answer("✓ Alex approved 15 min more.")
    panel.show_applied("✓ Rules applied at 14:02; your guardians can see they reached this phone.")
    expected = {
        "teenWho": "Signed in on the phone as Maya, 14",
        "teenPairingMessage": "That pairing code was not found",
        "teenUsed": "20 min of 1 h used today, 40 min left",
        "teenLock": "Locked: Daily limit reached",
        "teenUsageMessage": "Asked for 30 min more",
        "teenRequestAnswer": "Alex approved 15 min more",
        "teenApplied": "Rules applied at 14:02",
    }
    for name, words in expected.items():
        assert words in spoken(find(panel, QLabel, name)), name


def test_the_sign_in_forms_summary_is_read_out(qtbot) -> None:
    view = SignInView()
    qtbot.addWidget(view)
    view.show()
    qtbot.mouseClick(find(view, QPushButton, "signInSubmit"), Qt.MouseButton.LeftButton)
    assert "Check the 3 fields marked above" in spoken(find(view, QLabel, "signInMessage"))
