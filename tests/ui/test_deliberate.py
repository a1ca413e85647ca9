"""The family home and a controls page where no edit happens by accident, against the real
reference server over loopback HTTP (through the fault proxy, whose log shows every request the
app sent): the wheel, arrow keys, out-of-range minutes, an over-long keyword, the unlink question,
a request from a teen who is not selected (badge, notification, inbox), and the home's "today"
following another guardian's limit change and a usage report."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt, QTimer
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QTimeEdit,
    QWidget,
)

from famguard.domain.controls import controls_to_json
from tests.support.accounts import member, pair

from .conftest import answer_next_question
from .test_flows import WAIT, dismiss_notice, find, sign_in, wait_home, wait_listening, wait_teen_page


def patches(proxy) -> list[str]:
    return [line for line in proxy.requests if line.startswith("PATCH")]


def roll_wheel(widget: QWidget, notches: int = -3) -> None:
    """A real wheel event over the middle of `widget`, as the mouse sends it."""
    centre = QPointF(widget.width() / 2, widget.height() / 2)
    event = QWheelEvent(
        centre,
        QPointF(widget.mapToGlobal(centre.toPoint())),
        QPoint(0, 0),
        QPoint(0, 120 * notches),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(widget, event)


def in_background(fn) -> threading.Thread:
    thread = threading.Thread(target=fn, daemon=True)
    thread.start()
    return thread


def maya_and_leo(url: str, guardian, maya):
    """The guardian linked with Maya (14) and Leo (16); returns Leo and his id."""
    pair(guardian.api, maya.api)
    leo = member(url, "teen", "Leo", address="leo@example.org", age=16)
    return leo, pair(guardian.api, leo.api)


def open_wizard(qtbot, controller):  # noqa: ANN201 - the PairingWizard
    """ "Add a teen" from the menu, waited for until the wizard shows its code."""
    controller.window.add_teen_action.trigger()
    pairing = controller.family.pairing
    qtbot.waitUntil(lambda: pairing.wizard is not None and pairing.wizard.state == "waiting", timeout=WAIT)
    return pairing.wizard


def pair_in_the_wizard(qtbot, controller, teen, accepted: list[str] | None = None) -> str:
    """Add a teen from the menu; `teen`'s phone redeems the code and accepts (from another thread, as
    a phone would), the guardian confirms; the wizard's last words, then it closes. What it said
    when the teen had accepted goes into `accepted`."""
    wizard = open_wizard(qtbot, controller)
    code = wizard.findChild(QWidget, "pairingCode").text()
    in_background(lambda: teen.api.accept_pairing(teen.api.redeem_pairing(code).id))
    qtbot.waitUntil(lambda: wizard.state == "accepted", timeout=WAIT)
    if accepted is not None:
        accepted.append(wizard.findChild(QWidget, "pairingStatus").text())
    qtbot.mouseClick(wizard.confirm_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: wizard.state == "active", timeout=WAIT)
    text = wizard.findChild(QWidget, "pairingEnd").text()
    wizard.accept()
    return text


def _open_controls(qtbot, launch, proxy, guardian, teen):
    pair(guardian.api, teen.api)
    controller = launch()
    sign_in(qtbot, controller, proxy.url, guardian)
    wait_teen_page(qtbot, controller, "Maya")
    qtbot.wait(500)  # let the start-up requests settle
    return controller, controller.window.ensure_controls_page()


@pytest.mark.usefixtures("real_keyring")
def test_the_wheel_over_every_editable_control_changes_nothing_and_sends_nothing(
    qtbot, launch, proxy, guardian, teen
) -> None:
    controller, page = _open_controls(qtbot, launch, proxy, guardian, teen)
    teen_id = controller.family.current
    before_server = controls_to_json(guardian.api.get_controls(teen_id).controls)
    before_shown = {field: page.editor(field).value() for field in page.rows}
    boxes = [*page.findChildren(QAbstractSpinBox), *page.findChildren(QComboBox)]
    editable = [w for w in [*boxes, *page.findChildren(QAbstractButton)] if w.isEnabled()]
    assert len(boxes) >= 12 and len(editable) > 40  # every spin box, time box, the zone list, every button
    time_texts = {box.objectName(): box.text() for box in page.findChildren(QAbstractSpinBox)}
    zone = find(page, QComboBox, "timezoneCombo").currentText()
    scroll = page.findChild(QWidget, "controlsScroll").verticalScrollBar()
    sent_before = len(patches(proxy))
    scroll.setValue(scroll.maximum() // 2)
    start = scroll.value()
    for widget in editable:
        if widget.isVisible():
            widget.clearFocus()
            roll_wheel(widget, -3)
            roll_wheel(widget, +2)
    # Focused, too: a guardian clicks into a box, then scrolls the page with the pointer over it.
    for focused in [find(page, QComboBox, "timezoneCombo"), *page.findChildren(QAbstractSpinBox)]:
        if focused.isVisible() and focused.isEnabled():
            focused.setFocus()
            roll_wheel(focused, -3)
            roll_wheel(focused, +2)
    page.setFocus()  # leaving the last box: what it holds would be set now
    qtbot.wait(1500)  # longer than any settle delay: anything queued would be on its way
    assert {box.objectName(): box.text() for box in page.findChildren(QAbstractSpinBox)} == time_texts
    assert find(page, QComboBox, "timezoneCombo").currentText() == zone
    assert {field: page.editor(field).value() for field in page.rows} == before_shown
    assert patches(proxy)[sent_before:] == []
    assert controls_to_json(guardian.api.get_controls(teen_id).controls) == before_server
    roll_wheel(find(page, QComboBox, "timezoneCombo"), -3)
    assert scroll.value() != start or scroll.maximum() == 0  # the wheel scrolled the page instead


@pytest.mark.usefixtures("real_keyring")
def test_keys_after_the_page_scrolled_a_focused_box_away_scroll_and_change_nothing(
    qtbot, launch, proxy, guardian, teen
) -> None:
    """Found by an outside tester: a click into the quiet hours' start (21:08), the page scrolled
    away with the wheel, then Up and Page Down "to scroll": the hidden box went to 02:08 and was
    sent when they clicked elsewhere. The keyboard goes to the page when the page scrolls its
    focused control out of sight; its keys then scroll."""
    controller, page = _open_controls(qtbot, launch, proxy, guardian, teen)
    teen_id = controller.family.current
    quiet = find(page, QTimeEdit, "quietHoursStart")
    area = page.findChild(QScrollArea, "controlsScroll")
    scroll = area.verticalScrollBar()
    area.ensureWidgetVisible(quiet)
    qtbot.mouseClick(quiet, Qt.MouseButton.LeftButton)
    assert QApplication.focusWidget() is quiet
    before, sent_before = quiet.text(), len(patches(proxy))
    for _ in range(10):  # the wheel over the page, until the box is out of sight
        roll_wheel(area.viewport(), -3 if scroll.value() < scroll.maximum() // 2 else +3)
        if QApplication.focusWidget() is not quiet:
            break
    assert QApplication.focusWidget() is area  # the keyboard is on the page now, and it shows
    ring = area.findChild(QWidget, "controlsScrollFocusRing")
    assert ring is not None and ring.isVisible()
    at = scroll.value()
    for key in (Qt.Key.Key_Up, Qt.Key.Key_PageDown, Qt.Key.Key_PageDown, Qt.Key.Key_Down):
        qtbot.keyClick(QApplication.focusWidget(), key)
    assert scroll.value() != at  # the keys scrolled
    qtbot.mouseClick(page.title, Qt.MouseButton.LeftButton)  # "click anywhere"
    qtbot.wait(1500)  # longer than any settle delay
    assert quiet.text() == before and patches(proxy)[sent_before:] == []
    assert guardian.api.get_controls(teen_id).controls.quiet_hours.start == before

    # In sight, the arrows are the box's, as the page says ("or use the arrow keys"); Page Up and
    # Down scroll the page, as everywhere on it (on the time zone they jumped a screenful of zones).
    zone_box = find(page, QComboBox, "timezoneCombo")
    zone = zone_box.currentText()
    area.ensureWidgetVisible(zone_box)
    qtbot.mouseClick(zone_box.lineEdit(), Qt.MouseButton.LeftButton)
    at = scroll.value()
    qtbot.keyClick(zone_box.lineEdit(), Qt.Key.Key_PageDown)
    assert scroll.value() > at and zone_box.currentText() == zone
    area.ensureWidgetVisible(quiet)
    qtbot.mouseClick(quiet, Qt.MouseButton.LeftButton)
    at = scroll.value()
    qtbot.keyClick(quiet, Qt.Key.Key_PageUp)
    assert quiet.text() == before and scroll.value() < at
    area.ensureWidgetVisible(quiet)
    qtbot.mouseClick(quiet, Qt.MouseButton.LeftButton)
    qtbot.keyClick(quiet, Qt.Key.Key_Up)
    assert quiet.text() != before
    qtbot.wait(1500)  # sent as it settles
    assert zone_box.currentText() == zone and guardian.api.get_controls(teen_id).controls.timezone == zone


@pytest.mark.usefixtures("real_keyring")
def test_arrow_keys_through_the_daily_limit_send_one_change(qtbot, launch, proxy, guardian, teen) -> None:
    controller, page = _open_controls(qtbot, launch, proxy, guardian, teen)
    teen_id = controller.family.current
    sixty = find(page, QRadioButton, "dailyLimit_60")
    assert sixty.isChecked()
    sixty.setFocus()
    sent_before = len(patches(proxy))
    for key in (Qt.Key.Key_Right, Qt.Key.Key_Right, Qt.Key.Key_Right, Qt.Key.Key_Left):  # 90, 120, none, 120
        qtbot.keyClick(QApplication.focusWidget(), key)
        qtbot.wait(150)
    assert find(page, QRadioButton, "dailyLimit_120").isChecked()
    assert patches(proxy)[sent_before:] == []  # nothing while moving, "No limit" never sent
    # Said where "✓ saved — …" stood about the value before it (an outside tester read that as sent).
    assert page.field_status("daily_limit_minutes") == "◷ sent when you stop (or press Enter)"
    qtbot.waitUntil(lambda: page.field_status("daily_limit_minutes").startswith("✓ saved"), timeout=WAIT)
    assert len(patches(proxy)[sent_before:]) == 1
    assert guardian.api.get_controls(teen_id).controls.daily_limit_minutes == 120


@pytest.mark.usefixtures("real_keyring")
def test_out_of_range_minutes_and_a_long_keyword_are_refused_with_the_reason_and_nothing_is_sent(
    qtbot, launch, proxy, guardian, teen
) -> None:
    controller, page = _open_controls(qtbot, launch, proxy, guardian, teen)
    sent_before = len(patches(proxy))
    spin = find(page, QAbstractSpinBox, "dailyLimitCustom")
    assert find(page, QWidget, "dailyLimitRange").text() == "10–720 min (12 h)"  # shown before typing
    for typed in ("900", "5"):
        spin.lineEdit().selectAll()
        qtbot.keyClicks(spin.lineEdit(), typed)
        qtbot.mouseClick(find(page, QPushButton, "dailyLimitCustomApply"), Qt.MouseButton.LeftButton)
        message = find(page, QWidget, "message_daily_limit_minutes").text()
        assert f"{typed} min is outside the allowed 10–720 min" in message
        assert spin.lineEdit().text().startswith(typed)  # what was typed stays, not rewritten
    keyword = find(page, QLineEdit, "keywordEdit")
    qtbot.keyClicks(keyword, "x" * 60)
    qtbot.keyClick(keyword, Qt.Key.Key_Return)
    assert "at most 50 characters" in find(page, QWidget, "keywordMessage").text()
    assert keyword.text() == "x" * 60  # kept, to be shortened
    undo = find(page, QPushButton, "undoButton")
    assert not undo.isEnabled()  # no change happened, so there is nothing to undo …
    assert not find(page, QPushButton, "retry_keyword_filters").isVisible()  # … or retry
    qtbot.wait(300)
    assert patches(proxy)[sent_before:] == []
    assert page.editor("daily_limit_minutes").value() == 60


@pytest.mark.usefixtures("real_keyring")
def test_undo_names_what_it_undoes_and_alt_u_works(qtbot, launch, proxy, guardian, teen) -> None:
    controller, page = _open_controls(qtbot, launch, proxy, guardian, teen)
    qtbot.mouseClick(find(page, QRadioButton, "comments_no_one"), Qt.MouseButton.LeftButton)
    undo = find(page, QPushButton, "undoButton")
    assert undo.text().replace("&", "") == "Undo “Comments on Maya's videos”  (Ctrl+Z)"
    qtbot.waitUntil(lambda: page.field_status("comments").startswith("✓ saved"), timeout=WAIT)
    qtbot.keyClick(page, Qt.Key.Key_U, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: find(page, QRadioButton, "comments_friends").isChecked(), timeout=WAIT)
    # The row said "✓ saved" for the first change already: wait for the undo itself to arrive.
    teen_id = controller.family.current
    qtbot.waitUntil(lambda: guardian.api.get_controls(teen_id).controls.comments.value == "friends", timeout=WAIT)
    qtbot.waitUntil(lambda: page.field_status("comments").startswith("✓ saved"), timeout=WAIT)


@pytest.mark.usefixtures("real_keyring")
def test_enter_on_the_unlink_question_keeps_the_link(qtbot, launch, proxy, guardian, teen, monkeypatch) -> None:
    controller, page = _open_controls(qtbot, launch, proxy, guardian, teen)
    asked: list[str] = []
    real_exec = QMessageBox.exec

    def press_enter(box: QMessageBox) -> int:
        asked.append(box.text())
        QTimer.singleShot(0, lambda: qtbot.keyClick(box, Qt.Key.Key_Return))
        return real_exec(box)

    monkeypatch.setattr(QMessageBox, "exec", press_enter)
    qtbot.mouseClick(find(page, QPushButton, "unlinkButton"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(asked), timeout=WAIT)
    qtbot.wait(500)
    assert asked == ["Unlink Maya?"]
    assert controller.window.teen_list.list.count() == 1
    assert [g.display_name for g in teen.api.my_guardians()] == ["Sam Guardian"]
    assert not [line for line in proxy.requests if line.startswith("DELETE")]


@pytest.mark.usefixtures("real_keyring")
def test_a_double_click_on_change_controls_does_not_press_unlink(qtbot, launch, proxy, guardian, teen):
    """Found by a support agent demoing: double-clicking "Change controls…" opened the controls
    page, and the second click pressed "Unlink…", which sits where "Change controls…" was —
    "Unlink Maya?" out of nowhere. The second click is ignored; a click after it asks as before."""
    pair(guardian.api, teen.api)
    controller = launch()
    sign_in(qtbot, controller, proxy.url, guardian)
    wait_home(qtbot, controller, "Maya")
    asked = answer_next_question(qtbot, "Keep the link")  # whenever one comes
    home = controller.window.ensure_home_page()
    qtbot.mouseClick(home.controls_button, Qt.MouseButton.LeftButton)  # the first click of two
    page = controller.window.ensure_controls_page()
    assert page.isVisible()
    unlink = find(page, QPushButton, "unlinkButton")
    qtbot.mousePress(unlink, Qt.MouseButton.LeftButton)  # the second, on what is there now
    qtbot.mouseRelease(unlink, Qt.MouseButton.LeftButton)
    qtbot.wait(QApplication.doubleClickInterval() + 100)
    assert asked == [] and controller.window.teen_list.list.count() == 1

    qtbot.mouseClick(unlink, Qt.MouseButton.LeftButton)  # meant
    qtbot.waitUntil(lambda: [text for text, _more in asked] == ["Unlink Maya?"], timeout=WAIT)
    assert controller.window.teen_list.list.count() == 1  # the link kept


def _with_alex_on_maya_s_home(qtbot, launch, live_server, guardian, teen):
    """Maya with a second guardian, Alex; the app signed in on her home, listening for news.
    Returns (controller, Alex, Maya's id)."""
    pair(guardian.api, teen.api)
    other = member(live_server, "guardian", "Alex", address="alex@example.org")
    teen_id = pair(other.api, teen.api, approver=guardian.api)
    controller = launch()
    sign_in(qtbot, controller, live_server, guardian)
    wait_home(qtbot, controller, "Maya")
    wait_listening(qtbot, controller)
    return controller, other, teen_id


@pytest.mark.usefixtures("real_keyring")
def test_a_change_by_the_other_guardian_is_told_about_the_teen_by_name(qtbot, launch, live_server, guardian, teen):
    """ "Alex changed Maya's controls": who (from the history, by account) and what, with the
    value now: "Comments on Maya's videos: No one" — not "…on your teen's videos" in a sentence
    that names her. It said "Maya's controls were changed elsewhere" and the setting alone."""
    controller, other, teen_id = _with_alex_on_maya_s_home(qtbot, launch, live_server, guardian, teen)
    current = other.api.get_controls(teen_id)
    in_background(lambda: other.api.patch_controls(teen_id, {"comments": "no_one"}, if_match=current.etag))
    alerts = controller.alerts
    qtbot.waitUntil(lambda: any(kind == "changed" for kind, *_ in alerts.shown), timeout=WAIT)
    assert ("changed", "Alex changed Maya's controls", "Comments on Maya's videos: No one") in alerts.shown


@pytest.mark.usefixtures("real_keyring")
def test_the_news_of_the_other_guardians_change_goes_once_the_guardian_sets_another_value(
    qtbot, launch, live_server, guardian, teen
):
    """ "↻ Alex changed Maya's controls. Daily screen-time limit: 40 min" stayed under the page
    after the guardian kept their own 2 h (an outside tester): news that is no longer so goes."""
    from .test_flows import wait_status

    controller, other, teen_id = _with_alex_on_maya_s_home(qtbot, launch, live_server, guardian, teen)
    current = other.api.get_controls(teen_id)
    in_background(lambda: other.api.patch_controls(teen_id, {"daily_limit_minutes": 40}, if_match=current.etag))
    window = controller.window
    told = "↻ Alex changed Maya's controls. Daily screen-time limit: 40 min"
    qtbot.waitUntil(lambda: window.notice.isVisible() and window.notice.text() == told, timeout=WAIT)

    page = window.ensure_controls_page()
    window.show_page("controls")
    qtbot.waitUntil(lambda: "daily_limit_minutes" in page.rows, timeout=WAIT)
    qtbot.mouseClick(find(page, QRadioButton, "dailyLimit_120"), Qt.MouseButton.LeftButton)
    wait_status(qtbot, controller, "daily_limit_minutes", "✓ saved")
    qtbot.waitUntil(lambda: told not in window.notice.text() or not window.notice.isVisible(), timeout=WAIT)


@pytest.mark.usefixtures("real_keyring")
def test_a_change_made_with_the_same_account_on_another_computer_is_told_as_yours(
    qtbot, launch, live_server, guardian, teen
):
    """Told by account, as the history tells it: "You changed Maya's controls on another
    computer", never this guardian's own name as if it were someone else's."""
    teen_id = pair(guardian.api, teen.api)
    controller = launch()
    sign_in(qtbot, controller, live_server, guardian)
    wait_home(qtbot, controller, "Maya")
    wait_listening(qtbot, controller)
    current = guardian.api.get_controls(teen_id)  # the same account, from another computer
    in_background(lambda: guardian.api.patch_controls(teen_id, {"search_enabled": False}, if_match=current.etag))
    told = ("changed", "You changed Maya's controls on another computer", "Search: Off")
    qtbot.waitUntil(lambda: told in controller.alerts.shown, timeout=WAIT)


@pytest.mark.usefixtures("real_keyring")
def test_a_request_from_a_teen_not_selected_shows_a_badge_and_a_notification_and_is_answered_from_the_inbox(
    qtbot, launch, live_server, proxy, guardian, teen
) -> None:
    leo, leo_id = maya_and_leo(live_server, guardian, teen)
    controller = launch()
    sign_in(qtbot, controller, proxy.url, guardian)
    window = controller.window
    qtbot.waitUntil(lambda: window.teen_list.list.count() == 2, timeout=WAIT)
    maya_id = next(t for t, r in controller.family.teens.items() if r.name == "Maya")
    window.teen_list.select(maya_id)
    wait_home(qtbot, controller, "Maya")
    wait_listening(qtbot, controller)
    in_background(lambda: leo.api.ask_for_time(90, "band practice video"))
    qtbot.waitUntil(lambda: "✉ 1 request waiting" in window.teen_list.item_text(leo_id), timeout=WAIT)
    assert controller.family.current == maya_id  # Leo was never selected
    alerts = controller.alerts
    # In hours and minutes, as everywhere else ("90 min more today" was said here).
    assert ("request", "Leo asks for more time", "1 h 30 min more today: “band practice video”") in alerts.shown
    assert "Requests inbox (1)" in window.teen_list.inbox_button.text().replace("&", "")
    # No tray here (offscreen): the window's notice bar says it.
    assert alerts.tray is None
    assert window.notice.isVisible() and window.notice.text().startswith("✉ Leo asks for more time: 1 h 30 min")

    window.inbox_action.trigger()
    inbox = controller.family.inbox.dialog
    qtbot.waitUntil(lambda: inbox is not None and inbox.isVisible() and inbox.table.rowCount() == 1, timeout=WAIT)
    assert [inbox.table.item(0, c).text() for c in range(3)] == ["Leo", "+1 h 30 min", "band practice video"]
    qtbot.mouseClick(find(inbox, QPushButton, "inboxAnswer_30"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: inbox.table.rowCount() == 0 and not inbox.table.isVisible(), timeout=WAIT)
    (request,) = leo.api.my_time_requests()
    assert (request.status.value, request.granted_minutes) == ("approved", 30)
    qtbot.waitUntil(lambda: "request" not in window.teen_list.item_text(leo_id), timeout=WAIT)
    assert "of 1 h 30 min today" in window.teen_list.item_text(leo_id)  # 1 h + the 30 min approved
    assert not window.notice.isVisible()  # the request it told of is answered: the notice went with it


@pytest.mark.usefixtures("real_keyring")
def test_the_home_follows_a_limit_change_by_another_guardian_and_a_usage_report_within_a_second(
    qtbot, launch, live_server, proxy, guardian, teen
) -> None:
    teen_id = pair(guardian.api, teen.api)
    other = member(live_server, "guardian", "Alex", address="alex@example.org")
    pair(other.api, teen.api, approver=guardian.api)
    controller = launch()
    sign_in(qtbot, controller, proxy.url, guardian)
    wait_home(qtbot, controller, "Maya")
    home = controller.window.ensure_home_page()
    qtbot.waitUntil(lambda: "0 min of 1 h today" in home.today_text(), timeout=WAIT)
    assert "Maya, 14 · UTC" == home.title.text()  # the time zone next to the name
    wait_listening(qtbot, controller)

    def alex_sets_40() -> None:
        current = other.api.get_controls(teen_id)
        other.api.patch_controls(teen_id, {"daily_limit_minutes": 40}, if_match=current.etag)

    in_background(alex_sets_40).join()
    qtbot.waitUntil(lambda: "0 min of 40 min today" in home.today_text(), timeout=1000)
    assert "of 40 min today" in controller.window.teen_list.item_text(teen_id)  # never the old "of 1 h"
    assert "Limit: 40 min a day" in home.today_text()
    # Who and what, once the history has said who (a read of its own, after the home moved).
    told = ("changed", "Alex changed Maya's controls", "Daily screen-time limit: 40 min")
    qtbot.waitUntil(lambda: told in controller.alerts.shown, timeout=WAIT)

    today = datetime.now(UTC).date()  # the teen's day: their time zone is UTC
    started = time.monotonic()
    in_background(lambda: teen.api.report_usage(today, 37)).join()
    qtbot.waitUntil(lambda: "37 min of 40 min today — 3 min left" in home.today_text(), timeout=1000)
    print(f"usage report to home: {time.monotonic() - started:.2f} s")
    assert any(kind == "near_limit" for kind, _t, _x in controller.alerts.shown)  # 37 of 40 is over 90 %


@pytest.mark.usefixtures("real_keyring")
def test_a_limit_already_passed_is_told_as_reached_not_as_near(qtbot, launch, live_server, guardian, teen) -> None:
    """The notice's title said "Maya is near today's limit" over "Maya has used 1 h 15 min of 1 h
    today — limit reached" (a use report that passes the limit in one step, or a change of time zone
    to a day with more use)."""
    pair(guardian.api, teen.api)
    controller = launch()
    sign_in(qtbot, controller, live_server, guardian)
    wait_home(qtbot, controller, "Maya")
    home = controller.window.ensure_home_page()
    wait_listening(qtbot, controller)
    in_background(lambda: teen.api.report_usage(datetime.now(UTC).date(), 75)).join()  # the teen's day: UTC
    qtbot.waitUntil(lambda: "limit reached" in home.today_text(), timeout=WAIT)
    qtbot.waitUntil(lambda: any(kind == "near_limit" for kind, *_ in controller.alerts.shown), timeout=WAIT)
    told = [(title, text) for kind, title, text in controller.alerts.shown if kind == "near_limit"]
    assert told == [("Maya has reached today's limit", "Maya has used 1 h 15 min of 1 h today.")]


@pytest.mark.usefixtures("real_keyring")
def test_requests_waiting_at_sign_in_show_for_every_teen_not_only_the_selected_one(
    qtbot, launch, live_server, proxy, guardian, teen
) -> None:
    leo, leo_id = maya_and_leo(live_server, guardian, teen)
    leo.api.ask_for_time(15, "one more level")  # before the guardian opens the app on this computer
    controller = launch()
    sign_in(qtbot, controller, proxy.url, guardian)
    window = controller.window
    qtbot.waitUntil(lambda: "✉ 1 request waiting" in window.teen_list.item_text(leo_id), timeout=WAIT)
    assert "Requests inbox (1)" in window.teen_list.inbox_button.text().replace("&", "")


@pytest.mark.slow
@pytest.mark.usefixtures("real_keyring")
def test_usage_reported_just_after_the_service_is_back_reaches_the_home_within_seconds(
    qtbot, launch, proxy, guardian, teen
) -> None:
    pair(guardian.api, teen.api)
    controller = launch()
    sign_in(qtbot, controller, proxy.url, guardian)
    wait_home(qtbot, controller, "Maya")
    home = controller.window.ensure_home_page()
    qtbot.waitUntil(lambda: "0 min of 1 h today" in home.today_text(), timeout=WAIT)
    qtbot.wait(500)
    proxy.set_offline(True)  # the service goes away (a restart, a long one) …
    qtbot.wait(20000)  # … long enough for a doubling retry to be waiting 16 s more by now
    proxy.set_offline(False)
    in_background(lambda: teen.api.report_usage(datetime.now(UTC).date(), 12)).join()
    qtbot.waitUntil(lambda: "12 min of 1 h today" in home.today_text(), timeout=7000)


@pytest.mark.usefixtures("failing_keyring")
def test_without_a_keyring_keep_me_signed_in_is_off_and_says_why(qtbot, launch) -> None:
    controller = launch()
    qtbot.waitUntil(lambda: controller.sessions is not None, timeout=WAIT)
    view = controller.window.sign_in
    qtbot.waitUntil(lambda: not view.keep_check.isEnabled(), timeout=WAIT)
    assert not view.keep_check.isChecked()
    assert view.keep_reason.text().startswith("⊘ ") and "password next time" in view.keep_reason.text()


@pytest.mark.usefixtures("real_keyring")
def test_the_wizard_says_when_the_teen_has_entered_the_code(qtbot, launch, proxy, guardian, teen) -> None:
    """Between the code and the teen's "Accept" the wizard said "Waiting for your teen to enter the
    code…" after they had entered it: the guardian could not tell a code not typed from one waiting
    for the tap."""
    controller = launch()
    sign_in(qtbot, controller, proxy.url, guardian)
    qtbot.waitUntil(lambda: controller.family is not None, timeout=WAIT)
    wizard = open_wizard(qtbot, controller)
    status = wizard.findChild(QWidget, "pairingStatus")
    assert "enter the code" in status.text()
    code = wizard.findChild(QWidget, "pairingCode").text()
    redeemed = []
    in_background(lambda: redeemed.append(teen.api.redeem_pairing(code)))
    qtbot.waitUntil(lambda: "entered the code" in status.text(), timeout=WAIT)
    assert "tap “Accept”" in status.text() and wizard.state == "waiting"  # nothing to confirm yet
    in_background(lambda: teen.api.accept_pairing(redeemed[0].id))
    qtbot.waitUntil(lambda: wizard.state == "accepted", timeout=WAIT)


@pytest.mark.usefixtures("real_keyring")
def test_a_new_teen_starts_in_the_guardians_time_zone_and_pairing_again_says_nothing_changed(
    qtbot, launch, proxy, guardian, teen, monkeypatch
) -> None:
    monkeypatch.setenv("TZ", "Europe/Paris")  # this computer's zone
    controller = launch()
    sign_in(qtbot, controller, proxy.url, guardian)
    qtbot.waitUntil(lambda: controller.family is not None, timeout=WAIT)

    assert "You are now linked with Maya" in pair_in_the_wizard(qtbot, controller, teen)
    qtbot.waitUntil(lambda: teen.api.my_controls().controls.timezone == "Europe/Paris", timeout=WAIT)
    home = controller.window.ensure_home_page()
    qtbot.waitUntil(lambda: home.title.text() == "Maya, 14 · Europe/\u2060Paris", timeout=WAIT)
    # The app's own change for this guardian, never news of a change made elsewhere.
    assert controller.family.controls.asked(controller.family.current, "timezone") == "Europe/Paris"
    qtbot.wait(500)  # the change's event back from the service
    assert not [news for news in controller.alerts.shown if news[0] == "changed"]
    # Said before Confirm too (an outside tester paired the demo's phone, Maya, linked already, and
    # learnt it only after confirming).
    accepted: list[str] = []
    assert (
        pair_in_the_wizard(qtbot, controller, teen, accepted) == "ℹ You were already linked with Maya; nothing changed."
    )
    assert accepted == [
        "✓ Maya accepted. Is this your teen? Maya is one of your teens already: confirming changes nothing."
    ]


@pytest.mark.usefixtures("real_keyring")
def test_a_choice_made_with_the_arrows_is_not_lost_to_quitting_before_it_settles(
    qtbot, launch, proxy, guardian, teen
) -> None:
    """Asked by an outside tester, who could not tell in the demo: Right on "1 h", then Ctrl+Q
    within the second the choice waits for the guardian to stop. Quitting makes the choice at once
    (`MainWindow.settle_choices`): by the time the window is gone nothing waits, and the change
    reaches the service. Online, it is not asked about: the quit question counted it a few
    milliseconds before it arrived (under load: one run in two)."""
    controller, page = _open_controls(qtbot, launch, proxy, guardian, teen)
    teen_id = controller.family.current
    sixty = find(page, QRadioButton, "dailyLimit_60")
    sixty.setFocus()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Right)  # 90, waiting for the guardian to stop
    assert find(page, QRadioButton, "dailyLimit_90").isChecked()
    questions: list[str] = []

    def keep_open_if_asked() -> None:  # a question would hold the test in its modal loop
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            questions.append(box.text())
            box.reject()

    watcher = QTimer()
    watcher.timeout.connect(keep_open_if_asked)
    watcher.start(50)
    controller.window.close()  # Ctrl+Q's action
    # The app ends with its window: nothing may still be waiting for the guardian to stop then.
    from famguard.ui.deliberate import Settling

    assert [s for s in page.findChildren(Settling) if s.pending] == []
    qtbot.waitUntil(lambda: not controller.window.isVisible() or bool(questions), timeout=WAIT)
    watcher.stop()
    assert questions == []
    qtbot.waitUntil(lambda: guardian.api.get_controls(teen_id).controls.daily_limit_minutes == 90, timeout=WAIT)


@pytest.mark.usefixtures("real_keyring")
def test_near_the_limit_gives_way_to_reached_and_goes_when_no_longer_so(
    qtbot, launch, live_server, guardian, teen
) -> None:
    """Found by an outside tester: "⚠ Maya is near today's limit … 4 min left" stayed under the
    page while the phone was locked (the limit reached was never told; the near one came back from
    under what followed). Now the reached one takes its place, and each goes when it is no longer so."""
    teen_id = pair(guardian.api, teen.api)
    controller = launch()
    sign_in(qtbot, controller, live_server, guardian)
    wait_home(qtbot, controller, "Maya")
    window, home = controller.window, controller.window.ensure_home_page()
    wait_listening(qtbot, controller)
    today = datetime.now(UTC).date()  # the teen's day: UTC

    in_background(lambda: teen.api.report_usage(today, 56)).join()
    qtbot.waitUntil(lambda: "Maya is near today's limit" in window.notice.text(), timeout=WAIT)
    in_background(lambda: teen.api.report_usage(today, 61)).join()
    qtbot.waitUntil(lambda: "Maya has reached today's limit" in window.notice.text(), timeout=WAIT)
    assert "near today's limit" not in window.notice.text()

    # More time for today (a higher limit): "reached" is no longer so, and goes; "near" does not come back.
    etag = guardian.api.get_controls(teen_id).etag
    in_background(lambda: guardian.api.patch_controls(teen_id, {"daily_limit_minutes": 120}, if_match=etag)).join()
    qtbot.waitUntil(lambda: "59 min left" in home.today_text(), timeout=WAIT)
    qtbot.waitUntil(lambda: "today's limit" not in window.notice.text() or not window.notice.isVisible(), timeout=WAIT)
    for _said in range(5):  # whatever else was said (the limit changed elsewhere), dismissed in turn
        if not window.notice.isVisible():
            break
        assert "today's limit" not in window.notice.text()
        dismiss_notice(qtbot, window)

    # The new limit used up: news again (the re-tester heard nothing when the time given ran out).
    in_background(lambda: teen.api.report_usage(today, 121)).join()
    reached_again = "⚠ Maya has reached today's limit. Maya has used 2 h 1 min of 2 h today."
    qtbot.waitUntil(lambda: window.notice.isVisible() and window.notice.text() == reached_again, timeout=WAIT)


@pytest.mark.usefixtures("real_keyring")
def test_a_long_reason_is_cut_in_the_news_and_whole_on_the_home(qtbot, launch, live_server, guardian, teen) -> None:
    """From a re-test: a reason of 500 emoji made the notice bar 13 lines high, a fifth of the
    window. The news says its first 140 characters and "…"; the home has it whole."""
    pair(guardian.api, teen.api)
    controller = launch()
    sign_in(qtbot, controller, live_server, guardian)
    wait_home(qtbot, controller, "Maya")
    wait_listening(qtbot, controller)
    reason = "🙏" * 300
    in_background(lambda: teen.api.ask_for_time(30, reason)).join()
    qtbot.waitUntil(lambda: any(kind == "request" for kind, *_ in controller.alerts.shown), timeout=WAIT)
    (told,) = [text for kind, _title, text in controller.alerts.shown if kind == "request"]
    assert told == f"30 min more today: “{'🙏' * 140}…”"
    home = controller.window.ensure_home_page()
    qtbot.waitUntil(lambda: reason in home.findChild(QWidget, "timeRequestText").text(), timeout=WAIT)
