"""Run by tests/ui/test_scaled_screen.py in a process of its own: the family screen on a 1024 × 768
screen at 150 % scale (683 × 512 to Qt), which a test process whose Qt already started at 100 %
cannot be. Prints what a person would see as one JSON object.

    python -m tests.ui.scaled_screen demo|guardian

Qt's offscreen platform with a screen of that size (`offscreen:configfile=…`) and
QT_SCALE_FACTOR=1.5 are set by the caller."""

from __future__ import annotations

import json
import sys

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QPushButton, QScrollArea, QWidget

from famguard.domain.controls import defaults_for_age
from famguard.ui.common import settle_layouts
from famguard.ui.main_window import FRAME_SETTLE_MS, MainWindow
from famguard.ui.viewstate import TeenRow

RULE_IN_FORCE = "“Exam weeks” until Sunday 20 December: daily limit 30 min, time away every day 22:00–07:00"


def _settle(app: QApplication) -> None:
    QTest.qWait(FRAME_SETTLE_MS + 100)  # the window keeps its frame within the screen after this
    for _ in range(5):
        settle_layouts()
        app.processEvents()


def _in_view(widget: QWidget, area: QWidget) -> bool:
    """Shown whole across `area` (a scroll area's viewport, the window): not cut off at either side."""
    left = widget.mapTo(area, widget.rect().topLeft()).x()
    return widget.isVisible() and left >= 0 and left + widget.width() <= area.width()


def _cut_at_the_right(widget: QWidget, viewport: QWidget) -> bool:
    """A control a Tab reaches that runs past the right edge of a scroll area's viewport."""
    if not widget.isVisible() or not widget.focusPolicy() & Qt.FocusPolicy.TabFocus or not widget.objectName():
        return False
    return widget.mapTo(viewport, widget.rect().topRight()).x() >= viewport.width()


def main(who: str) -> dict[str, object]:
    app = QApplication(sys.argv[:1])
    window = MainWindow()
    window.set_demo(who == "demo")
    window.show_family()
    window.teen_list.set_teens([TeenRow("t1", "Maya", 14, 35, 90), TeenRow("t2", "Sam", 16, 45, 120)])
    home = window.ensure_home_page()
    controls = window.ensure_controls_page()
    controls.show_teen("t1", "Maya", 14, defaults_for_age(14, "Europe/London"))
    while controls.build_next():  # as the app does a row per turn after the first paint
        pass
    window.show_page("home")
    if who == "demo":
        window.ensure_teen_phone().set_teen("Maya", 14)
    window.show()
    _settle(app)
    settings = controls.findChild(QScrollArea, "controlsScroll")
    seen: dict[str, object] = {
        "screen": window.screen().availableGeometry().width(),
        "window": window.frameGeometry().width(),
        "window_minimum": window.minimumSizeHint().width(),
        "list_shown": window.teen_list.isVisible(),
        "phone_shown": window.teen_phone is not None and window.teen_phone.isVisible(),
        "home_button_whole": _in_view(home.findChild(QPushButton, "homeControlsButton"), window),
    }
    if who == "demo":  # the way back to the list, in sight: not in the bar's » overflow
        toggle = window.demo_bar.findChild(QWidget, "teenPhoneToggle")
        seen["phone_toggle_in_bar"] = toggle is not None and _in_view(toggle, window)
        seen["demo_words"] = window.demo_text.text().strip()
    window.show_page("controls")
    _settle(app)
    viewport, bar, body = settings.viewport(), settings.horizontalScrollBar(), settings.widget()
    seen["controls_window"] = window.frameGeometry().width()
    seen["controls_page_whole"] = _in_view(controls, window)  # its header ("Unlink…") and scroll bar
    seen["settings_scroll_sideways"] = bar.isVisible()
    cut = [w for w in body.findChildren(QWidget) if _cut_at_the_right(w, viewport)]
    seen["controls_cut_at_the_right"] = [w.objectName() for w in cut]
    bar.setValue(bar.maximum())
    _settle(app)
    seen["rows_right_end_scrolled_into_view"] = body.mapTo(viewport, body.rect().topRight()).x() < viewport.width()
    if cut:  # the keyboard brings a control cut off at the right into view: Tab from the one before it
        cut[0].setFocus()
        QTest.keyClick(cut[0], Qt.Key.Key_Backtab)
        bar.setValue(0)
        _settle(app)
        QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        _settle(app)
        focused = QApplication.focusWidget()
        seen["tab_reached"] = focused.objectName() if focused is not None else ""
        seen["tab_target_whole"] = focused is not None and _in_view(focused, viewport)
    window.show_page("screen_time")  # a week of use: the chart, its summary and the day's figures
    _settle(app)
    _show_week(window)
    _settle(app)
    usage = window.findChild(QScrollArea, "screenTimeScroll")
    seen["screen_time_scroll_sideways"] = usage.horizontalScrollBar().isVisible()
    seen["screen_time_summary_whole"] = _in_view(usage.widget().findChild(QWidget, "usageSummary"), usage.viewport())
    seen["screen_time_dates_under_bars"] = len(usage.widget().findChild(QWidget, "usageChart").labelled())
    seen["list_shown_on_screen_time"] = window.teen_list.isVisible()
    window.show_page("controls")
    _settle(app)
    # A temporary rule in force, said above the settings: they keep most of the page's height.
    controls.show_rule(RULE_IN_FORCE)
    _settle(app)
    seen["settings_share_of_the_page_with_a_rule"] = round(settings.height() / controls.height(), 2)
    for name, dialog in _dialogs(window):  # the wider dialogs, as they open
        dialog.show()
        _settle(app)
        seen[f"{name}_width"] = dialog.frameGeometry().width()
        dialog.close()
    return seen


def _show_week(window: MainWindow) -> None:
    from datetime import date, timedelta

    from famguard.domain.models import UsageDay
    from famguard.domain.usage_chart import build_chart
    from famguard.ui.screen_time_page import ScreenTimePage

    today = date.today()
    page = window.page("screen_time", ScreenTimePage)
    page.show_teen("t1", "Maya")
    page.show_chart(build_chart([UsageDay(today - timedelta(days=n), 45 + 9 * n, 60, 0) for n in range(7)], today, 7))


def _dialogs(window: MainWindow) -> list[tuple[str, QWidget]]:
    from famguard.ui.inbox import InboxDialog
    from famguard.ui.pairing import PairingWizard

    return [("inbox", InboxDialog(window)), ("wizard", PairingWizard(window))]


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1])))
