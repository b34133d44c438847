"""Review: a seek shows exactly what the live session showed at that moment, without replaying
from the start; play, pause, speed and markers; annotations appended, never rewritten."""

from __future__ import annotations

import numpy as np
import pytest

from biofeedback.core.live import LiveAnalyzer
from biofeedback.core.review import SPEEDS, CoherenceTrack, Playhead, ReviewRecording, ReviewSession
from biofeedback.core.session import SessionCore, SessionListener, pacer_from_record
from biofeedback.storage.session_file import SessionAppender, read_session
from recorded import record_demo


@pytest.fixture(scope="module")
def recorded(tmp_path_factory):
    return record_demo(tmp_path_factory.mktemp("review") / "session.bfs")


class Snapshot:
    """What the screens could show at one moment: metrics, plot series, pacer, markers."""

    def __init__(self, core: SessionCore) -> None:
        m = core.metrics
        self.metrics = None if m is None else {k: getattr(m, k) for k in m.__slots__}
        self.hr = core.heart_rate_series()
        self.rr = core.tachogram_series()
        self.connect = core.beat_connect()
        self.coherence = core.coherence_series()
        self.pacer = (core.pacer, core.pacer_start)
        self.markers = [(x.t, x.id, x.label) for x in core.markers]
        self.status = core.status
        self.beats = core.beat_count
        self.latency = core.beat_latency_s
        self.ratings = list(core.ratings)

    def assert_equal(self, other: Snapshot, what: str) -> None:
        if self.metrics is None or other.metrics is None:
            assert self.metrics is other.metrics, what
        else:
            for key, value in self.metrics.items():
                theirs = other.metrics[key]
                if isinstance(value, np.ndarray) or isinstance(theirs, np.ndarray):
                    np.testing.assert_array_equal(value, theirs, err_msg=f"{what}: {key}")
                else:
                    assert value == theirs, f"{what}: {key}"
        for name in ("hr", "rr", "coherence"):
            for mine, theirs in zip(getattr(self, name), getattr(other, name)):
                np.testing.assert_array_equal(mine, theirs, err_msg=f"{what}: {name}")
        np.testing.assert_array_equal(self.connect, other.connect, err_msg=what)
        assert (self.pacer, self.markers, self.status, self.beats, self.latency, self.ratings) == (
            other.pacer,
            other.markers,
            other.status,
            other.beats,
            other.latency,
            other.ratings,
        ), what


def live_run(data) -> tuple[np.ndarray, list[Snapshot]]:
    """The recording run live through a fresh session core, in file order: what the screens had
    after each event (and when)."""
    core = SessionCore(LiveAnalyzer(None), pacer=None)
    items = [(t, 0, ("pacer", s)) for t, s in data.pacer_changes]
    items += [(e.t, 1, ("event", e)) for e in data.events]
    items += [(r.t, 2, ("rating", r)) for r in data.ratings]
    items += [(m.t, 3, ("marker", m)) for m in data.markers]
    items.sort(key=lambda x: (x[0], x[1]))
    times, shots = [], []
    for t, _, (kind, payload) in items:
        if kind == "pacer":
            core.set_pacer(pacer_from_record(payload), t)
        elif kind == "event":
            core.on_event(payload, payload.t)
        elif kind == "rating":
            core.add_rating(payload)
        else:
            core.replay_marker(payload)
        times.append(t)
        shots.append(Snapshot(core))
    return np.array(times), shots


def review_of(path) -> ReviewSession:
    recording = ReviewRecording.from_session(read_session(path))
    session = ReviewSession(recording, SessionCore(LiveAnalyzer(None), pacer=None))
    while session.track.step(500):  # the background pass, done at once here
        pass
    return session


def test_after_any_seek_the_screens_show_what_they_showed_live(recorded):
    times, live = live_run(read_session(recorded))
    review = review_of(recorded)
    rng = np.random.default_rng(5)
    for t in [0.0, 0.5, 30.0, 64.2, 95.0, 149.0, 152.0, 160.0, 200.0, 200.3, 419.9, 420.0, *rng.uniform(0, 420, 25)]:
        review.seek(t)
        i = int(np.searchsorted(times, t, side="right")) - 1
        Snapshot(review.core).assert_equal(live[i], f"seek to {t:.2f} s")


def test_playing_on_after_a_seek_goes_on_exactly_as_live(recorded):
    times, live = live_run(read_session(recorded))
    review = review_of(recorded)
    review.seek(100.0)
    for t in np.arange(100.0, 420.0, 7.3):  # ticks of a playing review, across the drop and the pacer change
        review.advance(float(t))
        i = int(np.searchsorted(times, t, side="right")) - 1
        Snapshot(review.core).assert_equal(live[i], f"played to {t:.1f} s")


def test_a_seek_does_not_replay_from_the_start(recorded, monkeypatch):
    review = review_of(recorded)
    fed = []
    real = LiveAnalyzer.update
    monkeypatch.setattr(LiveAnalyzer, "update", lambda self, times, *a, **k: fed.append(len(times)) or real(self, times, *a, **k))
    review.seek(400.0)
    assert sum(fed) <= 1  # primed from the beats before the playhead (the last one as it arrived), nothing replayed


def test_a_trend_not_computed_yet_fills_in_to_what_live_showed(recorded):
    times, live = live_run(read_session(recorded))
    recording = ReviewRecording.from_session(read_session(recorded))
    review = ReviewSession(recording, SessionCore(LiveAnalyzer(None), pacer=None), trend_window_s=120.0)
    review.seek(380.0)  # nothing computed yet
    assert review.trend_incomplete and len(review.core.coherence_series()[0]) <= 1
    i = int(np.searchsorted(times, 380.0, side="right")) - 1
    live_t, live_c = live[i].coherence
    steps = 0
    while not review.fill_coherence(10):
        steps += 1
    # first what the screens show (the last 120 s here), exactly as live
    t, c = review.core.coherence_series(since=380.0 - 120.0)
    shown = live_t >= t[0]
    np.testing.assert_array_equal(t, live_t[shown])
    np.testing.assert_array_equal(c, live_c[shown])
    assert review.trend_incomplete and steps < 20  # about 120 updates, not the 380 before the playhead
    while review.trend_incomplete:
        review.fill_coherence(10)
    for mine, theirs in zip(review.core.coherence_series(), live[i].coherence):
        np.testing.assert_array_equal(mine, theirs)


def test_the_track_starts_where_the_playhead_needs_it(recorded):
    recording = ReviewRecording.from_session(read_session(recorded))
    track = CoherenceTrack(recording)
    end = recording.batches_until(recording.items_until(300.0))
    track.focus((end - 50, end))
    track.step(50)
    assert track.complete_between(end - 50, end) and not track.known[: end - 50].any()
    while track.step(1000):
        pass
    assert track.complete


def test_markers_jump_and_are_added_and_relabelled_in_review_append_only(recorded, tmp_path):
    path = tmp_path / "copy.bfs"
    path.write_bytes(recorded.read_bytes())
    data = read_session(path)
    heard = []

    class Listener(SessionListener):
        def marker_added(self, marker):
            heard.append(("added", marker.label))

        def marker_changed(self, marker, edit):
            heard.append(("changed", edit.label))

    core = SessionCore(LiveAnalyzer(None), pacer=None, listener=Listener())
    review = ReviewSession(ReviewRecording.from_session(data), core, SessionAppender(path, data.latest_t))
    assert review.next_marker(0.0).label == "phone rang"
    assert review.next_marker(95.0).label == "eyes closed"
    assert review.previous_marker(96.0) is None  # within 1.5 s: go to the one before, none here
    assert review.previous_marker(270.0).label == "eyes closed"
    review.seek(120.0)
    added = core.add_marker(review.position, "sighed")  # as the window's marker key does
    assert added.id == 3 and [m.label for m in review.markers] == ["phone rang", "sighed", "eyes closed"]
    review.edit_marker(2, "eyes closed, calmer")  # still ahead of the playhead
    review.edit_marker(1, "door bell")  # on screen
    assert [m.label for m in core.markers] == ["door bell", "sighed"]
    review.advance(300.0)  # the relabelled marker appears with its new label
    assert heard[-1] == ("added", "eyes closed, calmer")
    review.seek(50.0)
    review.seek(130.0)  # a seek keeps what was added
    assert [m.label for m in core.markers] == ["door bell", "sighed"]
    again = read_session(path)
    assert again.skipped_lines == again.backwards_events == 0
    assert [(m.t, m.id, m.label) for m in again.markers] == [(95.0, 1, "door bell"), (120.0, 3, "sighed"), (260.0, 2, "eyes closed, calmer")]
    assert path.read_bytes().startswith(recorded.read_bytes())


def test_the_playhead_plays_pauses_seeks_and_changes_speed():
    head = Playhead(10.0, 100.0)
    assert head.position(0.0) == 10.0 and not head.playing
    head.play(0.0)
    assert head.position(5.0) == 15.0
    head.set_speed(16.0, 5.0)
    assert head.position(6.0) == 31.0
    head.pause(6.0)
    assert head.position(60.0) == 31.0
    assert head.seek(500.0, 60.0) == 100.0 and head.at_end(60.0)
    head.play(61.0)  # at the end, play starts again
    head.set_speed(0.25, 61.0)
    assert head.position(65.0) == 11.0
    with pytest.raises(ValueError):
        head.set_speed(32.0, 65.0)
    assert SPEEDS[0] == 0.25 and SPEEDS[-1] == 16.0


def test_the_overview_shows_heart_rate_coherence_and_the_gap(recorded):
    recording = ReviewRecording.from_session(read_session(recorded))
    ov = recording.overview
    assert ov.start_s == 0.0 and ov.end_s == pytest.approx(420.0, abs=1.0)
    assert np.nanmin(ov.hr_low) > 40 and np.nanmax(ov.hr_high) < 120
    gap = recording.gaps[0]
    inside = (ov.bin_t > gap.start + 1) & (ov.bin_t < gap.end - 1)
    assert inside.any() and np.isnan(ov.hr_mean[inside]).all()
    assert (ov.level[ov.level_t > 200] == 2).mean() > 0.5  # the demo person at resonance: mostly coherent
