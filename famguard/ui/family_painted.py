"""When a family is on screen: the first paint of a teen's home showing its teen, in the family
screen with its list. The controller brings a returning guardian's service layer, keyring and sync
up after that moment (the family from the local store comes first), and the start-up benchmark
measures to it (famguard.app), so both mean the same thing by "the family is on screen"."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QTimer

if TYPE_CHECKING:
    from famguard.ui.main_window import MainWindow

CHECK_EVERY_MS = 5


def family_on_screen(window: MainWindow) -> bool:
    """The family screen shows its list of teens and a teen's home with that teen's name."""
    from famguard.ui.main_window import HOME_PAGE

    home = window.built_page(HOME_PAGE)
    title = getattr(home, "title", None)
    return (
        home is not None
        and window.current_screen() == "familyView"
        and window.teen_list.list.count() > 0
        and home.isVisible()
        and title is not None
        and bool(title.text())
    )


def when_family_painted(window: MainWindow, then: Callable[[], None], *, give_up_ms: int | None = None) -> None:
    """Call `then` once, on the GUI thread, just after the first paint of a teen's home showing
    its teen (checked every few ms) — or after `give_up_ms` if that never comes (no teen cached, a
    minimised window that does not paint)."""
    done = False

    def once() -> None:
        nonlocal done
        if not done:
            done = True
            check_timer.stop()
            then()

    class Painted(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
            if event.type() == QEvent.Type.Paint:
                watched.removeEventFilter(self)
                QTimer.singleShot(0, once)  # after this paint has finished
            return False

    def check() -> None:
        from famguard.ui.main_window import HOME_PAGE

        if family_on_screen(window):
            check_timer.stop()
            home = window.built_page(HOME_PAGE)
            assert home is not None  # family_on_screen saw it
            home.installEventFilter(Painted(window))
            home.update()

    check_timer = QTimer(window)
    check_timer.setInterval(CHECK_EVERY_MS)
    check_timer.timeout.connect(check)
    check_timer.start()
    if give_up_ms is not None:
        QTimer.singleShot(give_up_ms, window, once)
