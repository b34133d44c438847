"""Open any recording the app understands: a session file or plain RR text."""

from __future__ import annotations

import os
from pathlib import Path

from biofeedback.storage.rr_text import read_rr_text, rr_to_samples
from biofeedback.storage.session_file import (
    SessionData,
    SessionFileError,
    looks_like_session_file,
    read_recording_bytes,
    read_session,
)


def load_recording(path: str | os.PathLike[str], as_packets: bool = True) -> SessionData:
    """Read ``path`` as a session file or RR text, whichever it is.

    RR text keeps its series in ``rr_ms``; with ``as_packets`` (for replay) it is also cut into
    strap-like notifications in ``events``.

    Raises :class:`SessionFileError` with a message for people if it is neither.
    """
    path = Path(path)
    head = read_recording_bytes(path, 4096)
    if not head.strip():
        raise SessionFileError(f"{path} is empty.")
    if looks_like_session_file(head):
        return read_session(path)
    rr = read_rr_text(path)
    header = {"format": "rr-text", "source": str(path), "device": {}, "settings": {}}
    return SessionData(path=path, header=header, events=rr_to_samples(rr) if as_packets else [], ended_cleanly=True, rr_ms=rr)
