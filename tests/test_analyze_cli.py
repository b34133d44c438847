"""``biofeedback analyze``: every key, values that match the core, and no Qt."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from biofeedback.core import hrv
from biofeedback.resources import sample_stream

KEYS = {
    "beats", "duration_s", "artifacts", "artifact_pct", "gaps", "gap_s", "mean_rr_ms", "mean_hr_bpm",
    "sdnn_ms", "rmssd_ms", "pnn50_pct", "lf_ms2", "hf_ms2", "lf_hf", "sd1_ms", "sd2_ms", "dfa_alpha1",
    "coherence_mean", "coherence_high_pct", "settings", "ended_cleanly", "skipped_lines",
}

CODE = """
import sys
from biofeedback.app import main
code = main(sys.argv[1:])
assert "PySide6" not in sys.modules and "scipy" not in sys.modules, "analyze imported Qt or scipy"
sys.exit(code)
"""


def run(*args):
    return subprocess.run([sys.executable, "-c", CODE, *args], capture_output=True, text=True, timeout=120)


def test_json_has_every_key_and_no_qt():
    path = sample_stream("nsrdb_5min_rr_ms.txt")
    result = run("analyze", str(path), "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert KEYS <= set(report)
    assert report["beats"] == 337 and report["gaps"] == 0
    assert report["settings"]["hrv"]["resample_hz"] == 4.0
    assert report["settings"]["coherence"]["window_s"] == 64.0
    for key in KEYS - {"settings", "ended_cleanly", "skipped_lines"}:
        assert report[key] is not None, key
    # corrected beats: 4 long/short intervals replaced, so close to but not equal to the raw values
    raw = hrv.time_domain(np.loadtxt(path), np.r_[True, np.zeros(336, dtype=bool)])
    assert report["artifacts"] == 4
    assert report["rmssd_ms"] == pytest.approx(raw["rmssd_ms"], rel=0.1)


def test_table_is_readable():
    result = run("analyze", str(sample_stream("nsrdb_5min_rr_ms.txt")))
    assert result.returncode == 0, result.stderr
    assert "RMSSD" in result.stdout and " ms" in result.stdout and "LF/HF" in result.stdout
    assert "{" not in result.stdout


def test_unreadable_input_is_one_line_and_exit_2(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_text("hello\n")
    result = run("analyze", str(bad))
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1


def test_session_file_with_a_gap_keeps_metrics_outside_it(tmp_path):
    """A strap drops out for 30 s: one gap, and no difference or spectrum spans it.

    Checked against neurokit2 given the beat times (it skips non-successive pairs itself).
    """
    nk = pytest.importorskip("neurokit2")
    from biofeedback.core.samples import LinkState, Status
    from biofeedback.core.timeline import rebuild
    from biofeedback.storage.rr_text import rr_to_samples
    from biofeedback.storage.session_file import SessionWriter, make_header

    rr = np.loadtxt(sample_stream("nsrdb_60min_rr_ms.txt"))[:1200]
    first, second = rr_to_samples(rr[:600]), rr_to_samples(rr[600:])
    offset = first[-1].t + 30.0
    path = tmp_path / "gap.bfs"
    with SessionWriter(path, make_header("test", {}, {}, "test")) as writer:
        for sample in first:
            writer.write_event(sample)
        writer.write_event(Status(first[-1].t + 1.0, LinkState.LOST, "lost"))
        for sample in second:
            writer.write_event(sample.__class__(sample.t + offset, sample.hr_bpm, sample.rr_ms))
        writer.close(second[-1].t + offset)
    result = run("analyze", str(path), "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["gaps"] == 1 and report["gap_s"] > 25.0
    assert report["beats"] == 1200

    from biofeedback.storage.recordings import load_recording

    times, beats, starts = rebuild(load_recording(path).events).arrays()
    assert starts.sum() == 2
    # on the beats as recorded, our gap handling agrees with neurokit2's, given beat times that
    # follow the intervals within each segment (neurokit2 calls a pair successive when the time
    # step equals the interval; the timeline also re-aligns times with the clock by a few ms)
    exact = np.empty_like(times)
    for begin, end in hrv.segment_bounds(starts):
        exact[begin:end] = times[begin] + (np.cumsum(beats[begin:end]) - beats[begin]) / 1000.0
    t = nk.hrv_time({"RRI": beats, "RRI_Time": exact})
    assert hrv.time_domain(beats, starts)["rmssd_ms"] == pytest.approx(t["HRV_RMSSD"][0], rel=1e-3)
    # and the report is those beats, corrected, with the same split
    from biofeedback.core.artifacts import correct

    fixed = correct(times, beats, starts)
    assert fixed.segment_start.sum() == 2
    assert report["rmssd_ms"] == pytest.approx(hrv.time_domain(fixed.rr_ms, fixed.segment_start)["rmssd_ms"], abs=1e-3)
    glued = hrv.time_domain(beats, np.r_[True, np.zeros(len(beats) - 1, dtype=bool)])["rmssd_ms"]
    split = hrv.time_domain(beats, starts)["rmssd_ms"]
    assert split != glued


@pytest.mark.parametrize("values", ["800\n", "800\n810\n790\n805\n", "800\n810\n790\n805\n100\n"])
def test_too_little_data_says_so_instead_of_failing(tmp_path, values):
    path = tmp_path / "short.txt"
    path.write_text(values)
    table = run("analyze", str(path))
    assert table.returncode == 0, table.stderr
    assert "not enough data" in table.stdout
    report = json.loads(run("analyze", str(path), "--json").stdout)
    assert report["lf_ms2"] is None and report["coherence_mean"] is None and report["dfa_alpha1"] is None
    assert report["beats"] == sum(1 for v in values.split() if float(v) >= 300)


@pytest.mark.parametrize("values, reason", [("100\n120\n", "heart rates"), ("0\n0\n0\n", "zero"), ("99999\n" * 20, "all 20 values are 99999")])
def test_numbers_that_are_not_rr_intervals_are_refused(tmp_path, values, reason):
    path = tmp_path / "not_rr.txt"
    path.write_text(values)
    result = run("analyze", str(path))
    assert result.returncode == 2
    assert reason in result.stderr and len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("seconds, lf_available, hf_available", [(62, False, True), (45, False, False), (130, True, True)])
def test_spectral_metrics_a_recording_is_too_short_for_are_not_available_with_why(tmp_path, seconds, lf_available, hf_available):
    """Task Force 1996: about a minute of beats for HF, two for LF; shorter is said, never a number."""
    rr = np.loadtxt(sample_stream("nsrdb_5min_rr_ms.txt"))
    cut = rr[: int(np.searchsorted(np.cumsum(rr), seconds * 1000.0))]
    path = tmp_path / "short.txt"
    path.write_text("\n".join(f"{x:g}" for x in cut))
    report = json.loads(run("analyze", str(path), "--json").stdout)
    for key, available in (("lf_ms2", lf_available), ("lf_hf", lf_available), ("hf_ms2", hf_available)):
        if available:
            assert report[key] is not None and key not in report["not_available"]
        else:
            assert report[key] is None
            assert report["not_available"][key].startswith("needs at least")
    table = run("analyze", str(path)).stdout
    assert ("LF power (0.04-0.15 Hz)        not available: needs at least 120 s" in table) is not lf_available
