"""Heart-rate variability metrics of a beat series, in numpy only.

Definitions follow the Task Force (1996) unless stated; every setting is a module constant with
its unit and is echoed in :func:`settings`. All functions take *corrected* beats
(:mod:`biofeedback.core.artifacts`) split into segments: a beat that starts a segment has no
known predecessor (a gap lies before it), so no successive difference, Poincaré pair, DFA window
or interpolated spectrum ever crosses a gap.

Frequency domain, per segment: the RR series (each interval placed at the time of the beat that
ends it) is interpolated with a not-a-knot cubic spline at :data:`RESAMPLE_HZ`, the linear trend
of the segment is removed, and Welch's method estimates the power spectral density
(periodic Hann window of :data:`WELCH_WINDOW_S`, or half the longest segment if that is shorter;
50 % overlap; each window zero-padded to twice its length; density scaling, one-sided).
Segments shorter than one Welch window are left out of the spectrum; the spectra of the others
are averaged, weighted by their number of windows. Band power integrates the PSD with the
trapezoidal rule over the bins with ``low <= f < high``. These are the choices neurokit2 makes
with ``interpolation_rate=4, method="cubic", detrend="polynomial", order=1`` and
``signal_power(method="welch", window=256, normalize=False)``, which the tests use as the oracle.

No scipy: ``scipy.signal`` takes about 0.8 s to import, more than a whole 24-hour analysis.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from biofeedback.core.constants import RESAMPLE_HZ


#: Length of one Welch window, s. 256 s resolves 0.004 Hz and, over 24 hours, averages
#: about 670 windows; shorter recordings use half their length instead.
WELCH_WINDOW_S = 256.0

#: Frequency bands, Hz (Task Force 1996).
LF_BAND_HZ = (0.04, 0.15)
HF_BAND_HZ = (0.15, 0.4)

#: pNN50 threshold, ms.
NN50_MS = 50.0

#: Box sizes for DFA alpha1, beats (Peng et al. 1995: short-term scaling over 4 <= n <= 16).
DFA_ALPHA1_SCALES = tuple(range(4, 17))

#: Up to this many unknowns a tridiagonal system is solved by the Thomas algorithm on Python
#: floats (about 30 us for the 80 knots of a live coherence window; array calls cost more there).
_THOMAS_MAX = 256


# --------------------------------------------------------------------------- interpolation


def _thomas(a: np.ndarray, b: np.ndarray, c: np.ndarray, d: np.ndarray) -> np.ndarray:
    """Forward elimination and back substitution, for small systems."""
    a, b, c, d = a.tolist(), b.tolist(), c.tolist(), d.tolist()
    n = len(b)
    cp = [0.0] * n
    dp = [0.0] * n
    cp[0] = c[0] / b[0]
    dp[0] = d[0] / b[0]
    for i in range(1, n):
        den = b[i] - a[i] * cp[i - 1]
        cp[i] = c[i] / den
        dp[i] = (d[i] - a[i] * dp[i - 1]) / den
    x = [0.0] * n
    x[-1] = dp[-1]
    for i in range(n - 2, -1, -1):
        x[i] = dp[i] - cp[i] * x[i + 1]
    return np.array(x)


def _solve_tridiagonal(a: np.ndarray, b: np.ndarray, c: np.ndarray, d: np.ndarray) -> np.ndarray:
    """Solve ``a[i] x[i-1] + b[i] x[i] + c[i] x[i+1] = d[i]`` (``a[0]``, ``c[-1]`` ignored).

    Cyclic reduction: each level eliminates the odd unknowns with whole-array operations, so a
    100 000-point spline costs a few milliseconds without a Python loop over points. Stable for
    diagonally dominant systems, which spline systems are.
    """
    m = len(b)
    if m <= _THOMAS_MAX:
        return _thomas(a, b, c, d)
    a = a.copy()
    c = c.copy()
    a[0] = 0.0
    c[-1] = 0.0
    ao, bo, co, do = a[1::2], b[1::2], c[1::2], d[1::2]
    ne, no = (m + 1) // 2, m // 2
    # even row 2k drops x[2k-1] with odd row 2k-1 (alpha, k >= 1) and x[2k+1] with odd row
    # 2k+1 (gamma, where that row exists)
    alpha = np.zeros(ne)
    alpha[1:] = -a[2::2] / bo[: ne - 1]
    gamma = np.zeros(ne)
    gamma[:no] = -c[0::2][:no] / bo
    ao_prev = np.zeros(ne)
    ao_prev[1:] = ao[: ne - 1]
    co_prev = np.zeros(ne)
    co_prev[1:] = co[: ne - 1]
    do_prev = np.zeros(ne)
    do_prev[1:] = do[: ne - 1]
    ao_next = np.zeros(ne)
    ao_next[:no] = ao
    co_next = np.zeros(ne)
    co_next[:no] = co
    do_next = np.zeros(ne)
    do_next[:no] = do
    xe = _solve_tridiagonal(
        alpha * ao_prev,
        b[0::2] + alpha * co_prev + gamma * ao_next,
        gamma * co_next,
        d[0::2] + alpha * do_prev + gamma * do_next,
    )
    xe_next = np.zeros(no)
    xe_next[: ne - 1] = xe[1:][:no]
    x = np.empty(m)
    x[0::2] = xe
    x[1::2] = (do - ao * xe[:no] - co * xe_next) / bo
    return x


def cubic_spline(x: np.ndarray, y: np.ndarray, x_new: np.ndarray) -> np.ndarray:
    """Not-a-knot cubic spline through ``(x, y)`` evaluated at ``x_new``.

    This is the spline of ``scipy.interpolate.interp1d(kind="cubic")``, which neurokit2 uses.
    Outside ``[x[0], x[-1]]`` the end values are held (as neurokit2 does). Fewer than four
    points fall back to linear interpolation.

    Parameters
    ----------
    x : strictly increasing knots (here: beat times, s).
    y : values at the knots (here: RR, ms).
    x_new : where to evaluate.
    """
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    n = len(x)
    if n < 4:
        return np.interp(x_new, x, y)
    h = np.diff(x)
    slope = np.diff(y) / h
    rhs = 6.0 * np.diff(slope)  # rows for the second derivatives M[1] .. M[n-2]
    lower = h[:-1].copy()
    diag = 2.0 * (h[:-1] + h[1:])
    upper = h[1:].copy()
    h0, h1 = h[0], h[1]
    diag[0] = (h0 + h1) * (h0 + 2.0 * h1) / h1
    upper[0] = (h1 * h1 - h0 * h0) / h1
    p, q = h[-2], h[-1]
    diag[-1] = (p + q) * (2.0 * p + q) / p
    lower[-1] = (p * p - q * q) / p
    inner = _solve_tridiagonal(lower, diag, upper, rhs)
    m = np.empty(n)
    m[1:-1] = inner
    m[0] = inner[0] + h0 * (inner[0] - inner[1]) / h1
    m[-1] = inner[-1] + q * (inner[-1] - inner[-2]) / p

    x_new = np.asarray(x_new, dtype=np.float64)
    i = np.clip(np.searchsorted(x, x_new, side="right") - 1, 0, n - 2)
    hi = h[i]
    right = (x_new - x[i]) / hi
    left = 1.0 - right
    out = left * y[i] + right * y[i + 1] + ((left**3 - left) * m[i] + (right**3 - right) * m[i + 1]) * hi * hi / 6.0
    out[x_new < x[0]] = y[0]
    out[x_new > x[-1]] = y[-1]
    return out


def resample_rr(times_s: np.ndarray, rr_ms: np.ndarray, rate_hz: float = RESAMPLE_HZ) -> np.ndarray:
    """RR (ms) on an even grid from the first beat to the last, step ``1 / rate_hz``.

    The grid is ``t0, t0 + 1/rate, ...`` up to and including the first point at or past the last
    beat, as neurokit2 builds it.
    """
    step = 1.0 / rate_hz
    grid = np.arange(times_s[0], times_s[-1] + step, step)
    return cubic_spline(times_s, rr_ms, grid)


def linear_detrend(x: np.ndarray) -> np.ndarray:
    """``x`` minus its least-squares straight line (over the sample index)."""
    n = len(x)
    if n < 2:
        return x - np.mean(x)
    k = np.arange(n, dtype=np.float64) - (n - 1) / 2.0
    slope = float(k @ (x - x.mean())) / float(k @ k)
    return x - x.mean() - slope * k


# --------------------------------------------------------------------------- spectra


def hann(n: int) -> np.ndarray:
    """Periodic Hann window of ``n`` points (the Welch convention, as scipy's ``get_window``)."""
    return 0.5 - 0.5 * np.cos(2.0 * np.pi * np.arange(n) / n)


def welch(x: np.ndarray, rate_hz: float, nperseg: int, nfft: int | None = None) -> tuple[np.ndarray, np.ndarray, int]:
    """Welch PSD: periodic Hann windows of ``nperseg``, 50 % overlap, no per-window detrending.

    Returns
    -------
    freqs : Hz
    psd : one-sided density, (unit of x)^2 / Hz
    windows : number of windows averaged
    """
    nfft = 2 * nperseg if nfft is None else nfft
    step = nperseg - nperseg // 2
    count = (len(x) - nperseg) // step + 1
    if count < 1:
        raise ValueError("signal shorter than one Welch window")
    window = hann(nperseg)
    frames = np.lib.stride_tricks.sliding_window_view(x, nperseg)[::step][:count]
    spectra = np.abs(np.fft.rfft(frames * window, n=nfft, axis=1)) ** 2
    psd = spectra.mean(axis=0) / (rate_hz * float(window @ window))
    psd[1:] *= 2.0
    if nfft % 2 == 0:
        psd[-1] /= 2.0
    return np.fft.rfftfreq(nfft, 1.0 / rate_hz), psd, count


def band_power(freqs: np.ndarray, psd: np.ndarray, band: tuple[float, float]) -> float:
    """Trapezoidal integral of ``psd`` over bins with ``band[0] <= f < band[1]``."""
    inside = (freqs >= band[0]) & (freqs < band[1])
    if np.count_nonzero(inside) < 2:
        return float("nan")
    return float(np.trapezoid(psd[inside], freqs[inside]))


# --------------------------------------------------------------------------- segments


def segment_bounds(segment_start: np.ndarray) -> list[tuple[int, int]]:
    """Half-open index ranges of the segments (runs of beats without a gap inside)."""
    n = len(segment_start)
    if n == 0:
        return []
    starts = np.flatnonzero(segment_start)
    if len(starts) == 0 or starts[0] != 0:
        starts = np.concatenate(([0], starts))
    ends = np.append(starts[1:], n)
    return [(int(s), int(e)) for s, e in zip(starts, ends)]


def successive_pairs(segment_start: np.ndarray) -> np.ndarray:
    """Mask over ``diff(rr)``: True where beat i+1 follows beat i without a gap."""
    return ~np.asarray(segment_start[1:], dtype=bool)


# --------------------------------------------------------------------------- metrics


@dataclass(frozen=True, slots=True)
class Spectrum:
    """An averaged power spectrum of the interpolated RR series."""

    freqs_hz: np.ndarray
    psd_ms2_per_hz: np.ndarray
    windows: int
    seconds: float


def time_domain(rr_ms: np.ndarray, segment_start: np.ndarray) -> dict[str, float]:
    """Mean RR, mean HR (60000 / mean RR), SDNN (N-1), RMSSD, pNN50 (of successive differences)."""
    rr = np.asarray(rr_ms, dtype=np.float64)
    if len(rr) == 0:
        nan = float("nan")
        return {"mean_rr_ms": nan, "mean_hr_bpm": nan, "sdnn_ms": nan, "rmssd_ms": nan, "pnn50_pct": nan}
    diffs = np.diff(rr)[successive_pairs(segment_start)]
    mean_rr = float(rr.mean())
    return {
        "mean_rr_ms": mean_rr,
        "mean_hr_bpm": 60000.0 / mean_rr,
        "sdnn_ms": float(rr.std(ddof=1)) if len(rr) > 1 else float("nan"),
        "rmssd_ms": float(np.sqrt(np.mean(diffs**2))) if len(diffs) else float("nan"),
        "pnn50_pct": float(100.0 * np.count_nonzero(np.abs(diffs) > NN50_MS) / len(diffs)) if len(diffs) else float("nan"),
    }


def poincare(rr_ms: np.ndarray, segment_start: np.ndarray) -> dict[str, float]:
    """SD1 and SD2 (Brennan et al. 2001): sample SDs (N-1) across and along the identity line."""
    rr = np.asarray(rr_ms, dtype=np.float64)
    keep = successive_pairs(segment_start)
    x, y = rr[:-1][keep], rr[1:][keep]
    if len(x) < 2:
        return {"sd1_ms": float("nan"), "sd2_ms": float("nan")}
    return {
        "sd1_ms": float(np.std((x - y) / np.sqrt(2.0), ddof=1)),
        "sd2_ms": float(np.std((x + y) / np.sqrt(2.0), ddof=1)),
    }


def dfa_alpha1(rr_ms: np.ndarray, segment_start: np.ndarray, scales: tuple[int, ...] = DFA_ALPHA1_SCALES) -> float:
    """Short-term DFA exponent (Peng et al. 1995).

    Each segment's RR series minus its mean is integrated; for each box size n the profile is cut
    into non-overlapping boxes of n beats (from the segment start, remainder dropped), a straight
    line is fitted in each box, and F(n) is the root of the mean residual variance over all boxes
    of all segments. alpha1 is the slope of log F(n) against log n.
    """
    rr = np.asarray(rr_ms, dtype=np.float64)
    profiles = [np.cumsum(rr[s:e] - rr[s:e].mean()) for s, e in segment_bounds(segment_start)]
    fluct = []
    used = []
    for n in scales:
        k = np.arange(n, dtype=np.float64) - (n - 1) / 2.0
        kk = float(k @ k)
        variances = []
        for profile in profiles:
            boxes = len(profile) // n
            if boxes == 0:
                continue
            w = profile[: boxes * n].reshape(boxes, n)
            w = w - w.mean(axis=1, keepdims=True)
            variances.append(((w * w).sum(axis=1) - (w @ k) ** 2 / kk) / n)
        if variances:
            v = np.concatenate(variances)
            v = v[v > 1e-8]
            if len(v):
                fluct.append(np.sqrt(v.mean()))
                used.append(n)
    if len(used) < 2:
        return float("nan")
    return float(np.polyfit(np.log2(used), np.log2(fluct), 1)[0])


def spectrum(
    times_s: np.ndarray,
    rr_ms: np.ndarray,
    segment_start: np.ndarray,
    rate_hz: float = RESAMPLE_HZ,
    window_s: float = WELCH_WINDOW_S,
) -> Spectrum | None:
    """Welch spectrum of the interpolated, linearly detrended RR series, averaged over segments.

    The window is ``window_s`` or half the longest segment's resampled length, whichever is
    shorter (neurokit2's rule); segments shorter than one window are left out. None if no
    segment has at least 8 beats.
    """
    series = [linear_detrend(x) for x in resampled_segments(times_s, rr_ms, segment_start, rate_hz)]
    return welch_segments(series, rate_hz, window_s)


def resampled_segments(
    times_s: np.ndarray, rr_ms: np.ndarray, segment_start: np.ndarray, rate_hz: float = RESAMPLE_HZ
) -> list[np.ndarray]:
    """Each segment of at least 8 beats, resampled with :func:`resample_rr`."""
    return [
        resample_rr(times_s[s:e], rr_ms[s:e], rate_hz) for s, e in segment_bounds(segment_start) if e - s >= 8
    ]


def welch_segments(series: list[np.ndarray], rate_hz: float = RESAMPLE_HZ, window_s: float = WELCH_WINDOW_S) -> Spectrum | None:
    """The averaged Welch spectrum of detrended, resampled segments (see :func:`spectrum`)."""
    if not series:
        return None
    nperseg = min(int(window_s * rate_hz), max(len(x) for x in series) // 2)
    if nperseg < 8:
        return None
    total = None
    windows = 0
    seconds = 0.0
    freqs = None
    for x in series:
        if len(x) < nperseg:
            continue
        freqs, psd, count = welch(x, rate_hz, nperseg)
        total = psd * count if total is None else total + psd * count
        windows += count
        seconds += len(x) / rate_hz
    return Spectrum(freqs, total / windows, windows, seconds)


def frequency_domain(spec: Spectrum | None) -> dict[str, float]:
    """LF and HF power (ms^2) and LF/HF from a spectrum."""
    if spec is None:
        nan = float("nan")
        return {"lf_ms2": nan, "hf_ms2": nan, "lf_hf": nan}
    lf = band_power(spec.freqs_hz, spec.psd_ms2_per_hz, LF_BAND_HZ)
    hf = band_power(spec.freqs_hz, spec.psd_ms2_per_hz, HF_BAND_HZ)
    return {"lf_ms2": lf, "hf_ms2": hf, "lf_hf": lf / hf if hf > 0 else float("nan")}


def settings() -> dict[str, object]:
    """The methods and parameters behind the metrics, for reports and ``analyze --json``."""
    return {
        "mean_hr": "60000 / mean RR",
        "sdnn": "sample SD (N-1) of all corrected RR",
        "rmssd_pnn50": "successive differences within segments only; pNN50 over the number of differences",
        "nn50_ms": NN50_MS,
        "poincare": "SD1, SD2 as sample SDs of (RRn -/+ RRn+1)/sqrt(2), pairs within segments",
        "dfa_alpha1_scales_beats": [DFA_ALPHA1_SCALES[0], DFA_ALPHA1_SCALES[-1]],
        "dfa": "non-overlapping boxes, linear detrend per box, per segment, pooled",
        "interpolation": "not-a-knot cubic spline per segment",
        "resample_hz": RESAMPLE_HZ,
        "detrend": "linear, per segment",
        "psd": "Welch, periodic Hann, 50% overlap, zero-padded to 2x window, density",
        "welch_window_s": WELCH_WINDOW_S,
        "welch_window_rule": "window_s or half the longest segment, whichever is shorter; shorter segments excluded",
        "band_integration": "trapezoid over bins with low <= f < high",
        "lf_band_hz": list(LF_BAND_HZ),
        "hf_band_hz": list(HF_BAND_HZ),
    }
