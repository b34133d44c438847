"""The protocol controller: the pure protocol runner (``core/protocol.py``) wrapped in Qt signals
for the window, and nothing more.

It runs one protocol at a time on the session controller's core. The runner is ticked on every
notification at the notification's time (as ``biofeedback assess`` ticks it), so the protocol's
time is the data's; a timer reports progress to the screens twice a second of real time. The
session controller already tells everyone about the phases (``phase_entered``, written to the
session file) and the pacer (``pacer_changed``: None while the pacer is hidden); this controller
adds what only it knows: progress, time left, the gentle words for the calm view, and the result.

Signals
-------
started(object)
    A protocol began: its first :class:`ProtocolState`.
phase_changed(object)
    The protocol entered another step, paused or resumed: its :class:`ProtocolState`.
progress(object)
    The :class:`ProtocolState` now, about twice a second while it runs.
calm_words(str)
    What the calm view should say now, gently ("" while a pacer guides the breathing).
finished(object)
    It ended (done or stopped): an :class:`~biofeedback.core.assessment.Assessment` for an
    assessment, a list of :class:`~biofeedback.core.assessment.PhaseStats` for a session.
rate_saved(float)
    An assessment's recommended rate was kept as the person's own (their "Your rate" preset).
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal

from biofeedback.core import words
from biofeedback.core.protocol import AssessmentPlan, ProtocolRunner, ProtocolState, SessionPlan
from biofeedback.core.samples import Sample
from biofeedback.qt.session_controller import SessionController

#: Real milliseconds between progress reports.
PROGRESS_MS = 500

#: What the calm view says in each phase without a pacer (docs/protocols.md).
CALM_WORDS = {
    "signal_check": words.CALM_SIGNAL_CHECK,
    "baseline": words.CALM_BASELINE,
    "rest": words.CALM_REST,
    "recovery": words.CALM_RECOVERY,
    "paused": words.CALM_PAUSED,
    "done": words.CALM_DONE,
    "aborted": "",
}


class ProtocolController(QObject):
    """Runs guided protocols on a :class:`SessionController`'s core.

    Parameters
    ----------
    controller : SessionController
    people : object or None
        Where an assessment's result is kept (``storage.people.PeopleStore``; chosen by the app).
    person : str
        Whom the protocol is for (an alias).
    """

    started = Signal(object)
    phase_changed = Signal(object)
    progress = Signal(object)
    calm_words = Signal(str)
    finished = Signal(object)
    rate_saved = Signal(float)

    def __init__(self, controller: SessionController, people=None, person: str = "Me", parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.people = people
        self.person = person
        self.runner: ProtocolRunner | None = None
        self._last: tuple[str, int] | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(PROGRESS_MS)
        self._timer.timeout.connect(self._report)
        controller.sample_received.connect(self._on_sample)

    @property
    def running(self) -> bool:
        return self.runner is not None and self.runner.started and not self.runner.finished

    def start(self, plan: AssessmentPlan | SessionPlan) -> None:
        """Begin ``plan`` now (a protocol already running is stopped first)."""
        if self.running:
            self.abort()
        self.runner = ProtocolRunner(self.controller.core, plan)
        self._last = None
        self.runner.start(self.controller.now())
        self._timer.start()
        self.started.emit(self.runner.state(self.controller.now()))
        self._report()

    def pause(self) -> None:
        if self.running:
            self.runner.pause(self.controller.now())
            self._report()

    def resume(self) -> None:
        if self.running:
            self.runner.resume(self.controller.now())
            self._report()

    def abort(self) -> None:
        """Stop here; what was recorded stays, and the result describes what was done."""
        if self.running:
            self.runner.abort(self.controller.now())
            self._report()

    def state(self) -> ProtocolState | None:
        return None if self.runner is None else self.runner.state(self.controller.now())

    def _on_sample(self, sample: Sample) -> None:
        runner = self.runner
        if runner is None or not runner.started or runner.finished:
            return
        runner.on_sample(sample)
        runner.tick(sample.t)
        if runner.finished:
            self._report()

    def _report(self) -> None:
        runner = self.runner
        if runner is None:
            return
        state = runner.state(self.controller.now())
        key = (state.phase, state.step)
        if key != self._last:
            self._last = key
            self.phase_changed.emit(state)
            self.calm_words.emit("" if state.rate_bpm is not None else CALM_WORDS.get(state.phase, ""))
        self.progress.emit(state)
        if runner.finished:
            self._timer.stop()
            self._keep(runner)
            self.finished.emit(runner.result)

    def _keep(self, runner: ProtocolRunner) -> None:
        """An assessment that ran to its end: keep its result with the person's alias."""
        if self.people is None or runner.protocol != "assessment" or runner.aborted:
            return
        result = runner.result
        try:
            self.people.save_assessment(self.person, result.to_dict(), self.controller.recording_path)
        except OSError as exc:
            self.controller.error_occurred.emit(f"The assessment's result could not be kept for {self.person}: {exc}")
            return
        if result.recommended_bpm is not None:
            self.rate_saved.emit(float(result.recommended_bpm))

    def use_rate(self, bpm: float) -> None:
        """Make ``bpm`` the person's own rate (a therapist choosing it, e.g. the runner-up); a
        practice run's (no people store) is kept for no one."""
        if self.people is None:
            return
        try:
            self.people.set_rate(self.person, bpm)
        except OSError as exc:
            self.controller.error_occurred.emit(f"The rate could not be kept for {self.person}: {exc}")
            return
        self.rate_saved.emit(float(bpm))

    def close(self) -> None:
        self._timer.stop()
