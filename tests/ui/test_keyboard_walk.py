"""A guardian who uses only the keyboard, against the real reference server: first run, sign in,
pair with the teen, answer the teen's request for more time, change a control and undo it — each
step by keys the app shows (mnemonics, Enter, Tab, Space, shortcuts), never a click."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox, QScrollArea, QWidget

from .test_deliberate import in_background
from .test_flows import WAIT, wait_family, wait_home

ALT = Qt.KeyboardModifier.AltModifier
CTRL = Qt.KeyboardModifier.ControlModifier


def press(qtbot, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    """A key as the keyboard sends it: to the widget that has the focus (or the active window)."""
    target = QApplication.focusWidget() or QApplication.activeWindow()
    assert target is not None, "the focus went nowhere"
    qtbot.keyClick(target, key, modifier)


def type_text(qtbot, text: str) -> None:
    qtbot.keyClicks(QApplication.focusWidget(), text)


def focused() -> str:
    widget = QApplication.focusWidget()
    return widget.objectName() if widget is not None else ""


@pytest.mark.usefixtures("real_keyring")
def test_first_run_sign_in_pair_answer_change_and_undo_with_the_keyboard_only(qtbot, launch, proxy, guardian, teen):
    controller = launch()
    window = controller.window
    qtbot.waitUntil(lambda: controller.sessions is not None, timeout=WAIT)
    window.activateWindow()
    qtbot.waitUntil(lambda: focused() == "signInChoice", timeout=WAIT)  # the default choice has the focus

    # sign in: Enter on "Sign in to a service", then the fields in Tab order
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: focused() == "serverEdit", timeout=WAIT)
    type_text(qtbot, proxy.url.removeprefix("http://").join(["http://", ""]))
    press(qtbot, Qt.Key.Key_Tab)
    assert focused() == "emailEdit"
    type_text(qtbot, guardian.email)
    press(qtbot, Qt.Key.Key_Tab)
    assert focused() == "passwordEdit"
    type_text(qtbot, guardian.password)
    press(qtbot, Qt.Key.Key_Return)
    wait_family(qtbot, controller)
    qtbot.waitUntil(lambda: focused() == "teenList", timeout=WAIT)  # the focus lands on the family

    # pair: Alt+A opens "Add a teen"; the teen enters the code and accepts on their phone
    press(qtbot, Qt.Key.Key_A, ALT)
    pairing = controller.family.pairing
    qtbot.waitUntil(lambda: pairing.wizard is not None and pairing.wizard.state == "waiting", timeout=WAIT)
    wizard = pairing.wizard
    code = wizard.findChild(QWidget, "pairingCode").text()
    in_background(lambda: teen.api.accept_pairing(teen.api.redeem_pairing(code).id))
    qtbot.waitUntil(lambda: wizard.state == "accepted" and focused() == "confirmPairingButton", timeout=WAIT)
    press(qtbot, Qt.Key.Key_Return)  # "Yes, link" has the focus
    qtbot.waitUntil(lambda: wizard.state == "active" and focused() == "closePairingButton", timeout=WAIT)
    press(qtbot, Qt.Key.Key_Return)  # Close
    wait_home(qtbot, controller, "Maya")

    # answer a request: it shows on the home; Ctrl+1 (View → Home) puts the focus on "Change
    # controls…", not on an answer a stray Return would give (an outside tester gave 15 min so);
    # Tab goes on to the page and then to the answers, in reading order
    qtbot.wait(300)
    in_background(lambda: teen.api.ask_for_time(20, "finishing a school project"))
    home = window.ensure_home_page()
    qtbot.waitUntil(lambda: home.requests.pending_count() == 1, timeout=WAIT)
    press(qtbot, Qt.Key.Key_1, CTRL)
    assert focused() == "homeControlsButton"
    for _ in range(8):  # the page, the sections above the requests (the phone, the plans)
        press(qtbot, Qt.Key.Key_Tab)
        if focused() == "approve_15":
            break
    assert focused() == "approve_15"
    press(qtbot, Qt.Key.Key_Tab)
    assert focused() == "approve_30"
    press(qtbot, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: home.requests.pending_count() == 0, timeout=WAIT)
    qtbot.waitUntil(lambda: focused() == "homeControlsButton", timeout=WAIT)  # not lost with the request
    (request,) = teen.api.my_time_requests()
    assert (request.status.value, request.granted_minutes) == ("approved", 30)

    # change a control: Alt+C opens the controls page; Tab to "Search", Space turns it off
    press(qtbot, Qt.Key.Key_C, ALT)
    page = window.ensure_controls_page()
    qtbot.waitUntil(lambda: page.isVisible() and page.title.text().startswith("Maya"), timeout=WAIT)
    # On the page, where Down and Page Down scroll (on the time zone they had changed it); Tab
    # goes into the first setting in sight — after Page Down, not back at the top of the page.
    assert focused() == "controlsScroll"
    press(qtbot, Qt.Key.Key_Tab)
    assert focused() == "learnMore_timezone"  # the first row, in reading order
    press(qtbot, Qt.Key.Key_Tab)
    assert focused() == "timezoneCombo"
    page.findChild(QScrollArea, "controlsScroll").setFocus(Qt.FocusReason.ShortcutFocusReason)
    scrolled = page.findChild(QScrollArea, "controlsScroll").verticalScrollBar()
    zone = page.findChild(QComboBox, "timezoneCombo").currentText()
    press(qtbot, Qt.Key.Key_PageDown)
    assert scrolled.value() > 0 and page.findChild(QComboBox, "timezoneCombo").currentText() == zone
    press(qtbot, Qt.Key.Key_Tab)
    assert focused() not in ("learnMore_timezone", "timezoneCombo") and scrolled.value() > 0
    for _ in range(150):
        if focused() == "search_enabled_check":
            break
        press(qtbot, Qt.Key.Key_Tab)
    assert focused() == "search_enabled_check"
    press(qtbot, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: page.field_status("search_enabled").startswith("✓ saved"), timeout=WAIT)
    assert teen.api.my_controls().controls.search_enabled is False

    # undo: the button names it; Alt+U puts it back
    assert "Search" in page.undo_button.text()
    press(qtbot, Qt.Key.Key_U, ALT)
    qtbot.waitUntil(lambda: teen.api.my_controls().controls.search_enabled is True, timeout=WAIT)


def test_alt_y_takes_the_keyboard_to_the_list_of_teens_from_the_page(qtbot, launch) -> None:
    """In the demo, Tab from the teen's page reached the list of teens only after the teen's phone
    and the demo's bar, a dozen stops on (an outside tester). Alt+Y, the underlined letter of "Your
    teens", takes the keyboard there; Down then chooses the next teen."""
    from .test_flows import demo_at

    controller, window, _panel = demo_at(qtbot, launch, "Maya")
    window.teen_phone.toggleViewAction().trigger()  # hidden: the list is beside the page on this small screen
    qtbot.waitUntil(window.teen_list.list.isVisible, timeout=WAIT)
    window.activateWindow()
    qtbot.waitUntil(lambda: focused() == "homeControlsButton", timeout=WAIT)
    press(qtbot, Qt.Key.Key_Y, ALT)
    qtbot.waitUntil(lambda: focused() == "teenList", timeout=WAIT)
    press(qtbot, Qt.Key.Key_Down)
    wait_home(qtbot, controller, "Sam")


def test_alt_y_brings_back_the_list_the_demo_s_phone_folded_away(qtbot, launch) -> None:
    """On a narrow screen (800 px here; 150 % on 1024 × 768 for the tester) the demo's phone folds
    the list of teens away, and Alt+Y did nothing visible: Sam and his request were nowhere on
    screen. Alt+Y hides the phone, the list comes back, and the keyboard is on it."""
    from .test_flows import demo_at

    controller, window, _panel = demo_at(qtbot, launch, "Maya")
    assert not window.teen_list.list.isVisible()  # folded beside the phone on this small screen
    window.activateWindow()
    qtbot.waitUntil(lambda: focused() == "homeControlsButton", timeout=WAIT)
    press(qtbot, Qt.Key.Key_Y, ALT)
    qtbot.waitUntil(lambda: focused() == "teenList", timeout=WAIT)
    assert window.teen_list.list.isVisible() and not window.teen_phone.isVisible()
    press(qtbot, Qt.Key.Key_Down)
    wait_home(qtbot, controller, "Sam")
    window.teen_phone.toggleViewAction().trigger()  # the phone again: the list folds, Alt+Y is the action's again
    qtbot.waitUntil(lambda: not window.teen_list.list.isVisible(), timeout=WAIT)
    press(qtbot, Qt.Key.Key_Y, ALT)
    qtbot.waitUntil(lambda: focused() == "teenList", timeout=WAIT)
