"""The replay source: a recorded session played back on the session clock."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from biofeedback.core.samples import LinkState, SourceEvent, SourceInfo, SourceKind, Status
from biofeedback.sources.base import Emit, Source
from biofeedback.sources.clock import SessionClock


class ReplaySource(Source):
    """Emits a recording's events at their recorded times (scaled by the clock's speed).

    Events are re-stamped relative to the replay's own start and the recording's first event, so
    a recording behaves exactly like a live source that started when the replay did: its first
    event comes within a second (a file that began 106 s into its session does not keep anyone
    waiting 106 s).

    Parameters
    ----------
    events : sequence of source events
    name : str
        The recording's file name, for people and the session header.
    device : dict, optional
        The recorded device, as far as known.
    kind : SourceKind
        ``REPLAY`` for our own session files, ``IMPORT`` for other apps' recordings.
    """

    def __init__(self, events: Sequence[SourceEvent], name: str, device: dict[str, str] | None = None, kind: SourceKind = SourceKind.REPLAY) -> None:
        self.events = events
        self.name = name
        self.spec = name
        self.kind = kind
        self._device = dict(device or {})

    def device_info(self) -> dict[str, str]:
        return dict(self._device)

    def describe(self) -> SourceInfo:
        return SourceInfo(self.kind, self.spec, live=False, recorded_by_default=False, device=self.device_info(), name=self.name)

    async def run(self, emit: Emit, clock: SessionClock) -> None:
        start = clock.now()
        name = self.name
        emit(Status(start, LinkState.STREAMING, f"Replaying {name}.", self.device_info()))
        # the first event arrives within a second of the start, as a strap's first notification does
        first = self.events[0].t if len(self.events) else 0.0
        offset = start - max(first - 1.0, 0.0)
        last = start
        for event in self.events:
            t = offset + event.t
            await clock.sleep_until(t)
            emit(dataclasses.replace(event, t=t))
            last = t
        emit(Status(last, LinkState.FINISHED, f"The recording {name} has ended."))
