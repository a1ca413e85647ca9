"""A window closed while its controls page is still being built row by row must not crash the
app: the build steps stop with the page instead of touching deleted widgets."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication

from famguard.ui.main_window import MainWindow


def test_closing_the_window_mid_build_stops_the_build_quietly(qtbot) -> None:
    window = MainWindow()
    window.show()
    window.prebuild_controls_page()
    page = window.controls_page
    assert page is not None and page.build_next()  # rows remain: the chain is under way
    window.deleteLater()
    with qtbot.waitSignal(window.destroyed, timeout=2000):
        QApplication.sendPostedEvents(None, 0)
    # Let any step still queued run; pytest-qt fails the test on an exception in the event loop.
    for _ in range(30):
        qtbot.wait(5)
