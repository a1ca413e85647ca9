""" "Keep me signed in on this computer" says whether it can be honoured before the guardian ticks it:
the sign-in form asks the keyring each time it comes on screen (famguard.ui.signin_presenter), on a
worker, and shows the box enabled (a real Secret Service) or disabled with the keyring's reason (no
keyring, one that refuses to write, one that is not secure, one that does not answer).

The form, the task runner, the sign-in service and the credential store are the app's own; the
keyrings are keyring's real backends (a private Secret Service, `fail`, keyrings.alt's plain-text
file) or the Secret Service class with its write refused or hanging, as tests/ui/test_keyring_faults.py
makes them (a desktop keyring in those states cannot be produced on demand)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import pytest
from keyring import errors as keyring_errors
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton, QStackedWidget, QWidget

from famguard.credentials import CredentialStore
from famguard.credentials.store import (
    CAN_KEEP_PROBE,
    HUNG_MESSAGE,
    MISSING_MESSAGE,
    NO_LOGIN_KEYRING_MESSAGE,
    REFUSED_MESSAGE,
)
from famguard.services import SessionService
from famguard.ui.signin import SignInView
from famguard.ui.signin_presenter import KeepSignedInCheck
from famguard.ui.tasks import TaskRunner

from .test_flows import WAIT, find
from .test_live import Heartbeat


class Form:
    """The sign-in form in a window with one other screen, as the main window has it."""

    def __init__(self, qtbot, timeout: float) -> None:
        self.screens = QStackedWidget()
        qtbot.addWidget(self.screens)
        self.elsewhere = QWidget()
        self.view = SignInView()
        self.screens.addWidget(self.elsewhere)
        self.screens.addWidget(self.view)
        self.screens.resize(800, 600)
        self.screens.show()
        self.errors: list[BaseException] = []
        self.tasks = TaskRunner(self.screens, error_reporter=self.errors.append)
        self.sessions = SessionService(CredentialStore(timeout=timeout))
        self.check = KeepSignedInCheck(self.view, self.tasks, lambda: self.sessions)

    def open(self) -> None:
        self.screens.setCurrentWidget(self.elsewhere)
        self.screens.setCurrentWidget(self.view)

    @property
    def box(self):
        return self.view.keep_check


@pytest.fixture
def form(qtbot) -> Iterator[Callable[..., Form]]:
    made: list[Form] = []

    def make(timeout: float = 5.0) -> Form:
        made.append(Form(qtbot, timeout))
        return made[-1]

    yield make
    for each in made:
        assert each.errors == []


@pytest.fixture
def swapped(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[object], None]]:
    import keyring

    previous = keyring.get_keyring()
    yield keyring.set_keyring
    keyring.set_keyring(previous)


def _refused_write(*_args: object) -> None:
    raise keyring_errors.PasswordSetError("the keyring refused the new entry")


@pytest.fixture
def refusing_keyring(monkeypatch: pytest.MonkeyPatch, swapped) -> object:
    """A Secret Service that refuses every new entry (a full disk, a policy, a read-only collection)."""
    from keyring.backends import SecretService

    monkeypatch.setattr(SecretService.Keyring, "set_password", _refused_write)
    backend = SecretService.Keyring()
    swapped(backend)
    return backend


def _wait_answer(qtbot, form: Form) -> None:
    qtbot.waitUntil(lambda: form.check._asking is not None and form.check._asking.done, timeout=WAIT)


def test_a_working_keyring_leaves_the_box_enabled_and_keeps_no_trace(qtbot, form, real_keyring) -> None:
    shown = form()
    shown.open()
    _wait_answer(qtbot, shown)
    assert shown.box.isEnabled() and shown.box.isChecked()
    assert not shown.view.keep_reason.isVisible()
    # The check writes a throw-away entry and takes it away again.
    assert real_keyring.get_password("FamGuard", CAN_KEEP_PROBE) is None


@pytest.fixture
def keyring_without_login(monkeypatch: pytest.MonkeyPatch, swapped) -> Iterator[object]:
    """A real Secret Service (gnome-keyring) with no login keyring, on its own private bus."""
    from keyring.backends import SecretService

    from tests.support.secret_service import NoSecretService, secret_service

    try:
        with secret_service(with_login_keyring=False) as env:
            for name, value in env.items():
                monkeypatch.setenv(name, value)
            backend = SecretService.Keyring()
            swapped(backend)
            yield backend
    except NoSecretService as exc:
        pytest.skip(str(exc))


def test_a_secret_service_without_a_login_keyring_says_so_not_locked(qtbot, form, keyring_without_login) -> None:
    shown = form()
    shown.open()
    _wait_answer(qtbot, shown)
    assert not shown.box.isEnabled()
    reason = shown.view.keep_reason.text()
    assert NO_LOGIN_KEYRING_MESSAGE in reason and "locked" not in reason, reason


def test_no_keyring_is_said_before_the_guardian_ticks_the_box(qtbot, form, failing_keyring) -> None:
    shown = form()
    shown.open()
    _wait_answer(qtbot, shown)
    assert not shown.box.isEnabled() and not shown.box.isChecked()
    reason = shown.view.keep_reason
    assert reason.isVisible() and MISSING_MESSAGE in reason.text(), reason.text()
    assert shown.box.accessibleDescription() == MISSING_MESSAGE


def test_a_keyring_that_refuses_to_write_is_said_before_signing_in(qtbot, form, refusing_keyring) -> None:
    shown = form()
    shown.open()
    _wait_answer(qtbot, shown)
    assert not shown.box.isEnabled() and not shown.box.isChecked()
    reason = shown.view.keep_reason.text()
    assert REFUSED_MESSAGE in reason and "FamGuard will check the keyring again" in reason, reason


def test_a_keyring_that_is_not_secure_is_named(qtbot, form, swapped, tmp_path) -> None:
    from keyrings.alt.file import PlaintextKeyring

    plain = PlaintextKeyring()
    plain.file_path = str(tmp_path / "plain.cfg")
    swapped(plain)
    shown = form()
    shown.open()
    _wait_answer(qtbot, shown)
    assert not shown.box.isEnabled()
    assert "PlaintextKeyring" in shown.view.keep_reason.text()
    assert not (tmp_path / "plain.cfg").exists()  # refused before anything was written


def test_the_box_comes_back_as_the_guardian_left_it_once_the_keyring_works(
    qtbot, form, refusing_keyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown = form()
    shown.open()
    _wait_answer(qtbot, shown)
    assert not shown.box.isEnabled()
    monkeypatch.undo()  # the keyring writes again (unlocked, disk freed)
    from keyring.backends import SecretService

    monkeypatch.setattr(SecretService.Keyring, "set_password", lambda *_args: None)
    monkeypatch.setattr(SecretService.Keyring, "delete_password", lambda *_args: None)
    shown.open()  # the next time the form is shown
    _wait_answer(qtbot, shown)
    assert shown.box.isEnabled() and shown.box.isChecked()
    assert not shown.view.keep_reason.isVisible()
    # and an untick of the guardian's own is kept through another refusal and recovery
    qtbot.mouseClick(shown.box, Qt.MouseButton.LeftButton)
    assert not shown.box.isChecked()
    shown.view.set_keyring_available(False, REFUSED_MESSAGE)
    shown.view.set_keyring_available(True)
    assert shown.box.isEnabled() and not shown.box.isChecked()


def test_a_hanging_keyring_never_stalls_the_form(qtbot, form, swapped, monkeypatch: pytest.MonkeyPatch) -> None:
    from keyring.backends import SecretService

    monkeypatch.setattr(SecretService.Keyring, "set_password", lambda *_args: time.sleep(30))
    swapped(SecretService.Keyring())
    shown = form(timeout=1.0)
    with Heartbeat() as beat:
        shown.open()
        # Meanwhile the box keeps the last answer (none yet: enabled and ticked) — no flicker.
        assert shown.box.isEnabled() and shown.box.isChecked()
        _wait_answer(qtbot, shown)
    assert beat.worst_gap() < 0.5, f"the GUI thread stalled for {beat.worst_gap() * 1000:.0f} ms"
    assert not shown.box.isEnabled() and HUNG_MESSAGE in shown.view.keep_reason.text()


def test_the_app_keeps_the_box_disabled_when_the_form_is_opened(qtbot, launch, failing_keyring) -> None:
    """The start finds no keyring; opening the form from the welcome screen must not enable the box
    again (it did: showing the form ended its 'busy' state while the reason was not on screen).
    The welcome screen tells it in the notice bar; the form under its box, and not twice."""
    controller = launch()
    window = controller.window
    qtbot.waitUntil(lambda: controller.sessions is not None and window.current_screen() == "welcomeView", timeout=WAIT)
    qtbot.waitUntil(lambda: window.sign_in.keep_reason.text() != "", timeout=WAIT)
    assert window.notice.isVisible() and MISSING_MESSAGE in window.notice.text()
    qtbot.mouseClick(find(window, QPushButton, "signInChoice"), Qt.MouseButton.LeftButton)
    assert window.current_screen() == "signInView"
    assert not window.sign_in.keep_check.isEnabled()
    assert window.sign_in.keep_reason.isVisible() and MISSING_MESSAGE in window.sign_in.keep_reason.text()
    assert not window.notice.isVisible(), "the same words once on the form, not again in the notice bar"


def test_the_app_says_a_refusing_keyring_before_the_guardian_signs_in(
    qtbot, launch, live_server, guardian, real_keyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The keyring reads (the start finds nothing remembered) but refuses to write: the form says so
    when it opens, not after the sign-in."""
    from keyring.backends import SecretService

    from .test_flows import sign_in, wait_family

    monkeypatch.setattr(SecretService.Keyring, "set_password", _refused_write)
    controller = launch()
    window = controller.window
    qtbot.waitUntil(lambda: controller.sessions is not None and window.current_screen() == "welcomeView", timeout=WAIT)
    assert window.sign_in.keep_check.isEnabled()  # the start could read the keyring
    qtbot.mouseClick(find(window, QPushButton, "signInChoice"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.sign_in.keep_check.isEnabled(), timeout=WAIT)
    assert REFUSED_MESSAGE in window.sign_in.keep_reason.text()
    sign_in(qtbot, controller, live_server, guardian, keep=False)
    wait_family(qtbot, controller)
    assert not controller.session.remembered


def test_the_app_leaves_the_box_enabled_with_a_working_keyring(qtbot, launch, live_server, guardian, real_keyring):
    from .test_flows import sign_in, wait_family

    controller = launch()
    window = controller.window
    qtbot.waitUntil(lambda: controller.sessions is not None and window.current_screen() == "welcomeView", timeout=WAIT)
    qtbot.mouseClick(find(window, QPushButton, "signInChoice"), Qt.MouseButton.LeftButton)
    check = controller.keep_signed_in_check
    qtbot.waitUntil(lambda: check._asking is not None and check._asking.done, timeout=WAIT)
    assert window.sign_in.keep_check.isEnabled() and window.sign_in.keep_check.isChecked()
    sign_in(qtbot, controller, live_server, guardian, keep=True)
    wait_family(qtbot, controller)
    assert controller.session.remembered
