"""What a screen reader says without the guardian moving to it: a setting's status after a change
("saved", then that it reached the teen's phone, or why it was refused). The focus stays on the box
the guardian changed, and a screen reader reads a label's new words only when the guardian goes to
that label: with the AT-SPI tree of `famguard --demo` on a private X screen (pyatspi listening to
focus, state, text, name and description events), changing "Search" said nothing after "check box
not checked" — the "✓ saved — on Maya's phone since …" beside it was only visible.

The app now sends Qt's announcement event (AT-SPI `object:announcement`, seen there with its words).
These tests run offscreen, where Qt has no accessibility bridge and AT-SPI cannot be reached (it
needs an X screen and a D-Bus session), so they record the events the app hands to
`QAccessible.updateAccessibility` — what Qt passes on to the bridge on a real desktop."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import QAbstractSpinBox, QCheckBox, QComboBox, QPushButton, QScrollArea, QWidget

from famguard.ui.viewstate import SyncState

from .test_flows import WAIT, click, demo_at, find
from .test_screen_reader_messages import spoken


def test_a_change_is_said_saved_and_then_on_the_teens_phone(qtbot, launch, said) -> None:
    controller, window, _panel = demo_at(qtbot, launch, "Maya", controls=True)
    page = window.ensure_controls_page()
    check = find(page, QCheckBox, "search_enabled_check")
    # In sight, as the Tab that reaches it brings it: focused 1,300 px below the page's view, the
    # page's keyboard rule took the focus back at the first scroll (KeysFollowTheView).
    page.findChild(QScrollArea, "controlsScroll").ensureWidgetVisible(check)
    check.setFocus()
    said.clear()
    qtbot.keyClick(check, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: page.field_status("search_enabled").startswith("✓ saved"), timeout=WAIT)
    qtbot.waitUntil(lambda: any(words.startswith("Search: saved") for words, _ in said), timeout=WAIT)
    qtbot.waitUntil(lambda: any("Maya's phone" in words for words, _ in said), timeout=WAIT)
    assert check.hasFocus()  # said where the guardian is, not by moving the focus
    assert not any(words.startswith(("✓", "↻")) for words, _ in said)  # no "check mark" read out
    assert not any("saving" in words for words, _ in said)  # the answer follows at once: one thing to hear


def test_a_refusal_is_said_at_once(qtbot, page, said) -> None:
    page.set_field_state("search_enabled", SyncState.REJECTED, "Only a linked guardian can change this.")
    assert ("Search: not saved: Only a linked guardian can change this.", True) in said


def test_a_value_refused_on_this_computer_is_said_at_once(qtbot, page, said) -> None:
    spin = find(page, QAbstractSpinBox, "dailyLimitCustom")
    spin.lineEdit().selectAll()
    qtbot.keyClicks(spin.lineEdit(), "900")
    qtbot.mouseClick(find(page, QPushButton, "dailyLimitCustomApply"), Qt.MouseButton.LeftButton)
    assert any("900 min is outside the allowed 10–720 min" in words and at_once for words, at_once in said)


def test_a_status_that_comes_back_is_not_said_again(qtbot, page, said) -> None:
    """Typing in the custom box showed "◷ not set yet"; typing the limit set back (nothing waits
    any more) showed "✓ saved" again — and the screen reader said "Daily screen-time limit: saved" again,
    though nothing was saved (an outside tester, listening under AT-SPI)."""
    page.set_field_state("daily_limit_minutes", SyncState.PENDING, None)
    page.set_field_state("daily_limit_minutes", SyncState.SAVED, None)
    assert said == [("Daily screen-time limit: saved, 1 h", False)]
    spin = find(page, QAbstractSpinBox, "dailyLimitCustom")
    spin.setFocus()
    set_before = spin.lineEdit().text()
    spin.lineEdit().selectAll()
    qtbot.keyClicks(spin.lineEdit(), "95")
    assert page.field_status("daily_limit_minutes").startswith("◷ not set yet")
    spin.lineEdit().selectAll()
    qtbot.keyClicks(spin.lineEdit(), set_before)
    assert page.field_status("daily_limit_minutes") == "✓ saved"
    saved = [words for words, _ in said if ": saved" in words]
    assert saved == ["Daily screen-time limit: saved, 1 h"]  # once, when it was saved
    page.set_field_state("daily_limit_minutes", SyncState.PENDING, None)
    page.set_field_state("daily_limit_minutes", SyncState.SAVED, None)
    saved = [words for words, _ in said if ": saved" in words]
    assert saved == ["Daily screen-time limit: saved, 1 h"] * 2  # saved again: said again


def test_only_the_guardians_own_change_here_is_news(qtbot, page, said) -> None:
    """Switching from Sam to Maya said "Search: saved — on Maya's phone 12:26" of a change made for
    Sam, and one change was said three times ("saved", "saved — waiting for Maya's phone", "saved
    — on Maya's phone 12:27"; an outside tester listening under AT-SPI). A change of this
    guardian's is said saved, then when it is on the phone; a teen shown anew is not news."""
    from famguard.domain.controls import defaults_for_age

    page.set_field_state("search_enabled", SyncState.PENDING)
    page.set_field_state("search_enabled", SyncState.SAVED)
    page.set_receipt("waiting for Maya's phone")
    page.set_receipt("on Maya's phone 12:27")
    # What was saved is said with it (an Undo did not say what it put back: a tester, by ear).
    assert [words for words, _ in said] == ["Search: saved, On", "Search: saved — on Maya's phone 12:27"]
    # Another setting changed after it: its news alone, not Search's again (7 for one Space).
    said.clear()
    page.set_field_state("restricted_mode", SyncState.PENDING)
    page.set_field_state("restricted_mode", SyncState.SAVED)
    page.set_receipt("waiting for Maya's phone")
    page.set_receipt("on Maya's phone 12:31")
    assert [words for words, _ in said] == [
        "Restricted mode: saved, Off",
        "Restricted mode: saved — on Maya's phone 12:31",
    ]

    said.clear()
    page.show_teen("teen-2", "Sam", 17, defaults_for_age(17, "Europe/London"))
    page.set_field_state("search_enabled", SyncState.SAVED)  # Sam's own, from before
    page.set_receipt("on Sam's phone 12:26")
    assert said == []
    page.set_field_state("comments", SyncState.REJECTED, "Only a linked guardian can change this.")
    assert said == [("Comments on your teen's videos: not saved: Only a linked guardian can change this.", True)]


def test_a_change_made_elsewhere_is_said(qtbot, page, said) -> None:
    from famguard.domain.controls import defaults_for_age

    controls = defaults_for_age(14, "Europe/London")
    page.rows  # noqa: B018 - every row built, as on screen
    page.update_controls(controls, changed_elsewhere=("search_enabled",), by="Jordan Morgan")
    assert ("Search: changed by Jordan Morgan", False) in said


def test_the_offline_and_sync_paused_banners_are_said_when_they_come_and_go(qtbot, said) -> None:
    """A banner came up below the page in silence, and its label was read by its name alone
    ("Offline"): the count of changes waiting was only visible."""
    from datetime import UTC, datetime

    from famguard.ui.banners import OfflineBanner

    banner = OfflineBanner()
    qtbot.addWidget(banner)
    banner.set_offline(True, 1)
    waiting = "You are offline. 1 change is waiting and will be sent when the connection is back."
    assert said == [(waiting, False)]
    face = QAccessible.queryAccessibleInterface(banner.label)
    assert face is not None and waiting in face.text(QAccessible.Text.Description)
    banner.set_offline(True, 1)  # the same news again (each status tick): not said twice
    assert len(said) == 1
    banner.set_offline(False)
    assert said[-1] == ("Back online.", False)

    said.clear()
    banner.set_offline(False, 2, paused_until=datetime(2026, 12, 5, 9, 40, tzinfo=UTC))
    assert said and said[0][0].startswith("Sync paused until ")
    banner.set_offline(False)
    assert said[-1] == ("Sync resumed.", False)


def test_arrowing_through_the_teens_stays_in_the_list(qtbot, launch) -> None:
    """Down in the teen list selected Sam and moved the focus to his home's "Change controls"
    (seen under AT-SPI: the reader said "Sam, 17, …" and at once "Change controls, push button"),
    and Up then went to "Add a teen": no way to hear the teens one after another."""
    from .test_flows import wait_home

    controller, window, _panel = demo_at(qtbot, launch, "Maya")
    teens = window.teen_list.list
    # On a narrow screen the list is folded away beside the docked phone (whether it is yet, at
    # this moment, depends on the layout's turn); hiding the phone (the demo bar's "Teen's phone")
    # brings it back, as a person would before arrowing through the teens.
    click(qtbot, find(window, QWidget, "teenPhoneToggle"))
    qtbot.waitUntil(teens.isVisible, timeout=WAIT)
    window.activateWindow()
    teens.setFocus()
    qtbot.waitUntil(teens.hasFocus, timeout=WAIT)
    qtbot.keyClick(teens, Qt.Key.Key_Down)
    wait_home(qtbot, controller, "Sam")  # the home follows the selection
    assert teens.hasFocus()
    assert teens.currentItem().data(Qt.ItemDataRole.AccessibleTextRole).startswith("Sam, 17")
    qtbot.keyClick(teens, Qt.Key.Key_Up)
    wait_home(qtbot, controller, "Maya")
    assert teens.hasFocus()


def inbox_with_a_request(qtbot):
    from datetime import UTC, datetime

    from famguard.domain.models import TimeRequest, TimeRequestStatus
    from famguard.ui.inbox import InboxDialog

    now = datetime.now(UTC)
    inbox = InboxDialog()
    qtbot.addWidget(inbox)
    inbox.show()
    qtbot.waitExposed(inbox)
    inbox.activateWindow()
    request = TimeRequest("r1", "t1", now.date(), 30, "match highlights", TimeRequestStatus.PENDING, now)
    inbox.show_requests([("Sam", request)])
    inbox.focus_table()
    qtbot.waitUntil(inbox.table.hasFocus, timeout=WAIT)
    return inbox


def test_tab_leaves_the_inbox_table_for_the_answers(qtbot) -> None:
    """Under AT-SPI, Tab in the inbox went Sam → +30 min → the reason → 09:12 → Sam: a guardian
    without a mouse or the mnemonics never reached an answer."""
    inbox = inbox_with_a_request(qtbot)
    qtbot.keyClick(inbox.table, Qt.Key.Key_Tab)
    assert inbox.focusWidget() is inbox.buttons[15]


def test_answering_in_the_inbox_is_said(qtbot, launch, said) -> None:
    """The inbox said "✓ 1 answered." (or why not) under the answers while the focus went back to the
    list: only a new description of a label the focus is not on, which a screen reader does not
    read (as with the controls' status above)."""
    controller, window, _panel = demo_at(qtbot, launch, "Maya")
    window.inbox_action.trigger()
    inbox = controller.family.inbox.dialog
    qtbot.waitUntil(lambda: inbox is not None and inbox.isVisible() and inbox.buttons[15].isEnabled(), timeout=WAIT)
    said.clear()
    qtbot.mouseClick(inbox.buttons[15], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: ("Allowed 15 min more for Sam.", False) in said, timeout=WAIT)
    assert not any("Sending" in words for words, _ in said)


def test_the_pairing_wizard_says_who_accepted_and_how_it_ended(qtbot, launch, live_server, guardian, teen, said):
    """Under AT-SPI the wizard's lines were read by their names alone ("Pairing status", "Teen who
    accepted", "Pairing result"), and when the teen accepted the focus went to a button heard as
    "Confirm pairing": a guardian who cannot see confirmed without hearing who had accepted."""
    from .test_deliberate import in_background
    from .test_flows import sign_in, wait_family

    controller = launch()
    sign_in(qtbot, controller, live_server, guardian, keep=False)
    wait_family(qtbot, controller)
    controller.window.add_teen_action.trigger()
    pairing = controller.family.pairing
    qtbot.waitUntil(lambda: pairing.wizard is not None and pairing.wizard.state == "waiting", timeout=WAIT)
    wizard = pairing.wizard
    assert "Waiting for your teen to enter the code" in spoken(wizard.status)
    code = wizard.code_label.text()
    in_background(lambda: teen.api.accept_pairing(teen.api.redeem_pairing(code).id))
    qtbot.waitUntil(lambda: wizard.state == "accepted", timeout=WAIT)
    assert wizard.focusWidget() is wizard.confirm_button
    assert "Maya, 14, accepted. Is this your teen?" in spoken(wizard.confirm_button)
    assert ("Maya, 14, accepted. Is this your teen?", False) in said
    qtbot.mouseClick(wizard.confirm_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: wizard.state == "active", timeout=WAIT)
    assert wizard.focusWidget() is wizard.close_button
    assert "You are now linked with Maya" in spoken(wizard.close_button)
    assert ("You are now linked with Maya. You can set their controls.", False) in said


def test_the_time_zone_box_is_read_with_its_setting(qtbot, page) -> None:
    """On Linux Qt names a combo box by its value and labels it only through a buddy label:
    under AT-SPI the controls page opened with the focus on "Europe/London, combo box" (no
    labelled-by relation), the time zone's box, never saying what it sets. Qt's offscreen
    accessibility answers the same, so the relation is checked here."""
    combo = find(page, QComboBox, "timezoneCombo")
    face = QAccessible.queryAccessibleInterface(combo)
    assert face is not None
    labels = [label.text(QAccessible.Text.Name) for label, _ in face.relations(QAccessible.RelationFlag.Label)]
    assert labels == ["Your teen's time zone"]
    # The keyboard is in the box inside it, which an outside tester heard only as the zone it held.
    typed_in = QAccessible.queryAccessibleInterface(combo.lineEdit())
    assert typed_in is not None and typed_in.text(QAccessible.Text.Name) == "Time zone"
    assert typed_in.text(QAccessible.Text.Value) == combo.currentText()


def unnamed_tab_stops(window) -> list[str]:  # type: ignore[no-untyped-def]
    """The visible widgets Tab stops on whose accessible name is empty (what a screen reader says
    for them: "filler", or nothing)."""
    from PySide6.QtWidgets import QWidget

    found, widget = [], window.nextInFocusChain()
    while widget is not window:
        if isinstance(widget, QWidget) and widget.isVisible() and widget.isEnabled():
            takes_tab = widget.focusPolicy() & Qt.FocusPolicy.TabFocus and widget.focusProxy() is None
            face = QAccessible.queryAccessibleInterface(widget)
            if takes_tab and face is not None and not face.text(QAccessible.Text.Name).strip():
                found.append(f"{type(widget).__name__} {widget.objectName()!r}")
        widget = widget.nextInFocusChain()
    return found


@pytest.mark.parametrize("where", ["home", "controls"])
def test_every_tab_stop_of_the_demo_has_a_name(qtbot, launch, where) -> None:
    """Under AT-SPI, Tab from "Change controls" landed on a nameless "filler" (the home's scroll
    area), and again before the teen's phone (the phone's): a stop where a screen reader says
    nothing the guardian can use."""
    _controller, window, _panel = demo_at(qtbot, launch, "Maya", controls=where == "controls")
    assert unnamed_tab_stops(window) == []


def test_a_teens_row_is_read_in_words_without_its_symbols(qtbot, launch) -> None:
    """Under AT-SPI Sam's row was "Sam, 17, 45 min of 2 h today, ✉ 1 request waiting, ● up to
    date": a screen reader reads the symbols by their names ("envelope", "black circle") in the
    middle of the row. They stay on screen beside the words."""
    controller, window, _panel = demo_at(qtbot, launch, "Maya")
    sam = next(t for t, r in controller.family.teens.items() if r.name == "Sam")
    assert "✉ 1 request waiting" in window.teen_list.item_text(sam)
    teens = window.teen_list.list
    item = next(teens.item(i) for i in range(teens.count()) if teens.item(i).text().startswith("Sam"))
    words = item.data(Qt.ItemDataRole.AccessibleTextRole)
    assert words.startswith("Sam, 17, ") and words.endswith(", 1 request waiting, all changes saved"), words


def test_answering_a_request_on_the_home_is_said(qtbot, launch, said) -> None:
    """On Sam's home, "+15 min" sent the answer, the request's row went and the focus moved on:
    nothing said the answer had gone through."""
    from .test_flows import wait_home

    controller, window, _panel = demo_at(qtbot, launch, "Maya")
    window.teen_list.select(next(t for t, r in controller.family.teens.items() if r.name == "Sam"))
    wait_home(qtbot, controller, "Sam")
    home = window.ensure_home_page()
    qtbot.waitUntil(lambda: home.requests.pending_count() == 1, timeout=WAIT)
    said.clear()
    qtbot.mouseClick(find(home, QPushButton, "approve_15"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: ("Allowed Sam 15 min more.", False) in said, timeout=WAIT)


def test_the_screen_time_summary_is_read_in_words(qtbot, launch) -> None:
    """The chart's text equivalent under AT-SPI: labels heard as "Screen time in words" and
    "Figures of the selected day" — their names; the words themselves were only visible."""
    _controller, window, _panel = demo_at(qtbot, launch, "Maya")
    window.show_page("screen_time")
    page = window.teen_pages.currentWidget()
    qtbot.waitUntil(lambda: bool(page.summary.text()), timeout=WAIT)
    assert page.summary.text() in spoken(page.summary)
    page.chart.setFocus()
    qtbot.keyClick(page.chart, Qt.Key.Key_Left)
    qtbot.waitUntil(lambda: bool(page.day_figures.text()), timeout=WAIT)
    assert page.day_figures.text() in spoken(page.day_figures)


def test_the_history_and_the_temporary_rule_are_read_in_words(qtbot, launch) -> None:
    """Labels read by their names alone under AT-SPI: "History status" (not "All 6 entries." or
    "No entries match these filters."), "Why undo is not offered" (not the reason) and, on the
    phone page, "Temporary rule in force" — not which rule, if any, is in force."""
    from PySide6.QtWidgets import QLabel

    controller, window, _panel = demo_at(qtbot, launch, "Maya")
    window.show_page("history")
    history = window.teen_pages.currentWidget()
    qtbot.waitUntil(lambda: history.status.text().startswith("All "), timeout=WAIT)
    assert history.status.text() in spoken(history.status)
    reason = history.undo_reason.text()
    assert reason and reason in spoken(history.undo_reason) and reason in spoken(history.undo_button)
    controller.family.show_page("phone")
    qtbot.waitUntil(lambda: window.findChild(QLabel, "activeRule") is not None, timeout=WAIT)
    active = window.findChild(QLabel, "activeRule")
    qtbot.waitUntil(lambda: bool(active.text()), timeout=WAIT)
    assert active.text() in spoken(active)


def test_an_empty_inbox_says_so(qtbot) -> None:
    """Its one line was read by its accessible name, "Inbox", not "No requests waiting."."""
    from famguard.ui.inbox import InboxDialog

    inbox = InboxDialog()
    qtbot.addWidget(inbox)
    inbox.show()
    assert inbox.empty.isVisible()
    assert "No requests waiting" in spoken(inbox.empty)


def test_the_teen_entering_the_code_is_said_once(qtbot, said) -> None:
    """Under AT-SPI "Your teen entered the code; waiting for them to tap “Accept”…" was
    announced three times: the wizard is told again on each check of the pairing."""
    from famguard.ui.pairing import PairingWizard

    wizard = PairingWizard()
    qtbot.addWidget(wizard)
    for _check in range(3):
        wizard.show_redeemed()
    assert [words for words, _ in said] == ["Your teen entered the code; waiting for them to tap “Accept”…"]


def test_before_qt_6_8_nothing_is_announced_and_nothing_breaks(qtbot, monkeypatch) -> None:
    """pyproject.toml allows PySide6 6.6, and Qt's announcement event came with 6.8: unguarded,
    its import fails there and the banner (or a setting's status) raises instead of showing."""
    import PySide6.QtGui

    from famguard.ui.banners import OfflineBanner

    monkeypatch.delattr(PySide6.QtGui, "QAccessibleAnnouncementEvent")
    banner = OfflineBanner()
    qtbot.addWidget(banner)
    banner.set_offline(True, 2)
    assert "2 changes are waiting" in spoken(banner.label)


def test_choices_and_boxes_are_named_with_their_setting_and_as_they_read(qtbot, built_page) -> None:
    """Under AT-SPI, Direct messages' and Duet and Stitch's choices were both read "No one, radio
    button, checked"; the box showing "Mute notifications" was named "Quiet hours on"; "Hide
    details" kept the name "Learn more about …" (an outside tester with a screen reader)."""
    from PySide6.QtWidgets import QRadioButton, QToolButton

    page = built_page
    assert find(page, QRadioButton, "direct_messages_no_one").accessibleName() == "Direct messages: No one"
    assert find(page, QRadioButton, "dailyLimit_none").accessibleName() == "Daily limit: No limit"
    duet = find(page, QRadioButton, "duet_stitch_no_one").accessibleName()
    assert duet == "Duet and Stitch with your teen's videos: No one"
    assert find(page, QCheckBox, "quietHoursOn").accessibleName() == "Quiet hours: mute notifications"
    more = find(page, QToolButton, "learnMore_search_enabled")
    assert more.accessibleName() == "Learn more about Search"
    more.setChecked(True)
    assert more.text() == "Hide details" and more.accessibleName() == "Hide details of Search"
    more.setChecked(False)
    assert more.accessibleName() == "Learn more about Search"


def test_a_choice_waiting_is_said_once_as_it_comes(qtbot, built_page, said) -> None:
    """ "◷ sent when you stop" and "◷ not set yet: …" were only visible: by ear, a Right arrow to
    hear the next choice saved it 1.2 s later, and Up then Tab set minutes (an outside tester)."""
    page = built_page
    spin = find(page, QAbstractSpinBox, "dailyLimitCustom")
    spin.setFocus()
    spin.lineEdit().selectAll()
    qtbot.keyClicks(spin.lineEdit(), "95")  # two keys, one news
    assert said == [("Daily screen-time limit: not set yet: Set, Enter or leaving the box sets it", False)]


def test_another_teen_chosen_from_a_page_is_said(qtbot, launch, said) -> None:
    """Ctrl+PgDown from Maya's home said nothing of whose page it now was (the keyboard stays on
    the page): a screen reader user could change the wrong teen's settings (an outside tester)."""
    controller, window, _panel = demo_at(qtbot, launch, "Maya")
    home = window.ensure_home_page()
    home.focus_first()
    said.clear()
    qtbot.keyClick(home.controls_button, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: ("Sam, 17: home", False) in said, timeout=WAIT)


def test_remove_with_nothing_selected_is_said(qtbot, built_page, said) -> None:
    """ "Select a keyword…" was only visible (an outside tester, by ear)."""
    from PySide6.QtWidgets import QListWidget, QPushButton

    from famguard.domain.controls import defaults_for_age

    built_page.update_controls(defaults_for_age(14, "Europe/London").replace(keyword_filters=("#dare",)))
    find(built_page, QListWidget, "keywordList").setCurrentRow(-1)
    said.clear()
    qtbot.mouseClick(find(built_page, QPushButton, "keywordRemove"), Qt.MouseButton.LeftButton)
    assert said == [("Select a keyword, or type one in the list, to remove it.", True)]


def test_news_joined_under_a_notice_is_said_alone(qtbot, said) -> None:
    """ "… asks to become a guardian …" was read again with "… is now a guardian" joined under it,
    and a line taken away said again what stayed (an outside tester, by ear)."""
    from famguard.ui.banners import Banner

    banner = Banner("noticeBanner", "Notice")
    qtbot.addWidget(banner)
    banner.show_text("ℹ “Robin Morgan” asks to become a guardian of Maya.")
    banner.show_text("ℹ “Robin Morgan” asks to become a guardian of Maya.\n⚠ “Robin Morgan” is now a guardian.")
    banner.show_text("⚠ “Robin Morgan” is now a guardian.")
    assert [words for words, _ in said] == [  # (said without their symbols)
        "“Robin Morgan” asks to become a guardian of Maya.",
        "“Robin Morgan” is now a guardian.",
    ]
