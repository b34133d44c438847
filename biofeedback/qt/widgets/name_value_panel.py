"""A titled box of rows, each a name and a right-aligned value, with the row's help on hover."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QGroupBox, QLabel, QWidget


class NameValuePanel(QGroupBox):
    """Rows of (key, name, help); values start as ``initial`` and are set with :meth:`set_value`.

    ``wrap``: long values take a second line. Otherwise values keep one line and, when a row is
    short of room (a narrow side panel, a value with its reason), the names wrap instead.
    """

    def __init__(
        self,
        title: str,
        rows: list[tuple[str, str, str]],
        initial: str,
        value_name: str,
        wrap: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(title, parent)
        grid = QGridLayout(self)
        grid.setHorizontalSpacing(16)
        grid.setVerticalSpacing(6)
        grid.setColumnStretch(1, 1)
        self._values: dict[str, QLabel] = {}
        for i, (key, name, help_text) in enumerate(rows):
            name_label = QLabel(name)
            name_label.setObjectName("metricName")
            name_label.setWordWrap(not wrap)
            value = QLabel(initial)
            value.setObjectName(value_name)
            value.setWordWrap(wrap)
            value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            for label in (name_label, value):
                label.setToolTip(help_text)
            grid.addWidget(name_label, i, 0)
            grid.addWidget(value, i, 1)
            self._values[key] = value

    def set_value(self, key: str, text: str) -> None:
        self._values[key].setText(text)

    def value_text(self, key: str) -> str:
        return self._values[key].text()

    def tooltip(self, key: str) -> str:
        return self._values[key].toolTip()
