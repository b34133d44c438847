"""Building a session core the same way for the window, ``record`` and protocols."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from biofeedback import __version__
from biofeedback.core.live import LiveAnalyzer
from biofeedback.core.pacer import PacerSettings
from biofeedback.core.session import DEFAULT_PACER, RecordingStart, SessionCore, SessionSink, SinkError
from biofeedback.sources.base import Source

SOFTWARE = f"biofeedback {__version__}"


def file_opener(out: Path | None) -> Callable[[RecordingStart], SessionSink]:
    """``open_sink`` for the core: ``out`` once, or a new dated file in the sessions folder each time."""
    from biofeedback.storage import paths
    from biofeedback.storage.session_file import SessionFileError, new_session_path, open_recording

    def open_sink(start: RecordingStart) -> SessionSink:
        path = out if out is not None else new_session_path(paths.sessions_dir())
        try:
            return open_recording(path, start, SOFTWARE)
        except SessionFileError as exc:
            raise SinkError(str(exc)) from None

    return open_sink


def make_core(speed: float, out: Path | None = None, person: str = "Me", pacer: PacerSettings | None = DEFAULT_PACER) -> SessionCore:
    """The session core with live analysis, saving to ``out`` (or the sessions folder)."""
    return SessionCore(LiveAnalyzer(pacer), file_opener(out), pacer=pacer, person=person, settings={"speed": speed})


def follow_pacer(source: Source, core: SessionCore) -> None:
    """Let the demo's simulated person breathe with the core's pacer (other sources ignore it)."""
    follow = getattr(source, "follow_pacer", None)
    if follow is not None:
        follow(core.pacer, core.pacer_start)
