"""LiveAnalyzer: the numbers the screens show while a session runs."""

from __future__ import annotations

import time

import numpy as np
import pytest

from biofeedback.core import coherence as coh
from biofeedback.core.live import LiveAnalyzer
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


def test_causal_artefacts_are_flagged_and_corrected(nsrdb_60min_rr):
    rr = nsrdb_60min_rr[:400].copy()
    rr[200] -= 300.0  # a premature beat ...
    rr[201] += 300.0  # ... and its compensatory pause
    times = np.cumsum(rr) / 1000.0
    analyzer = LiveAnalyzer()
    metrics = _feed(analyzer, times, rr)
    assert any(abs(t - times[200]) < 1e-6 for t in metrics[205].artifact_times)
    assert metrics[205].artifact_pct > 0
    clean = LiveAnalyzer()
    expected = _feed(clean, np.cumsum(nsrdb_60min_rr[:400]) / 1000.0, nsrdb_60min_rr[:400])
    assert metrics[230].rmssd_ms == pytest.approx(expected[230].rmssd_ms, rel=0.1)


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
