"""Resonance-frequency assessment and the structured session's comparison with its baseline.

The clinical method (Lehrer, Vaschillo & Vaschillo 2000; Shaffer & Meehan 2020): the person
breathes with a pacer at several rates (6.5 ... 4.5 breaths/min), a couple of minutes each; each
block is described by the published criteria, and the rate whose block shows the largest, cleanest
heart-rate wave in step with breathing is the person's resonance rate. docs/protocols.md gives the
criteria, the weights, the thresholds and the references; this module computes them.

Per block (:func:`block_criteria`), from the session's beats inside the block (after
:data:`SETTLE_S` seconds of settling into the new pace), corrected for artefacts
(:func:`~biofeedback.core.artifacts.correct`):

- peak-to-trough heart-rate swing per breath and the heart-rate/breathing phase, against the
  pacer's guided volume (:func:`~biofeedback.core.coupling.hr_breathing_coupling`);
- LF power (0.04-0.15 Hz), the LF peak's height and frequency, how far that lies from the
  breathing rate, and how many peaks the LF band holds, from one periodogram of the block
  (cubic spline at 4 Hz, linear detrend, Hann, zero-padded);
- the share of the spectrum's power at the pacer's frequency (did the heart follow the pacer?);
- the artefact share: beats corrected, plus premature beats the correction left.

:func:`decide` weighs the criteria of the usable blocks into one score each, and recommends the
best rate with its reason and runner-up, or declines, saying why, when the blocks cannot tell
(too many artefacts, breathing that did not follow the pacer, too little variability, or blocks
that do not separate). :func:`compare_phases` describes a structured session's phases against its
baseline. Pure numpy; time is passed in.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from typing import Any

import numpy as np

from biofeedback.core import artifacts, coherence, hrv, words
from biofeedback.core.coupling import hr_breathing_coupling, pacer_volume
from biofeedback.core.pacer import PacerSettings

#: Seconds at the start of each block left out of its criteria: heart rate needs a few breaths
#: to settle into a new pace (Lehrer et al. 2000 discard the first part of each block; the demo's
#: baroreflex loop settles within about two breaths).
SETTLE_S = 20.0

#: Resampling rate of the block spectrum, Hz, and its zero-padded length (0.001 Hz bins over a
#: 100-s block; the Hann main lobe is then +-2/T = +-0.02 Hz wide, drawn smoothly).
RESAMPLE_HZ = 4.0
NFFT = 4096

#: Half-width of the window around the pacer frequency whose power counts as "at the pacer", Hz:
#: the same +-0.015 Hz the live breathing compliance uses (core/live.py).
PACER_HALF_WIDTH_HZ = coherence.PEAK_WIDTH_HZ / 2.0

#: A block whose heart rhythm holds less than this share of its 0.0033-0.4 Hz power within
#: :data:`PACER_HALF_WIDTH_HZ` of the pacer, or whose LF peak lies farther than
#: :data:`FOLLOW_PEAK_HZ` from it, did not follow the pacer. A pure sine gives about 0.9 over a
#: 100-s block; the demo breathing with the pacer mostly 0.6-0.95 (down to 0.3 in a block far from
#: its resonance, where the heart answers weakly: such a block is left out, which costs little);
#: the demo ignoring the pacer (follow=0) 0.01-0.31, an hour of NSRDB at rest 0.06-0.32.
FOLLOW_SHARE = 0.4
FOLLOW_PEAK_HZ = 0.01

#: A block with more than this share of its beats corrected or left premature is not used, percent.
#: Kubios advises against trusting HRV values when more than about 5 % of beats needed correction;
#: the resonance criteria compare blocks that differ by 5-20 %, so they need cleaner data still.
ARTIFACT_LIMIT_PCT = 5.0

#: Fewest usable, followed blocks a recommendation is made from: the shape of the response across
#: rates is what the assessment reads (Shaffer & Meehan 2020: compare several rates, never one).
MIN_BLOCKS = 3

#: Below this largest swing, beats/min, the heart rate hardly answered any rate: a resting adult's
#: breath-to-breath swing at slow paced breathing is 10-20 beats/min (Lehrer et al. 2000,
#: Vaschillo et al. 2002); under 3 nothing can be read from its differences.
MIN_SWING_BPM = 3.0

#: The best block's score must lead the median of the other usable blocks by this much (scores run
#: 0..1), or the blocks do not separate and no rate stands out.
MIN_LEAD = 0.08

#: Local maxima of the LF spectrum at least this share of the highest count as peaks.
PEAK_SHARE_COUNTED = 0.5

#: How the criteria are weighed into a block's score (each criterion scaled 0..1 first; see
#: docs/protocols.md). Phase and swing first: resonance is the rate at which heart rate rises and
#: falls most, in step with the breath (Lehrer et al. 2000; Vaschillo et al. 2002), and Shaffer &
#: Meehan 2020 put phase synchrony and peak-to-trough swing first among their six criteria. The
#: phase is read across the blocks: heart rate leads breathing below resonance and lags above it,
#: so the rate where it comes into step lies where the phase crosses zero (:func:`in_step_rate`).
#: LF power and peak height follow the swing but also take up slow waves that are not breathing
#: (Mayer waves, drift), so they count less; one clean peak at the breathing rate and a clean
#: block break ties. Measured on 80 simulated people (bench/assessment_sweep.py, docs/protocols.md):
#: from the five coarse blocks the weighed criteria pick the set resonance for 90 %, the swing
#: alone 82 %, the phase crossing alone 85 %, LF power alone 80 %, LF peak height alone 80 %.
WEIGHTS = {
    "phase": 4.0,
    "swing": 2.0,
    "lf_power": 0.5,
    "lf_peak": 0.5,
    "peak_at_rate": 0.5,
    "single_peak": 0.5,
    "clean": 0.5,
}

#: Distance from the in-step rate at which the phase criterion scores 0, breaths/min; without a
#: crossing (resonance outside the rates tried) the phase scores 1 - |phase| / PHASE_SCALE_DEG.
IN_STEP_SCALE_BPM = 0.75
PHASE_SCALE_DEG = 90.0


@dataclass(frozen=True, slots=True)
class Block:
    """One block of paced breathing, as the runner ran it.

    ``start_s`` is when the block (last) began at this pace, ``end_s`` when it ended; the
    pacer's breaths began at ``pacer_start_s``.
    """

    rate_bpm: float
    start_s: float
    end_s: float
    pacer: PacerSettings
    pacer_start_s: float


@dataclass(frozen=True, slots=True)
class BlockCriteria:
    """The published criteria for one block (None where they could not be computed).

    Attributes
    ----------
    rate_bpm : the pacer's rate, breaths/min.
    start_s, end_s : the span measured (after settling), session s.
    beats : beats in that span.
    swing_bpm : mean peak-to-trough heart rate per breath, beats/min.
    phase_deg : heart rate's phase against breathing, degrees (0: in step; positive: leads).
    lf_power_ms2 : power 0.04-0.15 Hz, ms^2.
    lf_peak_hz : frequency of the highest LF bin, Hz; ``lf_peak_ms2_per_hz`` its height.
    peak_offset_bpm : distance of the LF peak from the breathing rate, breaths/min.
    lf_peaks : peaks in the LF band at least half as high as the highest.
    pacer_share : share of the 0.0033-0.4 Hz power within 0.015 Hz of the pacer, 0..1.
    artifact_pct : beats corrected or left premature, percent.
    followed : the heart rhythm followed the pacer (:data:`FOLLOW_SHARE`, :data:`FOLLOW_PEAK_HZ`).
    usable : clean and long enough to compare.
    score : the weighed criteria, 0..1 (None for blocks not compared).
    """

    rate_bpm: float
    start_s: float
    end_s: float
    beats: int
    swing_bpm: float | None
    phase_deg: float | None
    lf_power_ms2: float | None
    lf_peak_hz: float | None
    lf_peak_ms2_per_hz: float | None
    peak_offset_bpm: float | None
    lf_peaks: int
    pacer_share: float | None
    artifact_pct: float
    followed: bool
    usable: bool
    score: float | None = None

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        for key, value in out.items():
            if isinstance(value, float):
                out[key] = round(value, 4) if math.isfinite(value) else None
        return out


#: Why an assessment declined: stable codes for machines; the words are in core/words.py.
DECLINE_ARTIFACTS = "artifacts"
DECLINE_NOT_FOLLOWED = "not_followed"
DECLINE_LOW_VARIABILITY = "low_variability"
DECLINE_NO_SEPARATION = "no_separation"
DECLINE_TOO_SHORT = "too_short"


@dataclass(frozen=True, slots=True)
class Assessment:
    """The outcome: a recommended rate and its reason, or a reasoned refusal.

    ``recommended_bpm`` and ``runner_up_bpm`` are None when it declines (``declined`` is then
    one of the ``DECLINE_*`` codes).
    """

    recommended_bpm: float | None
    runner_up_bpm: float | None
    reason: str
    rates: tuple[BlockCriteria, ...]
    declined: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "recommended_bpm": self.recommended_bpm,
            "runner_up_bpm": self.runner_up_bpm,
            "reason": self.reason,
            "declined": self.declined,
            "rates": [r.to_dict() for r in self.rates],
            "settings": settings(),
        }


# --------------------------------------------------------------------------- one block


def _block_spectrum(times: np.ndarray, rr: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Periodogram of one gap-free run of beats: ms^2/Hz at :data:`NFFT` bins of 4 Hz."""
    x = hrv.linear_detrend(hrv.resample_rr(times, rr, RESAMPLE_HZ))
    window = hrv.hann(len(x))
    scale = 2.0 / (RESAMPLE_HZ * float(window @ window))
    psd = np.abs(np.fft.rfft(x * window, n=max(NFFT, len(x)))) ** 2 * scale
    return np.fft.rfftfreq(max(NFFT, len(x)), 1.0 / RESAMPLE_HZ), psd


def _longest_run(times: np.ndarray, rr: np.ndarray, starts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    bounds = hrv.segment_bounds(starts)
    if not bounds:
        return times[:0], rr[:0]
    s, e = max(bounds, key=lambda b: b[1] - b[0])
    return times[s:e], rr[s:e]


def block_criteria(times_s: np.ndarray, rr_ms: np.ndarray, segment_start: np.ndarray, block: Block, settle_s: float = SETTLE_S) -> BlockCriteria:
    """The criteria of one block from the session's beats (all of them; the block's are picked)."""
    t0, t1 = block.start_s + settle_s, block.end_s
    inside = (times_s > t0) & (times_s <= t1)
    times, rr = times_s[inside], rr_ms[inside]
    starts = np.asarray(segment_start[inside], dtype=bool).copy()
    if len(starts):
        starts[0] = True
    empty = BlockCriteria(block.rate_bpm, t0, t1, int(len(times)), None, None, None, None, None, None, 0, None, 0.0, False, False)
    if len(times) < 16:
        return empty
    fixed = artifacts.correct(times, rr, starts)
    report = fixed.report
    artifact_pct = 100.0 * (report.count + report.premature) / len(times)
    run_t, run_rr = _longest_run(fixed.times_s, fixed.rr_ms, fixed.segment_start)
    breathing_hz = block.rate_bpm / 60.0
    if len(run_t) < 16 or run_t[-1] - run_t[0] < 2.0 * 60.0 / block.rate_bpm:
        return BlockCriteria(block.rate_bpm, t0, t1, int(len(times)), None, None, None, None, None, None, 0, None, artifact_pct, False, False)

    grid = np.arange(max(t0, run_t[0] - 2.0), run_t[-1] + 0.25, 0.25)
    coupling = hr_breathing_coupling(run_t, run_rr, breathing_hz, grid, pacer_volume(block.pacer, block.pacer_start_s, grid))

    freqs, psd = _block_spectrum(run_t, run_rr)
    lf = (freqs >= hrv.LF_BAND_HZ[0]) & (freqs < hrv.LF_BAND_HZ[1])
    df = freqs[1] - freqs[0]
    lf_power = float(psd[lf].sum() * df)
    lf_index = np.flatnonzero(lf)
    peak = int(lf_index[np.argmax(psd[lf])])
    peak_height = float(psd[peak])
    # local maxima of the LF band at least half as high as the highest
    band = psd[lf_index[0] - 1 : lf_index[-1] + 2]
    maxima = (band[1:-1] > band[:-2]) & (band[1:-1] >= band[2:]) & (band[1:-1] >= PEAK_SHARE_COUNTED * peak_height)
    lf_peaks = int(np.count_nonzero(maxima))
    total = (freqs >= coherence.TOTAL_BAND_HZ[0]) & (freqs <= coherence.TOTAL_BAND_HZ[1])
    near = total & (np.abs(freqs - breathing_hz) <= PACER_HALF_WIDTH_HZ)
    total_power = float(psd[total].sum())
    pacer_share = float(psd[near].sum()) / total_power if total_power > 0 else 0.0
    peak_hz = float(freqs[peak])
    followed = pacer_share >= FOLLOW_SHARE and abs(peak_hz - breathing_hz) <= FOLLOW_PEAK_HZ
    return BlockCriteria(
        rate_bpm=block.rate_bpm,
        start_s=t0,
        end_s=t1,
        beats=int(len(times)),
        swing_bpm=None if coupling is None else coupling.swing_bpm,
        phase_deg=None if coupling is None else coupling.phase_deg,
        lf_power_ms2=lf_power,
        lf_peak_hz=peak_hz,
        lf_peak_ms2_per_hz=peak_height,
        peak_offset_bpm=abs(peak_hz - breathing_hz) * 60.0,
        lf_peaks=lf_peaks,
        pacer_share=pacer_share,
        artifact_pct=artifact_pct,
        followed=followed,
        usable=coupling is not None and artifact_pct <= ARTIFACT_LIMIT_PCT,
    )


# --------------------------------------------------------------------------- weighing


def in_step_rate(blocks: Sequence[BlockCriteria]) -> float | None:
    """The breathing rate at which heart rate comes into step with breathing, breaths/min.

    Below resonance heart rate leads breathing (positive phase), above it lags (negative), so
    the phase crosses zero at the resonance (Vaschillo et al. 2002). Between the two neighbouring
    rates where it goes from leading to lagging, the crossing is interpolated linearly; where noise
    makes several crossings, the one between the blocks of largest swing is taken. None if the
    phase does not cross (the resonance lies outside the rates tried).
    """
    ordered = sorted((b for b in blocks if b.phase_deg is not None), key=lambda b: b.rate_bpm)
    crossings = []
    for lo, hi in zip(ordered, ordered[1:]):
        if lo.phase_deg >= 0.0 > hi.phase_deg:
            x = lo.rate_bpm + (hi.rate_bpm - lo.rate_bpm) * lo.phase_deg / (lo.phase_deg - hi.phase_deg)
            crossings.append((lo.swing_bpm + hi.swing_bpm, x))
    return max(crossings)[1] if crossings else None


def _scores(blocks: Sequence[BlockCriteria]) -> list[float]:
    """Each compared block's weighed score, 0..1 (docs/protocols.md, "How they are weighed")."""
    max_swing = max(b.swing_bpm for b in blocks)
    max_lf = max(b.lf_power_ms2 for b in blocks)
    max_peak = max(b.lf_peak_ms2_per_hz for b in blocks)
    in_step = in_step_rate(blocks)
    total = sum(WEIGHTS.values())
    out = []
    for b in blocks:
        if in_step is not None:
            phase = max(1.0 - abs(b.rate_bpm - in_step) / IN_STEP_SCALE_BPM, 0.0)
        else:
            phase = max(1.0 - abs(b.phase_deg) / PHASE_SCALE_DEG, 0.0)
        parts = {
            "phase": phase,
            "swing": b.swing_bpm / max_swing,
            "lf_power": b.lf_power_ms2 / max_lf,
            "lf_peak": b.lf_peak_ms2_per_hz / max_peak,
            "peak_at_rate": max(1.0 - b.peak_offset_bpm / (FOLLOW_PEAK_HZ * 60.0), 0.0),
            "single_peak": 1.0 if b.lf_peaks == 1 else 0.0,
            "clean": max(1.0 - b.artifact_pct / ARTIFACT_LIMIT_PCT, 0.0),
        }
        out.append(sum(WEIGHTS[k] * v for k, v in parts.items()) / total)
    return out


def _reason(best: BlockCriteria, others: Sequence[BlockCriteria]) -> str:
    """Plain words for why ``best`` won, from the criteria it actually leads on."""
    largest = all(best.swing_bpm >= o.swing_bpm for o in others)
    in_step = abs(best.phase_deg) <= 30.0
    clean = best.lf_peaks == 1 and best.artifact_pct <= 1.0
    if largest and in_step and clean:
        why = words.RF_REASON_BEST
    elif largest and in_step:
        why = words.RF_REASON_LARGEST_IN_STEP
    elif largest:
        why = words.RF_REASON_LARGEST
    else:
        why = words.RF_REASON_BALANCE
    return why.format(rate=best.rate_bpm, swing=best.swing_bpm, phase=abs(best.phase_deg))


def decide(criteria: Sequence[BlockCriteria]) -> Assessment:
    """Weigh the blocks' criteria: the recommended rate with its reason and runner-up, or why not."""
    criteria = tuple(criteria)
    usable = [c for c in criteria if c.usable]
    followed = [c for c in usable if c.followed]

    def decline(code: str, reason: str) -> Assessment:
        return Assessment(None, None, reason, criteria, code)

    if len([c for c in criteria if c.beats]) < MIN_BLOCKS:
        return decline(DECLINE_TOO_SHORT, words.RF_DECLINE_TOO_SHORT.format(needed=MIN_BLOCKS))
    if len(usable) < MIN_BLOCKS:
        worst = max(c.artifact_pct for c in criteria)
        return decline(DECLINE_ARTIFACTS, words.RF_DECLINE_ARTIFACTS.format(pct=worst, limit=ARTIFACT_LIMIT_PCT))
    if len(followed) < MIN_BLOCKS:
        return decline(DECLINE_NOT_FOLLOWED, words.RF_DECLINE_NOT_FOLLOWED.format(followed=len(followed), blocks=len(usable)))
    if max(c.swing_bpm for c in followed) < MIN_SWING_BPM:
        return decline(DECLINE_LOW_VARIABILITY, words.RF_DECLINE_LOW_VARIABILITY.format(swing=max(c.swing_bpm for c in followed)))
    scores = _scores(followed)
    scored = {id(c): s for c, s in zip(followed, scores)}
    criteria = tuple(_with_score(c, scored.get(id(c))) for c in criteria)
    ranked = sorted(zip(scores, followed), key=lambda p: -p[0])
    (best_score, best), (_, second) = ranked[0], ranked[1]
    rest = [s for s, _ in ranked[1:]]
    if best_score - float(np.median(rest)) < MIN_LEAD:
        return Assessment(None, None, words.RF_DECLINE_NO_SEPARATION, criteria, DECLINE_NO_SEPARATION)
    reason = _reason(best, [c for _, c in ranked[1:]])
    return Assessment(best.rate_bpm, second.rate_bpm, reason, criteria)


def _with_score(c: BlockCriteria, score: float | None) -> BlockCriteria:
    return replace(c, score=score)


def assess(times_s: np.ndarray, rr_ms: np.ndarray, segment_start: np.ndarray, blocks: Sequence[Block], settle_s: float = SETTLE_S) -> Assessment:
    """Criteria for every block, then :func:`decide`."""
    times = np.asarray(times_s, dtype=np.float64)
    rr = np.asarray(rr_ms, dtype=np.float64)
    starts = np.asarray(segment_start, dtype=bool)
    return decide([block_criteria(times, rr, starts, b, settle_s) for b in blocks])


def settings() -> dict[str, Any]:
    """The assessment's settings as they run, for ``assess --json`` and reports."""
    return {
        "settle_s": SETTLE_S,
        "spectrum": f"cubic spline at {RESAMPLE_HZ:g} Hz, linear detrend, Hann, zero-padded to {NFFT}",
        "lf_band_hz": list(hrv.LF_BAND_HZ),
        "pacer_half_width_hz": PACER_HALF_WIDTH_HZ,
        "follow_share": FOLLOW_SHARE,
        "follow_peak_hz": FOLLOW_PEAK_HZ,
        "artifact_limit_pct": ARTIFACT_LIMIT_PCT,
        "min_blocks": MIN_BLOCKS,
        "min_swing_bpm": MIN_SWING_BPM,
        "min_lead": MIN_LEAD,
        "weights": dict(WEIGHTS),
        "in_step_scale_bpm": IN_STEP_SCALE_BPM,
        "phase_scale_deg": PHASE_SCALE_DEG,
    }


# --------------------------------------------------------------------------- a structured session


@dataclass(frozen=True, slots=True)
class PhaseStats:
    """One phase of a structured session, and its change from the baseline.

    Values are None where they cannot be computed (too short, no beats). ``*_change`` are
    differences from the baseline (phase minus baseline), None for the baseline itself.
    """

    phase: str
    label: str
    start_s: float
    end_s: float
    beats: int
    hr_bpm: float | None
    rmssd_ms: float | None
    coherence: float | None
    swing_bpm: float | None
    hr_change: float | None = None
    rmssd_change: float | None = None
    coherence_change: float | None = None
    swing_change: float | None = None

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        for key, value in out.items():
            if isinstance(value, float):
                out[key] = round(value, 3) if math.isfinite(value) else None
        return out


#: Length of a "breath" for the swing of a phase without a pacer, s: the swing is then the mean
#: peak-to-trough heart rate over 10-s windows, the period of slow breathing (6/min).
FREE_SWING_WINDOW_S = 10.0


@dataclass(frozen=True, slots=True)
class Span:
    """A stretch of session time in one phase, with the pacer that ran in it (None: free)."""

    phase: str
    label: str
    start_s: float
    end_s: float
    pacer: PacerSettings | None = None
    pacer_start_s: float = 0.0


def _windows_swing(times: np.ndarray, rr: np.ndarray, window_s: float) -> float | None:
    hr = 60000.0 / rr
    edges = np.arange(times[0], times[-1] - window_s + 1e-9, window_s)
    swings = []
    for a in edges:
        inside = (times >= a) & (times < a + window_s)
        if np.count_nonzero(inside) >= 3:
            swings.append(float(hr[inside].max() - hr[inside].min()))
    return float(np.mean(swings)) if swings else None


def phase_stats(times_s: np.ndarray, rr_ms: np.ndarray, segment_start: np.ndarray, spans: Sequence[Span]) -> PhaseStats:
    """Heart rate, RMSSD, coherence and heart-rate swing of one phase (all its spans: a pause
    splits a phase), on beats corrected span by span; nothing is computed across a span's edge."""
    first = spans[0]
    parts = []
    for span in spans:
        inside = (times_s > span.start_s) & (times_s <= span.end_s)
        if np.count_nonzero(inside) < 8:
            continue
        starts = np.asarray(segment_start[inside], dtype=bool).copy()
        starts[0] = True
        parts.append((span, artifacts.correct(times_s[inside], rr_ms[inside], starts)))
    beats = sum(len(f.rr_ms) for _, f in parts)
    if not parts:
        return PhaseStats(first.phase, first.label, first.start_s, spans[-1].end_s, 0, None, None, None, None)
    t = np.concatenate([f.times_s for _, f in parts])
    r = np.concatenate([f.rr_ms for _, f in parts])
    s = np.concatenate([f.segment_start for _, f in parts])
    td = hrv.time_domain(r, s)
    ratios = [coherence.coherence_series(x, int(coherence.RESAMPLE_HZ * 10)) for x in hrv.resampled_segments(t, r, s)]
    ratios = np.concatenate(ratios) if ratios else np.empty(0)
    ratios = ratios[np.isfinite(ratios)]
    swings, weights = [], []
    for span, fixed in parts:
        run_t, run_rr = _longest_run(fixed.times_s, fixed.rr_ms, fixed.segment_start)
        swing = None
        if span.pacer is not None and len(run_t) >= 8:
            grid = np.arange(run_t[0], run_t[-1], 0.25)
            coupling = hr_breathing_coupling(run_t, run_rr, span.pacer.breaths_per_min / 60.0, grid, pacer_volume(span.pacer, span.pacer_start_s, grid))
            swing = None if coupling is None else coupling.swing_bpm
        elif span.pacer is None and len(run_t) >= 8:
            swing = _windows_swing(run_t, run_rr, FREE_SWING_WINDOW_S)
        if swing is not None:
            swings.append(swing)
            weights.append(run_t[-1] - run_t[0])
    rmssd = td.get("rmssd_ms")
    return PhaseStats(
        first.phase,
        first.label,
        first.start_s,
        spans[-1].end_s,
        int(beats),
        float(60000.0 / np.mean(r)),
        float(rmssd) if rmssd is not None and math.isfinite(rmssd) else None,
        float(np.mean(ratios)) if len(ratios) else None,
        float(np.average(swings, weights=weights)) if swings else None,
    )


def compare_phases(times_s: np.ndarray, rr_ms: np.ndarray, segment_start: np.ndarray, spans: Sequence[Span]) -> list[PhaseStats]:
    """Each phase of a structured session described (its spans together), and compared with its baseline."""
    times = np.asarray(times_s, dtype=np.float64)
    rr = np.asarray(rr_ms, dtype=np.float64)
    starts = np.asarray(segment_start, dtype=bool)
    grouped: dict[str, list[Span]] = {}
    for span in spans:
        grouped.setdefault(span.phase, []).append(span)
    stats = [phase_stats(times, rr, starts, group) for group in grouped.values()]
    base = next((s for s in stats if s.phase == "baseline"), None)
    if base is None:
        return stats

    def change(value: float | None, reference: float | None) -> float | None:
        return None if value is None or reference is None else value - reference

    return [
        s
        if s is base
        else replace(
            s,
            hr_change=change(s.hr_bpm, base.hr_bpm),
            rmssd_change=change(s.rmssd_ms, base.rmssd_ms),
            coherence_change=change(s.coherence, base.coherence),
            swing_change=change(s.swing_bpm, base.swing_bpm),
        )
        for s in stats
    ]


def describe_session(stats: Sequence[PhaseStats]) -> str:
    """One calm sentence on training against the baseline ("" when there is nothing to compare)."""
    base = next((s for s in stats if s.phase == "baseline"), None)
    training = next((s for s in stats if s.phase == "training"), None)
    if base is None or training is None or None in (base.swing_bpm, training.swing_bpm, base.coherence, training.coherence):
        return ""
    key = words.SESSION_WAVE_GREW if training.swing_bpm > base.swing_bpm else words.SESSION_WAVE_SAME
    return key.format(base_swing=base.swing_bpm, swing=training.swing_bpm, base_coherence=base.coherence, coherence=training.coherence)
