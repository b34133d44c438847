"""Coherence: the definition's predictions on a sine and on noise, and the level calibration on data."""

from __future__ import annotations

import numpy as np
import pytest

from biofeedback.core import coherence as coh
from biofeedback.core.pacer import PacerSettings
from biofeedback.core.simulator import Physiology, SimulatorParams


def _beats_of(hr_wave, seconds: float = 200.0):
    """Beat times and RR for a heart whose instantaneous RR follows ``hr_wave(t)`` (ms)."""
    t, times, rr = 0.0, [], []
    while t < seconds:
        r = float(hr_wave(t))
        t += r / 1000.0
        times.append(t)
        rr.append(r)
    return np.array(times), np.array(rr)


def _every_beat(times, rr):
    out = []
    for i in range(len(times)):
        result = coh.coherence(times[: i + 1], rr[: i + 1])
        if result is not None:
            out.append(result.ratio)
    return np.array(out)


@pytest.mark.parametrize("freq", [0.06, 0.1, 0.2])
@pytest.mark.parametrize("amplitude", [5.0, 50.0])
def test_pure_sine_is_coherent_whatever_its_amplitude(freq, amplitude):
    times, rr = _beats_of(lambda t: 900.0 + amplitude * np.sin(2 * np.pi * freq * t))
    result = coh.coherence(times, rr)
    assert result.peak_hz == pytest.approx(freq, abs=coh.RESAMPLE_HZ / coh.NFFT)
    # Predicted from the definition alone: all power is one Hann main lobe (64 s), and the
    # window keeps the part within +-0.015 Hz (on our grid: 15 bins of 4/2048 Hz, +-0.0146 Hz).
    df = 4.0 / 2**17
    window = np.hanning(256 + 1)[:-1]
    spectrum = np.abs(np.fft.fft(window, 2**17)) ** 2
    half = int(7.5 * (4.0 / 2048) / df)
    inside = spectrum[: half + 1].sum() * 2 - spectrum[0]
    predicted = inside / (spectrum.sum() - inside)
    assert result.ratio == pytest.approx(predicted, rel=0.1)
    assert coh.level(result.ratio) == "high"


def test_white_noise_is_incoherent():
    rng = np.random.default_rng(5)
    ratios = []
    for _ in range(40):
        times = np.arange(1, 80, 1.0)
        ratios.append(coh.coherence(times, 900.0 + 40.0 * rng.standard_normal(len(times))).ratio)
    # A flat spectrum puts 0.030 / (0.3967 - 0.030) = 0.08 of its power in any peak window;
    # choosing the highest peak of a noisy spectrum raises that a little.
    assert 0.08 <= np.median(ratios) <= 0.4
    assert all(coh.level(r) == "low" for r in ratios)


def test_real_resting_recordings_sit_mostly_low(nsrdb_5min_rr, nsrdb_60min_rr):
    for rr in (nsrdb_5min_rr, nsrdb_60min_rr[:1500]):
        ratios = _every_beat(np.cumsum(rr) / 1000.0, rr)
        assert np.mean(ratios < coh.LOW_BELOW) >= 0.9
        assert np.mean(ratios >= coh.HIGH_FROM) == 0.0


@pytest.mark.parametrize("seed,resonance", [(0, 5.5), (1, 4.5), (2, 6.5)])
def test_demo_at_resonance_breathing_sits_mostly_high(seed, resonance):
    person = Physiology(SimulatorParams(resonance_bpm=resonance, seed=seed))
    person.follow(PacerSettings.from_rate(resonance), 0.0)
    beats = np.array(person.advance(400.0))
    rr = np.round(beats[:, 1] * 1.024) / 1.024  # strap resolution 1/1024 s
    ratios = _every_beat(beats[:, 0], rr)
    assert np.mean(ratios >= coh.HIGH_FROM) >= 0.8


def test_demo_breathing_freely_sits_mostly_low():
    beats = np.array(Physiology(SimulatorParams(seed=3)).advance(400.0))
    ratios = _every_beat(beats[:, 0], beats[:, 1])
    assert np.mean(ratios < coh.LOW_BELOW) >= 0.9


def test_needs_64_seconds():
    times, rr = _beats_of(lambda t: 1000.0 + 20 * np.sin(t), 62.5)
    assert times[-1] < 64.0
    assert coh.coherence(times, rr) is None
    times, rr = _beats_of(lambda t: 1000.0, 70.0)
    assert coh.level(coh.coherence(times, rr).ratio) is None  # no variability: undefined


def test_batch_series_matches_single_windows(nsrdb_60min_rr):
    from biofeedback.core import hrv

    rr = nsrdb_60min_rr[:600]
    times = np.cumsum(rr) / 1000.0
    resampled = hrv.resample_rr(times, rr, coh.RESAMPLE_HZ)
    series = coh.coherence_series(resampled, 40)
    for k in (0, 3, 7):
        t_end = times[0] + (255 + 40 * k) / coh.RESAMPLE_HZ
        grid = coh.window_grid(t_end)
        single = coh.ratio_from_psd(coh.periodogram(hrv.cubic_spline(times, rr, grid)))[0]
        assert series[k] == pytest.approx(single, rel=1e-6)


def test_a_steady_heart_has_undefined_coherence_live_and_in_analyze():
    """One ratio function, one undefined case: no variability is no coherence, in both paths."""
    from biofeedback.core.live import LiveAnalyzer
    from biofeedback.core.summary import analyze
    from biofeedback.core.timeline import BeatTimeline

    rr = np.full(300, 1000.0)
    timeline = BeatTimeline.from_rr(rr)
    report = analyze(timeline)
    assert report["coherence_windows"] > 0
    assert report["coherence_mean"] is None and report["coherence_high_pct"] is None
    analyzer = LiveAnalyzer()
    last = [analyzer.update([t], [r]) for t, r in zip(np.cumsum(rr) / 1000.0, rr)][-1]
    assert last.coherence is None and last.coherence_level is None
    # rounding noise of a steady series is far below the limit, a real heart's variability far above
    ratio, _, _, total = coh.ratios(coh.periodogram(np.full(256, 1000.0) + 1e-9 * np.arange(256) ** 2))
    assert np.isnan(ratio[0]) and total[0] < coh.MIN_TOTAL_POWER_MS2
