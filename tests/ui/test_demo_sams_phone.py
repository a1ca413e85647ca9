"""The demo plays Maya's phone in its Teen's phone panel; Sam's phone is not played. His home said
"◷ Waiting for Sam's phone: it has not reported yet; it will when the video app is next opened on
it" beside his figures and his request, which only his phone could have sent (support agents
demoing it, twice). The practice service has his phone's last report: his rules, applied a few
minutes after their last change, and a check-in a quarter of an hour before the demo began."""

from __future__ import annotations

from PySide6.QtWidgets import QRadioButton, QWidget

from .test_flows import WAIT, click, demo_at, find, wait_home


def test_sams_home_says_his_phone_has_his_rules_and_waits_for_a_change(qtbot, launch) -> None:
    controller, window, _panel = demo_at(qtbot, launch, "Maya")
    window.teen_list.select(next(t for t, r in controller.family.teens.items() if r.name == "Sam"))
    wait_home(qtbot, controller, "Sam")
    receipt = find(window.ensure_home_page(), QWidget, "phoneStatus")
    qtbot.waitUntil(lambda: receipt.text().startswith("✓ On Sam's phone since "), timeout=WAIT)
    assert "as the phone reports" in receipt.text()

    # A change his phone has not applied: waiting for it, with when it last checked in.
    window.show_page("controls")
    click(qtbot, find(window.ensure_controls_page(), QRadioButton, "dailyLimit_120"))
    window.show_page("home")
    qtbot.waitUntil(lambda: receipt.text().startswith("◷ Waiting for Sam's phone to apply"), timeout=WAIT)
    assert "it last checked in at" in receipt.text()
