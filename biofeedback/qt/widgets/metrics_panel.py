"""The live metrics, each with its unit, and its window and formula on hover."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import QWidget

from biofeedback.core import coherence, live, words
from biofeedback.core.live import LiveMetrics
from biofeedback.qt import palette
from biofeedback.qt.widgets.name_value_panel import NameValuePanel

#: Shown while a metric has too little data to be honest; its reason follows, in smaller type.
NOT_YET = "—"

#: Why each metric is not shown yet: how much data it needs (from the pipeline's own constants).
WHY_NOT_YET = {
    "hr": "waiting for beats",
    "rmssd": f"needs {live.RMSSD_MIN_S:g} s of beats",
    "coherence": f"needs {coherence.WINDOW_S:g} s of beats",
    "swing": "needs a whole breath",
    "compliance": f"needs {coherence.WINDOW_S:g} s of beats",
}
#: Why breathing with the pacer cannot be said at all.
PACER_OFF = "the pacer is off"


def not_available(reason: str) -> str:
    """"— needs 64 s of beats": the dash, and the reason in smaller, lighter type."""
    return f"{NOT_YET} <span style='font-weight:normal; font-size:small'>{reason}</span>"


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


def metric_texts(m: LiveMetrics | None, pacer_on: bool = True) -> dict[str, str]:
    """The user-facing text of each row for one snapshot (``None``: nothing yet). A metric that
    cannot be computed honestly is never a number: a dash, and why."""
    why = dict(WHY_NOT_YET)
    if not pacer_on:
        why["compliance"] = PACER_OFF
    if m is None:
        return {row.key: not_available(why[row.key]) for row in ROWS}
    level = palette.COHERENCE_LEVEL_WORDS.get(m.coherence_level or "", "")
    values = {
        "hr": None if m.hr_bpm is None else f"{m.hr_bpm:.0f} bpm",
        "rmssd": None if m.rmssd_ms is None else f"{m.rmssd_ms:.0f} ms",
        "coherence": None if m.coherence is None else (f"{m.coherence:.1f} · {level}" if level else f"{m.coherence:.1f}"),
        "swing": None if m.hr_swing_bpm is None else f"{m.hr_swing_bpm:.1f} bpm",
        "compliance": None if m.breathing_compliance is None or not pacer_on else f"{100 * m.breathing_compliance:.0f} %",
    }
    return {key: not_available(why[key]) if text is None else text for key, text in values.items()}


class MetricsPanel(NameValuePanel):
    """A name and a value per metric; hovering either shows how it is computed."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Live metrics", [(r.key, r.name, r.help) for r in ROWS], NOT_YET, "metricValue", parent=parent)
        self.pacer_on = True
        self._shown: LiveMetrics | None = None
        self.show_metrics(None)

    def set_pacer_on(self, on: bool) -> None:
        """Whether a pacer guides (without one, breathing with the pacer cannot be said)."""
        self.pacer_on = on
        self.show_metrics(self._shown)

    def show_metrics(self, metrics: LiveMetrics | None) -> None:
        self._shown = metrics
        for key, text in metric_texts(metrics, self.pacer_on).items():
            self.set_value(key, text)
