"""The session clock: monotonic seconds since the session started, optionally sped up."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable

#: How often a source waiting on a paused clock looks again, real s.
_PAUSED_POLL_S = 0.1


class SessionClock:
    """Session time = (monotonic time since start) x speed.

    Replay and the demo run on this clock, so ``--speed 50`` plays a 10-minute protocol in 12 s.
    Reading it is thread-safe, so the Qt display timer and the source thread share one.

    The clock can start again from zero (:meth:`restart`: a recording opened in place of the
    running session) and stand still (:meth:`pause`: a replay has ended, so the session time,
    the pacer and everything drawn from them stop where the recording stopped).
    """

    def __init__(self, speed: float = 1.0, monotonic: Callable[[], float] = time.monotonic) -> None:
        if not speed > 0:
            raise ValueError("speed must be positive")
        self.speed = speed
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._origin = monotonic()
        #: Session time the clock stands still at, or None while it runs.
        self._frozen: float | None = None

    def now(self) -> float:
        """Session time, s."""
        frozen = self._frozen
        if frozen is not None:
            return frozen
        return (self._monotonic() - self._origin) * self.speed

    @property
    def paused(self) -> bool:
        return self._frozen is not None

    def restart(self, t: float = 0.0) -> None:
        """Run again from session time ``t`` (a new session begins now)."""
        with self._lock:
            self._run_from(t)

    def pause(self) -> None:
        """Stand still at the present session time (a replay ended). :meth:`resume` runs on."""
        with self._lock:
            if self._frozen is None:
                self._frozen = (self._monotonic() - self._origin) * self.speed

    def resume(self) -> None:
        """Run on from where :meth:`pause` stopped."""
        with self._lock:
            if self._frozen is not None:
                self._run_from(self._frozen)

    def _run_from(self, t: float) -> None:
        self._origin = self._monotonic() - t / self.speed
        self._frozen = None

    async def sleep_until(self, t: float) -> None:
        """Wait (asynchronously) until session time ``t``; a paused clock keeps the waiter waiting.

        Always yields to the event loop, even when ``t`` has passed: a source that falls behind a
        fast clock (the demo at 200x on a busy machine) must still let the loop run the driver's
        stop conditions and signal handlers."""
        while True:
            if self.paused:
                await asyncio.sleep(_PAUSED_POLL_S)
                continue
            delay = (t - self.now()) / self.speed
            await asyncio.sleep(max(delay, 0.0))
            if not self.paused and self.now() >= t - 1e-9:
                return
