"""Support staff practise a guardian's approval in the demo: "Someone asks to join" makes the demo's
guardian account linked with nobody (Robin Morgan) pair with the teen on the phone, so Maya's home
asks the demo guardian to approve or refuse it, as a real family is asked when a second parent —
or the teen's own second account — pairs. Against the demo's own practice service."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from famguard.ui.guardian_requests import GuardianRequestsSection

from .test_flows import WAIT, click, demo_at, find


def test_someone_asks_to_join_and_the_demo_guardian_answers_on_the_teens_home(qtbot, launch) -> None:
    controller, window, _phone = demo_at(qtbot, launch, "Sam")  # another teen than the phone's on screen
    section = window.ensure_home_page().section(GuardianRequestsSection)
    assert section.isHidden()  # nobody asks at the start

    click(qtbot, window.ask_to_join_button)
    maya = next(teen_id for teen_id, row in controller.family.teens.items() if row.name == "Maya")
    qtbot.waitUntil(lambda: controller.family.current == maya, timeout=WAIT)  # the teen asked about is shown
    qtbot.waitUntil(lambda: section.isVisible() and "“Robin Morgan” asked today at" in section.text(), timeout=WAIT)
    asking = "“Robin Morgan” asks to become a guardian of Maya"
    qtbot.waitUntil(lambda: any(told[1] == asking for told in controller.alerts.shown), timeout=WAIT)

    click(qtbot, find(section, QPushButton, "approveGuardianButton"))
    questions = controller.family.guardian_requests
    qtbot.waitUntil(lambda: questions.question is not None and questions.question.isVisible(), timeout=WAIT)
    approve = next(b for b in questions.question.buttons() if b.text() == "&Approve")
    qtbot.mouseClick(approve, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "✓ “Robin Morgan” is now a guardian of Maya" in section.text(), timeout=WAIT)
    guardians = {g.display_name for g in controller.session.api.teen_guardians(maya)}
    assert guardians == {"Alex Morgan", "Jordan Morgan", "Robin Morgan"}

    # Again: Robin is Maya's guardian now, so nobody is asked, and the bar says why.
    click(qtbot, window.ask_to_join_button)
    qtbot.waitUntil(lambda: "“Robin Morgan” is a guardian of Maya already" in window.notice.text(), timeout=WAIT)
    assert window.ask_to_join_button.isEnabled()


def test_a_new_question_after_a_refusal_stands_alone(qtbot, launch) -> None:
    """Found by an outside tester: Robin refused, then asking again, and Maya's home showed the
    new question under the old "✓ Refused: Robin Morgan …"."""
    _controller, window, _phone = demo_at(qtbot, launch, "Maya")
    section = window.ensure_home_page().section(GuardianRequestsSection)
    click(qtbot, window.ask_to_join_button)
    qtbot.waitUntil(lambda: section.isVisible() and "“Robin Morgan” asked today at" in section.text(), timeout=WAIT)
    click(qtbot, find(section, QPushButton, "refuseGuardianButton"))
    qtbot.waitUntil(lambda: "✓ Refused: “Robin Morgan”" in section.text(), timeout=WAIT)

    answered = section.findChild(QPushButton, "refuseGuardianButton")
    assert answered is None or not answered.isEnabled()  # answered: not to be answered again
    click(qtbot, window.ask_to_join_button)
    qtbot.waitUntil(
        lambda: any(b.isEnabled() for b in section.findChildren(QPushButton, "refuseGuardianButton")), timeout=WAIT
    )
    assert "“Robin Morgan” asked today at" in section.text() and "Refused" not in section.text()
