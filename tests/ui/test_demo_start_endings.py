"""How a demo whose practice service is still starting ends other than by reset or quit (those are
in test_demo_start.py): the guardian signs out meanwhile, or the service cannot start. Either way
the window is back on the welcome screen with the user's own sign-in, nothing of the demo keeps
running or stays on disk, and a failure is said in words. Real practice service over loopback
HTTP, real SQLite stores; one stand-in, said where it is."""

from __future__ import annotations

import os
import threading

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QMessageBox

from .test_demo_start import _demo_family_shown, _refuses_connections, _service_threads
from .test_flows import WAIT

pytestmark = pytest.mark.slow


def test_signing_out_during_the_start_ends_the_demo_and_its_service_never_serves(
    qtbot, launch, held_service: threading.Event, monkeypatch: pytest.MonkeyPatch, data_dir
) -> None:
    controller = _demo_family_shown(qtbot, launch)
    window = controller.window
    env, real_sessions = controller.demo_env, controller._real_sessions
    assert env is not None and not env.live
    folder = os.environ["FAMGUARD_DATA_DIR"]
    real_exec = QMessageBox.exec

    def sign_out_anyway(box: QMessageBox) -> int:  # the real question, answered as a guardian would
        assert box.text() == "Sign out and end the demo?"  # not a plain sign-out: it ends the demo
        button = next(b for b in box.buttons() if "End the demo" in b.text().replace("&", ""))
        QTimer.singleShot(0, button.click)
        return real_exec(box)

    monkeypatch.setattr(QMessageBox, "exec", sign_out_anyway)
    window.sign_out_action.trigger()
    qtbot.waitUntil(lambda: window.current_screen() == "welcomeView", timeout=WAIT)
    qtbot.waitUntil(lambda: controller.demo_env is None and controller.sessions is real_sessions, timeout=WAIT)
    assert not window.demo_badge.isVisible() and window.windowTitle() == "FamGuard"
    held_service.set()  # the start goes on, finds its demo ended, and serves nothing
    qtbot.waitUntil(lambda: not os.path.exists(folder), timeout=WAIT)
    qtbot.wait(500)
    assert not env.live and _refuses_connections(env.base_url) and _service_threads() == []
    assert window.current_screen() == "welcomeView" and window.teen_phone is None
    assert not hasattr(controller, "last_error_box")  # the guardian asked for this: no error to hear of
    assert not data_dir.exists(), "the demo wrote into the user's data directory"


def test_a_practice_service_that_cannot_start_is_said_and_leaves_nothing_behind(
    qtbot, launch, monkeypatch: pytest.MonkeyPatch, data_dir
) -> None:
    from famguard.server.runner import ServerThread

    # The one stand-in: the service's own start fails as a full disk makes it fail (one cannot be
    # had for real here, as root); the demo around it, and what the guardian sees, are real.
    def disk_full(self: ServerThread) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(ServerThread, "start", disk_full)
    controller = launch(demo=True)
    window = controller.window
    qtbot.waitUntil(lambda: controller.demo_env is not None, timeout=WAIT)
    folder = os.environ["FAMGUARD_DATA_DIR"]
    qtbot.waitUntil(lambda: hasattr(controller, "last_error_box"), timeout=WAIT)
    box = controller.last_error_box
    assert box.text() == "The demo could not start"
    said = box.informativeText()
    assert said.startswith("The practice service could not start (No space left on device).")
    assert "free space" in said and "“Try the demo” again" in said
    assert window.current_screen() == "welcomeView"
    qtbot.waitUntil(lambda: not os.path.exists(folder), timeout=WAIT)  # nothing of the demo kept
    assert controller.demo_env is None and controller.session is None and controller.family is None
    assert not window.demo_badge.isVisible() and window.windowTitle() == "FamGuard"
    assert window.teen_list.list.count() == 0 and not window.notice.isVisible()
    assert _service_threads() == [] and window.teen_phone is None
    assert not data_dir.exists(), "the demo wrote into the user's data directory"
    assert [type(exc).__name__ for exc in controller.reported] == ["DemoUnavailable"]  # said once
    controller.reported.clear()  # heard, as the guardian did
