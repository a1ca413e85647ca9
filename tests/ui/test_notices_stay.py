"""A notice that stays until dismissed ("Signed in for this session only…", a guardian's question
to join) is not lost under a passing one ("✓ Preferences saved.", 8 s): the bar had room for one,
the passing notice replaced it and then hid itself, and the warning was never seen again (an
outside tester saw one banner replace another). The real window's notice bar, clicked."""

from __future__ import annotations

from PySide6.QtCore import Qt

from famguard.ui.main_window import MainWindow

from .test_flows import dismiss_notice

STAYS = "⚠ Signed in for this session only. The keyring is locked: unlock it to stay signed in."


def _window(qtbot) -> MainWindow:
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def _dismiss(qtbot, window: MainWindow) -> None:
    dismiss_notice(qtbot, window)


def test_a_notice_that_stays_comes_back_after_a_passing_one(qtbot) -> None:
    window = _window(qtbot)
    window.show_notice(STAYS)
    window.show_notice("✓ Preferences saved.", hide_after_ms=200)
    assert window.notice.text() == "✓ Preferences saved."
    qtbot.waitUntil(lambda: window.notice.text() == STAYS, timeout=3000)
    assert window.notice.isVisible()
    qtbot.wait(300)
    assert window.notice.isVisible() and window.notice.text() == STAYS  # it stays

    window.show_notice("✓ Saved the family agreement.", hide_after_ms=60_000)
    _dismiss(qtbot, window)  # the passing one dismissed: the one that stays is back at once
    assert window.notice.isVisible() and window.notice.text() == STAYS

    _dismiss(qtbot, window)  # dismissed itself: gone for good
    assert not window.notice.isVisible()
    window.show_notice("✓ Preferences saved.", hide_after_ms=200)
    qtbot.waitUntil(lambda: not window.notice.isVisible(), timeout=3000)
    qtbot.wait(100)
    assert not window.notice.isVisible()


def test_a_notice_withdrawn_under_a_passing_one_does_not_come_back(qtbot) -> None:
    window = _window(qtbot)
    window.show_notice(STAYS)
    window.show_notice("✓ Preferences saved.", hide_after_ms=300)
    window.withdraw_notice(STAYS)  # e.g. the sign-in form now says the keyring's problem itself
    assert window.notice.text() == "✓ Preferences saved."  # the passing one is left alone
    qtbot.waitUntil(lambda: not window.notice.isVisible(), timeout=3000)
    qtbot.wait(100)
    assert not window.notice.isVisible()

    window.show_notice(STAYS)
    window.show_notice("✓ Preferences saved.", hide_after_ms=60_000)
    window.withdraw_notice("✓ Preferences saved.")  # the passing one taken away: the other is back
    assert window.notice.isVisible() and window.notice.text() == STAYS
    window.withdraw_notice()  # everything (signed out)
    assert not window.notice.isVisible() and window.standing_notice() is None


def test_a_passing_notice_covered_by_another_comes_back_for_the_rest_of_its_time(qtbot) -> None:
    """Found by an outside tester: "✉ Maya asks for more time…" (shown 20 s) was replaced by
    "✓ Preferences saved." and never came back."""
    window = _window(qtbot)
    window.show_notice(STAYS)
    asks = "✉ Maya asks for more time: 30 min more today"
    window.show_notice(asks, hide_after_ms=1500)
    window.show_notice("✓ Preferences saved.", hide_after_ms=200)
    qtbot.waitUntil(lambda: window.notice.text() == asks, timeout=3000)  # back, for the time it had left
    assert window.notice.isVisible()
    qtbot.waitUntil(lambda: window.notice.text() == STAYS, timeout=5000)  # then the one that stays
    assert window.notice.isVisible()

    window.show_notice(asks, hide_after_ms=60_000)
    window.show_notice("✓ Preferences saved.", hide_after_ms=60_000)
    _dismiss(qtbot, window)  # the top one dismissed: the one under it is back at once
    assert window.notice.text() == asks
    window.show_notice("✓ Preferences saved.", hide_after_ms=60_000)
    window.withdraw_notice(asks)  # answered meanwhile: it does not come back
    _dismiss(qtbot, window)
    assert window.notice.text() == STAYS


def test_a_confirmation_covered_by_a_newer_one_does_not_come_back(qtbot) -> None:
    """A parent trying the demo: "✓ “Exam weeks” changed for Maya…" came back after the newer
    "✓ “Revision” removed for Maya…" had gone, as if it had happened again. News under a
    confirmation still comes back after it."""
    window = _window(qtbot)
    window.show_notice("✓ “Exam weeks” changed for Maya: Daily screen-time limit 1 h.", hide_after_ms=60_000)
    window.show_notice("✓ “Revision” removed for Maya.", hide_after_ms=300)
    qtbot.waitUntil(lambda: not window.notice.isVisible(), timeout=3000)
    qtbot.wait(100)
    assert not window.notice.isVisible()

    asks = "✉ Maya asks for more time: 30 min more today"
    window.show_notice(asks, hide_after_ms=60_000)
    window.show_notice("✓ “Revision” removed for Maya.", hide_after_ms=60_000)
    window.show_notice("✓ Preferences saved.", hide_after_ms=60_000)  # a confirmation over a confirmation
    _dismiss(qtbot, window)
    assert window.notice.isVisible() and window.notice.text() == asks  # the news waited under both


def test_the_notices_of_requests_answered_do_not_come_back(qtbot) -> None:
    """A parent trying the demo: two requests for more time, the second's notice over the first's;
    both answered in the inbox, the first's notice came back, asking for what was already given."""
    from famguard.ui.alerts import Alerts

    window = _window(qtbot)
    alerts = Alerts(window, lambda: None)
    assert alerts.tray is None  # the window's notice bar says it (a virtual screen has no tray)
    alerts.notify("request", "Maya asks for more time", "30 min more today: “please”", about="r1")
    alerts.notify("request", "Maya asks for more time", "30 min more today", about="r2")
    alerts.set_pending(["r1", "r2"])
    assert window.notice.text() == "✉ Maya asks for more time: 30 min more today"
    alerts.set_pending([])  # both answered
    qtbot.wait(100)
    assert not window.notice.isVisible()


def test_escape_dismisses_the_notice_when_nothing_on_the_page_takes_it(qtbot) -> None:
    """A parent trying the demo found no quick way to put a notice away by keyboard (Tab, about
    eleven times, to its Dismiss); Escape did nothing."""
    from PySide6.QtWidgets import QApplication, QLineEdit

    window = _window(qtbot)
    box = QLineEdit()  # what the keyboard is on: Escape means nothing to it
    window.centralWidget().layout().addWidget(box)
    box.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    box.setFocus()
    qtbot.waitUntil(box.hasFocus, timeout=2000)
    window.show_notice(STAYS)
    window.show_notice("✓ Preferences saved.", hide_after_ms=60_000)
    qtbot.keyClick(box, Qt.Key.Key_Escape)
    assert window.notice.text() == STAYS  # the passing one dismissed; the one that stays is back
    qtbot.keyClick(box, Qt.Key.Key_Escape)
    assert not window.notice.isVisible()
    assert QApplication.focusWidget() is box  # the keyboard stays where it was


def test_a_notice_takes_no_press_just_after_it_came_under_the_pointer(qtbot) -> None:
    """A click meant for the offline banner's "Try again now" dismissed, unread, the notice that
    took its place as the banner went ("… were not applied": an outside tester). The notice bar's
    buttons take no press for a moment after it appeared, changed its words or moved."""
    from famguard.ui.banners import BANNER_SETTLE_MS

    window = _window(qtbot)
    window.show_notice(STAYS)
    qtbot.mouseClick(window.notice.close_button, Qt.MouseButton.LeftButton)  # at once: the pointer's earlier aim
    assert window.notice.isVisible() and window.notice.text() == STAYS
    qtbot.wait(BANNER_SETTLE_MS + 50)
    window.show_notice("✓ Preferences saved", hide_after_ms=8000)  # new words in the same place
    qtbot.keyClick(window.notice.close_button, Qt.Key.Key_Space)
    assert window.notice.text() == "✓ Preferences saved"
    _dismiss(qtbot, window)  # once it has stood still: dismissed
    assert window.notice.text() == STAYS  # the one that stays is back, as before
