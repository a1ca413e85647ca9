"""Small helpers every view uses, so that each interactive widget is named the same way for
screen readers and for tests (objectName + accessibleName). On the path to the first paint: no
`Qt` namespace import at the top (PySide creates all of its ~90 enums on that import, ~28 ms)."""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtWidgets import QLabel, QWidget

W = TypeVar("W", bound=QWidget)


def named(widget: W, object_name: str, accessible_name: str, description: str = "") -> W:
    """Give `widget` its objectName (tests find it by this) and accessible name (what a screen
    reader says); returns the widget so it can be used inline."""
    widget.setObjectName(object_name)
    widget.setAccessibleName(accessible_name)
    if description:
        widget.setAccessibleDescription(description)
    return widget


def wrapping_label(text: str = "", object_name: str = "", *, selectable: bool = False) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    if object_name:
        label.setObjectName(object_name)
    if selectable:
        from PySide6.QtCore import Qt  # not at the top: this module is on the path to the first paint

        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def heading(text: str, object_name: str = "", size: float = 1.4) -> QLabel:
    label = QLabel(text)
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * size)
    font.setBold(True)
    label.setFont(font)
    label.setWordWrap(True)
    if object_name:
        label.setObjectName(object_name)
    return label
