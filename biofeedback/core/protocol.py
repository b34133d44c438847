"""Guided protocols: the plans, and a runner that drives a session core through them by time.

Two plans (docs/protocols.md):

- :class:`AssessmentPlan`, the resonance-frequency assessment (Lehrer, Vaschillo & Vaschillo
  2000; Shaffer & Meehan 2020): blocks of paced breathing at 6.5, 6.0, 5.5, 5.0 and 4.5
  breaths/min (order and durations configurable) with short rests of free breathing between
  them, then, optionally, a fine step of +-0.25 breaths/min around the best rate;
- :class:`SessionPlan`, the structured session: a signal check, a baseline of natural
  breathing with the pacer hidden, training at the person's rate, and recovery.

:class:`ProtocolRunner` runs a plan on a :class:`~biofeedback.core.session.SessionCore`:
``start(now)``, ``tick(now)``, ``pause(now)``, ``resume(now)``, ``abort(now)``. It enters each
phase through :meth:`SessionCore.enter_phase` (a ``phase`` event in the session file, and the
listener hears it), sets or hides the pacer with :meth:`SessionCore.set_pacer`, holds the signal
check until the strap's contact and the live artefact share are acceptable, and extends the plan
with the fine step when the coarse blocks point at a rate. Pure: no clock reads, time is passed
in. Call :meth:`ProtocolRunner.tick` often (on every notification, as the window and the command
line do): a phase begins at the first tick after the previous one's time is up.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from biofeedback.core import words
from biofeedback.core.annotations import PhaseChange
from biofeedback.core.artifacts import count_premature
from biofeedback.core.assessment import Assessment, Block, PhaseStats, Span, assess, compare_phases
from biofeedback.core.pacer import RATE_MAX_BPM, RATE_MIN_BPM, PacerSettings
from biofeedback.core.samples import Contact, Sample
from biofeedback.core.session import SessionCore

ASSESSMENT = "assessment"
SESSION = "session"

#: Share of each breath spent breathing in during a protocol's paced phases: 4 s in and 6 s out at
#: 6 breaths/min. A longer out-breath is how resonance breathing is usually taught (Lehrer et al.
#: 2000; Lehrer & Gevirtz 2014); the rate is not rounded, so a fine step of 0.25 stays exact.
INHALE_FRACTION = 0.4

#: Share of irregular beats above which the signal check waits, percent: the live artefact share
#: (last 2 minutes) or the premature beats with their pauses among the last :data:`CHECK_WINDOW_S`
#: seconds' beats, whichever is larger. Frequent premature beats widen the detector's thresholds
#: until it flags none of them (docs/metrics.md), so they are counted directly. Lenient on purpose
#: (the assessment allows 5 % per block): the check asks whether the strap works, not for a
#: perfect rhythm; the demo with 2 % premature beats passes, with 5 % it waits.
CHECK_ARTIFACT_PCT = 10.0
CHECK_WINDOW_S = 60.0

#: Beats the signal check wants before it judges (about 20 s at rest).
CHECK_MIN_BEATS = 20

#: The signal check waits when no beat has arrived for this long, s.
CHECK_BEAT_TIMEOUT_S = 5.0


def paced(rate_bpm: float) -> PacerSettings:
    """The pacer a protocol uses at ``rate_bpm`` breaths/min."""
    return PacerSettings.from_rate(rate_bpm, INHALE_FRACTION)


@dataclass(frozen=True, slots=True)
class Step:
    """One step of a plan.

    Attributes
    ----------
    phase : ``signal_check``, ``baseline``, ``training``, ``recovery``, ``block`` or ``rest``.
    label : what people read.
    duration_s : how long it lasts, s (the signal check: at least this long, until it passes).
    rate_bpm : the pacer's rate, breaths/min, or None (pacer hidden, breathing freely).
    """

    phase: str
    label: str
    duration_s: float
    rate_bpm: float | None = None


@dataclass(frozen=True, slots=True)
class AssessmentPlan:
    """A resonance-frequency assessment.

    Attributes
    ----------
    rates : breaths/min, in the order breathed (default from fast to slow, as Lehrer et al. 2000).
    block_s : length of each block, s (2 minutes: Lehrer et al. 2000; Shaffer & Meehan 2020).
    rest_s : free breathing between blocks, s (0: none).
    fine_step : after the blocks, breathe also at ``fine_delta_bpm`` either side of the best rate.
    """

    rates: tuple[float, ...] = (6.5, 6.0, 5.5, 5.0, 4.5)
    block_s: float = 120.0
    rest_s: float = 30.0
    fine_step: bool = True
    fine_delta_bpm: float = 0.25

    protocol = ASSESSMENT

    def __post_init__(self) -> None:
        if len(self.rates) < 3:
            raise ValueError("an assessment compares at least three rates")
        if any(not RATE_MIN_BPM <= r <= RATE_MAX_BPM for r in self.rates):
            raise ValueError(f"rates must lie within {RATE_MIN_BPM:g}-{RATE_MAX_BPM:g} breaths/min")
        if len(set(self.rates)) != len(self.rates):
            raise ValueError("each rate once")
        if self.block_s < 60.0 or self.rest_s < 0.0:
            raise ValueError("blocks last at least 60 s and rests are not negative")

    def steps(self) -> list[Step]:
        out: list[Step] = []
        for i, rate in enumerate(self.rates):
            if i and self.rest_s:
                out.append(Step("rest", words.PHASE_REST, self.rest_s))
            out.append(Step("block", words.PHASE_BLOCK.format(rate=rate), self.block_s, rate))
        return out

    def fine_steps(self, best_bpm: float, done: Sequence[float]) -> list[Step]:
        """The fine step around ``best_bpm``: blocks at +-``fine_delta_bpm`` not yet breathed."""
        out: list[Step] = []
        if not self.fine_step:
            return out
        for rate in (best_bpm - self.fine_delta_bpm, best_bpm + self.fine_delta_bpm):
            rate = round(rate, 2)
            if RATE_MIN_BPM <= rate <= RATE_MAX_BPM and all(abs(rate - d) > 1e-6 for d in done):
                if self.rest_s:
                    out.append(Step("rest", words.PHASE_REST, self.rest_s))
                out.append(Step("block", words.PHASE_BLOCK.format(rate=rate), self.block_s, rate))
        return out

    @property
    def planned_s(self) -> float:
        """The whole assessment with its fine step, s."""
        blocks = len(self.rates) + (2 if self.fine_step else 0)
        return blocks * self.block_s + (blocks - 1) * self.rest_s


@dataclass(frozen=True, slots=True)
class SessionPlan:
    """A structured session: signal check, baseline, training at ``rate_bpm``, recovery (s)."""

    rate_bpm: float = 6.0
    check_s: float = 20.0
    check_max_s: float = 120.0
    baseline_s: float = 180.0
    training_s: float = 600.0
    recovery_s: float = 180.0

    protocol = SESSION

    def __post_init__(self) -> None:
        if not RATE_MIN_BPM <= self.rate_bpm <= RATE_MAX_BPM:
            raise ValueError(f"the rate must lie within {RATE_MIN_BPM:g}-{RATE_MAX_BPM:g} breaths/min")
        if self.baseline_s < 60.0 or self.training_s < 60.0 or self.recovery_s < 0.0 or self.check_s < 0.0:
            raise ValueError("baseline and training last at least 60 s; no phase is negative")
        if self.check_max_s < self.check_s:
            raise ValueError("the signal check's limit is shorter than the check")

    def steps(self) -> list[Step]:
        out = [Step("signal_check", words.PHASE_SIGNAL_CHECK, self.check_s)] if self.check_s else []
        out += [
            Step("baseline", words.PHASE_BASELINE, self.baseline_s),
            Step("training", words.PHASE_TRAINING.format(rate=self.rate_bpm), self.training_s, self.rate_bpm),
        ]
        if self.recovery_s:
            out.append(Step("recovery", words.PHASE_RECOVERY, self.recovery_s))
        return out

    @property
    def planned_s(self) -> float:
        return self.check_s + self.baseline_s + self.training_s + self.recovery_s


@dataclass(frozen=True, slots=True)
class ProtocolState:
    """Where a protocol is, for the screens.

    Attributes
    ----------
    protocol : ``assessment`` or ``session``.
    phase, label : the current step's phase and words (``paused``, ``done`` or ``aborted`` once
        there), and its pacer's rate (None: hidden).
    step, steps : the current step's number (1-based) and how many there are (the fine step adds
        its blocks once it is decided).
    step_left_s : time left in this step, s.
    elapsed_s, total_s : protocol time so far (pauses not counted) and planned in all, s.
    paused, finished, aborted : what it is doing.
    message : a plain sentence while the signal check waits (what to do), else None.
    """

    protocol: str
    phase: str
    label: str
    rate_bpm: float | None
    step: int
    steps: int
    step_left_s: float
    elapsed_s: float
    total_s: float
    paused: bool = False
    finished: bool = False
    aborted: bool = False
    message: str | None = None

    @property
    def fraction(self) -> float:
        """Share of the protocol done, 0..1."""
        if self.finished and not self.aborted:
            return 1.0
        return min(self.elapsed_s / self.total_s, 1.0) if self.total_s > 0 else 0.0

    @property
    def time_left_s(self) -> float:
        return max(self.total_s - self.elapsed_s, 0.0)

    def in_words(self) -> tuple[str, str]:
        """What the state says, the same in the panel, the clinic header and at home: the step
        ("Step 2 of 5: Breathing at 6 breaths/min") and the time ("1:30 left in this step, 9:00
        in all"; paused, stopped or finished, that)."""
        running = bool(self.steps) and not self.finished
        step = words.PROTOCOL_STEP.format(step=self.step, steps=self.steps, label=self.label) if running else self.label
        if self.finished:
            return step, words.PROTOCOL_STOPPED_KEPT if self.aborted else words.PROTOCOL_FINISHED
        if self.paused:
            return step, words.PROTOCOL_PAUSED_LEFT.format(total=clock_left(self.time_left_s))
        return step, words.PROTOCOL_TIME_LEFT.format(step=clock_left(self.step_left_s), total=clock_left(self.time_left_s))


def clock_left(seconds: float) -> str:
    """Time left as a clock, rounded up so that "0:00" means done: "12:05" for 724.2 s."""
    whole = max(math.ceil(seconds - 1e-6), 0)
    return f"{whole // 60}:{whole % 60:02d}"


class ProtocolRunner:
    """Runs a plan on a session core, by the time passed in.

    Parameters
    ----------
    core : SessionCore
        The session the protocol guides (its pacer and phases are set from here).
    plan : AssessmentPlan or SessionPlan
    """

    def __init__(self, core: SessionCore, plan: AssessmentPlan | SessionPlan) -> None:
        self.core = core
        self.plan = plan
        self.protocol = plan.protocol
        self.steps: list[Step] = plan.steps()
        self.index = -1
        self.started = False
        self.finished = False
        self.aborted = False
        self.paused = False
        self.message: str | None = None
        #: The blocks breathed so far (assessment), as the assessment reads them.
        self.blocks: list[Block] = []
        #: The spans of each phase so far (pauses split a phase into several spans).
        self.spans: list[Span] = []
        self.result: Assessment | list[PhaseStats] | None = None
        self._fine_added = False
        self._pacer_before: PacerSettings | None = None
        self._step_start = 0.0  # when the current step (re)started, session s
        self._step_done = 0.0  # protocol time already spent in this step before a pause, s
        self._elapsed_before = 0.0  # protocol time of the steps before this one, s
        self._span_start = 0.0
        self._paused_at = 0.0
        self._last_contact: Contact | None = None
        self._check_passing_since: float | None = None

    # ------------------------------------------------------------------ control

    def start(self, now: float) -> None:
        """Begin with the first step at ``now``."""
        if self.started:
            return
        self.started = True
        self._pacer_before = self.core.pacer
        self._enter(0, now)

    def tick(self, now: float) -> bool:
        """Move on when a step's time is up (or the signal check passes). Returns False once finished."""
        if not self.started or self.finished:
            return not self.finished
        if self.paused:
            return True
        while not self.finished and not self.paused:
            step = self.steps[self.index]
            spent = self._step_done + now - self._step_start
            if step.phase == "signal_check":
                if not self._check(now, spent):
                    break
            elif spent < step.duration_s:
                break
            self._leave(now)
            if self.index + 1 >= len(self.steps) and not self._extend(now):
                self._finish(now, aborted=False)
            else:
                self._enter(self.index + 1, now)
        return not self.finished

    def pause(self, now: float) -> None:
        """Stop the clock of the protocol; the pacer is hidden while it waits. What was recorded stays."""
        if not self.started or self.finished or self.paused:
            return
        self._close_span(now)
        self.paused = True
        self._paused_at = now
        self._step_done += now - self._step_start
        self.core.enter_phase(PhaseChange(now, self.protocol, "paused", words.PHASE_PAUSED))
        self.core.set_pacer(None, now)

    def resume(self, now: float) -> None:
        """Go on from where it paused. A block of the assessment starts again from its beginning,
        since its breaths were broken; other phases go on with the time they had left."""
        if not self.paused or self.finished:
            return
        self.paused = False
        if self.steps[self.index].phase == "block":
            self._step_done = 0.0
        self._step_start = now
        self._begin(now)

    def abort(self, now: float) -> None:
        """Stop here: an ``aborted`` phase, the pacer as it was before; the result describes what was done."""
        if not self.started or self.finished:
            return
        if not self.paused:
            self._close_span(now)
        self._finish(now, aborted=True)

    def on_sample(self, sample: Sample) -> None:
        """A notification from the strap: the signal check watches its skin contact."""
        self._last_contact = sample.contact

    # ------------------------------------------------------------------ state

    def state(self, now: float) -> ProtocolState:
        total = self._planned_total()
        if not self.started:
            first = self.steps[0]
            return ProtocolState(self.protocol, first.phase, first.label, first.rate_bpm, 0, len(self.steps), first.duration_s, 0.0, total)
        step = self.steps[self.index]
        spent = self._step_done + (0.0 if self.paused or self.finished else now - self._step_start)
        if self.finished:
            phase, label = ("aborted", words.PHASE_ABORTED) if self.aborted else ("done", words.PHASE_DONE)
            elapsed = self._elapsed_before if self.aborted else total
            return ProtocolState(self.protocol, phase, label, None, self.index + 1, len(self.steps), 0.0, elapsed, total, False, True, self.aborted, self.message)
        return ProtocolState(
            self.protocol,
            "paused" if self.paused else step.phase,
            words.PHASE_PAUSED if self.paused else step.label,
            None if self.paused else step.rate_bpm,
            self.index + 1,
            len(self.steps),
            max(step.duration_s - spent, 0.0),
            self._elapsed_before + min(spent, step.duration_s),
            total,
            self.paused,
            message=self.message,
        )

    def _planned_total(self) -> float:
        total = sum(s.duration_s for s in self.steps)
        if self.protocol == ASSESSMENT and self.plan.fine_step and not self._fine_added and not self.finished:
            total += 2 * (self.plan.block_s + self.plan.rest_s)  # the fine step, as planned
        return total

    # ------------------------------------------------------------------ steps

    def _enter(self, index: int, now: float) -> None:
        self.index = index
        self._step_start = now
        self._step_done = 0.0
        self._check_passing_since = None
        self.message = None
        self._begin(now)

    def _begin(self, now: float) -> None:
        """Enter the current step's phase at ``now`` and set its pacer."""
        step = self.steps[self.index]
        self._span_start = now
        self.core.enter_phase(PhaseChange(now, self.protocol, step.phase, step.label, step.rate_bpm))
        self.core.set_pacer(None if step.rate_bpm is None else paced(step.rate_bpm), now)

    def _close_span(self, now: float) -> None:
        step = self.steps[self.index]
        self.spans.append(Span(step.phase, step.label, self._span_start, now, self.core.pacer, self.core.pacer_start))

    def _leave(self, now: float) -> None:
        step = self.steps[self.index]
        self._close_span(now)
        self._elapsed_before += step.duration_s
        if step.phase == "block" and self.core.pacer is not None:
            self.blocks.append(Block(step.rate_bpm, self._span_start, now, self.core.pacer, self.core.pacer_start))

    def _extend(self, now: float) -> bool:
        """Add the fine step once the coarse blocks are done; True if steps were added."""
        if self.protocol != ASSESSMENT or self._fine_added or not self.plan.fine_step:
            return False
        self._fine_added = True
        coarse = self._assess()
        if coarse.recommended_bpm is None:
            return False
        extra = self.plan.fine_steps(coarse.recommended_bpm, [b.rate_bpm for b in self.blocks])
        if extra and extra[0].phase != "rest" and self.plan.rest_s:
            extra.insert(0, Step("rest", words.PHASE_REST, self.plan.rest_s))
        self.steps.extend(extra)
        return bool(extra)

    def _check(self, now: float, spent: float) -> bool:
        """The signal check: True once it has run its time and the signal is fine."""
        problem = self.signal_problem(now)
        self.message = problem
        if problem is None and self.core.beat_count < CHECK_MIN_BEATS:
            return False
        if problem is None:
            if self._check_passing_since is None:
                self._check_passing_since = now
            return spent >= self.steps[self.index].duration_s and now - self._check_passing_since >= min(self.steps[self.index].duration_s, 5.0)
        self._check_passing_since = None
        limit = getattr(self.plan, "check_max_s", math.inf)
        if spent >= limit:
            self._close_span(now)
            self.message = words.SIGNAL_CHECK_FAILED.format(seconds=limit, problem=problem)
            self._finish(now, aborted=True)
        return False

    def signal_problem(self, now: float) -> str | None:
        """What is wrong with the signal now, in words (None: contact and beats look fine)."""
        if self._last_contact is Contact.NOT_DETECTED:
            return words.CONTACT_LOST
        since = self.core.since_last_beat_s(now)
        if since is None or since > CHECK_BEAT_TIMEOUT_S:
            return words.WAITING_FOR_HEARTBEAT
        share = self.irregular_pct(now)
        if share > CHECK_ARTIFACT_PCT:
            return words.SIGNAL_CHECK_ARTIFACTS.format(pct=share)
        return None

    def irregular_pct(self, now: float) -> float:
        """Irregular beats now, percent: the live artefact share, or premature beats with their
        pauses among the last :data:`CHECK_WINDOW_S` s of beats, whichever is larger."""
        metrics = self.core.metrics
        live = 0.0 if metrics is None else metrics.artifact_pct
        _, rr = self.core.tachogram_series(since=now - CHECK_WINDOW_S)
        premature = 200.0 * count_premature(rr) / len(rr) if len(rr) >= CHECK_MIN_BEATS else 0.0
        return max(live, premature)

    def _finish(self, now: float, aborted: bool) -> None:
        self.finished = True
        self.aborted = aborted
        self.paused = False
        self.result = self._assess() if self.protocol == ASSESSMENT else self._compare(now)
        if self.protocol == ASSESSMENT and not aborted:
            rate = self.result.recommended_bpm
            label = words.ASSESSMENT_DONE_NONE if rate is None else words.ASSESSMENT_DONE_RATE.format(rate=rate)
            self.core.enter_phase(PhaseChange(now, self.protocol, "done", label, rate))
        else:
            self.core.enter_phase(PhaseChange(now, self.protocol, "aborted" if aborted else "done", words.PHASE_ABORTED if aborted else words.PHASE_DONE))
        self.core.set_pacer(self._pacer_before, now)

    # ------------------------------------------------------------------ results

    def _beats(self):
        return self.core.timeline.arrays()

    def _assess(self) -> Assessment:
        times, rr, starts = self._beats()
        return assess(times, rr, starts, self.blocks)

    def _compare(self, now: float) -> list[PhaseStats]:
        times, rr, starts = self._beats()
        spans = [s for s in self.spans if s.phase != "signal_check"]
        return compare_phases(times, rr, starts, spans)
