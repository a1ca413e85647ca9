"""A change history entry too long for the list ends in "…" instead of being cut at the edge: on a
1024-pixel screen beside the teen's phone, "None → #diet, #prank · Alex Morgan (guardian) · Tue 1
Dec 2026, 09:15" lost the end of its time ("09:1"), and a long rule name its end, with nothing to
say more was there. Who and when stay whole; before → after is shortened first; the whole entry is
the row's tooltip."""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontMetrics

from famguard.domain.activity_words import HistoryLine
from famguard.ui.history_page import HistoryDelegate


def test_a_long_entry_keeps_who_and_when_and_ends_in_an_ellipsis(qtbot) -> None:
    delegate = HistoryDelegate()
    font = QFont()
    line = HistoryLine(
        1,
        "Alex Morgan planned “Exam weeks Exam weeks Exam weeks Exam weeks Exam weeks Exam weeks Exa”",
        "None → #diet, #prank, #vape, #energy drinks, #fasting",
        "Alex Morgan (guardian)",
        "Tue 1 Dec 2026, 09:15",
    )
    width = 420
    headline, detail = delegate.texts(line, font, width)
    bold = QFont(font)
    bold.setBold(True)
    assert QFontMetrics(bold).horizontalAdvance(headline) <= width and headline.endswith("…")
    assert QFontMetrics(font).horizontalAdvance(detail) <= width
    assert detail.endswith(" · Alex Morgan (guardian) · Tue 1 Dec 2026, 09:15")
    assert detail.startswith("None → #diet") and "…" in detail
    # Room enough: the words as they are.
    assert delegate.texts(line, font, 2000) == (line.headline, line.detail)


def test_the_value_now_is_kept_whole_before_the_value_before(qtbot) -> None:
    """Found by a support agent: a second time-away block read "Mon, Tue, Wed, Thu, Sun: 22:00–07:00
    (into the next morning) → Mon, Tue, Wed, T…": the new block, what the parent looks for, was
    cut off. The value before is shortened first."""
    delegate = HistoryDelegate()
    font = QFont()
    before = "Mon, Tue, Wed, Thu, Sun: 22:00–07:00 (into the next morning)"
    after = f"{before}; Sat: 10:00–12:00"
    line = HistoryLine(2, "You changed time away", f"{before} → {after}", "You", "Mon 7 Dec 2026, 15:20")
    width = QFontMetrics(font).horizontalAdvance(f"Mon, Tue, W… → {after} · You · Mon 7 Dec 2026, 15:20") + 4
    _headline, detail = delegate.texts(line, font, width)
    assert QFontMetrics(font).horizontalAdvance(detail) <= width
    assert detail.endswith(f" → {after} · You · Mon 7 Dec 2026, 15:20") and detail.startswith("Mon, Tue")
    assert "by you" in line.text() and "by You" not in line.text()  # the tooltip's words


def test_the_selected_entry_is_shown_whole_under_the_list(qtbot) -> None:
    """A long entry ends in "…" in its row, and only the mouse's tooltip said the rest (an outside
    tester): the entry chosen, by the keyboard or the mouse, is written whole under the list; none
    chosen (another teen, other filters), nothing is."""
    from PySide6.QtCore import Qt

    from famguard.ui.history_page import ChangeHistoryPage

    page = ChangeHistoryPage()
    qtbot.addWidget(page)
    page.resize(420, 500)
    page.show_teen("t1", "Maya")
    page.show()
    qtbot.waitExposed(page)
    long_line = HistoryLine(
        1,
        "Alex Morgan planned “Exam weeks Exam weeks Exam weeks Exam weeks Exam weeks Exam weeks Exa”",
        "None → #diet, #prank, #vape, #energy drinks, #fasting",
        "Alex Morgan (guardian)",
        "Tue 1 Dec 2026, 09:15",
    )
    page.show_page((_entry(1),), first=True, complete=True, from_cache=False, lines=[long_line])
    assert not page.whole.isVisible()
    page.list.setFocus()
    qtbot.keyClick(page.list, Qt.Key.Key_Down)  # the first entry, by the keyboard
    assert page.whole.isVisible()
    assert page.whole.text() == f"{long_line.headline}\n{long_line.detail}"
    assert page.whole.accessibleDescription() == page.whole.text()
    page.show_page((_entry(2),), first=True, complete=True, from_cache=False)  # other filters' first page
    assert not page.whole.isVisible()


def _entry(entry_id: int):
    from datetime import UTC, datetime

    from famguard.domain.later_models import ActivityEntry

    at = datetime(2026, 12, 1, 9, 15, tzinfo=UTC)
    return ActivityEntry(entry_id, at, None, "t1", "controls", "search_enabled", True, False)
