"""Recording from the window: started and stopped through the controller, nothing lost, errors said."""

from biofeedback.core.pacer import PacerSettings
from biofeedback.core.samples import Sample, SourceInfo, SourceKind
from biofeedback.core.session import SessionCore, SinkError
from biofeedback.qt.session_controller import SessionController
from biofeedback.storage.session_file import SessionWriter, make_header, read_session

STRAP = SourceInfo(SourceKind.STRAP, "ble:A0:9E", live=True, recorded_by_default=True, device={"name": "Polar H10"})
DEMO = SourceInfo(SourceKind.DEMO, "demo", live=True, recorded_by_default=False)


def writes_to(*paths):
    files = iter(paths)
    return lambda start: SessionWriter(next(files), make_header(start.source.spec if start.source else "", {}, {}, "t", start.t))


def test_start_and_stop_recording_writes_what_arrived_in_between(qtbot, tmp_path, clock):
    path = tmp_path / "s.bfs"
    controller = SessionController(clock, SessionCore(open_sink=writes_to(path)))
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
    assert controller.beat_count == 3
    controller.close()


def test_a_session_that_cannot_be_saved_says_so_and_goes_on(qtbot, tmp_path, clock):
    def refuse(_start):
        raise SinkError(f"Cannot create {tmp_path / 'x.bfs'}: Permission denied.")

    controller = SessionController(clock, SessionCore(open_sink=refuse))
    with qtbot.waitSignal(controller.error_occurred) as error:
        controller.start_recording()
    assert error.args[0].startswith("The session cannot be saved: Cannot create")
    assert controller.recording_path is None
    controller.on_event(Sample(1.0, 60, (1000.0,)))
    assert controller.beat_count == 1
    controller.close()


def test_a_strap_is_saved_from_the_start_and_the_demo_only_when_asked(qtbot, tmp_path, clock):
    controller = SessionController(clock, SessionCore(open_sink=writes_to(*(tmp_path / f"{i}.bfs" for i in range(3)))))
    controller.source_started(DEMO)
    assert controller.recording_path is None
    controller.source_started(STRAP)  # a strap: recorded from the start
    assert controller.recording_path == tmp_path / "0.bfs"
    controller.on_event(Sample(1.0, 60, (1000.0,)))
    clock.t = 1.5
    controller.source_started(DEMO)  # the demo after a strap: the strap's file closes, the demo is not saved
    assert controller.recording_path is None
    controller.on_event(Sample(2.0, 60, (1000.0,)))
    controller.source_started(DEMO, keep_recording=True)  # asked for: saved in a file of its own
    assert controller.recording_path == tmp_path / "1.bfs"
    clock.t = 3.0
    controller.on_event(Sample(3.0, 60, (1000.0,)))
    controller.close()
    first, second = read_session(tmp_path / "0.bfs"), read_session(tmp_path / "1.bfs")
    assert first.ended_cleanly and second.ended_cleanly
    assert first.events == [Sample(1.0, 60, (1000.0,))] and second.events == [Sample(3.0, 60, (1000.0,))]
    assert [s.info.kind for s in first.sources] == [SourceKind.STRAP]
    assert [s.info.kind for s in second.sources] == [SourceKind.DEMO]


def test_the_sync_timer_syncs_an_idle_session(qtbot, tmp_path, clock):
    """The window's timer ticks the core, so a quiet second still reaches the disk."""
    syncs = []

    class CountingWriter(SessionWriter):
        def sync(self):
            syncs.append(clock.t)
            super().sync()

    path = tmp_path / "s.bfs"
    controller = SessionController(clock, SessionCore(open_sink=lambda start: CountingWriter(path, make_header("x", {}, {}, "t"))))
    controller.start_recording()
    controller.on_event(Sample(0.5, 60, (1000.0,)))
    before = len(syncs)
    clock.t = 2.0  # no events arrive any more
    qtbot.waitUntil(lambda: len(syncs) > before, timeout=2000)
    assert syncs[-1] == 2.0
    controller.close()
