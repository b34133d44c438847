"""A primed live analyser is the analyser that was fed every beat (review starts mid-recording)."""

from __future__ import annotations

import numpy as np
import pytest

from biofeedback.core.live import LiveAnalyzer
from biofeedback.core.pacer import PacerSettings


def _same(a, b) -> None:
    assert a is not None and b is not None
    for name in a.__slots__:
        x, y = getattr(a, name), getattr(b, name)
        if isinstance(x, np.ndarray) or isinstance(y, np.ndarray):
            np.testing.assert_array_equal(x, y)
        else:
            assert x == y, name


@pytest.mark.parametrize("stop", [5, 40, 300, 2000, 4683])
def test_priming_equals_feeding_every_beat(nsrdb_60min_rr, stop):
    rr = nsrdb_60min_rr.copy()
    rr[1200] = 250.0  # an implausibly short beat and a gap, so segments and artefacts matter
    times = np.cumsum(rr) / 1000.0
    starts = np.zeros(len(rr), dtype=bool)
    starts[[0, 2500]] = True
    pacer = PacerSettings.from_rate(6.0)
    fed = LiveAnalyzer(pacer)
    for i in range(stop):
        metrics = fed.update(times[i : i + 1], rr[i : i + 1], new_segment=bool(starts[i]))
    primed = LiveAnalyzer(pacer)
    _same(primed.prime(times[:stop], rr[:stop], starts[:stop]), metrics)
    # and it goes on exactly as the fed one
    for i in range(stop, min(stop + 50, len(rr))):
        _same(primed.update(times[i : i + 1], rr[i : i + 1], bool(starts[i])), fed.update(times[i : i + 1], rr[i : i + 1], bool(starts[i])))


def test_priming_with_nothing_gives_nothing():
    assert LiveAnalyzer().prime(np.empty(0), np.empty(0), np.empty(0, dtype=bool)) is None
