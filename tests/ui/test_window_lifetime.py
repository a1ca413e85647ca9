"""A window closed while its controls page is still being built row by row must not crash the
app: the build steps stop with the page instead of touching deleted widgets."""

from __future__ import annotations

from famguard.ui.main_window import MainWindow


def test_closing_the_window_mid_build_stops_the_build_quietly(qtbot) -> None:
    window = MainWindow()
    window.show()
    window.prebuild_controls_page()
    page = window.controls_page
    assert page is not None and page.build_next()  # rows remain: the chain is under way
    destroyed: list[bool] = []
    # A slot of our own, not qtbot.waitSignal: pytest-qt disconnects its slot from the signal of
    # an object that no longer exists then, and Qt warns about it.
    window.destroyed.connect(lambda: destroyed.append(True))
    window.deleteLater()
    qtbot.waitUntil(lambda: bool(destroyed), timeout=2000)
    # Let any step still queued run; pytest-qt fails the test on an exception in the event loop.
    for _ in range(30):
        qtbot.wait(5)
