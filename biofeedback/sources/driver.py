"""Drive a session core from a source on asyncio, without a window (``biofeedback record``,
``protocol``, ``assess``).

The window drives the same :class:`~biofeedback.core.session.SessionCore` from Qt signals and
timers (``qt/session_controller.py``); this is the headless twin: events go to the core as they
come, and the core's :meth:`~biofeedback.core.session.SessionCore.tick` runs every
:data:`TICK_S` of real time so the file is synced even when no events arrive.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from biofeedback.core.samples import LinkState, SourceEvent, Status
from biofeedback.core.session import SessionCore
from biofeedback.sources.base import Source
from biofeedback.sources.clock import SessionClock

#: Real seconds between the core's ticks (the window's timer uses the same).
TICK_S = 0.25


async def drive(
    source: Source,
    core: SessionCore,
    clock: SessionClock,
    *,
    until: float | None = None,
    stop: asyncio.Event | None = None,
    on_tick: Callable[[float], bool] | None = None,
) -> LinkState | None:
    """Run ``source`` into ``core`` until it finishes or fails, session time ``until`` passes,
    ``stop`` is set, or ``on_tick(now)`` returns False.

    Returns the source's last link state if it ended by itself (FINISHED or FAILED), else None.
    An exception the source raised (a :class:`~biofeedback.sources.base.SourceError`) is raised
    again here, after the core has been ticked one last time.
    """
    ended: list[LinkState] = []
    finished = asyncio.Event()

    def emit(event: SourceEvent) -> None:
        core.on_event(event, clock.now())
        if isinstance(event, Status) and event.state in (LinkState.FINISHED, LinkState.FAILED):
            ended.append(event.state)
            finished.set()

    stop = stop or asyncio.Event()
    task = asyncio.create_task(source.run(emit, clock), name="source")
    waiters = [asyncio.create_task(stop.wait()), asyncio.create_task(finished.wait()), task]
    try:
        while not (task.done() or stop.is_set() or finished.is_set()):
            now = clock.now()
            if until is not None and now >= until:
                break
            if on_tick is not None and not on_tick(now):
                break
            timeout = TICK_S if until is None else min(TICK_S, max(until - now, 0.0) / clock.speed)
            await asyncio.wait(waiters, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
            core.tick(clock.now())
    finally:
        for w in waiters:
            w.cancel()
        await asyncio.gather(*waiters, return_exceptions=True)
        core.tick(clock.now())
    if task.done() and not task.cancelled() and task.exception() is not None:
        raise task.exception()
    return ended[-1] if ended else None
