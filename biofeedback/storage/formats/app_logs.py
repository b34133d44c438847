"""Logs of other biofeedback apps: HRV Logger's RR intervals and OpenHRV's recordings.

HRV Logger (Marco Altini) exports comma-separated files per reading. ``*_RRIntervals.csv``
holds one beat per row: the phone's arrival time (Unix ms in newer versions, a date and time in
older ones), the interval (ms) and the sum of intervals since the start (ms); headers carry
stray spaces and a blank line may follow them::

    timestamp, rr, since_start
    <blank>
    1675889367255,894,34096

    date,rr,since start            (older versions)

``*_HR.csv`` (``timestamp, since_start, heart_rate``) holds heart rate only and is refused.

OpenHRV (Jan C. Brammer) records ``event,value,timestamp`` rows, the timestamp being the
computer's local time (ISO 8601 without a zone); beats are the ``InterBeatInterval`` rows (ms,
already checked by OpenHRV, whose out-of-range values it replaced with a recent median); the
other events (``MeanHrv``, ``PacerRate``, ``HrvTarget``, ``Sensors``) are not beats::

    event,value,timestamp
    InterBeatInterval,1012,2024-05-01T10:11:12.345678
    PacerRate,6.0,2024-05-01T10:11:12.400000
"""

from __future__ import annotations

import datetime as _dt

import numpy as np

from biofeedback.storage.formats.base import (
    FormatError,
    ImportedRecording,
    LineLog,
    finish,
    parse_number,
    parse_wall_time,
    segments_from_clock,
    unix_time,
)
from biofeedback.storage.formats.polar import PSL_RR_TOLERANCE_S
from biofeedback.storage.formats.sniff import Sniff

HRV_LOGGER = "HRV Logger RR intervals (CSV)"
OPENHRV = "OpenHRV recording (CSV)"


def _header(sniff: Sniff) -> list[str]:
    return [c.strip().lower() for c in sniff.first_line.split(",")]


def detect_hrv_logger(sniff: Sniff) -> bool:
    cols = _header(sniff)
    return len(cols) >= 3 and ("since_start" in cols or "since start" in cols) and ("timestamp" in cols or "date" in cols)


def read_hrv_logger(sniff: Sniff) -> ImportedRecording:
    path = sniff.path
    cols = _header(sniff)
    if "rr" not in cols:
        what = "heart rate only" if "heart_rate" in cols or "hr" in cols else f"no RR column ({', '.join(cols)})"
        raise FormatError(
            f"{path} is an HRV Logger file with {what}, not beat-to-beat intervals; open the *_RRIntervals.csv file of the same reading."
        )
    t_col = cols.index("timestamp") if "timestamp" in cols else cols.index("date")
    rr_col = cols.index("rr")
    log = LineLog(path)
    lines = sniff.text.splitlines()
    header_at = next(i for i, line in enumerate(lines) if line.strip())
    clock, rr = [], []
    first_time: _dt.datetime | None = None
    for number, line in enumerate(lines[header_at + 1:], start=header_at + 2):
        if not line.strip():
            continue
        fields = line.split(",")
        try:
            r = parse_number(fields[rr_col])
            stamp = fields[t_col].strip()
            when = unix_time(float(stamp) / 1000.0) if stamp.isdigit() else parse_wall_time(stamp)
            if first_time is None:
                first_time = when
            c = (when - first_time).total_seconds()
        except (ValueError, IndexError, TypeError, OverflowError):
            log.bad(number, line, "expected a time and an RR interval in ms")
            continue
        clock.append(c)
        rr.append(r)
    if not rr:
        raise log.error("RR intervals")
    rec = ImportedRecording(HRV_LOGGER)
    rec.segments, origin = segments_from_clock(np.asarray(clock), np.asarray(rr), PSL_RR_TOLERANCE_S)
    rec.started = first_time + _dt.timedelta(seconds=origin)
    rec.device = {"app": "HRV Logger"}
    if first_time.tzinfo is None:
        rec.warnings.append("The file's times are local time without a zone; this computer's time zone was assumed.")
    return finish(rec, log)


def detect_openhrv(sniff: Sniff) -> bool:
    return _header(sniff) == ["event", "value", "timestamp"]


def read_openhrv(sniff: Sniff) -> ImportedRecording:
    log = LineLog(sniff.path)
    lines = sniff.text.splitlines()
    clock, rr = [], []
    first_time = None
    other = 0
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        fields = line.split(",")
        if len(fields) < 3:
            log.bad(number, line, "expected event, value and timestamp")
            continue
        if fields[0].strip() != "InterBeatInterval":
            other += 1
            continue
        try:
            r = parse_number(fields[1])
            when = parse_wall_time(fields[-1])
            if first_time is None:
                first_time = when
            c = (when - first_time).total_seconds()
        except (ValueError, TypeError):
            log.bad(number, line, "expected an interval in ms and a date and time")
            continue
        clock.append(c)
        rr.append(r)
    if not rr:
        raise log.error("InterBeatInterval rows")
    rec = ImportedRecording(OPENHRV)
    rec.segments, origin = segments_from_clock(np.asarray(clock), np.asarray(rr), PSL_RR_TOLERANCE_S)
    rec.started = first_time + _dt.timedelta(seconds=origin)
    rec.device = {"app": "OpenHRV"}
    rec.warnings.append(
        "OpenHRV replaced intervals outside its own limits with a recent median before saving; those cannot be told apart."
    )
    if first_time.tzinfo is None:
        rec.warnings.append("The file's times are local time without a zone; this computer's time zone was assumed.")
    return finish(rec, log)
