"""The parts the protocol results share: a headline, and a read-only table of numbers that sizes
itself to its rows and columns so nothing is clipped or scrolled."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLabel, QTableWidget, QWidget

COLUMN_PADDING_PX = 14  # breathing room between the numbers
MAX_WIDTH_PX = 1000


def headline_label() -> QLabel:
    """A result's first line: larger and bold, wrapping if it must."""
    label = QLabel("")
    font = QFont(label.font())
    font.setPointSizeF(font.pointSizeF() * 1.35)
    font.setBold(True)
    label.setFont(font)
    label.setWordWrap(True)
    return label


class ResultTable(QTableWidget):
    """A table to read, not to edit: a tooltip on each column's header, no selection, no focus."""

    def __init__(self, columns: Sequence[tuple[str, str]], parent: QWidget | None = None) -> None:
        super().__init__(0, len(columns), parent)
        self.setHorizontalHeaderLabels([name for name, _tip in columns])
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header.setStretchLastSection(True)
        for i, (_name, tip) in enumerate(columns):
            self.horizontalHeaderItem(i).setToolTip(tip)
        self.verticalHeader().hide()
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)

    def fit(self) -> None:
        """Size the columns to their contents and the table to its rows (after filling it)."""
        self.resizeColumnsToContents()
        for col in range(self.columnCount()):
            self.setColumnWidth(col, self.columnWidth(col) + COLUMN_PADDING_PX)
        self.resizeRowsToContents()
        frame = 2 * self.frameWidth()
        self.setFixedHeight(self.horizontalHeader().sizeHint().height() + sum(self.rowHeight(r) for r in range(self.rowCount())) + frame)
        self.setMinimumWidth(min(sum(self.columnWidth(c) for c in range(self.columnCount())) + frame, MAX_WIDTH_PX))
