"""The session controller: receives source events in the GUI thread and runs the pure pipeline.

It owns no widgets and no devices. Widgets listen to its signals and ask it for data.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject, QTimer, Signal

from biofeedback.core.live import LiveAnalyzer, LiveMetrics
from biofeedback.core.pacer import PacerSettings, PacerState, pacer_state
from biofeedback.core.ring import RingBuffer
from biofeedback.core.samples import Battery, LinkState, Sample, SourceEvent, Status
from biofeedback.core.timeline import BeatBatch
from biofeedback.sources.clock import SessionClock
from biofeedback.storage.recorder import Recorder
from biofeedback.storage.session_file import SessionFileError, SessionWriter

log = logging.getLogger(__name__)

#: Beats kept for live plots: about 40 minutes at 60 bpm.
PLOT_CAPACITY = 2400


class SessionController(QObject):
    """Signals are named after events; payloads are immutable core values."""

    beats_added = Signal(object)  # BeatBatch
    sample_received = Signal(object)  # Sample
    status_changed = Signal(object)  # Status
    battery_changed = Signal(int)
    pacer_changed = Signal(object)  # PacerSettings or None
    marker_added = Signal(object)  # Marker
    recording_changed = Signal(object)  # Path of the session file being written, or None
    error_occurred = Signal(str)  # a message for people
    metrics_updated = Signal(object)  # LiveMetrics, after each batch of new beats

    def __init__(
        self,
        clock: SessionClock,
        recorder: Recorder,
        parent: QObject | None = None,
        open_writer: Callable[[], SessionWriter] | None = None,
        analyzer: LiveAnalyzer | None = None,
    ) -> None:
        super().__init__(parent)
        self.clock = clock
        self.recorder = recorder
        self._open_writer = open_writer
        # Syncs the session file at least once a second even when no events arrive.
        self._sync_timer = QTimer(self)
        self._sync_timer.timeout.connect(self.recorder.tick)
        self._sync_timer.start(500)
        self.pacer: PacerSettings | None = PacerSettings.from_rate(6.0)
        self.pacer_start = 0.0
        self.status: Status | None = None
        self.beats = RingBuffer(PLOT_CAPACITY, width=3)  # (time s, RR ms, 1 where a segment starts after a gap)
        self.coherence_history = RingBuffer(PLOT_CAPACITY, width=2)  # (time s, coherence ratio)
        self._breath_table: tuple[PacerSettings, np.ndarray, np.ndarray] | None = None
        #: Time from the newest beat to its arrival here, s (None before the first beat).
        self.beat_latency_s: float | None = None
        #: Computes live metrics from each batch of beats (None: no metrics_updated signals).
        self.analyzer = analyzer
        if analyzer is not None:
            analyzer.set_pacer(self.pacer)
        self.metrics_updated.connect(self.remember_metrics)

    # ---- inputs

    def on_event(self, event: SourceEvent) -> None:
        """Slot for :attr:`SourceBridge.event_received`."""
        batch = self.recorder.on_event(event)
        if isinstance(event, Sample):
            self.sample_received.emit(event)
        elif isinstance(event, Status):
            self.status = event
            self.status_changed.emit(event)
        elif isinstance(event, Battery):
            self.battery_changed.emit(event.percent)
        if batch.times:
            starts = np.zeros(len(batch.times))
            starts[0] = batch.gap is not None or len(self.beats) == 0
            self.beats.extend(np.column_stack([batch.times, batch.rr_ms, starts]))
            self.beat_latency_s = self.clock.now() - batch.times[-1]
            self.beats_added.emit(batch)
            if self.analyzer is not None:
                metrics = self.analyzer.add_batch(batch)
                if metrics is not None:
                    self.metrics_updated.emit(metrics)

    def on_failed(self, message: str) -> None:
        """Slot for :attr:`SourceBridge.failed`."""
        self.status = Status(self.clock.now(), LinkState.FAILED, message)
        self.status_changed.emit(self.status)

    def set_pacer(self, settings: PacerSettings | None) -> None:
        """Change the pacer; a new breath starts now."""
        self.pacer = settings
        self.pacer_start = self.clock.now()
        if self.analyzer is not None:
            self.analyzer.set_pacer(settings)
        if self.recorder.writer is not None:
            self.recorder.writer.write_pacer(self.pacer_start, _pacer_dict(settings))
        self.pacer_changed.emit(settings)

    def add_marker(self, label: str = "Marker") -> None:
        self.marker_added.emit(self.recorder.add_marker(self.clock.now(), label))

    def remember_metrics(self, metrics: LiveMetrics) -> None:
        """Keep the coherence trend for the supervisor's plot (slot for ``metrics_updated``)."""
        if metrics.coherence is not None:
            self.coherence_history.append((metrics.t, metrics.coherence))

    @property
    def recording_path(self) -> Path | None:
        return None if self.recorder.writer is None else self.recorder.writer.path

    def start_recording(self) -> None:
        """Start writing this session to a new file (from now on; earlier beats stay on screen only)."""
        if self.recorder.writer is not None or self._open_writer is None:
            return
        try:
            self.recorder.writer = self._open_writer()
        except SessionFileError as exc:
            log.warning("%s", exc)
            self.error_occurred.emit(f"The session cannot be saved: {exc}")
            return
        if self.pacer is not None:
            self.recorder.writer.write_pacer(self.pacer_start, _pacer_dict(self.pacer))
        self.recording_changed.emit(self.recorder.writer.path)

    def stop_recording(self) -> None:
        """Close the session file; the session goes on without being saved."""
        if self.recorder.writer is None:
            return
        self.recorder.close(self.clock.now())
        self.recorder.writer = None
        self.recording_changed.emit(None)

    def continue_recording_with_new_source(self, record_anyway: bool) -> None:
        """Another source took over: one file per source, so close the current file, and open a
        new one if a file was being written or ``record_anyway`` (a strap)."""
        was_recording = self.recorder.writer is not None
        self.stop_recording()
        if was_recording or record_anyway:
            self.start_recording()

    def close(self) -> None:
        self._sync_timer.stop()
        self.recorder.close(self.clock.now())

    # ---- queries for widgets

    def now(self) -> float:
        return self.clock.now()

    def pacer_now(self) -> PacerState | None:
        if self.pacer is None:
            return None
        return pacer_state(self.pacer, self.clock.now() - self.pacer_start)

    def pacer_wave(self, start: float, stop: float, step: float = 0.5) -> tuple[np.ndarray, np.ndarray]:
        """The guided lung volume (0..1) sampled every ``step`` s between session times."""
        if self.pacer is None or stop <= start:
            return np.empty(0), np.empty(0)
        # samples on a grid fixed to the pacer's start, so the drawn wave does not shimmer as it scrolls
        first = self.pacer_start + np.ceil((max(start, self.pacer_start) - self.pacer_start) / step) * step
        t = np.arange(first, stop, step)
        grid, volume = self._one_breath()
        return t, np.interp(np.mod(t - self.pacer_start, self.pacer.period_s), grid, volume)

    def _one_breath(self) -> tuple[np.ndarray, np.ndarray]:
        """One breath of the current pacer's volume, tabulated once per pacer (pacer_state per call
        cost about 1.5 ms per plot redraw); interpolating 400 points errs by < 1e-4 of a breath."""
        if self._breath_table is None or self._breath_table[0] != self.pacer:
            grid = np.linspace(0.0, self.pacer.period_s, 401)
            volume = np.array([pacer_state(self.pacer, x).volume for x in grid[:-1]] + [0.0])
            self._breath_table = (self.pacer, grid, volume)
        return self._breath_table[1], self._breath_table[2]

    def heart_rate_series(self) -> tuple[np.ndarray, np.ndarray]:
        """Beat times (s) and instantaneous heart rate (beats/min) for plotting."""
        data = self.beats.view()
        return data[:, 0], 60000.0 / data[:, 1] if len(data) else data[:, 1]

    def tachogram_series(self) -> tuple[np.ndarray, np.ndarray]:
        """Beat times (s) and RR intervals (ms) for plotting."""
        data = self.beats.view()
        return data[:, 0], data[:, 1]

    def since_last_beat_s(self) -> float | None:
        """Session time since the newest beat, s (None before the first beat)."""
        data = self.beats.view()
        return None if not len(data) else self.clock.now() - float(data[-1, 0])

    def beat_connect(self) -> np.ndarray:
        """For each plotted beat, whether a line joins it to the next (False across a gap)."""
        starts = self.beats.view()[:, 2]
        return np.append(starts[1:] == 0, False)

    def rr_at(self, times: np.ndarray) -> np.ndarray:
        """RR intervals (ms) of the plotted beats nearest to ``times`` (s), e.g. to mark artefacts."""
        data = self.beats.view()
        times = np.asarray(times, dtype=np.float64)
        if not len(data) or not len(times):
            return np.empty(0)
        i = np.clip(np.searchsorted(data[:, 0], times), 1, max(len(data) - 1, 1))
        nearer_left = np.abs(data[i - 1, 0] - times) <= np.abs(data[np.minimum(i, len(data) - 1), 0] - times)
        return data[np.where(nearer_left, i - 1, i).clip(0, len(data) - 1), 1]

    def coherence_series(self) -> tuple[np.ndarray, np.ndarray]:
        """Session times (s) and coherence ratios of the trend so far."""
        data = self.coherence_history.view()
        return data[:, 0], data[:, 1]

    def pacer_hz(self) -> float | None:
        """The pacer's breathing frequency, Hz (None without a pacer)."""
        return None if self.pacer is None else self.pacer.breaths_per_min / 60.0


def _pacer_dict(settings: PacerSettings | None) -> dict:
    if settings is None:
        return {}
    return {
        "inhale_s": settings.inhale_s,
        "hold_in_s": settings.hold_in_s,
        "exhale_s": settings.exhale_s,
        "hold_out_s": settings.hold_out_s,
    }
