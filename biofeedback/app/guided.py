"""Running a guided protocol without a window (``assess`` and ``protocol``), and what they share.

The same session core as ``record`` and the window (``app/session.make_core``), driven by
``sources/driver.drive``; the protocol runner (``core/protocol.py``) is ticked on every
notification at its time, so each phase begins within a notification of its time at any speed,
and the demo's simulated person is told of every pacer the runner sets
(``app/session.follow_pacer``).
"""

from __future__ import annotations

import argparse
import asyncio
import signal
from pathlib import Path

from biofeedback.app import cli
from biofeedback.app.session import follow_pacer, make_core
from biofeedback.app.sources import make_source
from biofeedback.core.protocol import ProtocolRunner
from biofeedback.core.samples import Sample
from biofeedback.core.session import SessionCore, SessionListener
from biofeedback.sources.base import Source


class _Ticker(SessionListener):
    """Ticks the runner on every notification, at the notification's time, and lets the demo
    follow each new pacer.

    The protocol's time is the data's: it begins with the first notification, and a source that
    falls behind a fast clock (the demo at 200x on a busy machine) or a strap that goes quiet holds
    the protocol back with it, so every block holds the breaths it was meant to hold. (The demo's
    notifications come at times its seed fixes, but which one comes first depends on how long the
    source took to start on the session clock, so two runs of one seed can differ a little;
    :func:`run_without_clock` is exactly repeatable.)
    """

    def __init__(self, runner: ProtocolRunner, source: Source, core: SessionCore) -> None:
        self.runner, self.source, self.core = runner, source, core
        self._followed = (core.pacer, core.pacer_start)

    def sample_received(self, sample: Sample) -> None:
        if not self.runner.started:  # the protocol begins with the first heartbeat's notification
            self.runner.start(sample.t)
        self.runner.on_sample(sample)
        self.runner.tick(sample.t)
        self.follow()

    def going(self, _now: float) -> bool:
        """For the driver: go on until the protocol has finished."""
        return not self.runner.finished

    def follow(self) -> None:
        pacer = (self.core.pacer, self.core.pacer_start)
        if pacer != self._followed:
            self._followed = pacer
            follow_pacer(self.source, self.core)


def run_headless(args: argparse.Namespace, plan, out: Path | None) -> tuple[ProtocolRunner, Path | None, bool]:
    """Run ``plan`` on ``args.source`` at ``args.speed``, recording to ``out`` (or the sessions
    folder). Returns the runner (its ``result`` set), the session file, and whether the source
    ended before the protocol did."""
    from biofeedback.sources.clock import SessionClock
    from biofeedback.sources.driver import drive

    source = make_source(args.source, column=getattr(args, "column", None))
    clock = SessionClock(args.speed)

    core = make_core(args.speed, out, args.person, pacer=None)
    runner = ProtocolRunner(core, plan)
    ticker = _Ticker(runner, source, core)
    core.listener = ticker

    async def go() -> tuple[Path | None, bool]:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        # the session starts with its source, not while the process was still starting: at 200x a
        # tenth of a second of start-up would be 20 s of the demo's notifications skipped
        clock.restart()
        core.source_started(source.describe(), clock.now(), keep_recording=True)
        if not core.recording:
            raise cli.UsageError("No session file could be made, so the protocol did not start.")
        try:
            await drive(source, core, clock, stop=stop, on_tick=ticker.going)
        finally:
            ended_early = not runner.finished
            runner.abort(clock.now())  # no-op once finished; else keeps what was recorded
            path = core.stop_recording(clock.now())
        return path, ended_early

    path, ended_early = asyncio.run(go())
    return runner, path, ended_early


def run_without_clock(source, core: SessionCore, runner: ProtocolRunner) -> ProtocolRunner:
    """Run a protocol on the demo as fast as the computer allows, without a session clock.

    The demo's notifications go to ``core`` at their own times, the runner is ticked on each and
    the demo follows every pacer it sets: what ``assess`` and ``protocol`` do, minus the waiting.
    For benchmarks and pictures; ``source`` must be a :class:`~biofeedback.sources.demo.DemoSource`.
    """
    core.listener = _Ticker(runner, source, core)
    for t in source.notification_times():
        core.on_event(source.next_sample(t), t)
        if runner.finished:
            return runner
