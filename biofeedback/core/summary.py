"""Whole-recording descriptions: the basic summary, and the full analysis behind ``analyze``."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from biofeedback.core import artifacts, coherence, hrv
from biofeedback.core.timeline import BeatTimeline

#: Spacing of the coherence windows over a whole recording, s. Live, coherence is computed on
#: every beat; over a whole recording one window every 10 s (8640 in 24 hours, overlapping by
#: 54 s) describes the session as well and keeps the analysis fast.
COHERENCE_STEP_S = 10.0


def summarize(timeline: BeatTimeline) -> dict[str, Any]:
    """Beats, duration and gaps of a timeline, and mean heart rate defined as 60000 / mean(RR)."""
    times, rr, _ = timeline.arrays()
    if len(times):
        duration = float(times[-1] - (times[0] - rr[0] / 1000.0))
        mean_hr = float(60000.0 / np.mean(rr))
    else:
        duration, mean_hr = 0.0, float("nan")
    return {
        "beats": int(len(times)),
        "duration_s": round(duration, 3),
        "mean_hr_bpm": round(mean_hr, 3) if np.isfinite(mean_hr) else None,
        "gaps": len(timeline.gaps),
        "gap_s": round(sum(g.duration for g in timeline.gaps), 3),
        "rejected_rr": len(timeline.rejected_rr_ms),
    }


def _clean(value: float, digits: int) -> float | None:
    return round(float(value), digits) if value is not None and math.isfinite(value) else None


def coherence_over(resampled: list[np.ndarray]) -> np.ndarray:
    """Coherence ratios of 64-s windows every :data:`COHERENCE_STEP_S` s, within segments only.

    ``resampled``: each segment's RR at the coherence rate (:func:`hrv.resampled_segments`).
    """
    step = int(round(COHERENCE_STEP_S * coherence.RESAMPLE_HZ))
    parts = [coherence.coherence_series(x, step) for x in resampled]
    return np.concatenate(parts) if parts else np.empty(0)


#: The shortest stretch of beats without a gap that each spectral metric needs, s. Task Force
#: (1996): about 1 minute for HF and 2 minutes for LF (a 0.04 Hz wave takes 25 s per cycle, and
#: a spectrum of a shorter stretch cannot resolve the band). Shorter: not available, with why.
MIN_SPAN_S = {"hf_ms2": 60.0, "lf_ms2": 120.0, "lf_hf": 120.0, "coherence_mean": coherence.WINDOW_S, "coherence_high_pct": coherence.WINDOW_S}


def _why_not_available(key: str, longest_s: float) -> str:
    need = MIN_SPAN_S[key]
    return f"needs at least {need:g} s of beats without a gap (this recording's longest stretch is {longest_s:.0f} s)"


def analyze(timeline: BeatTimeline) -> dict[str, Any]:
    """Every whole-recording metric, on artefact-corrected beats outside gaps.

    Keys: beats, duration_s, artifacts, artifact_pct, artifacts_by_kind, artifact_passes,
    artifact_residual, premature_remaining, reliable, unreliable_reason, gaps, gap_s, rejected_rr, mean_rr_ms,
    mean_hr_bpm, sdnn_ms, rmssd_ms, pnn50_pct, lf_ms2, hf_ms2, lf_hf, sd1_ms, sd2_ms, dfa_alpha1, coherence_mean, coherence_high_pct, coherence_windows,
    spectrum_s, not_available, settings. Values that cannot be computed are None; for those a
    recording is too short for, ``not_available`` says why in plain words. ``reliable`` is False (with
    the reason in plain words) when the rhythm itself is too irregular for HRV values to mean
    what they usually mean (:func:`~biofeedback.core.artifacts.reliability`).
    """
    out = summarize(timeline)
    times, rr, starts = timeline.arrays()
    fixed = artifacts.correct(times, rr, starts)
    report = fixed.report
    out["artifacts"] = report.count
    out["artifact_pct"] = round(100.0 * report.count / len(rr), 3) if len(rr) else 0.0
    out["artifacts_by_kind"] = report.counts()
    out["artifact_passes"] = report.passes
    out["artifact_residual"] = report.residual
    out["premature_remaining"] = report.premature
    out["reliable"], out["unreliable_reason"] = artifacts.reliability(report)

    t, r, s = fixed.times_s, fixed.rr_ms, fixed.segment_start
    metrics: dict[str, float] = {}
    metrics.update(hrv.time_domain(r, s))
    # One spline per segment serves both the Welch spectrum and the coherence windows (both 4 Hz).
    resampled = hrv.resampled_segments(t, r, s)
    spec = hrv.welch_segments([hrv.linear_detrend(x) for x in resampled])
    metrics.update(hrv.frequency_domain(spec))
    metrics.update(hrv.poincare(r, s))
    metrics["dfa_alpha1"] = hrv.dfa_alpha1(r, s)
    ratios = coherence_over(resampled)
    defined = ratios[~np.isnan(ratios)]  # NaN: a window without variability, where coherence is undefined
    metrics["coherence_mean"] = float(defined.mean()) if len(defined) else float("nan")
    metrics["coherence_high_pct"] = float(100.0 * np.mean(defined >= coherence.HIGH_FROM)) if len(defined) else float("nan")

    digits = {"lf_hf": 4, "dfa_alpha1": 4, "coherence_mean": 4}
    longest_s = max((len(x) / coherence.RESAMPLE_HZ for x in resampled), default=0.0)
    out["not_available"] = {}
    for key, value in metrics.items():
        if key in MIN_SPAN_S and longest_s < MIN_SPAN_S[key]:
            out["not_available"][key] = _why_not_available(key, longest_s)
            value = None
        out[key] = _clean(value, digits.get(key, 3))
    out["mean_hr_bpm"] = _clean(metrics["mean_hr_bpm"], 3)
    out["coherence_windows"] = int(len(ratios))
    out["spectrum_s"] = round(spec.seconds, 3) if spec is not None else 0.0
    out["settings"] = {
        "artifacts": artifacts.settings(),
        "hrv": hrv.settings(),
        "coherence": {**coherence.settings(), "step_s": COHERENCE_STEP_S},
    }
    return out
