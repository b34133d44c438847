"""The session core, without Qt: events in; beats, metrics, annotations and the file out."""

from __future__ import annotations

import numpy as np
import pytest

from biofeedback.core.annotations import Marker, PacerChange, Rating
from biofeedback.core.live import LiveAnalyzer
from biofeedback.core.pacer import PacerSettings, pacer_state
from biofeedback.core.samples import LinkState, Sample, SourceInfo, SourceKind, Status
from biofeedback.core.session import SessionCore, SessionListener
from biofeedback.storage.session_file import SessionWriter, make_header, read_session

STRAP_A = SourceInfo(SourceKind.STRAP, "ble:AA", live=True, recorded_by_default=True, device={"name": "Polar H10 A"})
STRAP_B = SourceInfo(SourceKind.STRAP, "ble:BB", live=True, recorded_by_default=True, device={"name": "Polar H10 B"})
DEMO = SourceInfo(SourceKind.DEMO, "demo", live=True, recorded_by_default=False)


class FakeSink:
    """Records what the core writes and when it syncs."""

    path = "fake.bfs"

    def __init__(self) -> None:
        self.written: list = []
        self.syncs: list[int] = []
        self.dirty = False
        self.closed_at = None

    def write(self, event) -> None:
        self.written.append(event)
        self.dirty = True

    def write_pacer(self, t, settings) -> None:
        self.write(("pacer", t, settings))

    def sync(self) -> None:
        self.syncs.append(len(self.written))
        self.dirty = False

    def close(self, t=None) -> None:
        self.closed_at = t
        self.sync()


def test_a_waiting_write_is_synced_within_a_second_even_when_nothing_else_arrives():
    sink = FakeSink()
    core = SessionCore(open_sink=lambda start: sink)
    core.start_recording(0.0)
    core.on_event(Sample(0.2, 60, (1000.0,)), 0.2)
    assert sink.dirty  # not yet a second since the recording started
    core.tick(0.9)
    assert sink.dirty
    core.tick(1.0)  # a second after the last sync: on the disk, with no event to prompt it
    assert not sink.dirty and len(sink.syncs) == 1


def test_a_burst_of_events_syncs_once_a_second_not_once_an_event():
    sink = FakeSink()
    core = SessionCore(open_sink=lambda start: sink)
    core.start_recording(0.0)
    for i in range(1, 50):  # 49 notifications in 4.9 s
        core.on_event(Sample(i / 10, 60, ()), i / 10)
    assert len(sink.syncs) == 4  # at 1.0, 2.0, 3.0 and 4.0 s
    core.tick(5.0)
    assert len(sink.syncs) == 5 and not sink.dirty


def test_nothing_to_sync_means_no_sync():
    sink = FakeSink()
    core = SessionCore(open_sink=lambda start: sink)
    core.start_recording(0.0)
    core.tick(1.5)
    assert len(sink.syncs) == 1  # the pacer event written at the start
    core.tick(5.0)
    assert len(sink.syncs) == 1


def test_a_source_switch_is_its_own_event_and_breaks_the_beats(tmp_path):
    path = tmp_path / "s.bfs"
    core = SessionCore(open_sink=lambda start: SessionWriter(path, make_header(start.source.spec, {}, {}, "t", start.t)))
    core.source_started(STRAP_A, 0.0)  # a strap: saved from its first sample on
    core.on_event(Sample(1.0, 60, (1000.0,)), 1.0)
    core.on_event(Sample(2.0, 60, (1000.0,)), 2.0)
    core.source_started(STRAP_B, 2.5)  # another strap for the same person: same file
    core.on_event(Sample(3.5, 60, (1000.0,)), 3.5)
    core.close(4.0)
    data = read_session(path)
    assert [(s.t, s.info.spec, s.info.kind) for s in data.sources] == [(1.0, "ble:AA", SourceKind.STRAP), (2.5, "ble:BB", SourceKind.STRAP)]
    assert not [e for e in data.events if isinstance(e, Status)]  # no status was made up for the switch
    _, _, starts = core.timeline.arrays()
    assert starts.tolist() == [True, False, True]  # the new strap's beats do not continue the old one's
    assert data.samples == [Sample(1.0, 60, (1000.0,)), Sample(2.0, 60, (1000.0,)), Sample(3.5, 60, (1000.0,))]


def test_the_demo_after_a_strap_is_not_saved_unless_asked():
    sinks = []
    core = SessionCore(open_sink=lambda start: sinks.append(FakeSink()) or sinks[-1])
    core.source_started(STRAP_A, 0.0)
    core.on_event(Sample(1.0, 60, (1000.0,)), 1.0)
    assert core.recording and len(sinks) == 1
    core.source_started(DEMO, 5.0)
    assert not core.recording and sinks[0].closed_at == 5.0
    core.source_started(DEMO, 6.0, keep_recording=True)
    assert core.recording and len(sinks) == 2


class Heard(SessionListener):
    def __init__(self) -> None:
        self.heard: list[tuple[str, object]] = []

    def __getattribute__(self, name):
        if name in SessionListener.__dict__ and not name.startswith("_"):
            return lambda *args: object.__getattribute__(self, "heard").append((name, args))
        return object.__getattribute__(self, name)


def test_markers_ratings_and_edits_reach_the_file_and_the_listener(tmp_path):
    path = tmp_path / "s.bfs"
    heard = Heard()
    core = SessionCore(open_sink=lambda start: SessionWriter(path, make_header("x", {}, {}, "t", start.t, person="Robin")), person="Robin", listener=heard)
    core.start_recording(0.0)
    core.add_rating(Rating(0.5, "before", pain=6, stress=7, mood=2))
    first = core.add_marker(10.0, "phone rang")
    second = core.add_marker(20.0, "eyes closed", "asked to")
    core.edit_marker(first.id, "door bell", "not the phone", 30.0)
    core.edit_marker(second.id, "", "", 31.0, deleted=True)
    core.add_rating(Rating(40.0, "after", pain=3, stress=None, mood=4))
    core.close(41.0)
    data = read_session(path)
    assert data.person == "Robin"
    assert [(m.id, m.t, m.label, m.note) for m in data.markers] == [(1, 10.0, "door bell", "not the phone")]
    assert [(m.id, m.label) for m in data.markers_written] == [(1, "phone rang"), (2, "eyes closed")]  # append-only
    assert data.ratings == [Rating(0.5, "before", 6, 7, 2), Rating(40.0, "after", 3, None, 4)]
    assert [m.label for m in core.markers] == ["door bell"]
    names = [name for name, _ in heard.heard]
    assert names.count("marker_added") == 2 and names.count("marker_changed") == 2 and names.count("rating_added") == 2


def test_choosing_the_running_pacer_again_does_not_restart_the_breath():
    sink = FakeSink()
    core = SessionCore(open_sink=lambda start: sink, pacer=PacerSettings.from_rate(6.0))
    core.start_recording(0.0)
    core.set_pacer(PacerSettings.from_rate(6.0), 7.0)
    assert core.pacer_start == 0.0 and len([w for w in sink.written if w[0] == "pacer"]) == 1
    core.set_pacer(PacerSettings.from_rate(5.0), 8.0)
    assert core.pacer_start == 8.0 and len([w for w in sink.written if w[0] == "pacer"]) == 2


def test_reset_clears_everything_a_new_recording_should_not_inherit(nsrdb_5min_rr):
    core = SessionCore(LiveAnalyzer())
    t = 0.0
    for rr in nsrdb_5min_rr[:150]:
        t += rr / 1000
        core.on_event(Sample(t, 60, (float(rr),)), t)
    core.add_marker(t, "x")
    assert len(core.beats) == 150 and core.metrics is not None and len(core.coherence_history)
    core.reset(0.0, DEMO)
    assert len(core.beats) == 0 and core.metrics is None and not core.markers and not len(core.coherence_history)
    assert core.beat_count == 0 and core.source is DEMO and core.status is None
    core.on_event(Sample(1.0, 60, (1000.0,)), 1.0)  # a fresh timeline: no gap back to the old beats
    assert core.timeline.gaps == []


def test_a_failed_source_is_a_status_for_people():
    heard = Heard()
    core = SessionCore(listener=heard)
    core.on_failed("No Bluetooth adapter was found.", 3.0)
    assert core.status == Status(3.0, LinkState.FAILED, "No Bluetooth adapter was found.")
    assert heard.heard[-1][0] == "status_changed"


def test_a_sink_that_cannot_be_made_is_said_once_and_the_session_goes_on():
    heard = Heard()

    def refuse(start):
        raise OSError("disk full")

    core = SessionCore(open_sink=refuse, listener=heard)
    assert core.start_recording(0.0) is False
    assert ("error_occurred", ("The session cannot be saved: disk full",)) in heard.heard
    core.on_event(Sample(1.0, 60, (1000.0,)), 1.0)
    assert core.beat_count == 1


# ---------------------------------------------------------------- issue 14: the everyday experience

REPLAY = SourceInfo(SourceKind.REPLAY, "morning.bfs", live=False, recorded_by_default=False, name="morning.bfs")


def test_a_strap_that_never_sends_leaves_no_file():
    """--source ble with no Bluetooth: the file waits for the strap's first sample, which never comes."""
    sinks = []
    heard = Heard()
    core = SessionCore(open_sink=lambda start: sinks.append(FakeSink()) or sinks[-1], listener=heard)
    core.source_started(STRAP_A, 0.0)  # a strap is saved by default ...
    assert core.recording_pending and not core.recording and sinks == []  # ... from its first sample
    assert ("recording_pending", (True,)) in heard.heard
    core.on_failed("No Bluetooth adapter was found.", 2.0)
    core.source_started(DEMO, 3.0)  # "Use the demo": not saved, and nothing was left behind
    assert not core.recording_pending and not core.recording and sinks == []
    core.on_event(Sample(4.0, 60, (1000.0,)), 4.0)
    assert sinks == []


def test_a_strap_file_opens_with_the_first_sample_and_holds_it():
    sinks = []
    core = SessionCore(open_sink=lambda start: sinks.append(FakeSink()) or sinks[-1])
    core.source_started(STRAP_A, 0.0)
    core.on_event(Status(0.5, LinkState.CONNECTING, "Connecting"), 0.5)
    assert sinks == []
    first = Sample(3.0, 60, (1000.0,))
    core.on_event(first, 3.0)
    assert core.recording and not core.recording_pending and len(sinks) == 1
    assert first in sinks[0].written
    assert core.start_recording(4.0) and len(sinks) == 1  # asking again changes nothing


def test_stopping_a_pending_recording_cancels_it():
    sinks = []
    core = SessionCore(open_sink=lambda start: sinks.append(FakeSink()) or sinks[-1])
    core.source_started(STRAP_A, 0.0)
    assert core.stop_recording(1.0) is None and not core.recording_pending
    core.on_event(Sample(2.0, 60, (1000.0,)), 2.0)
    assert sinks == []


def test_changing_the_pacer_keeps_the_guide_already_drawn():
    slow, fast = PacerSettings.from_rate(5.0), PacerSettings.from_rate(10.0)
    core = SessionCore(pacer=slow)
    core.set_pacer(fast, 30.0)
    t, volume = core.pacer_wave(0.0, 60.0)
    before, after = t < 30.0, t >= 30.0
    assert t[before][0] == 0.0 and t[before][-1] == pytest.approx(29.5)  # the past is still there
    np.testing.assert_allclose(volume[before], [pacer_state(slow, x).volume for x in t[before]], atol=2e-4)
    ok = after & ~np.isnan(volume)
    np.testing.assert_allclose(volume[ok], [pacer_state(fast, x - 30.0).volume for x in t[ok]], atol=2e-4)
    assert np.isnan(volume).sum() == 1  # one break between the two guides


def test_the_pacer_switched_off_leaves_a_hole_in_the_guide():
    core = SessionCore(pacer=PacerSettings.from_rate(6.0))
    core.set_pacer(None, 20.0)
    core.set_pacer(PacerSettings.from_rate(6.0), 40.0)
    t, _ = core.pacer_wave(0.0, 60.0)
    assert not ((t >= 20.0) & (t < 40.0)).any()
    assert t.min() == 0.0 and t.max() == pytest.approx(59.5)


def test_the_guide_history_is_bounded():
    core = SessionCore()
    for i in range(1000):
        core.set_pacer(PacerSettings.from_rate(5.0 + (i % 2)), float(i))
    assert len(core.pacer_history) <= 64


def test_a_recorded_pacer_applies_with_its_own_start_even_when_unchanged():
    pacer = PacerSettings.from_rate(6.0)
    core = SessionCore(pacer=pacer)
    core.on_event(PacerChange(-102.0, pacer), 1.0)  # began before the replay's first sample
    assert core.pacer == pacer and core.pacer_start == -102.0
    core.on_event(PacerChange(5.0, None), 5.0)
    assert core.pacer is None


def test_a_recorded_marker_is_shown_during_its_replay():
    heard = Heard()
    core = SessionCore(listener=heard)
    core.source_started(REPLAY, 0.0)
    core.on_event(Marker(12.0, "eyes closed", 1, "asked to"), 12.0)
    assert core.markers == [Marker(12.0, "eyes closed", 1, "asked to")]
    assert ("marker_added", (Marker(12.0, "eyes closed", 1, "asked to"),)) in heard.heard


def test_the_end_of_a_replay_ends_the_session_but_keeps_its_data():
    heard = Heard()
    core = SessionCore(listener=heard)
    core.source_started(REPLAY, 0.0)
    core.on_event(Sample(1.0, 60, (1000.0,)), 1.0)
    assert not core.ended
    core.on_event(Status(2.0, LinkState.FINISHED, "The recording morning.bfs has ended."), 2.0)
    assert core.ended and ("session_ended", ()) in heard.heard
    assert len(core.beats) == 1  # the plots keep the data
    core.source_started(DEMO, 3.0)
    assert not core.ended


def test_what_the_strap_said_while_its_file_waited_is_written_first_in_time_order(tmp_path):
    from biofeedback.core.samples import Battery

    path = tmp_path / "s.bfs"
    core = SessionCore(open_sink=lambda start: SessionWriter(path, make_header("x", {}, {}, "t", start.t)))
    core.source_started(STRAP_A, 0.0)
    core.on_event(Status(0.2, LinkState.CONNECTING, "Connecting"), 0.2)
    core.set_pacer(PacerSettings.from_rate(5.0), 0.5)  # a breath begun before the file
    core.on_event(Status(0.7, LinkState.CONNECTED, "Connected"), 0.7)
    core.on_event(Battery(0.8, 87), 0.8)
    core.on_event(Sample(2.0, 60, (1000.0,)), 2.0)
    core.close(3.0)
    data = read_session(path)
    assert data.backwards_events == 0 and data.skipped_lines == 0
    assert [type(e).__name__ for e in data.events] == ["Status", "Status", "Battery", "Sample"]
    assert [e.state for e in data.events[:2]] == [LinkState.CONNECTING, LinkState.CONNECTED]
    assert data.pacer_changes[0][0] == 0.5


@pytest.mark.parametrize("name", ["nsrdb_5min_rr_ms.txt", "heartpy_ppg_11min_rr_ms.txt", "mitbih208_5min_rr_ms.txt"])
def test_a_core_started_mid_recording_goes_on_exactly_as_one_that_ran_from_the_start(name):
    """``start_at`` warms the analyser from the beats before the point (never replaying the
    recording through the core), and from there every batch of beats gives the same metrics."""
    from biofeedback.core.session import BeatHistory, RecordedState
    from biofeedback.resources import sample_stream
    from biofeedback.storage.rr_text import rr_to_samples

    samples = rr_to_samples(np.loadtxt(sample_stream(name)))
    whole = SessionCore(LiveAnalyzer())
    batches, arrived, shown = [], [], []
    for sample in samples:
        batches.append(whole.on_event(sample, sample.t))
        arrived.append(whole.beat_count)
        shown.append(whole.metrics)
    history = BeatHistory(*whole.timeline.arrays())
    for k in (len(samples) // 3, len(samples) // 2, 2 * len(samples) // 3):
        started = SessionCore(LiveAnalyzer())
        started.start_at(history, samples[k].t, pacer=whole.pacer, pacer_start=whole.pacer_start, state=RecordedState(beats=arrived[k]))
        assert _same(started.metrics, shown[k]), f"{name}: the moment of the start differs"
        for j in range(k + 1, len(samples)):
            if batches[j].times:
                metrics = started.analyzer.add_batch(batches[j])
                assert _same(metrics, shown[j]), f"{name}: started at {samples[k].t:.1f} s, differs at {samples[j].t:.1f} s"


def _same(a, b) -> bool:
    """Equal LiveMetrics, arrays compared to floating-point noise."""
    for field in a.__dataclass_fields__:
        x, y = getattr(a, field), getattr(b, field)
        if isinstance(x, np.ndarray) or isinstance(y, np.ndarray):
            if x is None or y is None or not np.allclose(x, y, rtol=1e-9, atol=1e-12):
                return False
        elif isinstance(x, float) and isinstance(y, float):
            if not np.isclose(x, y, rtol=1e-9, atol=1e-12):
                return False
        elif isinstance(x, tuple) and x and isinstance(x[0], float):
            if not np.allclose(x, y, rtol=1e-9, atol=1e-12):
                return False
        elif x != y:
            return False
    return True
