"""Cardiac coherence (McCraty et al. 2009), with every setting pinned.

McCraty R, Atkinson M, Tomasino D, Bradley RT. The coherent heart. Integral Review 2009;5(2).

Over the last :data:`WINDOW_S` seconds of corrected beats:

1. the RR series (each interval at the time of the beat that ends it) is interpolated with a
   not-a-knot cubic spline at :data:`RESAMPLE_HZ` on the grid ``t_end - 64 + k / 4``, k = 1..256
   (the spline uses the beats from just before the window start, so the window's first samples
   are interpolated, not extrapolated);
2. the straight-line trend is removed (otherwise the drift of a minute leaks into the lowest
   bins, which count towards the total but not the peak);
3. a periodic Hann window is applied and the series zero-padded to :data:`NFFT` points
   (bins every 4 / 2048 = 0.00195 Hz, so the 0.030 Hz peak window holds 15 bins, 0.0293 Hz,
   instead of one or two);
4. the one-sided periodogram is taken;
5. the peak is the highest bin in :data:`PEAK_BAND_HZ`; peak power sums the bins within
   ± :data:`PEAK_WIDTH_HZ` / 2 of it; total power sums the bins in :data:`TOTAL_BAND_HZ`
   (bin sums times the bin width, a rectangle rule);
6. coherence = peak / (total - peak).

With these settings a pure sine at 0.1 Hz gives 8.3 (about 89 % of a Hann main lobe lies
within the window, the rest in its skirts), white noise gives about 0.25, and neither depends on
the amplitude. The levels are calibrated in ``docs/metrics.md``: resting recordings (MIT-BIH NSRDB)
sit mostly below :data:`LOW_BELOW`, the demo person breathing at their resonance rate sits mostly
at or above :data:`HIGH_FROM`.
"""

from __future__ import annotations

import functools

from dataclasses import dataclass

import numpy as np

from biofeedback.core.constants import RESAMPLE_HZ
from biofeedback.core.hrv import cubic_spline, hann

#: Analysis window, s (McCraty et al. 2009).
WINDOW_S = 64.0

#: FFT length after zero-padding (8x the 256 samples).
NFFT = 2048

#: Where the peak is searched, Hz (McCraty et al. 2009).
PEAK_BAND_HZ = (0.04, 0.26)

#: Width of the window integrated around the peak, Hz (ibid.).
PEAK_WIDTH_HZ = 0.030

#: Band of the total power, Hz (ibid.).
TOTAL_BAND_HZ = (0.0033, 0.4)

#: Level thresholds on the coherence ratio, calibrated on data (docs/metrics.md).
LOW_BELOW = 1.0
HIGH_FROM = 3.0

_SAMPLES = int(WINDOW_S * RESAMPLE_HZ)
_FREQS = np.fft.rfftfreq(NFFT, 1.0 / RESAMPLE_HZ)
_DF = RESAMPLE_HZ / NFFT
_TOTAL = (_FREQS >= TOTAL_BAND_HZ[0]) & (_FREQS <= TOTAL_BAND_HZ[1])
_PEAK_SEARCH = np.flatnonzero((_FREQS >= PEAK_BAND_HZ[0]) & (_FREQS <= PEAK_BAND_HZ[1]))
_HALF_WIDTH_BINS = int(np.floor(PEAK_WIDTH_HZ / 2.0 / _DF + 1e-9))
_WINDOW = hann(_SAMPLES)
_SCALE = 2.0 / (RESAMPLE_HZ * float(_WINDOW @ _WINDOW))
_K = np.arange(_SAMPLES, dtype=np.float64) - (_SAMPLES - 1) / 2.0
_KK = float(_K @ _K)
#: Spectrum shown to the supervisor: up to the top of the total band.
_SHOW = _FREQS <= TOTAL_BAND_HZ[1]
_USED = int(np.count_nonzero(_SHOW)) + _HALF_WIDTH_BINS + 1
_TOTAL_BINS = (int(np.flatnonzero(_TOTAL)[0]), int(np.flatnonzero(_TOTAL)[-1]) + 1)


@dataclass(frozen=True, slots=True)
class Coherence:
    """One coherence evaluation.

    Attributes
    ----------
    ratio : peak / (total - peak), dimensionless.
    peak_hz : frequency of the peak, Hz.
    peak_power, total_power : ms^2.
    freqs_hz, psd_ms2_per_hz : the spectrum up to 0.4 Hz, for display.
    """

    ratio: float
    peak_hz: float
    peak_power: float
    total_power: float
    freqs_hz: np.ndarray
    psd_ms2_per_hz: np.ndarray


def level(ratio: float | None) -> str | None:
    """"low", "medium" or "high" for a coherence ratio (thresholds :data:`LOW_BELOW`, :data:`HIGH_FROM`)."""
    if ratio is None or np.isnan(ratio):
        return None  # undefined: no variability
    if ratio < LOW_BELOW:
        return "low"
    return "high" if ratio >= HIGH_FROM else "medium"


def periodogram(samples: np.ndarray) -> np.ndarray:
    """One-sided PSD (ms^2/Hz) of 256 samples at 4 Hz: linear detrend, Hann, zero-pad to NFFT."""
    x = samples - samples.mean()
    x = x - (float(_K @ x) / _KK) * _K
    return np.abs(np.fft.rfft(x * _WINDOW, n=NFFT)) ** 2 * _SCALE


#: Below this total power (ms^2) the heart rhythm has no variability to speak of, and coherence is
#: undefined (NaN): a perfectly steady series leaves only rounding noise (about 1e-20 ms^2), while
#: the coarsest real RR resolution (1/128 s) alone gives well over 0.1 ms^2.
MIN_TOTAL_POWER_MS2 = 1e-6


def ratios(psd: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Coherence of periodograms on the pinned grid: the one ratio function, live and batch.

    ``psd`` holds one periodogram per row (ms^2/Hz, bins of :data:`NFFT` at :data:`RESAMPLE_HZ`,
    at least up to the top of the total band plus half the peak window). Returns, per row,
    (ratio, peak bin, peak power ms^2, total power ms^2); the ratio is NaN where the total power
    is below :data:`MIN_TOTAL_POWER_MS2` (undefined: no variability) and infinite where all power
    lies in the peak window.
    """
    psd = np.atleast_2d(psd)[:, :_USED]
    peaks = _PEAK_SEARCH[np.argmax(psd[:, _PEAK_SEARCH[0] : _PEAK_SEARCH[-1] + 1], axis=1)]
    cums = np.zeros((len(psd), psd.shape[1] + 1))
    np.cumsum(psd, axis=1, out=cums[:, 1:])
    rows = np.arange(len(psd))
    lo = np.maximum(peaks - _HALF_WIDTH_BINS, 0)
    peak_power = (cums[rows, peaks + _HALF_WIDTH_BINS + 1] - cums[rows, lo]) * _DF
    total = (cums[:, _TOTAL_BINS[1]] - cums[:, _TOTAL_BINS[0]]) * _DF
    rest = total - peak_power
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(rest > 0, peak_power / rest, np.inf)
    ratio[total < MIN_TOTAL_POWER_MS2] = np.nan
    return ratio, peaks, peak_power, total


def ratio_from_psd(psd: np.ndarray) -> tuple[float, float, float, float]:
    """(ratio, peak Hz, peak power, total power) of one periodogram (:func:`ratios`)."""
    ratio, peaks, peak_power, total = ratios(psd)
    return float(ratio[0]), float(_FREQS[peaks[0]]), float(peak_power[0]), float(total[0])


def window_grid(t_end: float) -> np.ndarray:
    """The 256 sample times of the window that ends at ``t_end``, s."""
    return t_end - WINDOW_S + np.arange(1, _SAMPLES + 1) / RESAMPLE_HZ


def coherence(times_s: np.ndarray, rr_ms: np.ndarray) -> Coherence | None:
    """Coherence over the :data:`WINDOW_S` s ending at the last beat, or None if too little data.

    ``times_s`` and ``rr_ms`` must be one gap-free run of corrected beats whose first interval
    starts at or before the window start.
    """
    if len(times_s) < 8 or times_s[-1] - (times_s[0] - rr_ms[0] / 1000.0) < WINDOW_S:
        return None
    t_end = float(times_s[-1])
    first = max(int(np.searchsorted(times_s, t_end - WINDOW_S)) - 2, 0)
    samples = cubic_spline(times_s[first:], rr_ms[first:], window_grid(t_end))
    psd = periodogram(samples)
    ratio, peak_hz, peak_power, total_power = ratio_from_psd(psd)
    return Coherence(ratio, peak_hz, peak_power, total_power, _FREQS[_SHOW], psd[_SHOW])


@functools.cache
def _dft_matrices() -> tuple[np.ndarray, np.ndarray]:
    """The first :data:`_USED` bins of the zero-padded DFT as two real matrices, with the
    detrending (remove mean and line) and the Hann window folded in.

    Only a fifth of the NFFT bins lie below 0.4 Hz, so two matrix products over the 256 real
    samples cost less than the full zero-padded FFT, and give the same periodogram.
    """
    n = np.arange(_SAMPLES, dtype=np.float64)
    k = np.arange(_USED, dtype=np.float64)
    phase = 2.0 * np.pi * np.outer(n, k) / NFFT
    detrend = np.eye(_SAMPLES) - 1.0 / _SAMPLES - np.outer(_K, _K) / _KK
    weights = detrend @ (_WINDOW[:, None] * np.cos(phase)), detrend @ (_WINDOW[:, None] * np.sin(phase))
    return weights


def coherence_series(resampled: np.ndarray, step_samples: int) -> np.ndarray:
    """Coherence ratios of every 64-s window of an evenly resampled run, every ``step_samples``.

    ``resampled`` is RR (ms) at :data:`RESAMPLE_HZ`; windows end at samples
    ``255, 255 + step, ...``. Used for whole recordings, where one spline over the run replaces
    a spline per window (their difference is far below a percent, since a spline's dependence on
    a knot decays by a factor of 3.7 per knot).
    """
    if len(resampled) < _SAMPLES:
        return np.empty(0)
    frames = np.lib.stride_tricks.sliding_window_view(resampled, _SAMPLES)[::step_samples]
    out = np.empty(len(frames))
    cos_part, sin_part = _dft_matrices()
    chunk = 512
    for start in range(0, len(frames), chunk):
        x = frames[start : start + chunk]
        re, im = x @ cos_part, x @ sin_part
        out[start : start + chunk] = ratios((re * re + im * im) * _SCALE)[0]
    return out


def settings() -> dict[str, object]:
    """The pinned coherence settings, for reports and ``analyze --json``."""
    return {
        "definition": "McCraty et al. 2009: peak / (total - peak)",
        "window_s": WINDOW_S,
        "resample_hz": RESAMPLE_HZ,
        "interpolation": "not-a-knot cubic spline",
        "detrend": "linear",
        "taper": "periodic Hann",
        "nfft": NFFT,
        "peak_band_hz": list(PEAK_BAND_HZ),
        "peak_width_hz": PEAK_WIDTH_HZ,
        "total_band_hz": list(TOTAL_BAND_HZ),
        "integration": "bin sums x bin width",
        "levels": {"low_below": LOW_BELOW, "high_from": HIGH_FROM},
    }
