"""Review in the window: the pure review core (``core/review.py``) driving a
:class:`~biofeedback.qt.session_controller.SessionController` on Qt timers.

The playhead is the session clock of review (:class:`ReviewClock`), so every screen that asks
the controller for "now" (the plots' time axis, the pacer, the calm view) follows it: paused, it
stands still; at 16x, it runs. One timer moves the review core to the playhead; another gives
the coherence track spare moments until the whole recording's trend is known.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from biofeedback.core.annotations import Marker
from biofeedback.core.review import SPEEDS, Playhead, ReviewRecording, ReviewSession
from biofeedback.core.session import SessionCore
from biofeedback.qt.widgets.coherence_plot import TREND_WINDOW_S
from biofeedback.sources.clock import SessionClock

#: Real ms between moves of a playing review (25 per second: at 16x a step is 0.64 s of session,
#: less than one notification).
PLAY_TICK_MS = 40
#: Real ms between the coherence track's turns, and the share of each turn it may use: it fills
#: in a 30-minute session in about half a second without making the window stutter.
FILL_TICK_MS = 15
FILL_BUDGET_S = 0.006
#: Batches the track computes between looks at the clock.
FILL_CHUNK = 8


class ReviewClock(SessionClock):
    """The session clock of a review: where the playhead is, in real time."""

    def __init__(self, playhead: Playhead, monotonic: Callable[[], float] = time.monotonic) -> None:
        super().__init__(1.0, monotonic)
        self.playhead = playhead
        self.real = monotonic

    @property
    def speed(self) -> float:  # noqa: D401 - SessionClock's attribute
        return self.playhead.speed

    @speed.setter
    def speed(self, value: float) -> None:  # SessionClock.__init__ sets it; the playhead owns it
        pass

    def now(self) -> float:
        return self.playhead.position(self.real())


class ReviewController(QObject):
    """Play, pause, seek, speed and markers of one recording under review.

    Parameters
    ----------
    recording : ReviewRecording
    core : SessionCore
        The core the window's controller shows (the app builds it).
    annotations : sink or None
        Where markers set or relabelled in review are appended (``SessionAppender``).
    annotation_errors : tuple of exception types
        What ``annotations`` raises when the file cannot be written.

    Signals
    -------
    position_changed(float)
        The playhead moved (session time, s).
    playing_changed(bool), speed_changed(float)
    markers_changed()
        A marker was added or relabelled.
    """

    position_changed = Signal(float)
    playing_changed = Signal(bool)
    speed_changed = Signal(float)
    markers_changed = Signal()

    def __init__(
        self,
        recording: ReviewRecording,
        core: SessionCore,
        annotations: Any = None,
        annotation_errors: tuple[type[BaseException], ...] = (OSError,),
        monotonic: Callable[[], float] = time.monotonic,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.recording = recording
        self.playhead = Playhead(recording.start_s, recording.end_s)
        self.clock = ReviewClock(self.playhead, monotonic)
        self.session = ReviewSession(recording, core, annotations, annotation_errors=annotation_errors, trend_window_s=TREND_WINDOW_S)
        self.controller = None
        self._play_timer = QTimer(self)
        self._play_timer.setInterval(PLAY_TICK_MS)
        self._play_timer.timeout.connect(self.tick)
        self._fill_timer = QTimer(self)
        self._fill_timer.setInterval(FILL_TICK_MS)
        self._fill_timer.timeout.connect(self.fill)
        self._fill_timer.start()

    def attach(self, controller) -> None:
        """Drive ``controller`` (whose core is this review's): announce the playhead's moment."""
        self.controller = controller
        self._links = [
            (controller.marker_added, lambda _marker: self.markers_changed.emit()),
            (controller.marker_edited, lambda _marker, _edit: self.markers_changed.emit()),
        ]
        for signal, slot in self._links:
            signal.connect(slot)
        self.seek(self.position)

    def detach(self) -> None:
        """Let go of the controller (the window shows the live session again): nothing of it
        keeps this review, its recording or its core alive."""
        for signal, slot in getattr(self, "_links", []):
            signal.disconnect(slot)
        self._links = []
        self.controller = None

    # ---- where and how fast

    @property
    def position(self) -> float:
        return self.clock.now()

    @property
    def playing(self) -> bool:
        return self.playhead.playing

    @property
    def speed(self) -> float:
        return self.playhead.speed

    @property
    def markers(self) -> list[Marker]:
        return self.session.markers

    def play(self) -> None:
        if not self.playhead.playing:
            self.playhead.play(self.clock.real())
            if self.session.position > self.playhead.position(self.clock.real()):  # started again from the start
                self.session.seek(self.playhead.position(self.clock.real()))
            self._play_timer.start()
            self.playing_changed.emit(True)

    def pause(self) -> None:
        if self.playhead.playing:
            self.playhead.pause(self.clock.real())
            self._play_timer.stop()
            self.session.advance(self.position)
            self.playing_changed.emit(False)
            self.position_changed.emit(self.position)

    def toggle(self) -> None:
        self.pause() if self.playing else self.play()

    def seek(self, t: float) -> None:
        """Show the session as it was at session time ``t`` (s)."""
        where = self.playhead.seek(t, self.clock.real())
        self.session.seek(where)
        self.position_changed.emit(where)

    def step(self, seconds: float) -> None:
        """Move the playhead by ``seconds`` of session time (back when negative)."""
        self.seek(self.position + seconds)

    def set_speed(self, speed: float) -> None:
        self.playhead.set_speed(speed, self.clock.real())
        self.speed_changed.emit(speed)

    def faster(self) -> None:
        later = [s for s in SPEEDS if s > self.speed]
        if later:
            self.set_speed(later[0])

    def slower(self) -> None:
        earlier = [s for s in SPEEDS if s < self.speed]
        if earlier:
            self.set_speed(earlier[-1])

    def next_marker(self) -> Marker | None:
        marker = self.session.next_marker(self.position)
        if marker is not None:
            self.seek(marker.t)
        return marker

    def previous_marker(self) -> Marker | None:
        marker = self.session.previous_marker(self.position)
        if marker is not None:
            self.seek(marker.t)
        return marker

    def go_to_start(self) -> None:
        self.seek(self.recording.start_s)

    def go_to_end(self) -> None:
        self.seek(self.recording.end_s)

    # ---- markers

    def add_marker(self, label: str = "Marker", note: str = "") -> Marker:
        """Mark the playhead's moment (appended to the file; the window's marker key does the same)."""
        return self.controller.add_marker(label, note)

    def edit_marker(self, marker_id: int, label: str, note: str = "", deleted: bool = False) -> None:
        """Relabel (or remove) a marker, shown or still ahead (a new event in the file)."""
        self.session.edit_marker(marker_id, label, note, deleted)
        self.markers_changed.emit()

    # ---- timers

    def tick(self) -> None:
        """A playing review moves on to the playhead; at the end it pauses."""
        where = self.position
        self.session.advance(where)
        self.position_changed.emit(where)
        if self.playhead.at_end(self.clock.real()):
            self.pause()

    def fill(self) -> None:
        """One turn of the coherence track (at most :data:`FILL_BUDGET_S` of work)."""
        session = self.session
        if session.track.complete and not session.trend_incomplete:
            self._fill_timer.stop()
            return
        deadline = time.perf_counter() + FILL_BUDGET_S
        refreshed = False
        while time.perf_counter() < deadline:
            refreshed |= session.fill_coherence(FILL_CHUNK)
            if session.track.complete and not session.trend_incomplete:
                break
        if refreshed and self.controller is not None and session.core.metrics is not None:
            self.controller.metrics_updated.emit(session.core.metrics)  # the trend is redrawn with what it lacked

    def close(self) -> None:
        self._play_timer.stop()
        self._fill_timer.stop()
