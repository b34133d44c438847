"""Bare lists of RR intervals: one per line, all on one line, or Elite HRV's export.

One interval per line, in ms or s (seconds when the median is below 10), ``#`` starts a
comment; decimal commas are accepted::

    812
    798.5
    0,805

All on one line (or a few), separated by spaces, commas or semicolons, as some apps and
data sets store them (the Welltory PPG data set's ``RR.txt``)::

    1203 1124 974 1168 1268 1051 1117

Elite HRV exports one integer (ms) per line, nothing else, in a file named after the start of
the reading in the phone's local time, ``YYYY-MM-DD HH-MM-SS.txt``. Its content cannot be told
from any other list of intervals, so the content picks the family and the name only adds the
start time (and the name of the format shown).

None of these hold timestamps: the intervals are taken as one uninterrupted series, cut only
where an interval is implausible (:func:`~biofeedback.storage.formats.base.judge`).
"""

from __future__ import annotations

import datetime as _dt
import re

import numpy as np

from biofeedback.storage.formats.base import ImportedRecording, LineLog, Segment, finish, parse_number, to_ms
from biofeedback.storage.formats.sniff import Sniff

RR_TEXT = "RR text, one interval per line"
ONE_LINE = "RR intervals on one line"
ELITE_HRV = "Elite HRV RR export"

_ELITE_NAME = re.compile(r"^(\d{4})-(\d{2})-(\d{2}) (\d{2})-(\d{2})-(\d{2})\.txt$")
_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?$")
_SEPARATORS = re.compile(r"[\s,;]+")


def _content_lines(sniff: Sniff) -> list[str]:
    return [ln for ln in (line.split("#", 1)[0].strip() for line in sniff.head_lines) if ln]


def detect_one_line(sniff: Sniff) -> bool:
    lines = _content_lines(sniff)
    if not lines or len(lines) > 3:
        return False
    fields = [f for f in _SEPARATORS.split(lines[0]) if f]
    return len(fields) >= 5 and all(_NUMBER.match(f) for f in fields)


def detect_rr_text(sniff: Sniff) -> bool:
    lines = _content_lines(sniff)
    if not lines:
        return False
    if not _NUMBER.match(lines[0].split()[0]) and any(d in lines[0] for d in ",;\t"):
        return False  # a header row of a table
    good = sum(1 for line in lines if _NUMBER.match(line.split()[0]) and len(line.split()) == 1)
    return good >= max(1, int(0.8 * len(lines)))


def read_one_line(sniff: Sniff) -> ImportedRecording:
    log = LineLog(sniff.path)
    values = []
    for number, line in enumerate(sniff.text.splitlines(), start=1):
        line = line.split("#", 1)[0]
        for f in _SEPARATORS.split(line.strip()):
            if not f:
                continue
            try:
                values.append(parse_number(f))
            except ValueError:
                log.bad(number, f, "not a number")
    if not values:
        raise log.error("RR intervals")
    rr, unit = to_ms(np.asarray(values))
    rec = ImportedRecording(ONE_LINE, [Segment(0.0, rr)])
    return finish(rec, log)


def read_rr_text(sniff: Sniff) -> ImportedRecording:
    """One interval per line (the first field of a line; more fields are ignored)."""
    log = LineLog(sniff.path)
    text = sniff.text
    values: list[float] | np.ndarray = []
    tokens = text.split()
    fast = "#" not in text and "," not in text and len(tokens) == sum(1 for ln in text.splitlines() if ln.strip())
    if fast:  # the common case, a clean column of numbers, in one numpy call
        try:
            values = np.array(tokens, dtype=np.float64)
            fast = bool(np.all(np.isfinite(values)))
        except ValueError:
            fast = False
    if not fast:
        values = []
        for number, line in enumerate(text.splitlines(), start=1):
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            try:
                values.append(parse_number(line.split()[0], decimal_comma=True))
            except ValueError:
                log.bad(number, line, "not an RR interval; expected one number per line")
    if not len(values):
        raise log.error("RR intervals")
    rr, unit = to_ms(np.asarray(values, dtype=np.float64))
    name = RR_TEXT + (" (s)" if unit == "s" else " (ms)")
    rec = ImportedRecording(name, [Segment(0.0, rr)])
    m = _ELITE_NAME.match(sniff.path.name)
    if m and unit == "ms":
        try:
            rec.started = _dt.datetime(*map(int, m.groups()))
        except ValueError:
            pass
        else:
            rec.format = ELITE_HRV
            rec.device = {"app": "Elite HRV"}
            rec.warnings.append("The start time comes from the file's name (the phone's local time); this computer's time zone was assumed.")
    return finish(rec, log)
