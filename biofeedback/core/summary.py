"""The basic description of a recording: how many beats, how long, how fast, which gaps."""

from __future__ import annotations

from typing import Any

import numpy as np

from biofeedback.core.timeline import BeatTimeline


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
