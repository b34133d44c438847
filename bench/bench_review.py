"""Opening a 24-hour session into review, and seeking in it, against today's reader.

Run: python bench/bench_review.py [--runs 5] [--seeks 300] [--window]

The 24-hour session file (about 90 000 notification lines, 117 000 beats) is written to a
temporary folder by tiling the real 60-minute MIT-BIH NSRDB recording into strap-like
notifications, with a marker every hour; it is never committed.

- **open**: read the file, rebuild every beat as live (the review's per-notification beats),
  and compute the overview strip (corrected beats, heart-rate columns, coherence levels). The
  baseline, measured in the same run and interleaved with ours, is today's reader
  (``read_session_reference``: every line through ``json.loads``) followed by the same rebuild.
- **seek**: ``ReviewSession.seek`` to random points (the session core started at the playhead:
  analyser primed from the beats before it, plots, trend, markers, pacer, state), once the
  coherence track is complete; and the time to complete the trend after a seek into a part the
  track had not reached yet.
- **track**: the background pass of the live analyser over the whole day (CPU time).
- ``--window``: also a seek followed by a full redraw of the review window, offscreen.

Prints wall-clock and CPU seconds, best and median of the runs, and the ratios.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from biofeedback.core.annotations import Marker
from biofeedback.core.live import LiveAnalyzer
from biofeedback.core.review import ReviewRecording, ReviewSession
from biofeedback.core.session import SessionCore
from biofeedback.core.timeline import rebuild
from biofeedback.resources import sample_stream
from biofeedback.storage.rr_text import rr_to_samples
from biofeedback.storage.session_file import SessionWriter, make_header, read_session, read_session_reference


def write_day(path: Path) -> int:
    rr = np.loadtxt(sample_stream("nsrdb_60min_rr_ms.txt"))
    day = np.tile(rr, int(np.ceil(24 * 3600 * 1000 / rr.sum())))
    samples = rr_to_samples(day)
    with SessionWriter(path, make_header("bench", {}, {}, "bench")) as writer:
        writer.write_pacer(0.0, {"inhale_s": 4.0, "hold_in_s": 0.0, "exhale_s": 6.0, "hold_out_s": 0.0})
        hour = 1
        for sample in samples:
            if sample.t >= hour * 3600:
                writer.write(Marker(sample.t, f"hour {hour}", hour))
                hour += 1
            writer.write(sample)
    return len(samples)


def timed(fn):
    w, c = time.perf_counter(), time.process_time()
    result = fn()
    return result, time.perf_counter() - w, time.process_time() - c


PHASES: dict[str, list[float]] = {"read": [], "rebuild": [], "overview": []}


def open_ours(path: Path) -> ReviewRecording:
    t0 = time.perf_counter()
    data = read_session(path)
    t1 = time.perf_counter()
    recording = ReviewRecording.from_session(data)
    t2 = time.perf_counter()
    recording.overview  # noqa: B018 - computed when asked for
    t3 = time.perf_counter()
    for name, seconds in zip(PHASES, (t1 - t0, t2 - t1, t3 - t2)):
        PHASES[name].append(seconds)
    return recording


def open_baseline(path: Path):
    data = read_session_reference(path)
    return rebuild(data.events)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seeks", type=int, default=300)
    parser.add_argument("--window", action="store_true", help="also time a seek with a full redraw of the review window")
    args = parser.parse_args()
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "day.bfs"
        lines = write_day(path)
        print(f"24-hour session file: {lines} notification lines, {path.stat().st_size / 1e6:.1f} MB")

        ours_w, ours_c, base_w, base_c, read_w, read_c, oldread_w = [], [], [], [], [], [], []
        for _ in range(args.runs):  # interleaved, so both see the same machine
            _, w, c = timed(lambda: open_baseline(path))
            base_w.append(w)
            base_c.append(c)
            _, w, c = timed(lambda: read_session_reference(path))
            oldread_w.append(w)
            _, w, c = timed(lambda: read_session(path))
            read_w.append(w)
            read_c.append(c)
            recording, w, c = timed(lambda: open_ours(path))
            ours_w.append(w)
            ours_c.append(c)
        print(f"beats: {len(recording.history.times_s)}, items: {len(recording.item_t)}")
        print()
        print("open a day into review: read + rebuild every beat + overview")

        def line(name, wall, cpu=None):
            cpu_text = "" if cpu is None else f"; CPU best {min(cpu):.3f} s"
            print(f"  {name:<52} best {min(wall):.3f} s, median {statistics.median(wall):.3f} s{cpu_text}")

        line("baseline: today's reader + rebuild (no overview)", base_w, base_c)
        line("ours: fast reader + rebuild + overview", ours_w, ours_c)
        line("today's reader alone", oldread_w)
        line("fast reader alone", read_w, read_c)
        print(f"  ratio, reader alone: {min(oldread_w) / min(read_w):.1f}x faster (best), {statistics.median(oldread_w) / statistics.median(read_w):.1f}x (median)")
        print(f"  ratio, open: {min(base_w) / min(ours_w):.2f}x of the baseline's time (best), target: open under 1 s")
        print("  of ours, best of each phase: " + ", ".join(f"{name} {min(v):.3f} s" for name, v in PHASES.items()) + " (rebuild: every beat as live, and the review's arrays)")

        core = SessionCore(LiveAnalyzer(None), pacer=None)
        session = ReviewSession(recording, core)
        rng = np.random.default_rng(1)
        # a seek into a part the track has not reached: how long until the trend is complete
        cold = []
        for t in rng.uniform(recording.start_s + 3600, recording.end_s, 5):
            session.seek(float(t))
            start = time.perf_counter()
            while not session.fill_coherence(50) and session.trend_incomplete:
                pass
            cold.append(time.perf_counter() - start)
        _, track_w, track_c = timed(lambda: [None for _ in iter(lambda: session.track.step(2000), 0)])
        print()
        print(f"coherence track: the rest of the day's {len(session.track)} analyser updates in {track_w:.1f} s ({track_c:.1f} s CPU, {1000 * track_c / len(session.track):.3f} ms each)")
        print(f"  after a seek into a part not reached yet, the trend was complete after {1000 * min(cold):.0f}-{1000 * max(cold):.0f} ms")
        seeks = []
        for t in rng.uniform(recording.start_s, recording.end_s, args.seeks):
            start = time.perf_counter()
            session.seek(float(t))
            seeks.append(time.perf_counter() - start)
        ms = np.array(seeks) * 1000
        print()
        print(f"seek ({args.seeks} random points, trend complete): median {np.median(ms):.1f} ms, p99 {np.percentile(ms, 99):.1f} ms, max {ms.max():.1f} ms; target p99 < 50 ms")
        if args.window:
            window_seeks(path, rng, args.seeks // 3)
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


def window_seeks(path: Path, rng, count: int) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from biofeedback.app.review import open_review
    from biofeedback.qt.settings import MemoryStore, Settings

    app = QApplication.instance() or QApplication(sys.argv[:1])
    start = time.perf_counter()
    view = open_review(path, settings=Settings(MemoryStore()))
    view.window.resize(1366, 860)
    view.window.show()
    app.processEvents()
    print(f"\nreview window opened and shown (offscreen, whole open included): {time.perf_counter() - start:.2f} s")
    session = view.review.session
    while not session.track.complete:
        session.track.step(5000)
    times = []
    for t in rng.uniform(view.review.recording.start_s, view.review.recording.end_s, count):
        start = time.perf_counter()
        view.review.seek(float(t))
        view.window.redraw()
        app.processEvents()
        times.append(time.perf_counter() - start)
    ms = np.array(times) * 1000
    print(f"seek + full redraw of the window ({count} points): median {np.median(ms):.1f} ms, p99 {np.percentile(ms, 99):.1f} ms")
    view.close()


if __name__ == "__main__":
    main()
