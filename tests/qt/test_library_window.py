"""The library window through its real widgets: lists, sorts, filters, renames, tags, notes,
deletes and undoes; summaries and reviews open from it; trends plot one point per session."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from PySide6.QtCore import Qt

from biofeedback.app.library import LibraryShell
from biofeedback.core.annotations import Rating
from biofeedback.core.samples import BloodPressure
from biofeedback.core.trends import person_trends
from biofeedback.qt.library_window import COLUMNS, LibraryWindow
from biofeedback.qt.settings import MemoryStore, Settings
from biofeedback.qt.summary_dialog import SummaryDialog
from biofeedback.qt.trends_view import TrendsView
from biofeedback.storage.library import Library
from biofeedback.storage.session_file import read_session
from recorded import record_demo

DAY = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=1)))

#: Robin's readings, session by session: before and after, only after, none.
PRESSURES = (
    (BloodPressure(0.0, 132, 86, pulse_bpm=70, when="before"), BloodPressure(160.0, 124, 80, when="after")),
    (None, BloodPressure(160.0, 141, 92, when="after")),
    (None, None),
)


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    folder = tmp_path_factory.mktemp("made")
    files = []
    for i in range(3):
        files.append(
            record_demo(
                folder / f"robin-{i}.bfs",
                160.0,
                person="Robin",
                seed=20 + i,
                markers=(),
                drop=None,
                pacer_change=None,
                ratings=(Rating(0.0, "before", 7 - i, 6, 2), Rating(160.0, "after", 4 - i, 3, 4)),
                started=DAY + dt.timedelta(days=7 * i),
                blood_pressure=PRESSURES[i],
            )
        )
    files.append(record_demo(folder / "sam.bfs", 160.0, person="Sam", seed=30, markers=(), drop=None, pacer_change=None, ratings=False, started=DAY + dt.timedelta(days=3)))
    return files


@pytest.fixture
def library(tmp_path, made):
    folder = tmp_path / "sessions"
    folder.mkdir()
    for f in made:
        (folder / f.name).write_bytes(f.read_bytes())
    lib = Library(folder, tmp_path / "library.sqlite3", tmp_path / "trash")
    lib.sync()
    yield lib
    lib.close()


def shown(window: LibraryWindow, column: str) -> list[str]:
    col = [c[0] for c in COLUMNS].index(column)
    return [window.proxy.index(r, col).data() for r in range(window.proxy.rowCount())]


def test_lists_sorts_and_filters(qtbot, library):
    window = LibraryWindow(library)
    qtbot.addWidget(window)
    assert shown(window, "person") == ["Robin", "Robin", "Sam", "Robin"]  # newest first
    assert shown(window, "pain") == ["5 → 2", "6 → 3", "", "7 → 4"]
    assert shown(window, "date")[0] == "Mon 16 Nov 2026, 09:00"
    assert window.count_label.text() == "4 sessions"
    window.table.sortByColumn(1, Qt.SortOrder.AscendingOrder)
    assert shown(window, "person") == ["Robin", "Robin", "Robin", "Sam"]
    window.table.sortByColumn(7, Qt.SortOrder.DescendingOrder)  # coherence, highest first
    coherence = [float(c.split(" ")[0]) for c in shown(window, "coherence")]
    assert coherence == sorted(coherence, reverse=True)
    window.person_box.setCurrentIndex(window.person_box.findText("Sam"))
    assert shown(window, "person") == ["Sam"] and window.count_label.text() == "1 of 4 sessions"
    window.person_box.setCurrentIndex(0)
    qtbot.keyClicks(window.search, "robin-1")
    assert len(shown(window, "person")) == 1
    window.search.clear()
    assert window.proxy.rowCount() == 4


def test_blood_pressure_shows_before_and_after_and_sorts_by_the_reading_before(qtbot, library):
    window = LibraryWindow(library)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    assert shown(window, "pressure") == ["", "- → 141/92", "", "132/86 → 124/80"]  # newest first
    column = [c[0] for c in COLUMNS].index("pressure")
    window.table.sortByColumn(column, Qt.SortOrder.AscendingOrder)
    assert shown(window, "pressure") == ["132/86 → 124/80", "- → 141/92", "", ""]  # none last
    window.table.sortByColumn(column, Qt.SortOrder.DescendingOrder)
    assert [x for x in shown(window, "pressure") if x] == ["- → 141/92", "132/86 → 124/80"]
    qtbot.keyClicks(window.search, "132")
    assert window.proxy.rowCount() == 0  # a reading is not a word to search for
    window.search.clear()
    # every column fits a 1280x720 window, the session's title keeping the room left over
    header = window.table.horizontalHeader()
    window.resize(1264, 672)  # as fit_to_screen sizes it on a 1280x720 screen
    qtbot.waitUntil(lambda: window.table.viewport().width() > 1000, timeout=2000)
    assert sum(header.sectionSize(i) for i in range(len(COLUMNS))) <= window.table.viewport().width()
    assert header.sectionSize(column) >= window.table.fontMetrics().horizontalAdvance("132/86 → 124/80")
    assert header.sectionSize([c[0] for c in COLUMNS].index("title")) >= 120


def test_rename_tag_note_delete_and_undo(qtbot, library):
    window = LibraryWindow(library)
    qtbot.addWidget(window)
    window.table.selectRow(0)
    path = window.selected_entry().path
    window.edit_details("title")
    dialog = window.dialog
    dialog.title_edit.setText("Monday, after the run")
    dialog.tags_edit.setText("calm, morning")
    dialog.note_edit.setPlainText("slept badly")
    dialog.accept()
    assert window.selected_entry().path == path and shown(window, "title")[0] == "Monday, after the run"
    assert read_session(path).details == {"title": "Monday, after the run", "tags": ["calm", "morning"], "note": "slept badly"}
    assert [window.tag_box.itemText(i) for i in range(window.tag_box.count())] == ["Any tag", "calm", "morning"]
    window.tag_box.setCurrentIndex(window.tag_box.findText("calm"))
    assert shown(window, "title") == ["Monday, after the run"] and shown(window, "tags") == ["calm, morning"]
    window.tag_box.setCurrentIndex(0)

    window.select(path)
    qtbot.mouseClick(window.delete_button, Qt.MouseButton.LeftButton)
    assert not path.exists() and len(shown(window, "title")) == 3
    assert window.undo_bar.isVisibleTo(window)
    assert "Monday, after the run" in window.undo_text.text()
    qtbot.mouseClick(window.undo_button, Qt.MouseButton.LeftButton)
    assert path.exists() and len(shown(window, "title")) == 4
    assert window.selected_entry().path == path and window.selected_entry().title == "Monday, after the run"
    assert not window.undo_bar.isVisibleTo(window)


def test_keys_delete_undo_and_open(qtbot, library):
    window = LibraryWindow(library)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.windowHandle().requestActivate()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    window.table.setFocus()
    window.table.selectRow(1)
    chosen = window.selected_entry().path
    with qtbot.waitSignal(window.review_requested) as review:
        qtbot.keyClick(window.table, Qt.Key.Key_Return)
    assert review.args == [chosen]
    qtbot.keyClick(window.table, Qt.Key.Key_Delete)
    assert not chosen.exists()
    qtbot.keyClick(window.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert chosen.exists() and window.proxy.rowCount() == 4
    qtbot.keyClick(window.table, Qt.Key.Key_S)
    assert isinstance(window.dialog, SummaryDialog) and window.dialog.view.texts["Pain"]


def test_files_changed_behind_its_back_show_after_a_sync(qtbot, library, made):
    window = LibraryWindow(library)
    qtbot.addWidget(window)
    (library.folder / "robin-0.bfs").unlink()
    (library.folder / "junk.bfs").write_bytes(b'{"format":"biofeedback-session","version":9}\n')
    report = window.sync_now()
    assert report.removed == ["robin-0.bfs"] and report.unreadable == ["junk.bfs"]
    titles = shown(window, "title")
    assert "junk.bfs (cannot be read)" in titles and len(titles) == 4
    window.select(library.folder / "junk.bfs")
    assert not window.review_button.isEnabled() and window.delete_button.isEnabled()


def test_a_review_and_trends_open_from_the_library(qtbot, library):
    shell = LibraryShell(library, Settings(MemoryStore()))
    qtbot.addWidget(shell.window)
    shell.window.table.selectRow(0)
    shell.window.review_selected()
    assert len(shell.reviews) == 1
    view = shell.reviews[0]
    qtbot.addWidget(view.window)
    assert view.window.windowTitle().startswith("Reviewing ")
    trends = shell.open_trends("Robin")
    qtbot.addWidget(trends)
    assert trends.headline.text().startswith("Robin:") and trends.person_box.currentText() == "Robin"
    shell.close()


def test_trends_show_one_point_per_session_with_numbers_on_hover(qtbot, library):
    now = DAY + dt.timedelta(days=20)
    view = TrendsView(lambda p: person_trends(library.entries(person=p), p), library.people(), "Robin")
    qtbot.addWidget(view)
    view.period_box.setCurrentIndex(view.period_box.findText("All sessions"))
    view.refresh(now=now)
    assert view.headline.text() == "Robin: 3 sessions · all sessions"
    assert "pain 6.0 before and 3.0 after, on average" in view.subline.text()
    rmssd = view.plots["rmssd"].points[0]
    assert len(rmssd.data) == 3
    tip = rmssd.opts["tip"](x=0, y=0, data=rmssd.data[0]["data"])
    assert tip.startswith("Mon 02 Nov, 09:00") and "RMSSD" in tip and tip.endswith("ms")
    before, after = view.plots["pain"].points
    assert sorted(before.data["y"].tolist()) == [5.0, 6.0, 7.0] and sorted(after.data["y"].tolist()) == [2.0, 3.0, 4.0]
    view.person_box.setCurrentIndex(view.person_box.findText("Sam"))
    assert view.headline.text().startswith("Sam: 1 session") and not view.plots["pain"].points[0].data.size
    view.period_box.setCurrentIndex(0)  # the last 30 days from today: nothing of 2026-11 if today is later
    view.refresh(now=now + dt.timedelta(days=90))
    assert view.headline.text() == "Sam: no sessions in this period"
    assert np.all([not p.points[0].data.size for p in view.plots.values() if p.points])


def test_trends_show_blood_pressure_before_and_after_only_for_someone_with_readings(qtbot, library):
    now = DAY + dt.timedelta(days=20)
    view = TrendsView(lambda p: person_trends(library.entries(person=p), p), library.people(), "Robin")
    qtbot.addWidget(view)
    view.resize(1280, 720)
    view.show()
    qtbot.waitExposed(view)
    view.period_box.setCurrentIndex(view.period_box.findText("All sessions"))
    view.refresh(now=now)
    plot = view.plots["pressure"]
    assert plot.isVisible() and not plot.empty.isVisible()
    systolic_before, systolic_after, diastolic_before, diastolic_after = plot.points
    assert systolic_before.data["y"].tolist() == [132.0] and sorted(systolic_after.data["y"].tolist()) == [124.0, 141.0]
    assert diastolic_before.data["y"].tolist() == [86.0] and sorted(diastolic_after.data["y"].tolist()) == [80.0, 92.0]
    tip = systolic_before.opts["tip"](x=0, y=0, data=systolic_before.data[0]["data"])
    assert tip == "Mon 02 Nov, 09:00\nblood pressure before: 132/86 mmHg"
    assert len(plot.lines) == 2  # the one session with both: its before joined to its after, systolic and diastolic
    assert view.plots["pain"].width() > 200 and plot.width() > 200  # three plots share the last row
    view.person_box.setCurrentIndex(view.person_box.findText("Sam"))  # no cuff: no empty plot either
    assert not plot.isVisible() and view.plots["stress"].isVisible()
    qtbot.waitUntil(lambda: view.plots["pain"].width() > view.width() // 3, timeout=2000)  # two share it again


def test_coming_back_to_the_library_finds_what_changed_meanwhile(qtbot, library, made):
    from PySide6.QtWidgets import QWidget

    window = LibraryWindow(library)
    other = QWidget()
    for w in (window, other):
        qtbot.addWidget(w)
        w.show()
        qtbot.waitExposed(w)
    other.windowHandle().requestActivate()
    qtbot.waitUntil(other.isActiveWindow, timeout=2000)
    (library.folder / "copied-in.bfs").write_bytes(made[0].read_bytes())  # e.g. a session that just ended
    window.windowHandle().requestActivate()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    assert "copied-in.bfs" in shown(window, "title") and window.count_label.text() == "5 sessions"


def test_the_library_is_brought_up_to_date_in_the_background(qtbot, library, made):
    shell = LibraryShell(library, Settings(MemoryStore()))
    qtbot.addWidget(shell.window)
    assert shell.window.proxy.rowCount() == 4
    (library.folder / "new.bfs").write_bytes(made[1].read_bytes())
    (library.folder / made[0].name).unlink()
    shell.sync_in_background(lambda: Library(library.folder, library.index_path, library.trash))
    qtbot.waitUntil(lambda: "new.bfs" in shown(shell.window, "title"), timeout=20000)
    assert shell.window.proxy.rowCount() == 4 and made[0].name not in shown(shell.window, "title")
    shell._thread.join(5)
    for e in library.entries():
        assert e.path.exists()


def test_the_window_opens_within_its_screen_and_counts_in_words(qtbot, library):
    """On any screen the library opens inside it (the offscreen screen here is 800x600); one
    session is "1 session"."""
    window = LibraryWindow(library)
    qtbot.addWidget(window)
    room = window.screen().availableGeometry()
    assert window.width() <= room.width() and window.height() <= room.height()
    assert window.windowTitle() == "Sessions"  # Qt adds the app's name: never twice
    window.person_box.setCurrentIndex(window.person_box.findText("Sam"))
    assert window.count_label.text() == "1 of 4 sessions"
    qtbot.keyClicks(window.search, "robin-1")
    window.person_box.setCurrentIndex(0)
    assert window.count_label.text() == "1 of 4 sessions"
    from biofeedback.core import words

    assert (words.sessions_count(1, 1), words.sessions_count(2, 2), words.beats_count(1), words.beats_count(1200)) == ("1 session", "2 sessions", "1 beat", "1,200 beats")
