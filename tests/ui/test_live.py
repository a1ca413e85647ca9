"""The app against the live server, continued: the GUI thread never stalls with a slow server,
changes made elsewhere appear by themselves, unlinking is shown at once, sign-out warns about
unsent changes, and the demo runs without the user's keyring or data directory."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QSystemTrayIcon,
    QWidget,
)

from famguard.api.errors import NotFound
from famguard.ui.guardian_requests import GuardianRequestsSection
from tests.support.accounts import ask_to_pair, member, pair
from tests.support.proxy import FaultProxy

from .conftest import answer_next_question
from .test_flows import (
    WAIT,
    add_a_teen,
    click,
    demo_with_phone,
    dismiss_notice,
    fill_sign_in,
    find,
    second_guardian_and_the_page,
    sign_in,
    wait_family,
    wait_home,
    wait_listening,
    wait_status,
    wait_teen_page,
)


class Heartbeat:
    """A 10 ms timer on the GUI thread; the largest gap between its ticks is how long the event
    loop was blocked."""

    def __init__(self) -> None:
        self.ticks: list[float] = []
        self.cpu: list[float] = []  # the GUI thread's CPU time at each tick (for the message)
        self.timer = QTimer()
        self.timer.setInterval(10)
        self.timer.timeout.connect(self._tick)

    def _tick(self) -> None:
        self.ticks.append(time.monotonic())
        self.cpu.append(time.thread_time())

    def __enter__(self) -> Heartbeat:
        self._tick()
        self.timer.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.timer.stop()
        self._tick()

    def worst_gap(self) -> float:
        return max(b - a for a, b in zip(self.ticks, self.ticks[1:], strict=False))

    def worst_gap_cpu(self) -> float:
        """How much of the worst gap the GUI thread itself was working (the rest it waited)."""
        gaps = [b - a for a, b in zip(self.ticks, self.ticks[1:], strict=False)]
        worst = gaps.index(max(gaps))
        return self.cpu[worst + 1] - self.cpu[worst]


def in_background(fn: Callable[[], object]) -> threading.Thread:
    """The teen's phone acts on its own thread: the test's own thread is the GUI thread."""
    thread = threading.Thread(target=fn, daemon=True)
    thread.start()
    return thread


@pytest.mark.slow
@pytest.mark.usefixtures("real_keyring")
def test_the_window_never_freezes_with_a_server_that_takes_2_s_per_request(qtbot, launch, server_process):
    guardian = member(server_process, "guardian", "Sam Guardian", address="sam@example.org")
    teen = member(server_process, "teen", "Maya", address="maya@example.org", age=14)
    proxy = FaultProxy(server_process).start()
    proxy.latency = 2.0
    try:
        _sign_in_pair_and_sync(qtbot, launch, proxy, guardian, teen)
    finally:
        proxy.stop()


def _sign_in_pair_and_sync(qtbot, launch, proxy, guardian, teen) -> None:
    controller = launch()
    # The test types the form in one go, without an event-loop turn between its ~60 key presses:
    # that is the test's own hold on the GUI thread, not the app's, so the heartbeat starts after.
    fill_sign_in(qtbot, controller, proxy.url, guardian)
    with Heartbeat() as beat:
        qtbot.keyClick(find(controller.window, QLineEdit, "passwordEdit"), Qt.Key.Key_Return)
        qtbot.wait(300)
        assert controller.window.sign_in.progress.isVisible()  # it says it is working
        wait_family(qtbot, controller)

        qtbot.mouseClick(find(controller.window, QPushButton, "addTeenButton"), Qt.MouseButton.LeftButton)
        pairing = controller.family.pairing
        qtbot.waitUntil(lambda: pairing.wizard is not None and pairing.wizard.state == "waiting", timeout=WAIT)
        wizard = pairing.wizard
        code = find(wizard, QWidget, "pairingCode").text()

        def teen_accepts() -> None:
            teen.api.accept_pairing(teen.api.redeem_pairing(code).id)

        in_background(teen_accepts)
        qtbot.waitUntil(lambda: wizard.state == "accepted", timeout=3 * WAIT)
        qtbot.mouseClick(find(wizard, QPushButton, "confirmPairingButton"), Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: wizard.state == "active", timeout=3 * WAIT)
        wizard.accept()

        wait_teen_page(qtbot, controller, "Maya")
        qtbot.mouseClick(find(controller.window, QRadioButton, "comments_no_one"), Qt.MouseButton.LeftButton)
        wait_status(qtbot, controller, "comments", "↻ saving…")
        qtbot.waitUntil(
            lambda: controller.window.ensure_controls_page().field_status("comments").startswith("✓ saved"),
            timeout=3 * WAIT,
        )
    print(f"worst event-loop gap: {beat.worst_gap() * 1000:.0f} ms over {len(beat.ticks)} ticks")
    # Every request takes 2 s: a GUI thread that waited on one would stall for at least 2 s, so a
    # gap under 1 s proves it never did. How short the GUI thread's stalls are (a < 50 ms target;
    # 64-107 ms of wall clock here at load 1-3, the controls page's first show) is the benchmark's
    # to measure (tests/benchmarks/stall_rows.py), not a timed test's: on a loaded machine a
    # collection or another process once held this one for 499 ms.
    gap, cpu = beat.worst_gap(), beat.worst_gap_cpu()
    assert gap < 1.0, f"the GUI thread stalled for {gap * 1000:.0f} ms ({cpu * 1000:.0f} ms of it its own CPU)"


def _with_a_second_guardian(qtbot, launch, live_server, proxy, guardian, teen, name: str):
    """Maya linked with this guardian and `name`; the app on her controls page, listening."""
    pair(guardian.api, teen.api)
    controller, page, other = second_guardian_and_the_page(qtbot, launch, live_server, proxy, guardian, teen, name)
    wait_listening(qtbot, controller)
    return controller, page, other


@pytest.mark.usefixtures("real_keyring")
@pytest.mark.parametrize(
    ("name", "marked"),
    [
        ("Alex", "↻ changed by Alex"),
        # The teen's own guardian account, named like her guardian: never "changed by" the
        # guardian's own name, as if they had done it on another computer.
        ("Sam Guardian", "↻ changed by another account named “Sam Guardian”"),
    ],
)
def test_a_change_from_the_other_guardian_appears_and_is_marked(
    qtbot, launch, live_server, proxy, guardian, teen, name, marked
):
    controller, page, other = _with_a_second_guardian(qtbot, launch, live_server, proxy, guardian, teen, name)
    restricted = find(page, QCheckBox, "restricted_mode_check")
    assert not restricted.isChecked()
    teen_id = controller.family.current

    def alex_changes() -> None:
        current = other.api.get_controls(teen_id)
        other.api.patch_controls(teen_id, {"restricted_mode": True}, if_match=current.etag)

    in_background(alex_changes)
    # Pushed by the events feed: the fallback poll comes every 30 s, WAIT is 10 s. How soon is a
    # benchmark's ("another guardian's change to its display here", tests/benchmarks/sync_rows.py).
    qtbot.waitUntil(restricted.isChecked, timeout=WAIT)
    assert page.field_status("restricted_mode").startswith("↻ changed")
    qtbot.waitUntil(lambda: page.field_status("restricted_mode") == marked, timeout=WAIT)
    assert page.rows["restricted_mode"].highlighted()


@pytest.mark.usefixtures("real_keyring")
def test_my_saved_change_replaced_by_the_other_guardian_no_longer_reads_saved(
    qtbot, launch, live_server, proxy, guardian, teen
):
    """Sam's "✓ saved — on Maya's phone" stayed on a setting Alex had changed since (an outside
    tester, after a clash Alex kept): the row vouched for a value no longer in force. It says who
    changed it, also after the page reads the teen again."""
    controller, page, alex = _with_a_second_guardian(qtbot, launch, live_server, proxy, guardian, teen, "Alex")
    restricted = find(page, QCheckBox, "restricted_mode_check")
    teen_id = controller.family.current
    click(qtbot, restricted)
    qtbot.waitUntil(lambda: page.field_status("restricted_mode").startswith("✓ saved"), timeout=WAIT)

    def alex_changes(fields: dict[str, object]) -> None:
        current = alex.api.get_controls(teen_id)
        alex.api.patch_controls(teen_id, fields, if_match=current.etag)

    in_background(lambda: alex_changes({"restricted_mode": False}))
    qtbot.waitUntil(lambda: not restricted.isChecked(), timeout=WAIT)
    qtbot.waitUntil(lambda: page.field_status("restricted_mode") == "↻ changed by Alex", timeout=WAIT)
    search = find(page, QCheckBox, "search_enabled_check")
    in_background(lambda: alex_changes({"search_enabled": not search.isChecked()}))  # the page reads Maya again
    qtbot.waitUntil(lambda: page.field_status("search_enabled") == "↻ changed by Alex", timeout=WAIT)
    assert page.field_status("restricted_mode") == "↻ changed by Alex"


@pytest.mark.usefixtures("real_keyring")
def test_undo_is_not_offered_over_the_other_guardians_later_change(qtbot, launch, live_server, proxy, guardian, teen):
    """Found by an outside tester: after Alex changed the limit Sam had set, Sam's 'Undo "Daily
    screen-time limit"' was still offered, and put Sam's older value back over Alex's without a
    clash. Undo goes from a setting another guardian changed since; the others' stays."""
    controller, page, alex = _with_a_second_guardian(qtbot, launch, live_server, proxy, guardian, teen, "Alex")
    teen_id = controller.family.current
    restricted = find(page, QCheckBox, "restricted_mode_check")
    was = restricted.isChecked()
    click(qtbot, restricted)
    qtbot.waitUntil(lambda: page.field_status("restricted_mode").startswith("✓ saved"), timeout=WAIT)
    click(qtbot, find(page, QRadioButton, "dailyLimit_120"))
    qtbot.waitUntil(lambda: page.field_status("daily_limit_minutes").startswith("✓ saved"), timeout=WAIT)
    assert "Daily screen-time limit" in page.undo_text()

    current = alex.api.get_controls(teen_id)
    in_background(lambda: alex.api.patch_controls(teen_id, {"daily_limit_minutes": 45}, if_match=current.etag))
    qtbot.waitUntil(lambda: page.field_status("daily_limit_minutes") == "↻ changed by Alex", timeout=WAIT)
    assert "Restricted mode" in page.undo_text()  # Sam's own, still in force: still undoable
    page.undo()
    qtbot.waitUntil(lambda: guardian.api.get_controls(teen_id).controls.restricted_mode is was, timeout=WAIT)
    assert page.undo_text() == ""  # nothing left that would set Sam's limit over Alex's
    assert guardian.api.get_controls(teen_id).controls.daily_limit_minutes == 45


@pytest.mark.usefixtures("real_keyring")
def test_when_the_teen_unlinks_the_teen_leaves_the_list_with_a_notice(qtbot, launch, proxy, guardian, teen):
    controller, teen_id = _with_maya(qtbot, launch, proxy, guardian, teen)
    in_background(lambda: teen.api.unlink(teen_id))
    window = controller.window
    qtbot.waitUntil(lambda: window.teen_list.list.count() == 0, timeout=WAIT)
    # The news follows on the next turn (told at once for all who went in one read): a desktop
    # notification, where there is a tray.
    qtbot.waitUntil(
        lambda: (
            ("unlinked", "Maya is no longer linked", "You can no longer see or set Maya's controls.")
            in controller.alerts.shown
        ),
        timeout=WAIT,
    )
    # Without a tray the notice bar says it once, and stays: the news shown over it for 20 s said
    # the same again and hid what was under it (a change not applied: a CI run waited for it in vain).
    assert window.notice.isVisible()
    assert window.notice.text() == "ℹ Maya is no longer linked to you, so their controls were removed here."
    assert window.standing_notice() == window.notice.text()
    # Not "No teen is linked yet", as if there had never been one (an outside tester).
    assert window.no_teen_label.text() == (
        "No teen is linked to you now. Choose “Add a teen” to link a teen's account."
    )
    assert window.teen_list.empty_label.text() == "No teens linked now."


@pytest.mark.usefixtures("real_keyring")
def test_changes_waiting_for_a_teen_who_unlinks_meanwhile_are_said_not_applied(qtbot, launch, proxy, guardian, teen):
    """Found by an outside tester: changes made offline for a teen who unlinked meanwhile were
    refused by the service once it was reached, and vanished with the teen; the notice said only
    that the teen was no longer linked. It says which settings were not set, and nothing is left
    waiting to be sent."""
    controller, teen_id = _with_maya(qtbot, launch, proxy, guardian, teen)
    window = controller.window
    page = window.ensure_controls_page()
    proxy.set_offline(True)  # the guardian's connection only: Maya's phone reaches the service
    click(qtbot, find(page, QRadioButton, "dailyLimit_120"))
    wait_status(qtbot, controller, "daily_limit_minutes", "◷")
    click(qtbot, find(page, QCheckBox, "search_enabled_check"))
    wait_status(qtbot, controller, "search_enabled", "◷")
    in_background(lambda: teen.api.unlink(teen_id)).join()
    proxy.set_offline(False)

    qtbot.waitUntil(lambda: window.teen_list.list.count() == 0, timeout=WAIT)
    # Told in one line, also when one of the two was on its way as the list was read (it is told
    # after its refusal, joined to the other).
    told = (
        "✗ Your changes to Maya's controls were not applied. Maya is no longer linked to you, so FamGuard "
        "could not set daily screen-time limit to 2 h and search to Off."
    )
    qtbot.waitUntil(lambda: told in window.notice.text(), timeout=WAIT)
    notice = window.notice.text()
    assert "Maya is no longer linked to you, so their controls were removed here." in notice  # both said
    assert notice.count("not applied") == 1, notice
    assert controller.session.unsent_changes() == 0  # nothing left "waiting" that can never be sent
    qtbot.waitUntil(lambda: not window.offline_banner.isVisible(), timeout=WAIT)
    assert controller.session.family.take_not_applied() == []  # told once


@pytest.mark.usefixtures("real_keyring")
def test_another_account_becomes_a_guardian_only_with_the_guardians_yes_even_with_the_guardians_name(
    qtbot, launch, live_server, proxy, guardian, teen
):
    """The teen makes a guardian account named like her guardian and pairs it with herself. It
    could change her rules at once; now it waits for the guardian's answer, which the guardian is
    asked for at once, with the name's trick said, and gives from the teen's home."""
    teen_id = pair(guardian.api, teen.api)
    controller = launch()
    sign_in(qtbot, controller, proxy.url, guardian)
    wait_home(qtbot, controller, "Maya")
    window = controller.window
    section = window.ensure_home_page().section(GuardianRequestsSection)
    assert section.isHidden()  # nobody asks
    wait_listening(qtbot, controller)
    namesake = member(live_server, "guardian", "Sam Guardian")  # the teen's second account
    asked = []
    in_background(lambda: asked.append(ask_to_pair(namesake.api, teen.api)))
    qtbot.waitUntil(lambda: bool(asked), timeout=WAIT)
    assert asked[0].status.value == "approval"
    asking = "Another account named “Sam Guardian”, not yours, asks to become a guardian of Maya"
    qtbot.waitUntil(lambda: any(told[1] == asking for told in controller.alerts.shown), timeout=WAIT)
    qtbot.waitUntil(section.isVisible, timeout=WAIT)
    assert "“Sam Guardian” asked today at" in section.text()
    assert "This account carries your name, but it is not yours." in section.text()
    with pytest.raises(NotFound):  # it can see nothing of Maya meanwhile
        namesake.api.get_controls(teen_id)

    # "Approve…" asks first, and Enter keeps things as they are (the safe answer).
    qtbot.mouseClick(find(section, QPushButton, "approveGuardianButton"), Qt.MouseButton.LeftButton)
    questions = controller.family.guardian_requests
    qtbot.waitUntil(lambda: questions.question is not None and questions.question.isVisible(), timeout=WAIT)
    question = questions.question
    assert question.text() == "Let “Sam Guardian” become a guardian of Maya?"
    assert question.defaultButton().text() == "&Not now"
    qtbot.keyClick(question, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: questions.question is None, timeout=WAIT)
    assert guardian.api.guardian_requests(teen_id)[0].guardian_id == namesake.id  # still only asked

    qtbot.mouseClick(find(section, QPushButton, "approveGuardianButton"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: questions.question is not None and questions.question.isVisible(), timeout=WAIT)
    approve = next(b for b in questions.question.buttons() if b.text() == "&Approve")
    qtbot.mouseClick(approve, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "✓ “Sam Guardian” is now a guardian of Maya" in section.text(), timeout=WAIT)
    title = "Another account named “Sam Guardian”, not yours, is now a guardian of Maya"
    qtbot.waitUntil(lambda: any(told[1] == title for told in controller.alerts.shown), timeout=WAIT)
    assert window.notice.isVisible() and title in window.notice.text()
    # Its first change right after: said under the news in the window's bar, never in its place.
    etag = namesake.api.get_controls(teen_id).etag
    in_background(lambda: namesake.api.patch_controls(teen_id, {"search_enabled": False}, if_match=etag))
    qtbot.waitUntil(lambda: "changed Maya's controls" in window.notice.text(), timeout=WAIT)
    # The news so far, kept in the order it came; the question, answered, is no longer asked there
    # (its call to "Answer on Maya's home" stayed above its answer until dismissed).
    lines = window.notice.text().splitlines()
    assert [line.split(". ")[0] for line in lines] == [
        f"⚠ {title}",
        "↻ Another account named “Sam Guardian” changed Maya's controls",
    ]
    assert lines[0].endswith("every change they make is in the change history.")  # a person is "they"
    assert lines[1].endswith(". Search: Off")
    pair(guardian.api, teen.api)  # the guardian pairing again is no news, and asks nobody

    # Another account asks; "Refuse" answers at once, and it is linked with nothing.
    alex = member(live_server, "guardian", "Alex")
    in_background(lambda: ask_to_pair(alex.api, teen.api))
    refuse = "refuseGuardianButton"
    shown = lambda: "“Alex” asked today" in section.text() and section.findChild(QPushButton, refuse) is not None  # noqa: E731
    qtbot.waitUntil(shown, timeout=WAIT)
    qtbot.waitUntil(lambda: "“Alex” asks to become a guardian of Maya" in window.notice.text(), timeout=WAIT)
    qtbot.mouseClick(find(section, QPushButton, refuse), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "✓ Refused: “Alex” is not a guardian of Maya" in section.text(), timeout=WAIT)
    qtbot.waitUntil(lambda: "“Alex” asks" not in window.notice.text(), timeout=WAIT)  # answered: not asked there
    assert alex.api.teens() == []
    assert [told[1] for told in controller.alerts.shown if told[0] == "guardian_joined"] == [
        asking,
        title,
        "“Alex” asks to become a guardian of Maya",
    ]
    assert teen_id == controller.family.current


@pytest.mark.usefixtures("real_keyring")
def test_a_run_of_changes_elsewhere_is_told_once_then_once_with_what_changed_meanwhile(
    qtbot, launch, live_server, proxy, guardian, teen, monkeypatch
):
    """Another guardian account (a teen's own can be one) switching a setting over and over: each
    change was a desktop notification, two a second within the write budget."""
    monkeypatch.setattr("famguard.ui.home_presenter.CHANGED_QUIET_MS", 5000)
    # Following the events: the changes below must be news to it, not its first read.
    controller, teen_id, other = _sam_and_alex(qtbot, launch, live_server, proxy, guardian, teen)
    home = controller.family.home

    def told() -> list[str]:
        return [text for kind, _title, text in controller.alerts.shown if kind == "changed"]

    etag = other.api.get_controls(teen_id).etag
    for on in (False, True, False, True, False):  # each one seen by the app before the next
        etag = other.api.patch_controls(teen_id, {"search_enabled": on}, if_match=etag).etag
        qtbot.waitUntil(lambda on=on: home.inputs[teen_id].controls.search_enabled is on, timeout=WAIT)
    other.api.patch_controls(teen_id, {"restricted_mode": True}, if_match=etag)
    qtbot.waitUntil(lambda: home.inputs[teen_id].controls.restricted_mode, timeout=WAIT)
    qtbot.waitUntil(lambda: len(told()) >= 1, timeout=WAIT)  # once the history said who
    assert told() == ["Search: Off"]  # at once, then nothing more within the quiet time
    qtbot.waitUntil(lambda: len(told()) == 2, timeout=WAIT)
    assert told() == ["Search: Off", "Search: Off; Restricted mode: On"]  # each with its value by then


class _RecordingTray(QSystemTrayIcon):
    """A real tray icon that records the messages it is asked to show instead of sending them to
    the desktop's notification server: under Xvfb (and offscreen) no tray host runs, so no message
    could be shown or seen here."""

    def __init__(self) -> None:
        super().__init__()
        self.messages: list[tuple[str, str]] = []

    def supportsMessages(self) -> bool:  # noqa: N802 - QSystemTrayIcon's name
        return True

    def showMessage(self, title: str, text: str, *_rest: object) -> None:  # type: ignore[override]  # noqa: N802
        self.messages.append((title, text))


@pytest.mark.usefixtures("real_keyring")
def test_a_notification_carries_no_markup_from_a_name_someone_else_chose(qtbot, launch, proxy, guardian, live_server):
    """A teen names herself with a link; her guardian's desktop notification must not become one
    (notification servers with the body-markup capability read <a href>, <img>, <b>)."""
    name = 'Maya<a href="https://evil.example/">Tap to approve</a>'
    teen = member(live_server, "teen", name, address="maya@example.org", age=14)
    pair(guardian.api, teen.api)
    controller = launch()
    sign_in(qtbot, controller, proxy.url, guardian)
    qtbot.waitUntil(lambda: controller.family is not None and controller.family.current is not None, timeout=WAIT)
    recorder = _RecordingTray()
    controller.alerts.tray = recorder
    teen_id = controller.family.current
    wait_listening(qtbot, controller)
    in_background(lambda: teen.api.unlink(teen_id))
    qtbot.waitUntil(lambda: recorder.messages != [], timeout=WAIT)
    title, text = recorder.messages[0]
    assert "<" not in title + text
    assert title == 'Maya\u2039a href="https://evil.example/">Tap to approve\u2039/a> is no longer linked'
    assert ("unlinked", f"{name} is no longer linked", f"You can no longer see or set {name}'s controls.") in (
        controller.alerts.shown
    )  # what the guardian was told, as the name is


@pytest.mark.usefixtures("real_keyring")
def test_a_guardian_past_the_write_budget_is_told_the_sync_waits_not_that_they_are_offline(qtbot, launch, database_url):
    """The service's write budget (famguard/server/write_budget.py) spent — by a script here, as no
    one clicks 120 changes a minute — the next change in the app waits in the outbox, and the
    banner says the sync is paused until when and that the change is kept: not "offline"."""
    from famguard.server.write_budget import WRITES_PER_MINUTE
    from famguard.services.sync import CURSOR_KEY
    from tests.support.servers import FakeClock, LocalServer

    clock = FakeClock.real_now()
    with LocalServer(database_url, clock=clock) as server:
        guardian = member(server.url, "guardian", "Sam Guardian", address="sam@example.org")
        teen = member(server.url, "teen", "Maya", address="maya@example.org", age=14)
        teen_id = pair(guardian.api, teen.api)
        controller = launch()
        sign_in(qtbot, controller, server.url, guardian)
        wait_teen_page(qtbot, controller, "Maya")
        clock.advance(minutes=1)  # the pairing and the sign-in's reads behind; a minute of its own
        for n in range(WRITES_PER_MINUTE):
            current = guardian.api.get_controls(teen_id)
            guardian.api.patch_controls(teen_id, {"daily_limit_minutes": 100 + n}, if_match=current.etag)
        window = controller.window
        qtbot.waitUntil(lambda: window.ensure_controls_page().isEnabled(), timeout=WAIT)
        qtbot.keyClick(find(window, QCheckBox, "search_enabled_check"), Qt.Key.Key_Space)
        banner = window.offline_banner
        qtbot.waitUntil(lambda: banner.isVisible() and banner.text().startswith("◷ Sync paused until "), timeout=WAIT)
        assert "1 change is waiting and will be sent then." in banner.text() and "offline" not in banner.text()
        assert banner.accessibleName() == "Sync paused"
        # The service answers the app's other calls meanwhile (Maya's phone reports: an event the
        # app's poll gets): the pause still holds, and so do its words (the poll's answer ended it,
        # and the app asked again at once, to be refused again).
        session = controller.family.session
        cursor = session.store.get_meta(CURSOR_KEY)
        teen.api.report_usage(teen.api.my_usage().date, 30)
        qtbot.waitUntil(lambda: session.store.get_meta(CURSOR_KEY) != cursor, timeout=WAIT)  # the poll answered
        qtbot.wait(500)
        assert banner.isVisible() and banner.text().startswith("◷ Sync paused until ")
        assert teen.api.my_controls().controls.search_enabled is True  # not saved: it waits
        assert controller.family.session.unsent_changes() == 1


@pytest.mark.usefixtures("real_keyring")
def test_sign_out_warns_about_unsent_changes(qtbot, launch, proxy, guardian, teen, monkeypatch):
    pair(guardian.api, teen.api)
    controller = launch()
    sign_in(qtbot, controller, proxy.url, guardian)
    wait_teen_page(qtbot, controller, "Maya")
    proxy.set_offline(True)
    qtbot.keyClick(find(controller.window, QCheckBox, "search_enabled_check"), Qt.Key.Key_Space)
    wait_status(qtbot, controller, "search_enabled", "◷")
    asked: list[str] = []
    real_exec = QMessageBox.exec

    def answer(box: QMessageBox) -> int:  # the real dialog, answered like a user would
        asked.append(box.text())
        stay = next(b for b in box.buttons() if "Stay" in b.text())
        QTimer.singleShot(0, stay.click)
        return real_exec(box)

    monkeypatch.setattr(QMessageBox, "exec", answer)
    controller.window.sign_out_action.trigger()
    qtbot.waitUntil(lambda: bool(asked), timeout=WAIT)
    assert asked == ["1 change has not reached the service yet: Maya's “Search”."]
    assert controller.session is not None and controller.window.current_screen() == "familyView"


def _recording_backend():
    from keyring.backends import fail

    class RecordingKeyring(fail.Keyring):
        """keyring's `fail` backend that also notes every use: the demo must make none."""

        def __init__(self) -> None:
            super().__init__()
            self.calls: list[str] = []

        def get_password(self, service: str, username: str) -> None:
            self.calls.append(f"get {service}")
            return super().get_password(service, username)

        def set_password(self, service: str, username: str, password: str) -> None:
            self.calls.append(f"set {service}")
            super().set_password(service, username, password)

        def delete_password(self, service: str, username: str) -> None:
            self.calls.append(f"delete {service}")
            super().delete_password(service, username)

    return RecordingKeyring()


@pytest.fixture
def recording_keyring(monkeypatch: pytest.MonkeyPatch):
    import keyring

    from famguard.credentials.store import CredentialStore

    # An earlier test's keyring call still on its thread (its app's "can a sign-in be kept here?"
    # check, slow under load) would land on this backend: its "delete" was noted as the demo's.
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(
        t.name == "famguard-keyring" and t.is_alive() for t in threading.enumerate()
    ):
        time.sleep(0.02)
    previous = keyring.get_keyring()
    backend = _recording_backend()
    keyring.set_keyring(backend)
    # The store refuses a backend that is not on its allow-list before calling it, so every use
    # of the store is noted too (the demo must make none of either).
    original_call = CredentialStore._call

    def noted(store: CredentialStore, fn):  # noqa: ANN001, ANN202 - CredentialStore._call's own
        backend.calls.append("store call")
        return original_call(store, fn)

    monkeypatch.setattr(CredentialStore, "_call", noted)
    try:
        yield backend
    finally:
        keyring.set_keyring(previous)


@pytest.mark.slow
def test_demo_starts_pairs_from_the_teen_panel_and_resets_without_the_users_keyring_or_data(
    qtbot, launch, recording_keyring, data_dir
):
    controller = launch(demo=True)
    window = controller.window
    wait_family(qtbot, controller)
    qtbot.waitUntil(lambda: window.teen_list.list.count() == 2, timeout=WAIT)
    assert window.demo_badge.isVisible() and window.windowTitle().startswith("FamGuard")
    names = sorted(window.teen_list.item_text(window.teen_list.list.item(i).data(Qt.ItemDataRole.UserRole + 1))
                   for i in range(2))  # fmt: skip
    assert names[0].startswith("Maya, 14") and names[1].startswith("Sam, 17")
    # The phone panel comes with the practice service, after the family drawn from the store.
    qtbot.waitUntil(lambda: window.teen_phone is not None, timeout=WAIT)
    panel = window.teen_phone
    qtbot.waitUntil(lambda: panel.isVisible() and "Comments" in panel.effective_text(), timeout=WAIT)

    # the guardian asks for a code; the teen's phone panel enters and accepts it
    add_a_teen(qtbot, window)
    pairing = controller.family.pairing
    qtbot.waitUntil(lambda: pairing.wizard is not None and pairing.wizard.state == "waiting", timeout=WAIT)
    wizard = pairing.wizard
    code_edit = find(panel, QLineEdit, "teenCodeEdit")
    qtbot.keyClicks(code_edit, find(wizard, QWidget, "pairingCode").text().lower())
    qtbot.keyClick(code_edit, Qt.Key.Key_Return)
    accept = find(panel, QPushButton, "teenAcceptButton")
    qtbot.waitUntil(accept.isVisible, timeout=WAIT)
    assert "Alex Morgan wants to link" in find(panel, QWidget, "teenPairingMessage").text()
    qtbot.mouseClick(accept, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: wizard.state == "accepted", timeout=WAIT)
    qtbot.mouseClick(find(wizard, QPushButton, "confirmPairingButton"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: wizard.state == "active", timeout=WAIT)
    wizard.accept()

    # a change by the guardian shows on the teen's phone by itself
    qtbot.waitUntil(lambda: controller.family is not None and controller.family.current is not None, timeout=WAIT)
    controller.window.teen_list.select(next(t for t, r in controller.family.teens.items() if r.name == "Maya"))
    wait_teen_page(qtbot, controller, "Maya")
    qtbot.mouseClick(find(window, QRadioButton, "dailyLimit_120"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "2 h" in panel.effective_text(), timeout=WAIT)

    # the teen asks for more time from the phone panel; the guardian sees it and answers
    reason = find(panel, QLineEdit, "teenReasonEdit")
    qtbot.keyClicks(reason, "one more episode")
    qtbot.mouseClick(find(panel, QPushButton, "teenMoreButton"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Asked for 30 min more" in find(panel, QWidget, "teenUsageMessage").text(), timeout=WAIT)
    requests = controller.window.ensure_home_page().requests
    controller.window.show_page("home")
    qtbot.waitUntil(
        lambda: any("one more episode" in w.text() for w in requests.findChildren(QWidget, "timeRequestText")),
        timeout=WAIT,
    )

    # reset: back to the known family, on a fresh practice service
    first_url = controller.demo_env.base_url
    asked = answer_next_question(qtbot, "Reset demo")
    qtbot.mouseClick(find(window, QPushButton, "resetDemoButton"), Qt.MouseButton.LeftButton)
    assert asked == [("Reset the demo to the practice family as it started?", asked[0][1])]
    # Meanwhile not the old family's values (they stood ~1.5 s beside an empty list: a support agent).
    assert window.teen_pages.currentWidget() is window.no_teen
    assert window.no_teen_label.text() == "Starting the practice family again…"
    qtbot.waitUntil(lambda: controller.demo_env is not None and controller.demo_env.base_url != first_url, timeout=WAIT)
    wait_family(qtbot, controller)
    qtbot.waitUntil(lambda: window.teen_list.list.count() == 2, timeout=WAIT)
    qtbot.waitUntil(lambda: "1 h 30 min" in panel.effective_text() or "1 h" in panel.effective_text(), timeout=WAIT)
    assert "2 h" not in panel.effective_text().split("Daily screen-time limit")[1].split("</tr>")[0]

    controller.shutdown()
    assert recording_keyring.calls == []
    assert not data_dir.exists(), "the demo wrote into the user's data directory"


@pytest.mark.slow
@pytest.mark.usefixtures("failing_keyring")
def test_try_the_demo_from_the_welcome_screen_then_sign_out_returns_to_a_real_sign_in(qtbot, launch, monkeypatch):
    controller = launch()
    window = controller.window
    qtbot.waitUntil(lambda: controller.sessions is not None, timeout=WAIT)
    real_sessions = controller.sessions
    qtbot.mouseClick(find(window, QPushButton, "demoChoice"), Qt.MouseButton.LeftButton)
    wait_family(qtbot, controller)
    qtbot.waitUntil(lambda: window.teen_list.list.count() == 2, timeout=WAIT)
    assert controller.sessions is not real_sessions and controller.sessions.credentials is None  # memory only

    def sign_out_anyway(box: QMessageBox) -> int:
        assert box.text() == "Sign out and end the demo?"  # not a plain sign-out: it ends the demo
        button = next(b for b in box.buttons() if "End the demo" in b.text().replace("&", ""))
        QTimer.singleShot(0, button.click)
        return real_exec(box)

    real_exec = QMessageBox.exec
    monkeypatch.setattr(QMessageBox, "exec", sign_out_anyway)
    qtbot.waitUntil(lambda: controller.teen_phone is not None, timeout=WAIT)  # the demo's phone is up
    phone = window.teen_phone.toggleViewAction()
    home = next(a for a in window.view_menu.actions() if a.objectName() == "viewPage_home")
    qtbot.waitUntil(home.isEnabled, timeout=WAIT)
    assert window.inbox_action.isEnabled() and phone.isEnabled()
    window.sign_out_action.trigger()
    qtbot.waitUntil(lambda: window.current_screen() == "welcomeView", timeout=WAIT)
    qtbot.waitUntil(lambda: controller.demo_env is None and controller.sessions is real_sessions, timeout=WAIT)
    assert not window.demo_badge.isVisible() and window.windowTitle() == "FamGuard"
    # Nothing of the family or the demo's phone is left to open: the View menu's pages, the inbox
    # and the phone (Ctrl+T showed it, its buttons answering nothing) are off.
    assert not [a.text() for a in window.view_menu.actions() if a.isEnabled() and not a.isSeparator()]
    assert window.inbox_action.text() == "&Requests inbox"  # not "(1)": Sam's request was the demo's
    phone.trigger()
    qtbot.wait(100)
    assert not window.teen_phone.isVisible()


@pytest.mark.usefixtures("real_keyring")
def test_an_idle_app_waits_on_the_events_instead_of_polling(qtbot, launch, proxy, guardian, teen) -> None:
    pair(guardian.api, teen.api)
    controller = launch()
    sign_in(qtbot, controller, proxy.url, guardian)
    wait_teen_page(qtbot, controller, "Maya")
    qtbot.wait(1500)  # let the start-up requests settle
    before = len(proxy.requests)
    qtbot.wait(3000)
    idle = proxy.requests[before:]
    assert len(idle) <= 3, idle  # at most the events long-poll coming back around


@pytest.mark.usefixtures("real_keyring")
def test_a_request_for_more_time_shows_up_and_can_be_approved(qtbot, launch, proxy, guardian, teen) -> None:
    pair(guardian.api, teen.api)
    controller = launch()
    sign_in(qtbot, controller, proxy.url, guardian)
    wait_teen_page(qtbot, controller, "Maya")
    wait_listening(qtbot, controller)
    in_background(lambda: teen.api.ask_for_time(20, "finishing a school project"))
    box = controller.window.ensure_home_page().requests
    controller.window.show_page("home")
    qtbot.waitUntil(lambda: box.isVisible() and box.pending_count() == 1, timeout=WAIT)
    assert "finishing a school project" in find(box, QWidget, "timeRequestText").text()
    qtbot.mouseClick(find(box, QPushButton, "approve_30"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not box.isVisible(), timeout=WAIT)
    (request,) = teen.api.my_time_requests()
    assert (request.status.value, request.granted_minutes) == ("approved", 30)
    row = controller.window.teen_list
    qtbot.waitUntil(lambda: "1 h 30 min today" in row.item_text(controller.family.current), timeout=WAIT)


@pytest.mark.usefixtures("real_keyring")
def test_the_guardian_unlinks_a_teen_after_confirming(qtbot, launch, proxy, guardian, teen, monkeypatch) -> None:
    pair(guardian.api, teen.api)
    controller = launch()
    sign_in(qtbot, controller, proxy.url, guardian)
    wait_teen_page(qtbot, controller, "Maya")
    questions: list[str] = []

    real_exec = QMessageBox.exec

    def unlink(box: QMessageBox) -> int:  # the real question, answered "Unlink" like a guardian would
        questions.append(box.text())
        button = next(b for b in box.buttons() if b.text().replace("&", "").startswith("Unlink"))
        QTimer.singleShot(0, button.click)
        return real_exec(box)

    monkeypatch.setattr(QMessageBox, "exec", unlink)
    # Not the second half of a double click (test_deliberate); Qt's timers may end a wait ~5 % early.
    qtbot.wait(QApplication.doubleClickInterval() + 100)
    qtbot.mouseClick(find(controller.window, QPushButton, "unlinkButton"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: controller.window.teen_list.list.count() == 0, timeout=WAIT)
    assert questions and "Unlink Maya?" in questions[0]
    assert "Maya is no longer linked" in controller.window.notice.text()
    assert teen.api.my_guardians() == []


@pytest.mark.slow
def test_the_teen_panel_says_when_the_days_requests_for_time_are_used_up(qtbot, launch) -> None:
    """Ten requests for more time in 24 hours (each alerts every guardian); the eleventh gets a
    message that says why and when, and reaches no guardian. (Each a different question: the same
    one again while it waits is that one, asked once.)"""
    controller, window, panel = demo_with_phone(qtbot, launch)
    message, ask = find(panel, QWidget, "teenUsageMessage"), find(panel, QPushButton, "teenMoreButton")
    for minutes in range(10, 60, 5):  # under an hour each: said "Asked for 55 min more"
        message.setText("")
        panel.more_spin.setValue(minutes)
        qtbot.mouseClick(ask, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: f"Asked for {minutes} min more" in message.text(), timeout=WAIT)  # noqa: B023
    panel.more_spin.setValue(90)
    qtbot.mouseClick(ask, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: message.text().startswith("✗"), timeout=WAIT)
    assert "asked for more time 10 times in the last 24 hours" in message.text()
    assert "Try again after" in message.text() and "tomorrow" in message.text()
    maya = next(t for t, r in controller.family.teens.items() if r.name == "Maya")
    asked = controller.session.api.time_requests(maya)  # the practice service's own list
    assert len(asked) == 10 + 1  # the ten of today and the one approved two days ago; not the eleventh


@pytest.mark.usefixtures("real_keyring")
def test_the_home_lists_who_manages_the_teen_by_account(qtbot, launch, live_server, proxy, guardian, teen):
    """The home says who can change the rules: "you" by account, so the teen's second account made
    a guardian with the guardian's own name reads as the other account it is — also on a computer
    that was not running when it joined (no notification reached it)."""
    teen_id = pair(guardian.api, teen.api)
    namesake = member(live_server, "guardian", "Sam Guardian")  # the teen's second account
    pair(namesake.api, teen.api, approver=guardian.api)
    controller = launch()
    sign_in(qtbot, controller, proxy.url, guardian)
    wait_teen_page(qtbot, controller, "Maya")
    line = find(controller.window.ensure_home_page(), QWidget, "homeGuardians")
    qtbot.waitUntil(lambda: not line.isHidden() and line.text().startswith("Guardians: "), timeout=WAIT)
    assert line.text() == "Guardians: you (since today), Sam Guardian (since today)"
    assert line.accessibleDescription() == line.text()

    alex = member(live_server, "guardian", "Alex")
    in_background(lambda: pair(alex.api, teen.api, approver=guardian.api))  # joins while the app is open
    qtbot.waitUntil(lambda: line.text().endswith(", Alex (since today)"), timeout=WAIT)
    assert teen_id == controller.family.current


@pytest.mark.usefixtures("real_keyring")
def test_linked_again_the_notice_that_the_teen_is_no_longer_linked_goes(qtbot, launch, proxy, guardian, teen):
    """Found by an outside tester: "ℹ Maya is no longer linked to you, so their controls were
    removed here." stayed under the page while Maya, paired again, was back in the list."""
    controller, teen_id = _with_maya(qtbot, launch, proxy, guardian, teen)
    window = controller.window
    in_background(lambda: teen.api.unlink(teen_id))
    qtbot.waitUntil(lambda: window.teen_list.list.count() == 0, timeout=WAIT)
    assert "Maya is no longer linked" in window.notice.text()

    in_background(lambda: pair(guardian.api, teen.api))
    qtbot.waitUntil(lambda: window.teen_list.list.count() == 1, timeout=WAIT)
    qtbot.waitUntil(
        lambda: "no longer linked" not in window.notice.text() or not window.notice.isVisible(), timeout=WAIT
    )
    assert "no longer linked" not in (window.standing_notice() or "")  # nor waiting to come back
    for _said in range(5):  # what else was said meanwhile, dismissed in turn: never that she is not linked
        if not window.notice.isVisible():
            break
        assert "no longer linked" not in window.notice.text()
        dismiss_notice(qtbot, window)


@pytest.mark.usefixtures("real_keyring")
def test_when_another_guardian_leaves_the_home_and_the_guardian_are_told_at_once(
    qtbot, launch, live_server, proxy, guardian, teen
):
    """Found by an outside tester: Alex unlinked from Maya; Sam's home kept "Guardians: you …,
    Alex (since today)" until a restart, and nobody was told, while the history and "what Maya
    sees" already said Alex had gone."""
    controller, teen_id, alex = _sam_and_alex(qtbot, launch, live_server, proxy, guardian, teen)
    line = find(controller.window.ensure_home_page(), QWidget, "homeGuardians")
    qtbot.waitUntil(lambda: line.text() == "Guardians: you (since today), Alex (since today)", timeout=WAIT)

    in_background(lambda: alex.api.unlink(teen_id))
    qtbot.waitUntil(lambda: line.text() == "Guardians: you (since today)", timeout=WAIT)
    told = ("unlinked", "“Alex” is no longer a guardian of Maya",
            "They can no longer see or change Maya's rules. The change history keeps what they did.")  # fmt: skip
    qtbot.waitUntil(lambda: told in controller.alerts.shown, timeout=WAIT)
    assert "“Alex” is no longer a guardian of Maya" in controller.window.notice.text()
    assert controller.window.teen_list.list.count() == 1  # Maya is still this guardian's


@pytest.mark.usefixtures("real_keyring")
def test_undo_does_not_outlive_the_link(qtbot, launch, proxy, guardian, teen):
    """Found by an outside tester: after unlinking and linking again, "Undo “Keyword filters”"
    was still offered, pointing at a change made under the link that had ended."""
    controller, teen_id = _with_maya(qtbot, launch, proxy, guardian, teen)
    window = controller.window
    window.show_page("controls")
    page = window.ensure_controls_page()
    qtbot.mouseClick(find(page, QRadioButton, "liked_videos_friends"), Qt.MouseButton.LeftButton)
    wait_status(qtbot, controller, "liked_videos", "✓ saved")
    assert page.undo_button.isEnabled()

    in_background(lambda: teen.api.unlink(teen_id))
    qtbot.waitUntil(lambda: window.teen_list.list.count() == 0, timeout=WAIT)
    in_background(lambda: pair(guardian.api, teen.api))
    qtbot.waitUntil(lambda: window.teen_list.list.count() == 1, timeout=WAIT)
    window.teen_list.list.setCurrentRow(0)
    window.show_page("controls")
    qtbot.waitUntil(lambda: page.teen_id == teen_id, timeout=WAIT)
    assert not page.undo_button.isEnabled()


@pytest.mark.usefixtures("real_keyring")
def test_a_request_answered_first_by_the_other_guardian_says_who_and_what(
    qtbot, launch, live_server, proxy, guardian, teen
):
    """Found by an outside tester: losing the race to answer said only "Another guardian answered
    this request first" — not who, nor what Maya got. (The answer is sent as the home's button
    sends it, with the request as the home had it before Alex's answer reached this computer.)"""
    controller, teen_id, alex = _sam_and_alex(qtbot, launch, live_server, proxy, guardian, teen)
    asked = teen.api.ask_for_time(30, "one more level")
    alex.api.decide_time_request(asked.id, True, 15)
    controller.family.requests.decide(asked, True, 30)
    window = controller.window
    qtbot.waitUntil(lambda: "answered the request for 30 min first" in window.notice.text(), timeout=WAIT)
    assert window.notice.text() == "ℹ “Alex” answered the request for 30 min first: 15 min more."
    assert sum(r.granted_minutes or 0 for r in guardian.api.time_requests(teen_id) if r.id == asked.id) == 15


def _sam_and_alex(qtbot, launch, live_server, proxy, guardian, teen):
    """Maya (`teen`) linked with this app's guardian and with Alex, another guardian; the app signed
    in on Maya's page, following the events. Returns (controller, Maya's id, Alex)."""
    alex = member(live_server, "guardian", "Alex")
    controller, teen_id = _with_maya(qtbot, launch, proxy, guardian, teen, alex)
    return controller, teen_id, alex


@pytest.mark.usefixtures("real_keyring")
def test_a_change_of_mine_the_service_refused_is_not_told_as_a_change_made_elsewhere(
    qtbot, launch, proxy, guardian, teen, monkeypatch
):
    """Maya unlinked while the guardian's change was on its way: the service refused it (404), its
    row said so, and the home told the setting's return to the service's value as "↻ Maya's
    controls were changed elsewhere" — a change nobody made, shown over the notice of the changes
    not applied (a CI run waited for that notice in vain). The list's read of the teens is held
    here so that the refusal comes first, as it did there."""
    from famguard.ui.home_presenter import News

    controller, teen_id = _with_maya(qtbot, launch, proxy, guardian, teen)
    window, family = controller.window, controller.family
    told: list[tuple[str, str]] = []
    news = family.home.on_news
    monkeypatch.setattr(
        family.home, "on_news", lambda kind, title, *rest: (told.append((kind, title)), news(kind, title, *rest))
    )
    teens_read = threading.Event()
    refresh_teens = controller.session.family.refresh_teens
    monkeypatch.setattr(controller.session.family, "refresh_teens", lambda: (teens_read.wait(30), refresh_teens())[1])
    in_background(lambda: teen.api.unlink(teen_id)).join()

    page = window.ensure_controls_page()
    click(qtbot, find(page, QRadioButton, "dailyLimit_120"))
    qtbot.waitUntil(lambda: page.field_status("daily_limit_minutes").startswith("✗"), timeout=WAIT)
    qtbot.waitUntil(lambda: ("home", teen_id) not in family.home._reading, timeout=WAIT)
    qtbot.wait(300)  # the news of a change elsewhere waits for the history's answer
    assert not [title for kind, title in told if kind == News.CHANGED], told

    teens_read.set()
    qtbot.waitUntil(lambda: "not applied" in window.notice.text(), timeout=WAIT)
    assert not [title for kind, title in told if kind == News.CHANGED], told


def _with_maya(qtbot, launch, proxy, guardian, teen, *other_guardians):
    """Maya (`teen`) linked with this app's guardian (and each of `other_guardians`, approved by
    it); the app signed in on Maya's page, following the events. Returns (controller, Maya's id)."""
    teen_id = pair(guardian.api, teen.api)
    for other in other_guardians:
        pair(other.api, teen.api, approver=guardian.api)
    controller = launch()
    sign_in(qtbot, controller, proxy.url, guardian)
    wait_teen_page(qtbot, controller, "Maya")
    wait_listening(qtbot, controller)
    return controller, teen_id


def test_changes_not_applied_told_in_two_turns_are_said_in_one_line(qtbot, launch) -> None:
    """A change on its way as Maya went from the list is told after the service refused it,
    a moment after the others: it made a second "Your change to Maya's controls was not applied"
    line under the first (seen in a CI run). It joins the line still shown. The stand-in: the
    store's two answers given to the list's presenter as the app gives them."""
    from famguard.domain.sync import NotApplied

    from .test_flows import demo_at

    controller, window, _panel = demo_at(qtbot, launch, "Maya")
    teens = controller.family.teen_list
    maya = next(t for t, r in controller.family.teens.items() if r.name == "Maya")
    teens._told_not_applied([NotApplied(maya, "Maya", {"search_enabled": False})])
    teens._told_not_applied([NotApplied(maya, "Maya", {"daily_limit_minutes": 120})])
    assert window.notice.text() == (
        "✗ Your changes to Maya's controls were not applied. Maya is no longer linked to you, so FamGuard could "
        "not set daily screen-time limit to 2 h and search to Off."
    )


def test_teens_gone_together_are_named_together(qtbot, launch) -> None:
    """Two teens no longer linked in one read (a change kept while the app was closed, the service
    started anew): the notice named Sam alone — each teen's notice hid the one before (an outside
    tester). The stand-in: the cached family read back without them, as the app reads it."""
    from .test_flows import WAIT, demo_at

    controller, window, _panel = demo_at(qtbot, launch, "Maya")
    alerts = controller.family.alerts
    told = len(alerts.shown)
    controller.family.teen_list._show([])
    qtbot.waitUntil(lambda: len(alerts.shown) > told, timeout=WAIT)
    qtbot.wait(100)  # anything told after it
    assert alerts.shown[told:] == [
        ("unlinked", "Maya and Sam are no longer linked", "You can no longer see or set their controls.")
    ]
