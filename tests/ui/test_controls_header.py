"""The controls page's header in a small window (800x600: the page gets ~520 px beside the teen
list): once a change names itself on the Undo button ("Undo “Duet and Stitch with Maya's
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


def _change_every_control(page: ControlsPage):
    """Each control changed in turn, as its editor reports a guardian's change; yields its field."""
    from famguard.domain.controls import CONTROLS

    for spec in CONTROLS:
        editor = page.rows[spec.name].editor
        editor.value_changed.emit(editor.value())
        QApplication.processEvents()
        page.layout().activate()
        QApplication.processEvents()
        yield spec.name


def _small_page(qtbot, name: str) -> ControlsPage:
    page = ControlsPage()
    qtbot.addWidget(page)
    page.show_teen("teen-1", name, 16, defaults_for_age(16, "America/Argentina/Buenos_Aires"))
    page.resize(PAGE_WIDTH, 560)
    page.show()
    while page.build_next():
        pass
    return page


def test_every_undo_names_the_teen_whole_in_a_small_window(qtbot) -> None:
    """Undo says whose setting goes back ("Undo “James's time zone”"), as the history does
    (famguard.domain.control_words.control_label), for every control, whole on the button in the
    page's width of an 800x600 window, with a name that ends in s."""
    from famguard.domain.control_words import control_label

    page = _small_page(qtbot, "James")
    undo = page.findChild(QPushButton, "undoButton")
    for field in _change_every_control(page):
        label = control_label(field, "James")
        assert "your teen" not in undo.text().casefold(), undo.text()
        assert field != "timezone" or label == "James's time zone", label
        assert f"“{label}”" in undo.shown_text(), (undo.shown_text(), undo.width())  # drawn whole
        assert undo.accessibleName() == f"Undo the change of {label}"
        assert undo.geometry().right() <= page.width() <= PAGE_WIDTH, (undo.geometry(), page.width())


def test_a_long_name_shortens_the_undo_instead_of_widening_the_page(qtbot) -> None:
    """A name too long for the button: the page keeps the window's width (the button had widened it
    by 100 px, past the window's edge), the button shows the change shortened with "…", and a screen
    reader and the tooltip get it whole. (The button has the page's width: a name of 21 letters fit
    once the button no longer shared a column with "← Home" and "Unlink…".)"""
    long_name = "Maximiliana-Josephine Alexandra-Wilhelmina"
    page = _small_page(qtbot, long_name)
    undo = page.findChild(QPushButton, "undoButton")
    for _field in _change_every_control(page):
        assert page.width() <= PAGE_WIDTH and page.minimumSizeHint().width() <= PAGE_WIDTH
        assert undo.geometry().right() <= page.width()
    assert "…" in undo.shown_text() and undo.shown_text().endswith("videos”"), undo.shown_text()
    assert undo.accessibleName() == f"Undo the change of Duet and Stitch with {long_name}'s videos"
    assert f"{long_name}'s videos" in undo.toolTip()


def test_an_ampersand_in_the_name_is_shown_and_alt_u_stays_undo(qtbot) -> None:
    from PySide6.QtGui import QKeySequence

    page = _small_page(qtbot, "Anne & Jo")
    undo = page.findChild(QPushButton, "undoButton")
    next(_change_every_control(page))  # comments on Anne & Jo's videos
    from famguard.ui.common import without_mnemonic  # what Qt draws of a button's text

    assert "Comments on Anne & Jo's videos" in without_mnemonic(undo.shown_text())
    assert QKeySequence.mnemonic(undo.text()) == QKeySequence("Alt+U")
