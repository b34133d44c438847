"""Importing a day of Polar Sensor Logger RR, and writing the report of a one-hour session.

    QT_QPA_PLATFORM=offscreen python bench/bench_formats.py

1. A 24-hour Polar Sensor Logger RR file (about 100 000 beats: the NSRDB 60-minute recording
   repeated, stamped as the phone receives one notification a second, with one 40-s drop-out) is
   imported by ``import_file`` (detect, parse, find gaps from the phone clock, judge). Baselines
   in the same run: ``pandas.read_csv`` of the same file (parsing only: no dates, no gaps), and
   our plain-RR-text reader on the same intervals as one column of numbers.
2. The report of a one-hour session file (the NSRDB 60-minute recording as strap notifications)
   is built and written to PDF and PNG. Baseline in the same run: ``analyze`` of the same file,
   which the report needs anyway.

Best of 5 runs each (the machine is shared: the best run is the least disturbed one).
Targets: import under 0.5 s, report under 2 s.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from biofeedback.resources import sample_stream  # noqa: E402

RUNS = 5


def best(fn, runs: int = RUNS) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def day_of_psl(folder: Path) -> tuple[Path, Path, int]:
    rr = np.loadtxt(sample_stream("nsrdb_60min_rr_ms.txt"))
    day = np.tile(rr, int(np.ceil(86400 / (rr.sum() / 1000))))
    day = day[np.cumsum(day) <= 86400_000]
    arrival = np.ceil(np.cumsum(day) / 1000.0)
    keep = ~((arrival > 43200) & (arrival <= 43240))  # one 40-s drop-out at noon
    t0 = np.datetime64("2024-03-01T00:00:00.000")
    stamps = np.datetime_as_string(t0 + (arrival[keep] * 1000).astype("timedelta64[ms]"), unit="ms")
    psl = folder / "Polar_H10_0A1B2C3D_20240301_000000_RR.txt"
    with psl.open("w") as f:
        f.write("Phone timestamp;RR-interval [ms]\n")
        f.write("\n".join(f"{s};{r:g}" for s, r in zip(stamps.tolist(), day[keep].tolist())))
        f.write("\n")
    plain = folder / "day_rr_ms.txt"
    plain.write_text("\n".join(f"{r:g}" for r in day[keep]) + "\n")
    return psl, plain, int(keep.sum())


def hour_session(folder: Path) -> Path:
    from biofeedback.storage.rr_text import rr_to_samples
    from biofeedback.storage.session_file import SessionWriter, make_header

    rr = np.loadtxt(sample_stream("nsrdb_60min_rr_ms.txt"))
    path = folder / "hour.bfs"
    header = make_header("ble:A0:9E:1A:00:00:01", {"name": "Polar H10"}, {}, "bench") | {"person": "river-42"}
    with SessionWriter(path, header) as w:
        for s in rr_to_samples(rr):
            w.write_event(s)
    return path


def main() -> None:
    import pandas as pd

    from biofeedback.storage.formats import import_file
    from biofeedback.storage.formats.rr_lists import read_rr_text
    from biofeedback.storage.formats.sniff import Sniff

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        psl, plain, beats = day_of_psl(folder)
        rec = import_file(psl)
        assert rec.beats == beats and len(rec.gaps) == 1, (rec.beats, beats, rec.gaps)
        ours = best(lambda: import_file(psl))
        pandas = best(lambda: pd.read_csv(psl, sep=";"))
        plain_rr = best(lambda: read_rr_text(Sniff(plain, plain.read_bytes())))
        size = psl.stat().st_size / 1e6
        print(f"24-h Polar Sensor Logger RR file: {beats} beats, {size:.1f} MB, 1 drop-out found")
        print(f"  import_file (detect, parse, gaps, judge) {ours:.3f} s   target < 0.5 s")
        print(f"  pandas.read_csv of the same file         {pandas:.3f} s   (ours x{ours / pandas:.2f})")
        print(f"  our plain RR reader, same intervals      {plain_rr:.3f} s   (ours x{ours / plain_rr:.2f})")

        from PySide6.QtWidgets import QApplication

        app = QApplication.instance() or QApplication([])  # noqa: F841 (fonts need an application)
        from biofeedback.core.summary import analyze
        from biofeedback.qt.report import write_pdf, write_png
        from biofeedback.storage.recordings import load_recording, timeline_of
        from biofeedback.storage.report import build_report

        session = hour_session(folder)

        def analysis_only():
            analyze(timeline_of(load_recording(session, as_packets=False)))

        def report(kind):
            def run():
                content = build_report(load_recording(session, as_packets=False))
                (write_pdf if kind == "pdf" else write_png)(content, folder / f"r.{kind}")
            return run

        base = best(analysis_only)
        pdf = best(report("pdf"))
        png = best(report("png"))
        print("1-hour session file (4684 beats as strap notifications):")
        print(f"  report to PDF (read, analyse, draw, write) {pdf:.3f} s   target < 2 s")
        print(f"  report to PNG at 150 dpi                   {png:.3f} s")
        print(f"  analyze alone, same file (baseline)        {base:.3f} s   (PDF report x{pdf / base:.2f})")
        print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
