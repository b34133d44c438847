"""A guided protocol's result in a dialog: the assessment's table with "Use this rate", or a
structured session's phases against its baseline."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QStackedWidget, QVBoxLayout, QWidget

from biofeedback.core import words
from biofeedback.core.assessment import Assessment
from biofeedback.qt.widgets.assessment_result import AssessmentResultView
from biofeedback.qt.widgets.phase_summary import PhaseSummaryView


class ProtocolResultDialog(QDialog):
    """Shows whichever result a protocol ended with (:meth:`show_result`).

    ``result_view.rate_chosen`` carries "Use this rate" and "Use the runner-up"."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(words.PROTOCOL_RESULT_TITLE)
        self.result_view = AssessmentResultView()
        self.summary_view = PhaseSummaryView()
        self.pages = QStackedWidget()
        self.pages.addWidget(self.result_view)
        self.pages.addWidget(self.summary_view)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages)
        layout.addWidget(buttons)
        self.resize(900, 520)

    def show_result(self, result, stopped_early: bool = False) -> None:
        """An :class:`Assessment`, or a structured session's list of phase statistics."""
        if isinstance(result, Assessment):
            self.result_view.show_result(result)
            self.pages.setCurrentWidget(self.result_view)
        else:
            self.summary_view.show_stats(result, stopped_early=stopped_early)
            self.pages.setCurrentWidget(self.summary_view)
