"""Drives the Safety Centre window (Help > Safety Centre…, and "More in the Safety Centre" under
each control's "Learn more"): built on first use, the hotline table read on a worker, the
country preselected from the system locale, and addresses opened in the browser through
QDesktopServices (tests intercept it with QDesktopServices.setUrlHandler)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QLocale, QUrl
from PySide6.QtGui import QDesktopServices

from famguard import resources
from famguard.domain.hotlines import HotlineTable, country_of_locale, parse_hotlines
from famguard.ui.presenter import Presenter
from famguard.ui.tasks import TaskRunner

if TYPE_CHECKING:
    from famguard.ui.main_window import MainWindow
    from famguard.ui.safety_centre import SafetyCentreWindow


def _load_hotlines() -> HotlineTable:
    return parse_hotlines(resources.text(resources.HOTLINES))


class SafetyCentrePresenter(Presenter):
    def __init__(self, window: MainWindow, tasks: TaskRunner, *, locale_name: Callable[[], str] | None = None) -> None:
        super().__init__(window, tasks)
        self.locale_name = locale_name or (lambda: QLocale.system().name())
        self.dialog: SafetyCentreWindow | None = None
        self.track(window.safety_centre_requested, self.open)

    def open(self, section: str = "") -> None:
        """Show the window (built the first time), at `section` ("report-illegal", "control:comments")."""
        if self.dialog is None:
            from famguard.ui.safety_centre import SafetyCentreWindow  # built on first use only

            self.dialog = SafetyCentreWindow(self.window)
            self.track(self.dialog.centre.open_url_requested, self.open_url)
            self.run(_load_hotlines, self._loaded, owner=self.dialog, name="hotlines")
        self.dialog.show()
        self.dialog.raise_()
        self.dialog.activateWindow()
        if section:
            self.dialog.centre.show_section(section)

    def _loaded(self, table: HotlineTable) -> None:
        if self.dialog is not None:
            self.dialog.centre.set_hotlines(table, country_of_locale(self.locale_name()))

    def open_url(self, url: str) -> None:
        if not QDesktopServices.openUrl(QUrl(url)):
            self.window.show_notice(f"✗ No web browser could be opened. The address is {url}", hide_after_ms=30000)
