"""Artefact detection and correction on real recordings with artefacts injected at known places.

Injected every 40 beats into the 60-minute MIT-BIH NSRDB recording (115 artefacts):
- missed: two intervals merged into one (a beat the strap did not see);
- extra: one interval split at 25-45 % (a spurious beat);
- ectopic: a beat 25-35 % early, followed by its compensatory pause.

A detection counts as a hit when it lies within one beat of the injected position. A false
positive is a flag farther than one beat from every injected artefact that the same detector does
not also raise on the recording without injections (the real recording has a few irregular beats
of its own, about 1.6 %, which are not false positives of the detector).
"""

from __future__ import annotations

import numpy as np
import pytest

from biofeedback.core import artifacts, hrv
from biofeedback.core.artifacts import ArtifactKind

KINDS = ("missed", "extra", "ectopic")


def inject(rr: np.ndarray, kinds, seed: int = 0, spacing: int = 40) -> tuple[np.ndarray, list[tuple[int, str]]]:
    rng = np.random.default_rng(seed)
    out: list[float] = []
    truth = []
    positions = set(range(60, len(rr) - 60, spacing))
    i = k = 0
    while i < len(rr):
        if i in positions:
            kind = kinds[k % len(kinds)]
            k += 1
            if kind == "missed":
                out.append(rr[i] + rr[i + 1])
                truth.append((len(out) - 1, kind))
                i += 2
                continue
            if kind == "extra":
                f = rng.uniform(0.25, 0.45)
                out.append(rr[i] * f)
                truth.append((len(out) - 1, kind))
                out.append(rr[i] * (1 - f))
                i += 1
                continue
            if kind == "ectopic":
                early = rng.uniform(0.25, 0.35) * rr[i]
                out.append(rr[i] - early)
                truth.append((len(out) - 1, kind))
                out.append(rr[i + 1] + early)
                i += 2
                continue
        out.append(rr[i])
        i += 1
    return np.asarray(out), truth


def _segment(n: int) -> np.ndarray:
    s = np.zeros(n, dtype=bool)
    s[0] = True
    return s


def _score(flagged: set[int], truth, clean_times: np.ndarray, times: np.ndarray) -> tuple[float, int]:
    positions = np.array([j for j, _ in truth])
    hits = sum(1 for j in positions if any(abs(j - f) <= 1 for f in flagged))
    own = set(np.round(clean_times, 3))
    false = [f for f in flagged if np.min(np.abs(positions - f)) > 1 and round(float(times[f]), 3) not in own]
    return hits / len(positions), len(false)


@pytest.fixture(scope="module")
def corrupted(nsrdb_60min_rr):
    return inject(nsrdb_60min_rr, KINDS)


def test_batch_detector_finds_injected_artefacts(nsrdb_60min_rr, corrupted):
    bad, truth = corrupted
    times = np.cumsum(bad) / 1000.0
    clean_times = np.cumsum(nsrdb_60min_rr) / 1000.0
    clean_flags = clean_times[list(artifacts.detect(nsrdb_60min_rr))]
    found = artifacts.detect(bad)
    recall, false = _score(set(found), truth, clean_flags, times)
    # measured: recall 1.00 (115 of 115), 9 false positives in 4683 beats (0.19 %)
    assert recall >= 0.97
    assert false / len(bad) <= 0.003
    # missed and extra beats are told apart as such
    for kind in ("missed", "extra"):
        right = sum(1 for j, k in truth if k == kind and found.get(j) is ArtifactKind(kind))
        assert right >= 0.85 * sum(1 for _, k in truth if k == kind), kind


def test_correction_restores_rmssd(nsrdb_60min_rr, corrupted):
    bad, _ = corrupted
    clean = artifacts.correct(np.cumsum(nsrdb_60min_rr) / 1000.0, nsrdb_60min_rr, _segment(len(nsrdb_60min_rr)))
    fixed = artifacts.correct(np.cumsum(bad) / 1000.0, bad, _segment(len(bad)))
    rmssd = lambda c: hrv.time_domain(c.rr_ms, c.segment_start)["rmssd_ms"]  # noqa: E731
    raw_bad = hrv.time_domain(bad, _segment(len(bad)))["rmssd_ms"]
    assert raw_bad > 2 * rmssd(clean)  # the injected artefacts more than double RMSSD
    truth = hrv.time_domain(nsrdb_60min_rr, _segment(len(nsrdb_60min_rr)))["rmssd_ms"]
    # measured: 60.54 ms corrected vs 60.52 ms for the recording without injections (NN intervals
    # of annotated normal beats, the ground truth). The detector also smooths some of the
    # recording's own irregular beats (57.09 ms after correcting the clean recording).
    assert rmssd(fixed) == pytest.approx(truth, rel=0.03)
    assert rmssd(fixed) == pytest.approx(rmssd(clean), rel=0.08)
    # correction keeps time: the corrected series lasts as long as the corrupted one
    assert fixed.rr_ms.sum() == pytest.approx(bad.sum(), rel=0.002)
    assert fixed.report.count >= 115


def test_causal_detector_finds_injected_artefacts(nsrdb_60min_rr, corrupted):
    bad, truth = corrupted
    times = np.cumsum(bad) / 1000.0
    detector = artifacts.CausalDetector()
    flagged = set()
    for i, r in enumerate(bad):
        final, _ = detector.push(r)
        if final is not None and final.kind is not None:
            flagged.add(i - final.age)
    clean_detector = artifacts.CausalDetector()
    clean_times = np.cumsum(nsrdb_60min_rr) / 1000.0
    own = []
    for i, r in enumerate(nsrdb_60min_rr):
        final, _ = clean_detector.push(r)
        if final is not None and final.kind is not None:
            own.append(clean_times[i - final.age])
    recall, false = _score(flagged, truth, np.array(own), times)
    # measured: recall 1.00, 7 false positives in 4683 beats (0.15 %)
    assert recall >= 0.95
    assert false / len(bad) <= 0.005


def test_batch_detection_agrees_with_neurokit(corrupted):
    """neurokit2's implementation of the same paper flags nearly the same beats."""
    from neurokit2.signal.signal_fixpeaks import _find_artifacts

    bad, _ = corrupted
    peaks = np.concatenate(([0.0], np.cumsum(bad)))  # ms, as samples at 1000 Hz
    theirs, _ = _find_artifacts(peaks, sampling_rate=1000)
    theirs = {i - 1 for v in theirs.values() for i in v}
    ours = set(artifacts.detect(bad))
    # neurokit2 also flags the beat after an ectopic one (its echo), which we correct with it
    near = lambda j, flags: any(abs(j - f) <= 1 for f in flags)  # noqa: E731
    assert sum(near(j, theirs) for j in ours) >= 0.95 * len(ours)
    assert sum(near(j, ours) for j in theirs) >= 0.95 * len(theirs)


def test_gaps_split_detection(nsrdb_5min_rr):
    rr = nsrdb_5min_rr.copy()
    times = np.cumsum(rr) / 1000.0
    starts = _segment(len(rr))
    starts[150] = True
    times[150:] += 60.0
    fixed = artifacts.correct(times, rr, starts)
    assert fixed.segment_start.sum() == 2
    assert fixed.segment_start[0]


def test_short_series_are_left_alone():
    assert artifacts.detect(np.array([800.0, 810.0, 790.0])) == {}


def test_real_wrist_artefacts_are_found_where_neurokit_finds_them():
    """A wrist PPG recording (heartpy's example data) with its own, real artefacts."""
    from neurokit2.signal.signal_fixpeaks import _find_artifacts

    from biofeedback.resources import sample_stream

    rr = np.loadtxt(sample_stream("heartpy_ppg_11min_rr_ms.txt"))
    ours = artifacts.detect(rr)
    theirs, _ = _find_artifacts(np.concatenate(([0.0], np.cumsum(rr))), sampling_rate=1000)
    theirs = {i - 1 for v in theirs.values() for i in v}
    assert len(ours) >= 10
    near = lambda j, flags: any(abs(j - f) <= 1 for f in flags)  # noqa: E731
    assert sum(near(j, theirs) for j in ours) >= 0.9 * len(ours)
    assert sum(near(j, ours) for j in theirs) >= 0.9 * len(theirs)
    fixed = artifacts.correct(np.cumsum(rr) / 1000.0, rr, _segment(len(rr)))
    assert hrv.time_domain(fixed.rr_ms, fixed.segment_start)["rmssd_ms"] < hrv.time_domain(rr, _segment(len(rr)))["rmssd_ms"]


def test_thresholds_are_the_papers_rolling_quartile_deviation(nsrdb_60min_rr):
    """Exact against pandas' centred rolling quantiles (what neurokit2 uses); strided within 5 %."""
    import pandas as pd

    x = np.abs(np.diff(nsrdb_60min_rr))
    rolling = pd.Series(x).rolling(91, center=True, min_periods=1)
    expected = ((rolling.quantile(0.75) - rolling.quantile(0.25)) / 2).to_numpy()
    np.testing.assert_allclose(artifacts._rolling_quartile_deviation(x, 91), expected, rtol=1e-12)
    strided = artifacts._rolling_quartile_deviation(x, 91, artifacts.THRESHOLD_STRIDE)
    assert np.median(np.abs(strided - expected) / expected) < 0.05
