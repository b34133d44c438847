"""Writes source events to a session file and keeps the beat timeline they imply."""

from __future__ import annotations

from biofeedback.core.samples import SourceEvent
from biofeedback.core.timeline import BeatBatch, BeatTimeline
from biofeedback.storage.session_file import Marker, SessionWriter


class Recorder:
    """Feeds each event to the timeline and the file, in that order; gaps are written as found.

    ``writer`` may be None to run the same pipeline without a file (a session not being saved).
    """

    def __init__(self, writer: SessionWriter | None, timeline: BeatTimeline | None = None) -> None:
        self.writer = writer
        self.timeline = timeline or BeatTimeline()

    def on_event(self, event: SourceEvent) -> BeatBatch:
        batch = self.timeline.add_event(event)
        if self.writer is not None:
            self.writer.write_event(event)
            if batch.gap is not None:
                self.writer.write_gap(batch.gap)
        return batch

    def add_marker(self, t: float, label: str) -> Marker:
        marker = Marker(t, label)
        if self.writer is not None:
            self.writer.write_marker(marker)
        return marker

    def tick(self) -> None:
        if self.writer is not None:
            self.writer.tick()

    def close(self, t: float | None = None) -> None:
        if self.writer is not None:
            self.writer.close(t)
