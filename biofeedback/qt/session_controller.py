"""The session controller: the pure session core (``core/session.py``) wrapped in Qt signals and
one timer, and nothing more.

Source events reach it in the GUI thread (from the bridge); it hands them to the core with the
session clock's time, and re-emits what the core tells its listener as signals named after
events. A timer ticks the core, so the session file is synced at least once a second even when
no events arrive. Widgets listen to its signals and ask it for data.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject, QTimer, Signal

from biofeedback.core.annotations import Marker, MarkerEdit, PhaseChange, Rating
from biofeedback.core.live import LiveAnalyzer, LiveMetrics
from biofeedback.core.pacer import PacerSettings, PacerState
from biofeedback.core.samples import BloodPressure, SourceEvent, SourceInfo
from biofeedback.core.session import SessionCore, SessionListener
from biofeedback.core.timeline import BeatBatch
from biofeedback.sources.clock import SessionClock

#: Real milliseconds between the core's ticks (``sources/driver.py`` uses the same).
TICK_MS = 250


class _SignalRelay(SessionListener):
    """The core's listener: each call becomes the controller's signal of the same event."""

    def __init__(self, controller: SessionController) -> None:
        self.c = controller

    def beats_added(self, batch: BeatBatch) -> None:
        self.c.beats_added.emit(batch)

    def sample_received(self, sample) -> None:
        self.c.sample_received.emit(sample)

    def status_changed(self, status) -> None:
        self.c.status_changed.emit(status)

    def battery_changed(self, percent: int) -> None:
        self.c.battery_changed.emit(percent)

    def blood_pressure_added(self, reading: BloodPressure) -> None:
        self.c.blood_pressure_received.emit(reading)

    def metrics_updated(self, metrics: LiveMetrics) -> None:
        self.c.metrics_updated.emit(metrics)

    def pacer_changed(self, pacer: PacerSettings | None) -> None:
        self.c.pacer_changed.emit(pacer)

    def marker_added(self, marker: Marker) -> None:
        self.c.marker_added.emit(marker)

    def marker_changed(self, marker: Marker | None, edit: MarkerEdit) -> None:
        self.c.marker_edited.emit(marker, edit)

    def rating_added(self, rating: Rating) -> None:
        self.c.rating_received.emit(rating)

    def phase_changed(self, phase: PhaseChange) -> None:
        self.c.phase_entered.emit(phase)

    def source_changed(self, info: SourceInfo | None) -> None:
        self.c.source_changed_to.emit(info)

    def recording_changed(self, path) -> None:
        self.c.recording_changed.emit(path)

    def recording_pending(self, pending: bool) -> None:
        self.c.recording_pending_changed.emit(pending)

    def session_ended(self) -> None:
        self.c.clock.pause()  # the session time, and the pacer with it, stop where the recording did
        self.c.session_ended.emit()

    def error_occurred(self, message: str) -> None:
        self.c.error_occurred.emit(message)

    def reset(self) -> None:
        self.c.session_reset.emit()


class SessionController(QObject):
    """Signals are named after events; payloads are immutable core values."""

    beats_added = Signal(object)  # BeatBatch
    sample_received = Signal(object)  # Sample
    status_changed = Signal(object)  # Status
    battery_changed = Signal(int)
    blood_pressure_received = Signal(object)  # BloodPressure
    pacer_changed = Signal(object)  # PacerSettings or None
    marker_added = Signal(object)  # Marker
    marker_edited = Signal(object, object)  # Marker (None: deleted), MarkerEdit
    rating_received = Signal(object)  # Rating
    phase_entered = Signal(object)  # PhaseChange
    source_changed_to = Signal(object)  # SourceInfo
    recording_changed = Signal(object)  # Path of the session file being written, or None
    recording_pending_changed = Signal(bool)  # a file waits for the strap's first sample
    session_ended = Signal()  # a recording played back reached its end; the clock stands still
    error_occurred = Signal(str)  # a message for people
    metrics_updated = Signal(object)  # LiveMetrics, after each batch of new beats
    session_reset = Signal()  # the core starts afresh (a recording opened, a seek in review)

    def __init__(self, clock: SessionClock, core: SessionCore | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.clock = clock
        self.core = core if core is not None else SessionCore()
        self.core.listener = _SignalRelay(self)
        #: The core and clock the live source feeds (the source's events go there even while
        #: another session is shown, e.g. a review in the same window).
        self.live_core, self.live_clock = self.core, clock
        self._tick_timer = QTimer(self)
        self._tick_timer.timeout.connect(self.tick)
        self._tick_timer.start(TICK_MS)

    def use_core(self, core: SessionCore, clock: SessionClock | None = None) -> None:
        """Show another session from now on (a recording opened for review in the same window,
        and the live session again after it): its signals come from ``core``, its time from
        ``clock``. Widgets hear ``session_reset`` and draw the new session.

        The live source goes on feeding :attr:`live_core` meanwhile, unseen, so the live session
        is there, up to date, when it is shown again."""
        self.core.listener = SessionListener()
        self.core = core
        if clock is not None:
            self.clock = clock
        core.listener = _SignalRelay(self)
        self.session_reset.emit()

    # ---- inputs

    def on_event(self, event: SourceEvent) -> None:
        """Slot for :attr:`SourceBridge.event_received`: to the live session."""
        self.live_core.on_event(event, self.live_clock.now())

    def on_failed(self, message: str) -> None:
        """Slot for :attr:`SourceBridge.failed`."""
        self.live_core.on_failed(message, self.live_clock.now())

    def source_started(self, info: SourceInfo, keep_recording: bool | None = None) -> None:
        self.live_core.source_started(info, self.live_clock.now(), keep_recording=keep_recording)

    def set_pacer(self, settings: PacerSettings | None) -> None:
        """Change the pacer; a new breath starts now."""
        self.core.set_pacer(settings, self.clock.now())

    def add_marker(self, label: str = "Marker", note: str = "") -> Marker:
        return self.core.add_marker(self.clock.now(), label, note)

    def edit_marker(self, marker_id: int, label: str, note: str = "", deleted: bool = False) -> Marker | None:
        return self.core.edit_marker(marker_id, label, note, self.clock.now(), deleted)

    def add_rating(self, when: str, pain: int | None, stress: int | None, mood: int | None) -> Rating:
        rating = Rating(self.clock.now(), when, pain, stress, mood)
        self.core.add_rating(rating)
        return rating

    def add_blood_pressure(self, reading: BloodPressure) -> None:
        self.core.add_blood_pressure(reading)

    def enter_phase(self, phase: PhaseChange) -> None:
        self.core.enter_phase(phase)

    def start_recording(self) -> bool:
        """Start writing this session to a new file (from now on; earlier beats stay on screen only)."""
        return self.core.start_recording(self.clock.now())

    def stop_recording(self) -> Path | None:
        """Close the session file; the session goes on without being saved."""
        return self.core.stop_recording(self.clock.now())

    def reset(self, source: SourceInfo | None = None) -> None:
        """Start the live session afresh (plots, beats, status, annotations cleared; the file closed)."""
        self.live_core.reset(self.live_clock.now(), source)

    @property
    def ended(self) -> bool:
        """A recording played back has reached its end."""
        return self.core.ended

    @property
    def recording_pending(self) -> bool:
        return self.core.recording_pending

    @property
    def recording(self) -> bool:
        """A session file is being written, or waits for the strap's first sample."""
        return self.core.recording or self.core.recording_pending

    @property
    def showing_live(self) -> bool:
        """The live session is the one shown (not a review)."""
        return self.core is self.live_core

    def tick(self) -> None:
        self.core.tick(self.clock.now())
        if self.live_core is not self.core:
            self.live_core.tick(self.live_clock.now())

    def close(self) -> None:
        self._tick_timer.stop()
        self.core.close(self.clock.now())
        if self.live_core is not self.core:
            self.live_core.close(self.live_clock.now())

    # ---- state, for widgets

    @property
    def analyzer(self) -> LiveAnalyzer | None:
        return self.core.analyzer

    @property
    def pacer(self) -> PacerSettings | None:
        return self.core.pacer

    @property
    def pacer_start(self) -> float:
        return self.core.pacer_start

    @property
    def status(self):
        return self.core.status

    @property
    def source(self) -> SourceInfo | None:
        return self.core.source

    @property
    def metrics(self) -> LiveMetrics | None:
        return self.core.metrics

    @property
    def markers(self) -> list[Marker]:
        return self.core.markers

    @property
    def phases(self) -> list[PhaseChange]:
        return self.core.phases

    @property
    def beat_latency_s(self) -> float | None:
        return self.core.beat_latency_s

    @property
    def beat_count(self) -> int:
        return self.core.beat_count

    @property
    def recording_path(self) -> Path | None:
        return self.core.recording_path

    def now(self) -> float:
        return self.clock.now()

    def pacer_now(self) -> PacerState | None:
        """The pacer's state now (None without a pacer, and once a recording played back has ended)."""
        if self.core.ended:
            return None
        return self.core.pacer_now(self.clock.now())

    def pacer_wave(self, start: float, stop: float, step: float = 0.5) -> tuple[np.ndarray, np.ndarray]:
        return self.core.pacer_wave(start, stop, step)

    def heart_rate_series(self, since: float | None = None) -> tuple[np.ndarray, np.ndarray]:
        return self.core.heart_rate_series(since)

    def tachogram_series(self, since: float | None = None) -> tuple[np.ndarray, np.ndarray]:
        return self.core.tachogram_series(since)

    def beat_connect(self, since: float | None = None) -> np.ndarray:
        return self.core.beat_connect(since)

    def since_last_beat_s(self) -> float | None:
        return self.core.since_last_beat_s(self.clock.now())

    def rr_at(self, times: np.ndarray) -> np.ndarray:
        return self.core.rr_at(times)

    def coherence_series(self, since: float | None = None, max_points: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        return self.core.coherence_series(since, max_points)

    def pacer_hz(self) -> float | None:
        return self.core.pacer_hz()
