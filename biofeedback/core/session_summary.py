"""The end-of-session summary: what a session was like, in the few numbers a person and a
therapist look at when it stops, and again later from the library.

Computed from a recorded session only (beats rebuilt as live, whole-recording analysis by
:func:`biofeedback.core.summary.analyze`), so the summary shown when a session stops is the one
the library shows a month later, and the library index can always rebuild it from the file.

- **Time in each coherence level**: the whole-recording coherence windows (64 s, one every
  :data:`~biofeedback.core.summary.COHERENCE_STEP_S` s, on artefact-corrected beats inside
  segments), each counting for one step of time in its level.
- **Start versus end**: mean heart rate, RMSSD and heart-rate swing over the first and the last
  :data:`START_END_S` s (a third of the session each when it is shorter than three times that;
  nothing under :data:`SHORTEST_COMPARED_S`).
- **Heart-rate swing**: peak-to-trough heart rate within each breath (the pacer's breath where
  one ran, else :data:`FREE_BREATH_S`), averaged over the breaths of the span.
- **Resting heart rate**: the lowest mean heart rate (60000 / mean RR) over any
  :data:`RESTING_WINDOW_S` s of beats without a gap; the trends follow it from session to session.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from biofeedback.core import artifacts, coherence, hrv
from biofeedback.core.annotations import Marker, PhaseChange, Rating
from biofeedback.core.blood_pressure import BloodPressureStory, before_and_after, tell
from biofeedback.core.pacer import PacerSettings
from biofeedback.core.samples import BloodPressure
from biofeedback.core.summary import COHERENCE_STEP_S, analyze

#: Span compared at the start and at the end of a session, s.
START_END_S = 180.0
#: Sessions shorter than this get no start-versus-end comparison, s (a third would be < 40 s).
SHORTEST_COMPARED_S = 120.0
#: Breath length for the swing when no pacer ran, s (6 breaths/min, where most people's
#: resonance lies; Lehrer et al. 2000).
FREE_BREATH_S = 10.0
#: Window of the resting heart rate, s.
RESTING_WINDOW_S = 120.0

LEVELS = ("low", "medium", "high")


@dataclass(frozen=True, slots=True)
class SpanStats:
    """Heart rate, RMSSD and swing over one span of a session (``start_s``..``end_s``, session time)."""

    start_s: float
    end_s: float
    hr_bpm: float | None
    rmssd_ms: float | None
    swing_bpm: float | None


@dataclass(frozen=True, slots=True)
class PhaseStats:
    """One protocol phase: its label, when it ran, and its mean coherence and heart rate."""

    label: str
    phase: str
    start_s: float
    end_s: float
    coherence_mean: float | None
    hr_bpm: float | None


@dataclass(frozen=True, slots=True)
class PressureReading:
    """A blood-pressure reading for the summary, in mmHg."""

    t: float
    systolic_mmhg: float
    diastolic_mmhg: float
    pulse_bpm: float | None


@dataclass(frozen=True)
class SessionSummary:
    """Everything the end-of-session summary shows. Values that cannot be computed are None.

    ``level_s`` maps "low", "medium", "high" to seconds spent in that coherence level.
    """

    person: str
    started_utc: str | None
    source: str
    duration_s: float
    beats: int
    mean_hr_bpm: float | None
    rmssd_ms: float | None
    resting_hr_bpm: float | None
    coherence_mean: float | None
    coherence_high_pct: float | None
    level_s: dict[str, float]
    start: SpanStats | None
    end: SpanStats | None
    artifact_pct: float
    gaps: int
    gap_s: float
    markers: tuple[Marker, ...] = ()
    rating_before: Rating | None = None
    rating_after: Rating | None = None
    bp_before: PressureReading | None = None
    bp_after: PressureReading | None = None
    phases: tuple[PhaseStats, ...] = ()
    utc_offset_min: int = 0
    extra: dict[str, Any] = field(default_factory=dict)

    def blood_pressure_story(self) -> BloodPressureStory:
        """The readings before and after, told calmly (:func:`core.blood_pressure.tell`); the
        cuff's flags are not kept in a summary, so none are explained."""
        readings = [
            BloodPressure(r.t, r.systolic_mmhg, r.diastolic_mmhg, None, "mmHg", r.pulse_bpm, when=when)
            for when, r in (("before", self.bp_before), ("after", self.bp_after))
            if r is not None
        ]
        return tell(readings)

    @property
    def level_pct(self) -> dict[str, float]:
        """Share of the judged time in each level, percent (all 0 when nothing was judged)."""
        total = sum(self.level_s.values())
        return {k: (100.0 * v / total if total else 0.0) for k, v in self.level_s.items()}

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (the library index keeps it); :meth:`from_dict` reads it back."""
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> SessionSummary:
        def span(x):
            return None if x is None else SpanStats(**x)

        def rating(x):
            return None if x is None else Rating(**x)

        def bp(x):
            return None if x is None else PressureReading(**x)

        return cls(
            **{
                **d,
                "start": span(d.get("start")),
                "end": span(d.get("end")),
                "markers": tuple(Marker(**m) for m in d.get("markers", ())),
                "rating_before": rating(d.get("rating_before")),
                "rating_after": rating(d.get("rating_after")),
                "bp_before": bp(d.get("bp_before")),
                "bp_after": bp(d.get("bp_after")),
                "phases": tuple(PhaseStats(**p) for p in d.get("phases", ())),
            }
        )


def _finite(value: Any, digits: int = 3) -> float | None:
    if value is None:
        return None
    value = float(value)
    return round(value, digits) if math.isfinite(value) else None


def coherence_windows(times_s: np.ndarray, rr_ms: np.ndarray, segment_start: np.ndarray, step_s: float = COHERENCE_STEP_S) -> tuple[np.ndarray, np.ndarray]:
    """The whole-recording coherence windows of corrected beats: (end time s, ratio) of each.

    Windows of :data:`coherence.WINDOW_S` every ``step_s`` within each segment, on one spline
    per segment (as :func:`biofeedback.core.summary.analyze` computes them).
    """
    step = max(int(round(step_s * coherence.RESAMPLE_HZ)), 1)
    first = int(coherence.WINDOW_S * coherence.RESAMPLE_HZ) - 1
    ends, ratios = [], []
    for s, e in hrv.segment_bounds(np.asarray(segment_start, dtype=bool)):
        if e - s < 8:
            continue
        resampled = hrv.resample_rr(times_s[s:e], rr_ms[s:e])
        values = coherence.coherence_series(resampled, step)
        ends.append(times_s[s] + (first + step * np.arange(len(values))) / coherence.RESAMPLE_HZ)
        ratios.append(values)
    if not ends:
        return np.empty(0), np.empty(0)
    return np.concatenate(ends), np.concatenate(ratios)


def level_codes(ratios: np.ndarray) -> np.ndarray:
    """0, 1, 2 for the "low", "medium", "high" coherence levels; -1 where undefined (NaN)."""
    ratios = np.asarray(ratios, dtype=np.float64)
    codes = np.where(ratios < coherence.LOW_BELOW, 0, np.where(ratios >= coherence.HIGH_FROM, 2, 1)).astype(np.int8)
    codes[np.isnan(ratios)] = -1
    return codes


def _pacer_period_at(pacer_changes: Sequence[tuple[float, PacerSettings | None]], t: float) -> float:
    period = None
    for when, settings in pacer_changes:
        if when > t:
            break
        period = None if settings is None else settings.period_s
    return period or FREE_BREATH_S


def _span_stats(t: np.ndarray, rr: np.ndarray, starts: np.ndarray, lo: float, hi: float, breath_s: float) -> SpanStats:
    i, j = int(np.searchsorted(t, lo, side="right")), int(np.searchsorted(t, hi, side="right"))
    st, srr, ss = t[i:j], rr[i:j], starts[i:j].copy()
    if len(ss):
        ss[0] = True
    domain = hrv.time_domain(srr, ss) if len(srr) else {}
    swings = []
    for edge in np.arange(lo, hi - breath_s + 1e-9, breath_s):
        a, b = int(np.searchsorted(st, edge, side="right")), int(np.searchsorted(st, edge + breath_s, side="right"))
        if b - a >= 3 and not ss[a + 1 : b].any():  # a whole breath of beats without a gap in it
            hr = 60000.0 / srr[a:b]
            swings.append(float(hr.max() - hr.min()))
    return SpanStats(
        round(lo, 3),
        round(hi, 3),
        _finite(domain.get("mean_hr_bpm")),
        _finite(domain.get("rmssd_ms")),
        _finite(np.mean(swings)) if swings else None,
    )


def resting_heart_rate(times_s: np.ndarray, rr_ms: np.ndarray, segment_start: np.ndarray, window_s: float = RESTING_WINDOW_S) -> float | None:
    """The lowest mean heart rate (60000 / mean RR) over any ``window_s`` of beats without a gap.

    Sessions without such a stretch give the mean heart rate of their longest segment."""
    if not len(rr_ms):
        return None
    best = math.inf
    longest = (0, 0)
    for s, e in hrv.segment_bounds(np.asarray(segment_start, dtype=bool)):
        if e - s > longest[1] - longest[0]:
            longest = (s, e)
        t, rr = times_s[s:e], rr_ms[s:e]
        csum = np.concatenate(([0.0], np.cumsum(rr)))
        # for each beat, the first beat within the window that ends at it
        first = np.searchsorted(t, t - window_s, side="right")
        full = t - (t[first] - rr[first] / 1000.0) >= window_s - 1e-9
        if full.any():
            idx = np.arange(len(t))[full]
            mean_rr = (csum[idx + 1] - csum[first[full]]) / (idx + 1 - first[full])
            best = min(best, float(60000.0 / mean_rr.max()))
    if math.isinf(best):
        s, e = longest
        best = 60000.0 / float(np.mean(rr_ms[s:e]))
    return round(best, 3)


def _pressure(reading: BloodPressure | None) -> PressureReading | None:
    if reading is None:
        return None
    return PressureReading(reading.t, round(reading.mmhg(reading.systolic), 1), round(reading.mmhg(reading.diastolic), 1), reading.pulse_bpm)


def summarize_session(
    timeline: Any,
    *,
    person: str = "Me",
    started_utc: str | None = None,
    utc_offset_min: int = 0,
    source: str = "",
    markers: Iterable[Marker] = (),
    ratings: Iterable[Rating] = (),
    blood_pressure: Iterable[BloodPressure] = (),
    phases: Iterable[PhaseChange] = (),
    pacer_changes: Sequence[tuple[float, PacerSettings | None]] = (),
    end_s: float | None = None,
) -> SessionSummary:
    """The summary of one recorded session.

    Parameters
    ----------
    timeline : BeatTimeline
        The session's beats, rebuilt as live (``arrays()`` and ``gaps``).
    markers, ratings, blood_pressure, phases
        The session's annotations (markers after their edits).
    pacer_changes : sequence of (session time s, PacerSettings or None)
        When the pacer changed, for the breaths of the swing.
    end_s : float or None
        When the session ended (session time), for the last protocol phase; the last beat if None.
    """
    analysis = analyze(timeline)
    times, rr, starts = timeline.arrays()
    fixed = artifacts.correct(times, rr, starts)
    t, r, s = fixed.times_s, fixed.rr_ms, fixed.segment_start
    ends, ratios = coherence_windows(t, r, s)
    codes = level_codes(ratios)
    level_s = {name: float(np.count_nonzero(codes == i)) * COHERENCE_STEP_S for i, name in enumerate(LEVELS)}

    start = end = None
    if len(t):
        first_t, last_t = float(t[0] - r[0] / 1000.0), float(t[-1])
        length = last_t - first_t
        if length >= SHORTEST_COMPARED_S:
            span = min(START_END_S, length / 3.0)
            start = _span_stats(t, r, s, first_t, first_t + span, _pacer_period_at(pacer_changes, first_t))
            end = _span_stats(t, r, s, last_t - span, last_t, _pacer_period_at(pacer_changes, last_t - span))

    ratings = list(ratings)
    before = [x for x in ratings if x.when == "before"]
    after = [x for x in ratings if x.when == "after"]
    readings = sorted(blood_pressure, key=lambda b: b.t)
    # readings the person marked before or after the session count as such, as tell() says them
    # (a session with only a reading after has none before); unmarked ones, the first and last
    if any(getattr(b, "when", None) in ("before", "after") for b in readings):
        bp_before, bp_after = before_and_after(readings)
    else:
        bp_before = readings[0] if readings else None
        bp_after = readings[-1] if len(readings) > 1 else None

    phase_list = sorted(phases, key=lambda p: p.t)
    session_end = end_s if end_s is not None else (float(times[-1]) if len(times) else 0.0)
    phase_stats = []
    for i, phase in enumerate(phase_list):
        stop = phase_list[i + 1].t if i + 1 < len(phase_list) else session_end
        inside = (ends > phase.t) & (ends <= stop)
        defined = ratios[inside & ~np.isnan(ratios)]
        beats = (t > phase.t) & (t <= stop)
        phase_stats.append(
            PhaseStats(
                phase.label or phase.phase,
                phase.phase,
                round(phase.t, 3),
                round(max(stop, phase.t), 3),
                _finite(defined.mean(), 4) if len(defined) else None,
                _finite(60000.0 / r[beats].mean()) if beats.any() else None,
            )
        )

    return SessionSummary(
        person=person,
        started_utc=started_utc,
        source=source,
        duration_s=float(analysis["duration_s"]),
        beats=int(analysis["beats"]),
        mean_hr_bpm=_finite(analysis["mean_hr_bpm"]),
        rmssd_ms=_finite(analysis["rmssd_ms"]),
        resting_hr_bpm=resting_heart_rate(t, r, s),
        coherence_mean=_finite(analysis["coherence_mean"], 4),
        coherence_high_pct=_finite(analysis["coherence_high_pct"]),
        level_s=level_s,
        start=start,
        end=end,
        artifact_pct=float(analysis["artifact_pct"]),
        gaps=int(analysis["gaps"]),
        gap_s=float(analysis["gap_s"]),
        markers=tuple(sorted(markers, key=lambda m: (m.t, m.id))),
        rating_before=before[0] if before else None,
        rating_after=after[-1] if after else None,
        bp_before=_pressure(bp_before),
        bp_after=_pressure(bp_after),
        phases=tuple(phase_stats),
        utc_offset_min=utc_offset_min,
    )
