"""The session library: every session on this computer, per person, to review, rename, tag,
annotate, delete (with undo) and follow over weeks.

The window lists what the library index says (``storage.library.Library``, given to it) and
asks the library to change things; it builds no storage itself. Keys: Enter reviews the chosen
session, S shows its summary, F2 renames it, Delete deletes it (Ctrl+Z brings it back), Ctrl+F
searches.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QEvent, QModelIndex, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from biofeedback.core import words
from biofeedback.core.annotations import MOODS
from biofeedback.core.blood_pressure import format_mmhg
from biofeedback.qt.screen_fit import fit_to_screen
from biofeedback.qt.summary_dialog import SummaryDialog

log = logging.getLogger(__name__)

EVERYONE = "Everyone"
ANY_TAG = "Any tag"
#: The window's size where the screen has room for it, px (a smaller screen gets its room).
PREFERRED_SIZE = (1280, 760)
SOURCE_WORDS = {"strap": "strap", "demo": "demo", "replay": "replay", "import": "imported", "cuff": "blood pressure"}

#: The table's columns: key, heading, tooltip.
COLUMNS = (
    ("date", "Date", "When the session started, in the time zone it was recorded in"),
    ("person", "Person", "Whom the session is for"),
    ("title", "Session", "Its title (F2 to rename), or the file's name"),
    ("duration", "Length", "How long it lasted"),
    ("source", "Source", "A strap, the demo, a replay, or a recording imported from another app"),
    ("hr", "Mean HR", "Mean heart rate, beats/min (60000 / mean RR)"),
    ("rmssd", "RMSSD", "RMSSD over the whole session, ms"),
    ("coherence", "Coherence", "Mean coherence ratio, and the share of time in the coherent level"),
    ("pain", "Pain", "Pain before → after (0-10)"),
    ("stress", "Stress", "Stress before → after (0-10)"),
    ("mood", "Mood", "Mood before → after"),
    ("pressure", "Blood pressure", words.BP_COLUMN_TIP),
    ("tags", "Tags", "Tags (T to change)"),
)
SORT_ROLE = Qt.ItemDataRole.UserRole + 1


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return ""
    s = int(round(seconds))
    return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}" if s >= 3600 else f"{s // 60}:{s % 60:02d}"


def _before_after(ratings: dict, what: str) -> str:
    def one(when: str) -> str:
        r = ratings.get(when) or {}
        value = r.get(what)
        if value is None:
            return "-"
        return MOODS[value - 1] if what == "mood" else str(value)

    if not ratings.get("before") and not ratings.get("after"):
        return ""
    return f"{one('before')} → {one('after')}"


def _pressure(blood_pressure: dict) -> str:
    """``"132/86 → 124/80"``, ``"132/86 → -"`` or empty."""

    def one(when: str) -> str:
        r = blood_pressure.get(when)
        return "-" if not r else format_mmhg(r["systolic_mmhg"], r["diastolic_mmhg"])

    if not blood_pressure.get("before") and not blood_pressure.get("after"):
        return ""
    return f"{one('before')} → {one('after')}"


def _pressure_order(blood_pressure: dict) -> tuple[float, float] | None:
    """Sessions sort by the reading before (the one after where there is none): systolic, then
    diastolic."""
    r = blood_pressure.get("before") or blood_pressure.get("after")
    return None if not r else (r["systolic_mmhg"], r["diastolic_mmhg"])


class SessionTableModel(QAbstractTableModel):
    """The library's entries as table rows; sorting uses the raw values (``SORT_ROLE``)."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.entries: list[Any] = []

    def set_entries(self, entries: list[Any]) -> None:
        self.beginResetModel()
        self.entries = list(entries)
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802 (Qt's names)
        return 0 if parent.isValid() else len(self.entries)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal:
            if role == Qt.ItemDataRole.DisplayRole:
                return COLUMNS[section][1]
            if role == Qt.ItemDataRole.ToolTipRole:
                return COLUMNS[section][2]
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        e = self.entries[index.row()]
        key = COLUMNS[index.column()][0]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(e, key)
        if role == SORT_ROLE:
            return self.sort_key(e, key)
        if role == Qt.ItemDataRole.ToolTipRole:
            tips = [] if e.readable else [f"This file cannot be read: {e.error}"]
            tips += list(e.problems)
            if e.note:
                tips.append(f"Note: {e.note}")
            tips.append(str(e.path))
            return "\n".join(tips)
        if role == Qt.ItemDataRole.FontRole and not e.readable:
            font = QFont()
            font.setItalic(True)
            return font
        if role == Qt.ItemDataRole.TextAlignmentRole and key in ("duration", "hr", "rmssd", "coherence"):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    @staticmethod
    def text(e, key: str) -> str:
        if key == "date":
            when = e.started_local
            return "" if when is None else f"{when:%a %d %b %Y, %H:%M}"
        if key == "person":
            return e.person or "?"
        if key == "title":
            if e.title:
                return e.title
            if not e.readable:
                return f"{e.path.name} (cannot be read)"
            return "Blood-pressure readings" if e.source_kind == "cuff" else e.path.name
        if not e.readable:
            return ""
        if key == "duration":
            return _duration(e.duration_s)
        if key == "source":
            return SOURCE_WORDS.get(e.source_kind, e.source_kind)
        if key == "hr":
            return "" if e.mean_hr_bpm is None else f"{e.mean_hr_bpm:.0f} bpm"
        if key == "rmssd":
            return "" if e.rmssd_ms is None else f"{e.rmssd_ms:.0f} ms"
        if key == "coherence":
            if e.coherence_mean is None:
                return ""
            high = "" if e.coherence_high_pct is None else f" · {e.coherence_high_pct:.0f} % coherent"
            return f"{e.coherence_mean:.1f}{high}"
        if key in ("pain", "stress", "mood"):
            return _before_after(e.ratings, key)
        if key == "pressure":
            return _pressure(e.blood_pressure)
        if key == "tags":
            return ", ".join(e.tags)
        return ""

    @staticmethod
    def sort_key(e, key: str):
        values = {
            "date": e.sort_time,
            "person": (e.person or "").lower(),
            "title": (e.title or e.path.name).lower(),
            "duration": e.duration_s,
            "source": e.source_kind,
            "hr": e.mean_hr_bpm,
            "rmssd": e.rmssd_ms,
            "coherence": e.coherence_mean,
            "pain": ((e.ratings.get("before") or {}).get("pain")),
            "stress": ((e.ratings.get("before") or {}).get("stress")),
            "mood": ((e.ratings.get("before") or {}).get("mood")),
            "pressure": _pressure_order(e.blood_pressure),
            "tags": ", ".join(e.tags).lower(),
        }
        value = values[key]
        # unknown values sort last either way up: a tuple of (is unknown, value)
        return (1, 0) if value is None or value == "" else (0, value)


class _SortProxy(QSortFilterProxyModel):
    def lessThan(self, left, right) -> bool:  # noqa: N802
        a, b = left.data(SORT_ROLE), right.data(SORT_ROLE)
        try:
            return a < b
        except TypeError:
            return str(a) < str(b)


class DetailsDialog(QDialog):
    """A session's title, tags and note, with the field asked for in focus."""

    def __init__(self, entry: Any, focus: str = "title", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle({"title": "Rename the session", "tags": "Tags", "note": "Note"}.get(focus, "Session details"))
        self.title_edit = QLineEdit(entry.title)
        self.title_edit.setPlaceholderText(entry.path.name)
        self.tags_edit = QLineEdit(", ".join(entry.tags))
        self.tags_edit.setPlaceholderText("calm, morning, after work (separated by commas)")
        self.note_edit = QPlainTextEdit(entry.note)
        self.note_edit.setPlaceholderText("Anything worth remembering about this session")
        self.note_edit.setTabChangesFocus(True)
        self.note_edit.setFixedHeight(90)
        form = QFormLayout(self)
        form.addRow("Title", self.title_edit)
        form.addRow("Tags", self.tags_edit)
        form.addRow("Note", self.note_edit)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        {"title": self.title_edit, "tags": self.tags_edit, "note": self.note_edit}.get(focus, self.title_edit).setFocus()

    def details(self) -> dict[str, Any]:
        tags = [t.strip() for t in self.tags_edit.text().split(",") if t.strip()]
        return {"title": self.title_edit.text().strip(), "tags": tags, "note": self.note_edit.toPlainText().strip()}


class LibraryWindow(QMainWindow):
    """Every session, per person: review, summary, rename, tags, note, delete with undo, trends.

    Parameters
    ----------
    library : storage.library.Library
        The index to list and change (the app opens and syncs it).

    Signals
    -------
    review_requested(object)
        Review the session at this path.
    trends_requested(object)
        Show the trends of this person (or None: the person shown, or the first).
    report_requested(object)
        Write the one-page report of the session at this path.
    """

    review_requested = Signal(object)
    trends_requested = Signal(object)
    report_requested = Signal(object)

    def __init__(self, library: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.library = library
        self.setWindowTitle(words.SESSIONS_TITLE)  # Qt adds the app's name
        fit_to_screen(self, PREFERRED_SIZE)
        self._deleted: list[Any] = []
        #: The dialog open now, if any (for tests).
        self.dialog: Any = None

        self.person_box = QComboBox()
        self.person_box.setToolTip("Show one person's sessions")
        self.tag_box = QComboBox()
        self.tag_box.setToolTip("Show the sessions with this tag")
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search titles, notes, tags (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.trends_button = QPushButton("Trends")
        self.trends_button.setToolTip(words.TRENDS_TIP)
        filters = QHBoxLayout()
        filters.addWidget(QLabel("Person"))
        filters.addWidget(self.person_box)
        filters.addWidget(QLabel("Tag"))
        filters.addWidget(self.tag_box)
        filters.addWidget(self.search, 1)
        filters.addWidget(self.trends_button)

        self.model = SessionTableModel(self)
        self.proxy = _SortProxy(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        # widths from the first rows only: measuring a thousand rows' text on every change would
        # cost a second; the columns hold short, regular values
        header.setResizeContentsPrecision(60)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header.setHighlightSections(False)
        self.table.doubleClicked.connect(lambda _index: self.review_selected())
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)

        self.review_button = QPushButton("Review")
        self.review_button.setToolTip("Play the session back with its plots and markers (Enter)")
        self.summary_button = QPushButton("Summary")
        self.summary_button.setToolTip("The end-of-session summary (S)")
        self.rename_button = QPushButton("Rename")
        self.rename_button.setToolTip("Give the session a title (F2)")
        self.tags_button = QPushButton("Tags")
        self.tags_button.setToolTip("Tag the session, to find it again (T)")
        self.note_button = QPushButton("Note")
        self.note_button.setToolTip("Write a note about the session (N)")
        self.report_button = QPushButton(words.REPORT_BUTTON)
        self.report_button.setToolTip(words.REPORT_TIP + " (R)")
        self.delete_button = QPushButton("Delete")
        self.delete_button.setToolTip("Move the session to the trash; you can undo it (Delete, then Ctrl+Z)")
        actions = QHBoxLayout()
        for b in (self.review_button, self.summary_button, self.report_button, self.rename_button, self.tags_button, self.note_button):
            actions.addWidget(b)
        actions.addStretch(1)
        actions.addWidget(self.delete_button)

        self.undo_bar = QFrame()
        self.undo_bar.setFrameShape(QFrame.Shape.StyledPanel)
        self.undo_text = QLabel()
        self.undo_button = QPushButton("Undo")
        self.undo_button.setToolTip("Bring the session back (Ctrl+Z)")
        undo_layout = QHBoxLayout(self.undo_bar)
        undo_layout.setContentsMargins(10, 4, 10, 4)
        undo_layout.addWidget(self.undo_text, 1)
        undo_layout.addWidget(self.undo_button)
        self.undo_bar.setVisible(False)

        self.count_label = QLabel()
        self.notice = QLabel()
        self.notice.setWordWrap(True)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addLayout(filters)
        layout.addWidget(self.undo_bar)
        layout.addWidget(self.table, 1)
        layout.addLayout(actions)
        layout.addWidget(self.notice)
        self.setCentralWidget(central)
        self.statusBar().addWidget(self.count_label, 1)

        self.review_button.clicked.connect(self.review_selected)
        self.summary_button.clicked.connect(self.show_summary)
        self.report_button.clicked.connect(self.report_selected)
        self.rename_button.clicked.connect(lambda: self.edit_details("title"))
        self.tags_button.clicked.connect(lambda: self.edit_details("tags"))
        self.note_button.clicked.connect(lambda: self.edit_details("note"))
        self.delete_button.clicked.connect(self.delete_selected)
        self.undo_button.clicked.connect(self.undo)
        self.trends_button.clicked.connect(lambda: self.trends_requested.emit(self.chosen_person()))
        self.person_box.currentIndexChanged.connect(lambda _i: self.refresh())
        self.tag_box.currentIndexChanged.connect(lambda _i: self.refresh())
        self.search.textChanged.connect(lambda _t: self.refresh())
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._enable_actions())
        for keys, slot in (
            (Qt.Key.Key_Return, self.review_selected),
            (Qt.Key.Key_Enter, self.review_selected),
            (Qt.Key.Key_S, self.show_summary),
            (Qt.Key.Key_R, self.report_selected),
            (Qt.Key.Key_F2, lambda: self.edit_details("title")),
            (Qt.Key.Key_T, lambda: self.edit_details("tags")),
            (Qt.Key.Key_N, lambda: self.edit_details("note")),
            (Qt.Key.Key_Delete, self.delete_selected),
            (QKeySequence.StandardKey.Undo, self.undo),
            (QKeySequence.StandardKey.Find, self.search.setFocus),
        ):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.activated.connect(slot)
        self._filling = False
        self.refresh()

    # ---- listing

    def chosen_person(self) -> str | None:
        text = self.person_box.currentText()
        return None if text in (EVERYONE, "") else text

    def chosen_tag(self) -> str | None:
        text = self.tag_box.currentText()
        return None if text in (ANY_TAG, "") else text

    def refresh(self) -> None:
        """List the sessions the filters ask for (the index is read again)."""
        if self._filling:
            return
        self._filling = True
        try:
            self._fill(self.person_box, EVERYONE, self.library.people())
            self._fill(self.tag_box, ANY_TAG, self.library.tags())
        finally:
            self._filling = False
        chosen = self.selected_entry()
        entries = self.library.entries(person=self.chosen_person(), tag=self.chosen_tag(), text=self.search.text().strip() or None)
        self.model.set_entries(entries)
        everyone = len(self.library.entries()) if (self.chosen_person() or self.chosen_tag() or self.search.text()) else len(entries)
        self.count_label.setText(words.sessions_count(len(entries), everyone))
        if not entries:
            self.notice.setText("No sessions match. Sessions you record appear here." if everyone else "No sessions yet. Sessions you record appear here.")
        else:
            self.notice.setText("")
        if chosen is not None:
            self.select(chosen.path)
        elif entries:
            self.table.selectRow(0)
        self._enable_actions()

    @staticmethod
    def _fill(box: QComboBox, first: str, items: list[str]) -> None:
        current = box.currentText()
        wanted = [first, *items]
        if [box.itemText(i) for i in range(box.count())] == wanted:
            return
        box.blockSignals(True)
        box.clear()
        box.addItems(wanted)
        box.setCurrentIndex(max(box.findText(current), 0))
        box.blockSignals(False)

    def choose_person(self, person: str | None) -> None:
        self.person_box.setCurrentIndex(max(self.person_box.findText(person or EVERYONE), 0))

    def selected_entry(self) -> Any:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows:
            return None
        return self.model.entries[self.proxy.mapToSource(rows[0]).row()]

    def select(self, path: Path) -> bool:
        for row, e in enumerate(self.model.entries):
            if e.path == Path(path):
                self.table.selectRow(self.proxy.mapFromSource(self.model.index(row, 0)).row())
                return True
        return False

    def _enable_actions(self) -> None:
        e = self.selected_entry()
        readable = e is not None and e.readable
        for b in (self.review_button, self.summary_button, self.report_button, self.rename_button, self.tags_button, self.note_button):
            b.setEnabled(readable)
        self.delete_button.setEnabled(e is not None)

    def _context_menu(self, pos) -> None:
        if self.selected_entry() is None:
            return
        menu = QMenu(self)
        for text, slot in (
            ("Review", self.review_selected),
            ("Summary", self.show_summary),
            (words.REPORT_BUTTON, self.report_selected),
            ("Rename...", lambda: self.edit_details("title")),
            ("Tags...", lambda: self.edit_details("tags")),
            ("Note...", lambda: self.edit_details("note")),
            ("Delete", self.delete_selected),
        ):
            menu.addAction(text).triggered.connect(slot)
        menu.popup(self.table.viewport().mapToGlobal(pos))

    # ---- actions

    def review_selected(self) -> None:
        e = self.selected_entry()
        if e is not None and e.readable:
            self.review_requested.emit(e.path)

    def report_selected(self) -> None:
        e = self.selected_entry()
        if e is not None and e.readable:
            self.report_requested.emit(e.path)

    def show_summary(self) -> None:
        e = self.selected_entry()
        if e is None or e.summary is None:
            return
        dialog = SummaryDialog(e.summary, can_review=True, parent=self)
        dialog.review_requested.connect(lambda: self.review_requested.emit(e.path))
        self.dialog = dialog
        dialog.open()

    def edit_details(self, focus: str) -> None:
        e = self.selected_entry()
        if e is None or not e.readable:
            return
        dialog = DetailsDialog(e, focus, self)

        def save() -> None:
            try:
                self.library.set_details(e.path, **dialog.details())
            except Exception as exc:  # noqa: BLE001 - said in the window, the session is untouched
                self.notice.setText(str(exc))
                return
            self.refresh()
            self.select(e.path)

        dialog.accepted.connect(save)
        self.dialog = dialog
        dialog.open()

    def delete_selected(self) -> None:
        e = self.selected_entry()
        if e is None:
            return
        try:
            deleted = self.library.delete(e.path)
        except Exception as exc:  # noqa: BLE001
            self.notice.setText(str(exc))
            return
        self._deleted.append(deleted)
        self.undo_text.setText(f"Moved “{e.title or e.path.name}” to the trash.")
        self.undo_bar.setVisible(True)
        self.table.clearSelection()
        self.refresh()

    def undo(self) -> None:
        """Bring back the last deleted session."""
        if not self._deleted:
            return
        deleted = self._deleted.pop()
        try:
            entry = self.library.undo_delete(deleted)
        except Exception as exc:  # noqa: BLE001
            self.notice.setText(str(exc))
            return
        self.undo_bar.setVisible(bool(self._deleted))
        if self._deleted:
            self.undo_text.setText(f"Moved “{self._deleted[-1].original.name}” to the trash.")
        self.refresh()
        if entry is not None:
            self.select(entry.path)

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        """Coming back to the library (after a review added markers, a session ended, files were
        copied in) brings the index up to date first: a look at each file's size and time."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.ActivationChange and self.isActiveWindow():
            self.sync_now()

    def sync_now(self) -> Any:
        """Bring the index up to date with the files, then list again."""
        report = self.library.sync()
        self.refresh()
        if report.rebuilt:
            self.notice.setText(words.LIBRARY_REBUILT)
        return report
