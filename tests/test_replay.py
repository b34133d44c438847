"""Replays that behave: the clock restarts and stops, the recorded pacer and markers come back."""

from __future__ import annotations

import asyncio

import pytest

from biofeedback.core.annotations import Marker, PacerChange
from biofeedback.core.pacer import PacerSettings
from biofeedback.core.samples import LinkState, Sample, Status
from biofeedback.core.session import pacer_record
from biofeedback.sources.clock import SessionClock
from biofeedback.sources.replay import ReplaySource
from biofeedback.storage.recordings import load_recording, replay_events
from biofeedback.storage.session_file import SessionWriter, make_header


class Hands:
    def __init__(self) -> None:
        self.t = 100.0

    def __call__(self) -> float:
        return self.t


def test_the_clock_restarts_from_zero_and_stands_still_when_paused():
    hands = Hands()
    clock = SessionClock(2.0, monotonic=hands)
    hands.t += 10.0
    assert clock.now() == 20.0
    clock.restart()
    assert clock.now() == 0.0
    hands.t += 1.0
    assert clock.now() == 2.0
    clock.pause()
    hands.t += 30.0
    assert clock.paused and clock.now() == 2.0  # the session time stands still
    clock.resume()
    hands.t += 1.0
    assert not clock.paused and clock.now() == 4.0
    clock.pause()
    clock.restart(5.0)  # a new session: running again
    assert not clock.paused and clock.now() == 5.0


def test_a_paused_clock_keeps_a_waiting_source_waiting():
    clock = SessionClock(100.0)
    clock.pause()

    async def wait() -> bool:
        try:
            await asyncio.wait_for(clock.sleep_until(clock.now() + 1.0), 0.3)
        except TimeoutError:
            return False
        return True

    assert asyncio.run(wait()) is False
    clock.resume()
    assert asyncio.run(wait()) is True


def _session_file(path, events, pacers=(), markers=()):
    """A session file with ``events``, ``pacers`` ((t, settings)) and ``markers``, in time order."""
    lines = [(t, 0, ("pacer", settings)) for t, settings in pacers] + [(m.t, 1, m) for m in markers]
    lines += [(e.t, 2, e) for e in events]
    with SessionWriter(path, make_header("demo", {}, {}, "test")) as writer:
        for _t, _order, item in sorted(lines, key=lambda x: (x[0], x[1])):
            if isinstance(item, tuple):
                writer.write_pacer(_t, pacer_record(item[1]))
            else:
                writer.write(item)
    return path


def test_replay_events_bring_back_the_recorded_pacer_and_markers(tmp_path):
    paced = PacerSettings.from_rate(5.5)
    samples = [Sample(106.0 + i, 60, (1000.0,)) for i in range(5)]
    path = _session_file(tmp_path / "s.bfs", samples, pacers=[(3.0, paced), (108.0, None)], markers=[Marker(107.5, "eyes closed", 1)])
    events = replay_events(load_recording(path))
    assert events[0] == PacerChange(3.0, paced)  # in force before the first beat
    assert PacerChange(108.0, None) in events and Marker(107.5, "eyes closed", 1) in events
    times = [e.t for e in events]
    assert times == sorted(times)


def test_a_recording_without_a_pacer_replays_without_one(tmp_path, nsrdb_5min_rr):
    path = tmp_path / "rr.txt"
    path.write_text("\n".join(f"{r:.0f}" for r in nsrdb_5min_rr[:20]))
    events = replay_events(load_recording(path))
    assert isinstance(events[0], PacerChange) and events[0].settings is None


def test_a_replay_starts_at_its_first_sample_with_the_pacer_in_its_recorded_phase(tmp_path):
    """A recording started 106 s into a session does not keep anyone waiting 106 s; its pacer,
    recorded at 3 s, keeps its breaths where they were relative to the beats."""
    paced = PacerSettings.from_rate(6.0)
    samples = [Sample(106.0 + i, 60, (1000.0,)) for i in range(3)]
    path = _session_file(tmp_path / "s.bfs", samples, pacers=[(3.0, paced)])
    source = ReplaySource(replay_events(load_recording(path)), "s.bfs")
    emitted = []
    clock = SessionClock(50.0)
    start = clock.now()
    asyncio.run(source.run(emitted.append, clock))
    pacer = next(e for e in emitted if isinstance(e, PacerChange))
    first = next(e for e in emitted if isinstance(e, Sample))
    assert first.t - start == pytest.approx(1.0, abs=0.05)
    assert first.t - pacer.t == pytest.approx(103.0)  # the recorded distance, kept
    assert isinstance(emitted[-1], Status) and emitted[-1].state is LinkState.FINISHED


def test_a_damaged_file_says_so_when_its_replay_starts(tmp_path):
    path = _session_file(tmp_path / "s.bfs", [Sample(1.0 + i, 60, (1000.0,)) for i in range(3)])
    lines = path.read_bytes().split(b"\n")
    lines.insert(2, b'{"t": 1.5, "type": "sam')  # a damaged line in the middle
    path.write_bytes(b"\n".join(lines))
    data = load_recording(path)
    source = ReplaySource(replay_events(data), "s.bfs", problems=data.problems())
    emitted = []
    asyncio.run(source.run(emitted.append, SessionClock(100.0)))
    assert emitted[0].message == "Replaying s.bfs. Parts of it could not be read: 1 damaged line skipped."
