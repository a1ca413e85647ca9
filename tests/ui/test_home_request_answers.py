"""The answers to a teen's request on their home: one button per answer, and each says whose
request it answers. A request for 4 h in the teen's morning showed "+4 h" (what was asked) beside
"+4 h (most)" (the rest of the day, held to what one answer gives): two buttons doing the same. And
the answers were named "Allow 15 min more" and said "Allowed 15 min more." / "Request denied." —
not whose, where the inbox says "… for Sam" (outside testers)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QPushButton

from famguard.domain.models import TimeRequest, TimeRequestStatus
from famguard.domain.schedule import teen_today
from famguard.domain.today import GRANT_MAX, minutes_to_midnight
from famguard.ui.time_requests import TimeRequestsBox

from .test_flows import WAIT, click, demo_at, find, wait_home

ZONES = ("Pacific/Kiritimati", "Asia/Tokyo", "Europe/London", "America/Los_Angeles", "Pacific/Pago_Pago")


def morning_zone(now: datetime) -> str:
    """A zone where more than 4 h are left of the day: the rest of the day is held to 4 h."""
    return next(z for z in ZONES if minutes_to_midnight(z, now) > GRANT_MAX + 5)


def box_with(qtbot, minutes: int, zone: str) -> tuple[TimeRequestsBox, TimeRequest]:
    now = datetime.now(UTC)
    request = TimeRequest("r1", "t1", teen_today(zone, now), minutes, "film night", TimeRequestStatus.PENDING, now)
    box = TimeRequestsBox()
    qtbot.addWidget(box)
    box.show_requests("Sam", [request], zone)
    box.show()
    return box, request


def test_a_request_for_the_most_one_answer_gives_has_one_button_for_it(qtbot) -> None:
    now = datetime.now(UTC)
    zone = morning_zone(now)
    box, request = box_with(qtbot, GRANT_MAX, zone)
    answered: list[tuple[TimeRequest, bool, object]] = []
    box.decide_requested.connect(lambda r, approve, minutes: answered.append((r, approve, minutes)))
    texts = [b.text() for b in box.findChildren(QPushButton) if b.isVisible()]
    assert [t for t in texts if "4 h" in t] == ["+4 h (most)"], texts
    qtbot.mouseClick(find(box, QPushButton, "approve_rest"), Qt.MouseButton.LeftButton)
    assert answered == [(request, True, GRANT_MAX)]  # what was asked

    other, _ = box_with(qtbot, 45, zone)  # any other amount keeps its own button beside the most
    texts = [b.text() for b in other.findChildren(QPushButton) if b.isVisible()]
    assert "+45 min" in texts and "+4 h (most)" in texts, texts


def test_the_answers_are_named_with_the_teens_name(qtbot) -> None:
    now = datetime.now(UTC)
    box, _request = box_with(qtbot, 45, morning_zone(now))
    names = {b.objectName(): b.accessibleName() for b in box.findChildren(QPushButton)}
    assert names["approve_15"] == "Allow Sam 15 min more"
    assert names["approve_60"] == "Allow Sam 1 h more"
    assert names["approve_asked"] == "Allow Sam the 45 min asked for"
    assert names["approve_rest"] == "Allow Sam 4 h more, the most one answer gives"
    assert names["denyRequest"] == "Deny Sam's request"
    # And what each answers, which the line above them says but a Tab never reaches (a tester, by ear).
    described = {b.accessibleDescription() for b in box.findChildren(QPushButton) if b.isVisible()}
    assert len(described) == 1 and described.pop().startswith("Sam asks for 45 min more today: “film night”")
    assert find(box, QPushButton, "approve_15").text() == "+15 min"  # the visible words stay short


def test_a_request_during_time_away_says_extra_time_does_not_lift_it(qtbot) -> None:
    """Allowed while time away locked the app, the time was given, the phone stayed locked, and
    nothing said why (an outside tester): extra time raises today's limit only."""
    from PySide6.QtWidgets import QLabel

    now = datetime.now(UTC)
    zone = morning_zone(now)
    box, request = box_with(qtbot, 30, zone)
    words = find(box, QLabel, "timeRequestText")
    assert "time away" not in words.text()
    box.show_requests("Sam", [request], zone, locked_until="13:00")
    words = next(w for w in box.findChildren(QLabel, "timeRequestText") if w.isVisible())
    assert words.text().endswith(
        " — time away locks the app until 13:00: extra time adds to today's limit and does not lift it"
    ), words.text()


@pytest.mark.slow
def test_an_answer_on_the_home_is_said_with_the_teens_name(qtbot, launch, said) -> None:
    controller, window, panel = demo_at(qtbot, launch, "Maya")
    home = window.ensure_home_page()
    window.teen_list.select(next(t for t, r in controller.family.teens.items() if r.name == "Sam"))
    wait_home(qtbot, controller, "Sam")
    qtbot.waitUntil(lambda: home.requests.pending_count() == 1, timeout=WAIT)
    said.clear()
    click(qtbot, find(home, QPushButton, "approve_15"))
    # Seen in the notice bar, and said aloud with it: the row only went away.
    qtbot.waitUntil(lambda: window.notice.text() == "✓ Allowed Sam 15 min more.", timeout=WAIT)
    assert window.notice.isVisible()
    assert ("Allowed Sam 15 min more.", False) in said  # the symbol is not read out

    # Maya asks on the phone, and is refused on her home.
    window.teen_list.select(next(t for t, r in controller.family.teens.items() if r.name == "Maya"))
    wait_home(qtbot, controller, "Maya")
    click(qtbot, find(panel, QPushButton, "teenMoreButton"))
    qtbot.waitUntil(lambda: home.requests.pending_count() == 1, timeout=WAIT)
    qtbot.wait(QApplication.doubleClickInterval() + 50)  # an answer of its own, not a double click's second
    deny = next(b for b in home.requests.findChildren(QPushButton, "denyRequest") if b.isVisible())
    click(qtbot, deny)
    qtbot.waitUntil(lambda: window.notice.text() == "✓ Maya's request denied.", timeout=WAIT)
    assert ("Maya's request denied.", False) in said
