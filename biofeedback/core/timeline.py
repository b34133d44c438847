"""Beat times rebuilt from RR intervals, with lost notifications marked as gaps.

A strap notifies about once a second with the RR intervals of the beats since its last
notification. The arrival time of a notification says little about when its beats happened,
so beat times are rebuilt as a cumulative sum of the intervals themselves, anchored to the clock
only where the sum and the clock disagree:

- the beats of a notification happened after the previous notification was sent; if their
  rebuilt end lies more than :data:`GAP_TOLERANCE_S` before it, intervals were lost: a gap is
  recorded and the new beats are anchored to the arrival time (no beats are invented);
- rebuilt times may not run ahead of the clock: if they do, they are pulled back;
- otherwise they are nudged towards the clock by at most :data:`DRIFT_CORRECTION` of the
  reconstructed time, to absorb the strap's crystal drift.

Implausible intervals (outside :data:`RR_MIN_MS`..:data:`RR_MAX_MS`, including the 0 and 0xFFFF
some straps send) are artefacts: counted and returned, never turned into beats.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from biofeedback.core.constants import (
    DRIFT_CORRECTION,
    FUTURE_TOLERANCE_S,
    GAP_TOLERANCE_S,
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
        """Add one notification's intervals; return what it added."""
        valid = tuple(float(r) for r in sample.rr_ms if RR_MIN_MS <= r <= RR_MAX_MS)
        rejected = tuple(float(r) for r in sample.rr_ms if not RR_MIN_MS <= r <= RR_MAX_MS)
        self.rejected_rr_ms.extend(rejected)
        prev_arrival, self._prev_arrival = self._prev_arrival, sample.t
        if not valid:
            return BeatBatch(rejected_rr_ms=rejected)

        offsets = np.cumsum(valid) / 1000.0
        gap = None
        if self._last_beat is None or self._broken_at is not None:
            times = sample.t - offsets[-1] + offsets
            if self._last_beat is not None:
                gap = Gap(self._last_beat, max(self._last_beat, times[0] - offsets[0]))
            new_segment = True
        else:
            times = self._last_beat + offsets
            end = times[-1]
            if prev_arrival is not None and end < prev_arrival - GAP_TOLERANCE_S:
                times = sample.t - offsets[-1] + offsets
                gap = Gap(self._last_beat, max(self._last_beat, times[0] - offsets[0]))
                new_segment = True
            else:
                if end > sample.t + FUTURE_TOLERANCE_S:
                    shift = sample.t - end
                else:
                    shift = min(sample.t - end, DRIFT_CORRECTION * offsets[-1])
                times = times + max(shift, self._last_beat - times[0] + 1e-3)
                new_segment = False
        self._broken_at = None
        if gap is not None:
            self.gaps.append(gap)

        times_t = tuple(float(x) for x in times)
        self._times.extend(times_t)
        self._rr.extend(valid)
        self._segment_start.extend([new_segment] + [False] * (len(valid) - 1))
        self._last_beat = times_t[-1]
        self._cache = None
        return BeatBatch(times_t, valid, rejected, gap)

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
