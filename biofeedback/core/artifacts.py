"""Artefact detection and correction for RR series (Lipponen & Tarvainen 2019).

Lipponen JA, Tarvainen MP. A robust algorithm for heart rate variability time series artefact
correction using novel beat classification. J Med Eng Technol 2019;43(3):173-181.

Each beat is judged by two normalised series:

- ``drrs``: successive differences of RR, divided by a time-varying threshold
  ``th1 = ALPHA * QD(|dRR|)`` over a centred window of :data:`THRESHOLD_WINDOW` beats
  (QD = quartile deviation, (Q3 - Q1) / 2);
- ``mrrs``: RR minus its :data:`MEDIAN_WINDOW`-beat median (negative deviations doubled), divided
  by ``th2 = ALPHA * QD(|mRR|)``.

A beat with ``|drrs| > 1`` is *ectopic* if it, or the next beat with a difference of the
opposite sign, lies in the ectopic regions of subspace (drrs, s12) with constants :data:`C1`,
:data:`C2` (a premature beat's short interval is flagged, not only its compensatory pause, so the
pair is corrected together); otherwise it is *long* or *short*
when it lies in the long/short regions of (drrs, s22) or ``|mrrs| > 3``; a long beat about twice
the median is a *missed* beat, a short beat that with its successor makes about one median is an
*extra* beat. The classification follows the paper's Figure 1 as neurokit2 implements it
(including checking the next beat as a long/short candidate when its difference is smaller than
the one after it); unlike neurokit2, the beat right after an ectopic or extra beat is not judged
again: its difference is the flagged beat's own echo, and the correction rewrites it anyway.

Correction: extra -> merged with the next interval; missed -> split in two halves; ectopic ->
the beat moves to the midpoint of its neighbours, so both intervals around it become their mean
(these three keep the total time, like moving R peaks); long/short -> the interval is replaced by
the running median (a lone long or short interval has no partner to share its error with, and
averaging it into the next one only creates a new long/short interval for the next pass).

:class:`CausalDetector` is the live variant: thresholds and median use only past beats, a beat's
class is final once the two beats after it exist, and the newest beat gets a provisional flag.
"""

from __future__ import annotations

import bisect
import enum
from collections import deque
from dataclasses import dataclass

import numpy as np

#: Ectopic region constants of subspace (drrs, s12) (Lipponen & Tarvainen 2019, eq. 3-4).
C1 = 0.13
C2 = 0.17

#: Threshold multiplier of the quartile deviation (ibid.: 5.2).
ALPHA = 5.2

#: Beats in the window of the time-varying thresholds (ibid.: 91).
THRESHOLD_WINDOW = 91

#: The thresholds' quartiles are evaluated every this many beats and interpolated between: a
#: 91-beat quartile moves little in 16 beats, and exact evaluation costs 0.3 s per 24 hours.
THRESHOLD_STRIDE = 16

#: Beats in the running median of RR (ibid.: 11).
MEDIAN_WINDOW = 11

#: Limit on |mrrs| for a long or short beat (ibid.).
MRRS_LIMIT = 3.0

#: Detection passes. The paper detects once; re-detecting on the corrected series keeps finding
#: about half as many again on real recordings (the thresholds shrink as outliers go), so later
#: passes would start to shave genuine variability.
MAX_PASSES = 1

#: Beats the live detector needs before it judges anything.
CAUSAL_WARMUP = 12


class ArtifactKind(enum.Enum):
    ECTOPIC = "ectopic"
    MISSED = "missed"
    EXTRA = "extra"
    LONGSHORT = "longshort"


#: Kinds whose correction also rewrites the next interval, which is therefore not judged again.
_PAIRED = frozenset({ArtifactKind.ECTOPIC, ArtifactKind.EXTRA})


@dataclass(frozen=True, slots=True)
class ArtifactReport:
    """Where artefacts were found, as session times of the beats flagged (s), per class."""

    times_by_kind: dict[ArtifactKind, tuple[float, ...]]

    @property
    def count(self) -> int:
        return sum(len(v) for v in self.times_by_kind.values())

    def counts(self) -> dict[str, int]:
        return {kind.value: len(self.times_by_kind.get(kind, ())) for kind in ArtifactKind}


@dataclass(frozen=True, slots=True)
class CorrectedBeats:
    """A beat series after correction, with what was corrected."""

    times_s: np.ndarray
    rr_ms: np.ndarray
    segment_start: np.ndarray
    report: ArtifactReport


# --------------------------------------------------------------------------- thresholds


def _rolling_quartile_deviation(x: np.ndarray, window: int, stride: int = 1) -> np.ndarray:
    """(Q3 - Q1) / 2 of ``x`` over a centred window, truncated at the ends (linear quantiles).

    With ``stride`` > 1 the full windows are evaluated at every ``stride``-th beat only and
    linearly interpolated between (the ends are always exact).
    """
    n = len(x)
    half = window // 2
    out = np.empty(n)
    if n >= window:
        q = 0.25 * (window - 1)
        lo, hi = int(np.floor(q)), int(np.floor(0.75 * (window - 1)))
        frac = q - lo
        kth = sorted({lo, lo + 1, hi, hi + 1})
        centres = np.arange(half, n - half, stride)
        if centres[-1] != n - half - 1:
            centres = np.append(centres, n - half - 1)
        frames = np.lib.stride_tricks.sliding_window_view(x, window)[centres - half]
        values = np.empty(len(centres))
        chunk = 8192
        for start in range(0, len(frames), chunk):
            part = np.partition(frames[start : start + chunk], kth, axis=1)
            q1 = part[:, lo] + frac * (part[:, lo + 1] - part[:, lo])
            q3 = part[:, hi] + frac * (part[:, hi + 1] - part[:, hi])
            values[start : start + chunk] = (q3 - q1) / 2.0
        inner = np.arange(half, n - half)
        out[half : n - half] = values if stride == 1 else np.interp(inner, centres, values)
        edges = list(range(half)) + list(range(n - half, n))
    else:
        edges = list(range(n))
    values = x.tolist()
    for j in edges:
        out[j] = _quartile_deviation(sorted(values[max(0, j - half) : j + half + 1]))
    return out


def _quartile_deviation(ordered: list[float]) -> float:
    """(Q3 - Q1) / 2 of sorted values, linear interpolation between order statistics (numpy's default)."""
    last = len(ordered) - 1

    def quantile(p: float) -> float:
        pos = p * last
        lo = int(pos)
        hi = min(lo + 1, last)
        return ordered[lo] + (pos - lo) * (ordered[hi] - ordered[lo])

    return (quantile(0.75) - quantile(0.25)) / 2.0


def _rolling_median(x: np.ndarray, window: int) -> np.ndarray:
    """Median over a centred window, truncated at the ends."""
    n = len(x)
    half = window // 2
    out = np.empty(n)
    if n >= window:
        out[half : n - half] = np.median(np.lib.stride_tricks.sliding_window_view(x, window), axis=1)
        edges = list(range(half)) + list(range(n - half, n))
    else:
        edges = list(range(n))
    for j in edges:
        out[j] = np.median(x[max(0, j - half) : j + half + 1])
    return out


def _in_ectopic_region(d: float, s12: float) -> bool:
    """The ectopic regions of subspace (drrs, s12) (Lipponen & Tarvainen 2019, Fig. 2)."""
    return (d > 1 and s12 < -C1 * d - C2) or (d < -1 and s12 > -C1 * d + C2)


def _is_ectopic(d: float, s12: float, d_next: float, s12_next: float) -> bool:
    """Beat or, with a difference of the opposite sign, the next beat lies in an ectopic region."""
    return _in_ectopic_region(d, s12) or (d * d_next < 0 and _in_ectopic_region(d_next, s12_next))


def _long_short_kind(
    d: float, s22: float, mrrs: float, rr: float, rr_next: float | None, median: float, th2: float
) -> ArtifactKind | None:
    """Missed, extra or long/short for one beat that is not ectopic, or None (Fig. 1 of the paper)."""
    long_beat = d > 1 and s22 < -1
    short_beat = d < -1 and s22 > 1
    if not (long_beat or short_beat or abs(mrrs) > MRRS_LIMIT):
        return None
    if short_beat and rr_next is not None and abs(rr + rr_next - median) < th2:
        return ArtifactKind.EXTRA
    if long_beat and abs(rr / 2.0 - median) < th2:
        return ArtifactKind.MISSED
    return ArtifactKind.LONGSHORT


def _classify(j: int, drrs, mrrs, s12, s22, rr, medrr, th2) -> tuple[int, ArtifactKind] | None:
    """Classify beat ``j`` (whose ``|drrs|`` exceeds 1); return (beat, kind) or None.

    Needs ``j + 2`` to exist. May return ``j + 1`` when the next beat is the long/short one.
    """
    if _is_ectopic(drrs[j], s12[j], drrs[j + 1], s12[j + 1]):
        return j, ArtifactKind.ECTOPIC
    candidates = [j]
    if abs(drrs[j + 1]) < abs(drrs[j + 2]):
        candidates.append(j + 1)
    for k in candidates:
        rr_next = rr[k + 1] if k + 1 < len(rr) else None
        kind = _long_short_kind(drrs[k], s22[k], mrrs[k], rr[k], rr_next, medrr[k], th2[k])
        if kind is not None:
            return k, kind
    return None


def _subspaces(drrs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """s12 and s22 of the paper, with the series reflected at both ends."""
    pad = np.pad(drrs, 2, mode="reflect") if len(drrs) > 2 else np.pad(drrs, 2, mode="edge")
    prev, nxt, nxt2 = pad[1:-3], pad[3:-1], pad[4:]
    s12 = np.where(drrs > 0, np.maximum(prev, nxt), np.where(drrs < 0, np.minimum(prev, nxt), 0.0))
    s22 = np.where(drrs >= 0, np.minimum(nxt, nxt2), np.maximum(nxt, nxt2))
    return s12, s22


def detect(rr_ms: np.ndarray) -> dict[int, ArtifactKind]:
    """Artefacts in one gap-free run of RR intervals (ms): beat index -> kind.

    Index ``j`` is the interval ``rr_ms[j]``, which ends at beat ``j``. The first interval has no
    known predecessor, so its difference counts as zero.
    """
    return _detect(np.asarray(rr_ms, dtype=np.float64))[0]


def _detect(rr: np.ndarray) -> tuple[dict[int, ArtifactKind], np.ndarray]:
    """:func:`detect`, also returning the running median of RR (ms)."""
    n = len(rr)
    if n < 4:
        return {}, rr.copy()
    drr = np.empty(n)
    drr[0] = 0.0
    drr[1:] = np.diff(rr)
    th1 = ALPHA * _rolling_quartile_deviation(np.abs(drr), THRESHOLD_WINDOW, THRESHOLD_STRIDE)
    drrs = np.divide(drr, th1, out=np.zeros(n), where=th1 > 0)
    medrr = _rolling_median(rr, MEDIAN_WINDOW)
    mrr = rr - medrr
    mrr[mrr < 0] *= 2.0
    th2 = ALPHA * _rolling_quartile_deviation(np.abs(mrr), THRESHOLD_WINDOW, THRESHOLD_STRIDE)
    mrrs = np.divide(mrr, th2, out=np.zeros(n), where=th2 > 0)
    s12, s22 = _subspaces(drrs)

    found: dict[int, ArtifactKind] = {}
    resume = 0
    for j in np.flatnonzero(np.abs(drrs) > 1):
        j = int(j)
        if j < resume or j >= n - 2:
            continue
        hit = _classify(j, drrs, mrrs, s12, s22, rr, medrr, th2)
        if hit is not None:
            found[hit[0]] = hit[1]
            if hit[1] in _PAIRED:
                resume = hit[0] + 2
    return found, medrr


def correct_run(
    rr_ms: np.ndarray, times_s: np.ndarray, found: dict[int, ArtifactKind], median_ms: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Apply corrections to one gap-free run; return corrected (rr ms, beat times s).

    ``median_ms`` is the running median of RR, which replaces a long or short interval.
    """
    rr = np.asarray(rr_ms, dtype=np.float64).copy()
    times = np.asarray(times_s, dtype=np.float64).copy()
    n = len(rr)
    counts = np.ones(n, dtype=np.intp)
    split = []
    for j, kind in sorted(found.items()):
        if kind is ArtifactKind.EXTRA and j + 1 < n:
            rr[j + 1] += rr[j]
            counts[j] = 0
        elif kind is ArtifactKind.MISSED:
            counts[j] = 2
            split.append(j)
        elif kind is ArtifactKind.ECTOPIC and 0 < j < n - 1:
            mean = (rr[j] + rr[j + 1]) / 2.0
            times[j] += (mean - rr[j]) / 1000.0
            rr[j] = rr[j + 1] = mean
        elif kind is ArtifactKind.LONGSHORT:
            rr[j] = median_ms[j]
    new_times = times.copy()
    for j in split:
        new_times[j] = times[j] - rr[j] / 2000.0
        rr[j] /= 2.0
    out_rr = np.repeat(rr, counts)
    out_t = np.repeat(new_times, counts)
    # the second copy of a split interval ends at the original beat
    second = np.cumsum(counts) - 1
    out_t[second[counts == 2]] = times[counts == 2]
    return out_rr, out_t


def correct(times_s: np.ndarray, rr_ms: np.ndarray, segment_start: np.ndarray) -> CorrectedBeats:
    """Detect and correct artefacts in a whole recording, segment by segment.

    Up to :data:`MAX_PASSES` passes run until one finds nothing. Reported times are the session
    times of the flagged beats as they were before correction.
    """
    from biofeedback.core.hrv import segment_bounds

    times = np.asarray(times_s, dtype=np.float64)
    rr = np.asarray(rr_ms, dtype=np.float64)
    starts = np.asarray(segment_start, dtype=bool)
    found_times: dict[ArtifactKind, list[float]] = {kind: [] for kind in ArtifactKind}
    out_t, out_rr, out_s = [], [], []
    for s, e in segment_bounds(starts):
        seg_rr, seg_t = rr[s:e], times[s:e]
        for _ in range(MAX_PASSES):
            found, median = _detect(seg_rr)
            if not found:
                break
            for j, kind in found.items():
                found_times[kind].append(float(seg_t[j]))
            seg_rr, seg_t = correct_run(seg_rr, seg_t, found, median)
        out_rr.append(seg_rr)
        out_t.append(seg_t)
        flags = np.zeros(len(seg_rr), dtype=bool)
        flags[:1] = starts[s] if s > 0 else True
        out_s.append(flags)
    report = ArtifactReport({kind: tuple(sorted(v)) for kind, v in found_times.items()})
    if not out_rr:
        empty = np.empty(0)
        return CorrectedBeats(empty, empty, np.empty(0, dtype=bool), report)
    return CorrectedBeats(np.concatenate(out_t), np.concatenate(out_rr), np.concatenate(out_s), report)


# --------------------------------------------------------------------------- live


@dataclass(frozen=True, slots=True)
class CausalDecision:
    """The live detector's verdict on one beat.

    Attributes
    ----------
    age : int
        Which beat, counted back from the newest (0 = newest, 2 = two beats earlier).
    kind : ArtifactKind or None
        Final class, or None if the beat is normal.
    provisional : bool
        True for a verdict on the newest beat that the next two beats may revise.
    median_ms : float or None
        The running median of RR, ms, which replaces a long or short interval.
    """

    age: int
    kind: ArtifactKind | None
    provisional: bool
    median_ms: float | None = None


class _RunningQuartiles:
    """Quartile deviation of the last ``size`` values, kept sorted (bisect: microseconds, no numpy)."""

    def __init__(self, size: int) -> None:
        self._order: deque[float] = deque()
        self._sorted: list[float] = []
        self._size = size

    def __len__(self) -> int:
        return len(self._order)

    def push(self, value: float) -> None:
        if len(self._order) == self._size:
            old = self._order.popleft()
            del self._sorted[bisect.bisect_left(self._sorted, old)]
        self._order.append(value)
        bisect.insort(self._sorted, value)

    def newest(self) -> float:
        return self._order[-1]

    def deviation(self) -> float:
        """(Q3 - Q1) / 2 of the values held."""
        return _quartile_deviation(self._sorted)


class CausalDetector:
    """The Lipponen-Tarvainen rules on past beats only, for live use.

    Thresholds are the quartile deviations of the last :data:`THRESHOLD_WINDOW` beats and the
    median runs over the last :data:`MEDIAN_WINDOW` (both end at the newest beat); a beat's class
    is final when two more beats have arrived (the rules look two beats ahead). The newest beat
    is provisionally suspect when it jumps past the difference threshold *and* lies more than
    :data:`MRRS_LIMIT` thresholds from the median.
    """

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        """Forget everything (after a gap: the next beat has no known predecessor)."""
        self._rr: deque[float] = deque(maxlen=MEDIAN_WINDOW)
        self._drr = _RunningQuartiles(THRESHOLD_WINDOW)
        self._mrr = _RunningQuartiles(THRESHOLD_WINDOW)
        self._count = 0
        self._skip = 0  # beats not to judge after a flagged one (its echo)

    def push(self, rr_ms: float) -> tuple[CausalDecision | None, CausalDecision | None]:
        """Add the newest interval, ms.

        Returns the final verdict on the beat two back (None while warming up) and a provisional
        verdict on the newest beat.
        """
        rr = self._rr
        rr.append(float(rr_ms))
        self._count += 1
        if len(rr) >= 2:
            self._drr.push(abs(rr[-1] - rr[-2]))
        ordered = sorted(rr)
        mid = len(ordered) // 2
        median = ordered[mid] if len(ordered) % 2 else 0.5 * (ordered[mid - 1] + ordered[mid])
        dev = rr[-1] - median
        self._mrr.push(-2.0 * dev if dev < 0 else dev)
        if self._count < CAUSAL_WARMUP:
            return None, None
        th1 = ALPHA * self._drr.deviation()
        th2 = ALPHA * self._mrr.deviation()
        if th1 <= 0 or th2 <= 0:
            return None, None

        # beats j-2 .. j+2 around the judged beat j (two back from the newest); the next beat as
        # a long/short candidate is judged on the next push, when it is two back itself
        r = [rr[-5], rr[-4], rr[-3], rr[-2], rr[-1]]
        d = [0.0] + [(r[i] - r[i - 1]) / th1 for i in range(1, 5)]
        kind = None
        if self._skip:
            self._skip -= 1
        elif abs(d[2]) > 1:
            s12 = max(d[1], d[3]) if d[2] > 0 else min(d[1], d[3])
            s12_next = max(d[2], d[4]) if d[3] > 0 else min(d[2], d[4])
            if _is_ectopic(d[2], s12, d[3], s12_next):
                kind = ArtifactKind.ECTOPIC
            else:
                s22 = min(d[3], d[4]) if d[2] >= 0 else max(d[3], d[4])
                dev = r[2] - median
                mrrs = (-2.0 * dev if dev < 0 else dev) / th2
                kind = _long_short_kind(d[2], s22, mrrs, r[2], r[3], median, th2)
            if kind in _PAIRED:
                self._skip = 1
        suspect = abs(d[4]) > 1 and self._mrr.newest() > MRRS_LIMIT * th2
        return CausalDecision(2, kind, False, median), CausalDecision(0, ArtifactKind.LONGSHORT if suspect else None, True)
