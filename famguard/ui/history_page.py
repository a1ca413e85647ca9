"""The change history of one teen: every entry of the activity log in plain words
(famguard.domain.activity_words), newest first, in a model/view list that asks for more as the
guardian scrolls (`canFetchMore`/`fetchMore`: thousands of entries cost a few hundred objects,
not thousands of widgets); filters by person, setting and kind; and "Undo this change" where it
still makes sense. Pure view: it emits what the guardian wants and shows the pages it is given."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, QRect, QSize, Qt, Signal
from PySide6.QtGui import QFont, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListView,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from famguard.domain.activity_words import KINDS, HistoryLine, describe, field_choices, undo_blocker
from famguard.domain.models import ActivityEntry
from famguard.ui.age_transition import AgeTransitionPreview
from famguard.ui.common import heading, named, wrapping_label

Index = QModelIndex | QPersistentModelIndex
ENTRY_ROLE = Qt.ItemDataRole.UserRole + 1
LINE_ROLE = Qt.ItemDataRole.UserRole + 2


class HistoryModel(QAbstractListModel):
    """The entries shown, newest first. Asks for the next page (`more_wanted`) when the view
    scrolls near the end and there may be more."""

    more_wanted = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.entries: list[ActivityEntry] = []
        self.lines: list[HistoryLine] = []
        self.teen_name = ""
        self.complete = True
        self.loading = False

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802 - Qt's name and default
        return 0 if parent.isValid() else len(self.entries)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: ANN401 - Qt's QVariant
        if not index.isValid() or not 0 <= index.row() < len(self.entries):
            return None
        line = self.lines[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole, Qt.ItemDataRole.ToolTipRole):
            return line.text()
        if role == ENTRY_ROLE:
            return self.entries[index.row()]
        if role == LINE_ROLE:
            return line
        return None

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008, N802
        return not parent.isValid() and not self.complete and not self.loading

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008, N802
        if self.canFetchMore(parent):
            self.loading = True
            self.more_wanted.emit()

    def reset(self, teen_name: str) -> None:
        self.beginResetModel()
        self.entries, self.lines = [], []
        self.teen_name = teen_name
        self.complete, self.loading = False, True
        self.endResetModel()

    def append(self, entries: tuple[ActivityEntry, ...] | list[ActivityEntry], *, complete: bool) -> None:
        """An older page: entries already shown (a cached page first, then the server's) are skipped."""
        last = self.entries[-1].id if self.entries else None
        fresh = [e for e in entries if last is None or e.id < last]
        if fresh:
            self.beginInsertRows(QModelIndex(), len(self.entries), len(self.entries) + len(fresh) - 1)
            self.entries.extend(fresh)
            self.lines.extend(describe(e, self.teen_name) for e in fresh)
            self.endInsertRows()
        self.complete, self.loading = complete, False

    def prepend(self, entries: tuple[ActivityEntry, ...] | list[ActivityEntry]) -> int:
        """Newer entries (from the events feed) at the top; returns how many were new."""
        top = self.entries[0].id if self.entries else None
        fresh = sorted((e for e in entries if top is None or e.id > top), key=lambda e: -e.id)
        if fresh:
            self.beginInsertRows(QModelIndex(), 0, len(fresh) - 1)
            self.entries[:0] = fresh
            self.lines[:0] = [describe(e, self.teen_name) for e in fresh]
            self.endInsertRows()
        return len(fresh)

    def replace_first_page(self, entries: tuple[ActivityEntry, ...], *, complete: bool) -> None:
        """The server's first page after a cached one: the server's word wins."""
        self.beginResetModel()
        self.entries = list(entries)
        self.lines = [describe(e, self.teen_name) for e in entries]
        self.complete, self.loading = complete, False
        self.endResetModel()


class HistoryDelegate(QStyledItemDelegate):
    """Two lines per entry: the sentence in bold, then before → after, who and when."""

    def _fonts(self, option: QStyleOptionViewItem) -> tuple[QFont, QFont]:
        bold = QFont(option.font)
        bold.setBold(True)
        return bold, QFont(option.font)

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:  # noqa: N802 - Qt's name
        bold, plain = self._fonts(option)
        return QSize(200, QFontMetrics(bold).height() + QFontMetrics(plain).height() + 14)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        line = index.data(LINE_ROLE)
        if not isinstance(line, HistoryLine):
            return
        rect: QRect = option.rect
        state = option.state
        palette: QPalette = option.palette
        selected = bool(state & QStyle.StateFlag.State_Selected)
        if selected:
            painter.fillRect(rect, palette.color(QPalette.ColorRole.Highlight))
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        bold, plain = self._fonts(option)
        painter.save()
        painter.setPen(palette.color(role))
        first = QFontMetrics(bold).height()
        painter.setFont(bold)
        painter.drawText(
            rect.adjusted(8, 5, -8, 0), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop, line.headline
        )
        painter.setFont(plain)
        detail = " · ".join(p for p in (line.change, line.who, line.when) if p)
        painter.drawText(
            rect.adjusted(8, 7 + first, -8, 0), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop, detail
        )
        if state & QStyle.StateFlag.State_HasFocus:
            painter.setPen(palette.color(QPalette.ColorRole.Text if not selected else role))
            painter.drawRect(rect.adjusted(1, 1, -2, -2))
        painter.restore()


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
        for label, combo in (("&Who:", self.who), ("&Setting:", self.setting), ("&Kind:", self.kind)):
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
        self.list = named(QListView(), "historyList", "Change history")
        self.list.setModel(self.model)
        self.list.setItemDelegate(HistoryDelegate(self.list))
        self.list.setUniformItemSizes(True)  # one height for all rows: scrolling never measures text
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.selectionModel().currentChanged.connect(lambda _c, _p: self._update_undo())
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
        layout.addWidget(self.status)
        layout.addLayout(undo_row)

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
        self.status.setText("Loading the history…")
        self._update_undo()

    def query_filters(self) -> dict[str, str | None]:
        return {"kind": self.kind.currentData(), "field": self.setting.currentData(), "actor": self.who.currentData()}

    def show_page(self, entries: tuple[ActivityEntry, ...], *, first: bool, complete: bool, from_cache: bool) -> None:
        if first and not from_cache:
            self.model.replace_first_page(entries, complete=complete)
        else:
            self.model.append(entries, complete=complete and not from_cache)
        if from_cache:
            self.model.complete = True  # a cached page cannot promise more: wait for the server
        self._note_people(entries)
        self._say_count(from_cache)
        self._update_undo()

    def show_cached_first(self, entries: tuple[ActivityEntry, ...]) -> None:
        """What this computer has, shown while the server's first page is on its way."""
        self.model.append(entries, complete=True)
        self.model.loading = True  # no "more" from a cached page: the server's page replaces it
        self._note_people(entries)
        self.status.setText("Checking with the service for the latest entries…")
        self._update_undo()

    def page_failed(self, message: str) -> None:
        self.model.loading = False
        self.model.complete = True
        self.status.setText(f"✗ {message}")

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
        value = self.list.currentIndex().data(ENTRY_ROLE)
        return value if isinstance(value, ActivityEntry) else None

    def entries(self) -> list[ActivityEntry]:
        return list(self.model.entries)

    # --- inside ------------------------------------------------------------------------------

    def _note_people(self, entries: tuple[ActivityEntry, ...]) -> None:
        """Everyone seen in the history so far becomes a choice of the "Who" filter."""
        known = {self.who.itemData(i) for i in range(self.who.count())}
        for entry in entries:
            if entry.actor is not None and entry.actor.id not in known:
                known.add(entry.actor.id)
                self.who.addItem(entry.actor.display_name, entry.actor.id)

    def _say_count(self, from_cache: bool) -> None:
        count = self.model.rowCount()
        if from_cache:
            text = (
                f"Offline: showing the {count} entries this computer has." if count else "Offline: no entries here yet."
            )
        elif not count:
            text = "No entries match these filters." if any(self.query_filters().values()) else "No changes yet."
        elif self.model.complete:
            text = f"All {count} entries." if count != 1 else "1 entry."
        else:
            text = f"{count} entries so far; scroll down for older ones."
        self.status.setText(text)

    def _update_undo(self) -> None:
        entry = self.selected_entry()
        if entry is None:
            self.undo_button.setEnabled(False)
            self.undo_reason.setText("Select a change to undo it.")
            return
        blocker = undo_blocker(entry, self.current_controls)
        self.undo_button.setEnabled(blocker is None)
        self.undo_reason.setText(blocker or "Sets it back to what it was before this change.")

    def _undo_clicked(self) -> None:
        entry = self.selected_entry()
        if entry is not None and undo_blocker(entry, self.current_controls) is None:
            self.undo_requested.emit(entry)
