"""The Safety Centre in the real app: Help > Safety Centre… opens it on any screen, the hotline
for a UK locale is the IWF and "Report illegal content…" opens its address in the browser (the
opener intercepted with Qt's own QDesktopServices.setUrlHandler, so nothing real is launched);
the country can be changed; each control's "Learn more" leads to its recommendation."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QObject, QPoint, QRect, Qt, QUrl, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QAbstractButton, QComboBox, QPushButton, QWidget

from famguard.domain.controls import defaults_for_age
from famguard.ui.controls_page import ControlsPage

from .test_flows import WAIT, find


class Browser(QObject):
    """Receives the addresses QDesktopServices would give the web browser."""

    def __init__(self) -> None:
        super().__init__()
        self.opened: list[str] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.opened.append(url.toString())


@pytest.fixture
def browser() -> Iterator[Browser]:
    receiver = Browser()
    for scheme in ("http", "https"):
        QDesktopServices.setUrlHandler(scheme, receiver, "open")
    yield receiver
    for scheme in ("http", "https"):
        QDesktopServices.unsetUrlHandler(scheme)


def open_from_help(qtbot, controller):
    action = next(a for a in controller.window.help_menu.actions() if a.text() == "&Safety Centre…")
    action.trigger()
    presenter = controller.safety_centre
    qtbot.waitUntil(lambda: presenter.dialog is not None and presenter.dialog.centre.table is not None, timeout=WAIT)
    return presenter.dialog


def test_a_uk_locale_reports_to_the_iwf_and_the_country_can_be_changed(qtbot, launch, browser) -> None:
    controller = launch()
    controller.safety_centre.locale_name = lambda: "en_GB"
    dialog = open_from_help(qtbot, controller)  # from the welcome screen: no sign-in needed
    assert dialog.isVisible()
    country = find(dialog, QComboBox, "hotlineCountry")
    assert country.currentText() == "United Kingdom"
    assert dialog.centre.hotline.text() == "Internet Watch Foundation (IWF) — https://report.iwf.org.uk/"
    qtbot.mouseClick(find(dialog, QPushButton, "reportHotlineButton"), Qt.MouseButton.LeftButton)
    assert browser.opened == ["https://report.iwf.org.uk/"]

    country.setCurrentIndex(country.findText("Ireland"))
    qtbot.mouseClick(find(dialog, QPushButton, "reportHotlineButton"), Qt.MouseButton.LeftButton)
    assert browser.opened[-1] == "https://hotline.ie/report"
    assert "Hotline.ie" in dialog.centre.text.toPlainText()  # the full table is in the guide too


def test_enter_outside_the_report_button_opens_no_browser_and_on_it_does(qtbot, launch, browser) -> None:
    """Enter in the country box opened the hotline in the browser (the button was the window's
    default, an outside tester at 150 % scale); Enter on the button, reached by Tab, still does."""
    controller = launch()
    controller.safety_centre.locale_name = lambda: "en_GB"
    dialog = open_from_help(qtbot, controller)
    country, report = find(dialog, QComboBox, "hotlineCountry"), find(dialog, QPushButton, "reportHotlineButton")
    qtbot.waitUntil(report.isEnabled, timeout=WAIT)
    dialog.activateWindow()
    country.setFocus()
    qtbot.waitUntil(country.hasFocus, timeout=WAIT)
    qtbot.keyClick(country, Qt.Key.Key_Return)
    qtbot.wait(300)
    assert browser.opened == []
    report.setFocus()
    qtbot.waitUntil(report.hasFocus, timeout=WAIT)
    qtbot.keyClick(report, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: browser.opened == ["https://report.iwf.org.uk/"], timeout=WAIT)


def test_the_chosen_country_is_still_chosen_after_a_restart(qtbot, launch, browser) -> None:
    from famguard.ui.settings import Settings

    from .conftest import stop_app

    first = launch()
    first.safety_centre.locale_name = lambda: "en_GB"
    country = find(open_from_help(qtbot, first), QComboBox, "hotlineCountry")
    assert country.currentText() == "United Kingdom"  # the first time: the locale's country
    qtbot.wait(200)
    assert Settings.load().hotline_country == ""  # preselected is not chosen
    country.setCurrentIndex(country.findText("Ireland"))
    qtbot.waitUntil(lambda: Settings.load().hotline_country == "IE", timeout=WAIT)  # written on a worker
    stop_app(first)

    again = launch()
    again.safety_centre.locale_name = lambda: "en_GB"
    dialog = open_from_help(qtbot, again)
    assert find(dialog, QComboBox, "hotlineCountry").currentText() == "Ireland"
    qtbot.mouseClick(find(dialog, QPushButton, "reportHotlineButton"), Qt.MouseButton.LeftButton)
    assert browser.opened == ["https://hotline.ie/report"]


def test_an_unknown_locale_points_to_inhopes_list_of_hotlines(qtbot, launch, browser, monkeypatch) -> None:
    monkeypatch.setenv("TZ", "UTC")  # nor a time zone of one country
    controller = launch()
    controller.safety_centre.locale_name = lambda: "C"
    dialog = open_from_help(qtbot, controller)
    assert find(dialog, QComboBox, "hotlineCountry").currentText() == "Another country"
    qtbot.mouseClick(find(dialog, QPushButton, "reportHotlineButton"), Qt.MouseButton.LeftButton)
    assert browser.opened == ["https://www.inhope.org/EN/our-members"]


def test_learn_more_leads_to_the_controls_recommendation(qtbot, launch) -> None:
    page = ControlsPage()
    qtbot.addWidget(page)
    page.show_teen("t1", "Maya", 14, defaults_for_age(14))
    while page.build_next():
        pass
    page.show()
    qtbot.mouseClick(find(page, QAbstractButton, "learnMore_direct_messages"), Qt.MouseButton.LeftButton)
    more = find(page, QAbstractButton, "safetyCentre_direct_messages")
    assert more.isVisible()
    with qtbot.waitSignal(page.safety_centre_requested, timeout=1000) as asked:
        qtbot.mouseClick(more, Qt.MouseButton.LeftButton)
    assert asked.args == ["control:direct_messages"]

    controller = launch()
    controller.window.safety_centre_requested.emit(asked.args[0])  # what the family presenter forwards
    dialog = controller.safety_centre.dialog
    qtbot.waitUntil(lambda: dialog.centre.table is not None, timeout=WAIT)
    assert dialog.isVisible()
    assert dialog.centre.contents.currentItem().text() == "Each setting, what we recommend and why"
    text = dialog.centre.text.toPlainText()
    assert "Direct messages" in text and "Under 16, direct messages are turned off." in text


def test_without_a_web_browser_the_address_is_said_in_front_of_the_safety_centre(qtbot, launch, monkeypatch) -> None:
    """Found trying the demo on a machine without a browser: "Report illegal content…" said so in
    the main window's notice bar, behind the Safety Centre. The one stand-in: no browser opens
    (QDesktopServices answers False, as it does where none is installed; CI machines may have one)."""
    from famguard.ui import safety_centre_presenter

    monkeypatch.setattr(safety_centre_presenter.QDesktopServices, "openUrl", lambda _url: False)
    controller = launch()
    controller.safety_centre.locale_name = lambda: "en_GB"
    dialog = open_from_help(qtbot, controller)
    qtbot.mouseClick(find(dialog, QPushButton, "reportHotlineButton"), Qt.MouseButton.LeftButton)
    box = controller.safety_centre.browser_problem
    assert box is not None and box.isVisible() and box.parent() is dialog
    assert "https://report.iwf.org.uk/" in box.informativeText()
    assert "No web browser" not in controller.window.notice.text()
    assert dialog.isVisible()  # the parent can still read the guide and pick another country


def test_on_an_800_by_600_screen_the_safety_centre_fits_with_its_close_button(qtbot, launch) -> None:
    """Found by trying the demo on an 800 × 600 screen (Qt's offscreen one is that size): the Safety
    Centre opened at 900 × 680, its country box, "Report illegal content…" and Close off the screen."""
    controller = launch()
    dialog = open_from_help(qtbot, controller)
    room = dialog.screen().availableGeometry()
    assert room.width() == 800  # the small screen, or this proves nothing
    assert dialog.windowTitle() == "FamGuard — Safety Centre"  # as every other window of the app
    for name in ("safetyCloseButton", "reportHotlineButton", "hotlineCountry"):
        widget = find(dialog, QWidget, name)
        assert room.contains(QRect(widget.mapToGlobal(QPoint(0, 0)), widget.size())), name


def test_a_locale_of_no_country_takes_the_computers_time_zone(qtbot, launch, browser, monkeypatch) -> None:
    """Found by an outside tester: with the locale "C" (many systems' own) a family in London was
    offered "Another country", and had to find the UK's hotline by hand."""
    monkeypatch.setenv("TZ", "Europe/London")
    controller = launch()
    controller.safety_centre.locale_name = lambda: "C"
    dialog = open_from_help(qtbot, controller)
    assert find(dialog, QComboBox, "hotlineCountry").currentText() == "United Kingdom"
    qtbot.mouseClick(find(dialog, QPushButton, "reportHotlineButton"), Qt.MouseButton.LeftButton)
    assert browser.opened == ["https://report.iwf.org.uk/"]
