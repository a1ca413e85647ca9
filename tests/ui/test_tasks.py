"""The background-task helper: work runs off the GUI thread, callbacks run on it, errors are never
lost, and results for a closed widget are dropped."""

from __future__ import annotations

import threading
import time
from functools import partial

import pytest
from PySide6.QtCore import QThread
from PySide6.QtWidgets import QLabel

from famguard.ui.tasks import TaskRunner


@pytest.fixture
def reported() -> list[BaseException]:
    return []


@pytest.fixture
def runner(qtbot, reported: list[BaseException]):
    runner = TaskRunner(error_reporter=reported.append)
    yield runner
    assert runner.wait_for_done(5000)


def test_work_runs_on_a_worker_and_success_comes_back_on_the_gui_thread(qtbot, runner: TaskRunner) -> None:
    gui_thread = QThread.currentThread()
    seen: dict[str, object] = {}

    def work(a: int, b: int) -> int:
        seen["worker_is_gui"] = QThread.currentThread() == gui_thread
        return a + b

    def done(value: int) -> None:
        seen["value"] = value
        seen["callback_is_gui"] = QThread.currentThread() == gui_thread

    with qtbot.waitSignal(runner.task_finished, timeout=3000):
        runner.run(partial(work, 2, 3), on_success=done)
    assert seen == {"worker_is_gui": False, "value": 5, "callback_is_gui": True}


def test_an_error_goes_to_on_error_on_the_gui_thread(qtbot, runner: TaskRunner, reported) -> None:
    gui_thread = QThread.currentThread()
    errors: list[tuple[BaseException, bool]] = []

    def fail() -> None:
        raise ValueError("server said no")

    with qtbot.waitSignal(runner.task_finished, timeout=3000):
        runner.run(fail, on_error=lambda exc: errors.append((exc, QThread.currentThread() == gui_thread)))
    assert len(errors) == 1
    assert str(errors[0][0]) == "server said no" and errors[0][1] is True
    assert reported == []


def test_an_unhandled_error_reaches_the_error_reporter_with_its_traceback(qtbot, runner: TaskRunner, reported) -> None:
    def fail() -> None:
        raise RuntimeError("nobody handles me")

    with qtbot.waitSignal(runner.task_finished, timeout=3000):
        runner.run(fail, on_success=lambda _v: None)
    assert [str(e) for e in reported] == ["nobody handles me"]
    assert "in fail" in reported[0].__famguard_traceback__


def test_a_bug_in_a_callback_is_reported_not_swallowed(qtbot, runner: TaskRunner, reported) -> None:
    def broken_callback(_value: object) -> None:
        raise KeyError("typo in a callback")

    with qtbot.waitSignal(runner.task_finished, timeout=3000):
        runner.run(lambda: 1, on_success=broken_callback)
    assert len(reported) == 1 and isinstance(reported[0], KeyError)


def test_results_for_a_deleted_widget_are_dropped(qtbot, runner: TaskRunner, reported) -> None:
    label = QLabel("waiting")
    release = threading.Event()
    called: list[object] = []
    with qtbot.waitSignal(runner.task_finished, timeout=3000):
        runner.run(partial(release.wait, 5), on_success=called.append, owner=label)
        label.deleteLater()
        qtbot.wait(50)  # let the deferred delete happen while the work is still running
        release.set()
    assert called == []
    assert reported == []


def test_a_cancelled_task_never_calls_back(qtbot, runner: TaskRunner) -> None:
    release = threading.Event()
    called: list[object] = []
    with qtbot.waitSignal(runner.task_finished, timeout=3000):
        task = runner.run(partial(release.wait, 5), on_success=called.append, on_error=called.append)
        task.cancel()
        release.set()
    assert called == [] and task.done


def test_slow_work_does_not_block_the_event_loop(qtbot, runner: TaskRunner) -> None:
    """While a task sleeps 500 ms, a 10 ms timer keeps firing on the GUI thread."""
    from PySide6.QtCore import QTimer

    ticks: list[float] = []
    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(lambda: ticks.append(time.monotonic()))
    timer.start()
    with qtbot.waitSignal(runner.task_finished, timeout=3000):
        runner.run(partial(time.sleep, 0.5))
    timer.stop()
    gaps = [b - a for a, b in zip(ticks, ticks[1:], strict=False)]
    assert len(ticks) > 20
    assert max(gaps) < 0.1


def test_many_tasks_run_at_once(qtbot, runner: TaskRunner) -> None:
    """Eight waiting tasks (like long-polls) do not starve a ninth."""
    release = threading.Event()
    quick: list[int] = []
    for _ in range(8):
        runner.run(partial(release.wait, 5))
    with qtbot.waitSignal(runner.task_finished, timeout=3000):
        runner.run(lambda: 42, on_success=quick.append)
    assert quick == [42]
    release.set()


def test_a_burst_of_results_is_handed_out_a_few_per_event_loop_turn_in_order(qtbot, runner: TaskRunner) -> None:
    """Twenty results that arrive together (a sync of many teens) do not hold the window for all
    their callbacks at once: the event loop turns between them (a zero-interval timer, which
    fires once per turn, ticks in between), and they still run in the order they finished."""
    from PySide6.QtCore import QTimer

    turns = [0]
    timer = QTimer()
    timer.setInterval(0)
    timer.timeout.connect(lambda: turns.__setitem__(0, turns[0] + 1))
    seen: list[tuple[int, int]] = []  # (task number, event-loop turns so far)

    def slow_callback(number: int) -> None:
        seen.append((number, turns[0]))
        deadline = time.monotonic() + 0.002  # a callback that updates a few widgets
        while time.monotonic() < deadline:
            pass

    go = threading.Event()  # every task waits for it: the twenty finish together

    def work(number: int) -> int:
        go.wait(5)
        return number

    for number in range(20):
        runner.run(partial(work, number), on_success=slow_callback)
    go.set()
    assert runner.wait_for_done(3000)  # the GUI thread waits: all twenty results are queued for it now
    timer.start()
    qtbot.waitUntil(lambda: len(seen) == 20, timeout=3000)
    timer.stop()
    assert sorted(n for n, _ in seen) == list(range(20))
    turns_seen = [t for _, t in seen]
    assert turns_seen == sorted(turns_seen)
    assert turns_seen[-1] - turns_seen[0] >= 4, turns_seen  # ~3 callbacks per turn, not 20 in one
    assert runner.active_count == 0


def test_soon_runs_after_what_was_queued_before_it_and_reports_a_bug(qtbot, runner: TaskRunner, reported) -> None:
    order: list[str] = []
    with qtbot.waitSignal(runner.task_finished, timeout=3000):
        runner.run(lambda: "task", on_success=order.append)
    runner.soon(lambda: order.append("soon"))

    def broken() -> None:
        raise KeyError("typo in a notice handler")

    runner.soon(broken)
    qtbot.waitUntil(lambda: len(reported) == 1, timeout=3000)
    assert order == ["task", "soon"]
    assert isinstance(reported[0], KeyError) and "broken" in reported[0].__famguard_traceback__
