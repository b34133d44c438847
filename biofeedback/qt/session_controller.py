"""The session controller: receives source events in the GUI thread and runs the pure pipeline.

It owns no widgets and no devices. Widgets listen to its signals and ask it for data.
"""

from __future__ import annotations

import logging

import numpy as np
from PySide6.QtCore import QObject, Signal

from biofeedback.core.pacer import PacerSettings, PacerState, pacer_state
from biofeedback.core.ring import RingBuffer
from biofeedback.core.samples import Battery, LinkState, Sample, SourceEvent, Status
from biofeedback.core.timeline import BeatBatch
from biofeedback.sources.clock import SessionClock
from biofeedback.storage.recorder import Recorder

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

    def __init__(self, clock: SessionClock, recorder: Recorder, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.clock = clock
        self.recorder = recorder
        self.pacer: PacerSettings | None = PacerSettings.from_rate(6.0)
        self.pacer_start = 0.0
        self.status: Status | None = None
        self.last_sample: Sample | None = None
        self.beats = RingBuffer(PLOT_CAPACITY, width=2)  # (time s, RR ms)

    # ---- inputs

    def on_event(self, event: SourceEvent) -> None:
        """Slot for :attr:`SourceBridge.event_received`."""
        batch = self.recorder.on_event(event)
        if isinstance(event, Sample):
            self.last_sample = event
            self.sample_received.emit(event)
        elif isinstance(event, Status):
            self.status = event
            self.status_changed.emit(event)
        elif isinstance(event, Battery):
            self.battery_changed.emit(event.percent)
        if batch.times:
            self.beats.extend(np.column_stack([batch.times, batch.rr_ms]))
            self.beats_added.emit(batch)

    def on_failed(self, message: str) -> None:
        """Slot for :attr:`SourceBridge.failed`."""
        self.status = Status(self.clock.now(), LinkState.FAILED, message)
        self.status_changed.emit(self.status)

    def set_pacer(self, settings: PacerSettings | None) -> None:
        """Change the pacer; a new breath starts now."""
        self.pacer = settings
        self.pacer_start = self.clock.now()
        if self.recorder.writer is not None:
            self.recorder.writer.write_pacer(self.pacer_start, _pacer_dict(settings))
        self.pacer_changed.emit(settings)

    def add_marker(self, label: str = "Marker") -> None:
        self.marker_added.emit(self.recorder.add_marker(self.clock.now(), label))

    def close(self) -> None:
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
        t = np.arange(max(start, self.pacer_start), stop, step)
        return t, np.array([pacer_state(self.pacer, x - self.pacer_start).volume for x in t])

    def heart_rate_series(self) -> tuple[np.ndarray, np.ndarray]:
        """Beat times (s) and instantaneous heart rate (beats/min) for plotting."""
        data = self.beats.view()
        return data[:, 0], 60000.0 / data[:, 1] if len(data) else data[:, 1]


def _pacer_dict(settings: PacerSettings | None) -> dict:
    if settings is None:
        return {}
    return {
        "inhale_s": settings.inhale_s,
        "hold_in_s": settings.hold_in_s,
        "exhale_s": settings.exhale_s,
        "hold_out_s": settings.hold_out_s,
    }
