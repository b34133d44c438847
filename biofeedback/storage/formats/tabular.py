"""Tables: our own CSV export, Empatica E4's IBI.csv, and any other CSV with an RR or beat-time column.

Our CSV export (:mod:`biofeedback.storage.formats.export`), one row per beat; ``segment``
counts the gaps before the beat, so a re-import keeps every gap and every beat time::

    time_s,time_utc,rr_ms,hr_bpm,artifact,corrected_rr_ms,coherence,segment
    0.8120,2026-11-25T14:41:55.517Z,812.000,73.9,,812.000,,0

Empatica E4's ``IBI.csv``: the first cell is the session start (Unix s), then each beat's time
since the start and its interval, both in seconds; beats the wristband could not time are
missing, so their time is a gap::

    1560279825.000000, IBI
    83.503822,0.609403

Any other table (``,``, ``;`` or tab separated; with or without a header): the RR column is the
one ``--column`` names (header name or 1-based number), else a column whose name says RR / IBI /
NN / interval. ``--column`` may also name a column of beat times (R-peak times, rising), whose
differences are the intervals. A column named time / timestamp / date beside the RR column gives
the beats' times: when they follow the intervals they are beat times (a jump is a gap), else
arrival times (a clock running ahead of the intervals is a gap). Seconds or milliseconds are
told by the median.
"""

from __future__ import annotations

import datetime as _dt
import re

import numpy as np

from biofeedback.storage.formats.base import (
    FormatError,
    ImportedRecording,
    LineLog,
    Segment,
    finish,
    parse_number,
    parse_wall_time,
    segments_from_beat_times,
    segments_from_clock,
    split_at,
    to_ms,
    unix_time,
)
from biofeedback.storage.formats.sniff import Sniff

OUR_CSV = "CSV beats (exported by biofeedback)"
EMPATICA = "Empatica E4 IBI.csv"
GENERIC = "CSV table"

OUR_CSV_COLUMNS = ("time_s", "time_utc", "rr_ms", "hr_bpm", "artifact", "corrected_rr_ms", "coherence", "segment")

_RR_NAMES = re.compile(
    r"^(rr|rri|rr_?ms|ibi|nn|nni|pp|ppi|rr[ _-]?intervals?|inter[ -]?beat[ _-]?intervals?|nn[ _-]?intervals?|intervals?|pp[ _-]?intervals?)$"
)
_TIME_NAMES = re.compile(r"^(time|timestamp|t|date|datetime|date ?time|clock|beat ?time|r[ _-]?peaks?|time_s)$")
_EMPATICA_HEADER = re.compile(r"^\d{9,10}(\.\d+)?\s*,\s*IBI$")


def _name(cell: str) -> str:
    """A header cell without units in brackets, lower case: 'RR-interval [ms]' -> 'rr-interval'."""
    return re.sub(r"[\[(].*?[\])]", "", cell).strip().strip('"').strip().lower()


# --------------------------------------------------------------------------- our CSV


def detect_ours(sniff: Sniff) -> bool:
    return tuple(c.strip() for c in sniff.first_line.split(",")) == OUR_CSV_COLUMNS


def read_ours(sniff: Sniff) -> ImportedRecording:
    log = LineLog(sniff.path)
    times, rr, seg = [], [], []
    first_utc = None
    for number, line in enumerate(sniff.text.splitlines()[1:], start=2):
        if not line.strip():
            continue
        f = line.split(",")
        try:
            t, r, s = parse_number(f[0]), parse_number(f[2]), int(f[7])
            if first_utc is None and f[1].strip():
                first_utc = (parse_wall_time(f[1]), t)
        except (ValueError, IndexError):
            log.bad(number, line, "not a beat row of a biofeedback CSV export")
            continue
        times.append(t)
        rr.append(r)
        seg.append(s)
    if not rr:
        raise log.error("beats")
    seg_a = np.asarray(seg)
    starts = np.concatenate(([True], np.diff(seg_a) != 0))
    rec = ImportedRecording(OUR_CSV, split_at(np.asarray(times), np.asarray(rr), starts))
    if first_utc is not None:  # wall-clock times are written to the ms: the start is as close
        rec.started = first_utc[0] - _dt.timedelta(seconds=first_utc[1])
    return finish(rec, log)


# --------------------------------------------------------------------------- Empatica


def detect_empatica(sniff: Sniff) -> bool:
    return bool(_EMPATICA_HEADER.match(sniff.first_line))


def read_empatica(sniff: Sniff) -> ImportedRecording:
    log = LineLog(sniff.path)
    lines = sniff.text.splitlines()
    start = unix_time(float(lines[0].split(",")[0]))
    times, rr = [], []
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        f = line.split(",")
        try:
            t, r = parse_number(f[0]), parse_number(f[1])
        except (ValueError, IndexError):
            log.bad(number, line, "expected time and interval in seconds")
            continue
        times.append(t)
        rr.append(r * 1000.0)
    if not rr:
        raise log.error("beat intervals")
    t = np.asarray(times)
    keep = np.concatenate(([True], np.diff(t) > 0))
    log.count += int((~keep).sum())
    rec = ImportedRecording(EMPATICA, segments_from_beat_times(t[keep], np.asarray(rr)[keep], tolerance_s=0.02))
    rec.started = start + _dt.timedelta(seconds=float(t[0] - rr[0] / 1000.0))
    rec.device = {"name": "Empatica E4"}
    return finish(rec, log)


# --------------------------------------------------------------------------- any table


def _delimiter(lines: list[str]) -> str | None:
    best, best_n = None, 1
    for d in (",", ";", "\t"):
        counts = [line.count(d) for line in lines[:20]]
        if counts and min(counts) >= 1 and max(counts) - min(counts) <= 1 and counts[0] >= best_n:
            best, best_n = d, counts[0]
    return best


def detect_table(sniff: Sniff) -> bool:
    lines = sniff.head_lines
    return len(lines) >= 2 and _delimiter(lines) is not None


def _is_number(cell: str) -> bool:
    try:
        parse_number(cell, decimal_comma=False)
        return True
    except ValueError:
        return False


def read_table(sniff: Sniff) -> ImportedRecording:
    path = sniff.path
    lines = [line for line in sniff.text.splitlines()]
    body = [(n, line) for n, line in enumerate(lines, start=1) if line.strip()]
    if not body:
        raise FormatError(f"{path} is empty.")
    delim = _delimiter([line for _, line in body]) or ","
    first = [c.strip() for c in body[0][1].split(delim)]
    has_header = not all(_is_number(c) for c in first if c)
    names = [_name(c) for c in first] if has_header else [str(i + 1) for i in range(len(first))]
    rows = body[1:] if has_header else body
    rr_col, time_col, beat_times = _choose_columns(path, names, first, sniff.column, rows, delim)
    decimal_comma = delim != ","

    log = LineLog(path)
    values, stamps = [], []
    for number, line in rows:
        f = line.split(delim)
        try:
            v = parse_number(f[rr_col], decimal_comma)
            stamp = f[time_col].strip() if time_col is not None else None
        except (ValueError, IndexError):
            log.bad(number, line, f"no number in column '{first[rr_col]}'")
            continue
        values.append(v)
        stamps.append(stamp)
    if len(values) < (2 if beat_times else 1):
        raise log.error("RR intervals")
    label = f"'{first[rr_col]}'" if has_header else f"column {rr_col + 1}"
    rec = ImportedRecording(f"{GENERIC} ({label} as {'beat times' if beat_times else 'RR intervals'})")
    arr = np.asarray(values, dtype=np.float64)
    if beat_times:
        diffs = np.diff(arr)
        rr, unit = to_ms(diffs)
        times = (arr[1:] - arr[0]) * (1.0 if unit == "s" else 1e-3)
        rec.segments = segments_from_beat_times(times, rr)
        rec.warnings.append("The first beat time only starts the series; the intervals begin with the second.")
        return finish(rec, log)
    rr, unit = to_ms(arr)
    if time_col is None:
        rec.segments = [Segment(0.0, rr)]
        return finish(rec, log)
    clock, started, dropped = _clock(stamps, rr, decimal_comma)
    if dropped.any():
        log.count += int(dropped.sum())
        if log.first is None:
            log.first = (0, f"a value in column '{first[time_col]}' that is not a time")
        rr, clock = rr[~dropped], clock[~dropped]
    if not len(rr):
        raise log.error("RR intervals with a readable time")
    step = np.diff(clock) - rr[1:] / 1000.0
    if len(step) and np.mean(np.abs(step) < 0.05) > 0.8:  # the times follow the intervals: beat times
        rec.segments = segments_from_beat_times(clock, rr)
        origin = clock[0] - rr[0] / 1000.0
    else:  # arrival times on some clock
        rec.segments, origin = segments_from_clock(clock, rr, tolerance_s=2.5)
    if started is not None:
        rec.started = started + _dt.timedelta(seconds=float(origin - clock[0]))
    return finish(rec, log)


def _choose_columns(path, names, first, column, rows, delim) -> tuple[int, int | None, bool]:
    """(RR or beat-time column, time column or None, whether the first holds beat times)."""
    time_col = next((i for i, n in enumerate(names) if _TIME_NAMES.match(n)), None)
    if column is not None:
        wanted = column.strip().lower()
        if wanted.isdigit() and 1 <= int(wanted) <= len(names):
            col = int(wanted) - 1
        elif _name(wanted) in names:
            col = names.index(_name(wanted))
        else:
            raise FormatError(f"{path} has no column '{column}'; its columns are: {', '.join(first)}.")
        if col == time_col or _rising(rows, col, delim):
            others = [i for i, n in enumerate(names) if _RR_NAMES.match(n) and i != col]
            if not others:
                return col, None, True
        return col, (time_col if time_col != col else None), False
    rr_col = next((i for i, n in enumerate(names) if _RR_NAMES.match(n)), None)
    if rr_col is None:
        raise FormatError(
            f"{path} is a table with columns {', '.join(first)}; none is named as RR intervals. "
            "Say which column holds the RR intervals or beat times with --column NAME."
        )
    return rr_col, time_col, False


def _rising(rows, col, delim) -> bool:
    values = []
    for _, line in rows[:50]:
        try:
            values.append(parse_number(line.split(delim)[col], delim != ","))
        except (ValueError, IndexError):
            continue
    return len(values) >= 3 and bool(np.all(np.diff(values) > 0))


def _clock(stamps: list[str], rr_ms: np.ndarray, decimal_comma: bool) -> tuple[np.ndarray, _dt.datetime | None, np.ndarray]:
    """Seconds on the file's clock for each row, the wall-clock time of the first, and bad rows."""
    out = np.full(len(stamps), np.nan)
    started = None
    numbers = []
    for i, s in enumerate(stamps):
        try:
            numbers.append((i, parse_number(s, decimal_comma)))
        except ValueError:
            continue
    if len(numbers) >= len(stamps) / 2:  # numeric times: seconds, ms, or Unix time
        idx = np.array([i for i, _ in numbers])
        vals = np.array([v for _, v in numbers])
        scale = 1.0
        if len(vals) > 1:
            step = np.median(np.diff(vals))
            if abs(step - np.median(rr_ms)) < abs(step - np.median(rr_ms) / 1000.0):
                scale = 1e-3  # milliseconds
        secs = vals * scale
        try:
            started = unix_time(float(secs[0]))
        except ValueError:
            started = None
        out[idx] = secs - secs[0]
    else:
        first = None
        for i, s in enumerate(stamps):
            try:
                d = parse_wall_time(s)
                if first is None:
                    first = d
                out[i] = (d - first).total_seconds()
            except (ValueError, TypeError):
                continue
        started = first
    bad = ~np.isfinite(out)
    return np.where(bad, 0.0, out), started, bad
