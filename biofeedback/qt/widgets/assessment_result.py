"""The result of a resonance-frequency assessment: the criteria per rate, the recommended rate with
its reason and the runner-up, or why no rate could be recommended; and "Use this rate".

Renders an :class:`~biofeedback.core.assessment.Assessment`; emits ``rate_chosen(bpm)`` when the
therapist takes the recommended rate (or the runner-up) as the person's own.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QTableWidgetItem, QVBoxLayout, QWidget

from biofeedback.core import words
from biofeedback.core.assessment import Assessment, BlockCriteria
from biofeedback.qt.widgets.result_table import ResultTable, headline_label

#: The table's columns: header, tooltip, and how a block's value is written.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("Rate\n/min", "The pacer's rate, breaths per minute."),
    ("", "Which rate is recommended, and the runner-up."),
    ("HR swing\nbeats/min", "Peak-to-trough heart rate per breath, averaged over the block's breaths. Larger is better."),
    ("Phase\ndegrees", "When heart rate peaks relative to a full breath in: 0 is in step (as at resonance), + earlier, - later."),
    ("LF power\nms²", "Power of the heart rhythm between 0.04 and 0.15 Hz. Larger is better."),
    ("LF peak\nms²/Hz", "Height of the highest peak in that band. Larger is better."),
    ("Peak at\n/min", "Where that peak lies, in breaths per minute; best at the breathing rate."),
    ("LF\npeaks", "Peaks in the band at least half as high as the highest; one clean peak is best."),
    ("At the\npacer", "Share of the heart rhythm's power at the pacer's rate: did the heart follow the breathing?"),
    ("Arte-\nfacts", "Beats corrected or left as premature beats. Blocks above 5 % are not compared."),
    ("Score", "The criteria weighed together, 0 to 1 (docs/protocols.md)."),
)

RECOMMENDED = "recommended"
RUNNER_UP = "runner-up"


def _number(value: float | None, digits: int, signed: bool = False) -> str:
    if value is None:
        return "–"
    return f"{value:+.{digits}f}" if signed else f"{value:,.{digits}f}"


def row_cells(c: BlockCriteria, mark: str) -> list[str]:
    """The table's texts for one block."""
    return [
        f"{c.rate_bpm:g}",
        mark,
        _number(c.swing_bpm, 1),
        _number(c.phase_deg, 0, signed=True),
        _number(c.lf_power_ms2, 0),
        _number(c.lf_peak_ms2_per_hz, 0),
        _number(None if c.lf_peak_hz is None else c.lf_peak_hz * 60.0, 2),
        str(c.lf_peaks) if c.lf_peak_hz is not None else "–",
        "–" if c.pacer_share is None else f"{100.0 * c.pacer_share:.0f} %",
        f"{c.artifact_pct:.1f} %",
        _number(c.score, 2),
    ]


class AssessmentResultView(QWidget):
    """The criteria of each rate, the recommendation and its reason, and "Use this rate".

    Signals
    -------
    rate_chosen(float)
        The therapist takes this rate (breaths/min) as the person's own.
    """

    rate_chosen = Signal(float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.headline = headline_label()
        self.headline.setObjectName("assessmentHeadline")
        self.reason = QLabel("")
        self.reason.setWordWrap(True)
        self.reason.setObjectName("assessmentReason")
        self.table = ResultTable(COLUMNS)
        self.use_button = QPushButton("Use this rate")
        self.use_button.setToolTip("Make the recommended rate this person's own pacer preset (\"Your rate\").")
        self.runner_up_button = QPushButton("Use the runner-up")
        self.use_button.clicked.connect(lambda: self._choose(self.result.recommended_bpm if self.result else None))
        self.runner_up_button.clicked.connect(lambda: self._choose(self.result.runner_up_bpm if self.result else None))
        self.chosen_label = QLabel("")
        self.chosen_label.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.use_button)
        buttons.addWidget(self.runner_up_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.headline)
        layout.addWidget(self.reason)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        layout.addWidget(self.chosen_label)
        layout.addStretch(1)
        self.result: Assessment | None = None
        self.show_result(None)

    def show_result(self, result: Assessment | None) -> None:
        """Show an assessment's result (None: nothing yet)."""
        self.result = result
        self.chosen_label.setText("")
        if result is None:
            self.headline.setText("No assessment yet")
            self.reason.setText("")
            self.table.setRowCount(0)
            self.use_button.setEnabled(False)
            self.runner_up_button.setEnabled(False)
            return
        if result.recommended_bpm is not None:
            self.headline.setText(words.RF_HEADLINE.format(rate=result.recommended_bpm, runner_up=result.runner_up_bpm))
        else:
            self.headline.setText(words.RF_HEADLINE_NONE)
        self.reason.setText(result.reason)
        self.use_button.setEnabled(result.recommended_bpm is not None)
        self.runner_up_button.setEnabled(result.runner_up_bpm is not None)
        rows = sorted(result.rates, key=lambda c: -c.rate_bpm)
        self.table.setRowCount(len(rows))
        for r, c in enumerate(rows):
            mark = RECOMMENDED if c.rate_bpm == result.recommended_bpm else RUNNER_UP if c.rate_bpm == result.runner_up_bpm else ""
            if not mark and not c.usable:
                mark = "not compared"
            elif not mark and not c.followed:
                mark = "not followed"
            for col, text in enumerate(row_cells(c, mark)):
                item = QTableWidgetItem(text)
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter if col != 1 else Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
                if mark == RECOMMENDED:
                    bold = QFont(item.font())
                    bold.setBold(True)
                    item.setFont(bold)
                self.table.setItem(r, col, item)
        self.table.fit()

    def offer_rates(self, offered: bool) -> None:
        """Whether the rates can be kept (not for a practice run on the demo heartbeat)."""
        self.use_button.setVisible(offered)
        self.runner_up_button.setVisible(offered)
        self.chosen_label.setText("" if offered else words.PRACTICE_RATE_NOT_KEPT)

    def _choose(self, bpm: float | None) -> None:
        if bpm is None:
            return
        self.chosen_label.setText(words.RF_RATE_CHOSEN.format(rate=bpm))
        self.rate_chosen.emit(float(bpm))
