"""Our own files: the session format (read by :mod:`biofeedback.storage.session_file`) and the JSON export.

The JSON export (:func:`biofeedback.storage.formats.export.to_json`) is one object::

    {"format": "biofeedback-export", "version": 1, "header": {...}, "started_utc": "...",
     "markers": [...], "ratings": [...], "analysis": {...},
     "segments": [{"times_s": [...], "rr_ms": [...]}, ...]}
"""

from __future__ import annotations

import json

import numpy as np

from biofeedback.storage.formats.base import FormatError, ImportedRecording, Segment, parse_wall_time
from biofeedback.storage.formats.sniff import Sniff
from biofeedback.storage.session_file import FORMAT_NAME, looks_like_session_file

SESSION = "biofeedback session"
JSON_EXPORT = "biofeedback JSON export"


def detect_session(sniff: Sniff) -> bool:
    """The first line is a JSON header naming the session format (a JSON export also names it, further in)."""
    if not looks_like_session_file(sniff.data[:4096]):
        return False
    try:
        header = json.loads(sniff.data.split(b"\n", 1)[0])
    except (json.JSONDecodeError, UnicodeDecodeError):
        return b"\n" not in sniff.data.lstrip()[:4096] or sniff.data.lstrip().startswith(b'{"format":"' + FORMAT_NAME.encode())
    return isinstance(header, dict) and header.get("format") == FORMAT_NAME


def detect_json(sniff: Sniff) -> bool:
    head = sniff.data[:4096].lstrip()
    return head.startswith(b"{") and b'"format": "biofeedback-export"' in head[:200]


def read_json(sniff: Sniff) -> ImportedRecording:
    path = sniff.path
    try:
        doc = json.loads(sniff.text)
    except json.JSONDecodeError as exc:
        raise FormatError(f"{path} line {exc.lineno}: the JSON export is damaged ({exc.msg}).") from None
    if not isinstance(doc, dict) or doc.get("format") != "biofeedback-export":
        raise FormatError(f"{path} is not a biofeedback JSON export.")
    if int(doc.get("version", 0)) > 1:
        raise FormatError(f"{path} was written by a newer version of the app; please update to open it.")
    rec = ImportedRecording(JSON_EXPORT)
    skipped = 0
    try:
        for seg in doc.get("segments") or []:
            times = np.asarray(seg["times_s"], dtype=np.float64)
            rr = np.asarray(seg["rr_ms"], dtype=np.float64)
            if len(times) != len(rr) or not len(rr):
                skipped += 1
                continue
            rec.segments.append(Segment(float(times[0] - rr[0] / 1000.0), rr, times))
        header = doc.get("header") or {}
        rec.header = dict(header) if isinstance(header, dict) else {}
        rec.device = dict(rec.header.get("device") or {})
        if doc.get("started_utc"):
            rec.started = parse_wall_time(doc["started_utc"])
        for m in doc.get("markers") or []:
            rec.markers.append((float(m["t"]), str(m.get("label", ""))))
    except (KeyError, TypeError, ValueError) as exc:
        raise FormatError(f"{path}: the JSON export is damaged ({type(exc).__name__}: {exc}).") from None
    rec.skipped_lines = skipped
    if skipped:
        rec.warnings.append(f"{skipped} damaged segment(s) were skipped.")
    return rec
