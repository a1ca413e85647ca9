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
    "conflict", "offline", "paused", "demo", "receipts", "trust", "stress",
)  # fmt: skip
# The language-length stress case of the sync statuses: a long name, the service's longest words.
LONG_NAME = "Maximiliana-Alexandrina Featherstonehaugh"
UNREACHABLE = "FamGuard can't reach famguard.example.org. Check the internet connection."


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
    home = window.ensure_home_page()
    home.show_facts(HomeFacts("t1", "Maya", 14, controls, today))
    from famguard.domain.models import PhoneStatus
    from famguard.ui.home_trust import PhoneAndPlansSection

    applied = now - timedelta(minutes=12)
    phone_and_plans = home.section(PhoneAndPlansSection)
    assert isinstance(phone_and_plans, PhoneAndPlansSection)
    phone_and_plans.show_phone("t1", "Maya", PhoneStatus(applied, '"8"', applied, '"8"', True), now)
    phone_and_plans.show_guardians("t1", "Guardians: you (since Sunday 15 November), Jordan Morgan (since today)")
    window.show_page("home")
    if screen in ("home", "inbox", "tray"):
        if screen == "inbox":
            from famguard.ui.inbox import InboxDialog

            inbox = InboxDialog(window)
            zones = {"t1": "Europe/London", "t2": "Europe/London"}  # "Rest of the day" says what it gives
            inbox.show_requests([("Maya", request), ("Leo", leo)], {"t1": now.date(), "t2": now.date()}, zones)
            inbox.table.selectAll()
            inbox.show()
            return inbox
        if screen == "tray":
            from PySide6.QtCore import QTimer

            from famguard.ui.alerts import Alerts

            alerts = Alerts(window, lambda: None)
            alerts.set_pending(["maya-request", "sam-request"])

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
    if screen == "paused":  # the service's write budget spent: it asked the app to wait
        window.offline_banner.set_offline(True, 1, datetime.now(UTC) + timedelta(seconds=50))
        page.set_field_state("search_enabled", SyncState.PENDING)
    if screen == "offline":
        window.offline_banner.set_offline(True, 2)
        page.set_offline(True)
        page.set_field_state("daily_limit_minutes", SyncState.PENDING)
        page.set_field_state("search_enabled", SyncState.PENDING)
    if screen == "demo":
        window.set_demo(True)
        panel = window.ensure_teen_phone()
        panel.set_teen("Maya", 14)
        from famguard.domain.models import GuardianLink, TemporaryRule
        from famguard.ui.teen_view_widget import build_view

        today = datetime.now(UTC).date()
        rule = TemporaryRule("r1", "Exam weeks", today, today + timedelta(days=9), {"daily_limit_minutes": 60},
                             "Alex", "active")  # fmt: skip
        alex = GuardianLink("g1", "Alex", datetime.now(UTC) - timedelta(days=40))
        linked = "✓ Managed by Alex. Another guardian's code adds them too, once Alex approves it."
        panel.set_pairing_state("linked", linked)
        panel.set_usage("25 min of 1 h used today, 35 min left", locked=None)
        panel.show_answer("✓ Alex gave you 30 min more today")
        panel.show_applied("✓ Rules applied at 14:02; your guardians can see they reached this phone.")
        panel.show_view(build_view(controls, [alex], [rule], [], today, status="Open now"))
    if screen in ("receipts", "trust"):
        return _trust_screen(screen, window, controls)
    if screen == "stress":
        window.set_demo(True)
        window.ensure_teen_phone().set_teen(LONG_NAME, 14)
        window.teen_list.set_teens([TeenRow("t1", LONG_NAME, 14, 35, 90, TeenSync.QUEUED, pending=2), rows[1]])
        page.show_teen("t1", LONG_NAME, 14, controls)
        page.set_receipt(f"on {LONG_NAME}'s phone 14:02")
        page.set_field_state("comments", SyncState.SAVED)
        page.set_field_state("daily_limit_minutes", SyncState.REJECTED, UNREACHABLE)
        page.rows["search_enabled"].flash(f"↻ changed by {LONG_NAME}")
        window.offline_banner.set_offline(True, 12)
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


def _trust_screen(screen: str, window: MainWindow, controls: object) -> None:
    """The delivery receipt on the controls page, or the phone page (receipt, a temporary rule,
    what Maya sees), with the demo's Teen's phone showing the teen's own view."""
    from famguard.domain.controls import Controls
    from famguard.domain.models import ActivityEntry, Actor, GuardianLink, PhoneStatus, Role, TemporaryRule
    from famguard.domain.temporary import with_rule
    from famguard.ui.teen_view_widget import build_view
    from famguard.ui.trust_page import PHONE_PAGE, TrustPage

    assert isinstance(controls, Controls)
    now = datetime.now(UTC)
    today = now.date()
    applied = now - timedelta(minutes=12)
    phone = PhoneStatus(applied, '"8"', applied, '"8"', True)
    exam_controls = {"daily_limit_minutes": 60, "daily_limit_overrides": {}}
    exams = TemporaryRule(
        "r1", "Exam weeks", today - timedelta(days=2), today + timedelta(days=11), exam_controls, "Sam Guardian", ""
    )
    half_term = TemporaryRule(
        "r0",
        "Half term",
        today - timedelta(days=40),
        today - timedelta(days=33),
        {"daily_limit_minutes": 120},
        "Alex",
        "",
    )
    sam = Actor("g1", "Sam Guardian", Role.GUARDIAN)
    planned = {"name": "Exam weeks", "starts_on": str(exams.starts_on), "ends_on": str(exams.ends_on),
               "controls": exams.controls}  # fmt: skip
    log = [
        ActivityEntry(5, now - timedelta(minutes=13), sam, "t1", "controls", "comments", "everyone", "friends"),
        ActivityEntry(4, now - timedelta(days=2), None, "t1", "temporary_rule", "started", None, planned),
        ActivityEntry(3, now - timedelta(days=3), sam, "t1", "temporary_rule", "created", None, planned),
        ActivityEntry(2, now - timedelta(days=60), sam, "t1", "link", None, None, {"guardian": "Sam Guardian"}),
    ]
    effective = with_rule(controls, exams.controls, 14)
    guardians = [GuardianLink("g1", "Sam Guardian", now - timedelta(days=60))]
    view = build_view(
        effective, guardians, [exams], log, today, status="Open now — 35 min of 1 h used today, 25 min left"
    )
    window.set_demo(True)
    panel = window.ensure_teen_phone()
    panel.set_teen("Maya", 14)
    panel.set_pairing_state(
        "linked", "✓ Managed by Sam Guardian. Another guardian's code adds them too, once Sam Guardian approves it."
    )
    panel.set_usage("35 min of 1 h used today, 25 min left", locked=None)
    panel.show_applied(f"✓ Rules applied at {applied.astimezone():%H:%M}; "
                       "your guardians can see they reached this phone.")  # fmt: skip
    panel.show_view(view)
    page = window.ensure_controls_page()
    if screen == "receipts":
        page.set_receipt(f"on Maya's phone {applied.astimezone():%H:%M}")
        page.set_field_state("comments", SyncState.SAVED)
        page.set_field_state("search_enabled", SyncState.SAVED)
        page.set_field_state("daily_limit_minutes", SyncState.IDLE)
        return
    trust = window.page(PHONE_PAGE, TrustPage)
    trust.show_teen("t1", "Maya")
    trust.phone.show_status("Maya", phone, now)
    trust.rules.show_rules([exams, half_term], today)
    trust.preview.show_view(view)
    window.show_page(PHONE_PAGE)


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
