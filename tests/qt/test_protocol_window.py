"""Both guided protocols through the window's parts: the protocol panel, the protocol controller,
the result table and the phase summary, on a real SessionController with the demo at 60x.

The parts are wired here as the composition root wires them (docs/protocols.md, "In the window").
"""

from __future__ import annotations

import pytest

from biofeedback.app.session import follow_pacer, make_core
from biofeedback.core import words
from biofeedback.core.assessment import Assessment
from biofeedback.core.pacer import ASSESSED_KEY, presets
from biofeedback.qt.devices import SourceRunner
from biofeedback.qt.protocol_controller import ProtocolController
from biofeedback.qt.session_controller import SessionController
from biofeedback.qt.widgets.assessment_result import RECOMMENDED, RUNNER_UP, AssessmentResultView
from biofeedback.qt.widgets.phase_summary import PhaseSummaryView
from biofeedback.qt.widgets.protocol_panel import ProtocolPanel
from biofeedback.qt.widgets.session_controls import PacerSettingsBox
from biofeedback.sources.clock import SessionClock
from biofeedback.sources.demo import DemoSource
from biofeedback.storage.people import PeopleStore
from biofeedback.storage.session_file import read_session

#: Fast enough for seconds, slow enough that the demo (its own thread) hears a new pacer within
#: a few session seconds even on a loaded machine; a block's first 20 s are not judged anyway.
SPEED = 60.0


class Window:
    """The protocol's parts and a demo session, wired as the main window would wire them."""

    def __init__(self, qtbot, tmp_path, demo: str = "resonance=5.5&seed=2") -> None:
        self.clock = SessionClock(SPEED)
        self.path = tmp_path / "session.bfs"
        self.controller = SessionController(self.clock, make_core(SPEED, self.path, "river-42", pacer=None))
        self.people = PeopleStore(tmp_path)
        self.protocol = ProtocolController(self.controller, self.people, "river-42")
        self.panel = ProtocolPanel(self.people.assessed_bpm("river-42"))
        self.result_view = AssessmentResultView()
        self.summary_view = PhaseSummaryView()
        self.pacer_box = PacerSettingsBox(self.people.assessed_bpm("river-42"))
        for w in (self.panel, self.result_view, self.summary_view, self.pacer_box):
            qtbot.addWidget(w)
        # the panel asks, the controller answers
        self.panel.start_requested.connect(self.protocol.start)
        self.panel.pause_requested.connect(self.protocol.pause)
        self.panel.resume_requested.connect(self.protocol.resume)
        self.panel.abort_requested.connect(self.protocol.abort)
        self.protocol.progress.connect(self.panel.show_state)
        self.protocol.finished.connect(self.show_result)
        self.result_view.rate_chosen.connect(self.protocol.use_rate)
        self.protocol.rate_saved.connect(self.offer_rate)
        self.calm: list[str] = []
        self.protocol.calm_words.connect(self.calm.append)
        # the demo breathes with the pacer, as in the window
        self.runner = SourceRunner(self.controller, self.clock)
        self.controller.pacer_changed.connect(lambda _pacer: follow_pacer(self.runner.source, self.controller.core))
        self.runner.switch(DemoSource.from_query(demo, f"demo?{demo}"), keep_recording=True)
        follow_pacer(self.runner.source, self.controller.core)

    def show_result(self, result) -> None:
        if isinstance(result, Assessment):
            self.result_view.show_result(result)
        else:
            self.summary_view.show_stats(result, stopped_early=self.protocol.runner.aborted)

    def offer_rate(self, bpm: float) -> None:
        self.pacer_box.set_presets(presets(bpm))
        self.panel.set_person_rate(bpm)

    def close(self) -> None:
        self.protocol.close()
        self.runner.stop()
        self.controller.close()


@pytest.fixture
def window(qtbot, tmp_path):
    w = Window(qtbot, tmp_path)
    yield w
    w.close()


def _state(window):
    return window.protocol.state()


def test_an_assessment_from_the_panel_runs_pauses_and_ends_with_its_result(qtbot, window):
    panel = window.panel
    panel.kind_box.setCurrentIndex(0)
    panel.rest_box.setValue(0)
    panel.fine_box.setChecked(False)
    with qtbot.waitSignal(window.protocol.started, timeout=5000):
        qtbot.mouseClick(panel.start_button, qtbot_button())
    assert not panel.start_button.isEnabled() and panel.pause_button.isEnabled()
    assert panel.phase_label.text() == "Step 1 of 5: Breathing at 6.5 breaths/min"
    assert window.controller.pacer.breaths_per_min == pytest.approx(6.5)
    assert window.calm[-1] == "", "a pacer guides: the calm view shows it, no words"
    # progress and time left move
    qtbot.waitUntil(lambda: panel.progress_bar.value() > 100, timeout=15000)
    assert not panel.progress_bar.isHidden()
    assert "left in this step" in panel.time_label.text()
    # pause: the pacer is hidden, the calm view says so, the panel offers to resume
    qtbot.mouseClick(panel.pause_button, qtbot_button())
    assert window.controller.pacer is None and panel.pause_button.text() == "Resume"
    assert window.calm[-1] == words.CALM_PAUSED
    paused_at = _state(window).elapsed_s
    qtbot.wait(300)
    assert _state(window).elapsed_s == pytest.approx(paused_at)
    qtbot.mouseClick(panel.pause_button, qtbot_button())
    assert window.controller.pacer is not None and panel.pause_button.text() == "Pause"
    with qtbot.waitSignal(window.protocol.finished, timeout=60000) as finished:
        pass
    result = finished.args[0]
    assert [c.rate_bpm for c in result.rates] == [6.5, 6.0, 5.5, 5.0, 4.5]
    assert panel.start_button.isEnabled() and panel.time_label.text() == "Finished."
    assert panel.progress_bar.isHidden(), "no empty or full bar while nothing runs"
    # the result table: one row per rate, the recommendation marked in words
    view = window.result_view
    assert view.table.rowCount() == 5
    marks = [view.table.item(r, 1).text() for r in range(5)]
    assert result.recommended_bpm is not None, result.reason
    assert abs(result.recommended_bpm - 5.5) <= 0.5
    assert marks.count(RECOMMENDED) == 1 and marks.count(RUNNER_UP) == 1
    assert view.table.item(marks.index(RECOMMENDED), 0).text() == f"{result.recommended_bpm:g}"
    assert view.reason.text() == result.reason
    assert view.headline.text().startswith(f"Recommended: {result.recommended_bpm:g} breaths per minute")
    # kept with the alias; the pacer box offers "Your rate"
    assert window.people.assessed_bpm("river-42") == result.recommended_bpm
    assert window.pacer_box.preset_box.findData(ASSESSED_KEY) >= 0
    qtbot.mouseClick(view.runner_up_button, qtbot_button())
    assert window.people.assessed_bpm("river-42") == result.runner_up_bpm
    assert window.panel.rate_box.value() == pytest.approx(result.runner_up_bpm)
    # the phases are in the session file, and the recording goes on
    assert window.controller.recording_path == window.path
    window.controller.stop_recording()
    phases = read_session(window.path).phases
    assert [p.phase for p in phases].count("block") == 6, "the paused block was breathed again"
    assert "paused" in [p.phase for p in phases] and phases[-1].phase == "done"


def test_a_structured_session_hides_the_pacer_for_its_baseline_and_stopping_keeps_what_was_recorded(qtbot, window):
    panel = window.panel
    panel.kind_box.setCurrentIndex(1)
    assert panel.forms.currentIndex() == 1 and panel.rate_box.value() == 6.0
    panel.baseline_box.setValue(1.0)
    panel.training_box.setValue(2.0)
    panel.recovery_box.setValue(1.0)
    panel.start_button.click()
    assert _state(window).phase == "signal_check" and window.calm[-1] == words.CALM_SIGNAL_CHECK
    qtbot.waitUntil(lambda: _state(window).phase == "baseline", timeout=15000)
    assert window.controller.pacer is None, "the baseline is natural breathing, the pacer hidden"
    qtbot.waitUntil(lambda: window.calm[-1] == words.CALM_BASELINE, timeout=5000)
    qtbot.waitUntil(lambda: _state(window).phase == "training", timeout=15000)
    assert window.controller.pacer.breaths_per_min == pytest.approx(6.0)
    qtbot.waitUntil(lambda: _state(window).elapsed_s > 20 + 60 + 70, timeout=15000)
    with qtbot.waitSignal(window.protocol.finished, timeout=5000) as finished:
        panel.stop_button.click()
    stats = finished.args[0]
    assert [s.phase for s in stats] == ["baseline", "training"]
    assert stats[1].swing_change is not None
    assert panel.time_label.text() == "Stopped early. What was recorded is kept."
    view = window.summary_view
    assert view.table.rowCount() == 2
    assert view.table.item(0, 0).text() == words.PHASE_BASELINE
    assert "(" in view.table.item(1, 2).text(), "the training row shows its change from the baseline"
    assert "stopped early" in view.note.text()
    # the session is still being recorded, with the aborted phase in it
    assert window.controller.recording_path == window.path
    beats = window.controller.beat_count
    qtbot.waitUntil(lambda: window.controller.beat_count > beats + 10, timeout=5000)
    window.controller.stop_recording()
    data = read_session(window.path)
    assert [p.phase for p in data.phases] == ["signal_check", "baseline", "training", "aborted"]
    assert data.phases[-1].t < data.events[-1].t, "recording went on after the stop"


def test_the_panel_builds_the_plans_it_shows(qtbot):
    panel = ProtocolPanel(5.25)
    qtbot.addWidget(panel)
    assert panel.rate_box.value() == 5.25
    plan = panel.plan()
    assert (plan.block_s, plan.rest_s, plan.fine_step) == (120.0, 30.0, True)
    panel.kind_box.setCurrentIndex(1)
    plan = panel.plan()
    assert (plan.rate_bpm, plan.baseline_s, plan.training_s, plan.recovery_s) == (5.25, 180.0, 600.0, 180.0)
    assert not panel.pause_button.isEnabled() and not panel.stop_button.isEnabled()


def test_the_panel_says_its_plan_in_one_line_and_unfolds_its_settings(qtbot):
    """Idle, the panel is small (the side panel keeps room for the metrics): the plan in one
    line, its settings and description behind "Settings", nothing empty taking room."""
    panel = ProtocolPanel()
    qtbot.addWidget(panel)
    panel.show()
    qtbot.waitExposed(panel)
    assert panel.plan_label.text() == "Five rates, 2 min each, 30 s rest between, then a fine step"
    assert not panel.forms.isVisible() and not panel.about.isVisible()
    assert not any(w.isVisible() for w in (panel.phase_label, panel.time_label, panel.message_label, panel.progress_bar))
    folded = panel.sizeHint().height()
    qtbot.mouseClick(panel.settings_button, qtbot_button())
    assert panel.forms.isVisible() and panel.about.isVisible() and panel.sizeHint().height() > folded
    panel.block_box.setValue(1.5)
    panel.fine_box.setChecked(False)
    assert panel.plan_label.text() == "Five rates, 1.5 min each, 30 s rest between"
    panel.kind_box.setCurrentIndex(panel.kind_box.findData("session"))
    assert panel.plan_label.text() == "Baseline 3 min, training 10 min at 6 breaths/min, recovery 3 min"
    assert panel.kind_box.toolTip() == panel.about.text()


def test_a_declined_assessment_says_why_and_offers_no_rate(qtbot):
    from biofeedback.core.assessment import decide
    from tests.test_protocol import RESONANT_AT_55, _block

    view = AssessmentResultView()
    qtbot.addWidget(view)
    result = decide([_block(r, s, p, followed=False, pacer_share=0.1) for r, s, p in RESONANT_AT_55])
    view.show_result(result)
    assert view.headline.text() == "No rate can be recommended from this assessment"
    assert view.reason.text() == result.reason
    assert not view.use_button.isEnabled() and not view.runner_up_button.isEnabled()
    assert [view.table.item(r, 1).text() for r in range(5)] == ["not followed"] * 5


def qtbot_button():
    from PySide6.QtCore import Qt

    return Qt.MouseButton.LeftButton
