"""Help › Keyboard shortcuts lists every shortcut the window's menus have — the pages', the inbox's,
the demo's teen's phone — so a keyboard user can learn each from the list (a shortcut added to a menu
and not to famguard.ui.help.SHORTCUTS fails here)."""

from __future__ import annotations

import re

from PySide6.QtGui import QAction, QKeySequence

from famguard.ui.help import SHORTCUTS
from famguard.ui.main_window import MainWindow


def _listed(keys: str) -> bool:
    for listed, _words in SHORTCUTS:
        if keys == listed or keys in listed.split(", "):
            return True
        # "Ctrl+1, Ctrl+2, …": every Ctrl+digit.
        if "…" in listed and re.fullmatch(r"Ctrl\+\d", keys) and listed.startswith("Ctrl+1"):
            return True
    return False


def test_every_menu_shortcut_is_in_the_list(qtbot) -> None:
    window = MainWindow()
    qtbot.addWidget(window)
    window.ensure_teen_phone()  # the demo's panel brings Ctrl+T
    window.ensure_home_page()
    window.ensure_controls_page()
    # Each action's first shortcut: a platform's standard keys add its own keyboard keys after it
    # (the "New" and "Exit" keys of X11), which a keyboard user does not need to be told.
    shortcuts = {
        action.shortcut().toString(QKeySequence.SequenceFormat.PortableText)
        for action in window.findChildren(QAction)
        if not action.shortcut().isEmpty()
    }
    assert {"Ctrl+T", "Ctrl+I", "Ctrl+1", "F1"} <= shortcuts  # what the walk must find, or it proves nothing
    assert sorted(keys for keys in shortcuts if not _listed(keys)) == []


def test_f10_opens_the_menus_for_the_keyboard(qtbot) -> None:
    """An outside tester pressed F10, as on most desktops, and nothing happened."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication, QMenu

    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    qtbot.keyClick(window, Qt.Key.Key_F10)
    qtbot.waitUntil(window.account_menu.isVisible, timeout=2000)
    qtbot.keyClick(QApplication.activePopupWidget(), Qt.Key.Key_Right)  # on to the next menu
    qtbot.waitUntil(window.view_menu.isVisible, timeout=2000)
    assert not window.account_menu.isVisible()
    popup = QApplication.activePopupWidget()
    assert isinstance(popup, QMenu)
    qtbot.keyClick(popup, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is None, timeout=2000)
    # F10 again, with a menu open, puts the menus away (the open menu took the key and kept open).
    qtbot.keyClick(window, Qt.Key.Key_F10)
    qtbot.waitUntil(window.account_menu.isVisible, timeout=2000)
    qtbot.keyClick(QApplication.activePopupWidget(), Qt.Key.Key_F10)
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is None, timeout=2000)
    assert window.isActiveWindow() and window.menuBar().activeAction() is None  # no menu title left lit
    qtbot.keyClick(window, Qt.Key.Key_F10)  # and F10 opens them once more
    qtbot.waitUntil(window.account_menu.isVisible, timeout=2000)
    qtbot.keyClick(QApplication.activePopupWidget(), Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is None, timeout=2000)
