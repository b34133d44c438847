"""Record -> export -> import -> analyze keeps every beat, gap and metric (to 0.1 %)."""

from __future__ import annotations

import datetime as dt
import json
import math

import numpy as np
import pytest

from biofeedback.app import main
from biofeedback.core.samples import LinkState, Sample, Status
from biofeedback.core.summary import analyze
from biofeedback.resources import sample_stream
from biofeedback.storage.formats.export import TARGETS, export_recording, wall_clock_at_zero
from biofeedback.storage.recordings import load_recording, timeline_of
from biofeedback.storage.rr_text import rr_to_samples
from biofeedback.storage.session_file import Marker, SessionWriter, make_header

#: Metrics compared; counts must be equal, values within 0.1 %.
COUNTS = ("beats", "gaps", "artifacts", "rejected_rr")
VALUES = ("duration_s", "gap_s", "mean_rr_ms", "mean_hr_bpm", "sdnn_ms", "rmssd_ms", "pnn50_pct", "lf_ms2", "hf_ms2", "lf_hf", "sd1_ms", "sd2_ms", "dfa_alpha1", "coherence_mean", "coherence_high_pct")


def strap_session(path):
    """A strap session as the app records it: notifications with a little arrival jitter,
    a 30-s drop-out (the link lost), markers; intervals quantised to 1/1024 s as straps send them."""
    rng = np.random.default_rng(11)
    rr = np.round(np.loadtxt(sample_stream("nsrdb_60min_rr_ms.txt"))[:1500] * 1.024) / 1.024
    first, second = rr_to_samples(rr[:800]), rr_to_samples(rr[800:])
    offset = first[-1].t + 30.0
    with SessionWriter(path, make_header("ble:A0:9E:1A:00:00:01", {"name": "Polar H10 0A1B2C3D"}, {"speed": 1.0}, "test")) as w:
        pending = [(60.0, "pacer"), (120.0, "marker")]  # written in time order, as the app does
        for s in first:
            while pending and pending[0][0] <= s.t:
                t, kind = pending.pop(0)
                if kind == "pacer":
                    w.write_pacer(t, {"inhale_s": 4.0, "hold_in_s": 0.0, "exhale_s": 6.0, "hold_out_s": 0.0})
                else:
                    w.write_marker(Marker(t, "eyes closed", 1))
            w.write_event(Sample(s.t + rng.uniform(0, 0.08), s.hr_bpm, s.rr_ms))
        w.write_event(Status(first[-1].t + 1.0, LinkState.LOST, "lost"))
        for s in second:
            w.write_event(Sample(s.t + offset + rng.uniform(0, 0.08), s.hr_bpm, s.rr_ms))
    return path


def assert_same_analysis(a, b):
    for key in COUNTS:
        assert a[key] == b[key], key
    for key in VALUES:
        if a[key] is None:
            assert b[key] is None, key
        else:
            assert b[key] == pytest.approx(a[key], rel=1e-3, abs=1e-9), key


@pytest.fixture(scope="module")
def recordings(tmp_path_factory):
    folder = tmp_path_factory.mktemp("recorded")
    strap = strap_session(folder / "strap.bfs")
    demo = folder / "demo.bfs"
    assert main(["record", "--source", "demo?seed=4&ectopic=0.02", "--duration", "420", "--speed", "60", "--out", str(demo)]) == 0
    return {"strap": strap, "demo": demo}


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("which", ["strap", "demo"])
def test_export_reads_back_with_every_beat_and_metric(recordings, tmp_path, target, which):
    original = load_recording(recordings[which], as_packets=False)
    before = analyze(timeline_of(original))
    exported = tmp_path / f"export.{target}"
    exported.write_text(export_recording(original, target, "biofeedback test"))
    back = load_recording(exported, as_packets=False)
    assert back.imported is not None and "biofeedback" in back.imported.format
    after = analyze(timeline_of(back))
    assert_same_analysis(before, after)
    t0, r0, s0 = timeline_of(original).arrays()
    t1, r1, s1 = timeline_of(back).arrays()
    assert np.array_equal(s0, s1)
    assert np.allclose(r0, r1, atol=5e-4) and np.allclose(t0, t1, atol=5e-5)
    # CSV rows carry wall-clock times to the ms; the others the start itself
    tolerance = dt.timedelta(milliseconds=2 if target == "csv" else 1)
    assert abs(wall_clock_at_zero(back.header) - wall_clock_at_zero(original.header)) <= tolerance
    if which == "strap":
        assert before["gaps"] == 1


def test_exports_of_an_export_are_stable(recordings, tmp_path):
    """Export, import, export again: the same file."""
    data = load_recording(recordings["strap"], as_packets=False)
    for target in ("csv", "kubios"):
        first = export_recording(data, target, "x")
        path = tmp_path / f"a.{target}"
        path.write_text(first)
        again = export_recording(load_recording(path, as_packets=False), target, "x")
        if target == "kubios":
            assert again.splitlines()[5:] == first.splitlines()[5:]
            continue
        # beats, times and classes identical; wall-clock times to the ms written; the live
        # coherence to its third decimal (beat times were written to 0.1 ms)
        rows = (lambda text: [line.split(",") for line in text.splitlines()[1:]])
        a, b = rows(first), rows(again)
        assert [r[:1] + r[2:6] + r[7:] for r in a] == [r[:1] + r[2:6] + r[7:] for r in b]
        ca = np.array([float(r[6]) if r[6] else np.nan for r in a])
        cb = np.array([float(r[6]) if r[6] else np.nan for r in b])
        assert np.allclose(ca, cb, atol=2e-3, equal_nan=True)


def test_csv_opens_cleanly_in_a_spreadsheet_reader(recordings, tmp_path):
    pd = pytest.importorskip("pandas")
    data = load_recording(recordings["demo"], as_packets=False)
    path = tmp_path / "beats.csv"
    path.write_bytes(export_recording(data, "csv", "x").encode())
    table = pd.read_csv(path)
    times, rr, _ = timeline_of(data).arrays()
    assert list(table.columns) == ["time_s", "time_utc", "rr_ms", "hr_bpm", "artifact", "corrected_rr_ms", "coherence", "segment"]
    assert len(table) == len(rr) and np.allclose(table["rr_ms"], rr, atol=5e-4)
    assert np.allclose(table["hr_bpm"], 60000 / rr, atol=0.05)
    # coherence appears once a 64-s window of beats exists, as in the live view
    assert table["coherence"].isna().iloc[:30].all() and table["coherence"].notna().iloc[-100:].all()
    # the artefacts flagged are those analyze counted
    assert table["artifact"].notna().sum() == analyze(timeline_of(data))["artifacts"]
    assert pd.to_datetime(table["time_utc"]).is_monotonic_increasing


def test_json_carries_markers_and_the_analysis(recordings, tmp_path):
    data = load_recording(recordings["strap"], as_packets=False)
    doc = json.loads(export_recording(data, "json", "x"))
    assert doc["markers"] == [{"t": 120.0, "label": "eyes closed", "id": 1}]
    assert doc["pacer_changes"][0]["settings"]["exhale_s"] == 6.0
    assert doc["analysis"]["beats"] == 1500 and doc["analysis"]["gaps"] == 1
    assert doc["header"]["device"]["name"] == "Polar H10 0A1B2C3D"
    assert all(not (isinstance(v, float) and math.isnan(v)) for v in doc["analysis"].values())
