"""Polar: Polar Sensor Logger's HR/RR and PPI files, and Polar Flow's RR text export.

Polar Sensor Logger (Android, by Jukka Happonen) writes one ``;``-separated text file per
stream, each with a header line naming its columns, and the phone's local time of arrival
(ISO 8601 without a zone) first on every row::

    Phone timestamp;RR-interval [ms]                        _RR.txt (H10, H9, H7 chest straps)
    2023-02-08T21:49:27.255;894

    Phone timestamp;HR [bpm];HRV [ms];Breathing interval [rpm];     _HR.txt: heart rate only
    2022-04-25T11:39:41.224;66

    Phone timestamp;PP-interval [ms];error estimate [ms];blocker;contact;contact;hr [bpm]
    2022-04-25T11:39:44.771;1839;19;1;1;1;0                  _PPI.txt (Verity Sense, OH1)

Other versions add ``sensor timestamp [ns]``, put ``HR [bpm]`` beside the interval, or name the
first column ``Phone Data RX timestamp``; columns are therefore found by name, never by place.
A PPI row with ``blocker`` = 1 was flagged by the sensor as unreliable (movement): it is left
out, and the time it covers becomes a gap. An HR file without an interval column holds heart
rate only and is refused with a pointer to the RR file beside it.

Arrival times are not beat times: they are used to find lost beats (the clock running ahead of
the intervals), see :func:`~biofeedback.storage.formats.base.segments_from_clock`.

Polar Flow's RR export (V800 and other watches, "Export RR" in Flow) is two numbers per line,
separated by spaces or a tab, no header: the beat's time since the start and the RR interval,
both in seconds::

    0.000 0.749
    5.455 0.749
    6.215 0.76
"""

from __future__ import annotations

import datetime as _dt
import re
import warnings

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
)
from biofeedback.storage.formats.sniff import Sniff

PSL_RR = "Polar Sensor Logger RR (chest strap)"
PSL_PPI = "Polar Sensor Logger PPI (optical sensor)"
POLAR_FLOW = "Polar Flow RR text (time and RR in seconds)"

#: Lost beats in an RR file: the phone's clock may run this far ahead of the intervals (s)
#: before the missing time is a gap. A strap notifies once a second; Android may hold a
#: notification back by about another second.
PSL_RR_TOLERANCE_S = 2.5

#: The same for PPI: optical sensors deliver intervals in batches every few seconds, and
#: PSL stamps a whole batch with one arrival time.
PSL_PPI_TOLERANCE_S = 8.0

_TIME_COLUMNS = ("phone timestamp", "phone data rx timestamp")


def _columns(first_line: str) -> list[str]:
    return [c.strip().lower() for c in first_line.rstrip(";").split(";")]


def detect_psl(sniff: Sniff) -> bool:
    cols = _columns(sniff.first_line)
    return ";" in sniff.first_line and cols[0] in _TIME_COLUMNS


def _find(cols: list[str], *names: str) -> int | None:
    for name in names:
        if name in cols:
            return cols.index(name)
    return None


def read_psl(sniff: Sniff) -> ImportedRecording:
    path = sniff.path
    lines = sniff.text.splitlines()
    header_at = next(i for i, line in enumerate(lines) if line.strip())
    cols = _columns(lines[header_at])
    t_col = _find(cols, *_TIME_COLUMNS)
    rr_col = _find(cols, "rr-interval [ms]", "rr interval [ms]", "rr [ms]")
    ppi_col = _find(cols, "pp-interval [ms]", "ppi [ms]")
    if rr_col is None and ppi_col is None:
        what = "heart rate only" if _find(cols, "hr [bpm]") is not None else f"no beat intervals (columns: {', '.join(cols[1:]) or 'none'})"
        raise FormatError(
            f"{path} is a Polar Sensor Logger file with {what}, not beat-to-beat intervals; "
            "open the _RR.txt (chest strap) or _PPI.txt (optical sensor) file recorded beside it."
        )
    is_ppi = rr_col is None
    value_col = ppi_col if is_ppi else rr_col
    blocker_col = _find(cols, "blocker") if is_ppi else None
    error_col = _find(cols, "error estimate [ms]") if is_ppi else None
    need = max(c for c in (t_col, value_col, blocker_col) if c is not None)

    log = LineLog(path)
    stamps: list[str] = []
    values: list[float] = []
    blocked: list[bool] = []
    errors: list[float] = []
    for number, line in enumerate(lines[header_at + 1:], start=header_at + 2):
        if not line.strip():
            continue
        fields = line.split(";")
        if len(fields) <= need:
            log.bad(number, line, f"expected at least {need + 1} fields separated by ';'")
            continue
        raw = fields[value_col].strip()
        if not raw:
            continue  # a notification without intervals: nothing lost, nothing to read
        try:
            value = parse_number(raw, decimal_comma=True)
            stamp = fields[t_col].strip()
            is_blocked = bool(int(parse_number(fields[blocker_col]))) if blocker_col is not None else False
            err = parse_number(fields[error_col], decimal_comma=True) if error_col is not None and fields[error_col].strip() else float("nan")
        except ValueError:
            log.bad(number, line, "not a time and a number")
            continue
        stamps.append(stamp)
        values.append(value)
        blocked.append(is_blocked)
        errors.append(err)
    if not values:
        raise log.error("beat intervals")
    clock, bad_stamps = _clock(stamps)
    if bad_stamps.any():
        keep = ~bad_stamps
        log.count += int(bad_stamps.sum())
        if log.first is None:
            log.first = (0, "a phone timestamp that is not a date and time")
        values = np.asarray(values)[keep].tolist()
        blocked = np.asarray(blocked)[keep].tolist()
        stamps = [s for s, k in zip(stamps, keep) if k]
        clock = clock[keep]
    if not values:
        raise log.error("beat intervals with a readable phone timestamp")
    try:
        start = parse_wall_time(stamps[0])
    except ValueError:
        raise FormatError(f"{path}: the first phone timestamp ({stamps[0][:30]!r}) is not a date and time.") from None
    rr = np.asarray(values, dtype=np.float64)
    rec = ImportedRecording(PSL_PPI if is_ppi else PSL_RR)
    tolerance = PSL_PPI_TOLERANCE_S if is_ppi else PSL_RR_TOLERANCE_S
    segments, origin = segments_from_clock(clock, rr, tolerance)
    if is_ppi and any(blocked):
        segments = _drop_blocked(segments, np.asarray(blocked))
        rec.warnings.append(f"{sum(blocked)} interval(s) the sensor flagged as unreliable (blocker) were left out as gaps.")
    rec.segments = segments
    rec.started = start + _dt.timedelta(seconds=origin - clock[0])
    rec.device = {"app": "Polar Sensor Logger"}
    name = re.match(r"Polar_(.+?)_[0-9A-F]{8}_", path.name)
    if name:
        rec.device["name"] = f"Polar {name.group(1).replace('_', ' ')}"
    if start.tzinfo is None:
        rec.warnings.append("The file's times are the phone's local time without a zone; this computer's time zone was assumed.")
    return finish(rec, log)


def _clock(stamps: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Seconds since the first stamp, and which stamps could not be read (those get NaN)."""
    try:  # the common case in one numpy call: ISO 8601 without a zone
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # numpy only warns about a zone in a stamp
            t = np.array(stamps, dtype="datetime64[us]")
        secs = (t - t[0]).astype(np.float64) / 1e6
        if np.all(np.isfinite(secs)) and len(stamps[0]) >= 19:
            return secs, np.zeros(len(stamps), dtype=bool)
    except (ValueError, OverflowError, UserWarning, DeprecationWarning):
        pass
    first = None
    out = np.full(len(stamps), np.nan)
    for i, s in enumerate(stamps):
        try:
            d = parse_wall_time(s)
        except ValueError:
            continue
        if first is None:
            first = d
        try:
            out[i] = (d - first).total_seconds()
        except TypeError:  # a zone on some stamps only
            continue
    bad = ~np.isfinite(out)
    return np.where(bad, 0.0, out), bad


def _drop_blocked(segments: list[Segment], blocked: np.ndarray) -> list[Segment]:
    out = []
    offset = 0
    for seg in segments:
        n = len(seg.rr_ms)
        flags = blocked[offset:offset + n]
        offset += n
        before = seg.start_s + np.concatenate(([0.0], np.cumsum(seg.rr_ms)[:-1])) / 1000.0
        i = 0
        while i < n:
            if flags[i]:
                i += 1
                continue
            j = i
            while j < n and not flags[j]:
                j += 1
            out.append(Segment(float(before[i]), seg.rr_ms[i:j].copy()))
            i = j
    return out


# --------------------------------------------------------------------------- Polar Flow

_TWO_NUMBERS = re.compile(r"^\s*(\d+(?:\.\d*)?)[ \t]+(\d+(?:\.\d*)?)\s*$")


def detect_polar_flow(sniff: Sniff) -> bool:
    lines = sniff.head_lines
    if len(lines) < 3:
        return False
    pairs = [_TWO_NUMBERS.match(line) for line in lines]
    if not all(pairs):
        return False
    t = np.array([float(m.group(1)) for m in pairs])
    rr = np.array([float(m.group(2)) for m in pairs])
    # times in seconds rising, intervals in seconds
    return bool(np.all(np.diff(t) >= 0) and np.median(rr) < 5.0 and np.median(np.diff(t)) < 5.0)


def read_polar_flow(sniff: Sniff) -> ImportedRecording:
    log = LineLog(sniff.path)
    times, rr = [], []
    for number, line in enumerate(sniff.text.splitlines(), start=1):
        if not line.strip():
            continue
        m = _TWO_NUMBERS.match(line)
        if not m:
            log.bad(number, line, "expected two numbers: time and RR interval in seconds")
            continue
        times.append(float(m.group(1)))
        rr.append(float(m.group(2)) * 1000.0)
    if not rr:
        raise log.error("RR intervals")
    rec = ImportedRecording(POLAR_FLOW)
    t = np.asarray(times)
    order_ok = np.concatenate(([True], np.diff(t) >= 0))
    if not order_ok.all():
        log.count += int((~order_ok).sum())
        t, rr = t[order_ok], np.asarray(rr)[order_ok]
    rec.segments = segments_from_beat_times(t, np.asarray(rr))
    rec.device = {"app": "Polar Flow"}
    return finish(rec, log)
