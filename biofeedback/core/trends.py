"""Progress over weeks: one point per session, per person.

What a patient wants to see at a glance ("your sessions this month") and a therapist wants to
read off: coherence (mean and time in the high level), RMSSD, resting heart rate, pain and
stress before and after, and blood pressure before and after where a cuff was used. Built from the library's rows (any objects with the attributes of
:class:`TrendSource`), so it costs nothing to draw.
"""

from __future__ import annotations

import datetime as _dt
import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

#: What the trends can show, with a unit for the axis; ratings and pressures have before and after.
MEASURES = {
    "coherence_mean": "coherence (mean ratio)",
    "coherence_high_pct": "time coherent (%)",
    "rmssd_ms": "RMSSD (ms)",
    "resting_hr_bpm": "resting heart rate (bpm)",
    "pain": "pain (0-10)",
    "stress": "stress (0-10)",
    "systolic": "systolic pressure (mmHg)",
    "diastolic": "diastolic pressure (mmHg)",
}

#: The measures with a value before and one after each session.
BEFORE_AFTER = ("pain", "stress", "systolic", "diastolic")


class TrendSource(Protocol):
    """One session as the library lists it (``storage.library.LibraryEntry``)."""

    person: str
    started_local: _dt.datetime | None
    coherence_mean: float | None
    coherence_high_pct: float | None
    rmssd_ms: float | None
    resting_hr_bpm: float | None
    ratings: dict[str, dict[str, int | None] | None]
    blood_pressure: dict[str, dict[str, float | None] | None]
    title: str
    error: str | None
    beats: int | None


@dataclass(frozen=True, slots=True)
class TrendPoint:
    """One session: when it started (local time) and its numbers (None where unknown); blood
    pressure in mmHg."""

    when: _dt.datetime
    title: str
    coherence_mean: float | None
    coherence_high_pct: float | None
    rmssd_ms: float | None
    resting_hr_bpm: float | None
    pain_before: int | None
    pain_after: int | None
    stress_before: int | None
    stress_after: int | None
    systolic_before: float | None = None
    systolic_after: float | None = None
    diastolic_before: float | None = None
    diastolic_after: float | None = None

    def value(self, measure: str, when: str = "") -> float | None:
        """``measure`` from :data:`MEASURES`; those in :data:`BEFORE_AFTER` take ``when``
        "before" or "after"."""
        if measure in BEFORE_AFTER:
            return getattr(self, f"{measure}_{when or 'before'}")
        return getattr(self, measure)


@dataclass(frozen=True)
class Trends:
    """A person's sessions in time order."""

    person: str
    points: tuple[TrendPoint, ...]

    @property
    def has_blood_pressure(self) -> bool:
        """Whether any session has a reading (people without a cuff have none)."""
        return any(p.value("systolic", when) is not None for p in self.points for when in ("before", "after"))

    def since(self, start: _dt.datetime) -> Trends:
        return Trends(self.person, tuple(p for p in self.points if p.when >= start))

    def series(self, measure: str, when: str = "") -> tuple[np.ndarray, np.ndarray]:
        """Days since the first point (float) and values; sessions without a value left out."""
        if not self.points:
            return np.empty(0), np.empty(0)
        first = self.points[0].when
        pairs = [((p.when - first).total_seconds() / 86400.0, p.value(measure, when)) for p in self.points]
        pairs = [(d, float(v)) for d, v in pairs if v is not None and math.isfinite(v)]
        return np.array([d for d, _ in pairs]), np.array([v for _, v in pairs])

    def timestamps(self, measure: str, when: str = "") -> tuple[np.ndarray, np.ndarray]:
        """POSIX times (s) and values, for a date axis."""
        pairs = [(p.when.timestamp(), p.value(measure, when)) for p in self.points]
        pairs = [(t, float(v)) for t, v in pairs if v is not None and math.isfinite(v)]
        return np.array([t for t, _ in pairs]), np.array([v for _, v in pairs])


def _rating(ratings: dict[str, Any], when: str, what: str) -> int | None:
    one = (ratings or {}).get(when)
    return None if not one else one.get(what)


def _pressure(blood_pressure: dict[str, Any], when: str, what: str) -> float | None:
    one = (blood_pressure or {}).get(when)
    return None if not one else one.get(f"{what}_mmhg")


def person_trends(entries: Iterable[TrendSource], person: str) -> Trends:
    """One point per readable session of ``person`` with beats, oldest first."""
    points = []
    for e in entries:
        if e.person != person or e.error is not None or not e.beats or e.started_local is None:
            continue
        r, bp = e.ratings, e.blood_pressure
        points.append(
            TrendPoint(
                e.started_local,
                e.title,
                e.coherence_mean,
                e.coherence_high_pct,
                e.rmssd_ms,
                e.resting_hr_bpm,
                _rating(r, "before", "pain"),
                _rating(r, "after", "pain"),
                _rating(r, "before", "stress"),
                _rating(r, "after", "stress"),
                _pressure(bp, "before", "systolic"),
                _pressure(bp, "after", "systolic"),
                _pressure(bp, "before", "diastolic"),
                _pressure(bp, "after", "diastolic"),
            )
        )
    points.sort(key=lambda p: p.when)
    return Trends(person, tuple(points))


def _mean(values: Iterable[float | None]) -> float | None:
    kept = [v for v in values if v is not None and math.isfinite(v)]
    return sum(kept) / len(kept) if kept else None


@dataclass(frozen=True, slots=True)
class Headline:
    """The few numbers a patient reads first: sessions, minutes... of a period."""

    sessions: int
    coherence_first: float | None  # mean over the first half of the period's sessions
    coherence_last: float | None  # and over the second half
    pain_before: float | None  # mean rating before and after the sessions
    pain_after: float | None
    stress_before: float | None
    stress_after: float | None


def headline(trends: Trends) -> Headline:
    """Averages of the period: coherence early versus late, ratings before versus after."""
    pts = trends.points
    half = len(pts) // 2
    early, late = (pts[:half], pts[half:]) if len(pts) >= 2 else ((), pts)
    return Headline(
        len(pts),
        _mean(p.coherence_mean for p in early),
        _mean(p.coherence_mean for p in late),
        _mean(p.pain_before for p in pts),
        _mean(p.pain_after for p in pts),
        _mean(p.stress_before for p in pts),
        _mean(p.stress_after for p in pts),
    )
