"""An imported recording becomes a session: a session file, with the original bytes kept beside it.

:func:`import_as_session` is where ``biofeedback import`` and files dropped on the window end
before the session library takes over: it writes a session file (format 1.1, the person's alias,
the beats as strap-like notifications with the link lost at each gap, the file's markers) and a
copy of the original, byte for byte, named after the session (``<session>.original.<ext>``).
The session's header names both, with the original's SHA-256::

    "imported": {"format": "Polar Sensor Logger PPI (optical sensor)",
                 "original": "2024-03-01_21-30-00_import.original.txt", "sha256": "9f2c..."}

Readers then analyse the original's beats exactly (:func:`biofeedback.storage.recordings.load_recording`
re-imports it when it is there and unchanged), while anything that replays the session file
sees ordinary notifications. The library indexes the session file like any other; the files
stay the truth.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from biofeedback.core import words
from biofeedback.core.annotations import Marker
from biofeedback.core.samples import SourceKind
from biofeedback.storage.formats import import_file, sniff_file
from biofeedback.storage.formats.base import FormatError, ImportedRecording
from biofeedback.storage.recordings import packetise
from biofeedback.storage.session_file import SessionWriter, make_header

#: The header key that ties a session to the file it was imported from.
IMPORTED_KEY = "imported"


@dataclass(frozen=True)
class ImportResult:
    """What one import made."""

    session: Path
    original: Path
    format: str
    beats: int
    warnings: list[str] = field(default_factory=list)


def _safe_stem(name: str) -> str:
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", Path(name).stem).strip("-.") or "recording"
    return stem[:60]


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def import_as_session(
    path: str | os.PathLike[str], folder: Path, person: str, software: str, column: str | None = None
) -> ImportResult:
    """Write the session file and the original's copy for ``path`` into ``folder``; never overwrites.

    Raises :class:`FormatError` (a :class:`SessionFileError`) when ``path`` cannot be read.
    """
    sniff = sniff_file(path, column)
    rec = import_file(sniff.path, column, sniff=sniff)
    when = rec.started.astimezone() if rec.started is not None else _dt.datetime.now().astimezone()
    base = f"{when:%Y-%m-%d_%H-%M-%S}_{_safe_stem(sniff.path.name)}"
    suffix = sniff.path.suffix if re.fullmatch(r"\.[A-Za-z0-9]{1,8}", sniff.path.suffix) else ".dat"
    session_path, original_path = folder / f"{base}.bfs", folder / f"{base}.original{suffix}"
    n = 1
    while session_path.exists() or original_path.exists():
        n += 1
        session_path, original_path = folder / f"{base}-{n}.bfs", folder / f"{base}-{n}.original{suffix}"
    _write_new(original_path, sniff.data)
    try:
        _write_session(session_path, rec, sniff.path.name, original_path.name, sha256(sniff.data), person, software)
    except BaseException:
        original_path.unlink(missing_ok=True)
        raise
    return ImportResult(session_path, original_path, rec.format, rec.beats, list(rec.warnings))


def _write_new(path: Path, data: bytes) -> None:
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise FormatError(words.WOULD_OVERWRITE.format(path=path)) from None
    except OSError as exc:
        raise FormatError(f"Cannot create {path}: {exc.strerror}.") from None
    with os.fdopen(fd, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())


def _write_session(path: Path, rec: ImportedRecording, source: str, original: str, digest: str, person: str, software: str) -> None:
    header = make_header(source, dict(rec.device), {}, software, 0.0, person=person)
    if rec.started is not None:
        started = rec.started if rec.started.tzinfo else rec.started.astimezone()
        offset = started.utcoffset() or _dt.timedelta(0)
        header["started_utc"] = started.astimezone(_dt.timezone.utc).isoformat(timespec="milliseconds")
        header["utc_offset_min"] = int(offset.total_seconds() // 60)
    else:  # the file says nothing of when: the session is dated by its import, and says so
        header["started_utc_unknown"] = True
    header["source_kind"] = SourceKind.IMPORT.value
    header[IMPORTED_KEY] = {"format": rec.format, "original": original, "sha256": digest, "warnings": list(rec.warnings)}
    events = packetise(rec.segments)
    markers = sorted((Marker(t, label, i) for i, (t, label) in enumerate(rec.markers, start=1)), key=lambda m: m.t)
    end_t = max((getattr(e, "t", 0.0) for e in events), default=0.0)
    with SessionWriter(path, header) as writer:
        for event in events:
            while markers and markers[0].t <= event.t:
                writer.write(markers.pop(0))
            writer.write(event)
        for marker in markers:
            writer.write(marker)
        writer.close(end_t)
