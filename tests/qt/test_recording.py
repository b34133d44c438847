"""Recording from the window: started and stopped by the controller, nothing lost, errors said."""

from biofeedback.core.pacer import PacerSettings
from biofeedback.core.samples import Sample
from biofeedback.qt.session_controller import SessionController
from biofeedback.storage.recorder import Recorder
from biofeedback.storage.session_file import SessionFileError, SessionWriter, make_header, read_session


def test_start_and_stop_recording_writes_what_arrived_in_between(qtbot, tmp_path, clock):
    path = tmp_path / "s.bfs"
    controller = SessionController(clock, Recorder(None), open_writer=lambda: SessionWriter(path, make_header("demo", {}, {}, "t")))
    controller.on_event(Sample(1.0, 60, (1000.0,)))  # before recording: on screen only
    with qtbot.waitSignal(controller.recording_changed) as started:
        controller.start_recording()
    assert started.args == [path]
    clock.t = 2.0
    controller.on_event(Sample(2.0, 60, (1000.0,)))
    controller.set_pacer(PacerSettings.from_rate(5.5))
    controller.add_marker("eyes closed")
    with qtbot.waitSignal(controller.recording_changed) as stopped:
        controller.stop_recording()
    assert stopped.args == [None]
    controller.on_event(Sample(3.0, 60, (1000.0,)))  # after: on screen only
    data = read_session(path)
    assert data.events == [Sample(2.0, 60, (1000.0,))]
    assert [m.label for m in data.markers] == ["eyes closed"]
    assert len(data.pacer_changes) == 2  # the pacer in force at the start, then the change
    assert data.ended_cleanly
    assert len(controller.recorder.timeline) == 3
    controller.close()


def test_a_session_that_cannot_be_saved_says_so_and_goes_on(qtbot, tmp_path, clock):
    def refuse():
        raise SessionFileError(f"Cannot create {tmp_path / 'x.bfs'}: Permission denied.")

    controller = SessionController(clock, Recorder(None), open_writer=refuse)
    with qtbot.waitSignal(controller.error_occurred) as error:
        controller.start_recording()
    assert error.args[0].startswith("The session cannot be saved: Cannot create")
    assert controller.recording_path is None
    controller.on_event(Sample(1.0, 60, (1000.0,)))
    assert len(controller.recorder.timeline) == 1
    controller.close()


def test_a_new_source_gets_its_own_file(qtbot, tmp_path, clock):
    paths = iter(tmp_path / f"{i}.bfs" for i in range(3))
    controller = SessionController(clock, Recorder(None), open_writer=lambda: SessionWriter(next(paths), make_header("x", {}, {}, "t")))
    controller.continue_recording_with_new_source(record_anyway=False)  # demo after demo, not recording
    assert controller.recording_path is None
    controller.continue_recording_with_new_source(record_anyway=True)  # a strap: recorded from the start
    assert controller.recording_path == tmp_path / "0.bfs"
    controller.on_event(Sample(1.0, 60, (1000.0,)))
    controller.continue_recording_with_new_source(record_anyway=False)  # was recording: goes on, new file
    assert controller.recording_path == tmp_path / "1.bfs"
    controller.on_event(Sample(2.0, 60, (1000.0,)))
    controller.close()
    first, second = read_session(tmp_path / "0.bfs"), read_session(tmp_path / "1.bfs")
    assert first.ended_cleanly and second.ended_cleanly
    assert first.events == [Sample(1.0, 60, (1000.0,))] and second.events == [Sample(2.0, 60, (1000.0,))]
