"""The new guardian's side of an approval: pairing with a teen who has a guardian already, the
wizard says after "Confirm" that one of the teen's guardians must approve, and nothing of the teen
shows; when the guardian approves the teen arrives by itself, and a refusal is said in words.
Against the real service over loopback HTTP (the teen and her guardian act through the client
library, as their own apps would)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton, QWidget

from famguard.server.routes_pairing import APPROVALS_PER_DAY
from tests.support.accounts import Member, ask_to_pair, member, pair

from .conftest import stop_app
from .test_flows import WAIT, click, find, sign_in, wait_family
from .test_new_teen_zone import link_from_the_wizard


def _asked(qtbot, launch, live_server, proxy, guardian, teen):
    """Maya is linked with Alex; this guardian pairs with her in the wizard up to Alex's answer.
    Returns (controller, wizard, Alex's client, Maya's id, the request Alex sees)."""
    alex = member(live_server, "guardian", "Alex", address="alex@example.org")
    teen_id = pair(alex.api, teen.api)
    controller = launch()
    sign_in(qtbot, controller, proxy.url, guardian)
    wait_family(qtbot, controller)
    wizard = link_from_the_wizard(qtbot, controller, teen, ends="approval")
    (request,) = alex.api.guardian_requests(teen_id)
    assert request.guardian_name == "Sam Guardian"
    return controller, wizard, alex.api, teen_id, request


@pytest.mark.usefixtures("real_keyring")
def test_the_new_guardian_waits_for_the_guardians_yes_and_then_sees_the_teen(
    qtbot, launch, live_server, proxy, guardian, teen
) -> None:
    controller, wizard, alex, teen_id, request = _asked(qtbot, launch, live_server, proxy, guardian, teen)
    words = find(wizard, QWidget, "pairingEnd").text()
    assert "Maya already has a guardian, and one of Maya's guardians must approve you" in words
    assert find(wizard, QPushButton, "closePairingButton").hasFocus()
    qtbot.wait(500)
    assert controller.window.teen_list.list.count() == 0  # nothing of Maya before the yes

    alex.approve_pairing(request.id)
    qtbot.waitUntil(lambda: wizard.state == "active", timeout=WAIT)
    assert "You are now linked with Maya" in find(wizard, QWidget, "pairingEnd").text()
    qtbot.waitUntil(lambda: controller.window.teen_list.list.count() == 1, timeout=WAIT)
    assert controller.family.current == teen_id  # the new teen is the one shown


@pytest.mark.usefixtures("real_keyring")
def test_a_refusal_is_said_and_links_nothing(qtbot, launch, live_server, proxy, guardian, teen) -> None:
    controller, wizard, alex, _teen_id, request = _asked(qtbot, launch, live_server, proxy, guardian, teen)
    alex.refuse_pairing(request.id)
    qtbot.waitUntil(lambda: wizard.state == "refused", timeout=WAIT)
    assert (
        "One of Maya's guardians refused: you are not linked with Maya." in find(wizard, QWidget, "pairingEnd").text()
    )
    assert controller.window.teen_list.list.count() == 0


@pytest.mark.usefixtures("real_keyring")
def test_a_teen_whose_guardians_were_asked_too_often_today_is_said_so_at_confirm(
    qtbot, launch, live_server, proxy, guardian, teen
) -> None:
    """The service answers 429 at "Confirm" when the teen's guardians were asked 10 times in a day
    (a teen could ask, call off and ask again without end): the wizard said "You have asked for
    many codes in the last hour", which was not the reason, nor the wait."""
    alex = member(live_server, "guardian", "Alex", address="alex@example.org")
    pair(alex.api, teen.api)
    other = member(live_server, "guardian", "Kim")
    for _ in range(APPROVALS_PER_DAY):
        asked = ask_to_pair(other.api, teen.api)
        other.api.cancel_pairing(asked.id)
    controller = launch()
    sign_in(qtbot, controller, proxy.url, guardian)
    wait_family(qtbot, controller)
    wizard = link_from_the_wizard(qtbot, controller, teen, ends="error")
    words = find(wizard, QWidget, "pairingEnd").text()
    assert f"asked {APPROVALS_PER_DAY} times in the last day" in words and "codes" not in words
    assert controller.window.teen_list.list.count() == 0


@pytest.mark.usefixtures("real_keyring")
def test_the_new_guardian_calls_the_request_off_and_the_guardians_are_asked_nothing(
    qtbot, launch, live_server, proxy, guardian, teen
) -> None:
    """Close leaves the question standing (3 days); "Call off the request" takes it back."""
    controller, wizard, alex, teen_id, request = _asked(qtbot, launch, live_server, proxy, guardian, teen)
    call_off = find(wizard, QPushButton, "callOffPairingButton")
    assert call_off.isVisible() and find(wizard, QPushButton, "closePairingButton").isVisible()
    qtbot.mouseClick(call_off, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not wizard.isVisible(), timeout=WAIT)
    qtbot.waitUntil(lambda: alex.guardian_requests(teen_id) == [], timeout=WAIT)
    assert controller.session.api.get_pairing(request.id).status.value == "cancelled"
    assert controller.window.teen_list.list.count() == 0


def _panel(controller):
    return controller.family.asked_requests.panel


@pytest.mark.usefixtures("real_keyring")
def test_a_question_left_with_close_stays_under_the_teens_and_its_answer_is_told(
    qtbot, launch, live_server, proxy, guardian, teen
) -> None:
    """Close leaves the question standing three days: the family screen keeps it in "Waiting for
    approval", and the guardian's yes, days later for all the app knows, is told there and as news."""
    controller, wizard, alex, teen_id, request = _asked(qtbot, launch, live_server, proxy, guardian, teen)
    qtbot.keyClick(find(wizard, QPushButton, "closePairingButton"), Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: not wizard.isVisible(), timeout=WAIT)
    panel = _panel(controller)
    qtbot.waitUntil(lambda: panel.isVisible() and "Maya: one of Maya's guardians must approve you" in panel.text(),
                    timeout=WAIT)  # fmt: skip
    assert find(panel, QPushButton, "callOffAskedButton").isVisible()
    page = controller.window.no_teen_label  # the family's page, while no teen is linked
    qtbot.waitUntil(lambda: "Your request to become a guardian of Maya waits for an answer" in page.text(),
                    timeout=WAIT)  # fmt: skip

    alex.approve_pairing(request.id)
    qtbot.waitUntil(lambda: "✓ Approved: you are now a guardian of Maya." in panel.text(), timeout=WAIT)
    qtbot.waitUntil(lambda: controller.window.teen_list.list.count() == 1, timeout=WAIT)
    assert not panel.findChildren(QPushButton, "callOffAskedButton")  # nothing waits any more
    told = [title for _kind, title, _text in controller.alerts.shown]
    assert "You are now a guardian of Maya" in told
    window = controller.window
    qtbot.waitUntil(lambda: "You are now a guardian of Maya" in (window.standing_notice() or ""), timeout=WAIT)
    # Good news reads as such: it was "⚠ You are now a guardian of Maya" (an outside tester).
    assert "✓ You are now a guardian of Maya" in (window.standing_notice() or "")

    # Found by an outside tester: once the link had ended, "✓ Approved: you are now a guardian of
    # Maya." stayed above "No teens linked yet", and the news in the notice bar for minutes.
    controller.session.api.unlink(teen_id)
    qtbot.waitUntil(lambda: window.teen_list.list.count() == 0, timeout=WAIT)
    qtbot.waitUntil(lambda: "Approved" not in panel.text(), timeout=WAIT)
    assert "You are now a guardian of Maya" not in (window.standing_notice() or "")
    assert "You are now a guardian of Maya" not in window.notice.text()


@pytest.mark.usefixtures("real_keyring")
def test_the_question_is_called_off_from_the_family_screen_and_enter_keeps_it(
    qtbot, launch, live_server, proxy, guardian, teen
) -> None:
    controller, wizard, alex, teen_id, request = _asked(qtbot, launch, live_server, proxy, guardian, teen)
    qtbot.keyClick(find(wizard, QPushButton, "closePairingButton"), Qt.Key.Key_Space)
    panel = _panel(controller)
    qtbot.waitUntil(lambda: bool(panel.findChildren(QPushButton, "callOffAskedButton")), timeout=WAIT)
    asked = controller.family.asked_requests

    click(qtbot, find(panel, QPushButton, "callOffAskedButton"))
    qtbot.waitUntil(lambda: asked.question is not None and asked.question.isVisible(), timeout=WAIT)
    qtbot.keyClick(asked.question, Qt.Key.Key_Return)  # the default keeps the question
    qtbot.waitUntil(lambda: asked.question is None, timeout=WAIT)
    qtbot.wait(300)
    assert [r.id for r in alex.guardian_requests(teen_id)] == [request.id]

    click(qtbot, find(panel, QPushButton, "callOffAskedButton"))
    qtbot.waitUntil(lambda: asked.question is not None and asked.question.isVisible(), timeout=WAIT)
    question = asked.question
    (call_off,) = [b for b in question.buttons() if b.text() == "&Call off"]
    qtbot.mouseClick(call_off, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "✓ Called off: Maya's guardians are no longer asked." in panel.text(), timeout=WAIT)
    assert alex.guardian_requests(teen_id) == []
    assert controller.session.api.get_pairing(request.id).status.value == "cancelled"
    qtbot.waitUntil(lambda: not panel.findChildren(QPushButton, "callOffAskedButton"), timeout=WAIT)
    assert controller.window.teen_list.list.count() == 0


@pytest.mark.usefixtures("real_keyring")
def test_a_refusal_given_while_the_app_was_closed_is_told_at_the_next_start(
    qtbot, launch, live_server, proxy, guardian, teen
) -> None:
    controller, wizard, alex, _teen_id, request = _asked(qtbot, launch, live_server, proxy, guardian, teen)
    qtbot.keyClick(find(wizard, QPushButton, "closePairingButton"), Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: bool(_panel(controller).findChildren(QPushButton, "callOffAskedButton")), timeout=WAIT)
    stop_app(controller)
    alex.refuse_pairing(request.id)

    again = launch()
    wait_family(qtbot, again)
    qtbot.waitUntil(lambda: again.family is not None and again.family._asked is not None, timeout=WAIT)
    panel = _panel(again)
    qtbot.waitUntil(
        lambda: "✗ Refused: one of Maya's guardians said no, so you are not linked with Maya." in panel.text(),
        timeout=WAIT,
    )
    told = [title for _kind, title, _text in again.alerts.shown]
    assert "Your request to become a guardian of Maya was refused" in told
    assert again.window.teen_list.list.count() == 0


def _call_off_from_the_panel(qtbot, controller) -> None:
    """ "Call off…" under the list of teens, then "Call off" in its question."""
    asked = controller.family.asked_requests
    click(qtbot, find(asked.panel, QPushButton, "callOffAskedButton"))
    qtbot.waitUntil(lambda: asked.question is not None and asked.question.isVisible(), timeout=WAIT)
    (call_off,) = [b for b in asked.question.buttons() if b.text() == "&Call off"]
    qtbot.mouseClick(call_off, Qt.MouseButton.LeftButton)


@pytest.mark.usefixtures("real_keyring")
def test_a_call_off_offline_says_the_question_still_stands_and_a_lost_reply_is_set_right(
    qtbot, launch, live_server, proxy, guardian, teen
) -> None:
    """Offline nothing is taken back and the panel says so; a call-off that reached the service
    but whose reply was lost on the way is said to have landed once the service is read again."""
    controller, wizard, alex, teen_id, request = _asked(qtbot, launch, live_server, proxy, guardian, teen)
    qtbot.keyClick(find(wizard, QPushButton, "closePairingButton"), Qt.Key.Key_Space)
    panel = _panel(controller)
    qtbot.waitUntil(lambda: bool(panel.findChildren(QPushButton, "callOffAskedButton")), timeout=WAIT)

    proxy.set_offline(True)
    _call_off_from_the_panel(qtbot, controller)
    qtbot.waitUntil(lambda: "✗ Not sent: FamGuard cannot reach the service" in panel.text(), timeout=WAIT)
    assert "still stands" in panel.text()
    # The service answered before and refuses now: stopped, not the parent's connection.
    assert "Call it off again when the service works again." in panel.text()
    assert [r.id for r in alex.guardian_requests(teen_id)] == [request.id]  # nothing taken back
    assert find(panel, QPushButton, "callOffAskedButton").isEnabled()  # it can be asked again

    proxy.set_offline(False)
    proxy.drop_reply("DELETE /v1/pairings/", times=5)  # every reply to the call-off lost
    _call_off_from_the_panel(qtbot, controller)
    qtbot.waitUntil(lambda: alex.guardian_requests(teen_id) == [], timeout=WAIT)  # it landed
    proxy.clear()  # the app reads its questions again after a failed call-off
    qtbot.waitUntil(lambda: "✓ Called off: Maya's guardians are no longer asked." in panel.text(), timeout=WAIT)
    assert not panel.findChildren(QPushButton, "callOffAskedButton")
    told = [title for _kind, title, _text in controller.alerts.shown]
    assert not any("called off" in title for title in told)  # its own call-off is no news


@pytest.mark.usefixtures("real_keyring")
def test_at_the_first_sign_in_a_question_about_a_teen_not_shown_is_told_at_once(
    qtbot, launch, live_server, proxy, guardian, teen
) -> None:
    """A question asked before this computer followed the events comes with no event: at the first
    sign-in every teen's questions are asked for, not only the selected teen's."""
    pair(guardian.api, teen.api)  # Maya, shown first
    leo = member(live_server, "teen", "Leo", age=15)
    leo_id = pair(guardian.api, leo.api)
    jordan = member(live_server, "guardian", "Jordan")
    asked = ask_to_pair(jordan.api, leo.api)
    assert asked.status.value == "approval"

    controller = launch()
    sign_in(qtbot, controller, proxy.url, guardian)
    wait_family(qtbot, controller)
    asking = "“Jordan” asks to become a guardian of Leo"
    qtbot.waitUntil(lambda: any(told[1] == asking for told in controller.alerts.shown), timeout=WAIT)
    assert controller.family.current != leo_id  # told without Leo being selected


@pytest.mark.usefixtures("real_keyring")
def test_a_question_nobody_answers_in_three_days_is_said_to_have_run_out(
    qtbot, launch, clocked_server, clock, teen_on_clock
) -> None:
    """The service's clock moves three days on (the app's own sign-in renews itself, as it does
    over days); the next read of the guardian's questions says the question ran out."""
    alex = member(clocked_server, "guardian", "Alex", address="alex@example.org")
    pair(alex.api, teen_on_clock.api)
    newcomer = member(clocked_server, "guardian", "Sam Guardian", address="sam@example.org")
    controller = launch()
    sign_in(qtbot, controller, clocked_server, newcomer)
    wait_family(qtbot, controller)
    wizard = link_from_the_wizard(qtbot, controller, teen_on_clock, ends="approval")
    qtbot.keyClick(find(wizard, QPushButton, "closePairingButton"), Qt.Key.Key_Space)
    panel = _panel(controller)
    qtbot.waitUntil(lambda: bool(panel.findChildren(QPushButton, "callOffAskedButton")), timeout=WAIT)

    clock.advance(days=3, seconds=1)
    controller.family.asked_requests.refresh()  # what the timer at the question's end does
    qtbot.waitUntil(lambda: "ℹ Ran out: none of Maya's guardians answered in 3 days." in panel.text(), timeout=WAIT)
    assert not panel.findChildren(QPushButton, "callOffAskedButton")
    told = [title for _kind, title, _text in controller.alerts.shown]
    assert "Your request to become a guardian of Maya ran out" in told
    assert controller.window.teen_list.list.count() == 0


@pytest.fixture
def teen_on_clock(clocked_server: str) -> Member:
    return member(clocked_server, "teen", "Maya", address="maya@example.org", age=14)


@pytest.mark.usefixtures("real_keyring")
def test_a_poll_that_comes_back_after_confirm_was_refused_leaves_the_refusal(
    qtbot, launch, live_server, proxy, guardian, teen
) -> None:
    """A poll under way when "Confirm" was refused (429) answered "accepted" after the refusal: the
    wizard asked "Is this your teen?" again with the refusal's words still under it (a CI run)."""
    from .test_new_teen_zone import wizard_at_confirm

    controller = launch()
    sign_in(qtbot, controller, proxy.url, guardian)
    wait_family(qtbot, controller)
    wizard = wizard_at_confirm(qtbot, controller, teen)
    presenter = controller.family.pairing
    accepted = presenter.pairing  # what the poll under way will answer
    wizard.show_error("This teen's guardians have been asked 10 times in the last day. Ask again later.")
    presenter._polled(accepted)  # the stand-in: that poll's answer, come back after the refusal
    assert wizard.state == "error"
    assert not find(wizard, QPushButton, "confirmPairingButton").isVisible()
