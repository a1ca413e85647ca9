"""The app tells Qt who it is, so that the window, the taskbar and notifications show FamGuard's
name and icon, and Wayland matches its windows to org.famguard.FamGuard.desktop."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication

from famguard import __version__, identity
from famguard.app import set_identity, set_window_icon
from famguard.ui.main_window import MainWindow


def test_name_organisation_desktop_file_and_icon(qtbot) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    set_identity(app)
    set_window_icon(app)
    assert (app.applicationName(), app.organizationName(), app.applicationVersion()) == (
        "FamGuard",
        "FamGuard",
        __version__,
    )
    assert app.desktopFileName() == identity.APP_ID == "org.famguard.FamGuard"
    assert app.organizationDomain() == identity.ORGANISATION_DOMAIN
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    icon = window.windowIcon()  # a window without its own icon shows the application's
    assert not icon.isNull()
    for size in (16, 32, 256):
        pixmap = icon.pixmap(size, size)
        assert pixmap.width() == size and not pixmap.toImage().pixelColor(size // 2, size // 2).alpha() == 0
