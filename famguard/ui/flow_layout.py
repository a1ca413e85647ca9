"""A layout that places its items left to right and wraps them onto the next line when the width
runs out, like words in a paragraph. Rows of choices (the daily-limit presets, the seven weekdays)
use it so that a narrow window — the demo with the teen's phone docked beside the page, a small
laptop screen — shows every option instead of cutting the last ones off: the controls page
scrolls only vertically, so a row wider than the page would be clipped, not scrollable."""

from __future__ import annotations

from PySide6.QtCore import QMargins, QPoint, QRect, QSize, Qt
from PySide6.QtWidgets import QBoxLayout, QLayout, QLayoutItem, QSizePolicy, QStyle, QWidget

# Used when neither the layout nor its widget's style says how far apart items are.
_FALLBACK_SPACING = 6


class FlowLayout(QLayout):
    """Items keep their size hints; a line ends where the next item would not fit. The layout's
    height follows its width (heightForWidth), so a scroll area around it grows as lines wrap."""

    def __init__(self, parent: QWidget | None = None, balanced: bool = False) -> None:
        """`balanced`: items of one kind (the seven weekdays) wrap into even lines in aligned
        columns — 4 and 3, not 6 and a lonely 7th."""
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._balanced = balanced

    # --- QLayout's item bookkeeping ------------------------------------------------------------
    def addItem(self, item: QLayoutItem) -> None:  # noqa: N802 - Qt's name
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:  # noqa: N802 - Qt's name
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:  # noqa: N802 - Qt's name
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    # --- geometry --------------------------------------------------------------------------------
    def expandingDirections(self) -> Qt.Orientation:  # noqa: N802 - Qt's name
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:  # noqa: N802 - Qt's name
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 - Qt's name
        return self._arrange(QRect(0, 0, width, 0), move=False)

    def setGeometry(self, rect: QRect) -> None:  # noqa: N802 - Qt's name
        super().setGeometry(rect)
        self._arrange(rect, move=True)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        """Everything on one line: what the layout asks for when there is room."""
        width = sum(item.sizeHint().width() for item in self._items)
        width += self._spacing(horizontal=True) * max(0, len(self._items) - 1)
        height = max((item.sizeHint().height() for item in self._items), default=0)
        return QSize(width, height).grownBy(self.contentsMargins())

    def minimumSize(self) -> QSize:  # noqa: N802 - Qt's name
        """One item per line: the widest item is all the width the layout insists on."""
        size = QSize()
        for item in self._items:
            size = size.expandedTo(item.minimumSize())
        return size.grownBy(self.contentsMargins())

    def _spacing(self, horizontal: bool) -> int:
        if self.spacing() >= 0:
            return self.spacing()
        parent = self.parentWidget()
        if parent is None:
            return _FALLBACK_SPACING
        pixel = QStyle.PixelMetric
        metric = pixel.PM_LayoutHorizontalSpacing if horizontal else pixel.PM_LayoutVerticalSpacing
        spacing = parent.style().pixelMetric(metric, None, parent)
        return spacing if spacing >= 0 else _FALLBACK_SPACING

    def _arrange(self, rect: QRect, move: bool) -> int:
        """Place the items in `rect` (only measure when not `move`); the height they need."""
        margins: QMargins = self.contentsMargins()
        area = rect.marginsRemoved(margins)
        x, y = area.x(), area.y()
        across, down = self._spacing(horizontal=True), self._spacing(horizontal=False)
        shown = [item for item in self._items if (widget := item.widget()) is None or not widget.isHidden()]
        per_line, cell_width = len(shown), 0
        if self._balanced and shown:
            cell_width = max(item.sizeHint().width() for item in shown)
            fits = max(1, (area.width() + across) // (cell_width + across))
            line_count = -(-len(shown) // fits)
            per_line = -(-len(shown) // line_count)
        lines: list[list[tuple[QLayoutItem, int]]] = []  # each line's items and their x
        for index, item in enumerate(shown):
            hint = item.sizeHint()
            width = cell_width or hint.width()
            if self._balanced:
                new_line = index > 0 and index % per_line == 0
            else:
                new_line = x > area.x() and x + width > area.right() + 1  # does not fit
            if new_line or not lines:
                x = area.x()
                lines.append([])
            lines[-1].append((item, x))
            x += width + across
        for number, line in enumerate(lines):
            y += down if number else 0
            line_height = max(item.sizeHint().height() for item, _x in line)
            if move:  # centred in their line: a title beside a taller button, a label beside its box
                for item, left in line:
                    hint = item.sizeHint()
                    item.setGeometry(QRect(QPoint(left, y + (line_height - hint.height()) // 2), hint))
            y += line_height
        return y - rect.y() + margins.bottom()


def flow_cell(*widgets: QWidget, vertical: bool = False) -> QWidget:
    """Widgets that belong together (a label and its box) as one item of a FlowLayout, so that
    a line never breaks between them."""
    cell = QWidget()
    direction = QBoxLayout.Direction.TopToBottom if vertical else QBoxLayout.Direction.LeftToRight
    layout = QBoxLayout(direction, cell)
    layout.setContentsMargins(0, 0, 0, 0)
    for widget in widgets:
        layout.addWidget(widget)
    cell.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
    return cell
