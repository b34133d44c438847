"""The live metrics, each with its unit, and its window and formula on hover."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QGroupBox, QLabel, QWidget

from biofeedback.core.live import LiveMetrics
from biofeedback.qt import palette

#: Shown while a metric has too little data to be honest.
NOT_YET = "—"


@dataclass(frozen=True, slots=True)
class MetricRow:
    key: str
    name: str
    help: str


#: The rows, in reading order. The help text is the hover tooltip: window and formula.
ROWS: tuple[MetricRow, ...] = (
    MetricRow(
        "hr",
        "Heart rate",
        "Heart rate, beats per minute, smoothed over the last few beats for display.\n"
        "Formula: 60 000 / mean RR interval (ms) of the recent clean beats.",
    ),
    MetricRow(
        "rmssd",
        "RMSSD",
        "Root mean square of successive differences between RR intervals, ms (Task Force 1996).\n"
        "Window: the rolling window of recent clean beats; gaps and artefacts are left out.\n"
        "Formula: sqrt(mean((RRᵢ₊₁ − RRᵢ)²)).",
    ),
    MetricRow(
        "coherence",
        "Coherence",
        "Heart rhythm coherence ratio (McCraty et al. 2009), updated on every beat.\n"
        "Window: the last 64 s of beats.\n"
        "Formula: power in a 0.030 Hz band around the highest peak between 0.04 and 0.26 Hz,\n"
        "divided by the rest of the power between 0.0033 and 0.4 Hz.\n"
        "Levels: settling (low), steady (medium), coherent (high).",
    ),
    MetricRow(
        "swing",
        "Heart-rate swing",
        "How far heart rate rises and falls within one breath, bpm.\n"
        "Window: the last breath of the pacer.\n"
        "Formula: highest minus lowest heart rate during that breath.",
    ),
    MetricRow(
        "compliance",
        "Breathing with the pacer",
        "How closely the heart rhythm follows the pacer, percent.\n"
        "Window: the same 64 s as coherence.\n"
        "Formula: share of the spectrum's peak power that lies near the pacer's frequency.\n"
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
        "swing": NOT_YET if m.hr_swing_bpm is None else f"{m.hr_swing_bpm:.1f} bpm per breath",
        "compliance": NOT_YET if m.breathing_compliance is None else f"{100 * m.breathing_compliance:.0f} %",
    }


class MetricsPanel(QGroupBox):
    """A name and a value per metric; hovering either shows how it is computed."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Live metrics", parent)
        grid = QGridLayout(self)
        grid.setHorizontalSpacing(16)
        grid.setVerticalSpacing(6)
        grid.setColumnStretch(1, 1)
        self._values: dict[str, QLabel] = {}
        for i, row in enumerate(ROWS):
            name = QLabel(row.name)
            name.setObjectName("metricName")
            value = QLabel(NOT_YET)
            value.setObjectName("metricValue")
            value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            for label in (name, value):
                label.setToolTip(row.help)
            grid.addWidget(name, i, 0)
            grid.addWidget(value, i, 1)
            self._values[row.key] = value

    def value_text(self, key: str) -> str:
        return self._values[key].text()

    def tooltip(self, key: str) -> str:
        return self._values[key].toolTip()

    def show_metrics(self, metrics: LiveMetrics | None) -> None:
        for key, text in metric_texts(metrics).items():
            self._values[key].setText(text)
