"""`famguard --demo` draws the demo family from a local store written before its practice service
exists, and starts the service after that first paint (famguard.app.DemoEnvironment,
AppController's demo): the family is on screen while the service is held back, an edit made
meanwhile reaches the service exactly once when it is up, and resetting or quitting during the
start leaves nothing running. Real practice service over loopback HTTP, real SQLite stores."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QRadioButton, QWidget

from famguard.api.errors import SignedOut
from famguard.domain.schedule import format_minutes

from .test_flows import WAIT, find, wait_family, wait_home, wait_teen_page

pytestmark = pytest.mark.slow


def _row(controller, name: str) -> str:
    teen_id = next(t for t, r in controller.family.teens.items() if r.name == name)
    return controller.window.teen_list.item_text(teen_id)


def _family_as_shown(controller) -> dict[str, str]:
    home = controller.window.ensure_home_page()
    return {
        "maya row": _row(controller, "Maya"),
        "sam row": _row(controller, "Sam"),
        "inbox": controller.window.inbox_action.text(),
        "maya today": find(home, QWidget, "homeUsageText").text(),
        "maya content rules": find(home, QWidget, "homeRules_content").text(),
    }


def _service_threads() -> list[threading.Thread]:
    """The practice services running in this process (famguard.server.runner.ServerThread's)."""
    return [t for t in threading.enumerate() if t.name.startswith("famguard-server-") and t.is_alive()]


def _capture(call: Callable[[], object], into: list[BaseException]) -> None:
    try:
        call()
    except BaseException as exc:  # noqa: BLE001 - what the call ended with is the test's question
        into.append(exc)


def _refuses_connections(base_url: str) -> bool:
    host, port = base_url.removeprefix("http://").split(":")
    try:
        socket.create_connection((host, int(port)), timeout=2).close()
    except OSError:
        return True
    return False


def _demo_family_shown(qtbot, launch):
    """`famguard --demo` started, its family of two teens on screen (the service may still be held)."""
    controller = launch(demo=True)
    wait_family(qtbot, controller)
    qtbot.waitUntil(lambda: controller.window.teen_list.list.count() == 2, timeout=WAIT)
    return controller


def test_the_demo_family_is_on_screen_before_its_service_answers_and_the_same_once_it_does(
    qtbot, launch, held_service: threading.Event, said
) -> None:
    controller = _demo_family_shown(qtbot, launch)
    window = controller.window
    wait_home(qtbot, controller, "Maya")
    # Sam's week and his waiting request come from the store too (read after the first paint).
    qtbot.waitUntil(lambda: "1 request waiting" in _row(controller, "Sam"), timeout=WAIT)
    env = controller.demo_env
    assert env is not None and not env.live and _refuses_connections(env.base_url)  # nothing serves yet
    before = _family_as_shown(controller)
    assert before["maya row"].startswith("Maya, 14") and "20 min of 1 h today" in before["maya row"]
    # Sam's limit today is his weekday's (2 h at the weekend, 1 h 30 min otherwise), as the plan says.
    sam = next(t for t in env.plan.teens if t.person.display_name == "Sam")
    sams_limit = format_minutes(env.plan.usage_days(sam.person.id)[-1].limit_minutes)
    assert before["sam row"].startswith("Sam, 17") and f"45 min of {sams_limit} today" in before["sam row"]
    assert "(1)" in before["inbox"]
    assert "20 min of 1 h today" in before["maya today"]
    assert "#diet, #prank" in before["maya content rules"] and "Restricted mode: On" in before["maya content rules"]
    assert window.notice.isVisible() and "Starting the practice service" in window.notice.text()

    held_service.set()
    qtbot.waitUntil(lambda: env.live and window.teen_phone is not None, timeout=WAIT)
    qtbot.waitUntil(lambda: not window.notice.isVisible(), timeout=WAIT)
    # Its start was said aloud; so is its end, not only taken off the screen (a tester, by ear).
    assert ("The practice service is up: changes are sent to it now.", False) in said
    # Online now: the service's answers (the first sync) replaced the store's, and nothing moved.
    qtbot.waitUntil(lambda: controller.family._read == set(controller.family.teens), timeout=WAIT)
    qtbot.wait(500)  # the first sync's answers are drawn
    assert _family_as_shown(controller) == before


def test_an_edit_made_before_the_service_is_up_reaches_it_exactly_once_without_a_conflict(
    qtbot, launch, held_service: threading.Event
) -> None:
    controller = _demo_family_shown(qtbot, launch)
    window = controller.window
    wait_teen_page(qtbot, controller, "Maya")
    qtbot.mouseClick(find(window, QRadioButton, "dailyLimit_120"), Qt.MouseButton.LeftButton)
    session = controller.session
    qtbot.waitUntil(lambda: session.unsent_changes() == 1, timeout=WAIT)  # in the outbox, waiting
    env = controller.demo_env
    assert not env.live

    held_service.set()
    qtbot.waitUntil(lambda: env.live, timeout=WAIT)
    qtbot.waitUntil(lambda: session.unsent_changes() == 0, timeout=WAIT)
    maya = next(t for t in env.plan.teens if t.person.display_name == "Maya").person
    # As the service has it, read by the other guardian: applied once (one version up), one entry.
    other = env.sessions.sign_in(
        env.base_url, env.plan.second_guardian.email, env.plan.second_guardian.password, remember=False
    )
    try:
        current = other.api.get_controls(maya.id)
        assert current is not None and current.controls.daily_limit_minutes == 120
        assert current.etag == '"4"'  # version 3 from the seeding, plus this one change
        entries = [
            a for a in other.api.activity(maya.id, limit=50) if a.field == "daily_limit_minutes" and a.after == 120
        ]
        assert len(entries) == 1 and entries[0].actor is not None and entries[0].actor.display_name == "Alex Morgan"
    finally:
        other.close()
    states = [change.state.value for change in session.store.changes(maya.id)]
    assert "conflict" not in states and "rejected" not in states


def test_reset_during_the_start_gives_a_new_demo_and_the_old_service_never_serves(
    qtbot, launch, held_service: threading.Event
) -> None:
    controller = _demo_family_shown(qtbot, launch)
    window = controller.window
    first = controller.demo_env
    first_session = controller.session
    assert first is not None and not first.live
    window.reset_demo_requested.emit()
    qtbot.waitUntil(lambda: controller.demo_env is not None and controller.demo_env is not first, timeout=WAIT)
    second = controller.demo_env
    held_service.set()  # both starts go on: the first finds its demo stopped
    qtbot.waitUntil(lambda: second.live and window.teen_phone is not None, timeout=WAIT)
    wait_family(qtbot, controller)
    assert window.teen_list.list.count() == 2
    assert not first.live and _refuses_connections(first.base_url)
    assert len(_service_threads()) == 1  # the new demo's service alone: the first never started
    assert not hasattr(controller, "last_error_box")  # nothing went wrong that the guardian hears of
    # The first demo's session is closed: a call of it that waited for its service gives up
    # (left open, such calls held their workers until the app quit, 10 s later).
    outcome: list[BaseException] = []
    waiting = threading.Thread(target=lambda: _capture(lambda: first_session.api.me(), outcome), daemon=True)
    waiting.start()
    waiting.join(5)
    assert not waiting.is_alive() and outcome and isinstance(outcome[0], SignedOut)


def test_quitting_during_the_start_stops_it_and_removes_the_demos_data(
    qtbot, launch, held_service: threading.Event, data_dir
) -> None:
    import os

    controller = _demo_family_shown(qtbot, launch)
    env = controller.demo_env
    folder = os.environ["FAMGUARD_DATA_DIR"]
    assert os.path.isdir(folder)
    threading.Timer(0.3, held_service.set).start()  # the start goes on while the app quits
    controller.shutdown()
    assert not env.live and _refuses_connections(env.base_url) and _service_threads() == []
    assert not os.path.exists(folder)
    assert os.environ.get("FAMGUARD_DATA_DIR") != folder
    assert not data_dir.exists(), "the demo wrote into the user's data directory"


# What `requests` brings along (~90 modules, ~15 MiB): nothing of it can be used before the practice
# service is up, which starts after the demo family's paint.
HTTP_STACK = ("requests", "urllib3", "http.client", "ssl", "email", "charset_normalizer", "idna", "certifi")


def test_the_demo_family_is_painted_before_the_http_stack_is_loaded_and_a_worker_loads_it(data_dir) -> None:
    """The real main() with --demo in a fresh interpreter, to the first paint of the demo family's
    home (famguard.ui.family_painted, what the start-up benchmark measures): Maya's home is there
    and none of HTTP_STACK is imported yet, nor the window's icon set or other launches listened
    for (AppController.when_started: they follow that paint). Once the practice service is up the
    demo goes live through `requests` all the same, imported by a worker, never by the GUI thread;
    the icon is set and other launches are listened for by then."""
    probe = f"""
import enum, logging, sys, threading, time
preloaded = set(sys.modules)  # what the interpreter's own start imported (a site .pth may import certifi)
made = []  # the enum classes Python made (PySide makes its enums so, when one is first named)
make = enum.EnumType._create_

on_workers = []  # ...and those made on another thread than the GUI thread's (it crashed the app)

def recorded(cls, class_name, *args, **kwargs):
    made.append(class_name)
    if threading.current_thread() is not threading.main_thread():
        on_workers.append(class_name)
    return make(cls, class_name, *args, **kwargs)

enum.EnumType._create_ = recorded
import famguard.app as app
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

importers = []

class WhoImportsRequests:
    def find_spec(self, name, path=None, target=None):
        if name == "requests":
            importers.append(threading.current_thread() is threading.main_thread())
        return None

sys.meta_path.insert(0, WhoImportsRequests())
said = []
logging.basicConfig(level=logging.INFO, handlers=[logging.StreamHandler(sys.stderr)])
logging.getLogger("famguard.instance").addFilter(lambda record: said.append(record.getMessage()) or True)

def at_paint(qapp):
    window = next(w for w in QApplication.topLevelWidgets() if w.objectName() == "mainWindow")
    print("home", window.ensure_home_page().title.text().split(",")[0], window.current_screen(), flush=True)
    print("starting", window.notice.isVisible(), flush=True)
    print("icon", not qapp.windowIcon().isNull(), "listening", "Listening for other launches of FamGuard" in said)
    print("loaded", *[name for name in {HTTP_STACK!r} if name in sys.modules and name not in preloaded], flush=True)
    # The `Qt` namespace's ~90 enums, made at once when one is first named (~15-25 ms of CPU): the
    # reason of the focus the family's building set, asked by the teen list's ring, made them.
    print("qt-enums", "FocusReason" in made, flush=True)
    until = time.monotonic() + 30

    def live():
        if window.notice.isVisible() and time.monotonic() < until:  # "Starting the practice service…"
            QTimer.singleShot(50, live)
            return
        print("live", not window.notice.isVisible(), "requests" in sys.modules, flush=True)
        print("imported by the GUI thread", *importers, flush=True)
        print("enums made on workers", *on_workers, flush=True)
        from PySide6.QtCore import Qt  # the keyboard on the home's first button, its ring drawn

        ring = window.testAttribute(Qt.WidgetAttribute.WA_KeyboardFocusChange)
        print("keyboard", window.focusWidget().objectName(), ring, flush=True)
        print("icon", not qapp.windowIcon().isNull(), "listening", "Listening for other launches of FamGuard" in said)
        qapp.quit()

    live()

app._report_and_quit = at_paint
sys.exit(app.main(["--demo"]))
"""
    env = {
        **os.environ,
        "FAMGUARD_DATA_DIR": str(data_dir),
        "QT_QPA_PLATFORM": "offscreen",
        "FAMGUARD_EXIT_AFTER_FIRST_PAINT": "family",
    }
    done = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=90)
    assert done.returncode == 0, done.stderr
    assert [line.split() for line in done.stdout.splitlines()] == [
        ["home", "Maya", "familyView"],
        ["starting", "True"],
        ["icon", "False", "listening", "False"],
        ["loaded"],
        ["qt-enums", "False"],
        ["live", "True", "True"],
        ["imported", "by", "the", "GUI", "thread", "False"],
        ["enums", "made", "on", "workers"],
        ["keyboard", "homeControlsButton", "True"],
        ["icon", "True", "listening", "True"],
    ]


def test_a_demo_that_fails_to_start_still_sets_the_icon_and_listens_for_other_launches(data_dir) -> None:
    """`famguard --demo` whose demo cannot be made (its store cannot be written, as on a full disk):
    the welcome screen comes back with the error, and what waits for the first screen (the icon, the
    listener for other launches, which otherwise come after the demo family's paint) comes all the
    same. The real main() in a fresh interpreter."""
    probe = """
import logging, sys, time
import famguard.app as app
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

def no_store(self):
    raise OSError(28, "No space left on device")

app.DemoEnvironment.session = no_store
said = []
logging.basicConfig(level=logging.INFO, handlers=[logging.StreamHandler(sys.stderr)])
logging.getLogger("famguard.instance").addFilter(lambda record: said.append(record.getMessage()) or True)
until = time.monotonic() + 30

def look():
    qapp = QApplication.instance()
    listening = "Listening for other launches of FamGuard" in said
    if not (listening and not qapp.windowIcon().isNull()) and time.monotonic() < until:
        QTimer.singleShot(50, look)
        return
    window = next(w for w in qapp.topLevelWidgets() if w.objectName() == "mainWindow")
    print("screen", window.current_screen(), "icon", not qapp.windowIcon().isNull(), "listening", listening)
    qapp.quit()

QTimer.singleShot(0, look)
sys.exit(app.main(["--demo"]))
"""
    env = {**os.environ, "FAMGUARD_DATA_DIR": str(data_dir), "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["screen", "welcomeView", "icon", "True", "listening", "True"]
    assert "No space left on device" in done.stderr


def test_preferences_open_in_the_demo(qtbot, launch) -> None:
    """Found from outside: Account › Preferences… in `famguard --demo` said "FamGuard is still
    starting; try again in a moment" for ever — a demo start never reads this computer's settings.
    They are read when asked for, and the dialog opens with them."""
    controller = _demo_family_shown(qtbot, launch)
    controller.window.preferences_action.trigger()
    qtbot.waitUntil(
        lambda: controller.preferences_dialog is not None and controller.preferences_dialog.isVisible(), timeout=WAIT
    )
    assert "still starting" not in controller.window.notice.text()
    controller.preferences_dialog.reject()
    qtbot.waitUntil(lambda: controller.preferences_dialog is None, timeout=WAIT)


@pytest.mark.usefixtures("real_keyring")
def test_the_demo_shows_what_changes_at_18_on_sams_home(qtbot, launch) -> None:
    """Found by an outside tester: no demo teen was near a birthday that changes the rules, so the
    age-transition preview (PRODUCT.md) could never be shown in a demo. Sam turns 18 in a few weeks."""
    from .test_flows import demo_at

    controller, window, _panel = demo_at(qtbot, launch, "Sam")
    preview = find(window.ensure_home_page(), QWidget, "homeAgeTransition")
    qtbot.waitUntil(preview.isVisible, timeout=WAIT)
    title = find(preview, QWidget, "homeAgeTransitionTitle").text()
    assert title.startswith("ℹ On ") and title.endswith(" Sam turns 18"), title
    assert find(preview, QWidget, "homeAgeTransitionText").text()  # what changes, in words


@pytest.mark.usefixtures("real_keyring")
def test_view_what_the_teen_sees_goes_straight_to_the_teens_own_view(qtbot, launch) -> None:
    """Found by an outside tester: "What does my teen see?" (PRODUCT.md, story 13) was at the foot
    of View › Phone and temporary rules, found by nobody; the menu has it by its name now, and
    Getting started says where it is."""
    from PySide6.QtWidgets import QGroupBox

    from famguard.ui.help import GETTING_STARTED

    from .test_flows import demo_at

    controller, window, _panel = demo_at(qtbot, launch, "Maya")
    action = window.teen_view_action
    assert action in window.view_menu.actions() and action.isEnabled()
    action.trigger()
    qtbot.waitUntil(lambda: window.current_page() == "phone", timeout=WAIT)
    box = find(window.built_page("phone"), QGroupBox, "previewBox")
    assert box.title() == "What Maya sees"
    viewport = find(window.built_page("phone"), QWidget, "trustScroll").viewport()

    def in_view() -> bool:
        top = box.mapTo(viewport, box.rect().topLeft()).y()
        return 0 <= top < viewport.height()

    qtbot.waitUntil(in_view, timeout=WAIT)
    assert any("What the teen sees" in words for _title, words in GETTING_STARTED)
