"""The views on their own, driven like a guardian would (keyboard and mouse through qtbot), found
by objectName: they show the state they are given and emit what the guardian asked for."""

from __future__ import annotations

import html
from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import QPoint, Qt, QTime
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QApplication,
    QCheckBox,
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSpinBox,
    QWidget,
)

from famguard.domain.control_words import control_label
from famguard.domain.controls import CONTROLS, GROUPS, Audience, QuietHours, defaults_for_age
from famguard.ui.common import without_mnemonic
from famguard.ui.control_editors import EDITORS
from famguard.ui.controls_page import ControlsPage
from famguard.ui.dialogs import KEEP_MINE, TAKE_THEIRS, ConflictDialog
from famguard.ui.main_window import MainWindow
from famguard.ui.pairing import PairingWizard, format_code, spoken_code
from famguard.ui.signin import MIN_PASSWORD, SignInRequest, SignInView
from famguard.ui.teen_panel import TeenPhonePanel
from famguard.ui.viewstate import SyncState, TeenRow, TeenSync


def find(parent: QWidget, kind: type, name: str):
    widget = parent.findChild(kind, name)
    assert widget is not None, f"no {kind.__name__} named {name!r}"
    return widget


# --- sign-in -----------------------------------------------------------------------------------


@pytest.fixture
def sign_in(qtbot) -> SignInView:
    view = SignInView()
    qtbot.addWidget(view)
    view.show()
    return view


def test_the_other_form_opens_without_the_last_one_s_problems(qtbot, sign_in: SignInView) -> None:
    """An empty "Sign in" marks its fields; "Create an account" then opened on "✗ Enter the
    service address" and "✗ Enter your email" before anything was asked (an outside tester)."""
    qtbot.mouseClick(sign_in.submit_button, Qt.MouseButton.LeftButton)
    assert any(note.isVisible() and note.text().startswith("✗") for note in sign_in.field_notes.values())
    sign_in.set_mode(create_account=True)
    assert [n.text() for n in sign_in.field_notes.values() if n.isVisible() and n.text().startswith("✗")] == []
    assert sign_in.field_notes[sign_in.password_edit].text() == f"At least {MIN_PASSWORD} characters."


def test_enter_in_the_password_field_submits_what_was_typed(qtbot, sign_in: SignInView) -> None:
    qtbot.keyClicks(find(sign_in, QLineEdit, "serverEdit"), "http://127.0.0.1:8000/")
    qtbot.keyClicks(find(sign_in, QLineEdit, "emailEdit"), "sam@example.org")
    find(sign_in, QCheckBox, "keepSignedInCheck").setChecked(False)
    password = find(sign_in, QLineEdit, "passwordEdit")
    qtbot.keyClicks(password, "correct horse")
    with qtbot.waitSignal(sign_in.submitted, timeout=1000) as signal:
        qtbot.keyClick(password, Qt.Key.Key_Return)
    assert signal.args == [
        SignInRequest("http://127.0.0.1:8000", "sam@example.org", "correct horse", keep_signed_in=False)
    ]


def test_escape_cancels_sign_in(qtbot, sign_in: SignInView) -> None:
    with qtbot.waitSignal(sign_in.cancelled, timeout=1000):
        qtbot.keyClick(find(sign_in, QLineEdit, "emailEdit"), Qt.Key.Key_Escape)


def test_missing_fields_are_named_and_nothing_is_sent(qtbot, sign_in: SignInView) -> None:
    qtbot.keyClicks(find(sign_in, QLineEdit, "serverEdit"), "https://famguard.example.org")
    with qtbot.assertNotEmitted(sign_in.submitted):
        qtbot.mouseClick(find(sign_in, QPushButton, "signInSubmit"), Qt.MouseButton.LeftButton)
    # every field's problem at once, under its field, and the focus on the first one
    assert sign_in.message.text() == "✗ Check the 2 fields marked above."
    assert find(sign_in, QLabel, "emailEditNote").text() == "✗ Enter your email address."
    assert find(sign_in, QLabel, "passwordEditNote").text() == "✗ Enter your password."
    # "above" is where they are: the summary sits under the form (it said "below")
    summary_top = sign_in.message.mapTo(sign_in, QPoint(0, 0)).y()
    for note in ("emailEditNote", "passwordEditNote"):
        assert find(sign_in, QLabel, note).mapTo(sign_in, QPoint(0, 0)).y() < summary_top
    assert sign_in.focusWidget() is find(sign_in, QLineEdit, "emailEdit")


def test_busy_sign_in_shows_progress_and_blocks_a_second_submit(qtbot, sign_in: SignInView) -> None:
    sign_in.set_busy(True)
    assert find(sign_in, QWidget, "signInProgress").isVisible()
    assert not find(sign_in, QPushButton, "signInSubmit").isEnabled()
    assert sign_in.message.text() == "Signing in…"


def test_create_account_asks_for_a_name_and_a_long_enough_password(qtbot, sign_in: SignInView) -> None:
    sign_in.set_mode(create_account=True)
    name = find(sign_in, QLineEdit, "displayNameEdit")
    assert name.isVisible()
    assert find(sign_in, QLabel, "passwordEditNote").text() == "At least 8 characters."  # before it can fail
    qtbot.keyClicks(find(sign_in, QLineEdit, "serverEdit"), "http://127.0.0.1:9")
    qtbot.keyClicks(name, "Sam")
    qtbot.keyClicks(find(sign_in, QLineEdit, "emailEdit"), "sam@example.org")
    qtbot.keyClicks(find(sign_in, QLineEdit, "passwordEdit"), "short")
    with qtbot.assertNotEmitted(sign_in.submitted):
        qtbot.keyClick(find(sign_in, QLineEdit, "passwordEdit"), Qt.Key.Key_Return)
    assert "At least 8 characters; this one has 5." in find(sign_in, QLabel, "passwordEditNote").text()


# --- the controls page ---------------------------------------------------------------------------


def test_rows_built_after_the_teen_was_shown_show_that_teen_and_nothing_is_built_at_once(qtbot) -> None:
    """The window builds the page a row per event-loop turn while the guardian looks at the home.
    Showing it a teen meanwhile builds nothing more at once (building the rest in one go froze the
    window 30-45 ms right after the family's first paint); every row built later shows that teen's
    values and age rules as the rows built before, and once on screen the page has every row."""
    page = ControlsPage()
    qtbot.addWidget(page)
    assert page.build_next() and page.build_next()  # two rows, as two turns of the event loop
    controls = defaults_for_age(14, "Europe/London").replace(daily_limit_minutes=90, search_enabled=False)
    page.show_teen("teen-1", "Maya", 14, controls)
    page.set_offline(True)
    page.update_controls(controls.replace(daily_limit_minutes=120), changed_elsewhere=("daily_limit_minutes",))
    assert len(page._rows) == 2  # still the two: the rest come a turn at a time, or when the page is shown
    page.resize(900, 700)
    page.show()
    for spec in CONTROLS:
        expected = 120 if spec.name == "daily_limit_minutes" else getattr(controls, spec.name)
        assert page.editor(spec.name).value() == expected, spec.name
    assert not find(page, QRadioButton, "comments_everyone").isEnabled()  # Maya's age, built after she was shown
    assert find(page, QRadioButton, "comments_everyone").isVisible()


def test_clicking_an_option_asks_for_that_change_at_once(qtbot, page: ControlsPage) -> None:
    with qtbot.waitSignal(page.change_requested, timeout=1000) as signal:
        qtbot.mouseClick(find(page, QRadioButton, "comments_no_one"), Qt.MouseButton.LeftButton)
    assert signal.args == ["teen-1", "comments", Audience.NO_ONE]


def test_options_not_allowed_at_the_teens_age_are_disabled_with_the_reason(qtbot, page: ControlsPage) -> None:
    everyone = find(page, QRadioButton, "comments_everyone")
    assert everyone.isVisible() and not everyone.isEnabled()
    reason = page.rows["comments"].editor.reason_label(Audience.EVERYONE)
    assert reason.isVisible() and "Not available under 16" in reason.text()
    assert not find(page, QRadioButton, "direct_messages_friends").isEnabled()
    page.show_teen("teen-2", "Leo", 16, defaults_for_age(16))
    assert everyone.isEnabled() and not reason.isVisible()


def test_every_declared_control_has_the_editor_its_spec_names_in_its_group(qtbot, page: ControlsPage) -> None:
    by_group = [s.name for g in GROUPS for s in CONTROLS if s.group == g]
    assert sorted(page.rows) == sorted(by_group)
    assert list(page.rows)[0] == "timezone"  # the zone the day and every schedule follow comes first
    for spec in CONTROLS:
        row = page.rows[spec.name]
        assert type(row.editor) is EDITORS[spec.editor], spec.name
        assert spec.label in row.title.text() and row.summary.text() == spec.summary
        box = row.parentWidget()
        assert isinstance(box, QGroupBox) and box.title() == spec.group, spec.name


def test_downloads_and_duet_stitch_are_disabled_under_16_with_the_reason(qtbot, page: ControlsPage) -> None:
    downloads = find(page, QCheckBox, "downloads_check")
    reason = page.rows["downloads"].editor.reason
    assert not downloads.isEnabled() and not downloads.isChecked()
    assert reason.isVisible() and reason.text().startswith("⊘ Not available under 16")
    for value in ("everyone", "friends"):
        assert not find(page, QRadioButton, f"duet_stitch_{value}").isEnabled()
    assert find(page, QRadioButton, "duet_stitch_no_one").isChecked()
    page.show_teen("teen-2", "Sam", 16, defaults_for_age(16))
    assert downloads.isEnabled() and not reason.isVisible()
    assert find(page, QRadioButton, "duet_stitch_friends").isChecked()
    with qtbot.waitSignal(page.change_requested, timeout=1000) as signal:
        qtbot.mouseClick(downloads, Qt.MouseButton.LeftButton)
    assert signal.args == ["teen-2", "downloads", True]


def test_the_teens_phone_lists_every_control_as_declared_in_the_teen_s_words(qtbot) -> None:
    from datetime import date

    from famguard.domain import teen_view
    from famguard.ui.teen_view_widget import build_view

    panel = TeenPhonePanel()
    qtbot.addWidget(panel)
    controls = defaults_for_age(16)
    panel.show_view(build_view(controls, [], [], [], date(2026, 11, 25)))
    text = panel.effective_text()
    panel.show_view(build_view(defaults_for_age(14), [], [], [], date(2026, 11, 25), age=14))
    assert "<b>No one (not available under 16)</b>" in panel.effective_text()  # the age keeps it off
    for spec in CONTROLS:
        value = teen_view.value_words(spec.name, getattr(controls, spec.name))
        assert html.escape(teen_view.label(spec.name)) in text and html.escape(value) in text
    assert "your teen" not in text and "no_one" not in text


def test_daily_limit_presets_custom_and_none(qtbot, page: ControlsPage) -> None:
    for name in ("dailyLimit_40", "dailyLimit_60", "dailyLimit_90", "dailyLimit_120", "dailyLimit_none"):
        assert find(page, QRadioButton, name).isVisible()
    with qtbot.waitSignal(page.change_requested, timeout=1000) as preset:
        qtbot.mouseClick(find(page, QRadioButton, "dailyLimit_90"), Qt.MouseButton.LeftButton)
    assert preset.args[1:] == ["daily_limit_minutes", 90]
    spin = find(page, QAbstractSpinBox, "dailyLimitCustom")
    spin.lineEdit().selectAll()
    qtbot.keyClicks(spin, "75")
    with qtbot.waitSignal(page.change_requested, timeout=1000) as custom:
        qtbot.mouseClick(find(page, QPushButton, "dailyLimitCustomApply"), Qt.MouseButton.LeftButton)
    assert custom.args[1:] == ["daily_limit_minutes", 75]
    with qtbot.waitSignal(page.change_requested, timeout=1000) as none:
        qtbot.mouseClick(find(page, QRadioButton, "dailyLimit_none"), Qt.MouseButton.LeftButton)
    assert none.args[1:] == ["daily_limit_minutes", None]


def test_undo_puts_the_last_change_back(qtbot, page: ControlsPage) -> None:
    qtbot.mouseClick(find(page, QCheckBox, "search_enabled_check"), Qt.MouseButton.LeftButton)
    undo = find(page, QPushButton, "undoButton")
    assert undo.isEnabled()
    with qtbot.waitSignal(page.change_requested, timeout=1000) as signal:
        qtbot.mouseClick(undo, Qt.MouseButton.LeftButton)
    assert signal.args == ["teen-1", "search_enabled", True]
    assert find(page, QCheckBox, "search_enabled_check").isChecked()
    assert not undo.isEnabled()


def test_each_state_is_said_in_words_and_a_rejected_change_offers_retry(qtbot, page: ControlsPage) -> None:
    page.set_field_state("comments", SyncState.SENDING)
    assert page.field_status("comments") == "↻ saving…"
    page.set_offline(True)
    assert page.field_status("comments") == "◷ will be sent when online"
    page.set_offline(False)
    page.set_field_state("comments", SyncState.SAVED)
    assert page.field_status("comments") == "✓ saved"
    page.set_field_state("comments", SyncState.REJECTED, "Not available under 16.")
    assert page.field_status("comments") == "✗ not saved: Not available under 16."
    retry = find(page, QPushButton, "retry_comments")
    assert retry.isVisible()
    with qtbot.waitSignal(page.retry_requested, timeout=1000) as signal:
        qtbot.mouseClick(retry, Qt.MouseButton.LeftButton)
    assert signal.args == ["teen-1", "comments"]


def test_learn_more_shows_the_details(qtbot, page: ControlsPage) -> None:
    details = find(page, QWidget, "details_restricted_mode")
    assert not details.isVisible()
    qtbot.mouseClick(find(page, QAbstractButton, "learnMore_restricted_mode"), Qt.MouseButton.LeftButton)
    assert details.isVisible() and "mature" in details.text()


def test_keywords_are_added_from_the_keyboard_and_removed(qtbot, page: ControlsPage) -> None:
    edit = find(page, QLineEdit, "keywordEdit")
    qtbot.keyClicks(edit, "  #diet   challenge ")
    with qtbot.waitSignal(page.change_requested, timeout=1000) as added:
        qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert added.args[1:] == ["keyword_filters", ("#diet challenge",)]
    keywords = find(page, QListWidget, "keywordList")
    keywords.setCurrentRow(0)
    with qtbot.waitSignal(page.change_requested, timeout=1000) as removed:
        qtbot.mouseClick(find(page, QPushButton, "keywordRemove"), Qt.MouseButton.LeftButton)
    assert removed.args[1:] == ["keyword_filters", ()]


def test_a_keyword_typed_is_removed_with_nothing_selected(qtbot, page: ControlsPage) -> None:
    """Found by a support agent: "#diet" typed (already in the list) and Remove said "Select a
    keyword to remove first"."""
    from famguard.domain.controls import defaults_for_age

    page.update_controls(defaults_for_age(14, "Europe/London").replace(keyword_filters=("#diet", "vape")))
    find(page, QListWidget, "keywordList").setCurrentRow(-1)
    edit = find(page, QLineEdit, "keywordEdit")
    qtbot.keyClicks(edit, " #DIET ")
    with qtbot.waitSignal(page.change_requested, timeout=1000) as removed:
        qtbot.mouseClick(find(page, QPushButton, "keywordRemove"), Qt.MouseButton.LeftButton)
    assert removed.args[1:] == ["keyword_filters", ("vape",)]
    assert edit.text() == ""  # done with
    qtbot.keyClicks(edit, "tiktok")  # not in the list: nothing removed, and said
    with qtbot.assertNotEmitted(page.change_requested):
        qtbot.mouseClick(find(page, QPushButton, "keywordRemove"), Qt.MouseButton.LeftButton)
    assert page.editor("keyword_filters").message.text() == "✗ “tiktok” is not in the list, so nothing was removed."
    # A word typed goes before one selected earlier (a re-tester: the selected "#prank" went).
    page.update_controls(defaults_for_age(14, "Europe/London").replace(keyword_filters=("#prank", "#diet")))
    find(page, QListWidget, "keywordList").setCurrentRow(0)
    edit.clear()
    qtbot.keyClicks(edit, "#diet")
    with qtbot.waitSignal(page.change_requested, timeout=1000) as typed:
        qtbot.mouseClick(find(page, QPushButton, "keywordRemove"), Qt.MouseButton.LeftButton)
    assert typed.args[1:] == ["keyword_filters", ("#prank",)]


def test_removing_the_last_keyword_leaves_the_keyboard_in_the_word_box(qtbot, built_page: ControlsPage) -> None:
    """Found by a re-tester with the keyboard: Space on Remove took the last keyword, Remove turned
    off, and the keyboard went on to the teen's phone panel."""
    from famguard.domain.controls import defaults_for_age

    page = built_page
    page.update_controls(defaults_for_age(14, "Europe/London").replace(keyword_filters=("#diet",)))
    find(page, QListWidget, "keywordList").setCurrentRow(0)
    remove = find(page, QPushButton, "keywordRemove")
    remove.setFocus()
    qtbot.waitUntil(remove.hasFocus, timeout=1000)
    with qtbot.waitSignal(page.change_requested, timeout=1000) as removed:
        qtbot.keyClick(remove, Qt.Key.Key_Space)
    assert removed.args[1:] == ["keyword_filters", ()]
    assert not remove.isEnabled() and QApplication.focusWidget() is find(page, QLineEdit, "keywordEdit")


def test_time_away_blocks_and_quiet_hours(qtbot, page: ControlsPage) -> None:
    with qtbot.waitSignal(page.change_requested, timeout=1000) as added:
        qtbot.mouseClick(find(page, QPushButton, "timeAwayAdd"), Qt.MouseButton.LeftButton)
    (block,) = added.args[2]
    assert (block.days, block.start, block.end) == (("mon", "tue", "wed", "thu", "sun"), "22:00", "07:00")
    assert "into the next morning" in find(page, QListWidget, "timeAwayList").item(0).text()
    with qtbot.waitSignal(page.change_requested, timeout=1000) as quiet_off:
        qtbot.mouseClick(find(page, QCheckBox, "quietHoursOn"), Qt.MouseButton.LeftButton)
    assert quiet_off.args[1:] == ["quiet_hours", None]
    with qtbot.waitSignal(page.change_requested, timeout=1000) as quiet_on:
        qtbot.mouseClick(find(page, QCheckBox, "quietHoursOn"), Qt.MouseButton.LeftButton)
    assert quiet_on.args[1:] == ["quiet_hours", QuietHours("21:00", "08:00")]


def test_a_time_away_block_over_another_is_added_and_said_to_overlap_it(qtbot, page: ControlsPage) -> None:
    """ "21:00–07:00" added over "22:00–07:00" (meant to replace it) stood beside it without a word
    (an outside tester). Both lock, so it is added, and the overlap is said."""
    from PySide6.QtWidgets import QTimeEdit

    from famguard.domain.controls import TimeAwayBlock

    school_nights = TimeAwayBlock(("mon", "tue", "wed", "thu", "sun"), "22:00", "07:00")
    page.update_controls(defaults_for_age(14, "Europe/London").replace(time_away=(school_nights,)))
    find(page, QTimeEdit, "timeAwayStart").setTime(QTime(21, 0))
    with qtbot.waitSignal(page.change_requested, timeout=1000) as added:
        qtbot.mouseClick(find(page, QPushButton, "timeAwayAdd"), Qt.MouseButton.LeftButton)
    assert len(added.args[2]) == 2
    message = page.editor("time_away").message
    assert message.isVisible() and message.text().startswith(
        "ℹ It overlaps Mon, Tue, Wed, Thu, Sun: 22:00–07:00 (into the next morning)"
    )
    assert message.text().endswith(": both lock the app. Remove the one it replaces, if it does.")
    page.update_controls(defaults_for_age(14, "Europe/London").replace(time_away=tuple(added.args[2])))

    # One on no minute of another: nothing to say.
    for day in ("mon", "tue", "wed", "thu", "sun"):
        find(page, QCheckBox, f"timeAway_{day}").setChecked(False)
    find(page, QCheckBox, "timeAway_sat").setChecked(True)
    find(page, QTimeEdit, "timeAwayStart").setTime(QTime(12, 0))
    find(page, QTimeEdit, "timeAwayEnd").setTime(QTime(13, 0))
    with qtbot.waitSignal(page.change_requested, timeout=1000):
        qtbot.mouseClick(find(page, QPushButton, "timeAwayAdd"), Qt.MouseButton.LeftButton)
    assert not message.isVisible()


def test_time_away_says_none_is_set_and_labels_the_ticked_days_as_a_new_block(qtbot, page: ControlsPage) -> None:
    empty = find(page, QWidget, "timeAwayEmpty")
    new_label = find(page, QLabel, "timeAwayNewLabel")
    assert empty.isVisible() and empty.text() == "No time away set."
    assert new_label.isVisible() and "New block" in new_label.text()
    assert find(page, QCheckBox, "timeAway_mon").isChecked()  # a draft for the new block, not a setting
    assert not find(page, QPushButton, "timeAwayRemove").isVisible()  # nothing to remove yet
    with qtbot.waitSignal(page.change_requested, timeout=1000):
        qtbot.mouseClick(find(page, QPushButton, "timeAwayAdd"), Qt.MouseButton.LeftButton)
    assert not empty.isVisible() and find(page, QListWidget, "timeAwayList").count() == 1
    assert find(page, QPushButton, "timeAwayRemove").isVisible()
    for day in ("mon", "tue", "wed", "thu", "sun"):
        find(page, QCheckBox, f"timeAway_{day}").setChecked(False)
    with qtbot.assertNotEmitted(page.change_requested):
        qtbot.mouseClick(find(page, QPushButton, "timeAwayAdd"), Qt.MouseButton.LeftButton)
    message = find(page, QWidget, "timeAwayMessage")
    assert message.isVisible() and "at least one day" in message.text()


def test_weekday_override_and_time_zone(qtbot, page: ControlsPage) -> None:
    # A day ticked offers the daily limit: ticking it changes nothing that applies until its number
    # does. It offered 60 (120 at the weekend) whatever the limit, applied at once: with 45 min a
    # day, ticking Monday made Monday's 1 h, a value nobody chose (an outside tester).
    page.update_controls(defaults_for_age(14, "Europe/London").replace(daily_limit_minutes=45), (), by="")
    with qtbot.waitSignal(page.change_requested, timeout=1000) as override:
        qtbot.keyClick(find(page, QCheckBox, "override_sat"), Qt.Key.Key_Space)  # keyboard only
    assert override.args[1:] == ["daily_limit_overrides", {"sat": 45}]
    page.update_controls(
        defaults_for_age(14, "Europe/London").replace(daily_limit_minutes=90, daily_limit_overrides={"sat": 45}),
        (),
        by="",
    )
    assert find(page, QSpinBox, "override_mon_minutes").value() == 90  # not ticked: the limit now
    assert find(page, QSpinBox, "override_sat_minutes").value() == 45  # ticked: its own
    combo = find(page, QComboBox, "timezoneCombo")
    assert combo.currentText() == "Europe/London"
    combo.lineEdit().selectAll()
    qtbot.keyClicks(combo.lineEdit(), "Mars/Olympus")
    with qtbot.assertNotEmitted(page.change_requested):
        qtbot.keyClick(combo.lineEdit(), Qt.Key.Key_Return)
    assert "not a time zone" in find(page, QWidget, "timezoneMessage").text()


@pytest.mark.parametrize("width", [900, 620, 480])
def test_no_control_is_cut_off_in_a_narrow_window(qtbot, page: ControlsPage, width: int) -> None:
    """The page scrolls only up and down: in a narrow window (the demo with the teen's phone docked
    beside it, a small screen) rows wrap — "Set" after the custom minutes, the seven weekdays in
    lines of 4 and 3 — instead of running past the right edge where nobody can reach them."""
    page.resize(width, 700)
    qtbot.waitUntil(lambda: page.width() == width, timeout=1000)
    scroll = find(page, QScrollArea, "controlsScroll")
    viewport = scroll.viewport()
    qtbot.waitUntil(lambda: scroll.widget().width() <= viewport.width(), timeout=1000)
    cut_off = []
    for kind in (QAbstractButton, QAbstractSpinBox, QComboBox, QLineEdit):
        for widget in scroll.widget().findChildren(kind):
            if widget.isVisibleTo(scroll.widget()):
                right = widget.mapTo(viewport, widget.rect().topRight()).x()
                if right >= viewport.width():
                    cut_off.append(widget.objectName())
    assert cut_off == []
    mon, fri = (find(page, QSpinBox, f"override_{day}_minutes") for day in ("mon", "fri"))
    if width < 700:  # two lines, in columns: Friday under Monday
        assert fri.mapTo(viewport, fri.rect().topLeft()).x() == mon.mapTo(viewport, mon.rect().topLeft()).x()
        assert fri.mapTo(viewport, fri.rect().topLeft()).y() > mon.mapTo(viewport, mon.rect().topLeft()).y()
    else:  # room for the week on one line
        assert fri.mapTo(viewport, fri.rect().topLeft()).y() == mon.mapTo(viewport, mon.rect().topLeft()).y()


def test_a_change_from_elsewhere_is_shown_and_named(qtbot, page: ControlsPage) -> None:
    changed = defaults_for_age(14, "Europe/London").replace(search_enabled=False)
    page.update_controls(changed, ("search_enabled",), by="Alex")
    assert not find(page, QCheckBox, "search_enabled_check").isChecked()
    assert page.field_status("search_enabled") == "↻ changed by Alex"
    assert page.rows["search_enabled"].highlighted()
    # The highlight restyled nothing: as a style sheet it made the row's spin boxes ~17 px wider
    # while it showed, the box just typed in jumping (an outside tester).
    box = page.rows["daily_limit_minutes"].editor.custom_spin
    width = box.sizeHint().width()
    page.update_controls(changed.replace(daily_limit_minutes=90), ("daily_limit_minutes",), by="Alex")
    assert page.rows["daily_limit_minutes"].highlighted() and box.sizeHint().width() == width


# --- pairing, conflict, family -----------------------------------------------------------------


def test_code_is_grouped_and_spoken_character_by_character() -> None:
    assert format_code("abcdefgh") == "ABCD-EFGH"
    assert spoken_code("ABCDEFGH") == "A B C D, E F G H"


def test_pairing_wizard_walks_through_its_states(qtbot) -> None:
    wizard = PairingWizard()
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.show_waiting("K7MQ2XRT", datetime.now(UTC) + timedelta(minutes=10), "famguard://pair?code=K7MQ2XRT")
    assert find(wizard, QWidget, "pairingCode").text() == "K7MQ-2XRT"
    assert wizard.qr.data == "famguard://pair?code=K7MQ2XRT" and wizard.qr.module_count() >= 21
    assert find(wizard, QWidget, "pairingCountdown").text() in ("Expires in 10:00", "Expires in 9:59")
    with qtbot.waitSignal(wizard.new_code_requested, timeout=1000):
        qtbot.mouseClick(find(wizard, QPushButton, "newCodeButton"), Qt.MouseButton.LeftButton)
    wizard.show_accepted("Maya", 14)
    assert find(wizard, QWidget, "pairingTeen").text() == "Maya, 14"
    with qtbot.waitSignal(wizard.confirm_requested, timeout=1000):
        qtbot.keyClick(find(wizard, QPushButton, "confirmPairingButton"), Qt.Key.Key_Space)
    wizard.show_rate_limited(600)
    assert "wait 10 minutes" in find(wizard, QWidget, "pairingEnd").text()


def test_pairing_code_expires_by_itself(qtbot) -> None:
    wizard = PairingWizard()
    qtbot.addWidget(wizard)
    wizard.show_waiting("K7MQ2XRT", datetime.now(UTC) + timedelta(seconds=1), "famguard://pair?code=K7MQ2XRT")
    qtbot.waitUntil(lambda: wizard.state == "expired", timeout=3000)
    assert "expired" in find(wizard, QWidget, "pairingEnd").text()
    assert find(wizard, QPushButton, "newCodeButton").isVisibleTo(wizard)


def test_escape_in_the_pairing_wizard_cancels_the_pairing(qtbot) -> None:
    wizard = PairingWizard()
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.show_waiting("K7MQ2XRT", datetime.now(UTC) + timedelta(minutes=5), "famguard://pair?code=K7MQ2XRT")
    with qtbot.waitSignal(wizard.cancel_requested, timeout=1000):
        qtbot.keyClick(wizard, Qt.Key.Key_Escape)


@pytest.mark.parametrize(("button", "choice"), [("keepMineButton", KEEP_MINE), ("takeTheirsButton", TAKE_THEIRS)])
def test_conflict_dialog_shows_both_values_and_who(qtbot, button: str, choice: str) -> None:
    when = datetime(2026, 11, 25, 13, 0, tzinfo=UTC)
    dialog = ConflictDialog("comments", Audience.NO_ONE, Audience.FRIENDS, who="Alex", when=when, teen_name="Maya")
    qtbot.addWidget(dialog)
    dialog.show()
    assert find(dialog, QWidget, "conflictMine").text() == "No one"
    assert find(dialog, QWidget, "conflictTheirs").text() == "Friends"
    # The teen by name, once: "Alex also changed “Comments on Maya's videos”", not "Maya's “…your teen's…”".
    assert find(dialog, QWidget, "conflictTitle").text() == "⚠ Alex also changed “Comments on Maya's videos”"
    assert "Alex" in find(dialog, QWidget, "conflictExplanation").text()
    # Not "while your change was on its way": one made offline, before theirs, was not (an outside tester).
    assert "before your change reached the service" in find(dialog, QWidget, "conflictExplanation").text()
    qtbot.mouseClick(find(dialog, QPushButton, button), Qt.MouseButton.LeftButton)
    assert dialog.choice == choice


def test_an_ampersand_in_the_other_guardians_name_is_a_letter_on_the_take_button(qtbot) -> None:
    """ "&Take Anne & Jo's" showed "Take Anne  Jo's" with J underlined: Alt+J took their value too."""
    from PySide6.QtGui import QKeySequence

    when = datetime(2026, 11, 25, 13, 0, tzinfo=UTC)
    dialog = ConflictDialog("comments", Audience.NO_ONE, Audience.FRIENDS, who="Anne & Jo", when=when, teen_name="Maya")
    qtbot.addWidget(dialog)
    take = find(dialog, QPushButton, "takeTheirsButton")
    assert without_mnemonic(take.text()) == "Take Anne & Jo's"
    assert QKeySequence.mnemonic(take.text()).toString() == "Alt+T"


def test_an_ampersand_in_the_guardians_name_is_a_letter_in_the_account_menu(qtbot) -> None:
    window = MainWindow()
    qtbot.addWidget(window)
    window.set_account("Anne & Jo (anne@example.org)", "https://a.example.org/?x=1&y=2")
    assert window.who_action.text() == "Signed in as Anne && Jo (anne@example.org)"  # shown "Anne & Jo"
    assert window.server_action.text() == "Server: https://a.example.org/?x=1&&y=2"


@pytest.mark.parametrize(
    ("field", "mine", "theirs", "words"),
    [
        ("downloads", True, False, ("On", "Off")),
        ("duet_stitch", Audience.EVERYONE, Audience.NO_ONE, ("Everyone", "No one")),
        ("search_enabled", True, False, ("On", "Off")),
    ],
)
def test_conflict_dialog_words_a_new_control_by_its_declaration(
    qtbot, field: str, mine: object, theirs: object, words: tuple[str, str]
) -> None:
    """…about the teen by name, as the history says it."""
    dialog = ConflictDialog(field, mine, theirs, who="Jordan", when=None, teen_name="James")
    qtbot.addWidget(dialog)
    assert control_label(field, "James") in find(dialog, QWidget, "conflictTitle").text()
    assert "your teen" not in find(dialog, QWidget, "conflictTitle").text()
    assert (find(dialog, QWidget, "conflictMine").text(), find(dialog, QWidget, "conflictTheirs").text()) == words


def test_teen_list_says_use_limit_and_sync_state_in_words(qtbot) -> None:
    window = MainWindow()
    qtbot.addWidget(window)
    window.show_family()
    window.teen_list.set_teens(
        [TeenRow("t1", "Maya", 14, 35, 60), TeenRow("t2", "Leo", 16, None, None, TeenSync.QUEUED)]
    )
    assert window.teen_list.item_text("t1") == "Maya, 14\n35 min of 1 h today\n● all changes saved"
    assert window.teen_list.item_text("t2") == "Leo, 16\nNo use reported today\n○ changes waiting to be sent"
    assert window.teen_list.current_teen_id() == "t1"
    window.offline_banner.set_offline(True, 3)
    assert window.offline_banner.text() == (
        "⚠ You are offline. 3 changes are waiting and will be sent when the connection is back."
    )


def test_every_interactive_widget_has_an_object_name_and_an_accessible_name(qtbot) -> None:
    window = MainWindow()
    qtbot.addWidget(window)
    window.ensure_controls_page().show_teen("t1", "Maya", 14, defaults_for_age(14))
    window.ensure_teen_phone()
    assert window.sign_in.isWindow() is False  # built on first use: build it for the sweep
    wizard = PairingWizard(window)
    conflict = ConflictDialog("search_enabled", True, False, who="Alex", when=None, parent=window)
    interactive = (QAbstractButton, QLineEdit, QAbstractSpinBox, QComboBox, QListWidget)
    unnamed = []
    for root in (window, wizard, conflict):
        for widget in root.findChildren(QWidget):
            if not isinstance(widget, interactive) or widget.parent() is None:
                continue
            owner = widget.parentWidget()
            if isinstance(owner, (QAbstractSpinBox, QComboBox)) or type(widget).__name__ in ("QToolBarExtension",):
                continue  # Qt's own parts of a composite widget (the line edit inside a spin box)
            if widget.objectName().startswith("qt_"):
                continue
            if not widget.objectName() or not widget.accessibleName():
                unnamed.append(f"{type(widget).__name__} {widget.objectName()!r} {getattr(widget, 'text', str)()!r}")
    assert unnamed == []


@pytest.mark.parametrize("ratio", [1.0, 1.5, 2.0])
def test_the_qr_code_is_crisp_at_any_screen_scale(qtbot, ratio: float) -> None:
    """Every pixel is pure black or pure white (no blurred module edges), and the modules are
    whole device pixels, at 100 %, 150 % and 200 % scaling."""
    from PySide6.QtGui import QImage

    from famguard.ui.pairing import QrCodeWidget

    widget = QrCodeWidget()
    qtbot.addWidget(widget)
    widget.resize(237, 237)
    widget.set_data("famguard://pair?code=K7MQ2XRT")
    image = QImage(int(237 * ratio), int(237 * ratio), QImage.Format.Format_RGB32)
    image.setDevicePixelRatio(ratio)
    widget.render(image)
    colours = {image.pixel(x, y) & 0xFFFFFF for x in range(image.width()) for y in range(0, image.height(), 3)}
    assert colours == {0x000000, 0xFFFFFF}
    # every dark or light run across the symbol is a whole number of equal modules
    dark_rows = [
        y for y in range(image.height()) if any(image.pixel(x, y) & 0xFFFFFF == 0 for x in range(image.width()))
    ]
    runs: list[int] = []
    for y in dark_rows[:: max(1, len(dark_rows) // 15)]:
        row = [image.pixel(x, y) & 0xFFFFFF == 0 for x in range(image.width())]
        first, last = row.index(True), len(row) - 1 - row[::-1].index(True)
        length = 1
        for x in range(first + 1, last + 1):
            if row[x] == row[x - 1]:
                length += 1
            else:
                runs.append(length)
                length = 1
        runs.append(length)
    module = min(runs)
    assert all(run % module == 0 for run in runs), sorted(set(runs))


def test_the_qt_values_named_by_number_are_the_enums_they_stand_for(qtbot) -> None:
    """famguard.ui.common names a few `Qt` enum values by number (naming the enums would create the
    whole namespace before a returning guardian's family shows): each is the value it stands for,
    and the widgets set through the property system read back the enum."""
    from famguard.ui import common
    from famguard.ui.family import TeenList
    from famguard.ui.home import HomePage

    assert common.ALIGN_CENTER == Qt.AlignmentFlag.AlignCenter.value
    assert common.SCROLL_BAR_ALWAYS_OFF == Qt.ScrollBarPolicy.ScrollBarAlwaysOff.value
    assert common.ELIDE_RIGHT == Qt.TextElideMode.ElideRight.value
    assert common.ACCESSIBLE_TEXT_ROLE == Qt.ItemDataRole.AccessibleTextRole.value
    assert common.USER_ROLE == Qt.ItemDataRole.UserRole.value
    assert common.PLAIN_TEXT == Qt.TextFormat.PlainText.value
    assert common.RICH_TEXT == Qt.TextFormat.RichText.value
    teens = TeenList()
    qtbot.addWidget(teens)
    assert teens.list.horizontalScrollBarPolicy() == Qt.ScrollBarPolicy.ScrollBarAlwaysOff
    assert teens.list.textElideMode() == Qt.TextElideMode.ElideRight
    home = HomePage()
    qtbot.addWidget(home)
    scroll = home.findChild(QScrollArea, "homeScroll")
    assert scroll is not None and scroll.horizontalScrollBarPolicy() == Qt.ScrollBarPolicy.ScrollBarAlwaysOff
    assert home.title.textFormat() == Qt.TextFormat.PlainText
    assert common.wrapping_label("", rich=True).textFormat() == Qt.TextFormat.RichText
    window = MainWindow()
    qtbot.addWidget(window)
    window.show_no_teen("Connecting to the service…")
    assert window.no_teen_label.alignment() == Qt.AlignmentFlag.AlignCenter


def test_the_teens_phone_writes_a_change_of_the_6th_as_the_6th_not_06(qtbot) -> None:
    """Found by trying the demo: the phone's log said "Sun 06 Dec" where every other screen says
    "Sun 6 Dec"; so did the "changed elsewhere" question's time."""
    from datetime import UTC, date, datetime

    from famguard.domain.later_models import ActivityEntry, Actor
    from famguard.domain.models import Role
    from famguard.ui.dialogs import describe_when
    from famguard.ui.teen_view_widget import build_view

    controls = defaults_for_age(16, "UTC")
    at = datetime(2026, 12, 6, 9, 5, tzinfo=UTC)
    alex = Actor("g1", "Alex", Role.GUARDIAN)
    change = ActivityEntry(1, at, alex, "t1", "controls", "search_enabled", True, False)
    view = build_view(controls, [], [], [change], date(2026, 12, 6))
    assert view.log[0].startswith("Sun 6 Dec 09:05  ")
    assert describe_when(at).startswith(f"{at.astimezone():%a} {at.astimezone().day} {at.astimezone():%b} at ")
    assert " 06 " not in describe_when(at)


@pytest.mark.parametrize(("entries", "heading", "older"), [
    (8, "Changes", None),
    (9, "The latest 8 changes", "And 1 older change, not listed here."),
    (10, "The latest 8 changes", "And 2 older changes, not listed here."),
    (20, "The latest 8 changes", "And older changes, not listed here."),
])  # fmt: skip
def test_the_teens_view_says_when_it_lists_only_the_latest_changes(qtbot, entries, heading, older) -> None:
    """Found by a support agent: the teen's view listed the last 8 changes under "Changes" while
    its page said it shows "every change"; the one that turned Search off was missing, though the
    rules said "Search: Off"."""
    from datetime import UTC, date, datetime, timedelta

    from famguard.domain.later_models import ActivityEntry, Actor
    from famguard.domain.models import Role
    from famguard.ui.teen_view_widget import TeenViewWidget, build_view

    alex = Actor("g1", "Alex", Role.GUARDIAN)
    at = datetime(2026, 12, 6, 9, 5, tzinfo=UTC)
    log = [ActivityEntry(n, at - timedelta(minutes=n), alex, "t1", "controls", "search_enabled", True, False)
           for n in range(entries)]  # fmt: skip
    widget = TeenViewWidget("view")
    qtbot.addWidget(widget)
    widget.show_view(build_view(defaults_for_age(16, "UTC"), [], [], log, date(2026, 12, 6)))
    assert f"<b>{heading}</b>" in widget.text() and len(widget.data.log) == min(entries, 8)
    if older is None:
        assert "older change" not in widget.plain_text()
    else:
        assert widget.plain_text().endswith(older) and older in widget.text()


def test_an_emptied_custom_box_sets_nothing_and_shows_the_limit_set(qtbot, page: ControlsPage) -> None:
    """Found by an outside tester: after "99999" was refused, the box emptied and Enter put
    "99999" back and refused it again. An emptied box sets nothing: the refusal goes, and the box
    shows the limit set."""
    box = find(page, QSpinBox, "dailyLimitCustom")
    message = page.rows["daily_limit_minutes"].editor.message
    box.setFocus()
    box.selectAll()
    qtbot.keyClicks(box, "99999")
    with qtbot.assertNotEmitted(page.change_requested):
        qtbot.keyClick(box, Qt.Key.Key_Return)
    assert message.text().startswith("✗ 99999 min is outside the allowed")
    box.selectAll()
    qtbot.keyClick(box, Qt.Key.Key_Backspace)
    with qtbot.assertNotEmitted(page.change_requested):
        qtbot.keyClick(box, Qt.Key.Key_Return)
    assert message.isHidden() and message.text() == ""
    assert box.value() == 60 and "99999" not in box.text()  # the limit set: 1 h
    assert find(page, QRadioButton, "dailyLimit_60").isChecked()
