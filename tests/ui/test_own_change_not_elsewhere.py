"""A guardian's own quick changes are never told back to them as "changed elsewhere". Found by
trying the demo as a careless parent: pressing Space on a setting many times in a row made the home
say "↻ Sam's controls were changed elsewhere. Search" although every change came from this
window (the history credited each to "You"). A read of the home that came between a change landing
and the next click reaching the outbox saw the landed value, nothing on its way, and a value asked
for that differed from it: it took the guardian's own change for another's (HomePresenter now
skips the comparison for a read made while a click of the page had not reached the outbox, as the
controls page already skips showing such a read)."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtWidgets import QRadioButton

from famguard.ui.home_presenter import News

from .test_flows import WAIT, click, demo_at, find, hold_queue_change

pytestmark = pytest.mark.slow


def test_a_read_between_two_quick_changes_of_mine_does_not_call_them_changed_elsewhere(qtbot, launch, monkeypatch):
    controller, window, _panel = demo_at(qtbot, launch, "Maya", controls=True)
    family = controller.family
    home, sync, page = family.home, family.controls.sync, window.ensure_controls_page()
    teen_id = page.teen_id
    ninety, two_hours = find(page, QRadioButton, "dailyLimit_90"), find(page, QRadioButton, "dailyLimit_120")
    told: list[tuple[str, str]] = []  # (kind, title) of every piece of news
    news = home.on_news
    monkeypatch.setattr(
        home, "on_news", lambda kind, title, *rest: (told.append((kind, title)), news(kind, title, *rest))
    )

    # The stand-ins: the home's reads of the store wait (as a busy worker would make them), and so
    # does the outbox's write of the second change (a slow disk).
    qtbot.waitUntil(lambda: ("home", teen_id) not in home._reading, timeout=WAIT)
    reads_go = threading.Event()
    read = home._read
    monkeypatch.setattr(home, "_read", lambda teen: (reads_go.wait(30), read(teen))[1])

    click(qtbot, ninety)  # lands; the home's read of it waits
    qtbot.waitUntil(lambda: page.field_status("daily_limit_minutes").startswith("✓ saved"), timeout=WAIT)
    second_goes, second_queued = hold_queue_change(monkeypatch, sync)
    click(qtbot, two_hours)  # asked for; not in the outbox yet
    reads_go.set()  # the home reads: 90 minutes stored, nothing on its way, 2 h asked for
    qtbot.waitUntil(lambda: ("home", teen_id) not in home._reading, timeout=WAIT)
    assert not second_queued.is_set()
    assert not [title for kind, title in told if kind == News.CHANGED], told

    second_goes.set()
    qtbot.waitUntil(second_queued.is_set, timeout=WAIT)
    qtbot.waitUntil(lambda: page.field_status("daily_limit_minutes").startswith("✓ saved"), timeout=WAIT)
    qtbot.waitUntil(lambda: ("home", teen_id) not in home._reading, timeout=WAIT)
    assert page.editor("daily_limit_minutes").value() == 120
    assert not [title for kind, title in told if kind == News.CHANGED], told
    assert "changed elsewhere" not in window.notice.text()
