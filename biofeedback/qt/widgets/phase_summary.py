"""A structured session's summary: each phase against the baseline.

Renders the list of :class:`~biofeedback.core.assessment.PhaseStats` a structured session ends
with: heart rate, RMSSD, coherence and heart-rate swing per phase, each with its change from the
baseline in brackets.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QTableWidgetItem, QVBoxLayout, QWidget

from biofeedback.core import words
from biofeedback.core.assessment import PhaseStats, describe_session
from biofeedback.qt.widgets.result_table import ResultTable, headline_label

COLUMNS: tuple[tuple[str, str], ...] = (
    ("Phase", "The part of the session."),
    ("Minutes", "How long it lasted."),
    ("Heart rate\nbeats/min", "Mean heart rate (60000 / mean RR). In brackets: the change from the baseline."),
    ("RMSSD\nms", "Beat-to-beat variability (root mean square of successive differences). In brackets: the change from the baseline."),
    ("Coherence", "Mean coherence ratio over 64-s windows (McCraty 2009). In brackets: the change from the baseline."),
    ("HR swing\nbeats/min", "Peak-to-trough heart rate per breath (per 10 s without a pacer). In brackets: the change from the baseline."),
)


def _with_change(value: float | None, change: float | None, digits: int) -> str:
    if value is None:
        return "–"
    text = f"{value:.{digits}f}"
    return text if change is None else f"{text}  ({change:+.{digits}f})"


def row_cells(s: PhaseStats) -> list[str]:
    return [
        s.label,
        f"{(s.end_s - s.start_s) / 60.0:.1f}",
        _with_change(s.hr_bpm, s.hr_change, 1),
        _with_change(s.rmssd_ms, s.rmssd_change, 1),
        _with_change(s.coherence, s.coherence_change, 2),
        _with_change(s.swing_bpm, s.swing_change, 1),
    ]


class PhaseSummaryView(QWidget):
    """Each phase of a structured session, compared with its baseline."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.headline = headline_label()
        self.note = QLabel("")
        self.note.setWordWrap(True)
        self.story = QLabel("")
        self.story.setWordWrap(True)
        self.story.setObjectName("sessionStory")
        self.table = ResultTable(COLUMNS)
        layout = QVBoxLayout(self)
        layout.addWidget(self.headline)
        layout.addWidget(self.story)
        layout.addWidget(self.table)
        layout.addWidget(self.note)
        layout.addStretch(1)
        self.show_stats([])

    def show_stats(self, stats: Sequence[PhaseStats], stopped_early: bool = False) -> None:
        """Show the phases (an empty list: nothing yet)."""
        self.headline.setText("Session summary" if stats else "No session yet")
        self.story.setText(describe_session(stats))
        notes = [words.SUMMARY_AGAINST_BASELINE] if any(s.phase == "baseline" for s in stats) else []
        if stopped_early:
            notes.append(words.SUMMARY_STOPPED_EARLY)
        self.note.setText(" ".join(notes))
        self.table.setRowCount(len(stats))
        for r, s in enumerate(stats):
            for col, text in enumerate(row_cells(s)):
                item = QTableWidgetItem(text)
                align = Qt.AlignmentFlag.AlignLeft if col == 0 else Qt.AlignmentFlag.AlignRight
                item.setTextAlignment(align | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(r, col, item)
        self.table.fit()
