"""HRV metrics against neurokit2 (configured to the same settings) and published reference values."""

from __future__ import annotations

import numpy as np
import pytest

from biofeedback.core import hrv
from biofeedback.resources import sample_stream

nk = pytest.importorskip("neurokit2")


def _one_segment(n: int) -> np.ndarray:
    starts = np.zeros(n, dtype=bool)
    starts[0] = True
    return starts


@pytest.fixture(params=["nsrdb_5min_rr_ms.txt", "nsrdb_60min_rr_ms.txt", "heartpy_ppg_11min_rr_ms.txt"])
def recording(request):
    """Real recordings (sample_streams/README.md), one segment each."""
    rr = np.loadtxt(sample_stream(request.param))
    return np.cumsum(rr) / 1000.0, rr, _one_segment(len(rr))


def test_spline_matches_scipy_not_a_knot():
    from scipy.interpolate import interp1d

    rng = np.random.default_rng(3)
    for n in (4, 5, 9, 160, 161, 162, 1001, 20_000):
        x = np.cumsum(rng.uniform(0.3, 1.5, n))
        y = rng.normal(800.0, 60.0, n)
        grid = np.arange(x[0] - 1.0, x[-1] + 1.0, 0.25)
        expected = interp1d(x, y, kind="cubic", bounds_error=False, fill_value=(y[0], y[-1]))(grid)
        np.testing.assert_allclose(hrv.cubic_spline(x, y, grid), expected, rtol=0, atol=1e-8)


def test_welch_matches_scipy():
    from scipy.signal import welch

    x = np.random.default_rng(4).normal(size=3000)
    f, p, count = hrv.welch(x, 4.0, 512)
    fs, ps = welch(x, fs=4.0, window="hann", nperseg=512, nfft=1024, detrend=False, scaling="density")
    np.testing.assert_allclose(f, fs)
    np.testing.assert_allclose(p, ps, rtol=1e-10)
    assert count == (3000 - 512) // 256 + 1


def test_time_domain_and_poincare_match_neurokit(recording):
    times, rr, starts = recording
    ours = {**hrv.time_domain(rr, starts), **hrv.poincare(rr, starts)}
    t = nk.hrv_time({"RRI": rr, "RRI_Time": times})
    # The Poincaré part of nk.hrv_nonlinear (the whole function also runs entropies: a minute on 60 min).
    from neurokit2.hrv.hrv_nonlinear import _hrv_nonlinear_poincare

    nl = _hrv_nonlinear_poincare(rr, out={})
    n = len(rr)
    expected = {
        "mean_rr_ms": t["HRV_MeanNN"][0],
        "sdnn_ms": t["HRV_SDNN"][0],
        "rmssd_ms": t["HRV_RMSSD"][0],
        # neurokit2 divides NN50 by the number of intervals; we divide by the number of differences.
        "pnn50_pct": t["HRV_pNN50"][0] * n / (n - 1),
        "sd1_ms": nl["SD1"],
        "sd2_ms": nl["SD2"],
    }
    for key, value in expected.items():
        assert ours[key] == pytest.approx(value, rel=1e-3), key
    assert ours["mean_hr_bpm"] == pytest.approx(60000.0 / expected["mean_rr_ms"], rel=1e-9)


def test_dfa_alpha1_matches_neurokit(recording):
    _, rr, starts = recording
    expected, _ = nk.fractal_dfa(rr, scale=np.arange(4, 17), overlap=False)
    assert hrv.dfa_alpha1(rr, starts) == pytest.approx(expected, rel=1e-3)


def test_frequency_domain_matches_neurokit(recording):
    times, rr, starts = recording
    ours = hrv.frequency_domain(hrv.spectrum(times, rr, starts))
    resampled, _, rate = nk.intervals_process(rr, intervals_time=times, interpolate=True, interpolation_rate=4, method="cubic")
    resampled = nk.signal_detrend(resampled, method="polynomial", order=1)
    power = nk.signal_power(
        resampled, frequency_band=[hrv.LF_BAND_HZ, hrv.HF_BAND_HZ], sampling_rate=rate, method="welch", normalize=False, window=256
    )
    lf, hf = power.iloc[0, 0], power.iloc[0, 1]
    assert ours["lf_ms2"] == pytest.approx(lf, rel=0.02)
    assert ours["hf_ms2"] == pytest.approx(hf, rel=0.02)
    assert ours["lf_hf"] == pytest.approx(lf / hf, rel=0.02)


def test_reference_values_of_the_5_minute_recording(nsrdb_5min_rr):
    """Published in sample_streams/README.md from neurokit2, pyhrv, hrv-analysis and heartpy."""
    m = hrv.time_domain(nsrdb_5min_rr, _one_segment(len(nsrdb_5min_rr)))
    assert m["rmssd_ms"] == pytest.approx(101.301, abs=0.001)
    assert m["sdnn_ms"] == pytest.approx(95.690, abs=0.001)
    assert m["mean_hr_bpm"] == pytest.approx(67.495, abs=0.001)
    assert m["pnn50_pct"] == pytest.approx(48.512, abs=0.001)
    assert hrv.poincare(nsrdb_5min_rr, _one_segment(len(nsrdb_5min_rr)))["sd1_ms"] == pytest.approx(71.74, abs=0.01)


def test_differences_never_cross_a_gap(nsrdb_60min_rr):
    """Two segments with a 100-s gap: neurokit2 (given beat times) skips the pair across it, as we do."""
    rr = nsrdb_60min_rr
    times = np.cumsum(rr) / 1000.0
    cut = len(rr) // 2
    times[cut:] += 100.0
    starts = _one_segment(len(rr))
    starts[cut] = True
    t = nk.hrv_time({"RRI": rr, "RRI_Time": times})
    ours = hrv.time_domain(rr, starts)
    assert ours["rmssd_ms"] == pytest.approx(t["HRV_RMSSD"][0], rel=1e-3)
    glued = hrv.time_domain(rr, _one_segment(len(rr)))
    assert ours["rmssd_ms"] != glued["rmssd_ms"]


def test_spectrum_is_averaged_over_segments_not_across_the_gap(nsrdb_60min_rr):
    rr = nsrdb_60min_rr
    times = np.cumsum(rr) / 1000.0
    cut = len(rr) // 2
    starts = _one_segment(len(rr))
    starts[cut] = True
    shifted = times.copy()
    shifted[cut:] += 300.0  # a 5-minute hole: interpolating across it would add a huge slow wave
    with_gap = hrv.spectrum(shifted, rr, starts)
    first = hrv.spectrum(times[:cut], rr[:cut], _one_segment(cut))
    second = hrv.spectrum(times[cut:], rr[cut:], _one_segment(len(rr) - cut))
    expected = (first.psd_ms2_per_hz * first.windows + second.psd_ms2_per_hz * second.windows) / (first.windows + second.windows)
    np.testing.assert_allclose(with_gap.psd_ms2_per_hz, expected, rtol=1e-9)
    assert with_gap.seconds == pytest.approx(first.seconds + second.seconds)
