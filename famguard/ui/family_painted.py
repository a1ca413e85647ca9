"""When a family is on screen: the first paint of a teen's home showing its teen, in the family
screen with its list. The controller brings a returning guardian's service layer, keyring and sync
up after that moment (the family from the local store comes first), and the start-up benchmark
measures to it (famguard.app), so both mean the same thing by "the family is on screen"."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QTimer

from famguard.ui.common import FAMILY_PAINT_AWAITED

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

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


class _Watcher(QObject):
    """One per window: watches the home page's paints from when it is built (checked every few ms),
    so that the family's first paint is the one that counts, and calls everyone waiting just after
    it, in the order they asked. When the family is seen on screen before a paint of it was (a
    caller who asked after it was painted), it asks for one and waits for that. (It used to look
    every 5 ms for the family on screen and then ask for a paint: the first paint, which usually
    came before the look, was followed by a second one, ~3-6 ms later, and that one was reported.)
    One watcher, not one each, so that the order is fixed: the start-up benchmark (famguard.app)
    asks before the controller, and reports the moment of that paint before the controller's own
    work after it runs (two watchers raced, and the benchmark counted that work in some runs and
    not in others)."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.setObjectName("familyPaintedWatcher")
        self.window = window
        self.waiting: list[Callable[[], None]] = []
        self.timer = QTimer(self)
        self.timer.setInterval(CHECK_EVERY_MS)
        self.timer.timeout.connect(self._check)
        self._painting = False  # a paint of the family's home is awaited
        self._watched: QWidget | None = None  # the home page whose paints are watched

    def add(self, then: Callable[[], None]) -> None:
        self.waiting.append(then)
        self.window.setProperty(FAMILY_PAINT_AWAITED, True)
        if not self._painting and not self.timer.isActive():
            self.timer.start()

    def call(self, then: Callable[[], None]) -> None:
        """Call `then` now if it is still waiting (given up on, or with the rest after the paint)."""
        if then in self.waiting:
            self.waiting.remove(then)
            if not self.waiting:
                self.timer.stop()
                self._stop_watching()
                self.window.setProperty(FAMILY_PAINT_AWAITED, False)
            then()

    def _stop_watching(self) -> None:
        if self._watched is not None:
            self._watched.removeEventFilter(self)
            self._watched = None

    def _check(self) -> None:
        from famguard.ui.main_window import HOME_PAGE

        home = self.window.built_page(HOME_PAGE)
        if home is None:
            return
        if home is not self._watched:  # watched from before the family is on screen: its first paint counts
            self._stop_watching()
            self._watched = home
            home.installEventFilter(self)
        if family_on_screen(self.window):  # on screen already, and that paint was missed or is to come
            self.timer.stop()
            self._painting = True
            home.update()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.Paint and (self._painting or family_on_screen(self.window)):
            self.timer.stop()
            self._painting = True
            self._stop_watching()
            QTimer.singleShot(0, self, self._painted)  # after this paint has finished
        return False

    def _painted(self) -> None:
        self._painting = False
        called, self.waiting = self.waiting, []
        self.window.setProperty(FAMILY_PAINT_AWAITED, False)
        for then in called:
            then()
        if self.waiting:  # asked for meanwhile: the next time the family is on screen
            self.timer.start()


def when_family_painted(window: MainWindow, then: Callable[[], None], *, give_up_ms: int | None = None) -> None:
    """Call `then` once, on the GUI thread, just after the first paint of a teen's home showing
    its teen — or after `give_up_ms` if that never comes (no teen cached, a
    minimised window that does not paint). Callers waiting for the same paint are called in the
    order they asked."""
    watcher = window.findChild(_Watcher, "familyPaintedWatcher")
    if watcher is None:
        watcher = _Watcher(window)
    watcher.add(then)
    if give_up_ms is not None:
        QTimer.singleShot(give_up_ms, watcher, lambda: watcher.call(then))
