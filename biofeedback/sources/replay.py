"""The replay source: a recorded session played back on the session clock."""

from __future__ import annotations

import dataclasses

from biofeedback.core.samples import LinkState, Status
from biofeedback.sources.base import Emit, Source
from biofeedback.sources.clock import SessionClock
from biofeedback.storage.session_file import SessionData


class ReplaySource(Source):
    """Emits a recording's events at their recorded session times (scaled by the clock's speed).

    Events are re-stamped relative to the replay's own start, so a recording behaves exactly like
    a live source that started when the replay did.
    """

    def __init__(self, recording: SessionData) -> None:
        self.recording = recording
        self.spec = str(recording.path)

    def device_info(self) -> dict[str, str]:
        return dict(self.recording.header.get("device") or {})

    async def run(self, emit: Emit, clock: SessionClock) -> None:
        start = clock.now()
        name = self.recording.path.name
        emit(Status(start, LinkState.STREAMING, f"Replaying {name}.", self.device_info()))
        last = start
        for event in self.recording.events:
            t = start + event.t
            await clock.sleep_until(t)
            emit(dataclasses.replace(event, t=t))
            last = t
        emit(Status(last, LinkState.FINISHED, f"The recording {name} has ended."))
