"""The main window as ``biofeedback`` builds it (``app.gui.build_window``), driven through its real
widgets: a session rated before and after with blood pressure and its summary, the keyboard
alone, switching person, the library and review in the same window, a report, the guided
protocols, and dropped files."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCore import SIGNAL, QMimeData, QPointF, Qt, QTimer, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QApplication, QFileDialog

from biofeedback.app.gui import build_window
from biofeedback.core import words
from biofeedback.core.annotations import Rating
from biofeedback.core.samples import SourceInfo, SourceKind
from biofeedback.qt.devices import MemoryStrapStore
from biofeedback.qt.settings import MemoryStore, Settings
from biofeedback.qt.summary_dialog import SummaryDialog
from biofeedback.qt.widgets.blood_pressure import BloodPressureDialog
from biofeedback.qt.widgets.rating_dialog import RatingDialog
from biofeedback.sources.demo import DemoSource
from biofeedback.storage import paths
from biofeedback.storage.session_file import read_session
from recorded import record_demo

STRAP = SourceInfo(SourceKind.STRAP, "ble:AA:BB", live=True, recorded_by_default=True, device={"name": "Polar H10"}, name="Polar H10")
LEFT = Qt.MouseButton.LeftButton
DATA = Path(__file__).parent.parent / "data" / "formats"


@pytest.fixture
def private_data(tmp_path, monkeypatch):
    """The app's data folder (sessions, library, people) in this test's folder."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    return tmp_path


def make_desktop(qtbot, values=None, clock=None, speed: float = 1.0):
    desktop = build_window(Settings(MemoryStore(values or {})), speed=speed, strap_store=MemoryStrapStore(), clock=clock)
    window = desktop.window
    qtbot.addWidget(window)
    window.resize(1280, 720)
    window.show()
    qtbot.waitExposed(window)
    window.windowHandle().requestActivate()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    return desktop


@pytest.fixture
def desktop(qtbot, private_data, clock):
    """The window on a hand-wound clock, at home, with a strap's beats fed by the test."""
    d = make_desktop(qtbot, clock=clock)
    yield d
    d.close()


def strap_on(desktop, clock, seed: int = 2):
    """A strap-like live source: the demo's beats, as a strap would send them."""
    desktop.controller.source_started(STRAP, keep_recording=False)
    demo = DemoSource.from_query(f"seed={seed}&pace=6", "demo")
    demo.follow_pacer(desktop.controller.pacer, 0.0)
    times = demo.notification_times()

    def breathe_until(t_end: float) -> None:
        for t in times:
            clock.t = t
            desktop.controller.on_event(demo.next_sample(t))
            if t >= t_end:
                return

    breathe_until(1.0)
    return breathe_until


def activate(qtbot, window) -> None:
    """The window has the keyboard again (offscreen there is no window manager to give it back
    when a dialog closes)."""
    window.windowHandle().requestActivate()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)


def wait_for_dialog(qtbot, flow, kind, when=None):
    qtbot.waitUntil(lambda: isinstance(flow.dialog, kind) and (when is None or flow.dialog.when == when), timeout=3000)
    return flow.dialog


# ---------------------------------------------------------------- 1. the session's flow


def test_rate_take_blood_pressure_breathe_stop_rate_and_see_the_summary(qtbot, desktop, clock):
    window, flow, controller = desktop.window, desktop.flow, desktop.controller
    breathe_until = strap_on(desktop, clock)
    assert window.mode == "home"
    qtbot.mouseClick(window.home.start_button, LEFT)
    before = wait_for_dialog(qtbot, flow, RatingDialog, "before")
    assert controller.recording, "the file runs before the questions, so the answers are in it"
    assert before.pressure_button.isVisible()
    assert before.palette().window().color() == window.palette().window().color(), "dressed as the window"
    qtbot.mouseClick(before.pain.buttons[6], LEFT)
    qtbot.mouseClick(before.stress.buttons[7], LEFT)
    qtbot.mouseClick(before.mood.buttons[1], LEFT)
    qtbot.mouseClick(before.pressure_button, LEFT)
    pressure = wait_for_dialog(qtbot, flow, BloodPressureDialog, "before")
    qtbot.keyClicks(pressure.systolic, "132")
    qtbot.keyClicks(pressure.diastolic, "86")
    qtbot.keyClicks(pressure.pulse, "71")
    qtbot.mouseClick(pressure.use_button, LEFT)
    qtbot.waitUntil(lambda: flow.dialog is None, timeout=2000)
    assert window.session_running and window.home.start_button.text() == words.STOP_SESSION
    assert window.home.message_label.text() == words.SESSION_STARTED_AT_HOME
    path = controller.recording_path

    breathe_until(240.0)  # four minutes of breathing with the pacer
    qtbot.mouseClick(window.home.start_button, LEFT)
    after = wait_for_dialog(qtbot, flow, RatingDialog, "after")
    assert not after.pressure_button.isVisible(), "taken before: it is asked again by itself"
    qtbot.mouseClick(after.pain.buttons[3], LEFT)
    qtbot.mouseClick(after.stress.buttons[2], LEFT)
    qtbot.mouseClick(after.mood.buttons[3], LEFT)
    qtbot.mouseClick(after.done_button, LEFT)
    pressure = wait_for_dialog(qtbot, flow, BloodPressureDialog, "after")
    qtbot.keyClicks(pressure.systolic, "124")
    qtbot.keyClicks(pressure.diastolic, "80")
    with qtbot.waitSignal(flow.summary_ready, timeout=10000):
        qtbot.mouseClick(pressure.use_button, LEFT)
    summary = wait_for_dialog(qtbot, flow, SummaryDialog)
    assert summary.isVisible() and not window.session_running and controller.recording_path is None
    texts = summary.view.texts
    assert texts["Pain"] == "6 -> 3" and texts["Stress"] == "7 -> 2" and texts["Mood"] == "low -> good"
    assert texts["Blood pressure"] == "132/86 mmHg -> 124/80 mmHg"
    assert texts["blood pressure"] == "Your blood pressure eased from 132/86 to 124/80 mmHg."
    shown = summary.view.blood_pressure
    assert shown.isVisible() and shown.arrow.text() == "132/86  →  124/80 mmHg"
    assert "Coherent for" in texts["coherence"] or "Steady for" in texts["coherence"]

    # the calm view says it gently, in words, and nothing else changes colour or blinks for it
    calm = window.home.calm
    assert calm.words == "Your blood pressure eased from 132/86 to 124/80 mmHg."
    calm.render_frame(clock.t, controller.pacer_now())
    assert calm.canvas.caption == calm.words

    # the file holds it all, in time order; the library knows the session
    data = read_session(path)
    assert [(r.when, r.pain, r.stress, r.mood) for r in data.ratings] == [("before", 6, 7, 2), ("after", 3, 2, 4)]
    assert [(b.when, b.systolic, b.diastolic, b.pulse_bpm) for b in data.blood_pressure] == [("before", 132, 86, 71), ("after", 124, 80, None)]
    assert data.backwards_events == 0 and data.ended_cleanly
    entry = desktop.library().entry(path)
    assert entry is not None and entry.ratings["after"] == {"pain": 3, "stress": 2, "mood": 4}

    # the next session starts quietly: the words go
    summary.close()
    qtbot.mouseClick(window.home.start_button, LEFT)
    wait_for_dialog(qtbot, flow, RatingDialog, "before").reject()
    qtbot.waitUntil(lambda: window.session_running, timeout=2000)
    assert calm.words == ""


def test_closed_dialogs_are_deleted_so_only_the_open_one_hears_the_cuff(qtbot, desktop, clock):
    window, flow = desktop.window, desktop.flow
    breathe_until = strap_on(desktop, clock)

    def take_pressure(when: str, systolic: str, diastolic: str) -> None:
        pressure = wait_for_dialog(qtbot, flow, BloodPressureDialog, when)
        qtbot.keyClicks(pressure.systolic, systolic)
        qtbot.keyClicks(pressure.diastolic, diastolic)
        qtbot.mouseClick(pressure.use_button, LEFT)

    for n in range(2):  # two sessions, each with blood pressure before and after
        qtbot.mouseClick(window.home.start_button, LEFT)
        qtbot.mouseClick(wait_for_dialog(qtbot, flow, RatingDialog, "before").pressure_button, LEFT)
        take_pressure("before", "132", "86")
        qtbot.waitUntil(lambda: window.session_running, timeout=2000)
        breathe_until(90.0 * (n + 1))
        qtbot.mouseClick(window.home.start_button, LEFT)
        qtbot.mouseClick(wait_for_dialog(qtbot, flow, RatingDialog, "after").done_button, LEFT)
        with qtbot.waitSignal(flow.summary_ready, timeout=10000):
            take_pressure("after", "124", "80")
        wait_for_dialog(qtbot, flow, SummaryDialog).close()
        qtbot.waitUntil(lambda: flow.dialog is None, timeout=2000)

    qtbot.waitUntil(lambda: not window.findChildren(BloodPressureDialog), timeout=2000)
    assert desktop.cuff.receivers(SIGNAL("reading_received(PyObject)")) == 0, "no dialog left listening to the cuff"
    assert not window.findChildren(RatingDialog) and not window.findChildren(SummaryDialog)


def test_a_session_rated_with_the_keyboard_alone(qtbot, desktop, clock):
    window, flow, controller = desktop.window, desktop.flow, desktop.controller
    breathe_until = strap_on(desktop, clock)
    qtbot.keyClick(window, Qt.Key.Key_Space)  # Start session
    before = wait_for_dialog(qtbot, flow, RatingDialog, "before")
    qtbot.waitUntil(lambda: QApplication.focusWidget() is before.pain, timeout=2000)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_5)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is before.stress
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_8)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_3)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)  # Done
    qtbot.waitUntil(lambda: window.session_running, timeout=2000)
    path = controller.recording_path
    breathe_until(90.0)
    activate(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_Space)  # Stop session
    after = wait_for_dialog(qtbot, flow, RatingDialog, "after")
    qtbot.waitUntil(lambda: QApplication.focusWidget() is after.pain, timeout=2000)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_2)
    with qtbot.waitSignal(flow.summary_ready, timeout=10000):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    summary = wait_for_dialog(qtbot, flow, SummaryDialog)
    assert summary.view.texts["Pain"] == "5 -> 2" and summary.view.texts["Stress"] == "8 -> skipped"
    assert not summary.view.blood_pressure.isVisible(), "no reading: nothing said"
    assert [(r.when, r.pain, r.stress, r.mood) for r in read_session(path).ratings] == [("before", 5, 8, 3), ("after", 2, None, None)]


def test_the_demo_at_home_is_practice_asked_nothing(qtbot, desktop, clock):
    window, flow, controller = desktop.window, desktop.flow, desktop.controller
    controller.source_started(DemoSource.from_query("seed=1", "demo").describe(), keep_recording=False)
    qtbot.mouseClick(window.home.start_button, LEFT)
    assert flow.dialog is None and window.session_running and not controller.recording
    assert window.home.message_label.text() == words.PRACTICE_NOT_SAVED
    clock.t = 30.0
    qtbot.mouseClick(window.home.start_button, LEFT)
    assert flow.dialog is None and not window.session_running
    assert not list(paths.sessions_dir().glob("*.bfs"))


# ---------------------------------------------------------------- 2. whose session


@pytest.mark.qt_log_ignore("does not support grabbing the keyboard")  # a popup menu, offscreen
def test_the_person_is_switched_in_two_clicks_and_the_session_file_says_so(qtbot, desktop, clock):
    window, controller, switcher = desktop.window, desktop.controller, desktop.switcher
    desktop.people.set_rate("Robin", 5.5)  # someone the app already knows, with an assessed rate
    strap_on(desktop, clock)
    assert window.home.person_button.text() == "◍ Me"
    qtbot.mouseClick(window.home.person_button, LEFT)  # click 1
    menu = switcher.menu()
    qtbot.waitUntil(menu.isVisible, timeout=2000)
    names = [a.text() for a in menu.actions() if a.text()]
    assert names == ["Me", "Robin", "Someone else..."]
    robin = next(a for a in menu.actions() if a.text() == "Robin")
    qtbot.mouseClick(menu, LEFT, pos=menu.actionGeometry(robin).center())  # click 2
    assert window.home.person_button.text() == "◍ Robin" and window.person_button.text() == "◍ Robin"
    assert desktop.settings.value("session/person") == "Robin" and desktop.protocol.person == "Robin"
    assert window.pacer_box.preset_box.findText("Your rate, 5.5 per minute") >= 0, "Robin's own rate is offered"
    assert desktop.protocol_panel.rate_box.value() == 5.5

    window.set_mode("clinic")
    assert window.person_button.isVisible() and window.person_button.isEnabled()
    qtbot.mouseClick(window.controls.record_button, LEFT)
    wait_for_dialog(qtbot, desktop.flow, RatingDialog, "before").reject()
    path = controller.recording_path
    assert not window.person_button.isEnabled(), "whose session it is does not change while it runs"
    clock.t = 20.0
    qtbot.mouseClick(window.controls.record_button, LEFT)
    after = wait_for_dialog(qtbot, desktop.flow, RatingDialog, "after")
    with qtbot.waitSignal(desktop.flow.summary_ready, timeout=10000):
        after.reject()
    assert read_session(path).person == "Robin"
    assert window.person_button.isEnabled()

    # the next start remembers Robin
    desktop.flow.dialog.close()
    again = make_desktop(qtbot, {"session/person": "Robin"}, clock=clock)
    assert again.window.home.person_button.text() == "◍ Robin" and again.controller.live_core.person == "Robin"
    again.close()


# ---------------------------------------------------------------- 3. the library, review, reports


@pytest.fixture
def sessions(private_data):
    folder = paths.sessions_dir()
    start = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.timezone.utc)
    return [
        record_demo(folder / "robin-1.bfs", 200.0, person="Robin", seed=4, drop=None, pacer_change=(100.0, 5.5), started=start),
        record_demo(folder / "robin-2.bfs", 160.0, person="Robin", seed=5, markers=(), drop=None, pacer_change=None, ratings=(Rating(0, "before", 5, 5, 3), Rating(160, "after", 2, 2, 4)), started=start + dt.timedelta(days=1)),
    ]


def open_library(qtbot, desktop):
    window = desktop.window
    qtbot.mouseClick(window.home.library_button, LEFT)
    shell = desktop.shell
    qtbot.waitUntil(lambda: shell.window.isVisible() and shell.window.proxy.rowCount() >= 2, timeout=20000)
    return shell


def test_a_session_from_the_library_is_reviewed_in_the_same_window_and_back_to_live(qtbot, sessions):
    desktop = make_desktop(qtbot, speed=1.0)
    window, controller = desktop.window, desktop.controller
    try:
        desktop.runner.switch(DemoSource.from_query("seed=3", "demo"), keep_recording=False)
        live_core = controller.live_core
        qtbot.waitUntil(lambda: controller.beat_count > 2, timeout=10000)
        assert window.library_action.isVisible() and window.library_action.shortcut().toString() == "Ctrl+L"
        shell = open_library(qtbot, desktop)
        shell.window.select(sessions[0])
        qtbot.mouseClick(shell.window.review_button, LEFT)
        assert shell.window.notice.text() == "robin-1.bfs is open for review in the main window."
        assert window.reviewing and window.mode == "clinic" and window.windowTitle() == "Reviewing robin-1.bfs"
        assert controller.core is not live_core and desktop.review.bar is window.review_bar
        assert window.review_bar.live_button.isVisible() and window.review_bar.report_button.isVisible()
        # what a review cannot do
        assert not window.controls.record_button.isEnabled() and not window.pacer_box.isEnabled()
        assert not window.record_action.isEnabled() and not desktop.protocol_panel.isVisible()
        assert not window.device_panel.isVisible()
        # Space plays and pauses
        review = desktop.review.review
        activate(qtbot, window)
        qtbot.keyClick(window, Qt.Key.Key_Space)
        assert review.playing
        qtbot.keyClick(window, Qt.Key.Key_Space)
        assert not review.playing
        # a seek shows the moment: its markers, its beats, its pacer (5.5/min after 100 s)
        review.seek(150.0)
        assert [label for _t, label in window.hr_plot.marker_labels()] == ["phone rang"]
        assert window.beats_label.text() == f"{controller.beat_count:,} beats" and controller.beat_count > 100
        assert window.pacer_box.enabled_box.isChecked() and window.pacer_box.rate_box.value() == pytest.approx(5.5)
        # a marker renamed in review: the line on the plot is relabelled by the window itself
        marker = controller.markers[0]
        review.edit_marker(marker.id, "doorbell")
        assert [label for _t, label in window.hr_plot.marker_labels()] == ["doorbell"]
        # meanwhile the live demo goes on, unseen
        live_beats = live_core.beat_count
        qtbot.waitUntil(lambda: live_core.beat_count > live_beats, timeout=10000)
        # back to live
        qtbot.mouseClick(window.review_bar.live_button, LEFT)
        assert not window.reviewing and controller.core is live_core and window.review_bar is None
        assert window.mode == "home" and window.windowTitle() == words.HOME_SCREEN, "the screen it showed before"
        assert window.controls.record_button.isEnabled() and window.pacer_box.isEnabled() and window.device_panel.isVisibleTo(window.clinic)
        assert window.record_action.shortcut().toString() == "Space"
        assert window.pacer_box.rate_box.value() == pytest.approx(6.0), "the person's own pacer again"
        assert window.beats_label.text() == f"{live_core.beat_count:,} beats"
    finally:
        desktop.close()


def test_back_from_a_review_to_a_replay_puts_back_what_was_there(qtbot, private_data, sessions):
    """The live source is itself a replay: its pacer box stays the recording's, the tooltips
    come back, and a replay that ended while the review was shown says so on return."""
    from biofeedback.app.sources import make_source

    desktop = make_desktop(qtbot, {"window/mode": "clinic"}, speed=200.0)
    try:
        window, controller = desktop.window, desktop.controller
        desktop.runner.switch(make_source(str(sessions[1])), keep_recording=False)
        qtbot.waitUntil(lambda: controller.beat_count > 10, timeout=10000)
        assert not window.pacer_box.isEnabled()
        tip = window.controls.marker_button.toolTip()
        shell = open_library(qtbot, desktop)
        shell.window.select(sessions[0])
        qtbot.mouseClick(shell.window.review_button, LEFT)
        assert window.reviewing
        old = desktop.review.review
        qtbot.waitUntil(lambda: controller.live_core.ended, timeout=20000)  # the replay ends unseen
        qtbot.mouseClick(window.review_bar.live_button, LEFT)
        assert not window.pacer_box.isEnabled() and window.pacer_box.summary.text() == words.RECORDED_PACER
        assert window.controls.marker_button.toolTip() == tip
        assert window.phase_label.text() == words.REPLAY_OVER
        # the review lets go of the window's controller: a live marker reaches it no more
        assert old.controller is None
        heard = []
        old.markers_changed.connect(lambda: heard.append(1))
        controller.add_marker("after the review")
        assert heard == []
    finally:
        desktop.close()


def test_review_waits_while_a_session_runs(qtbot, desktop, clock, sessions):
    strap_on(desktop, clock)
    qtbot.mouseClick(desktop.window.home.start_button, LEFT)
    wait_for_dialog(qtbot, desktop.flow, RatingDialog, "before").reject()
    shell = open_library(qtbot, desktop)
    shell.window.select(sessions[0])
    qtbot.mouseClick(shell.window.review_button, LEFT)
    assert shell.window.notice.text() == words.REVIEW_WAITS_FOR_SESSION and not desktop.window.reviewing


def test_report_from_the_library_writes_a_pdf_and_says_where(qtbot, desktop, sessions, tmp_path):
    shell = open_library(qtbot, desktop)
    shell.window.select(sessions[1])
    qtbot.mouseClick(shell.window.report_button, LEFT)
    dialog = shell.reports.dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.selectedFiles()[0].endswith("robin-2 report.pdf"), "named after the session"
    out = tmp_path / "robin report.pdf"
    dialog.selectFile(str(out))
    dialog.accept()
    assert out.read_bytes().startswith(b"%PDF") and (out.stat().st_mode & 0o777) == 0o600
    assert shell.window.notice.text() == f"The report was saved to {out}."
    # never over an existing file
    qtbot.mouseClick(shell.window.report_button, LEFT)
    shell.reports.dialog.selectFile(str(out))
    shell.reports.dialog.accept()
    assert shell.window.notice.text() == words.WOULD_OVERWRITE.format(path=out)
    qtbot.waitUntil(lambda: not shell.window.findChildren(QFileDialog), timeout=2000)  # closed file dialogs are gone


def test_report_from_review(qtbot, desktop, sessions, tmp_path):
    shell = open_library(qtbot, desktop)
    shell.window.select(sessions[0])
    shell.window.review_selected()
    bar = desktop.window.review_bar
    qtbot.mouseClick(bar.report_button, LEFT)
    out = tmp_path / "from-review.pdf"
    desktop.reports.dialog.selectFile(str(out))
    desktop.reports.dialog.accept()
    assert out.read_bytes().startswith(b"%PDF")
    assert desktop.window.status_label.text() == f"The report was saved to {out}."


# ---------------------------------------------------------------- 4. dropped files


def test_a_dropped_recording_is_imported_for_the_person_and_listed_in_the_library(qtbot, desktop, sessions):
    window = desktop.window
    window.set_person("Robin")
    shell = open_library(qtbot, desktop)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(DATA / "polar_flow_rr.txt"))])
    event = QDropEvent(QPointF(5, 5), Qt.DropAction.CopyAction, mime, Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier)
    with qtbot.waitSignal(window.file_drop.imported, timeout=20000):
        assert window.file_drop.eventFilter(window, event)
    assert window.home.message_label.text().startswith("Imported polar_flow_rr.txt")
    qtbot.waitUntil(lambda: shell.window.proxy.rowCount() == 3, timeout=5000)
    imported = [e for e in desktop.library().entries() if e.source_kind == "import"]
    assert len(imported) == 1 and imported[0].person == "Robin"


# ---------------------------------------------------------------- 5. guided protocols

SPEED = 60.0  # as tests/qt/test_protocol_window.py: seconds of real time for minutes of session


@pytest.fixture
def clinic(qtbot, private_data):
    """The clinic view on the demo at 60x, breathing with the pacer."""
    d = make_desktop(qtbot, {"window/mode": "clinic"}, speed=SPEED)
    d.runner.switch(DemoSource.from_query("resonance=5.5&seed=2", "demo?resonance=5.5&seed=2"), keep_recording=False)
    yield d
    d.close()


def test_an_assessment_from_the_clinic_view_runs_pauses_ends_and_offers_your_rate(qtbot, clinic):
    window, protocol, panel, controller = clinic.window, clinic.protocol, clinic.protocol_panel, clinic.controller
    assert panel.isVisible() and window.side_scroll.widget().isAncestorOf(panel), "in the clinic view's side panel"
    panel.kind_box.setCurrentIndex(panel.kind_box.findData("assessment"))
    panel.block_box.setValue(1.0)
    panel.rest_box.setValue(0)
    panel.fine_box.setChecked(False)
    qtbot.mouseClick(panel.start_button, LEFT)
    before = wait_for_dialog(qtbot, clinic.flow, RatingDialog, "before")  # a recorded session: asked first
    with qtbot.waitSignal(protocol.started, timeout=5000):
        qtbot.mouseClick(before.skip_button, LEFT)
    path = controller.recording_path
    assert path is not None and window.session_running
    # the header tells the step, progress and time left
    qtbot.waitUntil(lambda: window.protocol_strip.isVisible(), timeout=3000)
    assert window.protocol_label.text() == "Step 1 of 5: Breathing at 6.5 breaths/min"
    qtbot.waitUntil(lambda: window.protocol_progress.value() > 30, timeout=15000)
    assert "left in this step" in window.protocol_time.text()
    # the phase is on the plot
    assert "Breathing at 6.5 breaths/min" in [label for _t, label in window.hr_plot.marker_labels()]
    # pause and resume from the panel
    qtbot.mouseClick(panel.pause_button, LEFT)
    assert window.protocol_time.text().startswith("Paused.") and controller.pacer is None
    assert window.home.calm.words == words.CALM_PAUSED
    qtbot.mouseClick(panel.pause_button, LEFT)
    assert controller.pacer is not None and window.home.calm.words == ""
    with qtbot.waitSignal(protocol.finished, timeout=60000):
        pass
    result = clinic.protocol_result
    assert result.isVisible() and result.pages.currentWidget() is result.result_view
    assessment = result.result_view.result
    assert result.result_view.table.rowCount() == 5 and assessment.recommended_bpm is not None, assessment.reason
    assert not window.protocol_strip.isVisible()
    # "Your rate" is offered afterwards, to the pacer and the panel; the choice is kept for the person
    assert window.pacer_box.preset_box.findData("assessed") >= 0
    assert clinic.people.assessed_bpm("Me") == assessment.recommended_bpm
    qtbot.mouseClick(result.result_view.runner_up_button, LEFT)
    assert clinic.people.assessed_bpm("Me") == assessment.runner_up_bpm
    assert panel.rate_box.value() == pytest.approx(assessment.runner_up_bpm)
    # the recording goes on after the protocol, with its phases in the file
    assert controller.recording_path == path


def test_a_guided_session_shows_its_words_in_the_calm_view_and_stopping_keeps_the_recording(qtbot, clinic):
    window, protocol, panel, controller = clinic.window, clinic.protocol, clinic.protocol_panel, clinic.controller
    calm_window = clinic.window.client_launcher.show(None)  # the client's own screen
    qtbot.addWidget(calm_window)
    panel.kind_box.setCurrentIndex(panel.kind_box.findData("session"))
    panel.baseline_box.setValue(1.0)
    panel.training_box.setValue(1.0)
    panel.recovery_box.setValue(1.0)
    qtbot.mouseClick(panel.start_button, LEFT)
    wait_for_dialog(qtbot, clinic.flow, RatingDialog, "before").reject()
    qtbot.waitUntil(lambda: protocol.running, timeout=3000)
    path = controller.recording_path
    qtbot.waitUntil(lambda: protocol.state().phase == "baseline", timeout=20000)
    assert controller.pacer is None, "the pacer hidden for the baseline"
    qtbot.waitUntil(lambda: window.home.calm.words == words.CALM_BASELINE, timeout=5000)
    assert calm_window.view.words == words.CALM_BASELINE
    calm_window.view.render_frame(controller.now(), controller.pacer_now())
    assert calm_window.view.canvas.caption == words.CALM_BASELINE and calm_window.view.canvas._texts[0] == words.BREATHE_FREELY
    qtbot.waitUntil(lambda: protocol.state().phase == "training", timeout=20000)
    qtbot.waitUntil(lambda: calm_window.view.words == "", timeout=2000)  # the pacer guides: no words
    assert controller.pacer is not None
    qtbot.waitUntil(lambda: window.protocol_label.text().startswith("Step 3 of 4: Training at"), timeout=2000)
    with qtbot.waitSignal(protocol.finished, timeout=5000):
        qtbot.mouseClick(panel.stop_button, LEFT)
    result = clinic.protocol_result
    assert result.isVisible() and result.pages.currentWidget() is result.summary_view
    assert "stopped early" in result.summary_view.note.text()
    assert controller.recording_path == path, "stopping the protocol keeps the session recording"
    beats = controller.beat_count
    qtbot.waitUntil(lambda: controller.beat_count > beats + 5, timeout=10000)
    # Stop session: the rating after, the summary; the file has the phases
    qtbot.mouseClick(window.controls.record_button, LEFT)
    with qtbot.waitSignal(clinic.flow.summary_ready, timeout=10000):
        wait_for_dialog(qtbot, clinic.flow, RatingDialog, "after").reject()
    assert [p.phase for p in read_session(path).phases] == ["signal_check", "baseline", "training", "aborted"]


@pytest.mark.qt_log_ignore("does not support grabbing the keyboard")  # a popup menu, offscreen
def test_a_patient_finds_their_rate_from_the_home_screen(qtbot, private_data):
    desktop = make_desktop(qtbot, speed=SPEED)
    try:
        window = desktop.window
        desktop.runner.switch(DemoSource.from_query("resonance=5.5&seed=2", "demo"), keep_recording=False)
        guided = window.home.guided_button
        assert guided.isVisible() and window.assessment_action.isVisible()
        menu = guided.menu()
        find = next(a for a in menu.actions() if a.text() == words.FIND_MY_RATE)
        seen = []

        def choose() -> None:  # the button's menu runs its own event loop: choose from inside it
            seen.append(menu.isVisible())
            qtbot.mouseClick(menu, LEFT, pos=menu.actionGeometry(find).center())

        QTimer.singleShot(300, choose)
        qtbot.mouseClick(guided, LEFT)
        assert seen == [True], "the menu opened under the button"
        qtbot.waitUntil(lambda: desktop.protocol.running, timeout=3000)
        assert desktop.flow.dialog is None and window.session_running, "the demo at home: practice, asked nothing"
        qtbot.waitUntil(lambda: window.home.message_label.text().startswith("Step 1 of "), timeout=3000)
        assert "left in this step" in window.home.message_label.text()
        # Stop session stops the protocol too; a simulated result is not kept. Stopped before a
        # whole block, there is no table to show: the message line says why, in one sentence
        with qtbot.waitSignal(desktop.protocol.finished, timeout=5000):
            qtbot.mouseClick(window.home.start_button, LEFT)
        assert not window.session_running and not desktop.protocol_result.isVisible()
        assert window.home.message_label.text() == words.RF_DECLINE_TOO_SHORT.format(needed=3)
        assert desktop.people.assessed_bpm("Me") is None
    finally:
        desktop.close()


def test_a_guided_session_stopped_with_the_session_shows_its_result_after_the_summary(qtbot, clinic):
    """Stop session while a guided session runs: the rating after and the summary come first, one
    at a time; the protocol's result waits until they are closed, instead of opening beneath them."""
    window, protocol, panel, flow = clinic.window, clinic.protocol, clinic.protocol_panel, clinic.flow
    panel.kind_box.setCurrentIndex(panel.kind_box.findData("session"))
    qtbot.mouseClick(panel.start_button, LEFT)
    wait_for_dialog(qtbot, flow, RatingDialog, "before").reject()
    qtbot.waitUntil(lambda: protocol.running, timeout=3000)
    beats = clinic.controller.beat_count
    qtbot.waitUntil(lambda: clinic.controller.beat_count > beats + 5, timeout=10000)
    with qtbot.waitSignal(protocol.finished, timeout=5000):
        qtbot.mouseClick(window.controls.record_button, LEFT)
    result = clinic.protocol_result
    after = wait_for_dialog(qtbot, flow, RatingDialog, "after")
    assert not result.isVisible(), "not under the rating"
    after.reject()
    summary = wait_for_dialog(qtbot, flow, SummaryDialog)
    assert not result.isVisible(), "not under the summary"
    summary.reject()
    qtbot.waitUntil(result.isVisible, timeout=2000)
    assert result.pages.currentWidget() is result.summary_view


@pytest.mark.qt_log_ignore("does not support grabbing the keyboard")
def test_the_practice_sentence_comes_back_when_a_guided_practice_ends(qtbot, private_data):
    """At home the step and time left take the message line while a protocol runs; when it ends
    the line says again what the session said ("Practice ended after 0:05...")."""
    desktop = make_desktop(qtbot, speed=SPEED)
    try:
        window = desktop.window
        desktop.runner.switch(DemoSource.from_query("seed=2", "demo"), keep_recording=False)
        window.protocol_requested.emit("session")
        qtbot.waitUntil(lambda: window.home.message_label.text().startswith("Step 1 of "), timeout=3000)
        qtbot.mouseClick(window.home.start_button, LEFT)
        qtbot.waitUntil(lambda: not window.session_running, timeout=3000)
        assert window.home.message_label.text().startswith("Practice ended after ")
    finally:
        desktop.close()
