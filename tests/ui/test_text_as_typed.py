"""Text other people send — a teen's or a guardian's name, a request's reason, a keyword — is shown
as the characters it is, never read as markup (famguard.ui.common: labels are plain text unless a
view asks for markup of its own, and then escapes what it puts in). QLabel, QMessageBox and tooltips
read a string with something like a tag before its first line break as rich text by default: a teen
named "Maya<br>● all changes saved" would get a fake second line under her name."""

from __future__ import annotations

import sys
from datetime import UTC, datetime

import pytest
from PySide6 import QtGui
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox, QWidget

from famguard.domain.controls import defaults_for_age
from famguard.domain.models import TimeRequest, TimeRequestStatus
from famguard.domain.today import today_of
from famguard.ui.controls_page import ControlsPage
from famguard.ui.dialogs import ConflictDialog, confirm_unlink
from famguard.ui.home import HomeFacts
from famguard.ui.inbox import InboxDialog
from famguard.ui.main_window import MainWindow
from famguard.ui.teen_panel import TeenPhonePanel

NAME = "Maya<br>● all changes saved"
REASON = "<b>big</b><br>fake line"
GUARDIAN = "Alex<s>struck</s>"
KEYWORD = "<span style='font-size:40px'>huge"
NOW = datetime.now(UTC)


@pytest.fixture(autouse=True)
def _now_is_the_tests_own(monkeypatch: pytest.MonkeyPatch) -> None:
    """NOW is the moment the test runs, not when the module was collected: a CI run crossing
    midnight showed the requests these tests made "today" as yesterday's, and failed."""
    monkeypatch.setattr(sys.modules[__name__], "NOW", datetime.now(UTC))


def on_screen(text: str, text_format: Qt.TextFormat = Qt.TextFormat.AutoText) -> str:
    """The characters a reader sees for `text` shown in `text_format` (AutoText as Qt decides it)."""
    rich = text_format == Qt.TextFormat.RichText or (
        text_format == Qt.TextFormat.AutoText and QtGui.Qt.mightBeRichText(text)
    )
    if not rich:
        return text
    document = QTextDocument()
    document.setHtml(text)
    return document.toPlainText().replace("\u2028", "\n")


def shown(label: QLabel | QMessageBox) -> str:
    return on_screen(label.text(), label.textFormat())


def request(reason: str = REASON) -> TimeRequest:
    return TimeRequest("r1", "t1", NOW.date(), 30, reason, TimeRequestStatus.PENDING, NOW)


def maya_facts() -> HomeFacts:
    controls = defaults_for_age(14, "Europe/London")
    return HomeFacts("t1", NAME, 14, controls, today_of(controls, [], [request()], NOW))


def test_the_home_shows_a_name_and_a_reason_as_typed(qtbot) -> None:
    window = MainWindow()
    qtbot.addWidget(window)
    window.show_family()
    home = window.ensure_home_page()
    home.show_facts(maya_facts())
    window.show_page("home")
    window.show()
    qtbot.waitExposed(window)
    assert shown(home.title) == f"{NAME}, 14 · Europe/\u2060London"
    assert home.title.textFormat() == Qt.TextFormat.PlainText
    assert on_screen(home.title.toolTip()) == f"{NAME}'s day follows the time zone Europe/London"
    request_text = home.findChild(QLabel, "timeRequestText")
    assert request_text is not None
    assert shown(request_text).startswith(f"{NAME} asks for 30 min more today: “{REASON}”")
    rules = home.findChild(QLabel, "homeRules_screen")
    assert rules is not None and f"{NAME}'s" in shown(rules)


def test_the_inbox_shows_the_name_and_the_reason_as_typed_in_its_cells_and_tooltips(qtbot) -> None:
    inbox = InboxDialog()
    qtbot.addWidget(inbox)
    inbox.show_requests([(NAME, request())])
    inbox.show()
    name, reason = inbox.table.item(0, 0), inbox.table.item(0, 2)
    assert (name.text(), reason.text()) == (NAME, REASON)
    assert on_screen(name.toolTip()) == NAME
    assert on_screen(reason.toolTip()) == REASON


def test_the_controls_page_title_and_a_change_from_elsewhere_show_names_as_typed(qtbot) -> None:
    page = ControlsPage()
    qtbot.addWidget(page)
    controls = defaults_for_age(14, "Europe/London")
    page.show_teen("t1", NAME, 14, controls)
    page.resize(900, 700)
    page.show()
    assert shown(page.title) == f"{NAME}, 14 · Europe/\u2060London"
    assert on_screen(page.title.toolTip()) == f"{NAME}'s day follows the time zone Europe/London"
    page.update_controls(controls.replace(search_enabled=False), ("search_enabled",), by=GUARDIAN)
    status = page.findChild(QLabel, "status_search_enabled")
    assert status is not None
    assert shown(status) == f"↻ changed by {GUARDIAN}"
    # The row titles are our own markup and stay bold.
    assert page.rows["search_enabled"].title.textFormat() != Qt.TextFormat.PlainText


def test_a_notice_naming_the_teen_shows_the_name_as_typed(qtbot) -> None:
    window = MainWindow()
    qtbot.addWidget(window)
    window.show_notice(f"ℹ {NAME} is no longer linked to you, so their controls were removed here.")
    assert shown(window.notice.label).startswith(f"ℹ {NAME} is no longer linked")


def test_the_conflict_dialog_shows_the_guardian_the_teen_and_a_keyword_as_typed(qtbot) -> None:
    when = datetime(2026, 11, 25, 13, 0, tzinfo=UTC)
    dialog = ConflictDialog("keyword_filters", (KEYWORD,), (), who=GUARDIAN, when=when, teen_name=NAME)
    qtbot.addWidget(dialog)
    dialog.show()
    title = dialog.findChild(QLabel, "conflictTitle")
    assert title is not None and shown(title).startswith(f"⚠ {GUARDIAN} also changed {NAME}'s")
    mine = dialog.findChild(QLabel, "conflictMine")
    assert mine is not None and KEYWORD in shown(mine)
    labels = [shown(label) for label in dialog.findChildren(QLabel)]
    assert f"{GUARDIAN}'s change:" in labels


def test_the_unlink_question_names_the_teen_as_typed(qtbot) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    seen: list[tuple[str, str]] = []

    def answer() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        seen.append((shown(box), on_screen(box.informativeText(), box.textFormat())))
        box.reject()

    QTimer.singleShot(0, answer)
    assert not confirm_unlink(parent, NAME)
    question, details = seen[0]
    assert question == f"Unlink {NAME}?"
    assert details.startswith(f"You will no longer see or set {NAME}'s controls")


def test_the_teens_phone_keeps_the_name_bold_and_as_typed(qtbot) -> None:
    panel = TeenPhonePanel()
    qtbot.addWidget(panel)
    panel.set_teen(NAME, 14)
    assert shown(panel.who) == f"Signed in on the phone as {NAME}, 14"
    assert panel.who.textFormat() == Qt.TextFormat.RichText  # our own <b> around the name
    assert "<b>" in panel.who.text()


def test_a_temporary_rule_shows_its_name_and_who_set_it_as_typed(qtbot) -> None:
    from famguard.domain.later_models import TemporaryRule
    from famguard.domain.teen_view import rule_in_words
    from famguard.ui.home_trust import PhoneAndPlansSection

    section = PhoneAndPlansSection()
    qtbot.addWidget(section)
    today = NOW.date()
    rule = TemporaryRule("x1", "<i>Exam</i><br>weeks", today, today, {"daily_limit_minutes": 30}, GUARDIAN, "active")
    section.show_rule("t1", rule_in_words(rule, today))
    label = section.findChild(QLabel, "homeRule")
    assert label is not None
    assert shown(label).startswith(f"◷ <i>Exam</i><br>weeks (set by {GUARDIAN}): ")


def test_a_name_of_eighty_letters_without_a_space_never_widens_the_window(qtbot) -> None:
    """A teen may name herself with 80 letters and no space (the most the service takes): each
    label asked to be as wide as that one word, and the window grew past the screen's edge with
    "Change controls…" and the request's answers beyond it. The word is cut at the edge instead."""
    long_name = "W" * 80
    controls = defaults_for_age(14, "Europe/London")
    asking = request("W" * 500)
    facts = HomeFacts("t1", long_name, 14, controls, today_of(controls, [], [asking], NOW))
    window = MainWindow()
    qtbot.addWidget(window)
    window.resize(1024, 700)
    window.show_family()
    home = window.ensure_home_page()
    home.show_facts(facts)
    window.show_page("home")
    window.show()
    qtbot.waitExposed(window)
    window.show_notice(f"⚠ {long_name} is near today's limit: {long_name} has used 55 min.")
    QApplication.processEvents()  # the layout requests posted by the new texts
    assert window.width() <= 1024
    for widget in home.findChildren(QWidget):
        if widget.isVisible() and widget.objectName():
            right = widget.mapTo(window, widget.rect().topRight()).x()
            assert right <= window.width(), f"{widget.objectName()} ends at {right}, past the window's {window.width()}"
