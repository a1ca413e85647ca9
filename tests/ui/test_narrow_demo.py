"""The demo on an 800 × 600 screen (Qt's offscreen screen is that size), as a support person meets it
on a school's projector: the Teen's phone stays readable beside the teen's page, the pairing wizard
leaves the phone's code field in view and F6 goes between the two, and a setting's sync status
reads whole — a long name, the service's longest words included."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import QApplication, QToolButton, QWidget

from famguard.domain.controls import defaults_for_age
from famguard.ui.main_window import MainWindow
from famguard.ui.viewstate import SyncState, TeenRow

from .screens import LONG_NAME, UNREACHABLE
from .test_flows import WAIT, demo_with_phone

SCREEN_WIDTH = 800


def _wholly_visible(widget: QWidget) -> bool:
    """On screen and not clipped by anything around it (a dock too narrow, a scroll area)."""
    return widget.isVisible() and widget.visibleRegion().boundingRect() == widget.rect()


def _global_rect(widget: QWidget) -> QRect:
    return QRect(widget.mapToGlobal(QPoint(0, 0)), widget.size())


def _demo_window(qtbot, name: str = "Maya") -> MainWindow:
    """The demo's window: a family of two, the controls page (the widest page) of the first, and
    the Teen's phone docked beside it."""
    window = MainWindow()
    qtbot.addWidget(window)
    window.set_demo(True)
    window.show_family()
    window.teen_list.set_teens([TeenRow("t1", name, 14, 35, 90), TeenRow("t2", "Sam", 16, 45, 120)])
    window.ensure_controls_page().show_teen("t1", name, 14, defaults_for_age(14, "Europe/London"))
    window.show_page("controls")
    phone = window.ensure_teen_phone()
    phone.set_teen(name, 14)
    phone.set_pairing_state("linked", "✓ Managed by Alex Morgan, Jordan Morgan.")
    window.show()
    qtbot.waitExposed(window)
    assert window.screen().availableGeometry().width() == SCREEN_WIDTH  # the small screen, or this proves nothing
    return window


def test_the_demos_phone_stays_readable_beside_the_teens_page_on_an_800_pixel_screen(qtbot) -> None:
    window = _demo_window(qtbot)
    phone = window.teen_phone
    assert phone is not None
    page = window.ensure_controls_page()
    qtbot.waitUntil(lambda: _wholly_visible(phone.redeem_button), timeout=WAIT)
    # No minimum wider than the screen (the window gives its frame's width back once framed).
    assert window.minimumSizeHint().width() <= SCREEN_WIDTH
    qtbot.waitUntil(lambda: window.frameGeometry().width() <= SCREEN_WIDTH, timeout=WAIT)
    assert _wholly_visible(phone.code_edit)  # was ~80 px of dock: the field and "Enter code" cut off
    assert phone.width() >= phone.minimumSizeHint().width() > 200
    assert page.width() >= page.minimumSizeHint().width()  # the teen's page is not squeezed either
    assert window.teen_list.isHidden()  # folded away to make the room

    # The way back to the list of teens is in sight: the demo bar's "Teen's phone" hides the phone.
    toggle = window.demo_bar.findChild(QToolButton, "teenPhoneToggle")
    assert toggle is not None and toggle.isVisible() and toggle.isChecked()
    assert window.ask_to_join_button.isVisible()  # the practice of an approval: not in the bar's overflow
    # A button that looks like one, and Tab reaches it (flat, it read as plain text with the phone
    # hidden, and Tab passed it by: two outside testers).
    assert not toggle.autoRaise() and toggle.focusPolicy() & Qt.FocusPolicy.TabFocus
    assert window.reset_demo_button.nextInFocusChain() is toggle  # Tab goes along the bar as it reads
    qtbot.mouseClick(toggle, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: _wholly_visible(window.teen_list.add_button), timeout=WAIT)
    assert phone.isHidden() and window.frameGeometry().width() <= SCREEN_WIDTH
    qtbot.mouseClick(toggle, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: _wholly_visible(phone.code_edit), timeout=WAIT)
    assert window.teen_list.isHidden() and window.frameGeometry().width() <= SCREEN_WIDTH

    # Floated, the phone takes no room beside the family: the list comes back.
    phone.setFloating(True)
    qtbot.waitUntil(lambda: window.teen_list.isVisible(), timeout=WAIT)


def _focused() -> str:
    widget = QApplication.focusWidget()
    return widget.objectName() if widget is not None else ""


def _press(qtbot, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    target = QApplication.focusWidget() or QApplication.activeWindow()
    assert target is not None, "the focus went nowhere"
    qtbot.keyClick(target, key, modifier)


def test_the_demos_pairing_wizard_leaves_the_phones_code_field_in_view_and_f6_goes_between_them(qtbot, launch):
    """Pairing the practice teen with the keyboard alone: Ctrl+N, F6 to the phone, type the code
    the wizard shows, Enter, accept, F6 back to the wizard, confirm."""
    controller, window, panel = demo_with_phone(qtbot, launch)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=WAIT)
    _press(qtbot, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    pairing = controller.family.pairing
    qtbot.waitUntil(lambda: pairing.wizard is not None and pairing.wizard.state == "waiting", timeout=WAIT)
    wizard = pairing.wizard
    qtbot.waitExposed(wizard)
    assert not wizard.frameGeometry().intersects(_global_rect(panel.code_edit))
    assert _wholly_visible(panel.code_edit) and _wholly_visible(wizard.code_label)
    assert window.screen().availableGeometry().contains(wizard.frameGeometry())
    code = wizard.code_label.text()

    wizard.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is wizard, timeout=WAIT)
    _press(qtbot, Qt.Key.Key_F6)
    qtbot.waitUntil(lambda: _focused() == "teenCodeEdit", timeout=WAIT)
    # F6 back before the code is typed: the keyboard on the way back to the phone. It was on "New
    # code", whose Enter replaced the code the teen was about to type (an outside tester).
    _press(qtbot, Qt.Key.Key_F6)
    qtbot.waitUntil(lambda: _focused() == "pairingTeenPhoneButton", timeout=WAIT)
    _press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: _focused() == "teenCodeEdit", timeout=WAIT)
    assert wizard.code_label.text() == code
    qtbot.keyClicks(QApplication.focusWidget(), code)
    _press(qtbot, Qt.Key.Key_Return)  # "Enter code"
    qtbot.waitUntil(lambda: _focused() == "teenAcceptButton", timeout=WAIT)
    _press(qtbot, Qt.Key.Key_Space)  # the teen accepts
    qtbot.waitUntil(lambda: wizard.state == "accepted", timeout=WAIT)
    _press(qtbot, Qt.Key.Key_F6)
    qtbot.waitUntil(lambda: _focused() == "confirmPairingButton", timeout=WAIT)
    _press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: wizard.state == "active", timeout=WAIT)
    assert "Maya" in wizard.end_label.text()

    # The phone's way back is visible while the wizard is open, and gone with it.
    assert panel.pairing_window_button.isVisible()
    _press(qtbot, Qt.Key.Key_Return)  # Close
    qtbot.waitUntil(lambda: not wizard.isVisible(), timeout=WAIT)
    assert not panel.pairing_window_button.isVisible()


def test_the_wizard_moves_off_the_phones_code_field_when_the_window_shrinks_to_the_screen(qtbot, launch):
    """A demo opened and the wizard asked for at once: the window could still be its first 1,100
    pixels wide, shrinking to the 800-pixel screen a moment later — the wizard, placed beside the
    phone of the wide window, then sat over the phone's code field (a test failing now and then)."""
    controller, window, panel = demo_with_phone(qtbot, launch)
    window.resize(1100, window.height())
    qtbot.waitUntil(lambda: window.width() == 1100, timeout=WAIT)
    window.add_teen_action.trigger()
    pairing = controller.family.pairing
    qtbot.waitUntil(lambda: pairing.wizard is not None and pairing.wizard.isVisible(), timeout=WAIT)
    wizard = pairing.wizard
    window.resize(SCREEN_WIDTH, window.height())
    qtbot.waitUntil(lambda: not wizard.frameGeometry().intersects(_global_rect(panel.code_edit)), timeout=WAIT)
    assert _wholly_visible(panel.code_edit)


def test_a_long_sync_status_reads_whole_at_800_pixels_beside_the_demos_phone(qtbot) -> None:
    window = _demo_window(qtbot, LONG_NAME)
    page = window.ensure_controls_page()
    page.set_receipt(f"on {LONG_NAME}'s phone 14:02")
    page.set_field_state("comments", SyncState.SAVED)
    page.set_field_state("daily_limit_minutes", SyncState.REJECTED, UNREACHABLE)
    page.rows["search_enabled"].flash(f"↻ changed by {LONG_NAME}")
    qtbot.waitUntil(lambda: page.rows["comments"].width() > 0, timeout=WAIT)
    QApplication.processEvents()
    for field, words in (
        ("daily_limit_minutes", UNREACHABLE),
        ("comments", f"{LONG_NAME}'s phone 14:02"),
        ("search_enabled", LONG_NAME),
    ):
        row = page.rows[field]
        status = row.status
        assert words in status.text() and words in status.accessibleDescription()
        assert status.geometry().left() >= 0 and status.geometry().right() < row.width(), field
        # Every line shown (none cut off below), and a few lines across the row, not a column a
        # word wide (it was eleven lines of one or two words beside the title).
        assert status.height() >= status.heightForWidth(status.width()), field
        assert status.height() <= 3 * status.fontMetrics().lineSpacing(), f"{field}: {status.height()} px high"


def test_a_short_sync_status_stays_beside_the_title_when_there_is_room(qtbot) -> None:
    """As before in a window with room: "✓ saved" on the title's line, at its right."""
    window = _demo_window(qtbot)
    assert window.teen_phone is not None
    window.teen_phone.hide()  # the whole width for the family
    page = window.ensure_controls_page()
    page.set_field_state("comments", SyncState.SAVED)
    row = page.rows["comments"]
    qtbot.waitUntil(lambda: row.status_beside_title(), timeout=WAIT)
    assert row.status.geometry().top() < row.summary.geometry().top()


def test_the_room_for_the_wizard_is_beside_the_phone_on_whichever_side_it_is_docked(qtbot) -> None:
    window = _demo_window(qtbot)
    phone = window.teen_phone
    assert phone is not None
    for area in (Qt.DockWidgetArea.RightDockWidgetArea, Qt.DockWidgetArea.LeftDockWidgetArea):
        window.addDockWidget(area, phone)
        qtbot.waitUntil(lambda area=area: window.dockWidgetArea(phone) == area and _wholly_visible(phone.code_edit))
        QApplication.processEvents()
        room = window.room_beside_teen_phone()
        assert room is not None and room.width() >= window.width() // 2, area
        assert not room.intersects(_global_rect(phone)), area


def test_showing_the_phone_again_never_takes_the_window_past_the_screens_edge(qtbot, launch) -> None:
    """Hidden and shown again (Ctrl+T, its toggle), the phone made the window grow to fit it beside
    the whole family — 957 px on an 800-px screen, the phone's right part off the screen — and it
    stayed so until resized by hand. The list of teens folds away before the phone shows now, and
    a window grown past the screen by its own layout comes back within it."""
    _controller, window, panel = demo_with_phone(qtbot, launch)
    window.ensure_controls_page().rows  # noqa: B018 - built whole, as after its prebuild
    room = window.screen().availableGeometry().width()
    assert room == SCREEN_WIDTH
    qtbot.waitUntil(lambda: window.frameGeometry().width() <= room, timeout=WAIT)
    toggle = panel.toggleViewAction()
    toggle.trigger()
    qtbot.waitUntil(lambda: window.teen_list.isVisible(), timeout=WAIT)  # the list back beside the page
    toggle.trigger()
    qtbot.waitUntil(lambda: panel.isVisible() and not window.teen_list.isVisible(), timeout=WAIT)
    # Within the screen once the turn that showed it is over (under load the window can still take
    # the wider size for that turn: a clean-clone CI run saw 957 px at the first look; it stayed so).
    qtbot.waitUntil(lambda: window.frameGeometry().width() <= room, timeout=WAIT)
    assert _wholly_visible(panel.redeem_button)


def test_a_window_grown_past_the_screen_by_its_own_layout_comes_back_within_it(qtbot, launch) -> None:
    _controller, window, panel = demo_with_phone(qtbot, launch)
    room = window.screen().availableGeometry().width()
    qtbot.waitUntil(lambda: window.frameGeometry().width() <= room, timeout=WAIT)
    window.setMinimumWidth(room + 150)  # as a page whose minimum grew, or the phone docked, make it
    window.setMinimumWidth(0)
    qtbot.waitUntil(lambda: window.frameGeometry().width() <= room, timeout=WAIT)
    assert _wholly_visible(panel.redeem_button)


def test_with_the_list_folded_for_the_phone_the_keyboard_and_the_view_menu_go_to_another_teen(qtbot, launch):
    """The demo's phone folds the list of teens away on a narrow screen: an outside tester found no
    way to Sam but hiding the phone. Ctrl+PgDown / Ctrl+PgUp (and View › Next teen, Previous
    teen) go from teen to teen with the list folded."""
    controller, window, panel = demo_with_phone(qtbot, launch)
    qtbot.waitUntil(lambda: window.teen_list.isHidden(), timeout=WAIT)
    names = {teen_id: row.name for teen_id, row in controller.family.teens.items()}
    first = window.teen_list.current_teen_id()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=WAIT)
    _press(qtbot, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.teen_list.current_teen_id() not in (None, first), timeout=WAIT)
    other = names[window.teen_list.current_teen_id()]
    home = window.ensure_home_page()
    qtbot.waitUntil(lambda: home.title.text().startswith(other), timeout=WAIT)
    assert window.teen_list.isHidden() and panel.isVisible()  # the phone stays beside the page
    _press(qtbot, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)  # the last teen: stays
    qtbot.wait(200)
    assert names[window.teen_list.current_teen_id()] == other
    titles = [a.text() for a in window.view_menu.actions()]
    assert "Ne&xt teen" in titles and "Pre&vious teen" in titles
    window.previous_teen_action.trigger()
    qtbot.waitUntil(lambda: window.teen_list.current_teen_id() == first, timeout=WAIT)
    qtbot.waitUntil(lambda: home.title.text().startswith(names[first]), timeout=WAIT)


def test_with_the_list_folded_alt_a_and_alt_i_still_add_a_teen_and_open_the_inbox(qtbot, launch):
    """Alt+A ("Add a teen") and Alt+I ("Requests inbox") are the list's buttons' keys. With the list
    folded for the phone, they reached the box with the focus instead: Alt+A typed an "a" into the
    phone's Reason field (the 150 % tester). They open the wizard and the inbox, and type nothing."""
    controller, window, panel = demo_with_phone(qtbot, launch)
    qtbot.waitUntil(lambda: window.teen_list.isHidden(), timeout=WAIT)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=WAIT)
    panel.reason_edit.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is panel.reason_edit, timeout=WAIT)
    _press(qtbot, Qt.Key.Key_I, Qt.KeyboardModifier.AltModifier)
    inbox = controller.family.inbox
    qtbot.waitUntil(lambda: inbox.dialog is not None and inbox.dialog.isVisible(), timeout=WAIT)
    inbox.dialog.close()
    window.activateWindow()
    panel.reason_edit.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is panel.reason_edit, timeout=WAIT)
    _press(qtbot, Qt.Key.Key_A, Qt.KeyboardModifier.AltModifier)
    pairing = controller.family.pairing
    qtbot.waitUntil(lambda: pairing.wizard is not None and pairing.wizard.isVisible(), timeout=WAIT)
    assert panel.reason_edit.text() == ""  # nothing typed by either

    # With the list shown again (the phone hidden), its buttons answer those keys: one answer each.
    pairing.wizard.close()
    panel.toggleViewAction().trigger()  # "Teen's phone" in the demo bar (Ctrl+T): hidden
    qtbot.waitUntil(lambda: not window.teen_list.isHidden(), timeout=WAIT)
    clicked: list[bool] = []
    window.teen_list.add_button.clicked.connect(lambda: clicked.append(True))
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=WAIT)
    _press(qtbot, Qt.Key.Key_A, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: clicked == [True], timeout=WAIT)
