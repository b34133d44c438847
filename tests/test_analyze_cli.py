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
