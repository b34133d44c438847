"""The command line as a person uses it: real processes, real files, clear one-line errors."""

import datetime
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from biofeedback.resources import sample_stream
from biofeedback.storage.session_file import read_session


def run(*args, timeout=60, **kwargs):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    return subprocess.run(
        [sys.executable, "-m", "biofeedback", *args], capture_output=True, text=True, timeout=timeout, env=env, **kwargs
    )


def test_record_ten_minutes_of_demo_at_speed_50_then_analyze(tmp_path):
    out = tmp_path / "s.bfs"
    started = time.monotonic()
    result = run("record", "--source", "demo?seed=4", "--speed", "50", "--duration", "600", "--out", str(out))
    elapsed = time.monotonic() - started
    assert result.returncode == 0, result.stderr
    assert elapsed < 20
    analysis = run("analyze", str(out), "--json")
    assert analysis.returncode == 0, analysis.stderr
    report = json.loads(analysis.stdout)
    assert 590 <= report["duration_s"] <= 601
    assert 550 <= report["beats"] <= 800
    assert 55 < report["mean_hr_bpm"] < 85
    assert report["gaps"] == 0 and report["gap_s"] == 0
    assert oct(out.stat().st_mode & 0o777) == "0o600"


def test_a_killed_recording_is_readable_missing_at_most_the_last_second(tmp_path):
    out = tmp_path / "killed.bfs"
    proc = subprocess.Popen(
        [sys.executable, "-m", "biofeedback", "record", "--source", "demo?seed=5", "--out", str(out)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and (not out.exists() or out.read_bytes().count(b'"type":"sample"') < 4):
            time.sleep(0.05)
        time.sleep(0.7)
        os.kill(proc.pid, signal.SIGKILL)
        killed_at = datetime.datetime.now(datetime.timezone.utc)
        proc.wait(10)
    finally:
        if proc.poll() is None:
            proc.kill()
    data = read_session(out)
    assert not data.ended_cleanly
    started = datetime.datetime.fromisoformat(data.header["started_utc"])
    session_time_at_kill = (killed_at - started).total_seconds() + data.header["started_t"]
    last_t = max(e.t for e in data.events)
    # the demo notifies every second; everything up to the last notification is on disk
    assert last_t >= session_time_at_kill - 1.0 - 1.1
    report = json.loads(run("analyze", str(out), "--json").stdout)
    assert report["beats"] >= 3


def test_sigterm_closes_the_file_cleanly(tmp_path):
    out = tmp_path / "term.bfs"
    proc = subprocess.Popen(
        [sys.executable, "-m", "biofeedback", "record", "--source", "demo", "--speed", "20", "--out", str(out)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and (not out.exists() or out.stat().st_size < 1500):
        time.sleep(0.05)
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(10) == 0
    assert read_session(out).ended_cleanly


@pytest.mark.parametrize("spec", ["path", "sample:nsrdb_5min"])
def test_record_replays_a_real_recording_faithfully(tmp_path, spec):
    out = tmp_path / "replayed.bfs"
    source = sample_stream("nsrdb_5min_rr_ms.txt")
    spec = str(source) if spec == "path" else spec
    result = run("record", "--source", spec, "--speed", "100", "--out", str(out))
    assert result.returncode == 0, result.stderr
    data = read_session(out)
    assert data.ended_cleanly
    sent = [float(x) for x in source.read_text().split()]
    recorded = [r for s in data.samples for r in s.rr_ms]
    assert recorded == pytest.approx(sent)


@pytest.mark.parametrize(
    "make_input, message",
    [
        (lambda d: d / "missing.bfs", "does not exist"),
        (lambda d: d, "is a folder"),
        (lambda d: _write(d / "random.bin", os.urandom(2048)), "not a text file|not the start of a recording"),
        (lambda d: _write(d / "empty.txt", b""), "is empty"),
    ],
)
@pytest.mark.parametrize("command", ["analyze", "replay", "record"])
def test_bad_input_gives_one_clear_line_and_exit_code_2(tmp_path, make_input, message, command):
    path = make_input(tmp_path)
    args = {
        "analyze": ["analyze", str(path)],
        "replay": ["--source", str(path), "--screenshot", str(tmp_path / "x.png"), "--quit-after", "1"],
        "record": ["record", "--source", str(path), "--out", str(tmp_path / "new.bfs")],
    }[command]
    result = run(*args)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    import re

    assert re.search(message, lines[0])
    assert not (tmp_path / "new.bfs").exists()


@pytest.mark.parametrize(
    "args, message",
    [
        (["--source", "bogus"], "Unknown source 'bogus'"),
        (["--source", "sample:nope"], "There is no bundled recording 'nope'. Choose one of: "),
        (["--source", "demo?resonance=abc"], "resonance='abc' is not valid"),
        (["--source", "demo?colour=blue"], "Unknown demo setting 'colour'"),
        (["--source", "demo?hr=500"], "hr must be 30-200"),
        (["--speed", "0"], "must be greater than 0"),
        (["record", "--source", "demo", "--speed", "inf"], "the speed must be a finite number, not 'inf'"),
        (["--speed", "1e300"], "the speed '1e300' must be between 0.25 and 200"),
        (["frobnicate"], "invalid choice"),
    ],
)
def test_usage_errors_are_one_line_with_exit_code_2(args, message):
    result = run(*args)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert message in result.stderr


def test_record_never_overwrites(tmp_path):
    out = tmp_path / "s.bfs"
    out.write_text("precious")
    result = run("record", "--source", "demo", "--duration", "1", "--out", str(out))
    assert result.returncode == 2 and "already exists" in result.stderr
    assert out.read_text() == "precious"


def test_record_does_not_import_qt(tmp_path):
    code = (
        "import sys; from biofeedback.app import main;"
        f"rc = main(['record', '--source', 'demo', '--speed', '50', '--duration', '5', '--out', {str(tmp_path / 'q.bfs')!r}]);"
        "assert rc == 0; assert 'PySide6' not in sys.modules, 'record imported Qt'"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr


def test_window_screenshot(tmp_path):
    png = tmp_path / "window.png"
    result = run("--source", "demo", "--speed", "10", "--screenshot", str(png), "--quit-after", "3")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    from PySide6.QtGui import QImage

    image = QImage(str(png))
    assert image.width() >= 800 and image.height() >= 500
    # a living screen: the heart-rate trace (Okabe-Ito orange) is drawn
    orange = sum(
        1
        for x in range(0, image.width(), 3)
        for y in range(0, image.height(), 3)
        if _near(image.pixelColor(x, y), (0xE6, 0x9F, 0x00))
    )
    assert orange > 30


def _near(colour, rgb, tol=40):
    return abs(colour.red() - rgb[0]) + abs(colour.green() - rgb[1]) + abs(colour.blue() - rgb[2]) < tol


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_a_reader_that_stops_early_gets_no_traceback():
    source = sample_stream("nsrdb_5min_rr_ms.txt")
    proc = subprocess.Popen(
        [sys.executable, "-m", "biofeedback", "analyze", "--json", str(source)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    proc.stdout.close()  # like `| head -0`
    _, err = proc.communicate(timeout=60)
    assert "Traceback" not in err
    assert proc.returncode in (0, 141)


def test_the_remembered_strap_is_found_without_qt(tmp_path):
    """``record --source ble`` asks storage for the remembered strap; Qt is never imported."""
    code = (
        "import sys; from biofeedback.storage.remembered import StrapMemory;"
        "StrapMemory().remember('C0:FF:EE:12:34:56', 'Polar H10');"
        "from biofeedback.app.sources import make_source; s = make_source('ble');"
        "assert s.preferred == 'C0:FF:EE:12:34:56', s.preferred;"
        "assert 'PySide6' not in sys.modules, 'finding the strap imported Qt'"
    )
    env = dict(os.environ, XDG_DATA_HOME=str(tmp_path))
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, env=env)
    assert result.returncode == 0, result.stderr
