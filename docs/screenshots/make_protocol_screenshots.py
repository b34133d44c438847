"""Render the guided-protocol screenshots in docs/screenshots (run: python docs/screenshots/make_protocol_screenshots.py).

The real widgets, offscreen, in the dark appearance, showing real results: a resonance assessment
of the demo person whose resonance is 5.5 breaths/min (seed 2), and a structured session of the
same person training at that rate, each run as ``biofeedback assess`` and ``biofeedback protocol``
run them (the same session core and runner, without waiting on a clock). Beside each table, the
protocol panel as it stands at the end.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication, QHBoxLayout, QWidget  # noqa: E402

from biofeedback.app.guided import run_without_clock  # noqa: E402
from biofeedback.core.live import LiveAnalyzer  # noqa: E402
from biofeedback.core.protocol import AssessmentPlan, ProtocolRunner, SessionPlan  # noqa: E402
from biofeedback.core.session import SessionCore  # noqa: E402
from biofeedback.core.simulator import SimulatorParams  # noqa: E402
from biofeedback.qt import palette  # noqa: E402
from biofeedback.qt.main_window import qt_palette  # noqa: E402
from biofeedback.qt.widgets.assessment_result import AssessmentResultView  # noqa: E402
from biofeedback.qt.widgets.phase_summary import PhaseSummaryView  # noqa: E402
from biofeedback.qt.widgets.protocol_panel import ProtocolPanel  # noqa: E402
from biofeedback.sources.demo import DemoSource  # noqa: E402

HERE = Path(__file__).resolve().parent
PERSON = SimulatorParams(resonance_bpm=5.5, seed=2, hr_bpm=68.0)


def run(plan) -> ProtocolRunner:
    core = SessionCore(LiveAnalyzer(None), pacer=None)
    return run_without_clock(DemoSource(PERSON), core, ProtocolRunner(core, plan))


def page(panel: ProtocolPanel, view: QWidget, width: int) -> QWidget:
    out = QWidget()
    layout = QHBoxLayout(out)
    layout.setContentsMargins(16, 16, 16, 16)
    layout.setSpacing(20)
    panel.setFixedWidth(300)
    layout.addWidget(panel)
    layout.addWidget(view, 1)
    out.resize(width, out.sizeHint().height())
    return out


def save(widget: QWidget, name: str, app: QApplication) -> None:
    widget.show()
    app.processEvents()
    widget.resize(widget.width(), widget.sizeHint().height())
    app.processEvents()
    widget.grab().save(str(HERE / name))


def main() -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setPalette(qt_palette(palette.DARK))

    assessment = run(AssessmentPlan())
    view = AssessmentResultView()
    view.show_result(assessment.result)
    panel = ProtocolPanel()
    panel.show_state(assessment.state(assessment.core.since_last_beat_s(0.0) or 0.0))
    save(page(panel, view, 1180), "assessment-result.png", app)

    rate = assessment.result.recommended_bpm or 6.0
    session = run(SessionPlan(rate_bpm=rate))
    summary = PhaseSummaryView()
    summary.show_stats(session.result)
    panel = ProtocolPanel(rate)
    panel.kind_box.setCurrentIndex(1)
    panel.show_state(session.state(0.0))
    save(page(panel, summary, 1100), "session-summary.png", app)
    print(f"assessment: {assessment.result.recommended_bpm} (runner-up {assessment.result.runner_up_bpm}); session at {rate}")
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())
