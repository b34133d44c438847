"""The replay source: a recorded session played back on the session clock."""

from __future__ import annotations

import dataclasses

from collections.abc import Sequence

from biofeedback.core.samples import LinkState, SourceEvent, Status
from biofeedback.sources.base import Emit, Source
from biofeedback.sources.clock import SessionClock


class ReplaySource(Source):
    """Emits a recording's events at their recorded session times (scaled by the clock's speed).

    Events are re-stamped relative to the replay's own start, so a recording behaves exactly like
    a live source that started when the replay did.
    """

    def __init__(self, events: Sequence[SourceEvent], name: str, device: dict[str, str] | None = None) -> None:
        self.events = events
        self.name = name
        self.spec = name
        self._device = dict(device or {})

    def device_info(self) -> dict[str, str]:
        return dict(self._device)

    async def run(self, emit: Emit, clock: SessionClock) -> None:
        start = clock.now()
        name = self.name
        emit(Status(start, LinkState.STREAMING, f"Replaying {name}.", self.device_info()))
        last = start
        for event in self.events:
            t = start + event.t
            await clock.sleep_until(t)
            emit(dataclasses.replace(event, t=t))
            last = t
        emit(Status(last, LinkState.FINISHED, f"The recording {name} has ended."))
