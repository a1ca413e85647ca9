"""Drives the Safety Centre window (Help > Safety Centre…, and "More in the Safety Centre" under
each control's "Learn more"): built on first use, the hotline table read on a worker, the
country the guardian chose last time (kept in the settings, read and written on workers) or else
preselected from the system locale, or else from this computer's time zone, and addresses opened
in the browser through QDesktopServices (tests intercept it with QDesktopServices.setUrlHandler)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import QLocale, QUrl
from PySide6.QtGui import QDesktopServices

from famguard import resources
from famguard.domain.hotlines import OTHER_COUNTRY, HotlineTable, country_of_locale, country_of_zone, parse_hotlines
from famguard.ui.presenter import Presenter
from famguard.ui.settings import Settings
from famguard.ui.tasks import TaskRunner

if TYPE_CHECKING:
    from PySide6.QtWidgets import QMessageBox

    from famguard.ui.main_window import MainWindow
    from famguard.ui.safety_centre import SafetyCentreWindow


def _load_hotlines(settings: Settings | None) -> tuple[HotlineTable, str, str | None]:
    """On a worker: the table, the country chosen last time ("" when none was) and the country of
    this computer's time zone (None when it names none). A system whose locale names no country
    ("C", as many do) offered "Another country" to a family in London (an outside tester)."""
    import pkgutil

    from famguard.services.localzone import local_timezone

    table = parse_hotlines(resources.text(resources.HOTLINES))
    zone_tab = pkgutil.get_data("tzdata", "zoneinfo/zone.tab") or b""
    here = country_of_zone(local_timezone(), zone_tab.decode("utf-8", "replace"))
    return table, (settings or Settings.load()).hotline_country, here


class SafetyCentrePresenter(Presenter):
    def __init__(
        self,
        window: MainWindow,
        tasks: TaskRunner,
        *,
        locale_name: Callable[[], str] | None = None,
        settings: Callable[[], Settings | None] = lambda: None,
    ) -> None:
        """`settings`: the app's settings once loaded (None before, or in the demo: then the
        settings file of the current data folder is read and written)."""
        super().__init__(window, tasks)
        self.locale_name = locale_name or (lambda: QLocale.system().name())
        self.settings = settings
        self.dialog: SafetyCentreWindow | None = None
        self._showing_table = False  # the window's Safety Centre requests reach open() (AppController)
        self.browser_problem: QMessageBox | None = None  # "No web browser could be opened", while shown

    def open(self, section: str = "") -> None:
        """Show the window (built the first time), at `section` ("report-illegal", "control:comments")."""
        if self.dialog is None:
            from famguard.ui.safety_centre import SafetyCentreWindow  # built on first use only

            self.dialog = SafetyCentreWindow(self.window)
            self.track(self.dialog.centre.open_url_requested, self.open_url)
            self.track(self.dialog.centre.country_chosen, self._chosen)
            self.run(partial(_load_hotlines, self.settings()), self._loaded, owner=self.dialog, name="hotlines")
        self.dialog.show()
        self.dialog.raise_()
        self.dialog.activateWindow()
        if section:
            self.dialog.centre.show_section(section)

    def _loaded(self, found: tuple[HotlineTable, str, str | None]) -> None:
        table, remembered, of_zone = found
        if self.dialog is not None:
            of_locale = country_of_locale(self.locale_name())
            if table.knows(remembered):
                country: str | None = remembered
            elif of_locale and table.knows(of_locale):
                country = of_locale
            else:
                country = of_zone
            self._showing_table = True  # the preselection is not a choice to remember
            try:
                self.dialog.centre.set_hotlines(table, country)
            finally:
                self._showing_table = False

    def _chosen(self, country: str) -> None:
        if not self._showing_table:
            settings, choice = self.settings(), country or OTHER_COUNTRY  # the fallback has no code
            self.run(lambda: (settings or Settings.load()).remember_hotline_country(choice), name="hotline country")

    def open_url(self, url: str) -> None:
        if QDesktopServices.openUrl(QUrl(url)):
            return
        if self.dialog is None:
            self.window.show_notice(f"✗ No web browser could be opened. The address is {url}", hide_after_ms=30000)
            return
        from famguard.ui.dialogs import show_error

        # In front of the Safety Centre, where it was asked: in the main window's notice bar it sat
        # behind this window, unseen by a parent about to report something illegal.
        self.browser_problem = show_error(
            self.dialog,
            "No web browser could be opened",
            f"Open this address in a web browser, on this computer or another device: {url}",
        )
