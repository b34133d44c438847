"""Kubios: the RR data of a Kubios HRV results text, Kubios-readable series, and our own export.

Kubios HRV Standard saves its results as comma-separated text. After the settings and results
comes the series it analysed, one beat per row, time and interval in seconds (the first column
is empty, later columns hold the spectrum)::

    HRV ANALYSIS RESULTS - 13-Sep-2018 13:15:19
    Kubios HRV Standard
    ...
    RR INTERVAL DATA and SPECTRUM ESTIMATES,
                                  ,    SAMPLE 1,  ...
                                  ,     RR Data,  ...
                                  ,        Time, RR interval,   Frequency, ...
                                  ,         (s),         (s),        (Hz), ...
                                  ,       0.766,       0.766,       0.000, ...

A series prepared for Kubios's ASCII import (the layout of the ``kubios`` Python package):
``#`` header lines, then one interval per line in ms::

    # SIGNAL/SERIES EXPORT - KUBIOS
    # File:				RandomSamples
    766.000

Our own Kubios export (:mod:`biofeedback.storage.formats.export`): ``#`` header lines, then
beat time and RR interval in seconds, tab-separated; a beat later than its interval says is the
first after a gap::

    # Kubios HRV RR data, exported by biofeedback 0.1.0
    # columns: beat time (s), RR interval (s)
    0.812	0.812
"""

from __future__ import annotations

import datetime as _dt

import numpy as np

from biofeedback.storage.formats.base import (
    ImportedRecording,
    LineLog,
    Segment,
    finish,
    parse_number,
    parse_wall_time,
    segments_from_beat_times,
    split_at,
    to_ms,
)
from biofeedback.storage.formats.sniff import Sniff

KUBIOS_RESULTS = "Kubios HRV results text (RR data)"
KUBIOS_SERIES = "Kubios series export (RR in ms)"
OUR_KUBIOS = "Kubios RR text (exported by biofeedback)"

OUR_KUBIOS_FIRST_LINE = "# Kubios HRV RR data, exported by biofeedback"


def detect_results(sniff: Sniff) -> bool:
    head = sniff.head_lines[:4]
    return bool(head) and head[0].startswith("HRV ANALYSIS RESULTS") and any("Kubios" in line for line in head)


def detect_series(sniff: Sniff) -> bool:
    return sniff.first_line.startswith("# SIGNAL/SERIES EXPORT - KUBIOS")


def detect_ours(sniff: Sniff) -> bool:
    return sniff.first_line.startswith(OUR_KUBIOS_FIRST_LINE)


def read_results(sniff: Sniff) -> ImportedRecording:
    lines = sniff.text.splitlines()
    log = LineLog(sniff.path)
    rec = ImportedRecording(KUBIOS_RESULTS)
    try:
        at = next(i for i, line in enumerate(lines) if line.startswith("RR INTERVAL DATA"))
    except StopIteration:
        raise log.error("RR interval data (the results text has no 'RR INTERVAL DATA' section)") from None
    for line in lines[:at]:
        key, _, value = line.partition(":")
        if key.strip() == "Measurement date":
            try:
                rec.started = _dt.datetime.strptime(value.strip(), "%d/%m/%Y %H:%M:%S")
            except ValueError:
                pass
        elif key.strip() == "File name":
            rec.device = {"app": "Kubios HRV", "file": value.strip()}
    times, rr = [], []
    for number, line in enumerate(lines[at + 1:], start=at + 2):
        fields = line.split(",")
        if len(fields) < 3 or not fields[1].strip() or not fields[2].strip():
            continue  # header rows, and spectrum rows after the series has ended
        try:
            t, r = parse_number(fields[1]), parse_number(fields[2])
        except ValueError:
            if any(ch.isdigit() for ch in fields[1] + fields[2]):
                log.bad(number, line, "expected time and RR interval in seconds")
            continue
        times.append(t)
        rr.append(r * 1000.0)
    if not rr:
        raise log.error("RR intervals")
    rec.segments = segments_from_beat_times(np.asarray(times), np.asarray(rr), tolerance_s=0.01)
    if rec.started is not None:
        rec.warnings.append("The measurement date is local time without a zone; this computer's time zone was assumed.")
    return finish(rec, log)


def read_series(sniff: Sniff) -> ImportedRecording:
    log = LineLog(sniff.path)
    values = []
    for number, line in enumerate(sniff.text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        try:
            values.append(parse_number(line.split()[0], decimal_comma=True))
        except ValueError:
            log.bad(number, line, "not an RR interval")
    if not values:
        raise log.error("RR intervals")
    rr, _ = to_ms(np.asarray(values))
    return finish(ImportedRecording(KUBIOS_SERIES, [Segment(0.0, rr)], device={"app": "Kubios series"}), log)


def read_ours(sniff: Sniff) -> ImportedRecording:
    log = LineLog(sniff.path)
    rec = ImportedRecording(OUR_KUBIOS)
    times, rr = [], []
    begins: list[int] | None = None
    for number, line in enumerate(sniff.text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped:
            continue
        if stripped.startswith("#"):
            key, _, value = stripped[1:].partition(":")
            key = key.strip()
            try:
                if key == "start (UTC)":
                    rec.started = parse_wall_time(value)
                elif key == "device":
                    rec.device = {"name": value.strip()}
                elif key == "segments begin at beats":
                    begins = [int(x) for x in value.split(",") if x.strip()]
            except ValueError:
                log.bad(number, line, "a header line that cannot be read")
            continue
        fields = stripped.split()
        try:
            t, r = parse_number(fields[0]), parse_number(fields[1])
        except (ValueError, IndexError):
            log.bad(number, line, "expected beat time and RR interval in seconds")
            begins = None  # beat numbers no longer line up
            continue
        times.append(t)
        rr.append(r * 1000.0)
    if not rr:
        raise log.error("RR intervals")
    t, r = np.asarray(times), np.asarray(rr)
    if begins is not None and all(1 <= b <= len(r) for b in begins):
        starts = np.zeros(len(r), dtype=bool)
        starts[np.asarray(begins, dtype=int) - 1] = True
        rec.segments = split_at(t, r, starts)
    else:  # edited by hand: find the gaps from the beat times
        keep = np.concatenate(([True], np.diff(t) > 0))
        log.count += int((~keep).sum())
        rec.segments = [
            Segment(s.start_s, s.rr_ms, s.beat_times()) for s in segments_from_beat_times(t[keep], r[keep], tolerance_s=0.5)
        ]
        offset = float(t[keep][0] - r[keep][0] / 1000.0)
        rec.segments = [Segment(s.start_s + offset, s.rr_ms, s.times_s + offset) for s in rec.segments]
    return finish(rec, log)
