"""Rate, run, stop, see the summary: through the real rating and summary dialogs, with the mouse
and with the keyboard alone."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from biofeedback.core.annotations import Rating
from biofeedback.core.live import LiveAnalyzer
from biofeedback.core.pacer import PacerSettings
from biofeedback.core.session import SessionCore
from biofeedback.qt.session_controller import SessionController
from biofeedback.qt.session_flow import SessionFlow
from biofeedback.qt.summary_dialog import SummaryDialog
from biofeedback.qt.widgets.person_switcher import PersonSwitcher
from biofeedback.qt.widgets.rating_dialog import RatingDialog
from biofeedback.sources.demo import DemoSource
from biofeedback.storage.library import Library, summarize_recording
from biofeedback.storage.recordings import load_recording
from biofeedback.storage.session_file import SessionWriter, make_header, read_session


def test_rate_run_stop_and_see_the_summary(qtbot, tmp_path, clock):
    folder = tmp_path / "sessions"
    folder.mkdir()
    path = folder / "session.bfs"
    pacer = PacerSettings.from_rate(6.0)
    core = SessionCore(LiveAnalyzer(pacer), lambda start: SessionWriter(path, make_header("demo", {}, {}, "t", start.t, person="Robin")), pacer=pacer, person="Robin")
    controller = SessionController(clock, core)
    parent = QWidget()
    qtbot.addWidget(parent)
    library = Library(folder, tmp_path / "library.sqlite3", tmp_path / "trash")

    def summarize(p: Path):
        library.index_file(p)  # kept with the session, shown again from the library
        return library.entry(p).summary

    flow = SessionFlow(controller, parent, summarize)
    assert flow.start()
    before = flow.dialog
    assert isinstance(before, RatingDialog) and before.isVisible() and controller.recording_path == path
    qtbot.mouseClick(before.pain.buttons[6], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(before.stress.buttons[7], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(before.mood.buttons[1], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(before.done_button, Qt.MouseButton.LeftButton)
    assert flow.dialog is None

    demo = DemoSource.from_query("seed=2&pace=6", "demo")
    demo.follow_pacer(pacer, 0.0)
    for t in demo.notification_times():  # four minutes of the demo breathing with the pacer
        if t > 240:
            break
        clock.t = t
        controller.on_event(demo.next_sample(t))
    flow.stop()
    after = flow.dialog
    assert isinstance(after, RatingDialog) and after.when == "after"
    qtbot.mouseClick(after.pain.buttons[3], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(after.mood.buttons[3], Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(flow.summary_ready) as ready:
        qtbot.mouseClick(after.done_button, Qt.MouseButton.LeftButton)
    summary_dialog = flow.dialog
    assert isinstance(summary_dialog, SummaryDialog) and summary_dialog.isVisible()
    texts = summary_dialog.view.texts
    assert texts["Pain"] == "6 -> 3" and texts["Stress"] == "7 -> skipped" and texts["Mood"] == "low -> good"
    assert texts["Heart rate"].endswith("bpm") and "Coherent for" in texts["coherence"]
    assert ready.args[0] == path and controller.recording_path is None
    data = read_session(path)
    assert [(r.when, r.pain, r.stress, r.mood) for r in data.ratings] == [("before", 6, 7, 2), ("after", 3, None, 4)]
    assert data.ended_cleanly
    again = library.entry(path)  # the library shows the same summary later
    assert again.summary == summarize_recording(load_recording(path)) == ready.args[1]
    assert again.ratings["before"] == {"pain": 6, "stress": 7, "mood": 2}
    with qtbot.waitSignal(flow.review_requested) as review:
        qtbot.mouseClick(summary_dialog.review_button, Qt.MouseButton.LeftButton)
    assert review.args == [path]
    controller.close()


def test_the_rating_dialog_works_with_the_keyboard_alone(qtbot):
    dialog = RatingDialog("before")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    heard = []
    dialog.rated.connect(lambda *args: heard.append(args))
    assert dialog.pain.hasFocus() or dialog.focusWidget() is dialog.pain
    qtbot.keyClick(dialog.pain, Qt.Key.Key_1)
    qtbot.keyClick(dialog.pain, Qt.Key.Key_0)  # 1 then 0: ten
    assert dialog.pain.value == 10
    qtbot.keyClick(dialog.pain, Qt.Key.Key_Left)
    assert dialog.pain.value == 9
    qtbot.keyClick(dialog.pain, Qt.Key.Key_Tab)
    assert dialog.focusWidget() is dialog.stress
    qtbot.keyClick(dialog.stress, Qt.Key.Key_Right)  # nothing chosen yet: the first
    qtbot.keyClick(dialog.stress, Qt.Key.Key_Right)
    assert dialog.stress.value == 1
    qtbot.keyClick(dialog.stress, Qt.Key.Key_Delete)  # changed my mind: no answer
    assert dialog.stress.value is None
    qtbot.keyClick(dialog.stress, Qt.Key.Key_Tab)
    qtbot.keyClick(dialog.mood, Qt.Key.Key_4)
    assert dialog.mood.value == 4 and dialog.mood.buttons[3].isChecked()
    qtbot.keyClick(dialog.mood, Qt.Key.Key_Return)
    assert heard == [("before", 9, None, 4)] and not dialog.isVisible()


def test_escape_skips_and_says_so(qtbot):
    dialog = RatingDialog("after")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    heard = []
    dialog.rated.connect(lambda *args: heard.append(args))
    qtbot.keyClick(dialog.pain, Qt.Key.Key_5)
    qtbot.keyClick(dialog.pain, Qt.Key.Key_Escape)
    assert heard == [("after", None, None, None)]  # skipped: stored as asked and not answered
    assert Rating(0.0, *heard[0]).skipped
    with pytest.raises(ValueError):
        RatingDialog("during")


def test_a_second_tap_on_the_chosen_answer_clears_it(qtbot):
    dialog = RatingDialog("before")
    qtbot.addWidget(dialog)
    qtbot.mouseClick(dialog.stress.buttons[4], Qt.MouseButton.LeftButton)
    assert dialog.stress.value == 4
    qtbot.mouseClick(dialog.stress.buttons[4], Qt.MouseButton.LeftButton)
    assert dialog.stress.value is None and not any(b.isChecked() for b in dialog.stress.buttons)


def test_the_person_is_switched_in_two_clicks_and_a_new_alias_added(qtbot):
    switcher = PersonSwitcher("Me", ["Robin", "Sam"])
    qtbot.addWidget(switcher)
    assert switcher.text() == "For: Me"
    names = [a.text() for a in switcher.menu().actions() if a.text()]
    assert names == ["Me", "Robin", "Sam", "Someone else..."]
    with qtbot.waitSignal(switcher.person_chosen) as chosen:
        next(a for a in switcher.menu().actions() if a.text() == "Robin").trigger()  # click 2 (click 1 opened the menu)
    assert chosen.args == ["Robin"] and switcher.text() == "For: Robin"
    next(a for a in switcher.menu().actions() if a.text() == "Someone else...").trigger()
    dialog = switcher.new_dialog
    qtbot.keyClicks(dialog.edit, "  K.L. ")
    with qtbot.waitSignal(switcher.person_chosen) as added:
        dialog.accept()
    assert added.args == ["K.L."] and "K.L." in switcher.people


def test_a_summary_that_cannot_be_made_is_said_and_the_session_kept(qtbot, tmp_path, clock):
    from biofeedback.core import words

    path = tmp_path / "session.bfs"
    core = SessionCore(LiveAnalyzer(None), lambda start: SessionWriter(path, make_header("demo", {}, {}, "t", start.t)))
    controller = SessionController(clock, core)

    class Window(QWidget):
        said: list = []

        def say(self, text: str) -> None:
            self.said.append(text)

    parent = Window()
    qtbot.addWidget(parent)

    def summarize(_p: Path):
        raise OSError("the library index is locked")

    flow = SessionFlow(controller, parent, summarize)
    assert flow.start()
    flow.dialog.reject()
    demo = DemoSource.from_query("seed=2", "demo")
    for t in demo.notification_times():
        if t > 30:
            break
        clock.t = t
        controller.on_event(demo.next_sample(t))
    flow.stop()
    flow.dialog.reject()
    qtbot.waitUntil(lambda: parent.said == [words.SUMMARY_NOT_MADE], timeout=3000)
    assert flow.dialog is None and read_session(path).ended_cleanly
