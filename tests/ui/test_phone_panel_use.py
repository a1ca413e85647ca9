"""The demo's phone panel as a person uses it, from its findings. Docked in the guardian's window,
its buttons' Alt letters were the window's: Alt+E on the guardian's screen-time page pressed the
phone's "Enter code" (a parent trying the demo, stop 39); the phone's letters act only while the
keyboard is on the phone. A double click on "Ask for more time" asked twice. Real widgets and
real key and mouse events; nothing here needs the service."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QMainWindow

from famguard.ui.teen_panel import TeenPhonePanel

ALT = Qt.KeyboardModifier.AltModifier


def _window_with_phone(qtbot) -> tuple[QMainWindow, QLineEdit, TeenPhonePanel]:
    window = QMainWindow()
    qtbot.addWidget(window)
    guardians_box = QLineEdit()  # stands for whatever the guardian's page has the keyboard on
    window.setCentralWidget(guardians_box)
    panel = TeenPhonePanel(window)
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, panel)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    return window, guardians_box, panel


def test_the_phones_alt_letters_do_nothing_while_the_keyboard_is_on_the_guardians_page(qtbot) -> None:
    _window, guardians_box, panel = _window_with_phone(qtbot)
    sent: list[str] = []
    panel.redeem_requested.connect(sent.append)
    panel.code_edit.setText("ABCD-EFGH")
    guardians_box.setFocus()
    qtbot.waitUntil(guardians_box.hasFocus)
    qtbot.keyClick(guardians_box, Qt.Key.Key_E, ALT)
    qtbot.keyClick(guardians_box, Qt.Key.Key_T, ALT)
    qtbot.wait(300)  # a button's Alt letter clicks it after a 100 ms press it draws
    assert sent == []
    assert not panel.use_button.isChecked()
    assert guardians_box.hasFocus()  # nothing on the phone took the keyboard either
    assert "&" not in panel.redeem_button.text()  # no letter is underlined that does not work


def test_the_phones_alt_letters_work_while_the_keyboard_is_on_the_phone(qtbot) -> None:
    _window, guardians_box, panel = _window_with_phone(qtbot)
    sent: list[str] = []
    panel.redeem_requested.connect(sent.append)
    panel.code_edit.setText("ABCD-EFGH")
    panel.code_edit.setFocus()
    qtbot.waitUntil(panel.code_edit.hasFocus)
    assert panel.redeem_button.text() == "&Enter code"
    qtbot.keyClick(panel.code_edit, Qt.Key.Key_E, ALT)
    qtbot.waitUntil(lambda: sent == ["ABCD-EFGH"])
    # Alt+T starts the app's clock, and the button it renamed keeps its letter for Alt+T to stop it.
    qtbot.keyClick(panel.code_edit, Qt.Key.Key_T, ALT)
    qtbot.waitUntil(panel.use_button.isChecked)
    assert panel.use_button.text() == "■ Stop using &the app"
    panel.use_button.setFocus()
    qtbot.keyClick(panel.use_button, Qt.Key.Key_T, ALT)
    qtbot.waitUntil(lambda: not panel.use_button.isChecked())
    # The keyboard leaves the phone: the renamed button loses its letter as the others do.
    guardians_box.setFocus()
    qtbot.waitUntil(lambda: panel.use_button.text() == "▶ Use the app")


def test_a_double_click_on_ask_for_more_time_asks_once(qtbot) -> None:
    """A parent double-clicked "Ask for more time" in the demo: the first request was answered
    before the second click, which asked again (without the reason, cleared once taken), and the
    guardian's "+30 min" to both gave an hour. The service stands in for a fast one here: the
    panel is told at once that the request was taken, as the demo's loopback service does."""
    from PySide6.QtWidgets import QApplication

    _window, _guardians_box, panel = _window_with_phone(qtbot)
    asked: list[tuple[int, str]] = []

    def taken_at_once(minutes: int, reason: str) -> None:
        asked.append((minutes, reason))
        panel.set_asking(True)
        panel.set_asking(False, sent=True)

    panel.more_time_requested.connect(taken_at_once)
    panel.reason_edit.setText("finishing a school project")
    qtbot.mouseClick(panel.more_button, Qt.MouseButton.LeftButton)
    assert panel.more_button.isEnabled()  # ready again, as after a fast answer
    qtbot.mouseClick(panel.more_button, Qt.MouseButton.LeftButton)  # a double click's second click
    assert asked == [(30, "finishing a school project")]
    qtbot.wait(QApplication.doubleClickInterval() + 100)
    qtbot.mouseClick(panel.more_button, Qt.MouseButton.LeftButton)  # a moment later: asking again is asking
    assert asked == [(30, "finishing a school project"), (30, "")]
