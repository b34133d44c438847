"""Session file format v1.2: one JSON object per line (see docs/session-format.md).

The first line is the header; every later line is one event with a session time ``t`` (s).
The writer flushes each event to the operating system; the session core
(:class:`biofeedback.core.session.SessionCore`) asks it to sync to disk at least once a second,
so a crash loses nothing and a power cut at most the last second. The reader tolerates a
truncated last line, skips (and counts) lines it cannot read, and refuses events whose time runs
backwards.

Reading is fast where it matters: a day of strap notifications is about 90 000 ``sample`` lines
in the writer's own layout, which one regular expression recognises and splits without a JSON
parser (:data:`_LINE`); every other line goes through ``json.loads`` as before. The plain
line-by-line reader stays as :func:`read_session_reference`, the oracle the fast one is tested
against. A file that was already written takes later annotations (markers set while reviewing
it, a title, tags, a note) through :class:`SessionAppender`, at its end: it is never rewritten.
"""

from __future__ import annotations

import datetime as _dt
import json
import math
import os
import re
import time
import dataclasses
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
#: 1.2 adds ``marker.at`` (a marker set later, in review), ``review`` and ``details`` events.
FORMAT_MINOR = 2

#: The person a session belongs to when nobody says (an alias; no real name is needed).
DEFAULT_PERSON = "Me"

#: What a ``details`` event may say about a session, after it was recorded (1.2).
DETAIL_KEYS = ("title", "tags", "note", "person")

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
    "SessionAppender",
    "SessionWriter",
    "make_header",
    "read_session",
    "read_session_reference",
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
    #: The latest event time read (s), None without timed events: later appends are stamped with it.
    latest_t: float | None = None
    #: Title, tags, note and person given after the session (``details`` events, later ones win).
    details: dict[str, Any] = field(default_factory=dict)
    #: Wall-clock times (ISO 8601) at which reviews began adding to the file (``review`` events).
    reviews: list[str] = field(default_factory=list)
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
        """Whom the session is for: the header's alias, unless a later ``details`` event moved it."""
        return str(self.details.get("person") or self.header.get("person") or DEFAULT_PERSON)

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
    started: _dt.datetime | None = None,
) -> dict[str, Any]:
    """A v1.1 header: wall-clock start once (UTC and the local offset), then monotonic time only.

    ``session_t`` is the session time (s) at which ``started_utc`` was read, so any event's
    wall-clock time is ``started_utc + (t - started_t)``. ``started``: that wall-clock time, if
    not now (a file made later than its session began).
    """
    now = (started or _dt.datetime.now()).astimezone()
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


class SessionAppender:
    """Adds annotations to a session file that was already written: the file is never rewritten.

    What a review adds (a marker, a marker's new label) and what the library records (a title,
    tags, a note) are appended after everything else. Events must never run backwards, so each
    is stamped ``t`` = the file's latest time, and a marker keeps its own place in the session
    as ``at`` (format 1.2). The first append writes a ``review`` event with the wall-clock time,
    so a reader can tell what was added later. Nothing is written until something is added.

    Parameters
    ----------
    path : Path
        An existing session file.
    latest_t : float or None
        The file's latest event time (``SessionData.latest_t``); None for a file without events.
    """

    def __init__(self, path: str | os.PathLike[str], latest_t: float | None) -> None:
        self.path = Path(path)
        self.latest_t = 0.0 if latest_t is None else float(latest_t)
        #: The session core's sink protocol: nothing ever waits to be synced here.
        self.dirty = False
        self._review_written = False

    def _append(self, *records: dict[str, Any]) -> None:
        """Open, append whole lines, sync and close: a review may last long and add little."""
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_APPEND)
        except OSError as exc:
            raise SessionFileError(f"Cannot add to {self.path}: {exc.strerror}.") from None
        with os.fdopen(fd, "r+b") as f:
            st = os.fstat(fd)
            size = st.st_size
            f.seek(max(size - 4096, 0))
            tail = f.read()
            if still_being_recorded(tail, st.st_mtime):
                raise SessionFileError(f"{self.path.name} is still being recorded; add to it once the session has ended.")
            lead = b"" if not tail or tail.endswith(b"\n") else b"\n"  # a line cut off by a crash: keep it apart
            if not self._review_written:
                utc = _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="milliseconds")
                records = ({"t": _t(self.latest_t), "type": "review", "utc": utc}, *records)
            f.write(lead + b"".join((json.dumps(r, separators=(",", ":")) + "\n").encode("utf-8") for r in records))
            f.flush()
            os.fsync(fd)  # annotations are rare and precious: each on the disk at once
        self._review_written = True

    def write(self, event: Any) -> None:
        """Append a :class:`Marker` (set at ``event.t``) or a :class:`MarkerEdit`."""
        if not isinstance(event, (Marker, MarkerEdit)):
            raise TypeError(f"only markers and marker edits are added to a written session, not {event!r}")
        rec = event_record(event)
        if isinstance(event, Marker):
            rec["at"] = rec["t"]
        rec["t"] = _t(self.latest_t)
        self._append(rec)

    def write_details(self, **details: Any) -> None:
        """Append a ``details`` event: any of ``title``, ``tags`` (list of str), ``note``, ``person``."""
        unknown = set(details) - set(DETAIL_KEYS)
        if unknown:
            raise TypeError(f"unknown session details: {sorted(unknown)}")
        self._append({"t": _t(self.latest_t), "type": "details", **details})

    def sync(self) -> None:
        """Each append is synced as it is written; here for the session core's sink protocol."""

    def close(self, t: float | None = None) -> None:
        """Nothing stays open between appends; here for the session core's sink protocol."""


#: A session file without an end that changed this recently is taken to be still being written
#: (a strap writes about a line a second); appending to it then would interleave with the writer.
RECORDING_QUIET_S = 10.0


def still_being_recorded(tail: bytes, mtime: float, now: float | None = None) -> bool:
    """Whether a session file whose last bytes are ``tail`` and which changed at ``mtime``
    (POSIX s) is still being written by a recording: no end event yet, and changed lately."""
    now = time.time() if now is None else now
    last = tail.rstrip(b"\n").rsplit(b"\n", 1)[-1]
    ended = any(marker in last for marker in (b'"type":"end"', b'"type":"review"', b'"type":"details"', b'"type":"marker_edit"', b'"at":'))
    return not ended and now - mtime < RECORDING_QUIET_S


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
    started = None
    opened_t = getattr(start, "opened_t", None)
    if opened_t is not None and opened_t > start.t:  # a strap's file, made at its first sample
        speed = float(start.settings.get("speed", 1.0) or 1.0)
        started = _dt.datetime.now() - _dt.timedelta(seconds=(opened_t - start.t) / speed)
    header = make_header(
        info.spec if info else "",
        dict(info.device) if info else {},
        start.settings,
        software,
        start.t,
        person=start.person,
        source_info=info,
        started=started,
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
        at = float(rec["at"]) if rec.get("at") is not None else float(t)  # 1.2: set later, in review
        if not math.isfinite(at):
            raise ValueError("a marker's time must be a finite number")
        data.markers_written.append(Marker(at, str(rec.get("label", "")), int(rec.get("id", len(data.markers_written) + 1)), str(rec.get("note", ""))))
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
    elif kind == "details":
        update = {key: rec[key] for key in DETAIL_KEYS if key in rec}
        if "tags" in update:
            if not isinstance(update["tags"], list):
                raise ValueError("tags are a list")
            update["tags"] = [str(tag) for tag in update["tags"]]
        for key in ("title", "note", "person"):
            if key in update:
                update[key] = str(update[key])
        data.details.update(update)
    elif kind == "review":
        data.reviews.append(str(rec.get("utc", "")))
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


#: A JSON number, exactly as JSON allows it (no leading zeros, no "1.", no "_"), so the fast path
#: takes the same lines the JSON parser would.
_NUM = rb"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?"

#: One line of the body: a ``sample`` in the writer's own layout (groups 1-5: t, hr, rr, contact,
#: energy), or any other line (group 6), which goes through the JSON parser.
_LINE = re.compile(
    rb'^(?:\{"t":(' + _NUM + rb'),"type":"sample","hr":(null|0|[1-9][0-9]*),"rr":\[((?:' + _NUM + rb")(?:," + _NUM + rb')*)?\]'
    rb'(?:,"contact":"(detected|not_detected|unsupported)")?(?:,"energy_kj":(0|[1-9][0-9]*))?\}$|(.*)$)',
    re.MULTILINE,
)

_CONTACTS = {b"": Contact.UNSUPPORTED, **{c.value.encode(): c for c in Contact}}

# Samples from the fast path are made without the frozen dataclass's __init__ (which sets each
# field through object.__setattr__): half the cost for 90 000 of them. The fields are checked here
# so that a change to Sample fails at import, not silently.
assert tuple(f.name for f in dataclasses.fields(Sample)) == ("t", "hr_bpm", "rr_ms", "contact", "energy_kj")
_new = object.__new__
_set_t, _set_hr, _set_rr, _set_contact, _set_energy = (getattr(Sample, f).__set__ for f in ("t", "hr_bpm", "rr_ms", "contact", "energy_kj"))


def _read_start(path: Path) -> tuple[bytes, SessionData]:
    """The file's bytes after the header line, and a :class:`SessionData` holding the header."""
    raw = read_recording_bytes(path)
    newline = raw.find(b"\n")
    first, body = (raw, b"") if newline < 0 else (raw[:newline], raw[newline + 1 :])
    try:
        header = json.loads(first)
    except (json.JSONDecodeError, UnicodeDecodeError):
        header = None
    damaged_header = False
    if not isinstance(header, dict) or header.get("format") != FORMAT_NAME:
        if not looks_like_session_file(raw[:4096]):
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
    return body, SessionData(path=path, header=header, damaged_header=damaged_header)


def _read_line(line: bytes, is_last: bool, data: SessionData, latest: float) -> float:
    """Read one event line into ``data`` (or count it as damaged); return the new latest time."""
    if not line.strip():
        return latest
    try:
        rec = json.loads(line)
        t = rec.get("t")
        # a gap's t is its end, which may precede the notification that revealed it
        if t is not None and rec.get("type") != "gap" and float(t) < latest - BACKWARDS_TOLERANCE_S:
            data.backwards_events += 1
            return latest
        t = _parse_event(rec, data)
    except (json.JSONDecodeError, UnicodeDecodeError, KeyError, TypeError, ValueError, AttributeError):
        _count_damaged(data, is_last)
        return latest
    return latest if t is None else max(latest, t)


def _count_damaged(data: SessionData, is_last: bool) -> None:
    if is_last:  # no newline after it: the writer was stopped mid-line
        data.truncated_tail = True
    else:
        data.skipped_lines += 1


def _finish(data: SessionData, latest: float) -> SessionData:
    data.latest_t = latest if math.isfinite(latest) else None
    return data


def read_session(path: str | os.PathLike[str]) -> SessionData:
    """Read a session file written by :class:`SessionWriter` (or cut short by a crash).

    Gives exactly what :func:`read_session_reference` gives, about three times faster on a
    strap's recording: ``sample`` lines in the writer's layout skip the JSON parser.
    """
    body, data = _read_start(Path(path))
    events = data.events
    append = events.append
    contacts = _CONTACTS
    latest = -math.inf
    lines = _LINE.findall(body)
    last = len(lines) - 1
    for i, (t, hr, rr, contact, energy, other) in enumerate(lines):
        if t:
            time = float(t)
            if time < latest - BACKWARDS_TOLERANCE_S:
                data.backwards_events += 1
                continue
            if not math.isfinite(time):  # 1e999: as on the JSON path, a damaged line
                _count_damaged(data, i == last)
                continue
            sample = _new(Sample)
            _set_t(sample, time)
            _set_hr(sample, None if hr == b"null" else int(hr))
            _set_rr(sample, () if not rr else (float(rr),) if b"," not in rr else tuple(map(float, rr.split(b","))))
            _set_contact(sample, contacts[contact])
            _set_energy(sample, int(energy) if energy else None)
            append(sample)
            if time > latest:
                latest = time
        else:
            latest = _read_line(other, i == last, data, latest)
    return _finish(data, latest)


def read_session_reference(path: str | os.PathLike[str]) -> SessionData:
    """The plain reader: every line through ``json.loads``. The oracle for :func:`read_session`
    (tests compare the two on damaged files) and the baseline of ``bench/bench_review.py``."""
    body, data = _read_start(Path(path))
    lines = body.split(b"\n")
    last = len(lines) - 1
    latest = -math.inf
    for i, line in enumerate(lines):
        latest = _read_line(line, i == last, data, latest)
    return _finish(data, latest)
