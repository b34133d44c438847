"""Session file format v1: one JSON object per line (see docs/session-format.md).

The first line is the header; every later line is one event with a session time ``t`` (s).
The writer flushes each event to the operating system and syncs to disk at least once a second,
so a crash loses nothing and a power cut at most the last second. The reader tolerates a
truncated last line and skips (and counts) lines it cannot read.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from biofeedback.core.samples import Battery, Contact, LinkState, Sample, SourceEvent, Status
from biofeedback.core.timeline import Gap

FORMAT_NAME = "biofeedback-session"
FORMAT_VERSION = 1
SYNC_INTERVAL_S = 1.0


class SessionFileError(Exception):
    """A session file cannot be read or written. The message says which file and why."""


@dataclass(frozen=True, slots=True)
class Marker:
    t: float
    label: str


@dataclass
class SessionData:
    """Everything read back from a session file."""

    path: Path
    header: dict[str, Any]
    events: list[SourceEvent] = field(default_factory=list)
    gaps: list[Gap] = field(default_factory=list)
    markers: list[Marker] = field(default_factory=list)
    pacer_changes: list[tuple[float, dict[str, Any]]] = field(default_factory=list)
    ended_cleanly: bool = False
    truncated_tail: bool = False
    skipped_lines: int = 0
    #: For plain RR text: the series itself, so analysis need not rebuild it from packets.
    rr_ms: Any = None
    #: For a file in another app's format: what its importer read (format, segments, warnings),
    #: an :class:`~biofeedback.storage.formats.base.ImportedRecording`.
    imported: Any = None

    @property
    def samples(self) -> list[Sample]:
        return [e for e in self.events if isinstance(e, Sample)]


def make_header(
    source: str, device: dict[str, str], settings: dict[str, Any], software: str, session_t: float = 0.0
) -> dict[str, Any]:
    """A v1 header: wall-clock start once (UTC and the local offset), then monotonic time only.

    ``session_t`` is the session time (s) at which ``started_utc`` was read, so any event's
    wall-clock time is ``started_utc + (t - started_t)``.
    """
    now = _dt.datetime.now().astimezone()
    offset = now.utcoffset() or _dt.timedelta(0)
    return {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "started_utc": now.astimezone(_dt.timezone.utc).isoformat(timespec="milliseconds"),
        "utc_offset_min": int(offset.total_seconds() // 60),
        "started_t": round(session_t, 4),
        "software": software,
        "source": source,
        "device": dict(device),
        "settings": dict(settings),
    }


def _event_record(event: SourceEvent) -> dict[str, Any]:
    if isinstance(event, Sample):
        rec: dict[str, Any] = {"t": round(event.t, 4), "type": "sample", "hr": event.hr_bpm, "rr": [round(r, 3) for r in event.rr_ms]}
        if event.contact is not Contact.UNSUPPORTED:
            rec["contact"] = event.contact.value
        if event.energy_kj is not None:
            rec["energy_kj"] = event.energy_kj
        return rec
    if isinstance(event, Status):
        rec = {"t": round(event.t, 4), "type": "status", "state": event.state.value}
        if event.message:
            rec["message"] = event.message
        if event.device:
            rec["device"] = dict(event.device)
        return rec
    if isinstance(event, Battery):
        return {"t": round(event.t, 4), "type": "battery", "percent": event.percent}
    raise TypeError(f"not a source event: {event!r}")


class SessionWriter:
    """Appends events to a new session file, readable only by its owner (mode 0600).

    Parameters
    ----------
    path : Path
        The new file. An existing file is never overwritten.
    header : dict
        From :func:`make_header`.
    monotonic : callable
        Clock used only to pace disk syncs.
    """

    def __init__(self, path: str | os.PathLike[str], header: dict[str, Any], monotonic=time.monotonic) -> None:
        self.path = Path(path)
        self._monotonic = monotonic
        try:
            fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            raise SessionFileError(f"{self.path} already exists; choose another name so nothing is overwritten.") from None
        except OSError as exc:
            raise SessionFileError(f"Cannot create {self.path}: {exc.strerror}.") from None
        self._file = os.fdopen(fd, "w", encoding="utf-8", newline="\n")
        self._last_sync = -float("inf")
        self._dirty = False
        self._file.write(json.dumps(header, separators=(",", ":")) + "\n")
        self._file.flush()
        self.sync()

    def _write(self, record: dict[str, Any]) -> None:
        self._file.write(json.dumps(record, separators=(",", ":")) + "\n")
        self._file.flush()
        self._dirty = True
        self.tick()

    def tick(self) -> None:
        """Sync to disk if the last sync is a second old. Call this at least once a second."""
        if self._dirty and self._monotonic() - self._last_sync >= SYNC_INTERVAL_S:
            self.sync()

    def sync(self) -> None:
        os.fsync(self._file.fileno())
        self._last_sync = self._monotonic()
        self._dirty = False

    def write_event(self, event: SourceEvent) -> None:
        self._write(_event_record(event))

    def write_gap(self, gap: Gap) -> None:
        self._write({"t": round(gap.end, 4), "type": "gap", "start": round(gap.start, 4), "end": round(gap.end, 4)})

    def write_marker(self, marker: Marker) -> None:
        self._write({"t": round(marker.t, 4), "type": "marker", "label": marker.label})

    def write_pacer(self, t: float, settings: dict[str, Any]) -> None:
        self._write({"t": round(t, 4), "type": "pacer", "settings": settings})

    def close(self, t: float | None = None) -> None:
        """Write the end event, sync and close. Safe to call twice."""
        if self._file.closed:
            return
        self._write({"t": None if t is None else round(t, 4), "type": "end"})
        self.sync()
        self._file.close()

    def __enter__(self) -> SessionWriter:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _parse_event(rec: dict[str, Any], data: SessionData) -> None:
    kind = rec["type"]
    t = rec.get("t")
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
        data.markers.append(Marker(float(t), str(rec.get("label", ""))))
    elif kind == "pacer":
        data.pacer_changes.append((float(t), dict(rec.get("settings") or {})))
    elif kind == "end":
        data.ended_cleanly = True
    # unknown event types from newer minor versions are ignored on purpose


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
    return head.lstrip().startswith(b"{") and FORMAT_NAME.encode() in head[:4096]


def read_session(path: str | os.PathLike[str]) -> SessionData:
    """Read a session file written by :class:`SessionWriter` (or cut short by a crash)."""
    path = Path(path)
    lines = read_recording_bytes(path).split(b"\n")
    try:
        header = json.loads(lines[0])
    except (json.JSONDecodeError, UnicodeDecodeError):
        header = None
    if not isinstance(header, dict) or header.get("format") != FORMAT_NAME:
        raise SessionFileError(f"{path} is not a biofeedback session file.")
    if int(header.get("version", 0)) > FORMAT_VERSION:
        raise SessionFileError(
            f"{path} was written by a newer version of the app (format v{header['version']}); please update to open it."
        )
    data = SessionData(path=path, header=header)
    last_index = len(lines) - 1
    for i, line in enumerate(lines[1:], start=1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
            _parse_event(rec, data)
        except (json.JSONDecodeError, UnicodeDecodeError, KeyError, TypeError, ValueError):
            if i == last_index:  # no newline after it: the writer was stopped mid-line
                data.truncated_tail = True
            else:
                data.skipped_lines += 1
    return data
