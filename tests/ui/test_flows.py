"""End-to-end: the real app (MainWindow + AppController + services) against the real reference
server over loopback HTTP, a real SQLite file per account, and a real Secret Service keyring,
driven through its widgets with qtbot like a guardian would."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QLineEdit, QPushButton, QRadioButton, QWidget

from famguard.domain.controls import Audience
from famguard.domain.sync import OPEN_STATES
from tests.support.accounts import PASSWORD, Member, member, pair

from .conftest import stop_app

WAIT = 10000  # ms; generous for a loaded 2-core CI box, the flows take well under a second


def find(root: QWidget, kind: type, name: str):
    widget = root.findChild(kind, name)
    assert widget is not None, f"no {kind.__name__} named {name!r}"
    return widget


def dismiss_notice(qtbot, window) -> None:
    """The notice bar's Dismiss, clicked once a person could: its buttons take no press for a
    moment after the notice appeared, changed or moved (famguard.ui.banners.BANNER_SETTLE_MS)."""
    from famguard.ui.banners import BANNER_SETTLE_MS

    qtbot.wait(BANNER_SETTLE_MS + 50)
    qtbot.mouseClick(window.notice.close_button, Qt.MouseButton.LeftButton)


def click(qtbot, widget: QWidget, key: Qt.Key | None = None) -> None:
    """Click `widget` (or press `key` on it) once a person could: when it is shown and enabled.
    A click on a hidden or disabled widget is lost or lands where no one could click, and the
    wait before it may have been for something else (the page, not the button that shows up on
    it later): "End now…" was clicked while hidden and the question never came (a06eddc)."""
    qtbot.waitUntil(lambda: widget.isVisible() and widget.isEnabled(), timeout=WAIT)
    if key is None:
        qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)
    else:
        qtbot.keyClick(widget, key)


def add_a_teen(qtbot, window) -> None:
    """Account → "Add a teen…", as a person does in the demo: its list of teens, and the list's
    "Add a teen" button with it, folds away beside the docked phone on a narrow screen
    (MainWindow._fit_family_within_screen), or not yet, depending on when the phone docked."""
    qtbot.waitUntil(window.add_teen_action.isEnabled, timeout=WAIT)
    window.add_teen_action.trigger()


def sign_in(qtbot, controller, server: str, person: Member, *, keep: bool = True, password: str | None = None) -> None:
    fill_sign_in(qtbot, controller, server, person, keep=keep, password=password)
    qtbot.keyClick(find(controller.window, QLineEdit, "passwordEdit"), Qt.Key.Key_Return)


def fill_sign_in(
    qtbot, controller, server: str, person: Member, *, keep: bool = True, password: str | None = None
) -> None:
    """Type the sign-in form, without sending it."""
    window = controller.window
    qtbot.waitUntil(lambda: controller.sessions is not None, timeout=WAIT)
    if window.current_screen() != "signInView":  # the form asked for from the welcome screen
        click(qtbot, find(window, QPushButton, "signInChoice"))
    server_edit = find(window, QLineEdit, "serverEdit")
    server_edit.clear()
    qtbot.keyClicks(server_edit, server)
    email = find(window, QLineEdit, "emailEdit")
    email.clear()
    qtbot.keyClicks(email, person.email)
    find(window, QCheckBox, "keepSignedInCheck").setChecked(keep)
    password_edit = find(window, QLineEdit, "passwordEdit")
    qtbot.keyClicks(password_edit, password if password is not None else person.password)


def wait_family(qtbot, controller) -> None:
    qtbot.waitUntil(
        lambda: controller.family is not None and controller.window.current_screen() == "familyView", timeout=WAIT
    )


def demo_with_phone(qtbot, launch):
    """`famguard --demo` started, its family of two on screen and the teen's phone panel showing
    the rules (the panel comes with the practice service, after the family drawn from the store)."""
    controller = launch(demo=True)
    window = controller.window
    wait_family(qtbot, controller)
    qtbot.waitUntil(lambda: window.teen_list.list.count() == 2, timeout=WAIT)
    qtbot.waitUntil(lambda: window.teen_phone is not None, timeout=WAIT)
    panel = window.teen_phone
    qtbot.waitUntil(lambda: panel.isVisible() and "Comments on your videos" in panel.effective_text(), timeout=WAIT)
    return controller, window, panel


def demo_at(qtbot, launch, name: str = "Maya", *, controls: bool = False):
    """`famguard --demo` with the phone (demo_with_phone) and `name` selected: their home, or
    with `controls` their controls page; returns (controller, window, panel)."""
    controller, window, panel = demo_with_phone(qtbot, launch)
    window.teen_list.select(next(t for t, r in controller.family.teens.items() if r.name == name))
    (wait_teen_page if controls else wait_home)(qtbot, controller, name)
    return controller, window, panel


def custom_rule(qtbot, dialog, name: str, minutes: int) -> None:
    """Fill the rule dialog (RuleDialog) as a custom rule called `name` with a daily limit."""
    dialog.kind.setCurrentText("Custom")
    qtbot.keyClicks(dialog.name, name)
    dialog.limit_on.setChecked(True)
    dialog.limit.setValue(minutes)


def open_rule_dialog(qtbot, controller):
    """The home's "Plan a temporary rule…", as a guardian clicks it; the dialog."""
    from PySide6.QtWidgets import QPushButton

    trust = controller.family.trust
    home = controller.window.ensure_home_page()
    controller.window.show_page("home")
    qtbot.waitUntil(lambda: trust.cached is not None, timeout=WAIT)
    click(qtbot, find(home, QPushButton, "homePlansButton"))
    qtbot.waitUntil(lambda: trust.dialog is not None and trust.dialog.isVisible(), timeout=WAIT)
    return trust.dialog


def plan_rule_from_home(qtbot, controller, name: str, minutes: int, days: int = 9) -> None:
    """From the home's "Plan a temporary rule…": a custom rule called `name` with a daily limit of
    `minutes`, from today (the teen's day) for `days` more days, saved."""
    dialog = open_rule_dialog(qtbot, controller)
    custom_rule(qtbot, dialog, name, minutes)
    dialog.ends.set_day(dialog.starts.day() + timedelta(days=days))
    click(qtbot, dialog.save)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=WAIT)


def end_rule_on_phone_page(qtbot, controller) -> None:
    """View → Phone and temporary rules, "End…" on the rule in force, and "End the rule"."""
    from PySide6.QtWidgets import QPushButton

    trust, window = controller.family.trust, controller.window
    page = trust.page
    next(a for a in window.view_menu.actions() if a.text() == "&Phone and temporary rules").trigger()
    qtbot.waitUntil(lambda: page.isVisible(), timeout=WAIT)
    # The page may open on the rules it read before the new one was saved; a guardian clicks
    # "End now…" once the page shows the rule in force (the button is hidden until then).
    qtbot.waitUntil(lambda: "In force now" in page.rules.active.text(), timeout=WAIT)
    click(qtbot, find(page, QPushButton, "endRuleButton"))
    qtbot.waitUntil(lambda: getattr(trust, "question", None) is not None, timeout=WAIT)
    question = trust.question
    click(qtbot, next(b for b in question.buttons() if b.text() == "&End the rule"))


def hold_queue_change(monkeypatch, sync) -> tuple[threading.Event, threading.Event]:
    """The one stand-in of the order tests: the outbox's write of a change is held back, as a slow
    disk would hold it, until the first event returned is set; the second is set once it is written."""
    release, queued = threading.Event(), threading.Event()
    queue_change = sync.queue_change

    def slow_queue(*args, **kwargs):
        release.wait(30)
        try:
            return queue_change(*args, **kwargs)
        finally:
            queued.set()

    monkeypatch.setattr(sync, "queue_change", slow_queue)
    return release, queued


def wait_listening(qtbot, controller) -> None:
    """The app has read what there is and has its place in the service's events: a change made
    elsewhere from now on reaches it as news. A first sign-in takes that place (the service's
    cursor) as its events long poll starts (famguard.services.sync.SyncEngine.pull_once), beside
    the family's first reads: a change made before then is missed, or read as already there
    (no notification). A pause of 300-500 ms stood for this and, on a loaded machine, was
    sometimes shorter than the start of the sync."""
    from famguard.services.sync import CURSOR_KEY

    store, tasks = controller.session.store, controller.family.tasks
    qtbot.waitUntil(lambda: store.get_meta(CURSOR_KEY) is not None and tasks.active_count == 0, timeout=WAIT)


def wait_home(qtbot, controller, name: str) -> None:
    """The teen's home is showing (what selecting a teen opens)."""
    home = controller.window.ensure_home_page()
    qtbot.waitUntil(lambda: home.isVisible() and home.title.text().startswith(name), timeout=WAIT)


def wait_teen_page(qtbot, controller, name: str) -> None:
    """The teen's home, then their controls page, opened as a guardian does ("Change controls…")."""
    wait_home(qtbot, controller, name)
    home = controller.window.ensure_home_page()
    click(qtbot, home.controls_button)
    page = controller.window.ensure_controls_page()
    qtbot.waitUntil(lambda: page.isVisible() and page.title.text().startswith(name) and page.isEnabled(), timeout=WAIT)


def wait_status(qtbot, controller, field: str, text: str) -> None:
    page = controller.window.ensure_controls_page()
    seen: list[str] = []  # each status the setting showed while waited for, said when it never came

    def shown() -> bool:
        status = page.field_status(field)
        if not seen or seen[-1] != status:
            seen.append(status)
        return status.startswith(text)

    try:
        qtbot.waitUntil(shown, timeout=WAIT)
    except qtbot.TimeoutError:
        banner = controller.window.offline_banner
        raise AssertionError(
            f"{field}: waited for {text!r}; it showed {seen}; offline banner "
            f"{'shown: ' + banner.text() if banner.isVisible() else 'hidden'}"
        ) from None


@pytest.mark.usefixtures("real_keyring")
def test_first_run_sign_in_pair_change_and_restart_from_the_keyring(qtbot, launch, proxy, guardian, teen) -> None:
    controller = launch()
    window = controller.window
    assert window.windowTitle().startswith("FamGuard")
    assert window.current_screen() == "welcomeView"
    sign_in(qtbot, controller, proxy.url, guardian)
    wait_family(qtbot, controller)
    assert "Sam Guardian" in window.who_action.text() and proxy.url in window.server_action.text()

    # pair: the wizard shows a code, the teen enters and accepts it on their phone (the API)
    click(qtbot, find(window, QPushButton, "addTeenButton"))
    pairing = controller.family.pairing
    qtbot.waitUntil(lambda: pairing.wizard is not None and pairing.wizard.state == "waiting", timeout=WAIT)
    wizard = pairing.wizard
    code = find(wizard, QWidget, "pairingCode").text()
    assert len(code) == 9 and code[4] == "-"
    assert wizard.qr.data.endswith(code.replace("-", ""))
    redeemed = teen.api.redeem_pairing(code)
    assert redeemed.guardian_name == "Sam Guardian"
    teen.api.accept_pairing(redeemed.id)
    qtbot.waitUntil(lambda: wizard.state == "accepted", timeout=WAIT)
    assert find(wizard, QWidget, "pairingTeen").text() == "Maya, 14"
    click(qtbot, find(wizard, QPushButton, "confirmPairingButton"))
    qtbot.waitUntil(lambda: wizard.state == "active", timeout=WAIT)
    click(qtbot, find(wizard, QPushButton, "closePairingButton"), Qt.Key.Key_Space)

    # the teen is in the list; change comments, search and the daily limit
    wait_teen_page(qtbot, controller, "Maya")
    assert window.teen_list.item_text(window.teen_list.current_teen_id()).startswith("Maya, 14")
    qtbot.mouseClick(find(window, QRadioButton, "comments_no_one"), Qt.MouseButton.LeftButton)
    wait_status(qtbot, controller, "comments", "✓ saved")
    qtbot.keyClick(find(window, QCheckBox, "search_enabled_check"), Qt.Key.Key_Space)
    wait_status(qtbot, controller, "search_enabled", "✓ saved")
    qtbot.mouseClick(find(window, QRadioButton, "dailyLimit_90"), Qt.MouseButton.LeftButton)
    wait_status(qtbot, controller, "daily_limit_minutes", "✓ saved")
    effective = teen.api.my_controls().controls
    assert (effective.comments, effective.search_enabled, effective.daily_limit_minutes) == (Audience.NO_ONE, False, 90)

    # restart with a slow network: the family opens from the keyring and the local store, editable,
    # before the service could answer anything (every request is held for 5 s)
    stop_app(controller)
    proxy.latency = 5.0
    again = launch()
    home = again.window.ensure_home_page()
    qtbot.waitUntil(lambda: again.family is not None and home.isVisible(), timeout=4000)
    assert "1 h 30 min" in home.today_text()  # today's limit, from the local store
    click(qtbot, home.controls_button)
    page = again.window.ensure_controls_page()
    qtbot.waitUntil(
        lambda: page.isVisible() and page.isEnabled() and page.title.text().startswith("Maya"), timeout=1000
    )
    assert again.window.current_screen() == "familyView"
    assert again.window.teen_list.item_text(again.window.teen_list.current_teen_id()).startswith("Maya, 14")
    assert find(page, QRadioButton, "comments_no_one").isChecked()
    assert not find(page, QCheckBox, "search_enabled_check").isChecked()
    assert "Sam Guardian" in again.window.who_action.text()
    proxy.latency = 0.0
    qtbot.keyClick(find(page, QCheckBox, "restricted_mode_check"), Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: page.field_status("restricted_mode").startswith("✓ saved"), timeout=3 * WAIT)
    assert teen.api.my_controls().controls.restricted_mode is True


@pytest.mark.usefixtures("real_keyring")
def test_wrong_password_says_so_and_the_form_stays_usable(qtbot, launch, live_server, guardian) -> None:
    controller = launch()
    sign_in(qtbot, controller, live_server, guardian, password="not my password")
    message = controller.window.sign_in.message
    qtbot.waitUntil(lambda: message.isVisible() and message.text().startswith("✗"), timeout=WAIT)
    assert "password" in message.text().lower()
    assert find(controller.window, QPushButton, "signInSubmit").isEnabled()
    assert controller.window.sign_in.password_edit.hasFocus() or controller.window.sign_in.password_edit.isEnabled()
    password = controller.window.sign_in.password_edit
    password.clear()
    qtbot.keyClicks(password, PASSWORD)
    qtbot.keyClick(password, Qt.Key.Key_Return)
    wait_family(qtbot, controller)


@pytest.mark.usefixtures("real_keyring")
def test_unreachable_server_is_named_and_nothing_hangs(qtbot, launch, guardian) -> None:
    import socket

    with socket.socket() as probe:  # a port on which nothing listens
        probe.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{probe.getsockname()[1]}"
    controller = launch()
    sign_in(qtbot, controller, dead, guardian)
    message = controller.window.sign_in.message
    qtbot.waitUntil(lambda: message.text().startswith("✗"), timeout=WAIT)
    # a wrong port is told apart from a lost connection, and nothing is said about kept changes
    assert "Nothing answers at 127.0.0.1 on port" in message.text(), message.text()
    assert "kept" not in message.text()
    assert controller.window.focusWidget() is controller.window.sign_in.server_edit  # the field it is about
    assert find(controller.window, QPushButton, "signInSubmit").isEnabled()


@pytest.mark.usefixtures("failing_keyring")
def test_without_a_keyring_the_guardian_is_signed_in_for_this_session_only(qtbot, launch, live_server, guardian):
    controller = launch()
    sign_in(qtbot, controller, live_server, guardian, keep=True)
    wait_family(qtbot, controller)
    notice = controller.window.notice
    qtbot.waitUntil(notice.isVisible, timeout=WAIT)
    assert "session only" in notice.text()


@pytest.fixture
def linked(live_server: str, proxy, guardian: Member, teen: Member) -> Member:
    pair(guardian.api, teen.api)
    return teen


@pytest.mark.usefixtures("real_keyring")
def test_age_restricted_options_are_disabled_with_the_reason(qtbot, launch, proxy, guardian, linked) -> None:
    controller = launch()
    sign_in(qtbot, controller, proxy.url, guardian)
    wait_teen_page(qtbot, controller, "Maya")
    everyone = find(controller.window, QRadioButton, "comments_everyone")
    assert everyone.isVisible() and not everyone.isEnabled()
    reason = find(controller.window, QWidget, "comments_everyone_reason")
    assert reason.isVisible() and "Not available under 16" in reason.text()
    assert not find(controller.window, QRadioButton, "direct_messages_friends").isEnabled()


@pytest.mark.usefixtures("real_keyring")
def test_a_change_the_server_refuses_shows_its_reason_and_retry(qtbot, launch, proxy, guardian, linked) -> None:
    """The app's idea of the teen's age is stale (as after a birthday seen elsewhere): the local
    check lets "friends may message" through, the server answers 422, and the app says why."""
    controller = launch()
    sign_in(qtbot, controller, proxy.url, guardian)
    wait_teen_page(qtbot, controller, "Maya")
    family = controller.family
    teen_id = family.current
    from dataclasses import replace

    family.teens[teen_id] = replace(family.teens[teen_id], age=16)
    page = controller.window.ensure_controls_page()
    page.show_teen(teen_id, "Maya", 16, family.controls.shown[teen_id])
    qtbot.mouseClick(find(page, QRadioButton, "direct_messages_friends"), Qt.MouseButton.LeftButton)
    wait_status(qtbot, controller, "direct_messages", "✗ not saved")
    assert "16" in page.field_status("direct_messages")
    assert find(page, QPushButton, "retry_direct_messages").isVisible()
    qtbot.waitUntil(lambda: find(page, QRadioButton, "direct_messages_no_one").isChecked(), timeout=WAIT)
    assert linked.api.my_controls().controls.direct_messages == Audience.NO_ONE
    # still usable: another change goes through
    qtbot.keyClick(find(page, QCheckBox, "restricted_mode_check"), Qt.Key.Key_Space)
    wait_status(qtbot, controller, "restricted_mode", "✓ saved")


@pytest.mark.usefixtures("real_keyring")
def test_edits_wait_while_the_service_is_stopped_and_go_out_when_it_is_back(
    qtbot, launch, proxy, guardian, linked
) -> None:
    controller = launch()
    sign_in(qtbot, controller, proxy.url, guardian)
    wait_teen_page(qtbot, controller, "Maya")
    proxy.set_offline(True)
    page = controller.window.ensure_controls_page()
    qtbot.keyClick(find(page, QCheckBox, "search_enabled_check"), Qt.Key.Key_Space)
    banner = controller.window.offline_banner
    qtbot.waitUntil(lambda: banner.isVisible() and "1 change is waiting" in banner.text(), timeout=WAIT)
    # The port that answered refuses now: the service has stopped, the connection is fine (it said
    # "You are offline", an outside tester). A connection that is down: test_error_kinds.py.
    assert banner.text().startswith(f"⚠ Nothing answers at 127.0.0.1 on port {proxy.port} any more: the service has")
    assert "1 change is waiting and will be sent when the service works again." in banner.text()
    assert "offline" not in banner.text()
    wait_status(qtbot, controller, "search_enabled", "◷ will be sent when the service works again")
    qtbot.mouseClick(find(page, QRadioButton, "dailyLimit_40"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "2 changes are waiting" in banner.text(), timeout=WAIT)
    assert linked.api.my_controls().controls.search_enabled is True  # nothing reached the teen yet
    proxy.set_offline(False)
    click(qtbot, find(banner, QPushButton, "offlineBannerAction"))
    wait_status(qtbot, controller, "search_enabled", "✓ saved")
    wait_status(qtbot, controller, "daily_limit_minutes", "✓ saved")
    qtbot.waitUntil(lambda: not banner.isVisible(), timeout=WAIT)
    effective = linked.api.my_controls().controls
    assert (effective.search_enabled, effective.daily_limit_minutes) == (False, 40)


@pytest.mark.usefixtures("real_keyring")
@pytest.mark.parametrize(
    ("name", "who", "take"),
    [
        ("Alex", "Alex", "&Take Alex's"),
        # A teen's own guardian account with the guardian's name: said to be another account.
        ("Sam Guardian", "Another account named “Sam Guardian”", "&Take that account's"),
    ],
)
def test_a_clash_with_the_other_guardian_asks_which_to_keep(
    qtbot, launch, live_server, proxy, guardian, linked, name, who, take
):
    # Meanwhile the other guardian, on another computer, also switches search off.
    controller, page, dialog = _clash(qtbot, launch, live_server, proxy, guardian, linked, name, search_enabled=False)
    assert find(dialog, QWidget, "conflictMine").text() == "Friends"
    assert find(dialog, QWidget, "conflictTheirs").text() == "Everyone"
    assert find(dialog, QWidget, "conflictExplanation").text().startswith(f"{who} changed this setting on ")
    assert find(dialog, QWidget, "conflictTitle").text().startswith(f"⚠ {who} also changed")
    assert find(dialog, QPushButton, "takeTheirsButton").text() == take
    # The line under the setting names who too, never the setting's wire name or "someone else".
    assert page.field_status("liked_videos") == f"⚠ {who} also changed it — choose which to keep"
    qtbot.mouseClick(find(dialog, QPushButton, "keepMineButton"), Qt.MouseButton.LeftButton)
    wait_status(qtbot, controller, "liked_videos", "✓ saved")
    effective = linked.api.my_controls().controls
    assert effective.liked_videos.value == "friends"
    # Alex's other change (search off) was never at stake: it stays, and shows here
    assert effective.search_enabled is False
    qtbot.waitUntil(lambda: not find(page, QCheckBox, "search_enabled_check").isChecked(), timeout=WAIT)


@pytest.mark.usefixtures("real_keyring")
def test_taking_the_other_guardians_value_leaves_no_clash_on_the_setting(
    qtbot, launch, live_server, proxy, guardian, linked
):
    """Found by an outside tester: after "Take Alex's", the setting went on saying "⚠ Alex also
    changed it — choose which to keep" for minutes, and its "Choose…" did nothing."""
    controller, page, dialog = _clash(qtbot, launch, live_server, proxy, guardian, linked, "Alex", search_enabled=False)
    qtbot.mouseClick(find(dialog, QPushButton, "takeTheirsButton"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: find(page, QRadioButton, "liked_videos_everyone").isChecked(), timeout=WAIT)
    qtbot.waitUntil(lambda: not page.field_status("liked_videos").startswith("⚠"), timeout=WAIT)
    assert page.undo_text() == ""  # nor an Undo that would set Sam's older value over Alex's
    assert linked.api.my_controls().controls.liked_videos.value == "everyone"


@pytest.mark.usefixtures("failing_keyring")
def test_a_guardian_account_can_be_created_from_the_app(qtbot, launch, live_server) -> None:
    controller = launch(server=live_server)
    window = controller.window
    qtbot.waitUntil(lambda: controller.sessions is not None, timeout=WAIT)
    assert find(window, QLineEdit, "serverEdit").text() == live_server  # --server fills it in
    _create_robin(qtbot, controller)
    assert "Robin" in window.who_action.text()
    qtbot.waitUntil(lambda: "No teen is linked yet" in window.no_teen_label.text(), timeout=WAIT)


def _create_robin(qtbot, controller) -> None:
    window = controller.window
    qtbot.waitUntil(lambda: controller.sessions is not None, timeout=WAIT)
    click(qtbot, find(window, QPushButton, "createAccountChoice"))
    qtbot.keyClicks(find(window, QLineEdit, "displayNameEdit"), "Robin")
    qtbot.keyClicks(find(window, QLineEdit, "emailEdit"), "robin@example.org")
    password = find(window, QLineEdit, "passwordEdit")
    qtbot.keyClicks(password, PASSWORD)
    qtbot.keyClick(password, Qt.Key.Key_Return)
    wait_family(qtbot, controller)


@pytest.mark.usefixtures("failing_keyring")
def test_no_teen_is_said_only_once_the_service_says_so(qtbot, launch, live_server) -> None:
    """A new guardian's family opens before the service has answered who is linked (its reply
    trickles in here): the screen says it is looking, not "No teen is linked yet", until then."""
    from famguard.ui.teen_list_presenter import ASKING_TEXT, NO_TEEN_TEXT, SHORT_EMPTY_TEXT
    from tests.support.proxy import Fault, FaultProxy

    with FaultProxy(live_server) as proxy:
        proxy.trickle_bytes, proxy.trickle_interval = 40, 0.3
        proxy.fault(Fault.TRICKLE, "GET /v1/teens", times=1)
        controller = launch(server=proxy.url)
        window = controller.window
        _create_robin(qtbot, controller)
        qtbot.waitUntil(lambda: window.no_teen_label.text() == ASKING_TEXT, timeout=WAIT)  # the store read
        qtbot.waitUntil(lambda: proxy.count("GET /v1/teens") == 1, timeout=WAIT)
        assert window.no_teen_label.text() == ASKING_TEXT  # asked; the answer still on the way
        assert window.teen_list.empty_label.text() == SHORT_EMPTY_TEXT[None]
        qtbot.waitUntil(lambda: window.no_teen_label.text() == NO_TEEN_TEXT, timeout=WAIT)
        # Said once in full (the page), in a few words under the list — not the same sentence twice.
        assert window.teen_list.empty_label.text() == "No teens linked yet."
        stop_app(controller)


@pytest.mark.usefixtures("failing_keyring")
def test_when_the_service_cannot_say_who_is_linked_the_screen_says_so(qtbot, launch, live_server) -> None:
    from famguard.ui.teen_list_presenter import NOT_ASKED_TEXT, SHORT_EMPTY_TEXT
    from tests.support.proxy import Fault, FaultProxy

    with FaultProxy(live_server) as proxy:
        proxy.fault(Fault.RESET, "GET /v1/teens", times=50)  # every try of the list fails
        controller = launch(server=proxy.url)
        window = controller.window
        _create_robin(qtbot, controller)
        qtbot.waitUntil(lambda: window.no_teen_label.text() == NOT_ASKED_TEXT, timeout=WAIT)
        assert window.teen_list.empty_label.text() == SHORT_EMPTY_TEXT[False]
        assert "No teen is linked yet" not in window.no_teen_label.text()
        stop_app(controller)


def test_the_sign_in_form_works_from_the_keyboard_alone(qtbot) -> None:
    from famguard.ui.signin import SignInView

    view = SignInView()
    qtbot.addWidget(view)
    view.show()
    view.activateWindow()
    view.server_edit.setFocus()
    order = []
    for _ in range(5):
        order.append(view.focusWidget().objectName())
        qtbot.keyClick(view.focusWidget(), Qt.Key.Key_Tab)
    assert order == ["serverEdit", "emailEdit", "passwordEdit", "keepSignedInCheck", "signInCancel"]
    qtbot.keyClicks(view.server_edit, "http://127.0.0.1:8000")
    qtbot.keyClicks(view.email_edit, "sam@example.org")
    qtbot.keyClicks(view.password_edit, "pw")
    view.keep_check.setFocus()
    qtbot.keyClick(view.keep_check, Qt.Key.Key_Space)  # untick "keep me signed in"
    with qtbot.waitSignal(view.submitted, timeout=1000) as signal:
        qtbot.keyClick(view.password_edit, Qt.Key.Key_Return)
    assert signal.args[0].keep_signed_in is False


@pytest.mark.usefixtures("failing_keyring")
def test_escape_cancels_a_slow_sign_in_and_its_late_answer_is_undone(qtbot, launch, proxy, guardian) -> None:
    proxy.latency = 1.0
    controller = launch()
    sign_in(qtbot, controller, proxy.url, guardian, keep=False)
    view = controller.window.sign_in
    assert view.progress.isVisible()
    qtbot.keyClick(view.password_edit, Qt.Key.Key_Escape)
    assert not view.progress.isVisible() and view.submit_button.isEnabled()
    assert view.message.text() == "Sign-in cancelled."
    qtbot.wait(3000)  # the server's answer arrives meanwhile, and is ignored
    assert controller.window.current_screen() == "signInView" and controller.session is None


@pytest.mark.usefixtures("failing_keyring")
def test_a_locked_account_says_for_how_long(qtbot, launch, live_server, guardian) -> None:
    from famguard.api import ApiClient, make_session
    from famguard.api import errors as api_errors

    stranger = ApiClient(live_server, make_session())
    for _ in range(5):  # five wrong passwords lock the account for a while
        with pytest.raises(api_errors.InvalidCredentials):
            stranger.sign_in(guardian.email, "wrong guess")
    controller = launch()
    sign_in(qtbot, controller, live_server, guardian)  # now even the right password waits
    message = controller.window.sign_in.message
    qtbot.waitUntil(lambda: message.text().startswith("✗"), timeout=WAIT)
    assert "Try again in 15 minutes" in message.text(), message.text()
    assert find(controller.window, QPushButton, "signInSubmit").isEnabled()


def test_a_guardian_past_the_hours_codes_is_told_when_to_get_a_new_one(qtbot, launch, live_server, guardian) -> None:
    """The service makes at most 20 pairing codes an hour for one guardian (a stranger's account
    could make them without end); the 21st asked from the app says so and when to try again."""
    for _ in range(20):
        guardian.api.start_pairing()
    controller = launch()
    sign_in(qtbot, controller, live_server, guardian, keep=False)
    wait_family(qtbot, controller)
    click(qtbot, find(controller.window, QPushButton, "addTeenButton"))
    pairing = controller.family.pairing
    qtbot.waitUntil(lambda: pairing.wizard is not None and pairing.wizard.state == "rate_limited", timeout=WAIT)
    text = find(pairing.wizard, QWidget, "pairingEnd").text()
    assert "many codes in the last hour" in text and "wait 60 minutes" in text, text
    assert find(pairing.wizard, QPushButton, "newCodeButton").isVisible()
    stop_app(controller)


def second_guardian_and_the_page(qtbot, launch, live_server, proxy, guardian, teen, name: str):
    """Maya, linked with this guardian already, links with `name` too (their client library, this
    guardian approving); the app signed in on Maya's controls page. Returns (controller, the page,
    `name`'s member)."""
    other = member(live_server, "guardian", name)
    pair(other.api, teen.api, approver=guardian.api)
    controller = launch()
    sign_in(qtbot, controller, proxy.url, guardian)
    wait_teen_page(qtbot, controller, "Maya")
    return controller, controller.window.ensure_controls_page(), other


def _clash(qtbot, launch, live_server, proxy, guardian, linked, name="Alex", **also):
    """`name`, a second guardian; liked videos set to Friends here while offline, and to Everyone
    (with the controls `also`) by them meanwhile; the app back online, its clash question open.
    Returns (controller, page, dialog)."""
    controller, page, other = second_guardian_and_the_page(qtbot, launch, live_server, proxy, guardian, linked, name)
    proxy.set_offline(True)
    qtbot.mouseClick(find(page, QRadioButton, "liked_videos_friends"), Qt.MouseButton.LeftButton)
    wait_status(qtbot, controller, "liked_videos", "◷")
    teen_id = controller.family.current
    current = other.api.get_controls(teen_id)
    other.api.patch_controls(teen_id, {"liked_videos": "everyone", **also}, if_match=current.etag)
    proxy.set_offline(False)
    click(qtbot, find(controller.window.offline_banner, QPushButton, "offlineBannerAction"))
    qtbot.waitUntil(lambda: controller.family.conflict_dialog is not None, timeout=WAIT)
    dialog = controller.family.conflict_dialog
    qtbot.waitUntil(dialog.isVisible, timeout=WAIT)
    return controller, page, dialog


def _clash_put_away(qtbot, launch, live_server, proxy, guardian, linked):
    """A clash with Alex (`_clash`), its question put away with Escape. Returns (controller, page, dialog)."""
    controller, page, dialog = _clash(qtbot, launch, live_server, proxy, guardian, linked)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=WAIT)
    return controller, page, dialog


@pytest.mark.usefixtures("real_keyring")
def test_the_home_shows_what_applies_during_a_clash_and_that_a_choice_is_needed(
    qtbot, launch, live_server, proxy, guardian, linked
):
    """Found by an outside tester: during a clash the home said the guardian's unsent value as
    today's truth ("0 min of 3 h today — 3 h left" while the phone kept 2 h), and "Not sent yet
    … until they are sent", as if it would go by itself. It shows the service's value, which the
    phone keeps, and says a choice is needed."""
    controller, _page, _dialog = _clash_put_away(qtbot, launch, live_server, proxy, guardian, linked)
    home = controller.window.ensure_home_page()
    controller.window.show_page("home")
    waiting = find(home, QWidget, "homeWaitingText")
    qtbot.waitUntil(lambda: waiting.text().startswith("⚠ Your choice is needed"), timeout=WAIT)
    assert "Alex changed who can see liked videos too. Choose which to keep" in waiting.text()  # by name
    assert "Not sent yet" not in waiting.text()
    rules = find(home, QWidget, "homeRules_privacy").text()
    assert "liked videos: Everyone" in rules and "(not sent yet)" not in rules  # Alex's, which applies


@pytest.mark.usefixtures("real_keyring")
def test_undo_is_not_offered_for_a_setting_in_a_clash(qtbot, launch, live_server, proxy, guardian, linked):
    """Found by an outside tester: with the clash question put away, Undo was still offered and
    pressed, it set the guardian's older value over the other's, unasked — the clash gone, the row
    "✓ saved"."""
    controller, page, _dialog = _clash_put_away(qtbot, launch, live_server, proxy, guardian, linked)
    assert page.field_status("liked_videos").startswith("⚠ Alex also changed it")
    assert "liked videos" not in page.undo_text().lower()
    page.undo()  # Ctrl+Z: nothing of this setting to undo
    qtbot.wait(500)
    assert linked.api.my_controls().controls.liked_videos.value == "everyone"  # Alex's, as it was
    assert page.field_status("liked_videos").startswith("⚠ Alex also changed it")


@pytest.mark.usefixtures("real_keyring")
def test_a_clash_put_away_with_escape_can_be_chosen_again_and_a_new_value_settles_it(
    qtbot, launch, live_server, proxy, guardian, linked
):
    """Found by an outside tester: Escape on the clash question left "choose which to keep" under
    the setting with nothing to choose with, and the setting's next change stayed "saving…" for
    good (it waited behind the clash). "Choose…" asks again; a new value is the choice."""
    controller, page, dialog = _clash_put_away(qtbot, launch, live_server, proxy, guardian, linked)
    assert page.field_status("liked_videos") == "⚠ Alex also changed it — choose which to keep"
    choose = find(page, QPushButton, "choose_liked_videos")
    assert choose.isVisible() and choose.text() == "Choose…"
    click(qtbot, choose, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: controller.family.conflict_dialog is not dialog, timeout=WAIT)
    again = controller.family.conflict_dialog
    qtbot.waitUntil(again.isVisible, timeout=WAIT)
    assert find(again, QWidget, "conflictTheirs").text() == "Everyone"
    qtbot.keyClick(again, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not again.isVisible(), timeout=WAIT)

    # A third value, chosen on the page: it is the answer, sent over Alex's knowingly.
    qtbot.mouseClick(find(page, QRadioButton, "liked_videos_only_me"), Qt.MouseButton.LeftButton)
    wait_status(qtbot, controller, "liked_videos", "✓ saved")
    assert linked.api.my_controls().controls.liked_videos.value == "only_me"
    assert not find(page, QPushButton, "choose_liked_videos").isVisible()
    assert controller.session.sync.store.changes(controller.family.current, OPEN_STATES) == []


@pytest.mark.usefixtures("real_keyring")
def test_choosing_the_other_guardians_value_on_the_page_settles_a_clash_with_nothing_sent(
    qtbot, launch, live_server, proxy, guardian, linked
):
    controller, page, _dialog = _clash_put_away(qtbot, launch, live_server, proxy, guardian, linked)
    sent = sum(line.startswith("PATCH") for line in proxy.requests)
    qtbot.mouseClick(find(page, QRadioButton, "liked_videos_everyone"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not find(page, QPushButton, "choose_liked_videos").isVisible(), timeout=WAIT)
    qtbot.waitUntil(
        lambda: not controller.session.sync.store.changes(controller.family.current, OPEN_STATES), timeout=WAIT
    )
    assert find(page, QRadioButton, "liked_videos_everyone").isChecked()
    assert (
        sum(line.startswith("PATCH") for line in proxy.requests) == sent
    )  # Alex's value stays as it is: nothing to send
    assert linked.api.my_controls().controls.liked_videos.value == "everyone"


@pytest.mark.usefixtures("real_keyring")
def test_the_home_says_which_rules_are_not_sent_yet(qtbot, launch, proxy, guardian, linked) -> None:
    """Found by an outside tester: offline, the limit set to 2 h and a time away added; the home
    said "Limit: 2 h a day" and "Locked now (time away)" beside "✓ On Maya's phone", which had
    neither. What is set here shows, said to be not sent yet, until it is."""
    controller = launch()
    sign_in(qtbot, controller, proxy.url, guardian)
    wait_teen_page(qtbot, controller, "Maya")
    window = controller.window
    page = window.ensure_controls_page()
    proxy.set_offline(True)
    window.show_page("controls")
    qtbot.mouseClick(find(page, QRadioButton, "dailyLimit_90"), Qt.MouseButton.LeftButton)
    wait_status(qtbot, controller, "daily_limit_minutes", "◷")
    window.show_page("home")
    home = window.ensure_home_page()
    waiting = find(home, QWidget, "homeWaitingText")
    qtbot.waitUntil(waiting.isVisible, timeout=WAIT)
    assert waiting.text() == (
        "◷ Not sent yet: Daily screen-time limit. Maya's phone keeps the rules it had until they are sent."
    )
    assert find(home, QWidget, "homeLimitText").text().endswith("(not sent yet)")
    assert find(home, QWidget, "homeNowText").text().startswith("With the changes not sent yet: ")
    assert "Daily screen-time limit: 1 h 30 min (not sent yet)" in home.findChild(QWidget, "homeRules").text()

    proxy.set_offline(False)
    click(qtbot, find(window.offline_banner, QPushButton, "offlineBannerAction"))
    qtbot.waitUntil(lambda: not waiting.isVisible(), timeout=WAIT)
    assert "not sent yet" not in find(home, QWidget, "homeLimitText").text()
    assert "not sent yet" not in find(home, QWidget, "homeNowText").text()
    assert "not sent yet" not in home.findChild(QWidget, "homeRules").text()
    assert linked.api.my_controls().controls.daily_limit_minutes == 90
