"""Python's garbage collector runs on the GUI thread only. Left automatic, a collection starts in
whichever thread happens to allocate — a worker, or the demo's in-process service — and may free
Qt wrappers there, destroying Qt objects off their thread: the whole app then crashed with a
segmentation fault inside "Garbage-collecting" on a service thread (seen in the suite). So the
automatic collector is switched off and a timer on the GUI thread collects, generation by
generation, when the allocation counts say so (what the automatic collector would have done)."""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

CHECK_MS = 500  # how often the counts are looked at; a check costs microseconds


class GuiThreadCollector(QObject):
    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setInterval(CHECK_MS)
        self._timer.timeout.connect(self.check)

    def start(self) -> None:
        gc.disable()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()
        gc.enable()

    def check(self) -> None:
        """Collect the oldest generation whose count passed its threshold (as gc would)."""
        counts, thresholds = gc.get_count(), gc.get_threshold()
        for generation in (2, 1, 0):
            if counts[generation] > thresholds[generation]:
                gc.collect(generation)
                return
