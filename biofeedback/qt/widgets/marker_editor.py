"""A bar for giving a marker a label and a note: opened by M with the new marker, or later to edit any.

The bar only asks: it emits ``edit_requested`` and ``delete_requested``; whoever owns the session
changes the marker and tells the bar the markers as they stand (:meth:`MarkerEditor.set_markers`).
While its text fields have the keyboard, Space and M are typed into them (the fields say so);
everywhere else in the window they start and stop the session and add a marker.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QComboBox, QFrame, QHBoxLayout, QLabel, QLineEdit, QPushButton, QWidget

from biofeedback.core.annotations import Marker
from biofeedback.core.session_timer import clock_text

#: Longest label and note kept, characters (a label is a few words; a note a sentence or two).
LABEL_MAX = 60
NOTE_MAX = 500


def marker_title(marker: Marker) -> str:
    """How a marker is listed: its time in the session and its label."""
    return f"{clock_text(marker.t)}  {marker.label}"


class MarkerEditor(QFrame):
    """Pick a marker, type its label and note; Enter saves, Esc closes.

    Signals
    -------
    edit_requested(int, str, str)
        Marker id, new label, new note.
    delete_requested(int)
        Marker id.
    closed()
    """

    edit_requested = Signal(int, str, str)
    delete_requested = Signal(int)
    closed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("markerEditor")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.marker_box = QComboBox()
        self.marker_box.setToolTip("Which marker to edit")
        self.marker_box.currentIndexChanged.connect(self._show_current)
        self.label_edit = QLineEdit()
        self.label_edit.setMaxLength(LABEL_MAX)
        self.label_edit.setPlaceholderText("Label (typing here: Space and M are letters)")
        self.note_edit = QLineEdit()
        self.note_edit.setMaxLength(NOTE_MAX)
        self.note_edit.setPlaceholderText("Note, if you like")
        for field in (self.label_edit, self.note_edit):
            field.returnPressed.connect(self.save)
        self.save_button = QPushButton("Save  (Enter)")
        self.save_button.clicked.connect(self.save)
        self.delete_button = QPushButton("Delete")
        self.delete_button.clicked.connect(self._delete)
        self.close_button = QPushButton("Close  (Esc)")
        self.close_button.clicked.connect(self.close_editor)
        escape = QShortcut(QKeySequence(Qt.Key.Key_Escape), self, context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        escape.activated.connect(self.close_editor)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.addWidget(QLabel("Marker"))
        layout.addWidget(self.marker_box, 2)
        layout.addWidget(self.label_edit, 3)
        layout.addWidget(self.note_edit, 5)
        layout.addWidget(self.save_button)
        layout.addWidget(self.delete_button)
        layout.addWidget(self.close_button)
        self._markers: list[Marker] = []
        self.hide()

    # ---- what the session says

    def set_markers(self, markers: Sequence[Marker]) -> None:
        """The markers as they stand; the one being edited stays chosen if it still exists."""
        current = self.current_id()
        self._markers = list(markers)
        self.marker_box.blockSignals(True)
        self.marker_box.clear()
        for marker in self._markers:
            self.marker_box.addItem(marker_title(marker), marker.id)
        index = self.marker_box.findData(current)
        self.marker_box.setCurrentIndex(index if index >= 0 else self.marker_box.count() - 1)
        self.marker_box.blockSignals(False)
        if not self._markers:
            self.close_editor()

    def open_for(self, marker_id: int | None = None) -> None:
        """Show the bar with marker ``marker_id`` (the newest if None) and the keyboard in its label."""
        if not self._markers:
            return
        index = self.marker_box.findData(marker_id) if marker_id is not None else self.marker_box.count() - 1
        self.marker_box.setCurrentIndex(max(index, 0))
        self._show_current()
        self.show()
        self.label_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.label_edit.selectAll()  # typing replaces the default label

    def current_id(self) -> int | None:
        return self.marker_box.currentData()

    # ---- input

    def _show_current(self, _index: int = 0) -> None:
        marker = next((m for m in self._markers if m.id == self.current_id()), None)
        self.label_edit.setText(marker.label if marker else "")
        self.note_edit.setText(marker.note if marker else "")

    def save(self) -> None:
        marker_id = self.current_id()
        if marker_id is not None:
            self.edit_requested.emit(marker_id, self.label_edit.text().strip() or "Marker", self.note_edit.text().strip())
        self.close_editor()

    def _delete(self) -> None:
        marker_id = self.current_id()
        if marker_id is not None:
            self.delete_requested.emit(marker_id)

    def close_editor(self) -> None:
        if self.isVisible():
            self.hide()
            self.closed.emit()
