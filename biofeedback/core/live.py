"""Live metrics: what the screens show while a session runs, updated on every beat."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, slots=True)
class LiveMetrics:
    """A snapshot of the live pipeline after one beat.

    Every value is None until enough data exists to compute it honestly.

    Attributes
    ----------
    t : float
        Session time of the newest beat, s.
    hr_bpm : float or None
        Smoothed heart rate for display, beats/min.
    rmssd_ms : float or None
        RMSSD over the rolling window, ms.
    coherence : float or None
        Coherence ratio (McCraty et al. 2009) over the last 64 s.
    coherence_level : str or None
        "low", "medium" or "high".
    hr_swing_bpm : float or None
        Heart-rate swing (peak to trough) over the last breath, beats/min.
    breathing_compliance : float or None
        How closely the heart rhythm follows the pacer, 0..1.
    artifact_pct : float
        Share of recent beats flagged as artefacts, percent.
    artifact_times : tuple of float
        Session times of recent beats flagged as artefacts, s (for marking the tachogram).
    spectrum_hz, spectrum_ms2_per_hz : numpy.ndarray or None
        The power spectrum behind the coherence value, for the supervisor's spectrum plot.
    """

    t: float
    hr_bpm: float | None = None
    rmssd_ms: float | None = None
    coherence: float | None = None
    coherence_level: str | None = None
    hr_swing_bpm: float | None = None
    breathing_compliance: float | None = None
    artifact_pct: float = 0.0
    artifact_times: tuple[float, ...] = ()
    spectrum_hz: np.ndarray | None = None
    spectrum_ms2_per_hz: np.ndarray | None = None
