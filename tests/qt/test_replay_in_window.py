"""Replay and switching that behave, through the window as the app wires it (issue 14, item 4)."""

from __future__ import annotations

import numpy as np
import pytest

from biofeedback.core.pacer import PacerSettings
from biofeedback.core.samples import Contact, Sample, Status, LinkState
from biofeedback.core.session import pacer_record
from biofeedback.qt.devices import DevicePhase, MemoryStrapStore
from biofeedback.storage.session_file import SessionWriter, make_header

FOUR_SEVEN_EIGHT = PacerSettings(4.0, 8.0, 7.0, 0.0)


def recorded_session(path, seconds: int = 30, start: float = 106.0):
    """A session file as the app writes one: started 106 s into a demo session, paced 4-7-8 from
    3 s, with a marker, the demo's own statuses, and a beat a second."""
    with SessionWriter(path, make_header("demo", {"name": "Demo (simulated person)"}, {}, "test", start)) as writer:
        writer.write_pacer(3.0, pacer_record(FOUR_SEVEN_EIGHT))
        writer.write(Status(start, LinkState.STREAMING, "Demo running: a simulated person.", {"name": "Demo (simulated person)"}))
        for i in range(seconds):
            t = start + 1.0 + i
            writer.write(Sample(t, 60, (1000.0,), Contact.UNSUPPORTED))
    return path


@pytest.fixture
def app_window(qtbot):
    """The window as ``app.gui.run`` wires it, in the clinic view, the demo running fast."""
    from biofeedback.app import make_source
    from biofeedback.app.gui import _attach_sources
    from biofeedback.app.session import make_core
    from biofeedback.qt.main_window import MainWindow
    from biofeedback.qt.session_controller import SessionController
    from biofeedback.qt.settings import MemoryStore, Settings
    from biofeedback.sources.clock import SessionClock

    clock = SessionClock(20.0)
    controller = SessionController(clock, make_core(20.0))
    window = MainWindow(controller, Settings(MemoryStore({"window/mode": "clinic"})))
    qtbot.addWidget(window)
    window.show()
    runner = _attach_sources(window, controller, clock, strap_store=MemoryStrapStore(), scan_s=1.0)
    runner.switch(make_source("demo"))
    yield window, controller, runner, clock
    runner.stop()
    controller.close()


def test_opening_a_recording_replaces_the_running_session(qtbot, tmp_path, app_window):
    window, controller, runner, clock = app_window
    qtbot.waitUntil(lambda: controller.beat_count > 20, timeout=10_000)  # a demo session under way
    controller.add_marker("before")
    demo_time = clock.now()
    assert demo_time > 15.0
    path = recorded_session(tmp_path / "morning.bfs")

    window.recording_chosen.emit(str(path))  # as Session > Open a recording picks it

    assert clock.now() < 2.0  # the clock starts again ...
    assert controller.beat_count < 5 and controller.markers == []  # ... the plots, beats and markers too
    assert window.hr_plot.marker_labels() == []
    assert window.beats_label.text() in ("0 beats", "1 beat", "2 beats")
    qtbot.waitUntil(lambda: controller.beat_count >= 1, timeout=3000)  # the first beat within about a second
    # statuses of the recording, not of this computer, and never the demo's
    assert window.status_label.text() == "Replaying morning.bfs."
    qtbot.waitUntil(lambda: controller.beat_count >= 5, timeout=5000)
    assert "Demo" not in window.status_label.text()
    assert window.quality_panel.value_text("contact") == "not in the recording"
    assert window.quality_panel.value_text("delay") == "— (a recording plays)"
    assert window.device_panel.phase_label.text() == DevicePhase.REPLAY.value


def test_a_replay_shows_its_recorded_pacer_and_a_live_source_brings_back_the_chosen_one(qtbot, tmp_path, app_window):
    window, controller, runner, clock = app_window
    chosen = controller.pacer
    window.recording_chosen.emit(str(recorded_session(tmp_path / "paced.bfs")))
    qtbot.waitUntil(lambda: controller.pacer == FOUR_SEVEN_EIGHT and controller.beat_count >= 1, timeout=3000)
    first_beat = 107.0
    # the recorded breath keeps its place relative to the beats: it began 104 s before the first
    assert controller.pacer_start == pytest.approx(controller.core.timeline.arrays()[0][0] - (first_beat - 3.0), abs=0.05)
    assert not window.pacer_box.isEnabled()
    assert window.pacer_box.summary.text() == "The recording's own pacer is shown while it plays."
    window.device_panel.demo_requested.emit()
    qtbot.waitUntil(lambda: controller.pacer == chosen, timeout=3000)
    assert window.pacer_box.isEnabled()


def test_at_the_end_of_a_replay_the_clock_and_pacer_stop_and_the_plots_keep_the_data(qtbot, tmp_path, app_window):
    window, controller, runner, clock = app_window
    window.recording_chosen.emit(str(recorded_session(tmp_path / "short.bfs", seconds=20)))
    qtbot.waitUntil(lambda: controller.ended, timeout=10_000)  # 21 s of recording at speed 20
    stopped_at = clock.now()
    qtbot.wait(300)  # 6 s of session time, were the clock still running
    assert clock.now() == stopped_at and clock.paused
    window.redraw()
    assert window.phase_label.text() == "Replay ended"
    assert window.session_time_label.text() == f"Session 0:{int(stopped_at):02d}"
    hr_x, hr_y = window.hr_plot._hr.getData()
    assert len(hr_y) >= 19 and np.allclose(hr_y, 60.0)  # the plots keep the recording
    assert window.status_label.text() == "The recording short.bfs has ended."
    assert controller.pacer_now() is None
    window.device_panel.demo_requested.emit()  # a new source: the clock runs again from 0
    assert not clock.paused and clock.now() < 2.0


def test_the_file_dialog_opens_in_the_sessions_folder(qtbot, monkeypatch, app_window):
    from PySide6.QtWidgets import QFileDialog

    from biofeedback.storage import paths

    window, *_ = app_window
    asked = []
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda parent, title, folder, filters: asked.append(folder) or ("", ""))
    window.open_action.trigger()
    window.device_panel.recording_button.click()
    assert asked == [str(paths.sessions_dir())] * 2


def test_a_damaged_file_says_so_in_the_window(qtbot, tmp_path, app_window):
    window, controller, runner, clock = app_window
    path = recorded_session(tmp_path / "cut.bfs")
    lines = path.read_bytes().split(b"\n")
    lines.insert(5, b'{"t": 110.5, "type": "sam')  # a damaged line
    path.write_bytes(b"\n".join(lines))
    window.recording_chosen.emit(str(path))
    qtbot.waitUntil(lambda: "could not be read" in window.status_label.text(), timeout=3000)
    assert window.status_label.text() == "Replaying cut.bfs. Parts of it could not be read: 1 damaged line skipped."


def test_an_unreadable_file_is_said_and_the_session_goes_on(qtbot, tmp_path, app_window):
    window, controller, runner, clock = app_window
    empty = tmp_path / "empty.bfs"
    empty.write_bytes(b"")
    window.recording_chosen.emit(str(empty))
    assert window.status_label.text() == f"{empty} is empty."
    assert runner.source.describe().kind.value == "demo"  # the demo still runs


def test_a_beat_the_old_source_sent_just_before_a_switch_never_reaches_the_new_session(qtbot, tmp_path, app_window):
    import threading

    window, controller, runner, clock = app_window
    old = runner.bridge
    stale = Sample(5.0, 200, (300.0,), Contact.DETECTED)
    sender = threading.Thread(target=lambda: old.event_received.emit(stale))  # queued, as a source thread's are
    sender.start()
    sender.join()
    window.recording_chosen.emit(str(recorded_session(tmp_path / "new.bfs")))  # the switch, before Qt delivers it
    seen = []
    controller.sample_received.connect(seen.append)
    qtbot.wait(200)
    assert stale not in seen and 200 not in [s.hr_bpm for s in seen]
