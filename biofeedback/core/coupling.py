"""How heart rate follows breathing at one breathing rate: phase and swing.

The measures of a resonance-frequency assessment (Lehrer, Vaschillo & Vaschillo 2000; Shaffer &
Meehan 2020) for one block of paced breathing: how far heart rate rises and falls per breath,
and whether it rises with the in-breath (in phase at resonance) or before or after it.

Heart rate is taken beat by beat (60000 / RR) and placed at the middle of its interval (the
interval is the heart's average period over that time: placing it at the beat that ends it would
add half a beat of lag, 15 degrees at 6 breaths/min), then resampled evenly at
:data:`RESAMPLE_HZ`. Breathing is the lung volume (or the pacer's guided volume, from
:func:`pacer_volume`), sampled at any times. Both are fitted, by least squares, with a sine and
cosine at the breathing frequency plus a straight line (the line takes up slow drift); the phase
is that of heart rate's fitted oscillation relative to breathing's. The swing is measured on the
heart rate itself, breath by breath.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from biofeedback.core.constants import RESAMPLE_HZ
from biofeedback.core.pacer import PacerSettings, pacer_state



@dataclass(frozen=True, slots=True)
class Coupling:
    """Heart rate against breathing at one breathing frequency.

    Attributes
    ----------
    breathing_hz : the breathing frequency analysed, Hz.
    phase_deg : phase of heart rate's oscillation relative to breathing's, degrees in
        (-180, 180]: 0 when heart rate peaks with full lungs (in phase, as at resonance),
        positive when it peaks earlier (leads), negative when later (lags).
    swing_bpm : mean peak-to-trough heart rate per whole breath, beats/min.
    amplitude_bpm : amplitude of heart rate's oscillation at the breathing frequency (half its
        peak-to-trough for a pure sine), beats/min.
    breaths : whole breaths the swing is averaged over.
    """

    breathing_hz: float
    phase_deg: float
    swing_bpm: float
    amplitude_bpm: float
    breaths: int


def pacer_volume(settings: PacerSettings, start_t: float, times_s: np.ndarray) -> np.ndarray:
    """The pacer's guided lung volume (0..1) at session times ``times_s``, for a pacer started at ``start_t``."""
    return np.array([pacer_state(settings, t - start_t).volume for t in np.asarray(times_s, dtype=np.float64).tolist()])


def _fit(grid: np.ndarray, values: np.ndarray, freq_hz: float) -> complex:
    """Complex amplitude of ``values`` at ``freq_hz``: a + ib for a cos + b sin, fitted with a line."""
    x = 2.0 * math.pi * freq_hz * grid
    design = np.column_stack([np.cos(x), np.sin(x), np.ones_like(grid), grid - grid.mean()])
    coef, *_ = np.linalg.lstsq(design, values, rcond=None)
    return complex(coef[0], coef[1])


def hr_breathing_coupling(
    times_s: np.ndarray,
    rr_ms: np.ndarray,
    breathing_hz: float,
    breath_times_s: np.ndarray,
    breath_volume: np.ndarray,
) -> Coupling | None:
    """Phase and swing of heart rate against breathing over one gap-free run of beats.

    Parameters
    ----------
    times_s, rr_ms : beats (corrected for artefacts if possible) and the intervals ending at them.
    breathing_hz : the breathing (pacer) frequency, Hz.
    breath_times_s, breath_volume : breathing as lung volume (any units, rising with the
        in-breath) sampled at increasing times, for example :func:`pacer_volume`.

    Returns None unless beats and breathing overlap for at least two whole breaths.
    """
    times = np.asarray(times_s, dtype=np.float64)
    rr = np.asarray(rr_ms, dtype=np.float64)
    breath_t = np.asarray(breath_times_s, dtype=np.float64)
    volume = np.asarray(breath_volume, dtype=np.float64)
    if len(times) < 4 or len(breath_t) < 4 or breathing_hz <= 0:
        return None
    mid = times - rr / 2000.0  # each interval's heart rate belongs to its middle
    start = max(mid[0], breath_t[0])
    end = min(mid[-1], breath_t[-1])
    period = 1.0 / breathing_hz
    if end - start < 2.0 * period:
        return None
    grid = np.arange(start, end, 1.0 / RESAMPLE_HZ)
    hr = np.interp(grid, mid, 60000.0 / rr)
    breathing = np.interp(grid, breath_t, volume)
    hr_amp = _fit(grid, hr, breathing_hz)
    breath_amp = _fit(grid, breathing, breathing_hz)
    if abs(breath_amp) == 0.0:
        return None
    # a cos(x) + b sin(x) = |A| cos(x - angle(a + ib)): a larger angle peaks later
    phase = math.degrees(math.atan2((breath_amp * hr_amp.conjugate()).imag, (breath_amp * hr_amp.conjugate()).real))
    # whole breaths, each from one trough of the fitted breathing to the next
    trough = (math.atan2(breath_amp.imag, breath_amp.real) + math.pi) / (2.0 * math.pi * breathing_hz)
    first = trough + math.ceil((start - trough) / period) * period
    swings = []
    t0 = first
    while t0 + period <= end:
        inside = (grid >= t0) & (grid < t0 + period)
        swings.append(float(hr[inside].max() - hr[inside].min()))
        t0 += period
    if not swings:
        return None
    return Coupling(breathing_hz, phase if phase > -180.0 else 180.0, float(np.mean(swings)), abs(hr_amp), len(swings))
