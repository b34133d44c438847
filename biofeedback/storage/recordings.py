"""Open any recording the app understands: a session file, or any format of :mod:`biofeedback.storage.formats`."""

from __future__ import annotations

import datetime as _dt
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from biofeedback.core.samples import LinkState, SourceEvent, Status
from biofeedback.core.timeline import BeatTimeline, Gap, rebuild
from biofeedback.storage.formats import FormatError, ImportedRecording, Segment, detect, import_file, sniff_file
from biofeedback.storage.rr_text import rr_to_samples
from biofeedback.storage.session_file import SessionData, SessionFileError, read_session

__all__ = ["FixedTimeline", "SessionFileError", "FormatError", "load_recording", "packetise", "timeline_of"]


def load_recording(path: str | os.PathLike[str], as_packets: bool = True, column: str | None = None) -> SessionData:
    """Read ``path`` as a session file or any importable format, detected by content.

    An imported file keeps what its importer read in ``imported``; with ``as_packets`` (for
    replay) its beats are also cut into strap-like notifications in ``events``, with the link
    marked lost at each gap so replay never joins beats across one.
    ``column``: the RR or beat-time column of a generic CSV (``--column``).

    Raises :class:`SessionFileError` (or its :class:`FormatError`) with a message for people.
    """
    sniff = sniff_file(path, column)
    fmt = detect(sniff)
    if fmt is not None and fmt.key == "session" and column is None:
        data = read_session(sniff.path)
        _attach_original(data)
        return data
    rec = import_file(sniff.path, column, sniff=sniff)
    return session_data(sniff.path, rec, as_packets)


def _attach_original(data: SessionData) -> None:
    """A session made by an import: analyse the original's beats, exactly, when it is beside it unchanged.

    The session file itself holds the beats as notifications, which replay re-times against a
    clock; the original holds them as the other app wrote them (see :mod:`biofeedback.storage.imports`).
    """
    info = data.header.get("imported")
    if not isinstance(info, dict) or not info.get("original"):
        return
    original = data.path.parent / Path(str(info["original"])).name
    try:
        raw = original.read_bytes()
    except OSError:
        return
    import hashlib

    if hashlib.sha256(raw).hexdigest() != info.get("sha256"):
        return
    try:
        data.imported = import_file(original)
    except SessionFileError:
        return


def session_data(path: Path, rec: ImportedRecording, as_packets: bool = True) -> SessionData:
    """An imported recording in the shape every reader of recordings takes."""
    header = {
        "format": "imported",
        "imported_format": rec.format,
        "source": path.name,
        "device": dict(rec.device),
        "settings": {},
        "started_t": 0.0,
    }
    header.update({k: v for k, v in rec.header.items() if k in ("person", "settings", "software")})
    if rec.started is not None:
        started = rec.started if rec.started.tzinfo else rec.started.astimezone()  # naive: this computer's zone
        offset = started.utcoffset() or _dt.timedelta(0)
        header["started_utc"] = started.astimezone(_dt.timezone.utc).isoformat(timespec="milliseconds")
        header["utc_offset_min"] = int(offset.total_seconds() // 60)
    from biofeedback.storage.session_file import Marker

    return SessionData(
        path=path,
        header=header,
        events=packetise(rec.segments) if as_packets else [],
        gaps=rec.gaps,
        markers_written=[Marker(t, label, id=i) for i, (t, label) in enumerate(rec.markers, start=1)],
        ended_cleanly=True,
        skipped_lines=rec.skipped_lines,
        imported=rec,
    )


def packetise(segments: list[Segment]) -> list[SourceEvent]:
    """Strap-like notifications for replay, one a second per segment, the link lost at each gap."""
    events: list[SourceEvent] = []
    for i, seg in enumerate(segments):
        samples = rr_to_samples(seg.rr_ms)
        if not samples:
            continue
        if i and events:
            events.append(Status(seg.start_s, LinkState.LOST, "The recording has a gap here: no beats were recorded."))
        offset = seg.start_s
        events.extend(type(s)(s.t + offset, s.hr_bpm, s.rr_ms) for s in samples)
    return events


@dataclass
class FixedTimeline:
    """Beats whose times are known (an imported file), read like a :class:`BeatTimeline`.

    Analysis reads ``arrays()``, ``gaps`` and ``rejected_rr_ms``; this holds them as given,
    where a :class:`BeatTimeline` would re-time beats against a notification clock.
    """

    times: np.ndarray
    rr: np.ndarray
    starts: np.ndarray
    gaps: list[Gap] = field(default_factory=list)
    rejected_rr_ms: list[float] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.times)

    def arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        return self.times, self.rr, self.starts

    @classmethod
    def from_segments(cls, segments: list[Segment], rejected: list[float] | None = None) -> FixedTimeline:
        times = [s.beat_times() for s in segments]
        rr = [np.asarray(s.rr_ms, dtype=np.float64) for s in segments]
        starts = []
        for s in segments:
            flags = np.zeros(len(s.rr_ms), dtype=bool)
            flags[:1] = True
            starts.append(flags)
        gaps = [Gap(a.end_s, max(a.end_s, b.start_s)) for a, b in zip(segments, segments[1:])]
        cat = (lambda parts, dtype: np.concatenate(parts) if parts else np.empty(0, dtype=dtype))
        return cls(cat(times, np.float64), cat(rr, np.float64), cat(starts, bool), gaps, list(rejected or []))


def timeline_of(data: SessionData) -> BeatTimeline | FixedTimeline:
    """The beats of any recording, ready for :func:`biofeedback.core.summary.analyze`."""
    if data.imported is not None:
        return FixedTimeline.from_segments(data.imported.segments, data.imported.rejected_rr_ms)
    if data.rr_ms is not None:
        return BeatTimeline.from_rr(data.rr_ms)
    return rebuild(data.events)
