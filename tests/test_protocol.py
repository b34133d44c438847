"""Guided protocols in the pure core: the plans, the runner on a real session core, the decisions.

The runner is driven here as the window and the command line drive it, without their clocks: the
demo's notifications go to a real SessionCore (with live analysis) at their own times, the runner
is ticked on each, and the demo follows every pacer the runner sets.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from biofeedback.core import assessment as A
from biofeedback.core import words
from biofeedback.core.annotations import PhaseChange
from biofeedback.core.live import LiveAnalyzer
from biofeedback.core.pacer import PacerSettings
from biofeedback.core.protocol import AssessmentPlan, ProtocolRunner, SessionPlan, Step, paced
from biofeedback.core.samples import Contact, Sample
from biofeedback.core.session import SessionCore, SessionListener
from biofeedback.core.simulator import SimulatorParams
from biofeedback.sources.demo import DemoSource


class Heard(SessionListener):
    def __init__(self) -> None:
        self.phases: list[PhaseChange] = []
        self.pacers: list[PacerSettings | None] = []

    def phase_changed(self, phase: PhaseChange) -> None:
        self.phases.append(phase)

    def pacer_changed(self, pacer) -> None:
        self.pacers.append(pacer)


class Demo:
    """A demo person, a session core and a runner, advanced notification by notification."""

    def __init__(self, plan, params: SimulatorParams = SimulatorParams(), pacer: PacerSettings | None = None) -> None:
        self.source = DemoSource(params)
        self.heard = Heard()
        self.core = SessionCore(LiveAnalyzer(pacer), pacer=pacer, listener=self.heard)
        self.runner = ProtocolRunner(self.core, plan)
        self.times = self.source.notification_times()
        self.t = 0.0
        self.contact = Contact.DETECTED
        self._followed = None

    def follow(self) -> None:
        pacer = (self.core.pacer, self.core.pacer_start)
        if pacer != self._followed:
            self._followed = pacer
            self.source.follow_pacer(*pacer)

    def start(self) -> None:
        self.runner.start(self.t)
        self.follow()

    def run(self, until: float | None = None) -> None:
        """Notifications until session time ``until`` (or the runner finishes)."""
        while (until is None or self.t < until) and not self.runner.finished:
            self.t = next(self.times)
            sample = dataclasses.replace(self.source.next_sample(self.t), contact=self.contact)
            self.core.on_event(sample, self.t)
            self.runner.on_sample(sample)
            self.runner.tick(self.t)
            self.follow()


# --------------------------------------------------------------------------- plans


def test_the_assessment_plan_breathes_each_rate_with_rests_between():
    steps = AssessmentPlan().steps()
    assert [s.rate_bpm for s in steps if s.phase == "block"] == [6.5, 6.0, 5.5, 5.0, 4.5]
    assert [s.phase for s in steps[:3]] == ["block", "rest", "block"]
    assert all(s.rate_bpm is None for s in steps if s.phase == "rest")
    assert steps[0].duration_s == 120.0 and steps[1].duration_s == 30.0
    assert steps[0].label == "Breathing at 6.5 breaths/min"
    assert AssessmentPlan(rates=(4.5, 5.5, 6.5), rest_s=0).steps() == [
        Step("block", words.PHASE_BLOCK.format(rate=r), 120.0, r) for r in (4.5, 5.5, 6.5)
    ]


def test_the_fine_step_goes_a_quarter_either_side_of_the_best_rate_not_yet_breathed():
    plan = AssessmentPlan()
    assert [s.rate_bpm for s in plan.fine_steps(5.5, [6.5, 6.0, 5.5, 5.0, 4.5]) if s.phase == "block"] == [5.25, 5.75]
    assert [s.rate_bpm for s in plan.fine_steps(5.5, [5.25]) if s.phase == "block"] == [5.75]
    assert AssessmentPlan(fine_step=False).fine_steps(5.5, []) == []


@pytest.mark.parametrize(
    "kwargs",
    [dict(rates=(6.0, 5.0)), dict(rates=(6.0, 5.0, 20.0)), dict(rates=(6.0, 6.0, 5.0)), dict(block_s=30.0), dict(rest_s=-1.0)],
)
def test_an_assessment_plan_that_cannot_work_is_refused(kwargs):
    with pytest.raises(ValueError):
        AssessmentPlan(**kwargs)


def test_the_session_plan_checks_then_baseline_training_recovery():
    steps = SessionPlan(rate_bpm=5.5).steps()
    assert [(s.phase, s.rate_bpm) for s in steps] == [("signal_check", None), ("baseline", None), ("training", 5.5), ("recovery", None)]
    assert [s.duration_s for s in steps] == [20.0, 180.0, 600.0, 180.0]
    assert [s.phase for s in SessionPlan(check_s=0, recovery_s=0).steps()] == ["baseline", "training"]
    with pytest.raises(ValueError):
        SessionPlan(rate_bpm=1.0)
    with pytest.raises(ValueError):
        SessionPlan(baseline_s=10.0)


def test_protocol_pacers_keep_the_exact_rate_and_a_longer_out_breath():
    assert paced(5.25).breaths_per_min == pytest.approx(5.25)
    assert paced(6.0).inhale_s == pytest.approx(4.0) and paced(6.0).exhale_s == pytest.approx(6.0)


# --------------------------------------------------------------------------- the runner


def test_an_assessment_runs_its_blocks_with_the_pacer_and_rests_without_and_recommends_the_resonance():
    demo = Demo(AssessmentPlan(), SimulatorParams(resonance_bpm=5.5, seed=2))
    demo.start()
    demo.run()
    runner = demo.runner
    assert runner.finished and not runner.aborted
    phases = [p for p in demo.heard.phases]
    blocks = [p for p in phases if p.phase == "block"]
    assert [p.rate_bpm for p in blocks][:5] == [6.5, 6.0, 5.5, 5.0, 4.5]
    assert len(blocks) == 7, "the fine step adds two blocks"
    assert {p.rate_bpm for p in blocks[5:]} in ({5.25, 5.75}, {4.75, 5.25}, {5.75, 6.25})
    assert phases[-1].phase == "done" and phases[-1].rate_bpm == runner.result.recommended_bpm
    assert abs(runner.result.recommended_bpm - 5.5) <= 0.25
    assert runner.result.runner_up_bpm is not None and runner.result.runner_up_bpm != runner.result.recommended_bpm
    # each block's pacer at its rate, each rest without; the protocol leaves no pacer behind
    for block in runner.blocks:
        assert block.pacer.breaths_per_min == pytest.approx(block.rate_bpm)
        assert block.end_s - block.start_s == pytest.approx(120.0, abs=1.5)
    rests = [p for p in phases if p.phase == "rest"]
    assert len(rests) == 6 and all(p.rate_bpm is None for p in rests)
    assert demo.core.pacer is None
    assert runner.state(demo.t).fraction == 1.0


def test_the_phases_and_pacer_changes_reach_the_session_file(tmp_path):
    from biofeedback.app.session import file_opener
    from biofeedback.storage.session_file import read_session

    demo = Demo(AssessmentPlan(rates=(6.0, 5.0, 4.5), block_s=60.0, rest_s=10.0, fine_step=False))
    demo.core.open_sink = file_opener(tmp_path / "a.bfs")
    demo.core.source_started(demo.source.describe(), 0.0, keep_recording=True)
    demo.start()
    demo.run()
    demo.core.stop_recording(demo.t)
    data = read_session(tmp_path / "a.bfs")
    assert [(p.phase, p.rate_bpm) for p in data.phases] == [
        ("block", 6.0), ("rest", None), ("block", 5.0), ("rest", None), ("block", 4.5), ("done", demo.runner.result.recommended_bpm)
    ]
    assert data.phases[0].label == "Breathing at 6 breaths/min"


def test_state_tells_the_phase_progress_and_time_left():
    demo = Demo(AssessmentPlan(block_s=60.0, rest_s=10.0))
    before = demo.runner.state(0.0)
    assert before.step == 0 and before.total_s == pytest.approx(7 * 60 + 6 * 10)
    demo.start()
    demo.run(until=30.0)
    state = demo.runner.state(demo.t)
    assert (state.phase, state.rate_bpm, state.step) == ("block", 6.5, 1)
    assert state.step_left_s == pytest.approx(60.0 - demo.t, abs=1e-6)
    assert state.elapsed_s == pytest.approx(demo.t)
    assert 0.0 < state.fraction < 0.1
    assert state.time_left_s == pytest.approx(state.total_s - demo.t)


def test_pause_hides_the_pacer_and_a_paused_block_starts_again():
    demo = Demo(AssessmentPlan(block_s=60.0, rest_s=10.0, fine_step=False))
    demo.start()
    demo.run(until=40.0)
    demo.runner.pause(demo.t)
    paused_at = demo.t
    assert demo.core.pacer is None and demo.heard.phases[-1].phase == "paused"
    assert demo.runner.state(demo.t).paused
    demo.run(until=100.0)  # time passes; nothing moves on
    assert demo.runner.index == 0 and demo.runner.state(demo.t).phase == "paused"
    demo.runner.resume(demo.t)
    resumed_at = demo.t
    assert demo.core.pacer == paced(6.5) and demo.heard.phases[-1].phase == "block"
    assert demo.runner.state(demo.t).step_left_s == pytest.approx(60.0), "a broken block is breathed again in full"
    demo.run(until=resumed_at + 61.0)
    assert demo.runner.blocks[0].start_s == pytest.approx(resumed_at)
    assert paused_at < resumed_at


def test_a_paused_session_phase_goes_on_with_the_time_it_had_left():
    demo = Demo(SessionPlan(check_s=0, baseline_s=60.0, training_s=60.0, recovery_s=0))
    demo.start()
    demo.run(until=20.0)
    demo.runner.pause(demo.t)
    demo.run(until=50.0)
    demo.runner.resume(demo.t)
    assert demo.runner.state(demo.t).step_left_s == pytest.approx(60.0 - 20.0, abs=1.1)
    demo.run()
    spans = [s for s in demo.runner.spans if s.phase == "baseline"]
    assert len(spans) == 2
    stats = demo.runner.result
    assert [s.phase for s in stats] == ["baseline", "training"], "a phase split by a pause is one phase"


def test_abort_keeps_what_was_done_and_restores_the_pacer():
    before = PacerSettings.from_rate(6.0)
    demo = Demo(AssessmentPlan(block_s=60.0, rest_s=10.0), pacer=before)
    demo.start()
    demo.run(until=150.0)  # two blocks
    demo.runner.abort(demo.t)
    assert demo.runner.finished and demo.runner.aborted
    assert demo.heard.phases[-1].phase == "aborted"
    assert demo.core.pacer == before
    assert [b.rate_bpm for b in demo.runner.blocks] == [6.5, 6.0]
    assert demo.runner.result.declined == A.DECLINE_TOO_SHORT
    assert demo.runner.state(demo.t).aborted
    demo.runner.tick(demo.t + 100.0)
    demo.runner.pause(demo.t + 100.0)
    assert demo.heard.phases[-1].phase == "aborted", "nothing happens after the end"


def test_a_structured_session_compares_its_phases_with_the_baseline():
    demo = Demo(SessionPlan(rate_bpm=5.5, check_s=10.0, baseline_s=180.0, training_s=300.0, recovery_s=120.0), SimulatorParams(resonance_bpm=5.5, seed=3))
    demo.start()
    demo.run()
    assert [p.phase for p in demo.heard.phases] == ["signal_check", "baseline", "training", "recovery", "done"]
    assert demo.heard.pacers[0] is None or demo.heard.pacers[0] == paced(5.5)
    stats = {s.phase: s for s in demo.runner.result}
    assert list(stats) == ["baseline", "training", "recovery"], "the signal check is not compared"
    base, training = stats["baseline"], stats["training"]
    assert base.hr_change is None
    # breathing at resonance: a far larger heart-rate wave and more coherence than breathing freely
    assert training.swing_bpm > 1.5 * base.swing_bpm
    assert training.swing_change == pytest.approx(training.swing_bpm - base.swing_bpm)
    assert training.coherence > 3.0 > base.coherence
    assert training.rmssd_ms > base.rmssd_ms
    assert abs(training.hr_change) < 10.0


def test_the_signal_check_waits_for_contact_and_says_what_to_do():
    demo = Demo(SessionPlan(check_s=10.0, check_max_s=60.0, baseline_s=60.0, training_s=60.0))
    demo.contact = Contact.NOT_DETECTED
    demo.start()
    demo.run(until=30.0)
    state = demo.runner.state(demo.t)
    assert state.phase == "signal_check" and state.message == words.CONTACT_LOST
    demo.contact = Contact.DETECTED
    demo.run(until=45.0)
    assert demo.runner.state(demo.t).phase == "baseline"
    assert demo.runner.state(demo.t).message is None


def test_a_signal_check_that_never_passes_stops_the_session_with_its_reason():
    demo = Demo(SessionPlan(check_s=10.0, check_max_s=30.0, baseline_s=60.0, training_s=60.0))
    demo.contact = Contact.NOT_DETECTED
    demo.start()
    demo.run(until=60.0)
    assert demo.runner.aborted
    assert demo.runner.message == words.SIGNAL_CHECK_FAILED.format(seconds=30.0, problem=words.CONTACT_LOST)


def test_the_signal_check_waits_while_many_beats_are_irregular():
    demo = Demo(SessionPlan(check_s=10.0, check_max_s=120.0, baseline_s=60.0, training_s=60.0), SimulatorParams(ectopic_rate=0.15, seed=1))
    demo.start()
    demo.run(until=90.0)
    state = demo.runner.state(demo.t)
    assert state.phase == "signal_check"
    assert state.message.startswith("Many beats look irregular")


def test_the_signal_check_waits_for_heartbeats():
    core = SessionCore(LiveAnalyzer())
    runner = ProtocolRunner(core, SessionPlan(check_s=5.0))
    runner.start(0.0)
    runner.on_sample(Sample(1.0, None))
    runner.tick(10.0)
    assert runner.state(10.0).message == words.WAITING_FOR_HEARTBEAT


# --------------------------------------------------------------------------- decisions


def _block(rate: float, swing: float, phase: float, **kw) -> A.BlockCriteria:
    values = dict(
        rate_bpm=rate, start_s=0.0, end_s=100.0, beats=110, swing_bpm=swing, phase_deg=phase,
        lf_power_ms2=swing**2 * 20, lf_peak_hz=rate / 60.0, lf_peak_ms2_per_hz=swing**2 * 1000, peak_offset_bpm=0.02, lf_peaks=1,
        pacer_share=0.8, artifact_pct=0.0, followed=True, usable=True,
    )
    values.update(kw)
    return A.BlockCriteria(**values)


RESONANT_AT_55 = [(6.5, 9.0, -35.0), (6.0, 11.0, -20.0), (5.5, 14.0, -2.0), (5.0, 11.5, 20.0), (4.5, 9.5, 30.0)]


def test_the_largest_wave_in_step_is_recommended_with_its_reason_and_runner_up():
    result = A.decide([_block(*b) for b in RESONANT_AT_55])
    assert result.recommended_bpm == 5.5 and result.runner_up_bpm in (5.0, 6.0)
    assert result.reason == words.RF_REASON_BEST.format(rate=5.5, swing=14.0, phase=2.0)
    assert "in step with your breathing" in result.reason
    assert all(c.score is not None for c in result.rates)


def test_the_phase_crossing_tells_between_two_similar_swings():
    # swings equal at 5.0 and 5.5; heart rate comes into step at 5.1
    blocks = [(6.0, 9.0, -40.0), (5.5, 12.0, -15.0), (5.0, 12.0, 5.0), (4.5, 9.0, 30.0)]
    assert A.in_step_rate([_block(*b) for b in blocks]) == pytest.approx(5.0 + 0.5 * 5.0 / 20.0)
    assert A.decide([_block(*b) for b in blocks]).recommended_bpm == 5.0


def test_without_a_crossing_the_phase_of_each_block_counts():
    blocks = [(6.5, 8.0, -50.0), (6.0, 9.0, -40.0), (5.5, 10.0, -30.0), (5.0, 12.0, -20.0), (4.5, 13.0, -5.0)]
    assert A.in_step_rate([_block(*b) for b in blocks]) is None
    assert A.decide([_block(*b) for b in blocks]).recommended_bpm == 4.5


def test_it_declines_when_artefacts_spoil_the_blocks():
    blocks = [_block(r, s, p, artifact_pct=12.0, usable=False) for r, s, p in RESONANT_AT_55]
    result = A.decide(blocks)
    assert (result.recommended_bpm, result.runner_up_bpm, result.declined) == (None, None, A.DECLINE_ARTIFACTS)
    assert result.reason == words.RF_DECLINE_ARTIFACTS.format(pct=12.0, limit=A.ARTIFACT_LIMIT_PCT)


def test_it_declines_when_the_heart_did_not_follow_the_pacer():
    blocks = [_block(r, s, p, followed=i == 2, pacer_share=0.1) for i, (r, s, p) in enumerate(RESONANT_AT_55)]
    result = A.decide(blocks)
    assert result.declined == A.DECLINE_NOT_FOLLOWED and result.recommended_bpm is None
    assert "1 of 5 blocks" in result.reason


def test_it_declines_when_heart_rate_hardly_moved():
    result = A.decide([_block(r, s / 6.0, p) for r, s, p in RESONANT_AT_55])
    assert result.declined == A.DECLINE_LOW_VARIABILITY
    assert result.reason == words.RF_DECLINE_LOW_VARIABILITY.format(swing=14.0 / 6.0)


def test_it_declines_when_no_rate_stands_out():
    blocks = [(6.5, 10.0, 0.0), (6.0, 10.1, 0.0), (5.5, 10.0, 0.0), (5.0, 10.1, 0.0), (4.5, 10.0, 0.0)]
    result = A.decide([_block(*b) for b in blocks])
    assert result.declined == A.DECLINE_NO_SEPARATION and result.reason == words.RF_DECLINE_NO_SEPARATION


def test_it_declines_with_too_few_blocks():
    result = A.decide([_block(*b) for b in RESONANT_AT_55[:2]])
    assert result.declined == A.DECLINE_TOO_SHORT


def test_block_criteria_read_a_pure_breath_wave():
    """A heart rate that rises and falls 10 beats/min with a 6/min pacer's guided breath, in step with it."""
    from biofeedback.core.coupling import pacer_volume

    pacer = PacerSettings.from_rate(6.0)
    t, times, rr = 0.0, [], []
    while t < 150.0:
        hr = 65.0 + 10.0 * float(pacer_volume(pacer, 0.0, [t + 0.4])[0])  # the heart rate of the coming beat
        t += 60.0 / hr
        times.append(t)
        rr.append(60000.0 / hr)
    times, rr = np.array(times), np.array(rr)
    block = A.Block(6.0, 0.0, 150.0, pacer, 0.0)
    c = A.block_criteria(times, rr, np.r_[True, np.zeros(len(rr) - 1, bool)], block)
    assert c.swing_bpm == pytest.approx(10.0, rel=0.05)
    assert abs(c.phase_deg) < 10.0
    assert c.lf_peak_hz == pytest.approx(0.1, abs=0.003) and c.lf_peaks == 1
    assert c.pacer_share > 0.85 and c.followed and c.usable and c.artifact_pct == 0.0
    assert c.to_dict()["rate_bpm"] == 6.0


def test_a_state_in_words_rounds_time_left_up_everywhere():
    """The panel, the clinic header and the home screen say the same: time left rounded up, so
    "0:00" means done and a step never reads a second shorter in one place than another."""
    from biofeedback.core.protocol import ProtocolState

    state = ProtocolState("session", "training", "Training at 6 breaths/min", 6.0, 3, 4, 59.2, 300.0, 900.0)
    assert state.in_words() == ("Step 3 of 4: Training at 6 breaths/min", "1:00 left in this step, 10:00 in all")
    paused = ProtocolState("session", "paused", "Paused", None, 3, 4, 59.2, 300.4, 900.0, paused=True)
    assert paused.in_words()[1] == "Paused. 10:00 left in all."
    stopped = ProtocolState("session", "aborted", "Stopped early", None, 3, 4, 0.0, 300.0, 900.0, finished=True, aborted=True)
    assert stopped.in_words()[0] == "Stopped early" and stopped.in_words()[1].startswith("Stopped")
