"""Trends: one point per session of one person, oldest first; a headline of the period."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np

from biofeedback.core.trends import headline, person_trends


@dataclass
class Row:
    person: str
    started_local: dt.datetime | None
    coherence_mean: float | None = 1.0
    coherence_high_pct: float | None = 10.0
    rmssd_ms: float | None = 30.0
    resting_hr_bpm: float | None = 62.0
    ratings: dict = field(default_factory=lambda: {"before": None, "after": None})
    blood_pressure: dict = field(default_factory=lambda: {"before": None, "after": None})
    title: str = ""
    error: str | None = None
    beats: int | None = 300


def day(n: int) -> dt.datetime:
    return dt.datetime(2026, 11, 1, 9, 0, tzinfo=dt.timezone.utc) + dt.timedelta(days=n)


def test_one_point_per_session_of_the_person_oldest_first():
    rows = [
        Row("Robin", day(7), coherence_mean=2.0, ratings={"before": {"pain": 6, "stress": 5, "mood": 2}, "after": {"pain": 3, "stress": 2, "mood": 4}}),
        Row("Robin", day(0), coherence_mean=1.0, ratings={"before": {"pain": 7, "stress": None, "mood": None}, "after": None}),
        Row("Sam", day(3)),
        Row("Robin", day(4), error="cannot be read"),
        Row("Robin", day(5), beats=0),
        Row("Robin", None),
    ]
    trends = person_trends(rows, "Robin")
    assert [p.when for p in trends.points] == [day(0), day(7)]
    days, coherence = trends.series("coherence_mean")
    np.testing.assert_array_equal(days, [0.0, 7.0])
    np.testing.assert_array_equal(coherence, [1.0, 2.0])
    assert trends.series("pain", "after")[1].tolist() == [3.0]  # a skipped rating is no point
    assert trends.series("pain", "before")[1].tolist() == [7.0, 6.0]
    assert trends.since(day(1)).points[0].when == day(7)
    h = headline(trends)
    assert (h.sessions, h.coherence_first, h.coherence_last) == (2, 1.0, 2.0)
    assert (h.pain_before, h.pain_after, h.stress_before) == (6.5, 3.0, 5.0)


def test_no_sessions_no_points():
    trends = person_trends([], "Robin")
    assert trends.series("rmssd_ms")[0].size == 0
    h = headline(trends)
    assert h.sessions == 0 and h.coherence_last is None and h.pain_before is None


def pressure(systolic: float, diastolic: float) -> dict:
    return {"systolic_mmhg": systolic, "diastolic_mmhg": diastolic, "pulse_bpm": None}


def test_blood_pressure_before_and_after_each_session_where_there_is_a_reading():
    rows = [
        Row("Robin", day(0), blood_pressure={"before": pressure(132, 86), "after": pressure(124, 80)}),
        Row("Robin", day(3)),  # no cuff that day
        Row("Robin", day(7), blood_pressure={"before": None, "after": pressure(121.5, 78)}),
    ]
    trends = person_trends(rows, "Robin")
    assert trends.has_blood_pressure and not person_trends(rows[1:2], "Robin").has_blood_pressure
    assert trends.series("systolic", "before")[1].tolist() == [132.0]
    days, after = trends.series("systolic", "after")
    assert days.tolist() == [0.0, 7.0] and after.tolist() == [124.0, 121.5]
    assert trends.series("diastolic", "after")[1].tolist() == [80.0, 78.0]
    assert trends.series("diastolic", "before")[1].tolist() == [86.0]
    assert not trends.since(day(1)).series("systolic", "before")[1].size
