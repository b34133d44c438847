"""Files dropped on the window become sessions, imported off the GUI thread."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QWidget

from biofeedback.qt.file_drop import FileDropImporter

DATA = Path(__file__).parent.parent / "data" / "formats"


def _drop(dropper: FileDropImporter, widget: QWidget, paths: list[Path]) -> bool:
    """Hand a drop to the importer's event filter, as Qt does for a window that accepts drops.

    (Offscreen, Qt delivers drop events only during a real drag, so the filter is called here.)"""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    event = QDropEvent(QPointF(5, 5), Qt.DropAction.CopyAction, mime, Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier)
    return dropper.eventFilter(widget, event)


def test_dropped_files_are_imported_and_reported(qtbot, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    from biofeedback.app.gui import import_dropped_file

    widget = QWidget()
    qtbot.addWidget(widget)
    dropper = FileDropImporter(widget, import_dropped_file)
    assert widget.acceptDrops()
    with qtbot.waitSignal(dropper.imported, timeout=20000) as blocker:
        assert _drop(dropper, widget, [DATA / "polar_flow_rr.txt", DATA / "psl_verity_sense_HR.txt"])
    first, second = blocker.args[0]
    beats = len((DATA / "polar_flow_rr.txt").read_text().split("\n")) - 1  # one beat a line
    assert first.startswith("Imported polar_flow_rr.txt (Polar Flow RR text") and f"{beats} beats" in first
    assert "heart rate only" in second
    sessions = list((tmp_path / "data" / "biofeedback" / "biofeedback" / "sessions").glob("*.bfs"))
    assert len(sessions) == 1
    assert json.loads(sessions[0].read_text().splitlines()[0])["imported"]["format"].startswith("Polar Flow")


def test_a_drop_of_no_local_files_is_left_to_the_window(qtbot):
    widget = QWidget()
    qtbot.addWidget(widget)
    dropper = FileDropImporter(widget, lambda p: "never")
    mime = QMimeData()
    mime.setText("some text")
    event = QDropEvent(QPointF(5, 5), Qt.DropAction.CopyAction, mime, Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier)
    assert dropper.eventFilter(widget, event) is False
