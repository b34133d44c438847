"""Live metrics: what the screens show while a session runs, updated on every beat.

:class:`LiveAnalyzer` takes beats as they arrive (from :class:`~biofeedback.core.timeline.BeatBatch`)
and returns a :class:`LiveMetrics` snapshot. It judges artefacts causally
(:class:`~biofeedback.core.artifacts.CausalDetector`, the batch rules on past beats: a beat's
class is final a few beats later) and corrects them with the batch primitive
(:func:`~biofeedback.core.artifacts.correct_beats`), then computes every metric from the
corrected beats of the last minute. After a gap it starts a new segment: nothing that needs
continuity (RMSSD, coherence, swing) spans the gap.

Everything it shows after a beat depends only on the beats of the last :data:`HISTORY_S`
seconds and the :data:`~biofeedback.core.artifacts.CAUSAL_HISTORY_BEATS` before them, so
:meth:`LiveAnalyzer.prime` can start it anywhere in a recording (review at the playhead) in
exactly the state it would have reached by running from the start.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from biofeedback.core import coherence as coh
from biofeedback.core.artifacts import (
    CAUSAL_DELAY,
    CAUSAL_HISTORY_BEATS,
    CODES,
    ArtifactKind,
    CausalDetector,
    correct_beats,
    further_passes,
)
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

#: The longest look-back of any live value, s: the artefact share and times. Beats older than
#: this (and the :data:`~biofeedback.core.artifacts.CAUSAL_HISTORY_BEATS` the detector needed to
#: judge the oldest of them) change nothing the analyser shows.
HISTORY_S = ARTIFACT_WINDOW_S

#: The span of beats corrected for the metrics on each beat, s: the coherence window (64 s, the
#: longest metric window) plus :data:`_SPAN_MARGIN_BEATS` beats, so that the spline of the
#: coherence window and any correction at its start have their neighbours.
_SPAN_S = coh.WINDOW_S
_SPAN_MARGIN_BEATS = 6

#: Beats of context on either side of the verdicts when they are corrected live: the further
#: pass looks RESIDUE_REACH beats around a correction and its rules see about six beats around
#: each (median, differences, subspaces), so a correction's result depends on no beat farther.
_CONTEXT_BEATS = 12

#: Beats the buffer holds before it compacts (about 17 minutes at 120 beats/min).
_CAPACITY = 2048

#: Beats kept when compacting: more than :data:`HISTORY_S` at 300 beats/min (RR_MIN_MS).
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


#: Beats on either side of a moved beat left out of the swing and, while others are at hand, of
#: the shown heart rate; the swing also waits this many beats for the verdicts next to a beat.
_GUARD_BEATS = 2


#: Beats whose median an unjudged beat is compared with, and the share of a jump from that
#: median (20 %, beyond a breath-to-breath change at rest) that holds the beat, and those after
#: it, out of the displayed heart rate until the detector has judged it (CAUSAL_DELAY beats later).
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
        self._pacer_period_s: float | None = None
        self.set_pacer(pacer)
        self._clear()

    def _clear(self) -> None:
        self._t = np.empty(_CAPACITY)
        self._rr = np.empty(_CAPACITY)
        self._code = np.zeros(_CAPACITY, dtype=np.int8)  # final class of each beat (artifacts.CODES)
        self._suspect = np.zeros(_CAPACITY, dtype=bool)  # provisional flag on arrival
        self._th1 = np.zeros(_CAPACITY)  # the detector's thresholds when it judged each flagged beat, ms
        self._th2 = np.zeros(_CAPACITY)
        self._span_key: tuple | None = None  # the corrected span around the verdicts (_corrected)
        self._span: tuple = ()
        self._n = 0
        self._seg = 0  # buffer index of the current segment's first beat
        self._detector = CausalDetector()

    def set_pacer(self, settings: PacerSettings | None) -> None:
        """The pacer now running (None: free breathing)."""
        self._pacer_period_s = None if settings is None else settings.period_s

    # ---- input

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

    def prime(self, times_s: np.ndarray, rr_ms: np.ndarray, segment_start: np.ndarray) -> None:
        """Start mid-recording: the state after ``times_s``/``rr_ms`` were fed beat by beat.

        ``segment_start`` marks the beats with a gap before them (as
        :meth:`~biofeedback.core.timeline.BeatTimeline.arrays` gives). Whatever was fed before is
        forgotten; the pacer is kept. Only the beats that can still change what the analyser shows
        are fed (the last :data:`HISTORY_S` s and the
        :data:`~biofeedback.core.artifacts.CAUSAL_HISTORY_BEATS` before them), without computing
        metrics, so a day of history costs a few milliseconds. The next :meth:`update` returns
        exactly what an analyser fed from the start would return.
        """
        times = np.asarray(times_s, dtype=np.float64)
        rr = np.asarray(rr_ms, dtype=np.float64)
        starts = np.asarray(segment_start, dtype=bool)
        self._clear()
        if not len(times):
            return
        first = max(int(np.searchsorted(times, times[-1] - HISTORY_S)) - CAUSAL_HISTORY_BEATS - 2, 0)
        for t, r, s in zip(times[first:].tolist(), rr[first:].tolist(), starts[first:].tolist()):
            self._add_beat(t, r, s)

    def _add_beat(self, t: float, rr: float, new_segment: bool) -> None:
        if self._n == _CAPACITY:
            drop = _CAPACITY - _KEEP
            for buffer in (self._t, self._rr, self._code, self._suspect, self._th1, self._th2):
                buffer[:_KEEP] = buffer[drop:]
            self._n = _KEEP
            self._seg = max(self._seg - drop, 0)
        if new_segment or self._n == 0:
            self._detector.reset()
            self._seg = self._n
        n = self._n
        self._t[n] = t
        self._rr[n] = rr
        self._code[n] = 0
        decision = self._detector.push(rr)
        self._suspect[n] = decision.suspect
        self._n = n + 1
        if decision.kind is not None:
            self._code[n - CAUSAL_DELAY] = CODES[decision.kind]
            self._th1[n - CAUSAL_DELAY], self._th2[n - CAUSAL_DELAY] = self._detector.thresholds()

    # ---- output

    def _corrected(self, first: int, end: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """The beats of buffer[first:end] corrected: times, RR, the buffer index each came from,
        and whether each lies next to a moved beat.

        The batch primitive on the final verdicts, then the further passes around them, over the
        span from :data:`_CONTEXT_BEATS` before the first verdict in the window to as far after
        the last. That span's result depends only on its beats, verdicts and the thresholds of
        the verdict that closed it, so it is kept until they change (a new verdict, or the tail
        moving while it is within reach).
        """
        t_raw, rr_raw = self._t[first:end], self._rr[first:end]
        index = np.arange(first, end)
        flags = np.flatnonzero(self._code[first:end])
        if not len(flags):
            return t_raw, rr_raw, index, np.zeros(end - first, dtype=bool)
        a = max(self._seg, first + int(flags[0]) - _CONTEXT_BEATS)
        b = min(end, first + int(flags[-1]) + _CONTEXT_BEATS + 1)
        judged = min(max(self._n - CAUSAL_DELAY - a, 0), b - a)
        codes = self._code[a:b]
        key = (float(self._t[a]), float(self._t[b - 1]), judged, codes.tobytes())
        if key != self._span_key:
            last_flag = a + int(np.flatnonzero(codes)[-1])
            ct, crr, counts = correct_beats(self._t[a:b], self._rr[a:b], codes)
            moved = (codes == CODES[ArtifactKind.ECTOPIC]) | (codes == CODES[ArtifactKind.LONGSHORT])
            guard = np.convolve(moved, np.ones(2 * _GUARD_BEATS + 1), mode="same") > 0
            tags = np.repeat(np.column_stack([np.arange(a, b), guard]), counts, axis=0)
            thresholds = (float(self._th1[last_flag]), float(self._th2[last_flag]))
            ct, crr, _, tags = further_passes(ct, crr, np.repeat(codes, counts), int(counts[:judged].sum()), thresholds, tags)
            self._span_key, self._span = key, (ct, crr, tags[:, 0], tags[:, 1] > 0)
        ct, crr, origin, guard = self._span
        keep = origin >= first
        before, after = slice(0, max(a - first, 0)), slice(b - first, end - first)
        return (
            np.concatenate((t_raw[before], ct[keep], t_raw[after])),
            np.concatenate((rr_raw[before], crr[keep], rr_raw[after])),
            np.concatenate((index[before], origin[keep], index[after])),
            np.concatenate((np.zeros(before.stop, dtype=bool), guard[keep], np.zeros(end - b, dtype=bool))),
        )

    def _metrics(self) -> LiveMetrics:
        n, seg = self._n, self._seg
        t_now = float(self._t[n - 1])
        # suspect beats the detector has not judged yet, and the beats after them, are left out of
        # the metrics until it has
        pending = [i for i in range(max(n - CAUSAL_DELAY, seg), n) if self._suspect[i]]
        end = max(pending[0] if pending else n, min(seg + 1, n))

        window_start = int(np.searchsorted(self._t[:n], t_now - ARTIFACT_WINDOW_S))
        flagged = np.flatnonzero(self._code[window_start:n]) + window_start
        artifact_times = tuple(self._t[flagged].tolist()) + tuple(float(self._t[i]) for i in pending)
        artifact_pct = 100.0 * len(artifact_times) / max(n - window_start, 1)

        # the corrected beats of the last minute or so: the batch correction on the final verdicts
        # (the span ends at the last beat shown, which a suspect beat may hold back from the newest)
        first = int(np.searchsorted(self._t[seg:end], float(self._t[end - 1]) - _SPAN_S)) + seg - _SPAN_MARGIN_BEATS
        first = max(first, seg)
        t, rr, origin, guard = self._corrected(first, end)
        # beats up to CAUSAL_DELAY before the newest are judged; the swing also waits for the
        # verdicts on the beats next to them, and leaves out the beats near a moved one (ectopic,
        # long/short): moving a beat shares its error with its neighbours, and a premature beat can
        # leave a smaller pair that would set a breath's peak or trough (a missed or extra beat is
        # fixed exactly and needs no guard)
        judged = max(int(np.searchsorted(origin, n - CAUSAL_DELAY)), 1)
        near = guard  # left out of the shown heart rate while others are at hand
        unsettled = guard | (origin >= n - CAUSAL_DELAY - _GUARD_BEATS)  # left out of the swing

        hr = None
        hr_t, hr_rr = t, rr
        for back in range(min(CAUSAL_DELAY + _GUARD_BEATS, n - seg), 0, -1):  # not judged yet, with neighbours
            if len(rr) > _JUMP_CONTEXT + back:
                before = sorted(rr[-_JUMP_CONTEXT - back : -back].tolist())[_JUMP_CONTEXT // 2]
                if abs(rr[-back] - before) > _JUMP_SHARE * before:
                    # a sudden jump waits for the detector's verdict before it moves the number
                    hr_t, hr_rr = t[:-back], rr[:-back]
                    break
        if len(hr_rr):
            first = int(np.searchsorted(hr_t, hr_t[-1] - _HR_KERNEL_TAUS * HR_SMOOTHING_TAU_S))
            weights = np.exp((hr_t[first:] - hr_t[-1]) / HR_SMOOTHING_TAU_S)
            clear = ~near[first : len(hr_rr)]
            if clear.any():  # the beats next to a correction count only when nothing else is there
                weights = weights * clear
            hr = float(weights @ (60000.0 / hr_rr[first:]) / weights.sum())

        rmssd = None
        if len(rr) > 2 and t[-1] - t[0] >= RMSSD_MIN_S:
            first = int(np.searchsorted(t, t[-1] - RMSSD_WINDOW_S))
            diffs = np.diff(rr[first:])
            rmssd = float(math.sqrt(float(diffs @ diffs) / len(diffs))) if len(diffs) else None

        result = coh.coherence(t, rr)
        if result is not None and math.isnan(result.ratio):
            result = None  # no variability at all in the window: coherence is undefined
        swing = None
        compliance = None
        if result is not None:
            period = self._pacer_period_s or (1.0 / result.peak_hz)
            if self._pacer_period_s is not None:
                compliance = breathing_compliance(result.freqs_hz, result.psd_ms2_per_hz, 1.0 / self._pacer_period_s)
        else:
            period = self._pacer_period_s
        # the swing only over beats the detector has judged, with their neighbours: one premature
        # beat would otherwise double it for a moment
        tj, rrj = t[:judged], rr[:judged]
        if period is not None and len(rrj) and tj[-1] - (tj[0] - rrj[0] / 1000.0) >= period:
            first = int(np.searchsorted(tj, tj[-1] - period))
            hr_breath = 60000.0 / rrj[first:][~unsettled[first:judged]]
            if len(hr_breath):
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
            newest_suspect=bool(self._suspect[n - 1]) and n - 1 >= seg,
        )
