"""The live metrics, each with its unit, and its window and formula on hover."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import QWidget

from biofeedback.core import coherence, live, words
from biofeedback.core.live import LiveMetrics
from biofeedback.qt import palette
from biofeedback.qt.widgets.name_value_panel import NameValuePanel

#: Shown while a metric has too little data to be honest.
NOT_YET = "—"


@dataclass(frozen=True, slots=True)
class MetricRow:
    key: str
    name: str
    help: str


#: The rows, in reading order. The help text is the hover tooltip: window and formula, taken
#: from the live pipeline's own constants so the words cannot drift from the computation.
ROWS: tuple[MetricRow, ...] = (
    MetricRow(
        "hr",
        "Heart rate",
        "Heart rate, beats per minute, smoothed for display.\n"
        f"Window: recent beats, weighted by exp(−age / {live.HR_SMOOTHING_TAU_S:g} s).\n"
        "Formula: weighted mean of 60 000 / RR (ms).",
    ),
    MetricRow(
        "rmssd",
        "RMSSD",
        "Root mean square of successive differences between RR intervals, ms (Task Force 1996).\n"
        f"Window: the last {live.RMSSD_WINDOW_S:g} s of corrected beats, shown once {live.RMSSD_MIN_S:g} s are there; never across a gap.\n"
        "Formula: sqrt(mean((RRᵢ₊₁ − RRᵢ)²)).",
    ),
    MetricRow(
        "coherence",
        "Coherence",
        "Heart rhythm coherence ratio (McCraty et al. 2009), updated on every beat.\n"
        f"Window: the last {coherence.WINDOW_S:g} s of beats.\n"
        f"Formula: power in a {coherence.PEAK_WIDTH_HZ:.3f} Hz band around the highest peak between "
        f"{coherence.PEAK_BAND_HZ[0]:g} and {coherence.PEAK_BAND_HZ[1]:g} Hz,\n"
        f"divided by the rest of the power between {coherence.TOTAL_BAND_HZ[0]:g} and {coherence.TOTAL_BAND_HZ[1]:g} Hz.\n"
        f"Levels: {words.COHERENCE_WORDS['low']} below {coherence.LOW_BELOW:g}, {words.COHERENCE_WORDS['medium']} from "
        f"{coherence.LOW_BELOW:g}, {words.COHERENCE_WORDS['high']} from {coherence.HIGH_FROM:g}.",
    ),
    MetricRow(
        "swing",
        "Swing per breath",
        "How far heart rate rises and falls within one breath, bpm.\n"
        "Window: the last breath (the pacer's period; when breathing freely, the period of the rhythm's peak).\n"
        "Formula: highest minus lowest 60 000 / RR (ms) in that window.",
    ),
    MetricRow(
        "compliance",
        "Breathing with the pacer",
        "How closely the heart rhythm follows the pacer, percent.\n"
        f"Window: the same {coherence.WINDOW_S:g} s spectrum as coherence.\n"
        f"Formula: share of the power between {coherence.PEAK_BAND_HZ[0]:g} and {coherence.TOTAL_BAND_HZ[1]:g} Hz "
        f"that lies within ±{coherence.PEAK_WIDTH_HZ / 2:.3f} Hz of the pacer's frequency.\n"
        "This checks pacing; it does not measure breathing itself.",
    ),
)


def metric_texts(m: LiveMetrics | None) -> dict[str, str]:
    """The user-facing text of each row for one snapshot (``None``: nothing yet)."""
    if m is None:
        return {row.key: NOT_YET for row in ROWS}
    level = palette.COHERENCE_LEVEL_WORDS.get(m.coherence_level or "", "")
    return {
        "hr": NOT_YET if m.hr_bpm is None else f"{m.hr_bpm:.0f} bpm",
        "rmssd": NOT_YET if m.rmssd_ms is None else f"{m.rmssd_ms:.0f} ms",
        "coherence": NOT_YET if m.coherence is None else (f"{m.coherence:.1f} · {level}" if level else f"{m.coherence:.1f}"),
        "swing": NOT_YET if m.hr_swing_bpm is None else f"{m.hr_swing_bpm:.1f} bpm",
        "compliance": NOT_YET if m.breathing_compliance is None else f"{100 * m.breathing_compliance:.0f} %",
    }


class MetricsPanel(NameValuePanel):
    """A name and a value per metric; hovering either shows how it is computed."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Live metrics", [(r.key, r.name, r.help) for r in ROWS], NOT_YET, "metricValue", parent=parent)

    def show_metrics(self, metrics: LiveMetrics | None) -> None:
        for key, text in metric_texts(metrics).items():
            self.set_value(key, text)
