"""Opens one screen of the app with sample data, for screenshots under Xvfb
(`/work/shared/tools/shoot OUT.png -- python tests/ui/screens.py controls`). Not a test."""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta

from PySide6.QtWidgets import QApplication

from famguard.domain.controls import Audience, QuietHours, TimeAwayBlock, defaults_for_age
from famguard.ui.dialogs import ConflictDialog
from famguard.ui.main_window import MainWindow
from famguard.ui.pairing import PairingWizard
from famguard.ui.viewstate import SyncState, TeenRow, TeenSync

SCREENS = (
    "welcome", "signin", "family", "home", "inbox", "preferences", "tray", "controls", "pairing", "accepted",
    "conflict", "offline", "demo",
)  # fmt: skip


def build(screen: str, window: MainWindow) -> object:
    rows = [
        TeenRow("t1", "Maya", 14, 35, 90, TeenSync.UP_TO_DATE, pending=1),
        TeenRow("t2", "Leo", 16, 95, 90, TeenSync.QUEUED, pending=1),
    ]
    controls = defaults_for_age(14, "Europe/London").replace(
        time_away=(TimeAwayBlock(("sun", "mon", "tue", "wed", "thu"), "22:00", "07:00"),),
        keyword_filters=("#challenge", "diet"),
        daily_limit_overrides={"sat": 120, "sun": 120},
        quiet_hours=QuietHours("21:00", "08:00"),
    )
    if screen == "signin":
        window.sign_in.set_server("https://famguard.example.org")
        window.show_sign_in()
        window.sign_in.set_email("sam@example.org")
        window.sign_in.show_message("Wrong email or password. Check them and try again.", error=True)
        return None
    if screen == "welcome":
        return None
    window.set_account("Sam Guardian (sam@example.org)", "https://famguard.example.org")
    window.show_family()
    window.teen_list.set_teens(rows)
    window.teen_list.set_inbox_count(2)
    from famguard.domain.models import TimeRequest, TimeRequestStatus, UsageDay
    from famguard.domain.today import today_of
    from famguard.ui.home import HomeFacts

    now = datetime.now(UTC)
    request = TimeRequest("r1", "t1", now.date(), 30, "Finishing my history project", TimeRequestStatus.PENDING,
                          now - timedelta(minutes=4))  # fmt: skip
    approved = TimeRequest("r0", "t1", now.date(), 30, "", TimeRequestStatus.APPROVED, now, granted_minutes=30)
    leo = TimeRequest("r2", "t2", now.date(), 15, "Band practice video", TimeRequestStatus.PENDING, now)
    today = today_of(controls, [UsageDay(now.date(), 35, 60)], [request, approved], now)
    window.ensure_home_page().show_facts(HomeFacts("t1", "Maya", 14, controls, today))
    window.show_page("home")
    if screen in ("home", "inbox", "tray"):
        if screen == "inbox":
            from famguard.ui.inbox import InboxDialog

            inbox = InboxDialog(window)
            inbox.show_requests([("Maya", request), ("Leo", leo)])
            inbox.table.selectAll()
            inbox.show()
            return inbox
        if screen == "tray":
            from PySide6.QtCore import QTimer

            from famguard.ui.alerts import Alerts

            alerts = Alerts(window, lambda: None)
            alerts.set_pending(2)

            def pop() -> None:
                tray = alerts.tray
                where = tray.geometry().bottomLeft() if tray is not None else window.geometry().center()
                alerts.menu.popup(where)

            QTimer.singleShot(1500, pop)
            return alerts
        return None
    if screen == "preferences":
        from pathlib import Path

        from famguard.ui.preferences import PreferencesDialog
        from famguard.ui.settings import Settings

        settings = Settings(Path("/nonexistent/settings.ini"), server_url="https://famguard.example.org")
        settings.notify["changed"] = False
        dialog = PreferencesDialog(settings, has_tray=True, parent=window)
        dialog.show()
        return dialog
    page = window.ensure_controls_page()
    page.show_teen("t1", "Maya", 14, controls)
    window.show_page("controls")
    page.set_field_state("comments", SyncState.SAVED)
    page.set_field_state("search_enabled", SyncState.SENDING)
    page.set_field_state(
        "daily_limit_minutes", SyncState.REJECTED, "A daily limit must be between 10 minutes and 12 hours."
    )
    if screen == "offline":
        window.offline_banner.set_offline(True, 2)
        page.set_offline(True)
        page.set_field_state("daily_limit_minutes", SyncState.PENDING)
        page.set_field_state("search_enabled", SyncState.PENDING)
    if screen == "demo":
        window.set_demo(True)
        panel = window.ensure_teen_phone()
        panel.set_teen("Maya", 14)
        panel.set_effective_controls(controls)
    if screen in ("pairing", "accepted"):
        wizard = PairingWizard(window)
        wizard.show_waiting(
            "K7MQ2XRT", datetime.now(UTC) + timedelta(minutes=9, seconds=41), "famguard://pair?code=K7MQ2XRT"
        )
        if screen == "accepted":
            wizard.show_accepted("Maya", 14)
        wizard.show()
        return wizard
    if screen == "conflict":
        dialog = ConflictDialog(
            "comments",
            Audience.NO_ONE,
            Audience.FRIENDS,
            who="Alex",
            when=datetime.now(UTC),
            teen_name="Maya",
            parent=window,
        )
        dialog.show()
        return dialog
    return None


def main() -> int:
    screen = sys.argv[1] if len(sys.argv) > 1 else "welcome"
    if screen not in SCREENS:
        print(f"unknown screen {screen!r}; one of {', '.join(SCREENS)}")
        return 2
    app = QApplication(sys.argv[:1])
    window = MainWindow()
    window.show()
    keep = build(screen, window)  # noqa: F841 - keeps the dialog alive
    return app.exec()


if __name__ == "__main__":
    raise SystemExit(main())
