"""The session core: the one object a session runs through.

In the window, in ``biofeedback record``, in review and in guided protocols, a session is the same
thing: source events come in; beats, live analysis, plot series, the pacer, markers, ratings and
the session file come out. :class:`SessionCore` is that, in pure Python (no Qt, no asyncio, no
clock reads: every call that depends on time is given ``now``, the session time in seconds).

- The window wraps it in Qt signals and timers (``qt/session_controller.py``); ``record`` drives
  it from asyncio (``sources/driver.py``). Both call :meth:`SessionCore.tick` about every half
  second, so the session file is synced at least once a second even when no events arrive.
- What happens is told to a :class:`SessionListener` (the Qt wrapper re-emits each call as a
  signal). The file is written through a :class:`SessionSink` (``storage.SessionWriter``) that an
  ``open_sink`` factory, chosen by the app, makes when recording starts.
- :meth:`SessionCore.start_at` starts the core at any point of a recording, with its analyser
  warmed from the beats before that point: review and protocols need this. Review
  (``core/review.py``) also hands it a :class:`RecordedState` (what else the session showed at
  that moment), replays the file's markers with :meth:`SessionCore.replay_marker`, and gives it an
  :attr:`SessionCore.annotation_sink` so markers set while reviewing are appended to the file.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from biofeedback.core.annotations import Marker, MarkerEdit, PacerChange, PhaseChange, Rating
from biofeedback.core.live import LiveAnalyzer, LiveMetrics
from biofeedback.core.pacer import PacerSettings, PacerState, pacer_state
from biofeedback.core.ring import RingBuffer
from biofeedback.core.samples import Battery, BloodPressure, LinkState, Sample, SourceChange, SourceEvent, SourceInfo, SourceKind, Status
from biofeedback.core.timeline import BeatBatch, BeatTimeline

#: Beats kept for live plots: about 40 minutes at 60 bpm.
PLOT_CAPACITY = 2400

#: The longest the session file may go without a sync while something waits to be synced, s
#: (of session time: at speed 1, a power cut loses at most the last second).
SYNC_INTERVAL_S = 1.0

#: The pacer a session starts with: 6 breaths/min, in 4 s, out 6 s.
DEFAULT_PACER = PacerSettings.from_rate(6.0)

#: Events kept while a strap's file waits for its first sample.
_WAITING_EVENTS = 256

#: Pacer changes remembered for drawing the breathing guide's past: far more than fit in a
#: plot's window (a change every few seconds for a couple of minutes), and bounded.
PACER_HISTORY = 64

#: Points per breath in the tabulated pacer wave; interpolating 400 points errs by < 1e-4 of a
#: breath, and tabulating once per pacer spares about 1.5 ms per plot redraw.
_BREATH_POINTS = 400


class SessionSink(Protocol):
    """Where a recorded session goes (``storage.session_file.SessionWriter``)."""

    path: Any
    dirty: bool

    def write(self, event: Any) -> None: ...
    def write_pacer(self, t: float, settings: dict[str, Any]) -> None: ...
    def sync(self) -> None: ...
    def close(self, t: float | None = None) -> None: ...


@dataclass(frozen=True, slots=True)
class RecordingStart:
    """What a new session file needs: handed to the app's ``open_sink`` factory."""

    t: float
    source: SourceInfo | None
    person: str
    settings: dict[str, Any] = field(default_factory=dict)
    #: When the file is actually made, s (later than ``t`` for a strap's file, which waits for
    #: its first sample; the file still begins at ``t``, when recording was asked for).
    opened_t: float | None = None


class SinkError(Exception):
    """``open_sink`` could not create the file; the message is for people."""


class SessionListener:
    """What a session tells the outside world. Every method is optional (these do nothing)."""

    def beats_added(self, batch: BeatBatch) -> None: ...
    def sample_received(self, sample: Sample) -> None: ...
    def status_changed(self, status: Status) -> None: ...
    def battery_changed(self, percent: int) -> None: ...
    def blood_pressure_added(self, reading: BloodPressure) -> None: ...
    def metrics_updated(self, metrics: LiveMetrics) -> None: ...
    def pacer_changed(self, pacer: PacerSettings | None) -> None: ...
    def marker_added(self, marker: Marker) -> None: ...
    def marker_changed(self, marker: Marker | None, edit: MarkerEdit) -> None: ...
    def rating_added(self, rating: Rating) -> None: ...
    def phase_changed(self, phase: PhaseChange) -> None: ...
    def source_changed(self, info: SourceInfo | None) -> None: ...
    def recording_changed(self, path: Any) -> None: ...
    def recording_pending(self, pending: bool) -> None: ...
    def session_ended(self) -> None: ...
    def error_occurred(self, message: str) -> None: ...
    def reset(self) -> None: ...


def pacer_record(settings: PacerSettings | None) -> dict[str, float]:
    """The session file's ``pacer`` event settings ({} for no pacer)."""
    if settings is None:
        return {}
    return {"inhale_s": settings.inhale_s, "hold_in_s": settings.hold_in_s, "exhale_s": settings.exhale_s, "hold_out_s": settings.hold_out_s}


def pacer_from_record(settings: dict[str, Any]) -> PacerSettings | None:
    """The inverse of :func:`pacer_record` (None for {} or unreadable settings)."""
    try:
        return PacerSettings(
            float(settings["inhale_s"]), float(settings["exhale_s"]), float(settings.get("hold_in_s", 0.0)), float(settings.get("hold_out_s", 0.0))
        )
    except (KeyError, TypeError, ValueError):
        return None


def saved_from_home(info: SourceInfo | None) -> bool:
    """Whether a session started on the home screen is saved: a strap's, yes; the demo's and a
    replay's are practice (a simulated heartbeat, or a recording that is saved already)."""
    return info is not None and info.live and info.kind is not SourceKind.DEMO


@dataclass(frozen=True, slots=True)
class RecordedState:
    """What a recorded session showed at one moment besides its beats, for :meth:`SessionCore.start_at`.

    Attributes
    ----------
    beats : int or None
        How many of the history's beats had arrived by then (a notification carries beats that
        happened before it arrived); None: those with times up to the moment.
    coherence : numpy.ndarray or None
        The coherence trend as it stood: rows of (session time s, ratio), oldest first.
    status, battery, sample
        The last link status, battery level (percent) and notification before the moment.
    ratings, blood_pressure, phases
        Ratings, readings and protocol phases so far (the last phase: the one then).
    last_marker_id : int
        The highest marker id anywhere in the file, so new markers never reuse one.
    beat_latency_s : float or None
        Time from the newest beat to the arrival of the notification that carried it, s.
    """

    beats: int | None = None
    coherence: np.ndarray | None = None
    status: Status | None = None
    battery: int | None = None
    sample: Sample | None = None
    ratings: tuple[Rating, ...] = ()
    blood_pressure: tuple[BloodPressure, ...] = ()
    phases: tuple[PhaseChange, ...] = ()
    last_marker_id: int = 0
    beat_latency_s: float | None = None


@dataclass(frozen=True, slots=True)
class BeatHistory:
    """Every beat of a recording, as arrays (from ``BeatTimeline.arrays()``), for :meth:`SessionCore.start_at`."""

    times_s: np.ndarray
    rr_ms: np.ndarray
    segment_start: np.ndarray


class SessionCore:
    """One session: source events in; beats, live metrics, plot series, pacer, markers and the
    session file out.

    Parameters
    ----------
    analyzer : LiveAnalyzer or None
        Computes live metrics from each batch of beats (None: no ``metrics_updated``).
    open_sink : callable or None
        ``open_sink(RecordingStart) -> SessionSink`` makes the session file when recording
        starts; it raises :class:`SinkError` (or OSError) when it cannot. None: never recorded.
    pacer : PacerSettings or None
        The pacer at the start (None: breathing freely).
    person : str
        Whom the session is for (an alias).
    listener : SessionListener or None
    timeline : BeatTimeline or None
        Rebuilds beats from samples (a fresh one if omitted).
    """

    def __init__(
        self,
        analyzer: LiveAnalyzer | None = None,
        open_sink: Callable[[RecordingStart], SessionSink] | None = None,
        pacer: PacerSettings | None = DEFAULT_PACER,
        person: str = "Me",
        listener: SessionListener | None = None,
        timeline: BeatTimeline | None = None,
        settings: dict[str, Any] | None = None,
    ) -> None:
        self.analyzer = analyzer
        self.open_sink = open_sink
        self.listener = listener if listener is not None else SessionListener()
        self.person = person
        #: Session settings stored in each new file's header (clock speed, ...).
        self.settings = dict(settings or {})
        self.sink: SessionSink | None = None
        #: A file is wanted but waits for the strap's first sample (a strap that never connects
        #: leaves no empty file behind).
        self.recording_pending = False
        self._asked_at = 0.0
        #: What the strap said (connecting, connected, battery) and what people added (a rating
        #: before, a marker) while its file waited: written first when the file is made, so the
        #: file still tells how the session began.
        self._waiting_events: list[Any] = []
        #: Where markers and their edits go when no file is being recorded but the session has one
        #: (review: ``storage.SessionAppender`` on the reviewed file).
        self.annotation_sink: SessionSink | None = None
        self._last_sync = -math.inf
        self._initial_pacer = pacer
        self.timeline = timeline if timeline is not None else BeatTimeline()
        self._clear(pacer, 0.0)

    def _clear(self, pacer: PacerSettings | None, now: float) -> None:
        self.pacer = pacer
        self.pacer_start = now
        #: (start s, settings) of each pacer in force, oldest first: the drawn guide keeps its past.
        self.pacer_history: list[tuple[float, PacerSettings | None]] = [(now, pacer)]
        if self.analyzer is not None:
            self.analyzer.set_pacer(pacer)
        self.source: SourceInfo | None = getattr(self, "source", None)
        self.status: Status | None = None
        #: A recording played back has reached its end (the clock stops; the plots keep the data).
        self.ended = False
        #: Samples from the present source so far.
        self.source_samples = 0
        self.metrics: LiveMetrics | None = None
        #: Time from the newest beat to its arrival here, s (None before the first beat).
        self.beat_latency_s: float | None = None
        self.beats = RingBuffer(PLOT_CAPACITY, width=3)  # (time s, RR ms, 1 where a segment starts)
        self.coherence_history = RingBuffer(PLOT_CAPACITY, width=2)  # (time s, coherence ratio)
        self.markers: list[Marker] = []
        #: The highest marker id given so far: ids are never reused, even after a deletion.
        self._last_marker_id = 0
        self.ratings: list[Rating] = []
        self.blood_pressure: list[BloodPressure] = []
        #: The guided protocol's phases so far, oldest first (drawn on the plots like markers).
        self.phases: list[PhaseChange] = []
        self._breath_tables: dict[PacerSettings, tuple[np.ndarray, np.ndarray]] = {}

    # ------------------------------------------------------------------ sources and events

    def on_event(self, event: SourceEvent, now: float) -> BeatBatch:
        """A source event arrived at session time ``now``. Returns the beats it added."""
        if isinstance(event, BloodPressure):
            self.add_blood_pressure(event)
            return BeatBatch()
        if isinstance(event, PacerChange):  # a recording's pacer, as it was recorded
            self._apply_pacer(event.settings, event.t)
            return BeatBatch()
        if isinstance(event, Marker):  # a recording's marker, as its replay reaches it
            self.replay_marker(event)
            if self.sink is not None:  # a replay being recorded keeps its markers
                self.sink.write(event)
            return BeatBatch()
        if isinstance(event, Sample):
            self.source_samples += 1
            if self.recording_pending:
                self._open_file(now)
        elif self.recording_pending and isinstance(event, (Status, Battery)):
            self._write(event)
        batch = self.timeline.add_event(event)
        sink = self.sink
        if sink is not None:
            sink.write(event)
            if batch.gap is not None:
                sink.write(batch.gap)
        listener = self.listener
        if isinstance(event, Sample):
            listener.sample_received(event)
        elif isinstance(event, Status):
            self.status = event
            listener.status_changed(event)
            if event.state is LinkState.FINISHED and not (self.source is not None and self.source.live):
                self.ended = True
                listener.session_ended()
        elif isinstance(event, Battery):
            listener.battery_changed(event.percent)
        if batch.times:
            self._add_beats(batch, now)
        self.tick(now)
        return batch

    def _add_beats(self, batch: BeatBatch, now: float) -> None:
        starts = np.zeros(len(batch.times))
        starts[0] = batch.gap is not None or len(self.beats) == 0
        self.beats.extend(np.column_stack([batch.times, batch.rr_ms, starts]))
        self.beat_latency_s = now - batch.times[-1]
        self.listener.beats_added(batch)
        if self.analyzer is not None:
            metrics = self.analyzer.add_batch(batch)
            if metrics is not None:
                self._metrics_updated(metrics)

    def _metrics_updated(self, metrics: LiveMetrics) -> None:
        self.metrics = metrics
        if metrics.coherence is not None:
            self.coherence_history.append((metrics.t, metrics.coherence))
        self.listener.metrics_updated(metrics)

    def on_failed(self, message: str, now: float) -> None:
        """The source stopped with an error (``message`` is for people)."""
        self.status = Status(now, LinkState.FAILED, message)
        self.listener.status_changed(self.status)

    def source_started(self, info: SourceInfo, now: float, *, keep_recording: bool | None = None) -> None:
        """A new source takes over at ``now``; its beats do not continue the previous source's.

        Each source's session goes to its own file: an open file is closed, and a new one is
        started if ``keep_recording`` (default: a strap replacing a strap whose session was being
        saved), or if the new source is saved by default. A strap that replaces a strap keeps
        the file and writes a ``source`` event into it.
        """
        previous, self.source = self.source, info
        self.timeline.mark_break(now)
        self.status = None
        self.ended = False
        self.source_samples = 0
        recording = self.sink is not None
        same_person_strap = recording and previous is not None and previous.live and info.live and previous.kind is info.kind
        if same_person_strap:
            self._write_source(now)
        else:
            self.stop_recording(now)
            if keep_recording or (keep_recording is None and info.recorded_by_default):
                self.start_recording(now)
        self.listener.source_changed(info)

    def _write_source(self, now: float) -> None:
        if self.sink is not None and self.source is not None:
            self.sink.write(SourceChange(now, self.source))

    def reset(self, now: float, source: SourceInfo | None = None) -> None:
        """Start afresh at ``now`` (a recording opened in place of the running session): clear
        plots, beats, metrics, status and annotations; close the file; keep the pacer."""
        self.stop_recording(now)
        self.timeline = type(self.timeline)()
        if self.analyzer is not None:
            self.analyzer = type(self.analyzer)(self.pacer)
        self.source = source
        self._clear(self.pacer, now)
        self.listener.reset()

    # ------------------------------------------------------------------ what people add

    def set_pacer(self, settings: PacerSettings | None, now: float) -> None:
        """Change the pacer; a new breath starts at ``now``. The pacer already running is left
        alone (choosing it again does not restart the breath)."""
        if settings == self.pacer:
            return
        self._apply_pacer(settings, now)

    def _apply_pacer(self, settings: PacerSettings | None, start: float) -> None:
        """The pacer ``settings`` guides from session time ``start`` on (its first breath begins then)."""
        self.pacer = settings
        self.pacer_start = start
        history = self.pacer_history
        while history and history[-1][0] >= start:  # a change at the same moment replaces the last
            history.pop()
        history.append((start, settings))
        del history[:-PACER_HISTORY]
        if self.analyzer is not None:
            self.analyzer.set_pacer(settings)
        if self.sink is not None:
            self.sink.write_pacer(start, pacer_record(settings))
        self.listener.pacer_changed(settings)

    def add_marker(self, now: float, label: str = "Marker", note: str = "") -> Marker:
        """Mark ``now`` with a new id (never one used before in this session, even a deleted one's)."""
        self._last_marker_id = max(self._last_marker_id, max((m.id for m in self.markers), default=0)) + 1
        marker = Marker(now, label, self._last_marker_id, note)
        self.markers.append(marker)
        self._write_annotation(marker)
        self.listener.marker_added(marker)
        return marker

    def replay_marker(self, marker: Marker) -> None:
        """A marker already in the session file appears (review): shown, not written again."""
        self._last_marker_id = max(self._last_marker_id, marker.id)
        self.markers.append(marker)
        self.listener.marker_added(marker)

    def _write_annotation(self, item: Marker | MarkerEdit) -> None:
        if self.sink is None and self.recording_pending:
            self._write(item)
            return
        target = self.sink if self.sink is not None else self.annotation_sink
        if target is not None:
            target.write(item)

    def _write(self, item: Any) -> None:
        """Into the file; while a strap's file waits for its first sample, kept for it."""
        if self.sink is not None:
            self.sink.write(item)
        elif self.recording_pending:
            self._waiting_events.append(item)
            del self._waiting_events[:-_WAITING_EVENTS]

    def edit_marker(self, marker_id: int, label: str, note: str, now: float, deleted: bool = False) -> Marker | None:
        """Relabel (or delete) a marker: the file gets a ``marker_edit`` event, never a rewrite."""
        edit = MarkerEdit(now, marker_id, label, note, deleted)
        for i, marker in enumerate(self.markers):
            if marker.id == marker_id:
                break
        else:
            raise KeyError(marker_id)
        if deleted:
            del self.markers[i]
            changed = None
        else:
            changed = self.markers[i] = Marker(marker.t, label, marker.id, note)
        self._write_annotation(edit)
        self.listener.marker_changed(changed, edit)
        return changed

    def add_rating(self, rating: Rating) -> None:
        self.ratings.append(rating)
        self._write(rating)
        self.listener.rating_added(rating)

    def add_blood_pressure(self, reading: BloodPressure) -> None:
        self.blood_pressure.append(reading)
        self._write(reading)
        self.listener.blood_pressure_added(reading)

    def enter_phase(self, phase: PhaseChange) -> None:
        """A guided protocol entered a phase (written to the file and shown in the plots)."""
        self.phases.append(phase)
        self._write(phase)
        self.listener.phase_changed(phase)

    # ------------------------------------------------------------------ the session file

    @property
    def recording(self) -> bool:
        return self.sink is not None

    @property
    def recording_path(self) -> Any:
        return None if self.sink is None else self.sink.path

    @property
    def waits_for_first_sample(self) -> bool:
        """A strap that has sent nothing yet (it may never connect)."""
        return self.source is not None and self.source.kind is SourceKind.STRAP and self.source_samples == 0

    def start_recording(self, now: float) -> bool:
        """Start saving this session to a new file, from now on. False if it cannot be made
        (the listener hears why) or no file can be made at all.

        On a strap that has sent nothing yet the file is made with its first sample
        (:attr:`recording_pending`), so a strap that never connects leaves no empty file."""
        if self.sink is not None or self.open_sink is None:
            return self.sink is not None
        if self.waits_for_first_sample:
            if not self.recording_pending:
                self.recording_pending = True
                self._asked_at = now
                self.listener.recording_pending(True)
            return True
        return self._open_file(now)

    def _open_file(self, now: float) -> bool:
        was_pending, self.recording_pending = self.recording_pending, False
        waited, self._waiting_events = self._waiting_events, []
        begins = min(self._asked_at, now) if was_pending else now  # the session began when it was asked for
        try:
            self.sink = self.open_sink(RecordingStart(begins, self.source, self.person, self.settings, opened_t=now))
        except (SinkError, OSError) as exc:
            self.listener.error_occurred(f"The session cannot be saved: {exc}")
            if was_pending:
                self.listener.recording_pending(False)
            return False
        self._last_sync = now
        # what came before the file, in time order: the breath in progress (it began at
        # pacer_start) and what the strap said while its file waited
        early: list[tuple[float, Any]] = [(e.t, e) for e in waited]
        if self.pacer is not None:
            early.append((self.pacer_start, None))
        for _t, event in sorted(early, key=lambda item: item[0]):
            if event is None:
                self.sink.write_pacer(self.pacer_start, pacer_record(self.pacer))
            else:
                self.sink.write(event)
        self._write_source(now)
        self.listener.recording_changed(self.sink.path)
        if was_pending:
            self.listener.recording_pending(False)
        return True

    def stop_recording(self, now: float) -> Any:
        """Close the session file (the session goes on unsaved). Returns the file's path."""
        self._waiting_events = []
        if self.recording_pending:
            self.recording_pending = False
            self.listener.recording_pending(False)
        if self.sink is None:
            return None
        sink, self.sink = self.sink, None
        sink.close(now)
        self.listener.recording_changed(None)
        return sink.path

    def tick(self, now: float) -> None:
        """Sync the file if something waits and the last sync is :data:`SYNC_INTERVAL_S` old.

        Drivers call this about twice a second; events call it too."""
        sink = self.sink
        if sink is not None and sink.dirty and now - self._last_sync >= SYNC_INTERVAL_S:
            sink.sync()
            self._last_sync = now

    def close(self, now: float) -> None:
        self.stop_recording(now)

    # ------------------------------------------------------------------ starting mid-recording

    def start_at(
        self,
        history: BeatHistory,
        t: float,
        markers: list[Marker] = (),
        pacer: PacerSettings | None = None,
        pacer_start: float = 0.0,
        state: RecordedState | None = None,
    ) -> None:
        """Be the core that ran a recording up to session time ``t``: its beats before ``t`` on
        the plots, its analyser warmed from them (exactly as if fed one by one), its markers and
        pacer; without replaying the recording from its start.

        ``state`` says what else the session showed then (see :class:`RecordedState`). After
        ``reset``, the listener hears that state as if just told: the last status, battery level
        and notification, and the metrics, so every screen shows the moment at once.
        """
        state = state if state is not None else RecordedState()
        self.stop_recording(t)
        self._clear(pacer, pacer_start)
        end = int(np.searchsorted(history.times_s, t, side="right")) if state.beats is None else state.beats
        times, rr, starts = history.times_s[:end], history.rr_ms[:end], history.segment_start[:end]
        keep = max(end - PLOT_CAPACITY, 0)
        if end:
            plot_starts = starts[keep:].astype(np.float64)
            plot_starts[0] = 1.0
            self.beats.extend(np.column_stack([times[keep:], rr[keep:], plot_starts]))
        self.markers = [m for m in markers if m.t <= t]
        self._last_marker_id = max([state.last_marker_id, *(m.id for m in markers)])
        self.status, self.ratings, self.blood_pressure, self.phases = state.status, list(state.ratings), list(state.blood_pressure), list(state.phases)
        self.beat_latency_s = state.beat_latency_s
        if self.analyzer is not None:
            self.analyzer = type(self.analyzer)(pacer)
            self.coherence_history.clear()
            if end:  # primed up to the beat before, then the last beat as it arrived live
                self.analyzer.prime(times[:-1], rr[:-1], starts[:-1])
                self.metrics = self.analyzer.update(times[-1:], rr[-1:], new_segment=bool(starts[-1]))
            if state.coherence is not None:
                self.coherence_history.extend(state.coherence)
            elif self.metrics is not None and self.metrics.coherence is not None:
                self.coherence_history.append((self.metrics.t, self.metrics.coherence))
        listener = self.listener
        listener.reset()
        if state.battery is not None:
            listener.battery_changed(state.battery)
        # the last status and notification in the order they came (a lost link after the last
        # notification clears what it showed; a notification after a status shows it again)
        told = [(x.t, i, x) for i, x in enumerate((state.status, state.sample)) if x is not None]
        for _, _, said in sorted(told, key=lambda x: (x[0], x[1])):
            listener.status_changed(said) if isinstance(said, Status) else listener.sample_received(said)
        if self.metrics is not None:
            listener.metrics_updated(self.metrics)

    def replace_coherence_history(self, rows: np.ndarray) -> None:
        """The coherence trend, rows of (session time s, ratio): review fills it in when its
        background pass reaches a stretch it had not computed at the seek."""
        self.coherence_history.clear()
        self.coherence_history.extend(rows)

    # ------------------------------------------------------------------ queries for screens

    def pacer_now(self, now: float) -> PacerState | None:
        return None if self.pacer is None else pacer_state(self.pacer, now - self.pacer_start)

    def pacer_hz(self) -> float | None:
        """The pacer's breathing frequency, Hz (None without a pacer)."""
        return None if self.pacer is None else self.pacer.breaths_per_min / 60.0

    def pacer_wave(self, start: float, stop: float, step: float = 0.5) -> tuple[np.ndarray, np.ndarray]:
        """The guided lung volume (0..1) sampled every ``step`` s between session times.

        Each pacer that was in force draws its own stretch, on a grid fixed to its start (so the
        wave does not shimmer as it scrolls), and a change keeps the guide already drawn. Where
        the pacer was off there are no points; the stretches are separated by a NaN, so a line
        or area drawn through them breaks there.
        """
        if stop <= start:
            return np.empty(0), np.empty(0)
        history = self.pacer_history
        times: list[np.ndarray] = []
        volumes: list[np.ndarray] = []
        for i, (begin, pacer) in enumerate(history):
            end = history[i + 1][0] if i + 1 < len(history) else stop
            lo, hi = max(start, begin), min(stop, end)
            if pacer is None or hi <= lo:
                continue
            first = begin + np.ceil((lo - begin) / step - 1e-9) * step
            t = np.arange(first, hi, step)
            if not len(t):
                continue
            grid, volume = self._one_breath(pacer)
            if times:
                times.append(np.array([t[0]]))
                volumes.append(np.array([np.nan]))
            times.append(t)
            volumes.append(np.interp(np.mod(t - begin, pacer.period_s), grid, volume))
        if not times:
            return np.empty(0), np.empty(0)
        return np.concatenate(times), np.concatenate(volumes)

    def _one_breath(self, pacer: PacerSettings) -> tuple[np.ndarray, np.ndarray]:
        table = self._breath_tables.get(pacer)
        if table is None:
            grid = np.linspace(0.0, pacer.period_s, _BREATH_POINTS + 1)
            volume = np.array([pacer_state(pacer, x).volume for x in grid[:-1]] + [0.0])
            if len(self._breath_tables) > 8:
                self._breath_tables.clear()
            table = self._breath_tables[pacer] = (grid, volume)
        return table

    def _plotted(self, since: float | None) -> np.ndarray:
        data = self.beats.view()
        if since is not None and len(data):
            data = data[max(int(np.searchsorted(data[:, 0], since)) - 1, 0) :]
        return data

    def heart_rate_series(self, since: float | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Beat times (s) and instantaneous heart rate (beats/min), from the beat before ``since`` on."""
        data = self._plotted(since)
        return data[:, 0], 60000.0 / data[:, 1] if len(data) else data[:, 1]

    def tachogram_series(self, since: float | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Beat times (s) and RR intervals (ms), from the beat before ``since`` on."""
        data = self._plotted(since)
        return data[:, 0], data[:, 1]

    def beat_connect(self, since: float | None = None) -> np.ndarray:
        """For each plotted beat, whether a line joins it to the next (False across a gap)."""
        starts = self._plotted(since)[:, 2]
        return np.append(starts[1:] == 0, False)

    def since_last_beat_s(self, now: float) -> float | None:
        """Session time since the newest beat, s (None before the first beat)."""
        data = self.beats.view()
        return None if not len(data) else now - float(data[-1, 0])

    def rr_at(self, times: np.ndarray) -> np.ndarray:
        """RR intervals (ms) of the plotted beats nearest to ``times`` (s), e.g. to mark artefacts."""
        data = self.beats.view()
        times = np.asarray(times, dtype=np.float64)
        if not len(data) or not len(times):
            return np.empty(0)
        i = np.clip(np.searchsorted(data[:, 0], times), 1, max(len(data) - 1, 1))
        nearer_left = np.abs(data[i - 1, 0] - times) <= np.abs(data[np.minimum(i, len(data) - 1), 0] - times)
        return data[np.where(nearer_left, i - 1, i).clip(0, len(data) - 1), 1]

    def coherence_series(self, since: float | None = None, max_points: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Session times (s) and coherence ratios of the trend, from ``since`` on.

        ``max_points``: at most about this many, one per equal slice of time (the first of each,
        and always the newest), so a long session costs a plot no more than a short one. The
        slices are fixed in session time, so the points kept do not change as the trend scrolls.
        """
        data = self.coherence_history.view()
        if since is not None and len(data):
            data = data[max(int(np.searchsorted(data[:, 0], since)) - 1, 0) :]
        if max_points is not None and len(data) > max_points:
            span = float(data[-1, 0] - data[0, 0])
            if span > 0:
                slice_s = span / (max_points - 1)
                _, first = np.unique(np.floor(data[:, 0] / slice_s), return_index=True)
                if first[-1] != len(data) - 1:
                    first = np.append(first, len(data) - 1)
                data = data[first]
        return data[:, 0], data[:, 1]

    @property
    def beat_count(self) -> int:
        return len(self.timeline)

