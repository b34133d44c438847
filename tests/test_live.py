"""LiveAnalyzer: the numbers the screens show while a session runs."""

from __future__ import annotations

import time

import numpy as np
import pytest

from biofeedback.core import artifacts
from biofeedback.core import coherence as coh
from biofeedback.core.live import HISTORY_S, RMSSD_WINDOW_S, LiveAnalyzer
from biofeedback.core.summary import analyze
from biofeedback.core.timeline import BeatTimeline
from biofeedback.resources import sample_stream
from biofeedback.core.pacer import PacerSettings
from biofeedback.core.simulator import Physiology, SimulatorParams


def _feed(analyzer, times, rr, start_new=()):
    out = []
    for i, (t, r) in enumerate(zip(times, rr)):
        out.append(analyzer.update([t], [r], new_segment=i in start_new))
    return out


def _sine_hr(freq=0.1, mean_hr=60.0, swing=10.0, seconds=200.0):
    t, times, rr = 0.0, [], []
    while t < seconds:
        hr = mean_hr + swing / 2 * np.sin(2 * np.pi * freq * t)
        r = 60000.0 / hr
        t += r / 1000.0
        times.append(t)
        rr.append(r)
    return np.array(times), np.array(rr)


def test_resonance_breathing_with_the_pacer():
    pacer = PacerSettings.from_rate(5.5)
    person = Physiology(SimulatorParams(resonance_bpm=5.5, seed=1))
    person.follow(pacer, 0.0)
    beats = np.array(person.advance(300.0))
    analyzer = LiveAnalyzer(pacer)
    metrics = _feed(analyzer, beats[:, 0], np.round(beats[:, 1] * 1.024) / 1.024)
    early = [m for m in metrics if m.t < 60.0]
    assert all(m.coherence is None for m in early)
    late = [m for m in metrics if m.t > 80.0]
    assert all(m.coherence is not None for m in late)  # every beat once 64 s exist
    assert np.mean([m.coherence_level == "high" for m in late]) >= 0.8
    assert np.median([m.breathing_compliance for m in late]) >= 0.5
    assert np.median([m.hr_swing_bpm for m in late]) >= 10.0
    assert all(m.artifact_pct == 0.0 for m in late)
    assert late[-1].spectrum_hz is not None and late[-1].spectrum_hz[-1] <= coh.TOTAL_BAND_HZ[1]


def test_compliance_is_low_when_the_person_ignores_the_pacer():
    beats = np.array(Physiology(SimulatorParams(seed=2)).advance(300.0))  # breathing freely, 12-16/min
    analyzer = LiveAnalyzer(PacerSettings.from_rate(6.0))
    late = [m for m in _feed(analyzer, beats[:, 0], beats[:, 1]) if m.t > 80.0]
    assert np.median([m.breathing_compliance for m in late]) < 0.3
    assert np.mean([m.coherence_level == "low" for m in late]) >= 0.9


def test_swing_is_peak_to_trough_of_one_breath():
    times, rr = _sine_hr(swing=12.0)
    analyzer = LiveAnalyzer(PacerSettings.from_rate(6.0))
    m = _feed(analyzer, times, rr)[-1]
    assert m.hr_swing_bpm == pytest.approx(12.0, abs=1.0)
    assert m.rmssd_ms is not None


def test_smoothed_hr_follows_the_breath_wave_without_lag_and_calms_jitter():
    times, rr = _sine_hr(freq=0.1, swing=10.0, seconds=300.0)
    analyzer = LiveAnalyzer()
    shown = np.array([m.hr_bpm for m in _feed(analyzer, times, rr)])
    keep = times > 60.0
    truth = 60.0 + 5.0 * np.sin(2 * np.pi * 0.1 * times)
    lags = np.arange(0.0, 3.0, 0.05)

    def lag_of(series):
        errors = [np.mean((np.interp(times[keep] - lag, times, truth) - series[keep]) ** 2) for lag in lags]
        return lags[int(np.argmin(errors))]

    # Beat-to-beat HR itself trails the wave (an RR interval is the mean over the beat before);
    # the smoother adds at most 0.6 s to that: under a tenth of a 10-s breath.
    assert lag_of(shown) - lag_of(60000.0 / rr) <= 0.6
    amplitude = (shown[keep].max() - shown[keep].min()) / 10.0
    assert amplitude >= 0.8

    rng = np.random.default_rng(0)
    jitter_rr = 1000.0 + rng.normal(0.0, 15.0, 400)
    jitter_times = np.cumsum(jitter_rr) / 1000.0
    shown = np.array([m.hr_bpm for m in _feed(LiveAnalyzer(), jitter_times, jitter_rr)])[50:]
    raw = 60000.0 / jitter_rr[50:]
    assert np.std(shown) <= 0.75 * np.std(raw)


def _window_rmssd(times, rr, t_end):
    """RMSSD of the beats of the live window ending at ``t_end`` (as LiveAnalyzer takes it)."""
    last = int(np.searchsorted(times, t_end, side="right"))
    times, rr = times[:last], rr[:last]
    diffs = np.diff(rr[int(np.searchsorted(times, times[-1] - RMSSD_WINDOW_S)) :])
    return float(np.sqrt(np.mean(diffs * diffs)))


def test_causal_artefacts_are_flagged_and_corrected_as_the_batch_corrects_them(nsrdb_60min_rr):
    rr = nsrdb_60min_rr[:400].copy()
    rr[200] -= 300.0  # a premature beat ...
    rr[201] += 300.0  # ... and its compensatory pause
    times = np.cumsum(rr) / 1000.0
    metrics = _feed(LiveAnalyzer(), times, rr)
    assert any(abs(t - times[200]) < 1e-6 for t in metrics[208].artifact_times)
    assert metrics[208].artifact_pct > 0
    starts = np.zeros(len(rr), dtype=bool)
    starts[0] = True
    batch = artifacts.correct(times, rr, starts)
    # measured: live 49.3 ms, batch over the same window 52.1 ms, the recording without the
    # premature beat 43.2 ms; uncorrected 91.5 ms
    assert metrics[230].rmssd_ms == pytest.approx(_window_rmssd(batch.times_s, batch.rr_ms, times[230]), rel=0.08)
    assert metrics[230].rmssd_ms < 0.7 * _window_rmssd(times, rr, times[230])


def test_a_gap_restarts_what_needs_continuity(nsrdb_60min_rr):
    rr = nsrdb_60min_rr[:300]
    times = np.cumsum(rr) / 1000.0
    times[150:] += 30.0
    metrics = _feed(LiveAnalyzer(), times, rr, start_new={150})
    assert metrics[149].coherence is not None
    assert metrics[150].coherence is None and metrics[150].rmssd_ms is None
    assert metrics[-1].coherence is not None


def test_long_sessions_keep_working():
    times, rr = _sine_hr(seconds=3 * 3600.0)
    analyzer = LiveAnalyzer()
    last = _feed(analyzer, times, rr)[-1]
    assert last.coherence is not None and last.t == pytest.approx(times[-1])


def test_update_is_fast(nsrdb_60min_rr):
    rr = nsrdb_60min_rr[:1200]
    times = np.cumsum(rr) / 1000.0
    analyzer = LiveAnalyzer(PacerSettings.from_rate(6.0))
    _feed(analyzer, times[:200], rr[:200])
    start = time.perf_counter()
    _feed(analyzer, times[200:], rr[200:])
    per_beat = (time.perf_counter() - start) / 1000
    assert per_beat < 1e-3  # bench/bench_live.py measures about 0.1 ms


def test_a_missed_beat_is_marked_on_arrival_and_stays_marked_once_confirmed(nsrdb_60min_rr):
    rr = nsrdb_60min_rr[:300]
    bad = np.concatenate([rr[:200], [rr[200] + rr[201]], rr[202:]])  # the strap missed one beat
    times = np.cumsum(bad) / 1000.0
    metrics = _feed(LiveAnalyzer(), times, bad)
    assert metrics[200].newest_suspect  # provisional, on arrival
    for m in metrics[200:210]:
        assert times[200] in m.artifact_times  # never flickers off while it is judged
    assert not metrics[203].newest_suspect
    # once split in two, the heart rate shown is the true one, not half of it
    truth = _feed(LiveAnalyzer(), np.cumsum(rr) / 1000.0, rr)
    assert metrics[204].hr_bpm == pytest.approx(truth[205].hr_bpm, rel=0.05)
    assert min(m.hr_bpm for m in metrics[195:210]) > 0.8 * min(m.hr_bpm for m in truth[195:210])


def test_a_perfectly_steady_heart_has_no_coherence_value():
    times = np.arange(1, 200, 1.0)
    last = _feed(LiveAnalyzer(), times, np.full(len(times), 1000.0))[-1]
    assert last.coherence is None and last.coherence_level is None
    assert last.hr_bpm == pytest.approx(60.0) and last.rmssd_ms == 0.0


def test_premature_beats_do_not_jolt_the_displayed_heart_rate_or_swing():
    """A premature beat and its pause are judged two beats later; until then they move nothing."""
    from biofeedback.core.simulator import Physiology, SimulatorParams

    def run(ectopic: float) -> tuple[np.ndarray, np.ndarray]:
        person = Physiology(SimulatorParams(ectopic_rate=ectopic, seed=4))
        person.follow(PacerSettings.from_rate(6.0), 0.0)
        analyzer = LiveAnalyzer(PacerSettings.from_rate(6.0))
        hr, swing = [], []
        for t, rr in person.advance(600.0):
            m = analyzer.update([t], [rr])
            if m.hr_bpm is not None:
                hr.append(m.hr_bpm)
            if m.hr_swing_bpm is not None:
                swing.append(m.hr_swing_bpm)
        return np.array(hr), np.array(swing)

    clean_hr, clean_swing = run(0.0)
    hr, swing = run(0.03)  # about 20 premature beats, same person otherwise
    assert swing.max() < 1.15 * clean_swing.max()
    assert hr.max() < clean_hr.max() + 4.0
    assert hr.min() > clean_hr.min() - 4.0


BUNDLED = ["nsrdb_5min_rr_ms.txt", "nsrdb_60min_rr_ms.txt", "heartpy_ppg_11min_rr_ms.txt", "mitbih208_5min_rr_ms.txt"]


def _same(a, b) -> bool:
    """Two LiveMetrics equal field by field, numbers to 1e-9."""
    for field in a.__dataclass_fields__:
        x, y = getattr(a, field), getattr(b, field)
        if x is None or y is None or isinstance(x, (str, bool)):
            if x != y:
                return False
        elif not np.allclose(np.asarray(x, dtype=float), np.asarray(y, dtype=float), rtol=1e-9, atol=1e-9):
            return False
    return True


@pytest.mark.parametrize("name", BUNDLED)
def test_an_analyser_primed_mid_recording_continues_exactly_as_one_that_ran_from_the_start(name):
    """Review starts the live analysis at the playhead: it must show what a full replay would."""
    rr = np.loadtxt(sample_stream(name))
    if name == "nsrdb_60min_rr_ms.txt":
        rr = rr[:2600]  # past the buffer's first compaction (2048 beats), quick enough
    timeline = BeatTimeline.from_rr(np.concatenate([rr[:150], [4500.0], rr[150:]]))  # and a gap
    times, beats, starts = timeline.arrays()
    pacer = PacerSettings.from_rate(6.0)
    full = LiveAnalyzer(pacer)
    reference = [full.update([t], [r], bool(s)) for t, r, s in zip(times, beats, starts)]
    for k in (40, 152, 300, len(beats) - 200, len(beats) - 30):
        primed = LiveAnalyzer(pacer)
        primed.prime(times[:k], beats[:k], starts[:k])
        for i in range(k, len(beats)):
            got = primed.update([times[i]], [beats[i]], bool(starts[i]))
            assert _same(got, reference[i]), (name, k, i)


def test_priming_a_day_of_history_is_fast(nsrdb_60min_rr):
    day = np.tile(nsrdb_60min_rr, 24)
    times = np.cumsum(day) / 1000.0
    starts = np.zeros(len(day), dtype=bool)
    starts[0] = True
    analyzer = LiveAnalyzer()
    begin = time.perf_counter()
    analyzer.prime(times, day, starts)
    assert time.perf_counter() - begin < 0.05
    assert HISTORY_S >= 120.0


@pytest.mark.parametrize("name", BUNDLED)
def test_live_metrics_match_the_batch_analysis_of_each_bundled_recording(name):
    """The live path and ``analyze`` share the rules, the correction and the coherence ratio.

    Each recording streams through LiveAnalyzer beat by beat; on every beat from 90 s on, its
    RMSSD (last 60 s) and coherence (last 64 s) are compared with the same windows of the beats
    ``analyze`` corrected. The causal detector sees no future beats (trailing thresholds), so a
    few beats are judged differently: the bounds are the measured agreement with a margin. A
    change to either path alone (a correction branch, the passes, the coherence ratio) breaks it:
    the second half of the stream carries injected artefacts of every kind.
    """
    rr = np.loadtxt(sample_stream(name))
    half = len(rr) // 2
    rng = np.random.default_rng(1)
    injected = list(rr[:half])
    for i in range(half, len(rr)):
        roll = rng.uniform()
        if roll < 0.01 and rr[i] > 700.0:  # an extra beat: the interval split (both parts plausible)
            injected += [0.45 * rr[i], 0.55 * rr[i]]
        elif roll < 0.02 and i + 1 < len(rr):  # a missed beat: two intervals as one
            injected[-1] += rr[i]
        elif roll < 0.03:  # a premature beat, with its compensatory pause
            injected += [0.7 * rr[i], 1.3 * rr[i]]
        else:
            injected.append(rr[i])
    timeline = BeatTimeline.from_rr(np.array(injected))
    report = analyze(timeline)
    times, beats, starts = timeline.arrays()
    batch = artifacts.correct(times, beats, starts)
    assert report["artifacts"] == batch.report.count and report["rmssd_ms"] == pytest.approx(
        float(np.sqrt(np.mean(np.diff(batch.rr_ms)[~batch.segment_start[1:]] ** 2))), abs=1e-3
    )

    analyzer = LiveAnalyzer()
    rmssd_error, coherence_error, coherence = [], [], []
    for t, r, s in zip(times, beats, starts):
        m = analyzer.update([t], [r], bool(s))
        if m.coherence is not None:
            coherence.append(m.coherence)
        if m.t < 90.0 or m.rmssd_ms is None:
            continue
        last = int(np.searchsorted(batch.times_s, m.t, side="right"))
        expected = coh.coherence(batch.times_s[:last], batch.rr_ms[:last])
        rmssd_error.append(abs(m.rmssd_ms / _window_rmssd(batch.times_s, batch.rr_ms, m.t) - 1.0))
        if m.coherence is not None and expected is not None:
            coherence_error.append(abs(m.coherence / expected.ratio - 1.0))
    # measured (median, 90th percentile of |live / batch - 1|): RMSSD NSRDB 5 min 8.0 %, 36 %;
    # wrist 11 min 1.3 %, 26 %; NSRDB 60 min 0.8 %, 8.5 %; MIT-BIH 208 6.6 %, 35 %. Coherence
    # (medians): 6.2 %, 0.5 %, 0.4 %, 11 %. The 5-minute NSRDB recording has a strong breathing
    # rhythm whose size changes within a minute, 208 frequent premature beats: the trailing
    # thresholds judge a few beats that the centred ones see with the next 45 beats in view.
    assert np.median(rmssd_error) < 0.12
    assert np.percentile(rmssd_error, 90) < 0.45
    assert np.median(coherence_error) < 0.15
    # the final metrics: the last window of the recording (measured 9.1 %, 15.9 %, 0.0 %, 1.7 %)
    assert rmssd_error[-1] < 0.2
    # and the session's coherence as analyze reports it (windows every 10 s) against the mean of
    # the live values (every beat): measured 0.292 / 0.308, 0.983 / 0.974, 0.442 / 0.438,
    # 0.311 / 0.289
    assert np.mean(coherence) == pytest.approx(report["coherence_mean"], rel=0.1)
