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


def replay_events(data: SessionData) -> list:
    """What a replay of ``data`` emits, in time order: its source events, and the pacer and the
    markers as they were recorded (``PacerChange`` and ``Marker`` events the session core applies).

    A recording without a recorded pacer (RR text, another app's file) replays with none, so
    the screens never draw a guide the person did not follow.
    """
    from biofeedback.core.annotations import PacerChange
    from biofeedback.core.samples import Sample
    from biofeedback.core.session import pacer_from_record

    events = list(data.events)
    first = next((e.t for e in events if isinstance(e, Sample)), events[0].t if events else 0.0)
    pacers = [PacerChange(t, pacer_from_record(settings)) for t, settings in data.pacer_changes]
    if not pacers:
        pacers = [PacerChange(first, None)]
    # at equal times the pacer and the markers come before the sample, as they were written
    added = [(e.t, 0, e) for e in (*pacers, *data.markers)]
    ordered = sorted([*added, *((e.t, 1, e) for e in events)], key=lambda item: (item[0], item[1]))
    return [e for _, _, e in ordered]
