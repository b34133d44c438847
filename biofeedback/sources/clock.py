"""The session clock: monotonic seconds since the session started, optionally sped up."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable


class SessionClock:
    """Session time = (monotonic time since start) x speed.

    Replay and the demo run on this clock, so ``--speed 50`` plays a 10-minute protocol in 12 s.
    Reading it is thread-safe, so the Qt display timer and the source thread share one.
    """

    def __init__(self, speed: float = 1.0, monotonic: Callable[[], float] = time.monotonic) -> None:
        if not speed > 0:
            raise ValueError("speed must be positive")
        self.speed = speed
        self._monotonic = monotonic
        self._origin = monotonic()

    def restart(self) -> None:
        """Session time starts again from 0 now (a new session begins)."""
        self._origin = self._monotonic()

    def now(self) -> float:
        """Session time, s."""
        return (self._monotonic() - self._origin) * self.speed

    async def sleep_until(self, t: float) -> None:
        """Wait (asynchronously) until session time ``t``.

        Always yields to the event loop, even when ``t`` has passed: a source that falls behind a
        fast clock (the demo at 200x on a busy machine) must still let the loop run the driver's
        stop conditions and signal handlers."""
        delay = (t - self.now()) / self.speed
        await asyncio.sleep(max(delay, 0.0))
