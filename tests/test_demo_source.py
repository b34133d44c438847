"""The demo source sends what a real strap sends, on the session clock."""

import asyncio

import numpy as np
import pytest

from biofeedback.core.constants import RR_UNITS_PER_SECOND
from biofeedback.core.samples import Contact, LinkState, Sample, Status
from biofeedback.core.simulator import SimulatorParams
from biofeedback.sources.base import SourceError
from biofeedback.sources.clock import SessionClock
from biofeedback.sources.demo import DemoSource, parse_demo_query


def _collect(source, session_seconds, speed=200.0):
    events = []
    clock = SessionClock(speed)

    async def main():
        task = asyncio.create_task(source.run(events.append, clock))
        await clock.sleep_until(session_seconds)
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)

    asyncio.run(main())
    return events


@pytest.mark.parametrize("hr", [45, 70, 180])
def test_packets_look_like_a_strap(hr):
    events = _collect(DemoSource(SimulatorParams(hr_bpm=hr, seed=1)), 120)
    assert isinstance(events[0], Status) and events[0].state is LinkState.STREAMING
    samples = [e for e in events if isinstance(e, Sample)]
    spacing = np.diff([s.t for s in samples])
    assert 0.9 < np.median(spacing) < 1.1  # about once a second
    counts = [len(s.rr_ms) for s in samples]
    assert min(counts) >= 0 and max(counts) <= 4
    if hr == 45:
        assert 0 in counts  # slow hearts leave some notifications without an interval
    rr = np.concatenate([s.rr_ms for s in samples])
    ticks = rr * RR_UNITS_PER_SECOND / 1000
    np.testing.assert_allclose(ticks, np.round(ticks), atol=1e-6)  # 1/1024 s resolution
    assert all(s.contact is Contact.DETECTED for s in samples)
    reported = np.array([s.hr_bpm for s in samples[5:]])
    assert abs(np.median(reported) - hr) < 0.15 * hr


def test_query_parameters():
    params, pace = parse_demo_query("resonance=5.0&seed=3&hr=70&ectopic=0.01&pace=6")
    assert params == SimulatorParams(resonance_bpm=5.0, seed=3, hr_bpm=70.0, ectopic_rate=0.01)
    assert pace == 6.0
    with pytest.raises(SourceError, match="pace must be 3-12"):
        parse_demo_query("pace=30")


def test_following_the_pacer_changes_the_heart():
    free = DemoSource(SimulatorParams(seed=2))
    paced = DemoSource(SimulatorParams(seed=2), pace=5.5)
    rr_free = np.concatenate([free.next_sample(t).rr_ms for t in range(1, 300)])
    rr_paced = np.concatenate([paced.next_sample(t).rr_ms for t in range(1, 300)])
    assert np.std(rr_paced) > 1.5 * np.std(rr_free)


def test_follow_sets_the_share_of_breaths_that_follow_the_pacer():
    params, pace = parse_demo_query("follow=0.5&pace=6&seed=2")
    assert params.follow == 0.5 and pace == 6.0
    assert parse_demo_query("")[0].follow == 1.0
    with pytest.raises(SourceError, match="follow must be 0-1"):
        parse_demo_query("follow=2")
    # a person who ignores the pacer breathes as if there were none
    ignoring = DemoSource(SimulatorParams(seed=2, follow=0.0), pace=5.5)
    free = DemoSource(SimulatorParams(seed=2, follow=0.0))
    assert [ignoring.next_sample(t).rr_ms for t in range(1, 120)] == [free.next_sample(t).rr_ms for t in range(1, 120)]


def test_same_seed_same_beats_at_any_speed():
    def beats(speed):
        source = DemoSource(SimulatorParams(seed=6), pace=6.0)
        events = _collect(source, 60, speed=speed)
        return np.concatenate([e.rr_ms for e in events if isinstance(e, Sample)])

    fast, faster = beats(100.0), beats(400.0)
    n = min(len(fast), len(faster))
    assert n > 50
    np.testing.assert_array_equal(fast[:n], faster[:n])
