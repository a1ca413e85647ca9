"""The controls page's header in a small window (800x600: the page gets ~520 px beside the teen
list): once a change names itself on the Undo button ("Undo “Duet and Stitch with your teen's
videos” (Ctrl+Z)"), the teen's name and time zone and the line under it stay readable — the
button had taken the header's width and squeezed them into a column a word wide."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QPushButton, QRadioButton

from famguard.domain.controls import defaults_for_age
from famguard.ui.controls_page import ControlsPage

PAGE_WIDTH = 520


def lines(label) -> float:
    return label.height() / label.fontMetrics().lineSpacing()


def test_a_long_undo_leaves_the_title_and_its_line_readable(qtbot) -> None:
    page = ControlsPage()
    qtbot.addWidget(page)
    page.show_teen("teen-1", "Maya", 16, defaults_for_age(16, "America/Argentina/Buenos_Aires"))
    page.resize(PAGE_WIDTH, 560)
    page.show()
    qtbot.waitUntil(lambda: page.findChild(QRadioButton, "duet_stitch_everyone") is not None, timeout=5000)
    while page.build_next():
        pass
    before = (lines(page.title), lines(page.subtitle))
    qtbot.mouseClick(page.findChild(QRadioButton, "duet_stitch_everyone"), Qt.MouseButton.LeftButton)
    undo = page.findChild(QPushButton, "undoButton")
    assert undo.isEnabled() and "Duet and Stitch" in undo.text()
    QApplication.processEvents()
    page.layout().activate()
    QApplication.processEvents()
    assert undo.geometry().right() <= page.width()  # the whole button is on the page
    assert lines(page.title) <= 2.5, (before, lines(page.title), page.title.width())
    assert lines(page.subtitle) <= 3.5, (before, lines(page.subtitle), page.subtitle.width())
