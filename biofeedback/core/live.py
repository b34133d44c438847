"""Live metrics: what the screens show while a session runs, updated on every beat.

:class:`LiveAnalyzer` takes beats as they arrive (from :class:`~biofeedback.core.timeline.BeatBatch`)
and returns a :class:`LiveMetrics` snapshot. It corrects artefacts causally
(:class:`~biofeedback.core.artifacts.CausalDetector`: a beat's class is final two beats later,
so the last two beats may still be revised), keeps the corrected beats of the current segment in
a preallocated buffer, and computes every metric from that buffer. After a gap it starts a new
segment: nothing that needs continuity (RMSSD, coherence, swing) spans the gap.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from biofeedback.core import coherence as coh
from biofeedback.core.artifacts import THRESHOLD_WINDOW, ArtifactKind, CausalDetector
from biofeedback.core.pacer import PacerSettings
from biofeedback.core.timeline import BeatBatch

#: Time constant of the display heart rate's exponential smoother (weights exp(-age / tau) over
#: the beats of the last 6 tau), s. Beat-to-beat heart rate jitters by a few beats/min; the breath
#: wave it rides on has a period of 4-15 s. With 1 s, jitter shrinks by a third, a 0.1 Hz wave
#: keeps 86 % of its height and is delayed by 0.5 s more than the raw beat series (a twentieth of
#: a 10-s breath), measured in tests/test_live.py. A moving average over a breath would hide the
#: very wave the person is learning to grow; a shorter tau hardly calms anything at one beat/s.
HR_SMOOTHING_TAU_S = 1.0

#: Beats older than this many time constants no longer count towards the smoothed heart rate.
_HR_KERNEL_TAUS = 6.0

#: Window of the rolling RMSSD, s (ultra-short RMSSD is usable from about 60 s).
RMSSD_WINDOW_S = 60.0

#: Shortest span of beats before a rolling RMSSD is shown, s.
RMSSD_MIN_S = 30.0

#: Window over which the artefact share and times are reported, s.
ARTIFACT_WINDOW_S = 120.0

#: Beats fed before the longest window when priming: twice the detector's threshold window, after
#: which its running quartiles, median and skip state are those of the full run.
_PRIME_MARGIN_BEATS = 2 * THRESHOLD_WINDOW

#: Beats the buffer holds before it compacts (about 17 minutes at 120 beats/min).
_CAPACITY = 2048

#: Beats kept when compacting: more than the longest window above at 240 beats/min.
_KEEP = 1024


@dataclass(frozen=True, slots=True)
class LiveMetrics:
    """A snapshot of the live pipeline after one beat.

    Every value is None until enough data exists to compute it honestly.

    Attributes
    ----------
    t : float
        Session time of the newest beat, s.
    hr_bpm : float or None
        Smoothed heart rate for display, beats/min.
    rmssd_ms : float or None
        RMSSD over the rolling window, ms.
    coherence : float or None
        Coherence ratio (McCraty et al. 2009) over the last 64 s.
    coherence_level : str or None
        "low", "medium" or "high".
    hr_swing_bpm : float or None
        Heart-rate swing (peak to trough) over the last breath, beats/min.
    breathing_compliance : float or None
        How closely the heart rhythm follows the pacer, 0..1.
    artifact_pct : float
        Share of recent beats flagged as artefacts, percent.
    artifact_times : tuple of float
        Session times of recent beats flagged as artefacts, s (for marking the tachogram).
    spectrum_hz, spectrum_ms2_per_hz : numpy.ndarray or None
        The power spectrum behind the coherence value, for the supervisor's spectrum plot.
    coherence_peak_hz : float or None
        Frequency of the coherence peak, Hz (the heart rhythm's dominant slow oscillation).
    newest_suspect : bool
        The newest beat looks like an artefact; it is left out until the next beats confirm it.
    """

    t: float
    hr_bpm: float | None = None
    rmssd_ms: float | None = None
    coherence: float | None = None
    coherence_level: str | None = None
    hr_swing_bpm: float | None = None
    breathing_compliance: float | None = None
    artifact_pct: float = 0.0
    artifact_times: tuple[float, ...] = ()
    spectrum_hz: np.ndarray | None = None
    spectrum_ms2_per_hz: np.ndarray | None = None
    coherence_peak_hz: float | None = None
    newest_suspect: bool = False


def breathing_compliance(freqs_hz: np.ndarray, psd: np.ndarray, pacer_hz: float) -> float:
    """Share of the heart rhythm's 0.04-0.4 Hz power that lies within ±0.015 Hz of the pacer.

    1 means the heart rate oscillates only at the pacer's rate (a pure sine gives about 0.86,
    the Hann taper's skirts hold the rest); breathing at another rate gives a value near 0.
    Heart rate alone cannot measure breathing reliably, so this checks pacing, nothing more.
    """
    band = (freqs_hz >= coh.PEAK_BAND_HZ[0]) & (freqs_hz <= coh.TOTAL_BAND_HZ[1])
    near = band & (np.abs(freqs_hz - pacer_hz) <= coh.PEAK_WIDTH_HZ / 2.0)
    total = float(psd[band].sum())
    return float(psd[near].sum()) / total if total > 0 else 0.0


#: Beats whose median an unjudged beat is compared with, and the share of a jump from that
#: median (20 %, beyond a breath-to-breath change at rest) that holds the beat, and those after
#: it, out of the displayed heart rate until the detector has judged it (two beats later).
_JUMP_CONTEXT = 5
_JUMP_SHARE = 0.2


class LiveAnalyzer:
    """Turns arriving beats into :class:`LiveMetrics`, in well under a millisecond per update.

    Parameters
    ----------
    pacer : PacerSettings or None
        The breathing pacer the person follows, for the per-breath swing and compliance;
        change it with :meth:`set_pacer`.
    """

    def __init__(self, pacer: PacerSettings | None = None) -> None:
        self._t = np.empty(_CAPACITY)
        self._rr = np.empty(_CAPACITY)
        self._n = 0
        self._seg = 0  # buffer index of the current segment's first beat
        self._detector = CausalDetector()
        self._artifacts: deque[float] = deque()
        self._suspect = False
        self._pending: list[int] = []  # ages (0 = newest) of suspect beats not yet judged
        self._pacer_period_s: float | None = None
        self.set_pacer(pacer)

    def set_pacer(self, settings: PacerSettings | None) -> None:
        """The pacer now running (None: free breathing)."""
        self._pacer_period_s = None if settings is None else settings.period_s

    # ---- input

    def prime(self, times_s: np.ndarray, rr_ms: np.ndarray, segment_start: np.ndarray) -> LiveMetrics | None:
        """Start mid-recording: the state after these beats were fed one by one (the pacer is
        kept). Returns the metrics after the last beat, or None without beats.

        Only the beats that can still change what is shown are fed: those of the last
        :data:`ARTIFACT_WINDOW_S` (the longest window) and :data:`_PRIME_MARGIN_BEATS` before
        them, by which the detector's windows hold exactly what they held in the full run.
        """
        times = np.asarray(times_s, dtype=np.float64)
        rr = np.asarray(rr_ms, dtype=np.float64)
        starts = np.asarray(segment_start, dtype=bool)
        period = self._pacer_period_s
        self.__init__()
        self._pacer_period_s = period
        if not len(times):
            return None
        first = max(int(np.searchsorted(times, times[-1] - ARTIFACT_WINDOW_S)) - _PRIME_MARGIN_BEATS, 0)
        for t, r, s in zip(times[first:].tolist(), rr[first:].tolist(), starts[first:].tolist()):
            self._add_beat(t, r, s)
        return self._metrics()

    def add_batch(self, batch: BeatBatch) -> LiveMetrics | None:
        """Add a :class:`~biofeedback.core.timeline.BeatBatch`; None if it holds no beats."""
        return self.update(batch.times, batch.rr_ms, new_segment=batch.gap is not None)

    def update(self, times_s: Sequence[float], rr_ms: Sequence[float], new_segment: bool = False) -> LiveMetrics | None:
        """Add beats (session times s, RR ms); ``new_segment``: a gap lies before the first.

        Returns the metrics after the last of them, or None if there were none.
        """
        if not len(times_s):
            return None
        for i, (t, rr) in enumerate(zip(times_s, rr_ms)):
            self._add_beat(float(t), float(rr), new_segment and i == 0)
        return self._metrics()

    def _add_beat(self, t: float, rr: float, new_segment: bool) -> None:
        if self._n == _CAPACITY:
            drop = _CAPACITY - _KEEP
            self._t[:_KEEP] = self._t[drop:]
            self._rr[:_KEEP] = self._rr[drop:]
            self._n = _KEEP
            self._seg = max(self._seg - drop, 0)
        if new_segment or self._n == 0:
            self._detector.reset()
            self._seg = self._n
            self._pending = []
        self._t[self._n] = t
        self._rr[self._n] = rr
        self._n += 1
        final, provisional = self._detector.push(rr)
        self._pending = [age + 1 for age in self._pending if age + 1 < 2]
        if final is not None and final.kind is not None:
            self._correct(self._n - 1 - final.age, final.kind, final.median_ms)
        self._suspect = provisional is not None and provisional.kind is not None
        if self._suspect:
            self._pending.append(0)

    def _correct(self, j: int, kind: ArtifactKind, median_ms: float | None) -> None:
        """Correct beat ``j`` of the buffer (two before the newest) as the batch correction does."""
        t, rr, n = self._t, self._rr, self._n
        self._artifacts.append(float(t[j]))
        if kind is ArtifactKind.EXTRA:
            rr[j + 1] += rr[j]
            t[j : n - 1] = t[j + 1 : n].copy()
            rr[j : n - 1] = rr[j + 1 : n].copy()
            self._n -= 1
        elif kind is ArtifactKind.MISSED:
            if n == _CAPACITY:
                return
            t[j + 1 : n + 1] = t[j:n].copy()
            rr[j + 1 : n + 1] = rr[j:n].copy()
            half = rr[j] / 2.0
            rr[j] = rr[j + 1] = half
            t[j] = t[j + 1] - half / 1000.0
            self._n += 1
        elif kind is ArtifactKind.LONGSHORT and median_ms is not None:
            rr[j] = median_ms
        else:
            mean = (rr[j] + rr[j + 1]) / 2.0
            t[j] += (mean - rr[j]) / 1000.0
            rr[j] = rr[j + 1] = mean

    # ---- output

    def _metrics(self) -> LiveMetrics:
        # beats from the oldest unconfirmed suspect on are left out until the detector has judged it
        end = self._n - 1 - max(self._pending) if self._pending else self._n
        end = max(end, min(self._seg + 1, self._n))
        t = self._t[self._seg : end]
        rr = self._rr[self._seg : end]
        t_now = float(self._t[self._n - 1])

        while self._artifacts and self._artifacts[0] < t_now - ARTIFACT_WINDOW_S:
            self._artifacts.popleft()
        recent = self._n - int(np.searchsorted(self._t[: self._n], t_now - ARTIFACT_WINDOW_S))
        artifact_times = tuple(self._artifacts) + tuple(float(self._t[self._n - 1 - age]) for age in sorted(self._pending, reverse=True))
        artifact_pct = 100.0 * len(artifact_times) / max(recent, 1)

        hr = None
        hr_t, hr_rr = t, rr
        for back in (2, 1):  # the beats the detector has not judged yet
            if len(rr) > _JUMP_CONTEXT + back:
                before = np.median(rr[-_JUMP_CONTEXT - back : -back])
                if abs(rr[-back] - before) > _JUMP_SHARE * before:
                    # a sudden jump waits for the detector's verdict before it moves the number
                    hr_t, hr_rr = t[:-back], rr[:-back]
                    break
        if len(hr_rr):
            first = int(np.searchsorted(hr_t, hr_t[-1] - _HR_KERNEL_TAUS * HR_SMOOTHING_TAU_S))
            weights = np.exp((hr_t[first:] - hr_t[-1]) / HR_SMOOTHING_TAU_S)
            hr = float(weights @ (60000.0 / hr_rr[first:]) / weights.sum())

        rmssd = None
        if len(rr) > 2 and t[-1] - t[0] >= RMSSD_MIN_S:
            first = int(np.searchsorted(t, t[-1] - RMSSD_WINDOW_S))
            diffs = np.diff(rr[first:])
            rmssd = float(math.sqrt(float(diffs @ diffs) / len(diffs))) if len(diffs) else None

        result = coh.coherence(t, rr) if len(rr) >= 8 else None
        if result is not None and not math.isfinite(result.ratio):
            result = None  # no variability at all in the window: coherence is undefined
        swing = None
        compliance = None
        if result is not None:
            period = self._pacer_period_s or (1.0 / result.peak_hz)
            if self._pacer_period_s is not None:
                compliance = breathing_compliance(result.freqs_hz, result.psd_ms2_per_hz, 1.0 / self._pacer_period_s)
        else:
            period = self._pacer_period_s
        # the swing only over beats the detector has judged (two behind the newest): one premature
        # beat would otherwise double it for a moment
        judged = max(min(len(rr), self._n - 2 - self._seg), 1)
        tj, rrj = t[:judged], rr[:judged]
        if period is not None and len(rrj) and tj[-1] - (tj[0] - rrj[0] / 1000.0) >= period:
            first = int(np.searchsorted(tj, tj[-1] - period))
            hr_breath = 60000.0 / rrj[first:]
            swing = float(hr_breath.max() - hr_breath.min())

        return LiveMetrics(
            t=t_now,
            hr_bpm=hr,
            rmssd_ms=rmssd,
            coherence=None if result is None else result.ratio,
            coherence_level=None if result is None else coh.level(result.ratio),
            hr_swing_bpm=swing,
            breathing_compliance=compliance,
            artifact_pct=artifact_pct,
            artifact_times=artifact_times,
            spectrum_hz=None if result is None else result.freqs_hz,
            spectrum_ms2_per_hz=None if result is None else result.psd_ms2_per_hz,
            coherence_peak_hz=None if result is None else result.peak_hz,
            newest_suspect=self._suspect,
        )
