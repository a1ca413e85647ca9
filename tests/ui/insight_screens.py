"""Opens one of the insight screens with sample data, for screenshots under Xvfb
(`/work/shared/tools/shoot OUT.png -- python tests/ui/insight_screens.py screentime`). Not a test.
Screens: screentime, screentime-dark, history, safety."""

from __future__ import annotations

import sys
from datetime import UTC, date, datetime, timedelta

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from famguard.domain.models import ActivityEntry, Actor, Role, UsageDay
from famguard.domain.usage_chart import build_chart
from famguard.ui.main_window import MainWindow
from famguard.ui.viewstate import TeenRow, TeenSync

SCREENS = ("screentime", "screentime-dark", "history", "safety")


def sample_week(today: date) -> list[UsageDay]:
    minutes = [35, 50, 130, 45, 75, 100, 25]
    limits = [60, 60, 120, 60, 60, 90, 60]
    extra = [0, 0, 0, 0, 0, 30, 0]
    first = today - timedelta(days=6)
    return [
        UsageDay(first + timedelta(days=i), m, lim, x)
        for i, (m, lim, x) in enumerate(zip(minutes, limits, extra, strict=True))
    ]


def dark(app: QApplication) -> None:
    palette = QPalette()
    for role, colour in (
        (QPalette.ColorRole.Window, "#202124"),
        (QPalette.ColorRole.WindowText, "#e8eaed"),
        (QPalette.ColorRole.Base, "#2b2c2f"),
        (QPalette.ColorRole.Text, "#e8eaed"),
        (QPalette.ColorRole.Button, "#303134"),
        (QPalette.ColorRole.ButtonText, "#e8eaed"),
        (QPalette.ColorRole.Highlight, "#8ab4f8"),
        (QPalette.ColorRole.HighlightedText, "#202124"),
    ):
        palette.setColor(role, QColor(colour))
    app.setPalette(palette)


def build(screen: str, window: MainWindow) -> object:
    window.set_account("Sam Guardian (sam@example.org)", "https://famguard.example.org")
    window.show_family()
    window.teen_list.set_teens([TeenRow("t1", "Maya", 15, 25, 60, TeenSync.UP_TO_DATE)])
    today = datetime.now(UTC).date()
    if screen.startswith("screentime"):
        from famguard.ui.screen_time_page import ScreenTimePage

        page = window.page("screen_time", ScreenTimePage)
        page.show_teen("t1", "Maya")
        page.show_chart(build_chart(sample_week(today), today, 7))
        window.show_page("screen_time")
        page.chart.setFocus()
        page.chart.select(5)
    if screen == "history":
        from famguard.ui.history_page import ChangeHistoryPage

        page = window.page("history", ChangeHistoryPage)
        page.show_teen("t1", "Maya")
        entries = sample_history()
        page.show_page(entries, first=True, complete=False, from_cache=False)
        from famguard.domain.activity_words import who_choices
        from famguard.domain.models import GuardianLink

        now = datetime.now(UTC)
        page.set_people(
            "t1", who_choices("t1", "Maya", [GuardianLink("g1", "Sam", now), GuardianLink("g2", "Jordan", now)])
        )
        page.set_current_controls({"search_enabled": False, "daily_limit_minutes": 90})
        page.list.setCurrentIndex(page.model.index(0, 0))
        window.show_page("history")
        page.list.setFocus()
    if screen == "safety":
        from famguard import resources
        from famguard.domain.hotlines import parse_hotlines
        from famguard.ui.safety_centre import SafetyCentreWindow

        dialog = SafetyCentreWindow(window)
        dialog.centre.set_hotlines(parse_hotlines(resources.text(resources.HOTLINES)), "GB")
        window.hide()  # the Safety Centre is a window of its own: shoot it alone
        dialog.show()
        dialog.move(0, 0)
        dialog.centre.show_section("report-illegal")
        return dialog
    return None


def sample_history() -> tuple[ActivityEntry, ...]:
    sam, jordan = Actor("g1", "Sam", Role.GUARDIAN), Actor("g2", "Jordan", Role.GUARDIAN)
    maya = Actor("t1", "Maya", Role.TEEN)
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    rows = [
        (jordan, "controls", "search_enabled", True, False),
        (sam, "time_request", "approved", 30, 30),
        (maya, "time_request", "requested", 30, None),
        (sam, "controls", "daily_limit_minutes", 60, 90),
        (jordan, "controls", "comments", "everyone", "friends"),
        (sam, "controls", "quiet_hours", {"start": "22:00", "end": "08:00"}, {"start": "21:00", "end": "07:00"}),
        (jordan, "controls", "keyword_filters", [], ["#challenge", "diet"]),
        (sam, "controls", "suggest_account", True, False),
        (jordan, "link", None, None, {"guardian": "Jordan"}),
        (sam, "link", None, None, {"guardian": "Sam"}),
    ]
    return tuple(
        ActivityEntry(100 - i, now - timedelta(hours=5 * i + 1), who, "t1", kind, field, before, after)
        for i, (who, kind, field, before, after) in enumerate(rows)
    )


def main() -> int:
    screen = sys.argv[1] if len(sys.argv) > 1 else "screentime"
    if screen not in SCREENS:
        print(f"unknown screen {screen!r}; one of {', '.join(SCREENS)}", file=sys.stderr)
        return 2
    app = QApplication(sys.argv[:1])
    if screen.endswith("-dark"):
        dark(app)
    window = MainWindow()
    window.show()
    keep = build(screen, window)  # noqa: F841 - keeps a dialog alive
    return app.exec()


if __name__ == "__main__":
    raise SystemExit(main())
