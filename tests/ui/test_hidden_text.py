"""Text from others that an older service stored as sent — a teen's name with a line break, a
reason with a RIGHT-TO-LEFT OVERRIDE — cannot fake a line or reorder words on the guardian's
screen (famguard.domain.plain_text.harmless, where the app reads the service and its own cache);
and the app's own forms say the service's rule before sending, keeping what was typed."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QLabel, QLineEdit, QListWidget, QPushButton, QWidget

from famguard.domain.plain_text import HIDDEN_TEXT_WORDS
from famguard.store.db import database_path
from famguard.ui.signin import SignInView
from tests.support.accounts import pair

from .conftest import stop_app
from .test_cached_start import _set_limit, _signed_in_once
from .test_flows import WAIT, demo_with_phone, find, sign_in, wait_home

# What no text on screen holds (a line break is the app's own in a few rows: see the row's lines).
HIDDEN = ("\r", "\t", "\u202e", "\u2066", "\u200b", "\x1b", "\u2028")


def shown_texts(window: QWidget) -> list[str]:
    """Every text the window shows: labels, buttons, tooltips, the teen list's rows."""
    texts = [w.text() for w in window.findChildren(QLabel)] + [w.text() for w in window.findChildren(QAbstractButton)]
    texts += [w.toolTip() for w in window.findChildren(QWidget)]
    for listing in window.findChildren(QListWidget):
        texts += [listing.item(i).text() for i in range(listing.count())]
    return texts


def test_a_name_and_a_reason_an_older_service_stored_are_shown_harmlessly(
    qtbot, launch, proxy, guardian, teen, database_url
) -> None:
    teen_id = pair(guardian.api, teen.api)
    teen.api.ask_for_time(30, "finishing a school project")
    # Written into the service's database directly: this service refuses both at its door (422),
    # an older one stored them as the teen's phone sent them.
    # closing(): sqlite3's own `with` commits but leaves the file open (for the rest of the run).
    with closing(sqlite3.connect(database_url.removeprefix("sqlite:///"))) as db, db:
        db.execute("UPDATE accounts SET display_name = ? WHERE id = ?", ("Maya\n● all changes saved", teen_id))
        db.execute("UPDATE time_requests SET reason = ? WHERE teen_id = ?", ("\u202enim 03 rof ksa", teen_id))

    controller = launch()
    sign_in(qtbot, controller, proxy.url, guardian, keep=False)
    wait_home(qtbot, controller, "Maya ● all changes saved")
    window = controller.window
    box = window.ensure_home_page().requests
    qtbot.waitUntil(lambda: box.isVisible() and box.pending_count() == 1, timeout=WAIT)

    # The reason reads as the teen typed it, in that order; the name stays on its row's line.
    assert "nim 03 rof ksa" in find(box, QWidget, "timeRequestText").text()
    row = window.teen_list.item_text(teen_id).split("\n")
    assert row[0] == "Maya ● all changes saved, 14" and len(row) == 4  # the name's line, use, requests, sync
    assert window.ensure_home_page().title.text().startswith("Maya ● all changes saved")
    texts = shown_texts(window)
    assert any("Maya ● all changes saved" in t for t in texts)
    assert [t for t in texts if any(c in t for c in HIDDEN)] == []


@pytest.mark.usefixtures("real_keyring")
def test_a_name_an_older_app_cached_is_shown_harmlessly(qtbot, launch, proxy, guardian, teen) -> None:
    """A returning guardian's family is painted from the local store before the service answers:
    an older app cached the name as an older service sent it. Written into the store's table
    directly (this app would have cached it harmless), and the service held 3 s so that what is
    painted is the store's."""
    teen_id = pair(guardian.api, teen.api)
    _set_limit(guardian, teen_id, 90)  # what _signed_in_once waits for
    _signed_in_once(qtbot, launch, proxy, guardian)
    with closing(sqlite3.connect(database_path(proxy.url, guardian.email))) as db, db:
        (row,) = db.execute("SELECT json FROM teens WHERE id = ?", (teen_id,)).fetchone()
        db.execute("UPDATE teens SET json = ? WHERE id = ?", (json.dumps({**json.loads(row),
                   "display_name": "Maya\u2028\u202e● all changes saved"}), teen_id))  # fmt: skip
    proxy.latency = 3.0
    again = launch()
    home = again.window.ensure_home_page()
    qtbot.waitUntil(lambda: home.isVisible() and home.title.text().startswith("Maya ● all changes saved"), timeout=2500)
    assert again.window.teen_list.item_text(teen_id).split("\n")[0] == "Maya ● all changes saved, 14"
    assert [t for t in shown_texts(again.window) if any(c in t for c in HIDDEN)] == []
    proxy.latency = 0
    stop_app(again)


def test_the_sign_up_form_says_the_rule_before_sending_and_keeps_the_name(qtbot) -> None:
    view = SignInView()
    qtbot.addWidget(view)
    view.show()
    view.set_mode(create_account=True)
    name = find(view, QLineEdit, "displayNameEdit")
    qtbot.keyClicks(find(view, QLineEdit, "serverEdit"), "http://127.0.0.1:9")
    name.setText("Alex\u202e ksa")  # pasted
    qtbot.keyClicks(find(view, QLineEdit, "emailEdit"), "alex@example.org")
    qtbot.keyClicks(find(view, QLineEdit, "passwordEdit"), "correct horse battery")
    with qtbot.assertNotEmitted(view.submitted):
        qtbot.keyClick(find(view, QLineEdit, "passwordEdit"), Qt.Key.Key_Return)
    note = find(view, QLabel, "displayNameEditNote").text()
    assert HIDDEN_TEXT_WORDS in note and "U+202E" in note
    assert name.text() == "Alex\u202e ksa"  # nothing lost: the guardian corrects it


def test_the_keyword_box_says_the_rule_before_sending_and_keeps_the_word(qtbot, page) -> None:
    edit = find(page, QLineEdit, "keywordEdit")
    edit.setText("#di\u200bet")  # pasted with a zero-width space inside
    with qtbot.assertNotEmitted(page.change_requested):
        qtbot.keyClick(edit, Qt.Key.Key_Return)
    message = find(page, QLabel, "keywordMessage").text()
    assert HIDDEN_TEXT_WORDS in message and "U+200B" in message
    assert edit.text() == "#di\u200bet"
    edit.setText("👨\u200d👩\u200d👧 #family")  # a joined emoji is what people type
    with qtbot.waitSignal(page.change_requested, timeout=1000) as added:
        qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert added.args[1:] == ["keyword_filters", ("👨\u200d👩\u200d👧 #family",)]


def test_the_teens_phone_says_the_rule_before_asking_and_keeps_the_reason(qtbot, launch) -> None:
    """The demo's teen phone (what a phone sends): a reason with an override is said at once, kept
    to be corrected, and never reaches the service; corrected, it is asked."""
    controller, window, panel = demo_with_phone(qtbot, launch)
    maya = next(t for t, r in controller.family.teens.items() if r.name == "Maya")
    before = len(controller.session.api.time_requests(maya))
    message, reason = find(panel, QWidget, "teenUsageMessage"), find(panel, QLineEdit, "teenReasonEdit")
    reason.setText("\u202enim 03 rof ksa")  # pasted
    qtbot.mouseClick(find(panel, QPushButton, "teenMoreButton"), Qt.MouseButton.LeftButton)
    assert message.text().startswith("✗") and HIDDEN_TEXT_WORDS in message.text() and "U+202E" in message.text()
    assert reason.text() == "\u202enim 03 rof ksa"
    reason.setText("ask for 30 min")
    qtbot.mouseClick(find(panel, QPushButton, "teenMoreButton"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Asked for 30 min more" in message.text(), timeout=WAIT)
    reasons = [r.reason for r in controller.session.api.time_requests(maya)]
    assert len(reasons) == before + 1 and "ask for 30 min" in reasons and "nim 03 rof ksa" not in reasons


def test_the_teens_phone_takes_a_reason_only_as_long_as_the_service_does(qtbot, launch) -> None:
    """A 560-character reason pasted was sent whole and answered "✗ Some values are not valid.",
    naming neither the field nor the limit (found trying the demo): the box now stops at the
    service's 500 characters, and what it holds is asked."""
    from PySide6.QtWidgets import QApplication

    controller, window, panel = demo_with_phone(qtbot, launch)
    maya = next(t for t, r in controller.family.teens.items() if r.name == "Maya")
    message, reason = find(panel, QWidget, "teenUsageMessage"), find(panel, QLineEdit, "teenReasonEdit")
    QApplication.clipboard().setText("finishing the school project " * 20)  # 580 characters
    reason.setFocus()
    qtbot.keyClick(reason, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert len(reason.text()) == 500
    assert message.text() == "A reason can be at most 500 characters: the rest was left out."
    qtbot.mouseClick(find(panel, QPushButton, "teenMoreButton"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Asked for 30 min more" in message.text(), timeout=WAIT)
    assert any(len(r.reason) == 500 for r in controller.session.api.time_requests(maya))


def test_a_long_reason_of_emoji_is_cut_between_characters_not_inside_one(qtbot, launch) -> None:
    """Found by an outside tester: a long pasted reason with emoji ended in "�" — Qt's maximum
    counts UTF-16 units and cut an emoji's two in half. Cut by characters, every one stays whole."""
    from PySide6.QtWidgets import QApplication

    controller, window, panel = demo_with_phone(qtbot, launch)
    maya = next(t for t, r in controller.family.teens.items() if r.name == "Maya")
    message, reason = find(panel, QWidget, "teenUsageMessage"), find(panel, QLineEdit, "teenReasonEdit")
    QApplication.clipboard().setText("a" + "🙏" * 600)  # the 500th character an emoji, its two units at 998-999
    reason.setFocus()
    qtbot.keyClick(reason, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert reason.text() == "a" + "🙏" * 499
    assert not any(0xD800 <= ord(c) <= 0xDFFF or c == "\ufffd" for c in reason.text())
    qtbot.mouseClick(find(panel, QPushButton, "teenMoreButton"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Asked for 30 min more" in message.text(), timeout=WAIT)
    assert "a" + "🙏" * 499 in [r.reason for r in controller.session.api.time_requests(maya)]


def test_a_reason_with_emoji_reaches_the_guardian_as_the_teen_typed_it(qtbot, launch) -> None:
    """A parent trying the demo read "please  I really…" where the teen's phone had "please 🙏🙏 I
    really…" (typed with a tool that types emoji unreliably: the words are checked here as sent)."""
    controller, window, panel = demo_with_phone(qtbot, launch)
    maya = next(t for t, r in controller.family.teens.items() if r.name == "Maya")
    message, reason = find(panel, QWidget, "teenUsageMessage"), find(panel, QLineEdit, "teenReasonEdit")
    said = "please 🙏🙏 I really need to finish this 👨\u200d👩\u200d👧"
    reason.setText(said)
    qtbot.mouseClick(find(panel, QPushButton, "teenMoreButton"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Asked for 30 min more" in message.text(), timeout=WAIT)
    assert said in [r.reason for r in controller.session.api.time_requests(maya)]  # the service has it whole
    window.teen_list.select(maya)
    home = window.ensure_home_page()

    def on_the_home() -> bool:
        return any(said in label.text() for label in home.findChildren(QLabel, "timeRequestText"))

    qtbot.waitUntil(on_the_home, timeout=WAIT)
