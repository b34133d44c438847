"""The session core's marker ids, annotation sink and start_at restoring what a moment showed."""

from __future__ import annotations

import numpy as np

from biofeedback.core.annotations import Marker, MarkerEdit, Rating, apply_marker_edits
from biofeedback.core.live import LiveAnalyzer
from biofeedback.core.samples import Contact, LinkState, Sample, Status
from biofeedback.core.session import BeatHistory, RecordedState, SessionCore, SessionListener


class Sink:
    path = "x.bfs"
    dirty = False

    def __init__(self) -> None:
        self.written = []

    def write(self, item) -> None:
        self.written.append(item)

    def write_pacer(self, t, settings) -> None:
        self.written.append(("pacer", t))

    def sync(self) -> None: ...

    def close(self, t=None) -> None: ...


def test_a_deleted_markers_id_is_never_given_again():
    sink = Sink()
    core = SessionCore(open_sink=lambda start: sink)
    core.start_recording(0.0)
    core.add_marker(1.0, "a")
    second = core.add_marker(2.0, "b")
    core.edit_marker(second.id, "", "", 3.0, deleted=True)
    third = core.add_marker(4.0, "c")
    assert third.id == 3  # not 2 again: the file's edit deleting 2 would hide it
    written = [x for x in sink.written if isinstance(x, (Marker, MarkerEdit))]
    markers = apply_marker_edits([x for x in written if isinstance(x, Marker)], [x for x in written if isinstance(x, MarkerEdit)])
    assert [m.label for m in markers] == ["a", "c"]


def test_without_a_recording_markers_go_to_the_annotation_sink_and_nothing_else_does():
    sink = Sink()
    core = SessionCore()
    core.annotation_sink = sink
    marker = core.add_marker(5.0, "sighed")
    core.edit_marker(marker.id, "long breath", "", 6.0)
    core.add_rating(Rating(6.0, "after", 1, 1, 5))
    core.on_event(Sample(7.0, 60, (1000.0,)), 7.0)
    core.replay_marker(Marker(1.0, "recorded", 7))  # already in the file: not written again
    assert [type(x).__name__ for x in sink.written] == ["Marker", "MarkerEdit"]
    assert core.add_marker(8.0).id == 8


def test_start_at_tells_the_listener_what_the_moment_showed(nsrdb_5min_rr):
    heard = []

    class Listener(SessionListener):
        def reset(self):
            heard.append("reset")

        def status_changed(self, status):
            heard.append(("status", status.state))

        def battery_changed(self, percent):
            heard.append(("battery", percent))

        def sample_received(self, sample):
            heard.append(("sample", sample.contact))

        def metrics_updated(self, metrics):
            heard.append(("metrics", metrics.t))

    times = np.cumsum(nsrdb_5min_rr) / 1000.0
    starts = np.zeros(len(times), dtype=bool)
    starts[0] = True
    core = SessionCore(LiveAnalyzer(), listener=Listener())
    trend = np.array([[100.0, 0.5], [101.0, 0.7]])
    state = RecordedState(
        beats=150,
        coherence=trend,
        status=Status(99.0, LinkState.STREAMING),
        battery=80,
        sample=Sample(120.0, 61, (), Contact.DETECTED),
        ratings=(Rating(0.0, "before", 5, 5, 3),),
        last_marker_id=9,
        beat_latency_s=0.4,
    )
    core.start_at(BeatHistory(times, nsrdb_5min_rr, starts), 200.0, [Marker(50.0, "a", 2), Marker(250.0, "later", 9)], None, 0.0, state)
    # the status and the notification in the order they came (the status at 99 s, the notification at 120 s)
    assert heard == ["reset", ("battery", 80), ("status", LinkState.STREAMING), ("sample", Contact.DETECTED), ("metrics", float(times[149]))]
    assert len(core.beats) == 150 and [m.label for m in core.markers] == ["a"]
    np.testing.assert_array_equal(np.column_stack(core.coherence_series()), trend)
    assert core.ratings == [Rating(0.0, "before", 5, 5, 3)] and core.beat_latency_s == 0.4
    assert core.add_marker(201.0).id == 10  # after every id in the file, not only those shown
