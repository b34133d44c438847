"""``biofeedback record``: a session without a window, through the same core as the window."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

from biofeedback.app import cli
from biofeedback.app.sources import SOURCE_HELP, make_source
from biofeedback.core import words

log = logging.getLogger("biofeedback")


def add_parser(sub) -> None:
    rec = sub.add_parser("record", help="record a session without a window")
    rec.add_argument("--source", required=True, help=SOURCE_HELP)
    rec.add_argument("--column", metavar="NAME", help=cli.COLUMN_HELP)
    rec.add_argument("--out", help="the new session file (default: a new file in the sessions folder)")
    rec.add_argument("--person", default="Me", metavar="ALIAS", help="whom the session is for (default: Me)")
    rec.add_argument("--duration", type=cli.positive_float, default=None, metavar="S", help="stop after S session seconds")
    rec.add_argument("--speed", type=cli.speed, default=1.0, help=cli.SPEED_HELP)
    rec.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    import asyncio
    import signal

    from biofeedback.app.session import follow_pacer, make_core
    from biofeedback.core.summary import summarize
    from biofeedback.sources.clock import SessionClock
    from biofeedback.sources.driver import drive

    out = None if args.out is None else Path(args.out).expanduser()
    if out is not None:
        if out.exists():
            raise cli.UsageError(words.WOULD_OVERWRITE.format(path=out))
        if not out.parent.is_dir():
            raise cli.UsageError(f"The folder {out.parent} does not exist.")
    source = make_source(args.source, column=getattr(args, "column", None))
    clock = SessionClock(args.speed)
    core = make_core(args.speed, out, args.person)

    async def record() -> Path | None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        core.source_started(source.describe(), clock.now(), keep_recording=True)
        follow_pacer(source, core)
        if not core.recording:
            raise cli.UsageError("The session file could not be made.")
        try:
            await drive(source, core, clock, until=args.duration, stop=stop)
        finally:
            path = core.stop_recording(clock.now())
            if path is not None and core.beat_count == 0 and not _has_samples(path):
                Path(path).unlink(missing_ok=True)  # e.g. no Bluetooth: nothing worth keeping
        return path

    path = asyncio.run(record())
    summary = summarize(core.timeline)
    print(f"Recorded {summary['beats']} beats ({summary['duration_s']:.0f} s) to {path}")
    return 0


def _has_samples(path) -> bool:
    from biofeedback.storage.session_file import SessionFileError, read_session

    try:
        return bool(read_session(path).samples)
    except (SessionFileError, OSError):
        return False
