"""The end-of-session summary, computed from the recorded session alone."""

from __future__ import annotations

import json

import numpy as np
import pytest

from biofeedback.core.annotations import PhaseChange
from biofeedback.core.blood_pressure import tell
from biofeedback.core.pacer import PacerSettings
from biofeedback.core.review import rebuild_session
from biofeedback.core.samples import BloodPressure
from biofeedback.core.session import pacer_from_record
from biofeedback.core.session_summary import SessionSummary, resting_heart_rate, summarize_session
from biofeedback.core.timeline import BeatTimeline
from biofeedback.storage.session_file import read_session
from recorded import record_demo


def _summary(path, **extra) -> SessionSummary:
    data = read_session(path)
    timeline, _ = rebuild_session(data.events, data.sources)
    return summarize_session(
        timeline,
        person=data.person,
        started_utc=data.header["started_utc"],
        markers=data.markers,
        ratings=data.ratings,
        pacer_changes=[(t, pacer_from_record(s)) for t, s in data.pacer_changes],
        **extra,
    )


def test_a_recorded_session_summarised(tmp_path):
    s = _summary(record_demo(tmp_path / "s.bfs", person="Robin"))
    assert s.person == "Robin" and s.duration_s == pytest.approx(419, abs=2) and s.beats > 400
    assert (s.rating_before.pain, s.rating_before.stress, s.rating_after.pain, s.rating_after.mood) == (6, 7, 3, 4)
    assert [m.label for m in s.markers] == ["phone rang", "eyes closed"]
    assert s.gaps == 1 and s.gap_s == pytest.approx(8.5, abs=0.6)
    # the demo person breathes at their resonance: most judged time is coherent
    assert s.level_pct["high"] > 50 and sum(s.level_pct.values()) == pytest.approx(100)
    assert sum(s.level_s.values()) > 200
    # a third of a 7-minute session is compared at each end
    assert s.start.end_s - s.start.start_s == pytest.approx(s.duration_s / 3, abs=1)
    assert s.end.end_s == pytest.approx(s.start.start_s + s.duration_s, abs=1)
    for span in (s.start, s.end):
        assert 50 < span.hr_bpm < 100 and span.rmssd_ms > 5 and span.swing_bpm > 3
    assert s.resting_hr_bpm <= s.mean_hr_bpm
    assert SessionSummary.from_dict(json.loads(json.dumps(s.to_dict()))) == s


def test_swing_is_the_peak_to_trough_heart_rate_of_each_breath():
    # heart rate 60 +- 5 bpm with a 10 s breath, one beat every ~second
    t, rr = 0.0, []
    while t < 400:
        hr = 60 + 5 * np.sin(2 * np.pi * t / 10.0)
        t += 60.0 / hr
        rr.append(60000.0 / hr)
    timeline = BeatTimeline.from_rr(np.array(rr))
    s = summarize_session(timeline, pacer_changes=[(0.0, PacerSettings.from_rate(6.0))])
    assert s.start.swing_bpm == pytest.approx(10, abs=1.5) and s.end.swing_bpm == pytest.approx(10, abs=1.5)
    assert s.start.hr_bpm == pytest.approx(60, abs=0.5)


def test_resting_heart_rate_is_the_calmest_two_minutes():
    rr = np.concatenate([np.full(300, 800.0), np.full(180, 1200.0), np.full(300, 700.0)])  # 75, then 50, then 86 bpm
    starts = np.zeros(len(rr), dtype=bool)
    starts[0] = True
    assert resting_heart_rate(np.cumsum(rr) / 1000, rr, starts) == pytest.approx(50.0)
    short = np.full(60, 1000.0)  # a minute: no full window, the mean of the longest segment
    assert resting_heart_rate(np.cumsum(short) / 1000, short, starts[:60]) == pytest.approx(60.0)


def test_blood_pressure_before_and_after_in_mmhg_and_protocol_phases(tmp_path):
    readings = [BloodPressure(1.0, 17.0, 11.0, unit="kPa", pulse_bpm=70.0), BloodPressure(400.0, 118.0, 76.0, pulse_bpm=64.0)]
    phases = [PhaseChange(0.0, "session", "baseline", "Baseline"), PhaseChange(120.0, "session", "training", "Breathing at 6/min", 6.0)]
    s = _summary(record_demo(tmp_path / "s.bfs"), blood_pressure=readings, phases=phases, end_s=420.0)
    assert (s.bp_before.systolic_mmhg, s.bp_before.diastolic_mmhg) == (127.5, 82.5)
    assert (s.bp_after.systolic_mmhg, s.bp_after.pulse_bpm) == (118.0, 64.0)
    assert [(p.label, p.start_s, p.end_s) for p in s.phases] == [("Baseline", 0.0, 120.0), ("Breathing at 6/min", 120.0, 420.0)]
    assert all(p.coherence_mean is not None and p.hr_bpm > 40 for p in s.phases)


def test_an_empty_session_has_a_summary_too():
    s = summarize_session(BeatTimeline())
    assert s.beats == 0 and s.mean_hr_bpm is None and s.start is None and s.resting_hr_bpm is None
    assert s.level_pct == {"low": 0.0, "medium": 0.0, "high": 0.0}


def test_readings_marked_before_and_after_are_the_ones_compared():
    readings = [
        BloodPressure(5.0, 120.0, 80.0, when="before"),
        BloodPressure(50.0, 150.0, 95.0),  # in the middle, not marked
        BloodPressure(100.0, 112.0, 74.0, when="after"),
        BloodPressure(400.0, 160.0, 99.0),
    ]
    s = summarize_session(BeatTimeline(), blood_pressure=readings)
    assert (s.bp_before.systolic_mmhg, s.bp_after.systolic_mmhg) == (120.0, 112.0)
    after = [BloodPressure(100.0, 141.0, 92.0, when="after")]
    only_after = summarize_session(BeatTimeline(), blood_pressure=after)
    assert only_after.bp_before is None and only_after.bp_after.systolic_mmhg == 141.0  # not "141/92 -> 141/92"
    assert only_after.blood_pressure_story().sentence == tell(after).sentence
