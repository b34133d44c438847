"""The data commands end to end: analyze of every format, export, report, import."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from biofeedback.app import main

DATA = Path(__file__).parent / "data" / "formats"

CODE = """
import sys
from biofeedback.app import main
code = main(sys.argv[1:])
assert "PySide6" not in sys.modules and "scipy" not in sys.modules, "imported Qt or scipy"
sys.exit(code)
"""


def run(*args, env=None):
    return subprocess.run([sys.executable, "-c", CODE, *args], capture_output=True, text=True, timeout=120, env=env)


@pytest.mark.parametrize(
    "name",
    ["psl_verity_sense_PPI.txt", "hrv_logger_RRIntervals.csv", "2017-06-29 13-11-53.txt", "kubios_hrv_report.txt",
     "polar_flow_rr.txt", "welltory_subject_01_RR.txt", "empatica_e4_IBI.csv", "garmin_fenix5_run.fit"],
)
def test_analyze_reads_every_format_without_qt(name):
    result = run("analyze", str(DATA / name), "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["beats"] > 50 and report["imported_format"]


def test_analyze_says_what_it_refused_in_one_line():
    result = run("analyze", str(DATA / "psl_verity_sense_HR.txt"))
    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1
    assert "heart rate only" in result.stderr


def test_analyze_with_column(tmp_path):
    rr = np.loadtxt(DATA.parent.parent.parent / "sample_streams" / "nsrdb_5min_rr_ms.txt")
    path = tmp_path / "table.csv"
    path.write_text("a,b\n" + "\n".join(f"{i},{r:g}" for i, r in enumerate(rr)))
    assert run("analyze", str(path)).returncode == 2
    result = run("analyze", str(path), "--column", "b", "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["beats"] == len(rr)


def test_export_writes_a_new_private_file_and_never_overwrites(tmp_path, capsys):
    out = tmp_path / "beats.csv"
    assert main(["export", str(DATA / "polar_flow_rr.txt"), "--to", "csv", "--out", str(out)]) == 0
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600
    assert out.read_text().startswith("time_s,time_utc,rr_ms")
    assert main(["export", str(DATA / "polar_flow_rr.txt"), "--to", "kubios", "--out", str(out)]) == 2
    assert "already exists" in capsys.readouterr().err


def test_report_cli_writes_pdf_and_png(tmp_path, qapp):
    for name in ("report.pdf", "report.png"):
        out = tmp_path / name
        assert main(["report", "sample:nsrdb_5min", "--out", str(out)]) == 0
        assert out.stat().st_size > 10_000 and stat.S_IMODE(os.stat(out).st_mode) == 0o600
    assert main(["report", "sample:nsrdb_5min", "--out", str(tmp_path / "report.txt")]) == 2


def test_import_makes_sessions_with_the_original_beside_them(tmp_path):
    env = dict(os.environ, XDG_DATA_HOME=str(tmp_path / "data"))
    files = [str(DATA / "psl_verity_sense_PPI.txt"), str(DATA / "psl_verity_sense_HR.txt"), str(DATA / "garmin_fenix5_walk.fit")]
    result = run("import", *files, "--person", "river-42", env=env)
    assert result.returncode == 2  # the HR-only file failed, the others were imported
    assert "heart rate only" in result.stderr and result.stdout.count("Imported") == 2
    folder = tmp_path / "data" / "biofeedback" / "biofeedback" / "sessions"
    sessions = sorted(folder.glob("*.bfs"))
    originals = sorted(folder.glob("*.original.*"))
    assert len(sessions) == 2 and len(originals) == 2
    assert {p.read_bytes() for p in originals} == {Path(f).read_bytes() for f in (files[0], files[2])}
    for session in sessions:
        header = json.loads(session.read_text().splitlines()[0])
        assert header["person"] == "river-42" and header["source_kind"] == "import"
        assert stat.S_IMODE(os.stat(session).st_mode) == 0o600
        # the session analyses like the original itself (its beats are re-read from the copy)
        a = json.loads(run("analyze", str(session), "--json", env=env).stdout)
        original = folder / header["imported"]["original"]
        b = json.loads(run("analyze", str(original), "--json", env=env).stdout)
        for key in ("beats", "gaps", "mean_hr_bpm", "rmssd_ms", "duration_s"):
            assert a[key] == b[key], key
