"""The value every importer returns, and the decoding and judging helpers they share.

An importer decodes; it does not judge. It turns a file into an :class:`ImportedRecording`:
segments of consecutive RR intervals, each placed on the session clock, with the wall-clock
start where the file has one. :func:`judge` then decides, the same way for every format,
whether the numbers are RR intervals at all (a column of heart rates, all zeros or all 99999
are refused), and where implausible intervals cut a segment in two.

Session time 0 is the start of the first interval of the first segment. A gap lies between two
segments: the beats on either side of it are never joined into one interval.
"""

from __future__ import annotations

import codecs
import datetime as _dt
import os
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from biofeedback.core.constants import RR_MAX_MS, RR_MIN_MS
from biofeedback.core.timeline import Gap
from biofeedback.storage.session_file import SessionFileError, read_recording_bytes

#: A median interval below this is in seconds (no heart beats 100 times a second).
SECONDS_IF_MEDIAN_BELOW = 10.0

#: Share of intervals that must lie in RR_MIN_MS..RR_MAX_MS for a series to count as RR at all.
#: Real recordings stay far above it (the worst example file: 5 % out of range).
MIN_PLAUSIBLE_SHARE = 0.8

#: A series whose median lies in this range (as ms) is a column of heart rates, beats/min.
HEART_RATE_RANGE = (25.0, 250.0)

#: Where a file gives each beat's own time: a beat this much later than its interval says
#: (s) follows a gap. Half the shortest plausible interval, so rounding never opens one.
BEAT_TIME_TOLERANCE_S = 0.15

#: Intervals at or above this (ms) are sentinels for "no value" (0xFFFF and similar), not time.
SENTINEL_MS = 65000.0


class FormatError(SessionFileError):
    """A file cannot be read as any recording, or not in the format it claims.

    The message is one line for people: the file, the line where it applies, and what to do.
    """


@dataclass(frozen=True, slots=True)
class Segment:
    """Consecutive RR intervals without a gap.

    Attributes
    ----------
    start_s : float
        Session time at which the first interval begins, s.
    rr_ms : np.ndarray
        The intervals, ms, oldest first; beat ``i`` falls at ``start_s + sum(rr_ms[:i+1]) / 1000``
        unless ``times_s`` says otherwise.
    times_s : np.ndarray or None
        Each beat's session time, where the file gives it exactly (our own exports, which keep
        the times the live timeline aligned with the clock); None: from the intervals.
    """

    start_s: float
    rr_ms: np.ndarray
    times_s: np.ndarray | None = None

    @property
    def end_s(self) -> float:
        if self.times_s is not None and len(self.times_s):
            return float(self.times_s[-1])
        return self.start_s + float(np.sum(self.rr_ms)) / 1000.0

    def beat_times(self) -> np.ndarray:
        if self.times_s is not None:
            return np.asarray(self.times_s, dtype=np.float64)
        return self.start_s + np.cumsum(self.rr_ms) / 1000.0


@dataclass
class ImportedRecording:
    """What every importer returns.

    Attributes
    ----------
    format : str
        The format detected, for people ("Polar Sensor Logger PPI (optical)").
    segments : list of Segment
        The beats, in gap-free runs, on the session clock.
    started : datetime or None
        Wall-clock time at session time 0. Aware (UTC) when the file says which zone; naive when
        the file holds local time without a zone (then the importing computer's zone is assumed
        when the session is stored, and a warning says so).
    device : dict
        What the file says about the sensor or app.
    skipped_lines : int
        Lines or records that could not be read and were left out.
    warnings : list of str
        Sentences for people about what was assumed or left out.
    markers : list of (float, str)
        Markers found in the file, (session time s, label).
    """

    format: str
    segments: list[Segment] = field(default_factory=list)
    started: _dt.datetime | None = None
    device: dict[str, str] = field(default_factory=dict)
    skipped_lines: int = 0
    warnings: list[str] = field(default_factory=list)
    markers: list[tuple[float, str]] = field(default_factory=list)
    #: Extra header content (our own exports carry their session's header).
    header: dict[str, Any] = field(default_factory=dict)
    #: Implausible intervals left out by :func:`judge`, ms.
    rejected_rr_ms: list[float] = field(default_factory=list)

    @property
    def rr_ms(self) -> np.ndarray:
        parts = [s.rr_ms for s in self.segments]
        return np.concatenate(parts) if parts else np.empty(0)

    @property
    def gaps(self) -> list[Gap]:
        return [Gap(a.end_s, max(a.end_s, b.start_s)) for a, b in zip(self.segments, self.segments[1:])]

    @property
    def beats(self) -> int:
        return int(sum(len(s.rr_ms) for s in self.segments))


# --------------------------------------------------------------------------- reading bytes


def read_bytes(path: Path, limit: int = -1) -> bytes:
    """The bytes of ``path`` (at most ``limit``), or a :class:`SessionFileError` saying why not."""
    return read_recording_bytes(path, limit)


#: The one sentence for a file that is not text (and no binary format we read).
NOT_TEXT = "{path} is not a recording this app can read (it is not a text file)."


def decode_text(data: bytes, path: Path) -> tuple[str, list[str]]:
    """Text from bytes: UTF-8 (with or without BOM), UTF-16 with a BOM, else Latin-1 with a warning.

    Raises :class:`FormatError` for binary data (NUL bytes outside UTF-16).
    """
    warnings: list[str] = []
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = data.decode("utf-16", errors="replace")
        if "\ufffd" in text:
            warnings.append("Some characters were not valid UTF-16 and were replaced.")
        return text, warnings
    nuls = data.count(b"\x00")
    if nuls:
        even, odd = data[0::2].count(b"\x00"), data[1::2].count(b"\x00")
        if len(data) >= 8 and max(even, odd) > 0.4 * len(data) / 2:  # UTF-16 without a BOM
            text = data.decode("utf-16-be" if even > odd else "utf-16-le", errors="replace")
            return text, ["The file is UTF-16 without a byte-order mark; it was read as such."]
        if nuls > 0.05 * len(data) or b"\n" not in data:
            raise FormatError(NOT_TEXT.format(path=path))
        warnings.append(f"The file holds {nuls} NUL byte(s), as a write cut short leaves; lines with them are skipped.")
        data = data.replace(b"\x00", b"\x1a")
    try:
        return data.decode("utf-8"), warnings
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        warnings.append(f"The file is not UTF-8 (first odd byte on line {line}); it was read as Latin-1.")
        return data.decode("latin-1"), warnings


def parse_number(text: str, decimal_comma: bool = False) -> float:
    """A float from a field; raises ValueError. ``decimal_comma``: '12,5' means 12.5."""
    text = text.strip()
    if decimal_comma:
        text = text.replace(",", ".")
    value = float(text)
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError(text)
    return value


def parse_wall_time(text: str) -> _dt.datetime:
    """ISO 8601 ('2022-04-25T11:39:41.224', with or without zone, 'T' or space); raises ValueError."""
    text = text.strip().strip('"')
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    return _dt.datetime.fromisoformat(text)


def unix_time(seconds: float) -> _dt.datetime:
    """An aware UTC datetime from seconds since 1970; ValueError if outside 2000-2100."""
    if not 946684800.0 <= seconds <= 4102444800.0:
        raise ValueError(f"{seconds} is not a time between 2000 and 2100")
    return _dt.datetime.fromtimestamp(seconds, tz=_dt.timezone.utc)


class LineLog:
    """Counts lines that could not be read and remembers the first, for one error or warning."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.count = 0
        self.first: tuple[int, str] | None = None

    def bad(self, number: int, line: str, why: str) -> None:
        self.count += 1
        if self.first is None:
            self.first = (number, f"{why} ({line.strip()[:40]!r})")

    def warning(self) -> str | None:
        if not self.count:
            return None
        number, why = self.first
        return f"{self.count} unreadable line(s) were skipped; the first, line {number}: {why}."

    def error(self, what: str) -> FormatError:
        if self.first is None:
            return FormatError(f"{self.path} holds no {what}.")
        number, why = self.first
        return FormatError(f"{self.path} line {number}: {why}; no {what} could be read.")


def finish(rec: ImportedRecording, log: LineLog) -> ImportedRecording:
    rec.skipped_lines += log.count
    note = log.warning()
    if note:
        rec.warnings.append(note)
    return rec


# --------------------------------------------------------------------------- placing beats in time


def to_ms(values: np.ndarray) -> tuple[np.ndarray, str]:
    """Intervals in ms, deciding seconds or milliseconds by the median. Returns (values, unit)."""
    values = np.asarray(values, dtype=np.float64)
    finite = values[np.isfinite(values) & (values > 0)]
    if len(finite) and np.median(finite) < SECONDS_IF_MEDIAN_BELOW:
        return values * 1000.0, "s"
    return values, "ms"


def segments_from_beat_times(times_s: np.ndarray, rr_ms: np.ndarray, tolerance_s: float = BEAT_TIME_TOLERANCE_S) -> list[Segment]:
    """Segments from each beat's own time: a beat later than its interval says starts a new one.

    ``times_s[i]`` is when beat ``i`` happened (its interval ends), on any origin; session time 0
    is the start of the first interval.
    """
    times = np.asarray(times_s, dtype=np.float64)
    rr = np.asarray(rr_ms, dtype=np.float64)
    if not len(rr):
        return []
    origin = times[0] - rr[0] / 1000.0
    step = np.diff(times) - rr[1:] / 1000.0
    cuts = np.flatnonzero(step > tolerance_s) + 1
    bounds = np.concatenate(([0], cuts, [len(rr)]))
    return [Segment(float(times[a] - rr[a] / 1000.0 - origin), rr[a:b].copy()) for a, b in zip(bounds[:-1], bounds[1:])]


def segments_from_clock(
    clock_s: np.ndarray, rr_ms: np.ndarray, tolerance_s: float, window: int = 300
) -> tuple[list[Segment], float]:
    """Segments from rows stamped with their arrival on a phone's clock.

    Arrival times say little about when a beat happened (notifications are batched and
    delayed), but they say when beats were lost: the clock then runs ahead of the sum of the
    intervals. Within a segment the lag ``clock - (start + sum of intervals)`` moves with the
    batching and, slowly, with the drift between the phone's and the sensor's crystals; a lag
    more than ``tolerance_s`` above its minimum over the last ``window`` rows means intervals
    are missing, and a new segment starts at that row, its first interval ending at the row's
    arrival.

    Returns the segments and the clock time (same origin as ``clock_s``) of session time 0.
    """
    clock = np.asarray(clock_s, dtype=np.float64).tolist()
    rr = np.asarray(rr_ms, dtype=np.float64)
    rr_list = rr.tolist()
    if not rr_list:
        return [], 0.0
    origin = clock[0] - rr_list[0] / 1000.0
    starts = [0]
    seg_start = origin
    total = 0.0
    recent: deque[tuple[int, float]] = deque()  # (row, lag), lags increasing: sliding minimum
    for i, (c, r) in enumerate(zip(clock, rr_list)):
        total += r / 1000.0
        lag = c - (seg_start + total)
        while recent and recent[0][0] <= i - window:
            recent.popleft()
        if recent and lag - recent[0][1] > tolerance_s:
            starts.append(i)
            seg_start = c - r / 1000.0
            total = r / 1000.0
            lag = 0.0
            recent.clear()
        while recent and recent[-1][1] >= lag:
            recent.pop()
        recent.append((i, lag))
    bounds = starts + [len(rr_list)]
    segments = []
    for a, b in zip(bounds[:-1], bounds[1:]):
        t0 = (origin if a == 0 else clock[a] - rr_list[a] / 1000.0) - origin
        segments.append(Segment(float(t0), rr[a:b].copy()))
    # rows stamped out of order can place a segment before the end of the previous: keep order
    fixed = segments[:1]
    for seg in segments[1:]:
        if seg.start_s < fixed[-1].end_s:
            seg = Segment(fixed[-1].end_s, seg.rr_ms)
        fixed.append(seg)
    return fixed, origin


# --------------------------------------------------------------------------- judging


def _describe(values: np.ndarray) -> str:
    return f"{len(values)} values, median {np.median(values):g}"


def judge(rec: ImportedRecording, path: Path) -> ImportedRecording:
    """Refuse numbers that are not RR intervals; cut segments at implausible intervals.

    Refused (:class:`FormatError`): nothing read; all values the same; fewer than
    :data:`MIN_PLAUSIBLE_SHARE` of them in RR_MIN_MS..RR_MAX_MS (with the likely reason: a
    column of heart rates, zeros, sentinels). Otherwise each implausible interval is dropped
    and the segment around it split: the time it covered becomes a gap (sentinels at or above
    :data:`SENTINEL_MS` and values <= 0 cover no time).
    """
    rr = rec.rr_ms
    if not len(rr):
        raise FormatError(f"{path} holds no RR intervals ({rec.format}).")
    finite = rr[np.isfinite(rr)]
    if len(finite) >= 10 and np.all(finite == finite[0]):
        raise FormatError(
            f"{path}: all {len(finite)} values are {finite[0]:g}; these are not RR intervals, so nothing was analysed."
        )
    plausible = (rr >= RR_MIN_MS) & (rr <= RR_MAX_MS)
    share = float(np.mean(plausible))
    if share < MIN_PLAUSIBLE_SHARE:
        median = float(np.median(finite)) if len(finite) else float("nan")
        if HEART_RATE_RANGE[0] <= median <= HEART_RATE_RANGE[1]:
            why = f"they look like heart rates in beats per minute ({_describe(finite)}), not RR intervals"
        elif len(finite) and np.all(finite <= 0):
            why = "they are all zero or negative"
        else:
            why = f"only {100 * share:.0f} % of them lie between {RR_MIN_MS:g} and {RR_MAX_MS:g} ms ({_describe(finite)})"
        raise FormatError(f"{path}: {why}; nothing was analysed.")
    if share < 1.0:
        segments = []
        for seg in rec.segments:
            segments.extend(_split_implausible(seg))
        dropped = int(np.sum(~plausible))
        rec.rejected_rr_ms = rr[~plausible].tolist()
        rec.segments = segments
        rec.warnings.append(
            f"{dropped} interval(s) outside {RR_MIN_MS:g}-{RR_MAX_MS:g} ms were left out; the time they cover is a gap."
        )
    return rec


def _split_implausible(seg: Segment) -> list[Segment]:
    rr = seg.rr_ms
    ok = (rr >= RR_MIN_MS) & (rr <= RR_MAX_MS)
    if ok.all():
        return [seg]
    elapsed = np.where((rr > 0) & (rr < SENTINEL_MS) & np.isfinite(rr), rr, 0.0)
    before = seg.start_s + np.concatenate(([0.0], np.cumsum(elapsed)[:-1])) / 1000.0  # start of each interval
    if seg.times_s is not None:
        before = np.asarray(seg.times_s) - np.where(ok, rr, 0.0) / 1000.0
    out = []
    i, n = 0, len(rr)
    while i < n:
        if not ok[i]:
            i += 1
            continue
        j = i
        while j < n and ok[j]:
            j += 1
        times = None if seg.times_s is None else np.asarray(seg.times_s)[i:j].copy()
        out.append(Segment(float(before[i]), rr[i:j].copy(), times))
        i = j
    return out


def split_at(times_s: np.ndarray, rr_ms: np.ndarray, starts: np.ndarray) -> list[Segment]:
    """Segments with explicit beat times, cut where ``starts`` is True (a new segment begins)."""
    times = np.asarray(times_s, dtype=np.float64)
    rr = np.asarray(rr_ms, dtype=np.float64)
    flags = np.asarray(starts, dtype=bool).copy()
    if len(flags):
        flags[0] = True
    bounds = np.concatenate((np.flatnonzero(flags), [len(rr)]))
    return [
        Segment(float(times[a] - rr[a] / 1000.0), rr[a:b].copy(), times[a:b].copy())
        for a, b in zip(bounds[:-1], bounds[1:])
    ]


def path_of(path: str | os.PathLike[str]) -> Path:
    return Path(path).expanduser()
