"""Session file format v1.1: one JSON object per line (see docs/session-format.md).

The first line is the header; every later line is one event with a session time ``t`` (s).
The writer flushes each event to the operating system; the session core
(:class:`biofeedback.core.session.SessionCore`) asks it to sync to disk at least once a second,
so a crash loses nothing and a power cut at most the last second. The reader tolerates a
truncated last line, skips (and counts) lines it cannot read, and refuses events whose time runs
backwards.
"""

from __future__ import annotations

import datetime as _dt
import json
import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from biofeedback.core import words
from biofeedback.core.annotations import Marker, MarkerEdit, PhaseChange, Rating, apply_marker_edits
from biofeedback.core.samples import (
    Battery,
    BloodPressure,
    Contact,
    LinkState,
    Sample,
    SourceEvent,
    SourceChange,
    SourceInfo,
    SourceKind,
    Status,
)
from biofeedback.core.timeline import Gap

FORMAT_NAME = "biofeedback-session"
FORMAT_VERSION = 1
#: Minor versions add event types and header keys that older readers ignore (docs/session-format.md).
FORMAT_MINOR = 1

#: The person a session belongs to when nobody says (an alias; no real name is needed).
DEFAULT_PERSON = "Me"

#: How far an event's time may lie before the previous event's before it counts as running
#: backwards, s (times are rounded to 0.1 ms when written).
BACKWARDS_TOLERANCE_S = 1e-3

__all__ = [
    "DEFAULT_PERSON",
    "FORMAT_NAME",
    "FORMAT_VERSION",
    "Marker",
    "SessionData",
    "SessionFileError",
    "SessionWriter",
    "make_header",
    "read_session",
]


class SessionFileError(Exception):
    """A session file cannot be read or written. The message says which file and why."""


@dataclass
class SessionData:
    """Everything read back from a session file."""

    path: Path
    header: dict[str, Any]
    events: list[SourceEvent] = field(default_factory=list)
    gaps: list[Gap] = field(default_factory=list)
    #: Markers as written, before edits; :attr:`markers` applies the edits.
    markers_written: list[Marker] = field(default_factory=list)
    marker_edits: list[MarkerEdit] = field(default_factory=list)
    pacer_changes: list[tuple[float, dict[str, Any]]] = field(default_factory=list)
    sources: list[SourceChange] = field(default_factory=list)
    ratings: list[Rating] = field(default_factory=list)
    phases: list[PhaseChange] = field(default_factory=list)
    blood_pressure: list[BloodPressure] = field(default_factory=list)
    ended_cleanly: bool = False
    truncated_tail: bool = False
    skipped_lines: int = 0
    #: Events refused because their time ran backwards.
    backwards_events: int = 0
    #: The header line could not be read; the events were read all the same.
    damaged_header: bool = False
    #: For plain RR text: the series itself, so analysis need not rebuild it from packets.
    rr_ms: Any = None
    #: For a file in another app's format: what its importer read (format, segments, warnings),
    #: an :class:`~biofeedback.storage.formats.base.ImportedRecording`.
    imported: Any = None

    @property
    def samples(self) -> list[Sample]:
        return [e for e in self.events if isinstance(e, Sample)]

    @property
    def markers(self) -> list[Marker]:
        """The markers as they stand after every edit (deleted ones left out)."""
        return apply_marker_edits(self.markers_written, self.marker_edits)

    @property
    def source_kind(self) -> SourceKind:
        """REPLAY for our own session files, IMPORT for recordings made by other apps."""
        return SourceKind.REPLAY if self.header.get("format") == FORMAT_NAME else SourceKind.IMPORT

    @property
    def person(self) -> str:
        return str(self.header.get("person") or DEFAULT_PERSON)

    def problems(self) -> list[str]:
        """Plain sentences about what could not be read, for people (empty when all was well)."""
        said = []
        if self.damaged_header:
            said.append("its header line is damaged (start time and device unknown)")
        if self.skipped_lines:
            said.append(f"{self.skipped_lines} damaged line{'s' if self.skipped_lines != 1 else ''} skipped")
        if self.backwards_events:
            n = self.backwards_events
            said.append(f"{n} event{'s' if n != 1 else ''} whose time ran backwards refused")
        if self.truncated_tail:
            said.append("the last line was cut off (the app stopped while writing it)")
        return said


def make_header(
    source: str,
    device: dict[str, str],
    settings: dict[str, Any],
    software: str,
    session_t: float = 0.0,
    person: str = DEFAULT_PERSON,
    source_info: SourceInfo | None = None,
) -> dict[str, Any]:
    """A v1.1 header: wall-clock start once (UTC and the local offset), then monotonic time only.

    ``session_t`` is the session time (s) at which ``started_utc`` was read, so any event's
    wall-clock time is ``started_utc + (t - started_t)``.
    """
    now = _dt.datetime.now().astimezone()
    offset = now.utcoffset() or _dt.timedelta(0)
    header = {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "minor": FORMAT_MINOR,
        "started_utc": now.astimezone(_dt.timezone.utc).isoformat(timespec="milliseconds"),
        "utc_offset_min": int(offset.total_seconds() // 60),
        "started_t": round(session_t, 4),
        "software": software,
        "person": person or DEFAULT_PERSON,
        "source": source,
        "device": dict(device),
        "settings": dict(settings),
    }
    if source_info is not None:
        header["source_kind"] = source_info.kind.value
    return header


# --------------------------------------------------------------------------- writing


def _t(t: float | None) -> float | None:
    return None if t is None else round(t, 4)


def _omit_none(rec: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in rec.items() if v is not None}


def event_record(event: Any) -> dict[str, Any]:
    """The JSON object of one event (the inverse of :func:`_parse_event`)."""
    if isinstance(event, Sample):
        rec: dict[str, Any] = {"t": _t(event.t), "type": "sample", "hr": event.hr_bpm, "rr": [round(r, 3) for r in event.rr_ms]}
        if event.contact is not Contact.UNSUPPORTED:
            rec["contact"] = event.contact.value
        if event.energy_kj is not None:
            rec["energy_kj"] = event.energy_kj
        return rec
    if isinstance(event, Status):
        rec = {"t": _t(event.t), "type": "status", "state": event.state.value}
        if event.message:
            rec["message"] = event.message
        if event.device:
            rec["device"] = dict(event.device)
        return rec
    if isinstance(event, Battery):
        return {"t": _t(event.t), "type": "battery", "percent": event.percent}
    if isinstance(event, Gap):
        return {"t": _t(event.end), "type": "gap", "start": _t(event.start), "end": _t(event.end)}
    if isinstance(event, Marker):
        return {"t": _t(event.t), "type": "marker", "id": event.id, "label": event.label} | ({"note": event.note} if event.note else {})
    if isinstance(event, MarkerEdit):
        rec = {"t": _t(event.t), "type": "marker_edit", "id": event.id, "label": event.label}
        return rec | ({"note": event.note} if event.note else {}) | ({"deleted": True} if event.deleted else {})
    if isinstance(event, Rating):
        return {"t": _t(event.t), "type": "rating", "when": event.when, "pain": event.pain, "stress": event.stress, "mood": event.mood}
    if isinstance(event, PhaseChange):
        return _omit_none(
            {"t": _t(event.t), "type": "phase", "protocol": event.protocol, "phase": event.phase, "label": event.label, "rate_bpm": event.rate_bpm}
        )
    if isinstance(event, BloodPressure):
        rec = {
            "t": _t(event.t),
            "type": "bp",
            "systolic": event.systolic,
            "diastolic": event.diastolic,
            "map": event.mean_arterial,
            "unit": event.unit,
            "pulse": event.pulse_bpm,
            "time": event.measured_utc,
            "user_id": event.user_id,
            "flags": list(event.flags),
            "origin": event.origin,
        }
        return rec | ({"when": event.when} if event.when else {})
    if isinstance(event, SourceChange):
        info = event.info
        return {
            "t": _t(event.t),
            "type": "source",
            "kind": info.kind.value,
            "spec": info.spec,
            "live": info.live,
            "name": info.name,
            "device": dict(info.device),
        }
    raise TypeError(f"not a session event: {event!r}")


class SessionWriter:
    """Appends events to a new session file, readable only by its owner (mode 0600).

    Each event is flushed to the operating system as it is written. :meth:`sync` puts what was
    written on the disk; the session core calls it at least once a second while there is
    something to sync (:attr:`dirty`), and :meth:`close` syncs at the end.

    Parameters
    ----------
    path : Path
        The new file. An existing file is never overwritten.
    header : dict
        From :func:`make_header`.
    """

    def __init__(self, path: str | os.PathLike[str], header: dict[str, Any]) -> None:
        self.path = Path(path)
        self.header = dict(header)
        try:
            fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            raise SessionFileError(words.WOULD_OVERWRITE.format(path=self.path)) from None
        except OSError as exc:
            raise SessionFileError(f"Cannot create {self.path}: {exc.strerror}.") from None
        self._file = os.fdopen(fd, "w", encoding="utf-8", newline="\n")
        #: Something was written since the last sync.
        self.dirty = False
        self._file.write(json.dumps(header, separators=(",", ":")) + "\n")
        self._file.flush()
        self.sync()

    @property
    def closed(self) -> bool:
        return self._file.closed

    def write(self, event: Any) -> None:
        """Append one event (a source event, gap, marker, rating, ...) and flush it."""
        self._file.write(json.dumps(event_record(event), separators=(",", ":")) + "\n")
        self._file.flush()
        self.dirty = True

    # named writers, for readability where the kind is known
    write_event = write_gap = write_marker = write

    def write_pacer(self, t: float, settings: dict[str, Any]) -> None:
        self._file.write(json.dumps({"t": _t(t), "type": "pacer", "settings": settings}, separators=(",", ":")) + "\n")
        self._file.flush()
        self.dirty = True

    def sync(self) -> None:
        """Put everything written so far on the disk."""
        os.fsync(self._file.fileno())
        self.dirty = False

    def close(self, t: float | None = None) -> None:
        """Write the end event, sync and close. Safe to call twice."""
        if self._file.closed:
            return
        self._file.write(json.dumps({"t": _t(t), "type": "end"}, separators=(",", ":")) + "\n")
        self._file.flush()
        self.sync()
        self._file.close()

    def __enter__(self) -> SessionWriter:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def new_session_path(folder: Path, started: _dt.datetime | None = None) -> Path:
    """A new file name in ``folder`` from the local start time, never one that exists."""
    started = started or _dt.datetime.now()
    stem = f"{started:%Y-%m-%d_%H-%M-%S}"
    path = folder / f"{stem}.bfs"
    n = 2
    while path.exists():
        path = folder / f"{stem}_{n}.bfs"
        n += 1
    return path


def open_recording(path: Path, start: Any, software: str) -> SessionWriter:
    """A writer for a session the core starts recording (``start``: a ``core.session.RecordingStart``)."""
    info = start.source
    header = make_header(
        info.spec if info else "",
        dict(info.device) if info else {},
        start.settings,
        software,
        start.t,
        person=start.person,
        source_info=info,
    )
    return SessionWriter(path, header)


# --------------------------------------------------------------------------- reading


def _opt_float(value: Any) -> float | None:
    return None if value is None else float(value)


def _opt_int(value: Any) -> int | None:
    return None if value is None else int(value)


def _parse_event(rec: dict[str, Any], data: SessionData) -> float | None:
    """Add one event to ``data``; return its time (None for events without one)."""
    kind = rec["type"]
    t = rec.get("t")
    if t is not None and not math.isfinite(float(t)):
        raise ValueError("an event time must be a finite number")
    if kind == "sample":
        rr = rec.get("rr") or []
        data.events.append(
            Sample(
                t=float(t),
                hr_bpm=None if rec.get("hr") is None else int(rec["hr"]),
                rr_ms=tuple(float(r) for r in rr),
                contact=Contact(rec.get("contact", Contact.UNSUPPORTED.value)),
                energy_kj=rec.get("energy_kj"),
            )
        )
    elif kind == "status":
        data.events.append(Status(float(t), LinkState(rec["state"]), rec.get("message", ""), rec.get("device") or {}))
    elif kind == "battery":
        data.events.append(Battery(float(t), int(rec["percent"])))
    elif kind == "gap":
        data.gaps.append(Gap(float(rec["start"]), float(rec["end"])))
    elif kind == "marker":
        data.markers_written.append(Marker(float(t), str(rec.get("label", "")), int(rec.get("id", len(data.markers_written) + 1)), str(rec.get("note", ""))))
    elif kind == "marker_edit":
        data.marker_edits.append(MarkerEdit(float(t), int(rec["id"]), str(rec.get("label", "")), str(rec.get("note", "")), bool(rec.get("deleted", False))))
    elif kind == "pacer":
        data.pacer_changes.append((float(t), dict(rec.get("settings") or {})))
    elif kind == "rating":
        data.ratings.append(Rating(float(t), str(rec["when"]), _opt_int(rec.get("pain")), _opt_int(rec.get("stress")), _opt_int(rec.get("mood"))))
    elif kind == "phase":
        data.phases.append(PhaseChange(float(t), str(rec["protocol"]), str(rec["phase"]), str(rec.get("label", "")), _opt_float(rec.get("rate_bpm"))))
    elif kind == "bp":
        reading = BloodPressure(
            float(t),
            float(rec["systolic"]),
            float(rec["diastolic"]),
            _opt_float(rec.get("map")),
            str(rec.get("unit", "mmHg")),
            _opt_float(rec.get("pulse")),
            rec.get("time"),
            _opt_int(rec.get("user_id")),
            tuple(str(f) for f in rec.get("flags") or ()),
            str(rec.get("origin", "cuff")),
            rec.get("when"),
        )
        data.blood_pressure.append(reading)
        data.events.append(reading)
    elif kind == "source":
        info = SourceInfo(
            SourceKind(rec["kind"]),
            str(rec.get("spec", "")),
            bool(rec.get("live", False)),
            False,
            dict(rec.get("device") or {}),
            str(rec.get("name", "")),
        )
        data.sources.append(SourceChange(float(t), info))
    elif kind == "end":
        data.ended_cleanly = True
        return None
    else:
        return None  # unknown event types from newer minor versions are ignored on purpose
    return None if t is None else float(t)


def read_recording_bytes(path: Path, limit: int = -1) -> bytes:
    """The bytes of a recording (at most ``limit``), or a :class:`SessionFileError` saying why not."""
    try:
        with path.open("rb") as f:
            return f.read(limit)
    except IsADirectoryError:
        raise SessionFileError(f"{path} is a folder, not a recording.") from None
    except FileNotFoundError:
        raise SessionFileError(f"{path} does not exist.") from None
    except OSError as exc:
        raise SessionFileError(f"Cannot read {path}: {exc.strerror}.") from None


def looks_like_session_file(head: bytes) -> bool:
    """Whether the first bytes of a file are those of a session file, even a damaged one."""
    head = head.lstrip()
    return head.startswith(b"{") and (FORMAT_NAME.encode() in head[:4096] or b'"type":"sample"' in head[:4096])


def read_session(path: str | os.PathLike[str]) -> SessionData:
    """Read a session file written by :class:`SessionWriter` (or cut short by a crash)."""
    path = Path(path)
    lines = read_recording_bytes(path).split(b"\n")
    try:
        header = json.loads(lines[0])
    except (json.JSONDecodeError, UnicodeDecodeError):
        header = None
    damaged_header = False
    if not isinstance(header, dict) or header.get("format") != FORMAT_NAME:
        if not looks_like_session_file(b"\n".join(lines[:40])):
            raise SessionFileError(f"{path} is not a biofeedback session file.")
        header, damaged_header = {"format": FORMAT_NAME, "version": FORMAT_VERSION, "device": {}, "settings": {}}, True
    try:
        version = int(header.get("version", 0))
    except (TypeError, ValueError):
        version, damaged_header = FORMAT_VERSION, True
    if version > FORMAT_VERSION:
        raise SessionFileError(
            f"{path} was written by a newer version of the app (format v{header['version']}); please update to open it."
        )
    data = SessionData(path=path, header=header, damaged_header=damaged_header)
    last_index = len(lines) - 1
    latest = -float("inf")
    for i, line in enumerate(lines[1:], start=1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
            t = rec.get("t")
            # a gap's t is its end, which may precede the notification that revealed it
            if t is not None and rec.get("type") != "gap" and float(t) < latest - BACKWARDS_TOLERANCE_S:
                data.backwards_events += 1
                continue
            t = _parse_event(rec, data)
        except (json.JSONDecodeError, UnicodeDecodeError, KeyError, TypeError, ValueError, AttributeError):
            if i == last_index:  # no newline after it: the writer was stopped mid-line
                data.truncated_tail = True
            else:
                data.skipped_lines += 1
            continue
        if t is not None:
            latest = max(latest, t)
    return data
