"""Exports of a recording: CSV for spreadsheets, RR text for Kubios, and the analysis as JSON.

All three read back through our importers with every beat, beat time and gap as they were, so
an exported file analyses exactly like its session (tests/test_formats_roundtrip.py).

CSV, one row per beat, comma-separated, a header row, dot decimals, no index column::

    time_s,time_utc,rr_ms,hr_bpm,artifact,corrected_rr_ms,coherence,segment
    0.8120,2026-11-25T14:41:55.517Z,812.000,73.9,,812.000,,0

``time_s`` is the beat's session time (s, as the timeline placed it), ``time_utc`` its wall-clock
time when the session's start is known, ``hr_bpm`` 60000 / RR, ``artifact`` the class the
whole-recording detector gave the interval (ectopic, missed, extra, longshort; empty if none),
``corrected_rr_ms`` the interval after correction (empty where an extra beat was merged into
the next), ``coherence`` the live coherence ratio shown at that beat (empty until 64 s of beats,
:class:`~biofeedback.core.live.LiveAnalyzer` fed beat by beat as in the session), ``segment`` the
number of gaps before the beat.

Kubios RR text: ``#`` header lines (Kubios's ASCII import skips a header), then beat time and
RR interval in seconds, tab-separated; the header lists where segments begin (beat numbers)::

    # Kubios HRV RR data, exported by biofeedback 0.1.0
    # source: session.bfs
    # start (UTC): 2026-11-25T14:41:54.705+00:00
    # segments begin at beats: 1, 1201
    # columns: beat time (s), RR interval (s)
    0.8120	0.812000

JSON: the ``analyze`` result with the session's header, markers and ratings, and the beats
themselves (per segment, times and intervals), so it too reads back.
"""

from __future__ import annotations

import csv
import datetime as _dt
import io
import json
from dataclasses import dataclass
from typing import Any

import numpy as np

from biofeedback.core import artifacts
from biofeedback.core.hrv import segment_bounds
from biofeedback.storage.formats.kubios import OUR_KUBIOS_FIRST_LINE
from biofeedback.storage.formats.tabular import OUR_CSV_COLUMNS

JSON_FORMAT = "biofeedback-export"
JSON_VERSION = 1


@dataclass(frozen=True)
class Beats:
    """A recording's beats as analysed: times (s), RR (ms), segment starts, and its wall-clock start."""

    times_s: np.ndarray
    rr_ms: np.ndarray
    segment_start: np.ndarray
    started_utc: _dt.datetime | None = None


def _utc(beats: Beats, t: float) -> str:
    if beats.started_utc is None:
        return ""
    when = beats.started_utc + _dt.timedelta(seconds=t)
    return when.astimezone(_dt.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def beat_artifacts(beats: Beats) -> tuple[list[str], list[float | None]]:
    """Per beat: the artefact class ('' if none) and the corrected interval (None if merged away).

    Uses the detection and correction ``analyze`` runs (:func:`biofeedback.core.artifacts.correct`,
    every pass), mapped back to the original beats by time: a flagged beat carries the class it
    was first given; each beat that remains is matched with the corrected beat nearest to it (a
    moved beat sits at its neighbours' midpoint, a split one keeps its end).
    """
    n = len(beats.rr_ms)
    kinds = [""] * n
    fixed = artifacts.correct(beats.times_s, beats.rr_ms, beats.segment_start)
    for kind, times in fixed.report.times_by_kind.items():
        for i in np.searchsorted(beats.times_s, np.asarray(times, dtype=np.float64)).tolist():
            if i < n and not kinds[i]:
                kinds[i] = kind.value
    corrected: list[float | None] = [None] * n
    if not len(fixed.times_s):
        return kinds, corrected
    nearest = np.clip(np.searchsorted(fixed.times_s, beats.times_s), 1, len(fixed.times_s) - 1) if len(fixed.times_s) > 1 else np.zeros(n, dtype=np.intp)
    if len(fixed.times_s) > 1:
        left_closer = np.abs(fixed.times_s[nearest - 1] - beats.times_s) <= np.abs(fixed.times_s[nearest] - beats.times_s)
        nearest = np.where(left_closer, nearest - 1, nearest)
    for i in range(n):
        if kinds[i] != artifacts.ArtifactKind.EXTRA.value:
            corrected[i] = float(fixed.rr_ms[nearest[i]])
    return kinds, corrected


def live_coherence(beats: Beats) -> list[float | None]:
    """The coherence the live view showed at each beat, fed beat by beat as in the session."""
    from biofeedback.core.live import LiveAnalyzer

    analyzer = LiveAnalyzer()
    out: list[float | None] = []
    for t, rr, start in zip(beats.times_s.tolist(), beats.rr_ms.tolist(), beats.segment_start.tolist()):
        metrics = analyzer.update((t,), (rr,), new_segment=bool(start) and bool(out))
        out.append(None if metrics is None else metrics.coherence)
    return out


def to_csv(beats: Beats) -> str:
    kinds, corrected = beat_artifacts(beats)
    coherence = live_coherence(beats)
    segment = np.cumsum(beats.segment_start) - 1
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")  # CRLF: what spreadsheets expect of CSV (RFC 4180)
    writer.writerow(OUR_CSV_COLUMNS)
    for i, (t, rr) in enumerate(zip(beats.times_s.tolist(), beats.rr_ms.tolist())):
        c = corrected[i]
        k = coherence[i]
        writer.writerow(
            (
                f"{t:.4f}",
                _utc(beats, t),
                f"{rr:.3f}",
                f"{60000.0 / rr:.1f}",
                kinds[i],
                "" if c is None else f"{c:.3f}",
                "" if k is None or not np.isfinite(k) else f"{k:.3f}",
                int(max(segment[i], 0)),
            )
        )
    return buf.getvalue()


def to_kubios(beats: Beats, source: str, software: str, device: str = "") -> str:
    starts = np.flatnonzero(beats.segment_start) + 1
    lines = [
        f"{OUR_KUBIOS_FIRST_LINE} ({software})",
        f"# source: {source}",
    ]
    if beats.started_utc is not None:
        lines.append(f"# start (UTC): {beats.started_utc.astimezone(_dt.timezone.utc).isoformat(timespec='milliseconds')}")
    if device:
        lines.append(f"# device: {device}")
    lines.append(f"# segments begin at beats: {', '.join(str(int(b)) for b in starts)}")
    lines.append("# columns: beat time (s), RR interval (s)")
    body = "\n".join(f"{t:.4f}\t{rr / 1000.0:.6f}" for t, rr in zip(beats.times_s.tolist(), beats.rr_ms.tolist()))
    return "\n".join(lines) + "\n" + body + "\n"


def to_json(beats: Beats, analysis: dict[str, Any], header: dict[str, Any], extra: dict[str, Any]) -> str:
    """``extra``: markers, ratings and any other session content, stored as given."""
    segments = [
        {"times_s": [round(x, 4) for x in beats.times_s[s:e].tolist()], "rr_ms": [round(x, 3) for x in beats.rr_ms[s:e].tolist()]}
        for s, e in segment_bounds(beats.segment_start)
    ]
    doc = {
        "format": JSON_FORMAT,
        "version": JSON_VERSION,
        "header": header,
        "started_utc": None if beats.started_utc is None else beats.started_utc.astimezone(_dt.timezone.utc).isoformat(timespec="milliseconds"),
        **extra,
        "analysis": analysis,
        "segments": segments,
    }
    return json.dumps(doc, indent=1, allow_nan=False, default=_jsonable) + "\n"


def _jsonable(value):
    if isinstance(value, (np.floating, np.integer)):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    raise TypeError(f"cannot store {type(value).__name__} in JSON")


# --------------------------------------------------------------------------- from a recording

#: The targets of ``biofeedback export --to``.
TARGETS = ("csv", "kubios", "json")


def beats_of(data) -> Beats:
    """The beats of a :class:`~biofeedback.storage.session_file.SessionData` as analysed, with its wall-clock start."""
    from biofeedback.storage.recordings import timeline_of

    times, rr, starts = timeline_of(data).arrays()
    return Beats(np.asarray(times), np.asarray(rr), np.asarray(starts, dtype=bool), wall_clock_at_zero(data.header))


def wall_clock_at_zero(header: dict[str, Any]) -> _dt.datetime | None:
    """The wall-clock time at session time 0, from a header's ``started_utc`` and ``started_t``."""
    text = header.get("started_utc")
    if not text:
        return None
    try:
        started = _dt.datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    except ValueError:
        return None
    if started.tzinfo is None:
        started = started.replace(tzinfo=_dt.timezone.utc)
    return started - _dt.timedelta(seconds=float(header.get("started_t") or 0.0))


def session_extras(data) -> dict[str, Any]:
    """Markers, ratings, phases, blood pressure and pacer changes of a session, for the JSON export."""
    from dataclasses import asdict, is_dataclass

    def plain(items):
        return [asdict(x) if is_dataclass(x) else x for x in items]

    extra: dict[str, Any] = {
        "person": data.header.get("person"),
        "markers": [{k: v for k, v in asdict(m).items() if v not in ("", None) or k == "label"} for m in data.markers],
        "ratings": plain(getattr(data, "ratings", []) or []),
        "phases": plain(getattr(data, "phases", []) or []),
        "blood_pressure": plain(getattr(data, "blood_pressure", []) or []),
        "pacer_changes": [{"t": round(t, 4), "settings": s} for t, s in data.pacer_changes],
    }
    if data.imported is not None:
        extra["imported_from"] = {"format": data.imported.format, "warnings": data.imported.warnings}
    return extra


def export_recording(data, to: str, software: str) -> str:
    """The text of ``data`` exported as ``to`` (one of :data:`TARGETS`)."""
    from biofeedback.core.summary import analyze

    beats = beats_of(data)
    if not len(beats.rr_ms):
        from biofeedback.storage.formats.base import FormatError

        raise FormatError(f"{data.path} holds no beats to export.")
    device = data.header.get("device") or {}
    device_name = device.get("name", "") if isinstance(device, dict) else str(device)
    if to == "csv":
        return to_csv(beats)
    if to == "kubios":
        return to_kubios(beats, data.path.name, software, device_name)
    if to == "json":
        from biofeedback.storage.recordings import timeline_of

        analysis = analyze(timeline_of(data))
        analysis["ended_cleanly"] = data.ended_cleanly
        analysis["skipped_lines"] = data.skipped_lines + int(data.truncated_tail)
        return to_json(beats, analysis, data.header, session_extras(data))
    raise ValueError(f"unknown export target {to!r}; choose one of {', '.join(TARGETS)}")
