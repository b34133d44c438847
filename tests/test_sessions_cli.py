"""biofeedback sessions on the command line, with a library in a private data folder."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from recorded import record_demo

KEYS = ("path", "person", "started_utc", "duration_s", "beats", "mean_hr_bpm", "rmssd_ms", "coherence_mean", "ratings", "blood_pressure")


def run(*args, data_home):
    env = dict(os.environ, XDG_DATA_HOME=str(data_home), QT_QPA_PLATFORM="offscreen")
    return subprocess.run([sys.executable, "-m", "biofeedback", *args], capture_output=True, text=True, timeout=120, env=env)


def test_sessions_lists_the_library_as_json_and_as_a_table(tmp_path):
    sessions = tmp_path / "biofeedback" / "biofeedback" / "sessions"
    sessions.mkdir(parents=True)
    record_demo(sessions / "a.bfs", 150.0, person="Robin", seed=1, markers=(), drop=None, pacer_change=None)
    record_demo(sessions / "b.bfs", 150.0, person="Sam", seed=2, markers=(), drop=None, pacer_change=None, ratings=False)
    (sessions / "broken.bfs").write_bytes(b"\x00\x01 not a session\n")
    done = run("sessions", "--json", data_home=tmp_path)
    assert done.returncode == 0, done.stderr
    listed = json.loads(done.stdout)
    assert len(listed) == 3 and all(set(KEYS) <= set(item) for item in listed)
    robin = next(item for item in listed if item["person"] == "Robin")
    assert robin["ratings"] == {"before": {"pain": 6, "stress": 7, "mood": 2}, "after": {"pain": 3, "stress": 2, "mood": 4}}
    assert robin["beats"] > 100 and 50 < robin["mean_hr_bpm"] < 100 and robin["path"].endswith("a.bfs")
    broken = next(item for item in listed if item["path"].endswith("broken.bfs"))
    assert broken["error"] and broken["beats"] is None
    only = json.loads(run("sessions", "--person", "Sam", "--json", data_home=tmp_path).stdout)
    assert [item["person"] for item in only] == ["Sam"]
    table = run("sessions", data_home=tmp_path)
    lines = table.stdout.splitlines()
    assert lines[0].split()[:4] == ["Date", "Person", "Length", "Source"]
    assert any("Robin" in line and "6 -> 3" in line and "7 -> 2" in line for line in lines)
    assert any("cannot be read" in line for line in lines)
    nobody = run("sessions", "--person", "Kim", data_home=tmp_path)
    assert nobody.returncode == 0 and "No sessions for Kim. People in the library: Robin, Sam." in nobody.stdout


def test_record_without_out_saves_into_the_library(tmp_path):
    done = run("record", "--source", "demo?seed=3", "--duration", "90", "--speed", "50", "--person", "Kim", data_home=tmp_path)
    assert done.returncode == 0, done.stderr
    listed = json.loads(run("sessions", "--person", "Kim", "--json", data_home=tmp_path).stdout)
    assert len(listed) == 1 and listed[0]["person"] == "Kim" and listed[0]["duration_s"] > 80


def test_a_damaged_index_is_rebuilt_and_said_once(tmp_path):
    sessions = tmp_path / "biofeedback" / "biofeedback" / "sessions"
    sessions.mkdir(parents=True)
    record_demo(sessions / "a.bfs", 120.0, person="Robin", seed=1, markers=(), drop=None, pacer_change=None)
    assert len(json.loads(run("sessions", "--json", data_home=tmp_path).stdout)) == 1
    (tmp_path / "biofeedback" / "biofeedback" / "library.sqlite3").write_bytes(os.urandom(4096))
    again = run("sessions", "--json", data_home=tmp_path)
    assert again.returncode == 0 and len(json.loads(again.stdout)) == 1
    assert again.stderr.count("rebuilt from the session files") == 1


def test_the_library_window_opens_on_the_command_line(tmp_path):
    sessions = tmp_path / "biofeedback" / "biofeedback" / "sessions"
    sessions.mkdir(parents=True)
    record_demo(sessions / "a.bfs", 120.0, person="Robin", seed=1, markers=(), drop=None, pacer_change=None)
    png = tmp_path / "library.png"
    done = run("library", "--person", "Robin", "--screenshot", str(png), "--quit-after", "2", data_home=tmp_path)
    assert done.returncode == 0, done.stderr
    assert png.stat().st_size > 5000
