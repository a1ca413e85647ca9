"""Garbage is collected on the GUI thread only: cycles made and dropped on another thread (a
worker, the demo's in-process service) are freed by the GUI thread's collector, never by the
thread that allocates — which, freeing Qt wrappers there, crashed the app with a segfault."""

from __future__ import annotations

import gc
import threading

from PySide6.QtCore import QObject

from famguard.ui.collector import GuiThreadCollector


class _Cycle:
    freed_on: list[str] = []

    def __init__(self) -> None:
        self.me = self

    def __del__(self) -> None:
        _Cycle.freed_on.append(threading.current_thread().name)


def test_cycles_dropped_on_a_worker_are_freed_on_the_gui_thread(qtbot) -> None:
    owner = QObject()
    collector = GuiThreadCollector(owner)
    collector.start()
    try:
        assert not gc.isenabled()

        def churn() -> None:
            for _ in range(20_000):  # far past generation 0's threshold: gc would run here
                _Cycle()

        worker = threading.Thread(target=churn, name="worker")
        worker.start()
        worker.join()
        assert "worker" not in _Cycle.freed_on
        qtbot.waitUntil(lambda: len(_Cycle.freed_on) > 0, timeout=5000)
        assert set(_Cycle.freed_on) == {threading.main_thread().name}
    finally:
        collector.stop()
        gc.collect()
    assert gc.isenabled()
