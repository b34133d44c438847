"""The window and ``biofeedback record`` run one session core: from the same demo seed and speed
they write the same session file, event for event (only the times at which things happened
differ)."""

from __future__ import annotations

import os
import subprocess
import sys

from biofeedback.storage.session_file import read_session

SEED_SPEC = "demo?seed=7&ectopic=0.02"


def _run(args, env):
    return subprocess.run([sys.executable, "-m", "biofeedback", *args], env=env, capture_output=True, text=True, timeout=120)


def _story(path):
    """What a file says happened, without when: each event's kind and content, in order."""
    data = read_session(path)
    # a notification's time is fixed by the demo's seed, whenever the source started (a loaded
    # machine may start the window's source a few notifications later than record's)
    samples = {s.t: (s.hr_bpm, s.rr_ms, s.contact.value) for s in data.samples}
    pacers = [settings for _, settings in data.pacer_changes]
    sources = [(s.info.kind.value, s.info.spec, s.info.live) for s in data.sources]
    header = {k: data.header[k] for k in ("format", "version", "minor", "person", "source", "device", "source_kind")}
    return header, sources, pacers, samples


def test_window_and_record_write_the_same_session(tmp_path):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_DATA_HOME=str(tmp_path / "data"), XDG_CONFIG_HOME=str(tmp_path / "config"))
    recorded = tmp_path / "record.bfs"
    result = _run(["record", "--source", SEED_SPEC, "--speed", "20", "--duration", "60", "--out", str(recorded)], env)
    assert result.returncode == 0, result.stderr
    result = _run(["--source", SEED_SPEC, "--speed", "20", "--record", "--quit-after", "3", "--screenshot", str(tmp_path / "w.png")], env)
    assert result.returncode == 0, result.stderr
    [windowed] = (tmp_path / "data" / "biofeedback" / "biofeedback" / "sessions").glob("*.bfs")

    header_r, sources_r, pacers_r, samples_r = _story(recorded)
    header_w, sources_w, pacers_w, samples_w = _story(windowed)
    assert header_w == header_r
    assert sources_w == sources_r == [("demo", SEED_SPEC, True)]
    assert pacers_w == pacers_r
    common = sorted(set(samples_r) & set(samples_w))
    assert len(common) >= 30  # both ran for most of a minute of session time, on one schedule
    assert [samples_w[t] for t in common] == [samples_r[t] for t in common]
    assert sum(len(samples_r[t][1]) for t in common) >= 30  # and the samples carry beats
    # and neither skipped or added a notification within the stretch both covered
    assert [t for t in samples_w if common[0] <= t <= common[-1]] == [t for t in samples_r if common[0] <= t <= common[-1]]
