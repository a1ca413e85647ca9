"""The change history of one teen: every entry of the activity log in plain words
(famguard.domain.activity_words), newest first, in a model/view list that loads older pages as
the guardian scrolls near the end (one item of text per entry in a C++ model: 10,000 entries
cost no widgets, and the view asks Python nothing per row); filters by person, setting and
kind; and "Undo this change" where it still makes sense. Pure view: it emits what the guardian
wants and shows the pages it is given."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QFont,
    QFontMetrics,
    QHelpEvent,
    QHideEvent,
    QPainter,
    QPalette,
    QShowEvent,
    QStandardItem,
    QStandardItemModel,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolTip,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from famguard.domain.activity_words import KINDS, HistoryLine, describe, field_choices, undo_blocker, who
from famguard.domain.models import ActivityEntry
from famguard.ui.age_transition import AgeTransitionPreview
from famguard.ui.common import heading, named, plain_tooltip, show_words, wrapping_label
from famguard.ui.deliberate import WheelGuard

Index = QModelIndex | QPersistentModelIndex


class HistoryModel(QStandardItemModel):
    """The entries shown, newest first. Asks for the next page (`more_wanted`) when the view
    scrolls near the end and there may be more.

    A QStandardItemModel, so the view's questions (row count, index of a row) are answered in
    C++: a Python `rowCount` is asked once per row on every layout, which made adding a page
    to 10,000 entries stall the window for ~250 ms (tests/benchmarks/bench_history.py)."""

    more_wanted = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.entries: list[ActivityEntry] = []
        self.lines: list[HistoryLine] = []
        self.teen_name = ""
        self.me: str | None = None  # the signed-in guardian's account: their entries say "You"
        self.complete = True
        self.loading = False
        # Only while the page is on screen: a hidden view keeps asking for more until its (zero)
        # height is filled, which would fetch the whole history when a teen is selected.
        self.active = False

    # Each row's item holds only its text (what screen readers read); the entry and its words
    # stay in `entries`/`lines` by row. One call into Qt per row: while a worker thread parses
    # the next page, every call back from Qt waits for Python's GIL, so fewer calls, fewer waits.

    def entry(self, row: int) -> ActivityEntry | None:
        return self.entries[row] if 0 <= row < len(self.entries) else None

    def line(self, row: int) -> HistoryLine | None:
        return self.lines[row] if 0 <= row < len(self.lines) else None

    def wants_more(self) -> bool:
        return self.active and not self.complete and not self.loading

    def ask_for_more(self) -> None:
        """The page scrolled to the end (or does not fill the view): the next page, once."""
        if self.wants_more():
            self.loading = True
            self.more_wanted.emit()

    def reset(self, teen_name: str) -> None:
        self.clear()
        self.entries, self.lines = [], []
        self.teen_name = teen_name
        self.complete, self.loading = False, True

    def append(
        self,
        entries: Sequence[ActivityEntry],
        *,
        complete: bool,
        lines: Sequence[HistoryLine] | None = None,
    ) -> None:
        """An older page: entries already shown (a cached page first, then the server's) are
        skipped. `lines`: the entries' words, when a worker wrote them already."""
        words = dict(zip((e.id for e in entries), lines, strict=True)) if lines is not None else {}
        last = self.entries[-1].id if self.entries else None
        fresh = [e for e in entries if last is None or e.id < last]
        new_lines = [words.get(e.id) or describe(e, self.teen_name, me=self.me) for e in fresh]
        self.entries.extend(fresh)
        self.lines.extend(new_lines)
        if fresh:
            self.invisibleRootItem().appendRows([QStandardItem(line.text()) for line in new_lines])
        self.complete, self.loading = complete, False

    def prepend(self, entries: tuple[ActivityEntry, ...] | list[ActivityEntry]) -> int:
        """Newer entries (from the events feed) at the top; returns how many were new."""
        top = self.entries[0].id if self.entries else None
        fresh = sorted((e for e in entries if top is None or e.id > top), key=lambda e: -e.id)
        lines = [describe(e, self.teen_name, me=self.me) for e in fresh]
        self.entries[:0] = fresh
        self.lines[:0] = lines
        for row, line in enumerate(lines):
            self.insertRow(row, QStandardItem(line.text()))
        return len(fresh)

    def replace_first_page(
        self, entries: Sequence[ActivityEntry], *, complete: bool, lines: Sequence[HistoryLine] | None = None
    ) -> None:
        """The server's first page after a cached one: the server's word wins."""
        self.clear()
        self.entries, self.lines = [], []
        self.append(entries, complete=complete, lines=lines)


class HistoryDelegate(QStyledItemDelegate):
    """Two lines per entry: the sentence in bold, then before → after, who and when. Painting
    runs for every visible row on every scroll step, in Python: the fonts and offsets are worked
    out once per font, not per row."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._font_key = ""
        self._bold = QFont()
        self._plain = QFont()
        self._bold_metrics = QFontMetrics(self._bold)
        self._plain_metrics = QFontMetrics(self._plain)
        self._second_line = 0
        self._height = 0

    def _prepare(self, font: QFont) -> None:
        key = font.key()
        if key != self._font_key:
            self._font_key = key
            self._plain = QFont(font)
            self._bold = QFont(font)
            self._bold.setBold(True)
            self._bold_metrics = QFontMetrics(self._bold)
            self._plain_metrics = QFontMetrics(self._plain)
            first = self._bold_metrics.height()
            self._second_line = 7 + first
            self._height = first + self._plain_metrics.height() + 14

    def texts(self, line: HistoryLine, font: QFont, width: int) -> tuple[str, str]:
        """The entry's two lines as they fit `width` pixels: too long, they end in "…" rather than
        being cut at the edge (a time lost its minutes in a narrow window); who and when stay
        whole while there is room, before → after is shortened first."""
        self._prepare(font)
        bold, plain = self._bold_metrics, self._plain_metrics
        headline = line.headline
        if bold.horizontalAdvance(headline) > width:
            headline = bold.elidedText(headline, _ELIDE_RIGHT, width)
        detail = line.detail
        if plain.horizontalAdvance(detail) > width:
            tail = " · ".join(p for p in (line.who, line.when) if p)
            room = width - plain.horizontalAdvance(f" · {tail}")
            if line.change and room > plain.horizontalAdvance("…") * 3:
                detail = f"{self._change_fitted(line.change, plain, room)} · {tail}"
            else:
                detail = plain.elidedText(detail, _ELIDE_RIGHT, width)
        return headline, detail

    @staticmethod
    def _change_fitted(change: str, plain: QFontMetrics, room: int) -> str:
        """Before → after in `room` pixels: the value before is shortened first, the value now
        kept whole while it fits — "… → Mon, Tue, Wed, T…" cut off the new block, the part the
        parent looks for (a support agent)."""
        before, arrow, after = change.partition(" → ")
        if not arrow or plain.horizontalAdvance(change) <= room:
            return plain.elidedText(change, _ELIDE_RIGHT, room)
        left = room - plain.horizontalAdvance(f" → {after}")
        if left >= plain.horizontalAdvance("…") * 4:
            return f"{plain.elidedText(before, _ELIDE_RIGHT, left)} → {after}"
        # The value now does not fit whole: a short value before stays ("None → #diet, …").
        before = before if plain.horizontalAdvance(before) <= room // 3 else "…"
        return f"{before} → " + plain.elidedText(after, _ELIDE_RIGHT, room - plain.horizontalAdvance(f"{before} → "))

    def helpEvent(  # noqa: N802 - Qt's name
        self, event: QHelpEvent, view: QAbstractItemView, option: QStyleOptionViewItem, index: Index
    ) -> bool:
        """The whole entry as the row's tooltip when it does not fit."""
        model = index.model()
        line = model.line(index.row()) if isinstance(model, HistoryModel) else None
        width = option.rect.width() - 16
        if line is None or self.texts(line, option.font, width) == (line.headline, line.detail):
            QToolTip.hideText()
            return super().helpEvent(event, view, option, index)
        QToolTip.showText(event.globalPos(), plain_tooltip(line.text()), view)
        return True

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:  # noqa: N802 - Qt's name
        self._prepare(option.font)
        return QSize(200, self._height)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        model = index.model()
        line = model.line(index.row()) if isinstance(model, HistoryModel) else None
        if line is None:
            return
        self._prepare(option.font)
        rect: QRect = option.rect
        state = option.state
        palette: QPalette = option.palette
        selected = bool(state & QStyle.StateFlag.State_Selected)
        if selected:
            painter.fillRect(rect, palette.color(QPalette.ColorRole.Highlight))
        ink = palette.color(QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text)
        painter.save()
        painter.setPen(ink)
        painter.setFont(self._bold)
        left, top, width = rect.left() + 8, rect.top(), rect.width() - 16
        headline, detail = self.texts(line, option.font, width)
        painter.drawText(left, top + 5, width, self._second_line, _TOP_LEFT, headline)
        painter.setFont(self._plain)
        painter.drawText(left, top + self._second_line, width, self._height, _TOP_LEFT, detail)
        if state & QStyle.StateFlag.State_HasFocus:
            painter.drawRect(rect.adjusted(1, 1, -2, -2))
        painter.restore()


_TOP_LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
_ELIDE_RIGHT = Qt.TextElideMode.ElideRight


class ChangeHistoryPage(QWidget):
    filters_changed = Signal()  # read `query_filters()`
    more_wanted = Signal()
    undo_requested = Signal(object)  # the ActivityEntry to undo

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("historyPage")
        self.teen_id = ""
        self.teen_name = ""
        self.current_controls: dict[str, Any] | None = None
        self.title = heading("Change history", "historyTitle", 1.5)
        self.notes = QVBoxLayout()  # notices above the list
        self.age_preview = AgeTransitionPreview(self, "historyAgeTransition")
        self.notes.addWidget(self.age_preview)
        self.intro = wrapping_label(
            "Every change to the settings, the links and the requests for more time, newest first. "
            "Changes by other guardians appear here as they happen.",
            "historyIntro",
        )
        self.who = named(QComboBox(), "historyWhoFilter", "Show changes by")
        self.setting = named(QComboBox(), "historySettingFilter", "Show changes of the setting")
        self.kind = named(QComboBox(), "historyKindFilter", "Show entries of the kind")
        filters = QFormLayout()
        for label, combo in (("&Who:", self.who), ("&Setting:", self.setting), ("Kin&d:", self.kind)):
            caption = QLabel(label)
            caption.setBuddy(combo)
            filters.addRow(caption, combo)
        self.kind.addItem("All kinds", None)
        for value, words in KINDS:
            self.kind.addItem(words, value)
        self.who.addItem("Everyone", None)
        self.setting.addItem("All settings", None)
        for combo in (self.who, self.setting, self.kind):
            combo.currentIndexChanged.connect(lambda _i: self.filters_changed.emit())

        self.model = HistoryModel(self)
        self.model.more_wanted.connect(self.more_wanted)
        # A one-column tree view rather than a QListView: with uniform row heights it lays out only
        # what is on screen, where QListView re-lays out every row (asking Python for the row count
        # each time) whenever a page is added — measured at 280 ms stalls with 10,000 entries.
        self.list = named(QTreeView(), "historyList", "Change history")
        self.list.setModel(self.model)
        self.list.setItemDelegate(HistoryDelegate(self.list))
        self.list.setUniformRowHeights(True)  # one height for all rows: scrolling never measures text
        self.list.setHeaderHidden(True)
        self.list.setRootIsDecorated(False)
        self.list.setItemsExpandable(False)
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        # Older pages load when the guardian scrolls near the end (not through Qt's canFetchMore,
        # which a view also calls while hidden or before its first layout).
        self.list.verticalScrollBar().valueChanged.connect(self._scrolled)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        # The wheel over a filter scrolls the entries: it switched "Who" or "Setting" by accident.
        self._wheel_guard = WheelGuard(self.list)
        for combo in (self.who, self.setting, self.kind):
            self._wheel_guard.guard(combo)
        self.list.selectionModel().currentChanged.connect(lambda _c, _p: self._update_undo())
        # The selected entry whole, under the list: a long one ends in "…" in its row, and only the
        # mouse's tooltip said the rest (an outside tester).
        self.whole = named(wrapping_label("", "historyWhole", selectable=True), "historyWhole", "The selected entry")
        self.whole.hide()
        self.list.selectionModel().currentChanged.connect(lambda _c, _p: self._show_whole())
        self.model.modelReset.connect(self._show_whole)  # another teen, other filters: none selected
        self.status = named(wrapping_label("", "historyStatus"), "historyStatus", "History status")
        self.undo_button = named(QPushButton("&Undo this change"), "undoHistoryButton", "Undo this change")
        self.undo_button.setEnabled(False)
        self.undo_button.clicked.connect(self._undo_clicked)
        self.undo_reason = named(wrapping_label("", "undoReason"), "undoReason", "Why undo is not offered")
        undo_row = QHBoxLayout()
        undo_row.addWidget(self.undo_button)
        undo_row.addWidget(self.undo_reason, 1)

        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addLayout(self.notes)
        layout.addWidget(self.intro)
        layout.addLayout(filters)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.whole)
        layout.addWidget(self.status)
        layout.addLayout(undo_row)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        self.model.active = True
        QTimer.singleShot(0, self, self._fill)  # after the layout: fetch if the list does not fill the view

    def hideEvent(self, event: QHideEvent) -> None:  # noqa: N802 - Qt's name
        self.model.active = False
        super().hideEvent(event)

    def _fill(self) -> None:
        """Ask for more while the entries do not fill the list (nothing to scroll yet)."""
        rows = self.model.rowCount()
        if rows * (self.list.sizeHintForRow(0) if rows else 0) < self.list.viewport().height():
            self.model.ask_for_more()

    def _scrolled(self, value: int) -> None:
        bar = self.list.verticalScrollBar()
        if value >= bar.maximum() - max(1, bar.pageStep() // 2):
            self.model.ask_for_more()

    # --- what the presenter calls -------------------------------------------------------------

    def show_teen(self, teen_id: str, name: str) -> None:
        """Another teen (or the first): empty list, filters back to everything."""
        changed = teen_id != self.teen_id
        self.teen_id, self.teen_name = teen_id, name
        self.title.setText(f"Change history — {name}")
        if changed:
            for combo in (self.who, self.setting, self.kind):
                combo.blockSignals(True)
            self.who.clear()
            self.who.addItem("Everyone", None)
            self.setting.clear()
            self.setting.addItem("All settings", None)
            for field, label in field_choices(name):
                self.setting.addItem(label, field)
            self.kind.setCurrentIndex(0)
            for combo in (self.who, self.setting, self.kind):
                combo.blockSignals(False)
        self.start_loading()

    def start_loading(self) -> None:
        self.model.reset(self.teen_name)
        show_words(self.status, "Loading the history…")
        self._update_undo()

    def query_filters(self) -> dict[str, str | None]:
        return {"kind": self.kind.currentData(), "field": self.setting.currentData(), "actor": self.who.currentData()}

    def show_page(
        self,
        entries: tuple[ActivityEntry, ...],
        *,
        first: bool,
        complete: bool,
        from_cache: bool,
        lines: Sequence[HistoryLine] | None = None,
    ) -> None:
        """A page of entries (`lines`: their words, if a worker wrote them already)."""
        if first and not from_cache:
            self.model.replace_first_page(entries, complete=complete, lines=lines)
        else:
            self.model.append(entries, complete=complete and not from_cache, lines=lines)
        if from_cache:
            self.model.complete = True  # a cached page cannot promise more: wait for the server
        elif self.isVisible():
            QTimer.singleShot(0, self, self._fill)  # a short page (a filter) may not fill the list
        self._note_people(entries)
        self._say_count(from_cache)
        self._update_undo()

    def show_cached_first(self, entries: tuple[ActivityEntry, ...]) -> None:
        """What this computer has, shown while the server's first page is on its way."""
        self.model.append(entries, complete=True)
        self.model.loading = True  # no "more" from a cached page: the server's page replaces it
        self._note_people(entries)
        show_words(self.status, "Checking with the service for the latest entries…")
        self._update_undo()

    def page_failed(self, message: str) -> None:
        self.model.loading = False
        self.model.complete = True
        show_words(self.status, f"✗ {message}")

    def add_newer(self, entries: tuple[ActivityEntry, ...]) -> int:
        added = self.model.prepend(entries)
        if added:
            self._note_people(entries)
            self._say_count(False)
        return added

    def set_current_controls(self, controls: dict[str, Any] | None) -> None:
        self.current_controls = controls
        self._update_undo()

    def selected_entry(self) -> ActivityEntry | None:
        index = self.list.currentIndex()
        return self.model.entry(index.row()) if index.isValid() else None

    def entries(self) -> list[ActivityEntry]:
        return list(self.model.entries)

    # --- inside ------------------------------------------------------------------------------

    def set_people(self, teen_id: str, people: list[tuple[str, str]]) -> None:
        """The "Who" choices from the service (every guardian linked now, the teen, FamGuard),
        ahead of anyone else the entries named (a guardian no longer linked); the choice made
        stays chosen."""
        if teen_id != self.teen_id:
            return
        chosen = self.who.currentData()
        known = {value for value, _label in people}
        others = [(self.who.itemData(i), self.who.itemText(i)) for i in range(1, self.who.count())]
        self.who.blockSignals(True)
        self.who.clear()
        self.who.addItem("Everyone", None)
        for value, label in [*people, *((v, t) for v, t in others if v not in known)]:
            self.who.addItem(label, value)
        self.who.setCurrentIndex(max(0, self.who.findData(chosen)))
        self.who.blockSignals(False)

    def _note_people(self, entries: tuple[ActivityEntry, ...]) -> None:
        """Anyone an entry names and the "Who" filter lacks (a guardian no longer linked) becomes
        a choice too."""
        known = {self.who.itemData(i) for i in range(self.who.count())}
        for entry in entries:
            if entry.actor is not None and entry.actor.id not in known:
                known.add(entry.actor.id)
                self.who.addItem(who(entry, self.model.me), entry.actor.id)

    def _say_count(self, from_cache: bool) -> None:
        count, filtered = self.model.rowCount(), any(self.query_filters().values())
        if from_cache:
            noun = "entry" if count == 1 else "entries"
            text = (
                f"Offline: showing the {count} {noun} this computer has." if count else "Offline: no entries here yet."
            )
        elif not count:
            text = "No entries match these filters." if filtered else "No changes yet."
        elif filtered:
            # Not "All 3 entries." of a history of ten, three of which match (an outside tester).
            matching = f"{count} {'entry matches' if count == 1 else 'entries match'} these filters"
            text = f"{matching}." if self.model.complete else f"{matching} so far; scroll down for older ones."
        elif self.model.complete:
            text = {1: "1 entry.", 2: "Both entries."}.get(count, f"All {count} entries.")  # not "All 2 entries."
        else:
            text = f"{count} entries so far; scroll down for older ones."
        show_words(self.status, text)

    def _show_whole(self) -> None:
        index = self.list.currentIndex()
        line = self.model.line(index.row()) if index.isValid() else None
        show_words(self.whole, f"{line.headline}\n{line.detail}" if line is not None else "")
        self.whole.setVisible(line is not None)

    def _update_undo(self) -> None:
        entry = self.selected_entry()
        if entry is None:
            self.undo_button.setEnabled(False)
            show_words(self.undo_reason, "Select a change to undo it.")
            self.undo_button.setAccessibleDescription(self.undo_reason.text())  # why it is greyed out
            return
        blocker = undo_blocker(entry, self.current_controls)
        if blocker is not None and self.undo_button.hasFocus():
            # Undone just now (or changed since): the keyboard goes back to the entries. Greyed out
            # with the focus, the button passed it to whatever came next — the notice's Dismiss,
            # then the demo's toolbar once the notice hid itself.
            self.list.setFocus()
        self.undo_button.setEnabled(blocker is None)
        show_words(self.undo_reason, blocker or "Sets it back to what it was before this change.")
        self.undo_button.setAccessibleDescription(self.undo_reason.text())

    def _undo_clicked(self) -> None:
        entry = self.selected_entry()
        if entry is not None and undo_blocker(entry, self.current_controls) is None:
            self.undo_requested.emit(entry)
