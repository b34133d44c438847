"""Beat times rebuilt from RR intervals; lost notifications become gaps, never invented beats."""

import numpy as np
import pytest

from biofeedback.core.samples import LinkState, Sample, Status
from biofeedback.core.timeline import BeatTimeline, rebuild
from biofeedback.storage.rr_text import rr_to_samples


def test_real_recording_round_trips_through_packets(nsrdb_5min_rr):
    timeline = rebuild(rr_to_samples(nsrdb_5min_rr))
    times, rr, segment_start = timeline.arrays()
    np.testing.assert_array_equal(rr, nsrdb_5min_rr)
    assert timeline.gaps == []
    assert segment_start.sum() == 1  # only the first beat starts a segment
    # rebuilt times follow the intervals (up to the glide towards the clock)
    assert np.median(np.abs(np.diff(times) * 1000 - rr[1:])) < 1.0
    # and stay within a notification of the true beat times
    true_times = np.cumsum(nsrdb_5min_rr) / 1000
    assert np.max(np.abs(times - true_times)) < 1.0


def test_lost_notification_becomes_a_gap_without_invented_beats(nsrdb_5min_rr):
    samples = rr_to_samples(nsrdb_5min_rr)
    lost = samples[100:103]
    kept = samples[:100] + samples[103:]
    timeline = rebuild(kept)
    times, rr, segment_start = timeline.arrays()
    lost_beats = sum(len(s.rr_ms) for s in lost)
    assert len(rr) == len(nsrdb_5min_rr) - lost_beats
    assert len(timeline.gaps) == 1
    gap = timeline.gaps[0]
    assert lost[0].t - 1.5 < gap.start < lost[0].t
    assert gap.duration == pytest.approx(sum(sum(s.rr_ms) for s in lost) / 1000, abs=1.0)
    first_after = int(np.searchsorted(times, gap.end, side="right"))
    assert segment_start[first_after]
    assert segment_start.sum() == 2


def test_single_lost_notifications_in_a_real_recording(nsrdb_60min_rr):
    """A lost notification is found whenever its beats cannot belong to a neighbouring one.

    A single lost beat can be indistinguishable from a strap that delays its intervals; those
    cases must still add no beat, and the rebuilt times must glide back to the clock.
    """
    samples = rr_to_samples(nsrdb_60min_rr)
    rng = np.random.default_rng(11)
    lost = sorted(rng.choice(np.arange(20, len(samples) - 20), size=40, replace=False))
    lost = [i for i in lost if samples[i].rr_ms]
    lost_set = set(lost)
    timeline = rebuild([s for i, s in enumerate(samples) if i not in lost_set])
    assert len(timeline) == len(nsrdb_60min_rr) - sum(len(samples[i].rr_ms) for i in lost)
    # every gap found is a real loss, at its place or within a few notifications after it
    for gap in timeline.gaps:
        assert any(samples[i].t - 2.5 < gap.start < samples[i].t + 6 for i in lost)
    # found: all losses of more than one beat-spacing, and most of the others
    assert len(timeline.gaps) >= 0.5 * len(lost)
    # rebuilt times never drift far from the truth
    times, _, _ = timeline.arrays()
    assert times[-1] == pytest.approx(np.sum(nsrdb_60min_rr) / 1000, abs=1.5)


def test_link_loss_status_breaks_the_timeline():
    timeline = BeatTimeline()
    timeline.add(Sample(1.0, 60, (1000.0,)))
    timeline.add(Sample(2.0, 60, (1000.0,)))
    timeline.add_event(Status(2.5, LinkState.RECONNECTING))
    batch = timeline.add(Sample(9.0, 60, (1000.0,)))
    assert batch.gap is not None
    assert batch.gap.start == pytest.approx(2.0)
    assert batch.gap.end == pytest.approx(8.0)
    assert batch.times == (pytest.approx(9.0),)


def test_implausible_intervals_are_artefacts_not_beats():
    timeline = BeatTimeline()
    # a Garmin HRM-Dual sends 1044 ms then 52 ms; straps also send 0 and 0xFFFF (64 s)
    batch = timeline.add(Sample(1.0, 57, (1044.0, 52.0)))
    assert batch.rr_ms == (1044.0,)
    assert batch.rejected_rr_ms == (52.0,)
    batch = timeline.add(Sample(2.0, 57, (0.0, 65535 * 1000 / 1024)))
    assert batch.times == ()
    assert len(timeline) == 1
    assert len(timeline.rejected_rr_ms) == 3


def test_fast_strap_clock_never_puts_beats_ahead_of_the_clock(nsrdb_60min_rr):
    samples = rr_to_samples(nsrdb_60min_rr)
    # the strap's crystal runs 500 ppm fast: its intervals read long against our clock
    drifted = [Sample(s.t, s.hr_bpm, tuple(r * (1 + 500e-6) for r in s.rr_ms)) for s in samples]
    timeline = BeatTimeline()
    for sample in drifted:
        batch = timeline.add(sample)
        assert all(t <= sample.t + 0.051 for t in batch.times)
    times, _, _ = timeline.arrays()
    assert np.all(np.diff(times) > 0)
    assert timeline.gaps == []


def test_slow_strap_clock_drift_is_absorbed_without_false_gaps():
    rng = np.random.default_rng(5)
    rr = rng.normal(850, 40, 5000)  # about 70 minutes
    samples = rr_to_samples(rr)
    # the strap's crystal runs 200 ppm slow: its intervals read short against our clock
    drifted = [Sample(s.t, s.hr_bpm, tuple(r * (1 - 200e-6) for r in s.rr_ms)) for s in samples]
    timeline = rebuild(drifted)
    assert timeline.gaps == []
    assert len(timeline) == len(rr)
    times, _, _ = timeline.arrays()
    true_end = np.sum(rr) / 1000
    assert times[-1] == pytest.approx(true_end, abs=1.0)


def test_plain_rr_series_builds_the_same_beats_as_its_packets(nsrdb_60min_rr):
    rr = np.concatenate([nsrdb_60min_rr[:100], [52.0, 0.0], nsrdb_60min_rr[100:]])
    direct = BeatTimeline.from_rr(rr)
    packed = rebuild(rr_to_samples(rr))
    for a, b in zip(direct.arrays(), packed.arrays()):
        assert a.shape == b.shape
    np.testing.assert_array_equal(direct.arrays()[1], packed.arrays()[1])
    np.testing.assert_allclose(direct.arrays()[0], packed.arrays()[0], atol=1.0)
    assert direct.rejected_rr_ms == packed.rejected_rr_ms == [52.0, 0.0]
    # in the file the rejected intervals are a gap, never a splice: the beat after them starts a
    # segment (from a strap, 52 ms of lost time is within the clock's tolerance: no gap shows)
    assert len(direct.gaps) == 1 and direct.gaps[0].duration == pytest.approx(0.052)
    assert direct.arrays()[2].tolist() == [True] + [False] * 99 + [True] + [False] * (len(nsrdb_60min_rr) - 101)


def test_a_pause_in_a_file_is_a_gap_at_its_own_time_not_a_splice(nsrdb_5min_rr):
    """MIT-BIH 208 has a 4.8-s pause between beats: no interval, and no successive difference, spans it."""
    rr = np.concatenate([nsrdb_5min_rr[:150], [4800.0], nsrdb_5min_rr[150:]])
    timeline = BeatTimeline.from_rr(rr)
    times, kept, starts = timeline.arrays()
    np.testing.assert_array_equal(kept, nsrdb_5min_rr)
    # every beat at the time the file puts it, the pause included
    np.testing.assert_allclose(times, np.delete(np.cumsum(rr), 150) / 1000.0)
    assert starts.tolist() == [True] + [False] * 149 + [True] + [False] * (len(nsrdb_5min_rr) - 151)
    (gap,) = timeline.gaps
    assert gap.start == pytest.approx(times[149])
    assert gap.duration == pytest.approx(4.8)
    assert timeline.rejected_rr_ms == [4800.0]


def test_the_pause_in_mitbih_208_is_a_gap():
    """The bundled MIT-BIH 208 excerpt has one interval over 3000 ms (the ECG saturates there)."""
    from biofeedback.resources import sample_stream

    rr = np.loadtxt(sample_stream("mitbih208_5min_rr_ms.txt"))
    timeline = BeatTimeline.from_rr(rr)
    times, kept, starts = timeline.arrays()
    pause = int(np.argmax(rr))
    assert rr[pause] > 3000.0 and len(kept) == len(rr) - 1
    (gap,) = timeline.gaps
    assert gap.duration == pytest.approx(rr[pause] / 1000.0)
    assert starts.sum() == 2 and starts[pause]
    assert times[pause] == pytest.approx(np.sum(rr[: pause + 2]) / 1000.0)  # the beat after it, on time


def test_beats_after_a_break_never_precede_earlier_beats():
    timeline = BeatTimeline()
    timeline.add(Sample(1.0, 60, (1000.0,)))
    timeline.add(Sample(1.2, 60, (900.0, 900.0)))  # notifications faster than their beats
    timeline.add_event(Status(1.3, LinkState.RECONNECTING))
    timeline.add(Sample(1.5, 60, (1000.0, 1000.0)))
    times, _, segment_start = timeline.arrays()
    assert np.all(np.diff(times) > 0)
    assert segment_start.tolist() == [True, False, False, True, False]
