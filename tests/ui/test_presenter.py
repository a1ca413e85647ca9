"""The presenter base: what it connects is disconnected when it closes, work it started reports
back only while it is open, and a failure without its own handler is answered by its kind."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import QTimer

from famguard.api import errors as api_errors
from famguard.store import StoreError
from famguard.ui.main_window import MainWindow
from famguard.ui.presenter import Presenter
from famguard.ui.tasks import TaskRunner


@pytest.fixture
def runner(qtbot) -> TaskRunner:
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    reported: list[BaseException] = []
    runner = TaskRunner(window, error_reporter=reported.append)
    runner.reported = reported  # type: ignore[attr-defined]
    runner.window = window  # type: ignore[attr-defined]
    yield runner
    runner.wait_for_done(5000)


def test_closing_drops_every_tracked_connection(qtbot, runner: TaskRunner) -> None:
    window = runner.window  # type: ignore[attr-defined]
    presenter = Presenter(window, runner)
    heard: list[str] = []
    presenter.track(window.add_teen_requested, lambda: heard.append("add"))
    presenter.track(window.teen_list.teen_selected, heard.append)
    window.add_teen_requested.emit()
    window.teen_list.teen_selected.emit("t1")
    assert heard == ["add", "t1"]
    presenter.close()
    window.add_teen_requested.emit()
    window.teen_list.teen_selected.emit("t2")
    assert heard == ["add", "t1"]


def test_work_reports_back_only_while_the_presenter_is_open(qtbot, runner: TaskRunner) -> None:
    window = runner.window  # type: ignore[attr-defined]
    presenter = Presenter(window, runner)
    got: list[int] = []
    with qtbot.waitSignal(runner.task_finished, timeout=5000):
        presenter.run(lambda: 1, got.append)
    assert got == [1]

    release = threading.Event()
    with qtbot.waitSignal(runner.task_finished, timeout=5000):
        presenter.run(lambda: release.wait(5) and 2, got.append)
        presenter.close()  # the guardian signed out while the work was on its way
        release.set()
    assert got == [1]


@pytest.mark.parametrize(
    ("exc", "banner", "notice"),
    [
        (api_errors.TimedOut("The service did not answer in time."), True, ""),
        (StoreError("FamGuard could not read or write its data on this computer (disk full)."), False, "✗ FamGuard"),
        (api_errors.Forbidden("Not allowed.", code="forbidden"), False, "✗ Not allowed."),
    ],
)
def test_a_failure_is_answered_by_its_kind(
    qtbot, runner: TaskRunner, exc: BaseException, banner: bool, notice: str
) -> None:
    window = runner.window  # type: ignore[attr-defined]
    presenter = Presenter(window, runner)

    def fail() -> None:
        raise exc

    with qtbot.waitSignal(runner.task_finished, timeout=5000):
        presenter.run(fail)
    assert window.offline_banner.isVisible() is banner
    assert window.notice.isVisible() is bool(notice)
    assert window.notice.text().startswith(notice)
    assert runner.reported == []  # type: ignore[attr-defined]


def test_a_registered_teen_page_is_built_once_on_first_use(qtbot, runner: TaskRunner) -> None:
    from PySide6.QtWidgets import QLabel

    window = runner.window  # type: ignore[attr-defined]
    built: list[QLabel] = []

    def build() -> QLabel:
        built.append(QLabel("A teen's history"))
        return built[-1]

    window.register_page("history", build, "&History")
    assert built == []  # nothing is built before it is wanted
    assert "&History" in [a.text() for a in window.view_menu.actions()]  # the View menu lists it by itself
    window.show_family()
    window.show_page("history")
    assert built and window.teen_pages.currentWidget() is built[0] and built[0].isVisible()
    assert window.page("history", QLabel) is built[0] and len(built) == 1
    with pytest.raises(TypeError):
        window.page("history", QTimer)  # type: ignore[type-var] - the wrong kind is refused


def test_a_reread_asked_for_during_a_read_runs_once_after_it_and_only_the_newest_is_shown(
    qtbot, runner: TaskRunner
) -> None:
    """A teen's home is re-read on every notice; five notices while one read is on a worker make
    one more read, not five, whose answer (the newest) follows the first one's."""
    window = runner.window  # type: ignore[attr-defined]
    presenter = Presenter(window, runner)
    release = threading.Event()
    store = {"value": 0}  # what the cache holds
    reads: list[int] = []
    shown: list[int] = []

    def read() -> int:
        reads.append(store["value"])
        if len(reads) == 1:
            release.wait(5)  # the first read is slow: the notices arrive meanwhile
        return store["value"] if len(reads) > 1 else 0

    presenter.run_latest(("home", "t1"), read, shown.append)
    for value in range(1, 6):
        store["value"] = value
        presenter.run_latest(("home", "t1"), read, shown.append)
    release.set()
    qtbot.waitUntil(lambda: len(shown) == 2, timeout=5000)
    qtbot.wait(100)  # nothing else is on its way
    assert len(reads) == 2
    assert shown == [0, 5]
    presenter.run_latest(("home", "t1"), read, shown.append)  # idle again: a new read at once
    qtbot.waitUntil(lambda: len(shown) == 3, timeout=5000)
    assert shown == [0, 5, 5] and len(reads) == 3
