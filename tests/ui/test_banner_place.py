"""A notice comes under the teen's page, not across the window: across, it moved the teen list's
"Requests inbox" and "Add a teen" up by its height, and a click meant for the inbox a moment
after a teen asked for more time opened the pairing wizard (found by trying the demo). On the
screens without a teen list (welcome, sign-in) it still spans the window."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QPushButton, QWidget

from famguard.ui.common import settle_layouts

from .test_flows import WAIT, demo_with_phone, find

pytestmark = pytest.mark.slow


def _global_top_left(widget: QWidget) -> QPoint:
    return widget.mapToGlobal(QPoint(0, 0))


def test_a_notice_leaves_the_teen_lists_buttons_where_they_are(qtbot, launch):
    controller, window, panel = demo_with_phone(qtbot, launch)
    panel.toggleViewAction().trigger()  # on the 800-px screen the list shows without the phone
    inbox = find(window, QPushButton, "inboxButton")
    add_teen = find(window, QPushButton, "addTeenButton")
    qtbot.waitUntil(inbox.isVisible, timeout=WAIT)
    window.notice.hide()
    window.offline_banner.set_offline(False)
    qtbot.waitUntil(lambda: not window.notice.isVisible(), timeout=WAIT)
    before = (_global_top_left(inbox), _global_top_left(add_teen))

    window.show_notice("ℹ Maya asks for 30 more minutes: “one more level”.")
    qtbot.waitUntil(lambda: window.notice.isVisible() and window.notice.height() > 0, timeout=WAIT)
    settle_layouts()  # laid out with it
    assert (_global_top_left(inbox), _global_top_left(add_teen)) == before
    page_column = find(window, QWidget, "pageColumn")
    assert page_column.isAncestorOf(window.notice)
    qtbot.mouseClick(inbox, Qt.MouseButton.LeftButton)  # where the guardian saw it
    qtbot.waitUntil(lambda: controller.family.inbox.dialog is not None, timeout=WAIT)
    assert controller.family.pairing.wizard is None


def test_on_the_welcome_screen_a_notice_spans_the_window(qtbot, launch):
    controller = launch()
    window = controller.window
    qtbot.waitUntil(lambda: window.current_screen() == "welcomeView", timeout=WAIT)
    window.show_notice("ℹ A notice.")
    qtbot.waitUntil(window.notice.isVisible, timeout=WAIT)
    assert window.notice.width() == window.centralWidget().width()
