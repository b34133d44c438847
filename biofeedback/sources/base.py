"""The one interface every source implements."""

from __future__ import annotations

import abc
from collections.abc import Callable
from typing import TYPE_CHECKING

from biofeedback.core.samples import SourceEvent, SourceInfo

if TYPE_CHECKING:
    from biofeedback.sources.clock import SessionClock

Emit = Callable[[SourceEvent], None]


class SourceError(Exception):
    """A source cannot start or go on. The message is for people: what happened, what to do."""


class Source(abc.ABC):
    """Produces immutable :mod:`biofeedback.core.samples` events on a session clock.

    ``run`` is a coroutine: the Qt bridge runs it on its own asyncio loop in a worker thread, and
    the headless recorder runs it with :func:`asyncio.run`. It returns when the source has no
    more data (a recording's end) and is cancelled to stop it.
    """

    #: A short description stored in the session header, e.g. ``"demo?seed=3"``.
    spec: str = ""

    @abc.abstractmethod
    def describe(self) -> SourceInfo:
        """What this source is (kind, live or recorded, saved by default, device): told, never guessed."""

    @abc.abstractmethod
    async def run(self, emit: Emit, clock: SessionClock) -> None:
        """Produce events with ``emit`` until finished or cancelled."""

    def device_info(self) -> dict[str, str]:
        """What is known about the device, for the session header."""
        return {}
