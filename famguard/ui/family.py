"""The family at a glance: the side list of linked teens (name, age, today's use against today's
limit, the requests waiting, a sync-state mark — each in words and a symbol, never colour alone;
a long name wraps and the row's tooltip has it whole) with "Add a teen". (The banners below the
page are in famguard.ui.banners: they are built before the first paint, this list after it.)"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from famguard.ui.common import (
    ACCESSIBLE_TEXT_ROLE,
    ELIDE_RIGHT,
    SCROLL_BAR_ALWAYS_OFF,
    USER_ROLE,
    FocusRing,
    named,
    plain_tooltip,
    without_symbols,
    wrapping_label,
)

if TYPE_CHECKING:  # the domain's import cost is kept off the path to the first paint
    from famguard.ui.viewstate import TeenRow

_TEEN_ID_ROLE = USER_ROLE + 1


class TeenList(QWidget):
    """The linked teens; selecting one opens their controls."""

    teen_selected = Signal(str)
    add_teen_requested = Signal()
    inbox_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("teenListPanel")
        self._rows: dict[str, TeenRow] = {}
        self._items: dict[str, QListWidgetItem] = {}  # by teen id, in the list's order
        self.list = named(QListWidget(), "teenList", "Linked teens")
        self.list.setAlternatingRowColors(True)
        self.list.setSpacing(2)
        # A long name wraps (and its row has the whole text as a tooltip): no sideways scrolling.
        self.list.setWordWrap(True)
        self.list.setProperty("horizontalScrollBarPolicy", SCROLL_BAR_ALWAYS_OFF)
        self.list.setProperty("textElideMode", ELIDE_RIGHT)
        self.list.currentItemChanged.connect(self._current_changed)
        # The selected row is drawn alike with the keyboard there or not: a ring says it is (an
        # outside tester could not see where the keyboard was after "Reset demo").
        FocusRing(self.list)
        # Says nothing until the presenter knows what an empty list means (set_empty_text): before
        # the store and the service have answered, "no teen linked" would be a guess.
        self.empty_label = wrapping_label("", "noTeens")
        self.add_button = named(
            QPushButton("&Add a teen"), "addTeenButton", "Add a teen", "Link a teen's account with a pairing code"
        )
        self.add_button.clicked.connect(self.add_teen_requested)
        self.inbox_button = named(
            QPushButton(), "inboxButton", "Requests inbox", "Every teen's requests for more time, answered together"
        )
        self.inbox_button.clicked.connect(self.inbox_requested)
        self.set_inbox_count(0)
        # Alt+Y: the list from anywhere in the window — in the demo, Tab reaches it after the
        # teen's phone and the demo's bar, a dozen stops from the page (an outside tester).
        title = QLabel("&Your teens")
        font = title.font()
        font.setBold(True)
        title.setFont(font)
        title.setBuddy(self.list)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.inbox_button)
        layout.addWidget(self.add_button)
        self.setMinimumWidth(240)
        self._refresh_empty()

    def set_teens(self, rows: list[TeenRow]) -> None:
        """Show exactly `rows`, keeping the selection when that teen is still there. The same
        teens in the same order (every refresh but a link or an unlink) only have their changed
        rows rewritten: clearing and refilling 50 rows made the list lay out all of them again."""
        current = self.current_teen_id()
        if rows and [row.teen_id for row in rows] == list(self._items):
            changed = {row.teen_id for row in rows if self._rows.get(row.teen_id) != row}
            for row in rows:
                self.update_teen(row)
            if current in changed:  # a new name or age: the selected teen's pages say it again
                self.teen_selected.emit(current)
            return
        self.list.blockSignals(True)
        self.list.clear()
        self._rows = {row.teen_id: row for row in rows}
        self._items = {}
        for row in rows:
            item = QListWidgetItem()
            item.setData(_TEEN_ID_ROLE, row.teen_id)
            self._fill(item, row)
            self.list.addItem(item)
            self._items[row.teen_id] = item
        self.list.blockSignals(False)
        self._refresh_empty()
        if current in self._rows:
            self.select(current)
        elif rows:
            self.select(rows[0].teen_id)

    def set_inbox_count(self, count: int) -> None:
        """The inbox button says how many requests wait, in words (not a red dot alone)."""
        self.inbox_button.setText(f"✉ Requests &inbox ({count})" if count else "Requests &inbox")
        self.inbox_button.setAccessibleName(f"Requests inbox, {count or 'none'} waiting")

    def update_teen(self, row: TeenRow) -> None:
        item = self._item(row.teen_id)
        if item is None or self._rows.get(row.teen_id) == row:
            return
        self._rows[row.teen_id] = row
        self._fill(item, row)

    def _fill(self, item: QListWidgetItem, row: TeenRow) -> None:
        text = self._text(row)
        item.setText(text)
        item.setData(ACCESSIBLE_TEXT_ROLE, without_symbols(text.replace("\n", ", ")))  # not "black circle"
        item.setToolTip(plain_tooltip(text))  # the whole of it, should the panel be too narrow for a long name

    def select(self, teen_id: str) -> None:
        item = self._item(teen_id)
        if item is not None:
            self.list.setCurrentItem(item)

    def select_next(self, step: int) -> bool:
        """The teen `step` rows below (above, when negative) the selected one, if there is one."""
        row = self.list.currentRow() + step
        if not 0 <= row < self.list.count() or step == 0:
            return False
        self.list.setCurrentRow(row)
        return True

    def current_teen_id(self) -> str | None:
        item = self.list.currentItem()
        return None if item is None else item.data(_TEEN_ID_ROLE)

    def item_text(self, teen_id: str) -> str:
        item = self._item(teen_id)
        return "" if item is None else item.text()

    def _item(self, teen_id: str) -> QListWidgetItem | None:
        return self._items.get(teen_id)

    @staticmethod
    def _text(row: TeenRow) -> str:
        lines = [f"{row.name}, {row.age}", row.usage_text(), row.pending_text(), row.sync_text()]
        return "\n".join(line for line in lines if line)

    def _current_changed(self, current: QListWidgetItem | None, _previous: QListWidgetItem | None) -> None:
        if current is not None:
            self.teen_selected.emit(current.data(_TEEN_ID_ROLE))

    def place_below_list(self, widget: QWidget) -> None:
        """A panel of its own under the list (and its empty text), above the buttons."""
        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.insertWidget(layout.indexOf(self.empty_label) + 1, widget)

    def set_empty_text(self, text: str) -> None:
        """What the list says while it is empty (whether the service has said so yet)."""
        self.empty_label.setText(text)

    def _refresh_empty(self) -> None:
        self.empty_label.setVisible(self.list.count() == 0)
