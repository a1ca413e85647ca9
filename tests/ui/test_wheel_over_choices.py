"""The wheel scrolls; it never changes a drop-down outside the controls page either: rolled over
the change history's filters it switched "Who" to "Jordan Morgan" and "Setting" to "Direct
messages" (the history then said "No entries match these filters"), and over the Safety Centre's
country it changed — and remembered — which national hotline "Report illegal content…" opens.
Now the wheel there scrolls the list or the guide beside it, and the choice stays."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QComboBox

from famguard.ui.history_page import ChangeHistoryPage

from .test_deliberate import roll_wheel
from .test_flows import WAIT, demo_with_phone, find

pytestmark = pytest.mark.slow


def test_the_wheel_over_the_history_filters_leaves_them_as_they_are(qtbot, launch):
    controller, window, _panel = demo_with_phone(qtbot, launch)
    window.page_requested.emit("history")
    page = window.page("history", ChangeHistoryPage)
    qtbot.waitUntil(lambda: page.isVisible() and bool(page.model.entries) and not page.model.loading, timeout=WAIT)
    count = len(page.model.entries)
    for name in ("historyWhoFilter", "historySettingFilter", "historyKindFilter"):
        combo = find(page, QComboBox, name)
        roll_wheel(combo, -2)
        combo.setFocus()  # with the keyboard in it too: a drop-down never takes the wheel
        roll_wheel(combo, -2)
        assert combo.currentIndex() == 0, name
    qtbot.wait(100)  # a filter change would ask for the entries again
    assert len(page.model.entries) == count and not page.model.loading


def test_the_wheel_over_the_hotline_country_does_not_change_it(qtbot, launch):
    controller = launch()
    controller.safety_centre.locale_name = lambda: "en_GB"
    action = next(a for a in controller.window.help_menu.actions() if a.text() == "&Safety Centre…")
    action.trigger()
    presenter = controller.safety_centre
    qtbot.waitUntil(lambda: presenter.dialog is not None and presenter.dialog.centre.table is not None, timeout=WAIT)
    country = find(presenter.dialog, QComboBox, "hotlineCountry")
    assert country.currentText() == "United Kingdom"
    roll_wheel(country, -3)
    assert country.currentText() == "United Kingdom"
    assert presenter.dialog.centre.hotline.text().startswith("Internet Watch Foundation")


def test_the_wheel_in_the_rule_dialog_leaves_the_kind_and_the_numbers_alone(qtbot):
    """One notch over "Kind" swapped "Exam weeks" for "Holiday" and rewrote the name, the limit and
    the nights the guardian had set; over an unfocused date or minutes box it moved them too."""
    from datetime import date

    from famguard.ui.temporary_rules import RuleDialog

    dialog = RuleDialog("Maya", date(2026, 12, 5))
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.name.setText("Mock exams")
    dialog.name.setFocus()
    before = (dialog.kind.currentText(), dialog.name.text(), dialog.limit.value(), dialog.ends.day())
    for box in (dialog.kind, dialog.limit, dialog.ends):
        roll_wheel(box, -1)
    assert (dialog.kind.currentText(), dialog.name.text(), dialog.limit.value(), dialog.ends.day()) == before


def test_the_wheel_over_the_phones_extra_minutes_scrolls_the_phone(qtbot):
    """Scrolling down the Teen's phone panel over "Extra time" changed the minutes to ask for."""
    from famguard.ui.teen_panel import TeenPhonePanel

    panel = TeenPhonePanel()
    qtbot.addWidget(panel)
    panel.show()
    spin = panel.more_spin
    spin.clearFocus()
    roll_wheel(spin, -3)
    assert spin.value() == 30
