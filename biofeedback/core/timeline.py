"""Beat times rebuilt from RR intervals, with lost notifications marked as gaps.

A strap notifies about once a second with the RR intervals of the beats since its last
notification. The arrival time of a notification says little about when its beats happened,
so beat times are rebuilt as a cumulative sum of the intervals themselves, anchored to the clock
only where the sum and the clock disagree:

- the beats of a notification happened after the previous notification was sent; if their
  rebuilt end lies more than :data:`GAP_TOLERANCE_S` before it, intervals were lost: a gap is
  recorded and the new beats are anchored to the arrival time (no beats are invented);
- rebuilt times may not run ahead of the clock: if they do, they are pulled back;
- if each of the last :data:`LAG_HISTORY` notifications arrived later than its newest beat, the
  rebuilt times move towards the clock by the smallest of those lags: the newest beat of some
  notification is usually just before it, so this absorbs the strap's crystal drift and any
  loss too small to see, without ever moving a beat past the clock.

Implausible intervals (outside :data:`RR_MIN_MS`..:data:`RR_MAX_MS`, including the 0 and 0xFFFF
some straps send) are artefacts: counted and returned, never turned into beats. From a strap, the
time they leave out shows as a gap when it passes :data:`GAP_TOLERANCE_S` (a pause over 3 s
always does). In plain RR text (:meth:`BeatTimeline.from_rr`), where every interval is the time
axis, each one becomes a gap: the next beat starts a new segment at its own time, never spliced
to the beat before.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from itertools import accumulate
from dataclasses import dataclass

import numpy as np

from biofeedback.core.constants import (
    FUTURE_TOLERANCE_S,
    GAP_TOLERANCE_S,
    LAG_HISTORY,
    RR_MAX_MS,
    RR_MIN_MS,
)
from biofeedback.core.samples import LinkState, Sample, SourceEvent, Status


@dataclass(frozen=True, slots=True)
class Gap:
    """An interval of session time with no usable beats, s."""

    start: float
    end: float

    @property
    def duration(self) -> float:
        return self.end - self.start


@dataclass(frozen=True, slots=True)
class BeatBatch:
    """What one sample added to the timeline.

    Attributes
    ----------
    times : tuple of float
        Session times of the new beats, s.
    rr_ms : tuple of float
        Their RR intervals, ms (each ends at the matching time).
    rejected_rr_ms : tuple of float
        Implausible intervals from the sample that did not become beats.
    gap : Gap or None
        The gap found before these beats, if any.
    """

    times: tuple[float, ...] = ()
    rr_ms: tuple[float, ...] = ()
    rejected_rr_ms: tuple[float, ...] = ()
    gap: Gap | None = None


class BeatTimeline:
    """Accumulates samples into beats (time, RR, segment start) and gaps."""

    def __init__(self) -> None:
        self._times: list[float] = []
        self._rr: list[float] = []
        self._segment_start: list[bool] = []
        self.gaps: list[Gap] = []
        self.rejected_rr_ms: list[float] = []
        self._last_beat: float | None = None
        self._prev_arrival: float | None = None
        self._broken_at: float | None = None
        self._spacings: deque[float] = deque(maxlen=15)
        self._lags: deque[float] = deque(maxlen=LAG_HISTORY)
        self._cache: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None

    def __len__(self) -> int:
        return len(self._times)

    def mark_break(self, t: float) -> None:
        """The link dropped at session time ``t``: the next beats start a new segment."""
        if self._last_beat is not None and self._broken_at is None:
            self._broken_at = t

    def add_event(self, event: SourceEvent) -> BeatBatch:
        """Feed any source event; samples add beats, link losses break the timeline."""
        if isinstance(event, Sample):
            return self.add(event)
        if isinstance(event, Status) and event.state in (LinkState.LOST, LinkState.RECONNECTING):
            self.mark_break(event.t)
        return BeatBatch()

    def add(self, sample: Sample) -> BeatBatch:
        """Add one notification's intervals; return what it added.

        Plain floats, not numpy: a notification carries 0-3 intervals, and a 24-hour session
        holds about 90 000 notifications to rebuild.
        """
        # list comprehensions, not generators: a day of notifications is rebuilt when a session
        # is opened for review (bench/bench_review.py)
        rr = sample.rr_ms
        valid = tuple([float(r) for r in rr if RR_MIN_MS <= r <= RR_MAX_MS])
        rejected = () if len(valid) == len(rr) else tuple([float(r) for r in rr if not RR_MIN_MS <= r <= RR_MAX_MS])
        if rejected:
            self.rejected_rr_ms.extend(rejected)
        t = sample.t
        prev_arrival, self._prev_arrival = self._prev_arrival, t
        if prev_arrival is not None:
            self._spacings.append(t - prev_arrival)
        if not valid:
            return BeatBatch(rejected_rr_ms=rejected)

        offsets = [x / 1000.0 for x in accumulate(valid)]
        total = offsets[-1]
        gap = None
        last = self._last_beat
        if last is None or self._broken_at is not None:
            start = t - total
            if last is not None:
                gap = Gap(last, max(last, start))
        else:
            start = last
            lag = t - (last + total)
            # The newest beat happened after the previous notification was sent; the previous
            # one may itself be lost, so expect it one usual spacing ago at the latest.
            spacings = sorted(self._spacings)
            usual = spacings[len(spacings) // 2]
            previous_sent = max(prev_arrival, t - usual)
            if last + total < previous_sent - GAP_TOLERANCE_S:
                start = t - total
                gap = Gap(last, max(last, start))
            else:
                lags = self._lags
                lags.append(lag)
                if lag < -FUTURE_TOLERANCE_S:
                    shift = lag  # never ahead of the clock
                elif len(lags) == lags.maxlen and min(lags) > 0:
                    # every recent notification came late: the strap's clock runs slow, or an
                    # undetectable loss shifted the rebuild; move towards the clock
                    shift = min(lags)
                else:
                    shift = 0.0
                shift = max(shift, 1e-3 - offsets[0])  # keep beats in order
                if shift:
                    start += shift
                    for i in range(len(lags)):
                        lags[i] -= shift
        if last is not None:
            start = max(start, last + 1e-3 - offsets[0])  # beats stay in order, even after a break
        self._broken_at = None
        if gap is not None:
            self.gaps.append(gap)
            self._lags.clear()

        times_t = tuple([start + x for x in offsets])
        self._times.extend(times_t)
        self._rr.extend(valid)
        self._segment_start.append(gap is not None or last is None)
        self._segment_start.extend([False] * (len(valid) - 1))
        self._last_beat = times_t[-1]
        self._cache = None
        return BeatBatch(times_t, valid, rejected, gap)

    @classmethod
    def from_rr(cls, rr_ms: np.ndarray) -> BeatTimeline:
        """A timeline of one RR series (plain RR text), the first beat at ``rr_ms[0]``.

        Every interval counts as time, so each beat sits where the file puts it. An implausible
        interval (outside :data:`RR_MIN_MS`..:data:`RR_MAX_MS`: a pause, a dropout, a spurious
        detection) becomes no beat and a gap: the next beat starts a new segment at its own
        time, as on a live strap, so nothing is spliced across it.
        """
        rr_ms = np.asarray(rr_ms, dtype=np.float64)
        ok = (rr_ms >= RR_MIN_MS) & (rr_ms <= RR_MAX_MS)
        timeline = cls()
        all_times = np.cumsum(rr_ms) / 1000.0
        valid, times = rr_ms[ok], all_times[ok]
        timeline.rejected_rr_ms = rr_ms[~ok].tolist()
        kept = np.flatnonzero(ok)
        starts = np.zeros(len(valid), dtype=bool)
        starts[:1] = True
        after_rejected = np.flatnonzero(np.diff(kept) > 1) + 1  # kept beats with rejected intervals before them
        starts[after_rejected] = True
        timeline.gaps = [
            Gap(float(times[i - 1]), float(times[i] - valid[i] / 1000.0)) for i in after_rejected.tolist()
        ]
        timeline._times, timeline._rr, timeline._segment_start = times.tolist(), valid.tolist(), starts.tolist()
        timeline._last_beat = float(times[-1]) if len(times) else None
        timeline._cache = (times, valid, starts)
        return timeline

    def arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """All beats as arrays: times (s), RR (ms), and whether each starts a segment."""
        if self._cache is None:
            self._cache = (
                np.array(self._times, dtype=np.float64),
                np.array(self._rr, dtype=np.float64),
                np.array(self._segment_start, dtype=bool),
            )
        return self._cache


def rebuild(events: Iterable[SourceEvent]) -> BeatTimeline:
    """Run recorded events through a fresh timeline, exactly as they were seen live."""
    timeline = BeatTimeline()
    for event in events:
        timeline.add_event(event)
    return timeline
