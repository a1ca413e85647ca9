"""A returning guardian's start: the family is shown from the local store before the keyring, the
network side and the sync come up (famguard.ui.controller, SessionService.open_cached), then the
service's answers replace it; and when the keyring no longer remembers that sign-in, the family
shown is closed and the start goes on as one without it. The real app against the real reference
server behind the fault proxy, a real SQLite store and a real Secret Service keyring."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from famguard.credentials.store import LAST_ACCOUNT
from famguard.store.db import database_path
from tests.support.accounts import Member, pair

from .conftest import stop_app
from .test_flows import WAIT, sign_in, wait_family, wait_home


def _set_limit(guardian: Member, teen_id: str, minutes: int) -> None:
    current = guardian.api.get_controls(teen_id)
    assert current is not None
    guardian.api.patch_controls(teen_id, {"daily_limit_minutes": minutes}, if_match=current.etag)


def _signed_in_once(qtbot, launch, proxy, guardian: Member, *, keep: bool = True):
    """Sign in through the app, wait for the teen's home with a 90-minute limit, close the app."""
    controller = launch()
    sign_in(qtbot, controller, proxy.url, guardian, keep=keep)
    wait_family(qtbot, controller)
    wait_home(qtbot, controller, "Maya")
    home = controller.window.ensure_home_page()
    qtbot.waitUntil(lambda: "1 h 30 min" in home.today_text(), timeout=WAIT)
    stop_app(controller)


@pytest.fixture
def maya(guardian: Member, teen: Member) -> str:
    teen_id = pair(guardian.api, teen.api)
    _set_limit(guardian, teen_id, 90)
    return teen_id


@pytest.mark.usefixtures("real_keyring")
def test_the_family_from_the_store_is_on_screen_before_the_service_answers_then_refreshed(
    qtbot, launch, proxy, guardian, maya
) -> None:
    _signed_in_once(qtbot, launch, proxy, guardian)
    _set_limit(guardian, maya, 120)  # changed on another computer while this app was closed
    proxy.latency = 3.0  # every request is held 3 s: nothing the service says can arrive sooner

    started = time.monotonic()
    again = launch()
    home = again.window.ensure_home_page()
    qtbot.waitUntil(lambda: home.isVisible() and home.title.text().startswith("Maya"), timeout=2500)
    assert time.monotonic() - started < 3.0
    assert again.window.current_screen() == "familyView"
    assert "Sam Guardian" in again.window.who_action.text()
    assert "1 h 30 min" in home.today_text()  # what this computer last saw
    assert again.window.teen_list.item_text(again.window.teen_list.current_teen_id()).startswith("Maya, 14")

    # The keyring confirms the sign-in after that first paint; the service's answer then replaces
    # the stored limit on the same screen, with the same family presenter.
    shown = again.family
    qtbot.waitUntil(lambda: "2 h" in home.today_text() and "1 h 30 min" not in home.today_text(), timeout=3 * WAIT)
    assert again.family is shown and again.session is not None and again.session.remembered
    assert again.window.current_screen() == "familyView"


@pytest.mark.usefixtures("real_keyring")
def test_a_returning_guardian_whose_service_has_stopped_is_told_so_not_that_they_are_offline(
    qtbot, launch, proxy, guardian, maya
) -> None:
    """The service stopped (its port refuses): running, the app says "Nothing answers at … any
    more: the service has stopped or is restarting"; started so, it said "You are offline", and at
    a sign-in's resume "Check the port", of an address that had answered this guardian all along
    (an outside tester). A remembered sign-in is one the service answered: told as when running."""
    from urllib.parse import urlsplit

    _signed_in_once(qtbot, launch, proxy, guardian)
    proxy.set_offline(True)
    again = launch()
    home = again.window.ensure_home_page()
    qtbot.waitUntil(lambda: home.isVisible() and home.title.text().startswith("Maya"), timeout=WAIT)
    banner = again.window.offline_banner
    qtbot.waitUntil(banner.isVisible, timeout=3 * WAIT)
    port = urlsplit(proxy.url).port
    assert banner.text().startswith(
        f"⚠ Nothing answers at 127.0.0.1 on port {port} any more: the service has stopped or is restarting."
    )
    assert "You are offline" not in banner.text() and "Check the port" not in banner.text()
    assert "sent when the service works again" in banner.text()


@pytest.mark.usefixtures("real_keyring")
def test_a_family_the_keyring_no_longer_remembers_is_closed_and_never_reaches_the_service(
    qtbot, launch, proxy, guardian, maya, real_keyring
) -> None:
    _signed_in_once(qtbot, launch, proxy, guardian)
    real_keyring.delete_password("FamGuard", LAST_ACCOUNT)  # forgotten outside the app
    before = proxy.count("/v1/")

    again = launch()
    screens: list[str] = []
    again.window.screens.currentChanged.connect(lambda _i: screens.append(again.window.current_screen()))
    qtbot.waitUntil(lambda: again.window.current_screen() == "welcomeView", timeout=WAIT)
    assert again.family is None and again.session is None
    qtbot.wait(500)  # anything the closed family had asked for would have gone out by now
    assert proxy.count("/v1/") == before  # the family shown first never spoke to the service
    assert screens[-1] == "welcomeView"
    assert database_path(proxy.url, guardian.email).exists()  # its store (and any unsent change) is kept


@pytest.mark.usefixtures("real_keyring")
def test_a_sign_in_not_remembered_never_shows_its_family_at_the_next_start(
    qtbot, launch, proxy, guardian, maya
) -> None:
    _signed_in_once(qtbot, launch, proxy, guardian, keep=False)

    again = launch()
    screens: list[str] = []
    again.window.screens.currentChanged.connect(lambda _i: screens.append(again.window.current_screen()))
    qtbot.waitUntil(lambda: again.window.current_screen() == "welcomeView", timeout=WAIT)
    qtbot.wait(300)
    assert "familyView" not in screens and again.family is None
    assert again.window.teen_list.list.count() == 0


# What a returning guardian's family from the store does not show, so its start does not make it
# before that paint: the models of pairings, history, events, receipts and rules, the screen-time and
# history pages' results, and the keyring call's queue (each dataclass ~0.7 ms of CPU on Python 3.11).
# The welcome screen (a returning guardian's start opens on the plain starting screen), the
# sign-in form and its keyring check, the keyring's record, the services' notice and the receipt's
# words are not needed before it either. Nor is the demo's bar made.
NOT_BEFORE_THE_FAMILY = (
    "famguard.domain.later_models",
    "famguard.services.insight_results",
    "queue",
    "famguard.ui.welcome",
    "famguard.ui.signin",
    "famguard.ui.signin_presenter",
    "famguard.credentials.saved",
    "famguard.services.notice",
    "famguard.ui.receipt_words",
)


@pytest.mark.usefixtures("real_keyring")
def test_a_returning_guardians_family_is_painted_before_what_it_does_not_show_is_loaded(
    qtbot, launch, proxy, guardian, maya
) -> None:
    """The real main() in a fresh interpreter, to the first paint of the family from the store
    (famguard.ui.family_painted, what the start-up benchmark measures): Maya's home is there with
    what this computer last saw, and none of NOT_BEFORE_THE_FAMILY is imported yet; a page that
    needs them (the change history) still gets them afterwards."""
    _signed_in_once(qtbot, launch, proxy, guardian)
    proxy.latency = 3.0  # nothing the service says can arrive before that paint
    probe = f"""
import enum
import sys

made = []  # the names of the enum classes Python made (PySide makes its enums so, when first named)
make = enum.EnumType._create_


def recorded(cls, class_name, *args, **kwargs):
    made.append(class_name)
    return make(cls, class_name, *args, **kwargs)


enum.EnumType._create_ = recorded
import famguard.app as app
from PySide6.QtWidgets import QApplication, QToolBar

report = app._report_and_quit

def at_paint(qapp):
    window = next(w for w in QApplication.topLevelWidgets() if w.objectName() == "mainWindow")
    home = window.ensure_home_page()
    print("home", home.title.text().split(",")[0], "1 h 30 min" in home.today_text(), window.current_screen())
    print("loaded", *[name for name in {NOT_BEFORE_THE_FAMILY!r} if name in sys.modules])
    print("demo-bar", window.findChild(QToolBar, "demoBar") is not None)  # ~5 ms of the paint's, for nothing
    # The `Qt` namespace's ~90 enums, made all at once when one is first named (~15-25 ms of CPU):
    # a focus's reason asked by the teen list's ring, and the ring of the home's first button, made
    # them before the family showed.
    print("qt-enums", "FocusReason" in made)
    from famguard.domain.models import ActivityEntry
    from famguard.services import HistoryQuery
    print("later", ActivityEntry.__name__, HistoryQuery().page_size)
    report(qapp)

app._report_and_quit = at_paint
sys.exit(app.main([]))
"""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "FAMGUARD_EXIT_AFTER_FIRST_PAINT": "family"}
    done = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    lines = [line.split() for line in done.stdout.splitlines() if not line.startswith("first-paint")]
    assert lines == [
        ["home", "Maya", "True", "familyView"],
        ["loaded"],
        ["demo-bar", "False"],
        ["qt-enums", "False"],
        ["later", "ActivityEntry", "100"],
    ]


@pytest.mark.usefixtures("real_keyring")
def test_no_worker_makes_a_qt_enum_while_a_returning_guardians_family_comes_up(
    qtbot, launch, proxy, guardian, maya
) -> None:
    """The app crashed at start (a segfault, 2 starts in 5: an outside tester): a worker reading
    the teen's phone and rules imported a widget module for a number, and its `from PySide6.QtCore
    import Qt` made PySide create that namespace's enums on the worker while the GUI thread
    painted. The real main() in a fresh interpreter, through the family's paint and the service's
    first answers: every enum PySide makes is made on the GUI thread."""
    _signed_in_once(qtbot, launch, proxy, guardian)
    probe = """
import enum
import sys
import threading

on_workers = []  # the enum classes made on another thread than the GUI thread's
make = enum.EnumType._create_


def recorded(cls, class_name, *args, **kwargs):
    if threading.current_thread() is not threading.main_thread():
        on_workers.append(class_name)
    return make(cls, class_name, *args, **kwargs)


enum.EnumType._create_ = recorded
import famguard.app as app
from PySide6.QtCore import QTimer

report = app._report_and_quit


def at_paint(qapp):
    def later():
        print("made-on-workers", *on_workers, flush=True)
        report(qapp)

    QTimer.singleShot(3000, later)  # the service's first answers and what they start on workers


app._report_and_quit = at_paint
sys.exit(app.main([]))
"""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "FAMGUARD_EXIT_AFTER_FIRST_PAINT": "family"}
    done = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    said = [line for line in done.stdout.splitlines() if line.startswith("made-on-workers")]
    assert said == ["made-on-workers"], said


@pytest.mark.usefixtures("real_keyring")
def test_a_returning_guardians_start_puts_the_keyboard_on_change_controls_with_its_ring(
    qtbot, launch, proxy, guardian, maya
) -> None:
    """The home opens on "Change controls…" with the ring that shows where the keyboard is; at a
    returning guardian's start the ring is drawn just after the family's first paint (before it,
    drawing it made PySide create the `Qt` namespace's enums)."""
    from PySide6.QtCore import Qt

    _signed_in_once(qtbot, launch, proxy, guardian)
    again = launch()
    home = again.window.ensure_home_page()
    qtbot.waitUntil(lambda: home.isVisible() and home.title.text().startswith("Maya"), timeout=WAIT)
    window = again.window
    qtbot.waitUntil(lambda: window.testAttribute(Qt.WidgetAttribute.WA_KeyboardFocusChange), timeout=WAIT)
    assert window.focusWidget() is home.controls_button


# A probe's record of which screen is on show each time the window paints it (famguard.app.main in
# a fresh interpreter, the screens as MainWindow.current_screen names them).
SCREENS_PAINTED = """
import sys
import famguard.app as app
import famguard.ui.controller as controller_module
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication

SCREENS = ("welcomeView", "startingView", "signInView", "familyView")
painted = []  # (screen, whether the keyring had answered by then)
answered = []


class Paints(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint and watched.objectName() in SCREENS:
            if not painted or painted[-1][0] != watched.objectName():
                painted.append((watched.objectName(), bool(answered)))
            if watched.objectName() == QUIT_AT:
                QApplication.instance().quit()
        return False


paints = Paints()
identity = app.set_identity


def set_identity(qapp):
    identity(qapp)
    qapp.installEventFilter(paints)  # the QApplication exists now: every paint of a screen is seen


app.set_identity = set_identity
keyring_answer = controller_module.AppController._started


def keyring_answered(self, result):  # the start's keyring-backed part has come back
    answered.append(True)
    keyring_answer(self, result)


controller_module.AppController._started = keyring_answered
code = app.main([])
print(*[f"{screen}:{'after-keyring' if after else 'before-keyring'}" for screen, after in painted])
sys.exit(code)
"""


@pytest.mark.usefixtures("real_keyring")
def test_a_returning_guardian_never_sees_the_welcome_screen_before_the_family(
    qtbot, launch, proxy, guardian, maya, data_dir
) -> None:
    """The real main() in a fresh interpreter, to the family from the store: the window's first
    screen is the plain starting screen and the next one painted is the family — the welcome
    screen, which a returning guardian used to see flash before their family, is never painted."""
    _signed_in_once(qtbot, launch, proxy, guardian)
    proxy.latency = 3.0  # nothing the service says can arrive before that paint
    done = _run_main(SCREENS_PAINTED.replace("QUIT_AT", repr("familyView")), data_dir)
    assert done.stdout.split() == ["startingView:before-keyring", "familyView:before-keyring"]


@pytest.mark.usefixtures("real_keyring")
def test_a_guardian_who_did_not_stay_signed_in_gets_the_welcome_screen_without_waiting_for_the_keyring(
    qtbot, launch, proxy, guardian, maya, data_dir
) -> None:
    """This computer's settings remember the guardian, but the store says their sign-in was not
    kept: the start opens on the starting screen, and the welcome screen follows as soon as the
    local start has found no family to show — before the keyring is asked, as in a start that
    opened on the welcome screen. The real main() in a fresh interpreter."""
    _signed_in_once(qtbot, launch, proxy, guardian, keep=False)
    done = _run_main(SCREENS_PAINTED.replace("QUIT_AT", repr("welcomeView")), data_dir)
    assert done.stdout.split() == ["startingView:before-keyring", "welcomeView:before-keyring"]


def test_a_first_start_opens_on_the_welcome_screen(data_dir) -> None:
    """A computer without FamGuard's settings (nobody ever signed in): the window's first screen is
    the welcome screen, painted before anything else is. The real main() in a fresh interpreter."""
    done = _run_main(SCREENS_PAINTED.replace("QUIT_AT", repr("welcomeView")), data_dir)
    assert done.stdout.split() == ["welcomeView:before-keyring"]


def test_the_models_made_later_are_the_same_classes_under_their_usual_name() -> None:
    """famguard.domain.models hands out the models it makes on first use (famguard.domain.later_models)
    under its own name, so every `from famguard.domain.models import …` keeps working."""
    import famguard.domain.later_models as later
    import famguard.domain.models as models

    for name in models.LATER_MODELS:
        assert getattr(models, name) is getattr(later, name)
    with pytest.raises(AttributeError):
        models.NoSuchModel  # noqa: B018


def test_a_first_start_begins_with_the_settings_alone(data_dir) -> None:
    """famguard begins its local start before building the window (famguard.app.LocalHeadStart);
    on a computer that remembers no guardian it reads the settings and nothing else, so the welcome
    screen's first paint does not share the processor with the services layer's imports. A fresh
    interpreter, so that what is imported is what the app's own start imports."""
    probe = """
import sys
from famguard.app import LocalHeadStart
settings, sessions, cached = LocalHeadStart().result()
print(settings.path.parent, sessions, cached, "famguard.services" in sys.modules, "famguard.store" in sys.modules)
"""
    done = run_script(probe, data_dir)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [str(data_dir), "None", "None", "False", "False"]


def run_script(script: str, data_dir, **env: str) -> subprocess.CompletedProcess[str]:
    """`script` in a fresh interpreter with the test's data folder (and `env`)."""
    return subprocess.run(
        [sys.executable, "-c", script],
        env={**os.environ, "FAMGUARD_DATA_DIR": str(data_dir), **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def _run_main(probe: str, data_dir) -> subprocess.CompletedProcess[str]:
    """`probe` (a script ending in famguard.app.main()) in a fresh interpreter, offscreen, with the
    test's data folder; it must exit 0."""
    done = run_script(probe, data_dir, QT_QPA_PLATFORM="offscreen")
    assert done.returncode == 0, done.stderr
    return done


def test_the_collector_paused_for_the_start_runs_again_where_no_family_opens(data_dir) -> None:
    """famguard pauses Python's garbage collector for its start (famguard.app.pause_collector)
    until a family is on screen; on the welcome screen, where none opens, it runs again a few
    seconds after the window's first paint (the pause shortened here), so a long session never
    goes without it. The real main() in a fresh interpreter."""
    probe = """
import gc, sys
import famguard.app as app
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
app.COLLECTOR_PAUSE_MS = 200
seen = []
def look():
    seen.append(gc.isenabled())
    if len(seen) == 1:
        QTimer.singleShot(1500, look)
    else:
        print(seen)
        QApplication.instance().quit()
QTimer.singleShot(0, look)
sys.exit(app.main([]))
"""
    done = _run_main(probe, data_dir)
    assert done.stdout.split() == ["[False,", "True]"]  # paused at the start, running afterwards


@pytest.mark.usefixtures("real_keyring")
def test_what_waits_for_the_first_screen_comes_after_the_family_from_the_store(
    qtbot, launch, proxy, guardian, maya
) -> None:
    """famguard.app hands the window's icon and the listener for other launches to
    `AppController.when_started` (~45 ms of CPU the family's paint no longer waits for): for a
    returning guardian they come just after the family from the store is painted — while the
    service has not answered yet — and one asked for later runs at once."""
    from famguard.ui.family_painted import family_on_screen

    _signed_in_once(qtbot, launch, proxy, guardian)
    proxy.latency = 3.0
    again = launch()
    seen: list[bool] = []
    again.when_started(lambda: seen.append(family_on_screen(again.window)))
    qtbot.waitUntil(lambda: seen != [], timeout=2500)
    assert seen == [True]
    later: list[bool] = []
    again.when_started(lambda: later.append(True))
    assert later == [True]


def test_a_first_start_sets_the_icon_and_listens_for_other_launches(data_dir) -> None:
    """Where no family is shown first, the icon and the listener for other launches come as soon
    as the welcome screen is there (tests/ui/test_single_instance.py hands links over to such a
    start). The real main() in a fresh interpreter."""
    probe = """
import logging, sys, time
import famguard.app as app
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
logging.basicConfig(level=logging.INFO, stream=sys.stdout, format="%(message)s")
until = time.monotonic() + 30
def look():
    if QApplication.instance().windowIcon().isNull() and time.monotonic() < until:
        QTimer.singleShot(50, look)
        return
    print("icon", not QApplication.instance().windowIcon().isNull(), flush=True)
    QApplication.instance().quit()
QTimer.singleShot(0, look)
sys.exit(app.main([]))
"""
    done = _run_main(probe, data_dir)
    assert "icon True" in done.stdout
    assert "Listening for other launches of FamGuard" in done.stdout


def _quit_with_a_change_waiting(qtbot, launch, proxy, guardian: Member, *, keep: bool) -> None:
    """Signed in (`keep`: "keep me signed in"), Maya's limit changed to 2 h while the service cannot
    be reached, and "Quit anyway": the change stays in this computer's outbox."""
    from PySide6.QtWidgets import QRadioButton

    from .test_flows import click, find, wait_status, wait_teen_page

    controller = launch()
    sign_in(qtbot, controller, proxy.url, guardian, keep=keep)
    wait_teen_page(qtbot, controller, "Maya")
    page = controller.window.ensure_controls_page()
    proxy.set_offline(True)
    click(qtbot, find(page, QRadioButton, "dailyLimit_120"))
    wait_status(qtbot, controller, "daily_limit_minutes", "◷")  # in the outbox, not sent
    stop_app(controller)  # quit anyway
    proxy.set_offline(False)


@pytest.mark.usefixtures("real_keyring")
def test_a_returning_guardian_whose_keyring_is_locked_gets_the_sign_in_form_told_of_the_waiting_change(
    qtbot, launch, proxy, guardian, maya, monkeypatch
) -> None:
    """Found by an outside tester: a locked keyring at the next start showed the first-run welcome
    ("Create an account", "Try the demo"), and nothing said that a change made before quitting was
    still waiting — which the quit question had promised to send "the next time FamGuard is open
    and online". It is sent once the guardian signs in again."""
    from keyring.backends import SecretService
    from keyring.errors import KeyringLocked
    from PySide6.QtWidgets import QLabel, QLineEdit

    from famguard.credentials.store import LOCKED_MESSAGE

    from .test_flows import find

    _quit_with_a_change_waiting(qtbot, launch, proxy, guardian, keep=True)

    # The real Secret Service of the test session, locked: locking the session's keyring itself
    # would lock every later test out of it, so its backend answers as a locked one does.
    def locked(*_args: object) -> None:
        raise KeyringLocked("Failed to unlock the collection!")

    with monkeypatch.context() as keyring_locked:
        keyring_locked.setattr(SecretService.Keyring, "get_password", locked)
        keyring_locked.setattr(SecretService.Keyring, "set_password", locked)
        again = launch()
        qtbot.waitUntil(lambda: again.window.current_screen() == "signInView", timeout=WAIT)
        assert find(again.window, QLineEdit, "emailEdit").text() == guardian.email
        # The form says the keyring's problem; the notice bar, the change waiting (and stays up).
        assert LOCKED_MESSAGE in find(again.window, QLabel, "keepSignedInReason").text()
        qtbot.wait(200)  # whatever the form does once shown
        assert again.window.notice.isVisible()
        assert again.window.notice.text() == (  # named: which edit the phone does not have yet
            "ℹ 1 change has not reached the service yet: Maya's “Daily screen-time limit”. Sign in to send it."
        )

    # Unlocked: the guardian signs in, and the change goes, once.
    sign_in(qtbot, again, proxy.url, guardian)
    wait_home(qtbot, again, "Maya")
    qtbot.waitUntil(lambda: guardian.api.get_controls(maya).controls.daily_limit_minutes == 120, timeout=WAIT)
    assert [e.after for e in guardian.api.activity(maya) if e.field == "daily_limit_minutes"].count(120) == 1


@pytest.mark.usefixtures("real_keyring")
def test_a_change_kept_after_a_session_only_sign_in_is_told_at_the_next_start(
    qtbot, launch, proxy, guardian, maya
) -> None:
    """Signed in for this session only, a change made offline, "Quit anyway": the next start showed
    the first-run welcome and nothing said that the change was still waiting (an outside tester,
    on a computer without a keyring). The sign-in form with the address, and the change named."""
    from PySide6.QtWidgets import QLineEdit

    from .test_flows import find

    _quit_with_a_change_waiting(qtbot, launch, proxy, guardian, keep=False)

    again = launch()
    qtbot.waitUntil(lambda: again.window.current_screen() == "signInView", timeout=WAIT)
    assert find(again.window, QLineEdit, "emailEdit").text() == guardian.email
    qtbot.waitUntil(again.window.notice.isVisible, timeout=WAIT)
    assert again.window.notice.text() == (
        "ℹ 1 change has not reached the service yet: Maya's “Daily screen-time limit”. Sign in to send it."
    )
    sign_in(qtbot, again, proxy.url, guardian, keep=False)
    wait_home(qtbot, again, "Maya")
    qtbot.waitUntil(lambda: guardian.api.get_controls(maya).controls.daily_limit_minutes == 120, timeout=WAIT)
    assert [e.after for e in guardian.api.activity(maya) if e.field == "daily_limit_minutes"].count(120) == 1
