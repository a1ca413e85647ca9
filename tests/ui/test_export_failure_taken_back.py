"""A save that failed, then one that worked: the failure's words leave the notice bar. They stayed
under the confirmation and came back when it was dismissed — "✗ Could not save a.csv: No such file
or directory." after the figures were saved elsewhere (an outside tester). The demo's real screen
time page and export, the save dialog answered as a guardian would."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from famguard.ui.screen_time_page import ScreenTimePage

from .test_flows import WAIT, demo_at, dismiss_notice, find


def test_a_failed_export_is_not_said_again_after_one_that_worked(qtbot, launch, monkeypatch, tmp_path: Path) -> None:
    controller, window, _panel = demo_at(qtbot, launch, "Maya")
    window.page_requested.emit("screen_time")
    page = window.page("screen_time", ScreenTimePage)
    qtbot.waitUntil(lambda: page.chart.chart is not None, timeout=WAIT)
    answers = iter([str(tmp_path / "missing" / "a.csv"), str(tmp_path / "ok.csv")])
    monkeypatch.setattr("famguard.ui.screen_time_page.ask_where_to_save", lambda *_args: next(answers))
    export = find(page, QPushButton, "exportCsvButton")

    qtbot.mouseClick(export, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Could not save a.csv" in window.notice.text(), timeout=WAIT)
    qtbot.mouseClick(export, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "✓ Saved the screen-time figures to" in window.notice.text(), timeout=WAIT)
    assert (tmp_path / "ok.csv").exists()

    dismiss_notice(qtbot, window)
    qtbot.wait(100)
    assert not window.notice.isVisible(), window.notice.text()
