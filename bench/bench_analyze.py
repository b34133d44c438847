"""Whole-process ``biofeedback analyze`` of a 24-hour recording against a whole-process neurokit2 script.

Run: python bench/bench_analyze.py   (prints wall times, best of 3, the ratio, and where our time goes)

The 24-hour file (about 112 000 beats) is generated in a temporary folder by tiling the real
60-minute MIT-BIH NSRDB recording into RR text; it is never committed. The neurokit2 script does
the same work: read the file, Lipponen-Tarvainen artefact correction (signal_fixpeaks, kubios,
iterative, as ours),
time domain, Welch LF/HF on a 4-Hz cubic interpolation, Poincaré SD1/SD2 and DFA alpha1.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from biofeedback.resources import sample_stream

NEUROKIT_SCRIPT = """
import sys, warnings
warnings.simplefilter("ignore")
import numpy as np
import neurokit2 as nk
rr = np.loadtxt(sys.argv[1])
peaks = np.concatenate(([0], np.cumsum(rr))).astype(int)
_, peaks = nk.signal_fixpeaks(peaks, sampling_rate=1000, method="kubios", iterative=True)
rr = np.diff(peaks).astype(float)
t = np.cumsum(rr) / 1000.0
td = nk.hrv_time({"RRI": rr, "RRI_Time": t})
x, _, fs = nk.intervals_process(rr, intervals_time=t, interpolate=True, interpolation_rate=4, method="cubic")
x = nk.signal_detrend(x, method="polynomial", order=1)
power = nk.signal_power(x, frequency_band=[(0.04, 0.15), (0.15, 0.4)], sampling_rate=fs, method="welch", normalize=False, window=256)
sd1 = np.std((rr[:-1] - rr[1:]) / np.sqrt(2), ddof=1)
alpha1, _ = nk.fractal_dfa(rr, scale=np.arange(4, 17), overlap=False)
print(td["HRV_RMSSD"][0], power.iloc[0, 0], power.iloc[0, 1], sd1, alpha1)
"""


#: The same metrics without the storage and timeline layers: RR text read with numpy, one
#: segment, no packets. Shows what the whole process costs once reading and rebuilding are fast.
METRICS_ONLY_SCRIPT = """
import sys, json
import numpy as np
from biofeedback.core.summary import analyze
rr = np.array(open(sys.argv[1]).read().split(), dtype=float)
class Timeline:
    gaps = []
    rejected_rr_ms = []
    def arrays(self):
        starts = np.zeros(len(rr), dtype=bool)
        starts[0] = True
        return np.cumsum(rr) / 1000.0, rr, starts
print(json.dumps(analyze(Timeline())))
"""


#: As an installed app runs: with its compiled bytecode cached (pip compiles on install), even
#: where the environment says not to write it (PYTHONDONTWRITEBYTECODE would recompile every
#: module on every run, about 0.06 s, in both processes measured).
INSTALLED = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def best_of(cmd: list[str], runs: int = 3) -> float:
    """The best wall time of ``runs`` runs, after one run that leaves the bytecode cached."""
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, env=INSTALLED)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, env=INSTALLED)
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    rr = np.loadtxt(sample_stream("nsrdb_60min_rr_ms.txt"))
    day = np.tile(rr, int(np.ceil(24 * 3600 * 1000 / rr.sum())))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "day_rr_ms.txt"
        np.savetxt(path, day, fmt="%.4f")
        script = Path(folder) / "nk_analyze.py"
        script.write_text(NEUROKIT_SCRIPT)
        print(f"24-hour RR text: {len(day)} beats, {day.sum() / 3.6e6:.1f} h")
        ours = best_of([sys.executable, "-m", "biofeedback", "analyze", str(path), "--json"])
        theirs = best_of([sys.executable, str(script), str(path)], runs=2)
        print(f"biofeedback analyze --json (whole process): {ours:.3f} s")
        print(f"neurokit2 script (whole process):           {theirs:.3f} s")
        print(f"ratio: {theirs / ours:.1f}x; targets: ours < 0.5 s and >= 5x faster")
        metrics_only = Path(folder) / "metrics_only.py"
        metrics_only.write_text(METRICS_ONLY_SCRIPT)
        lean = best_of([sys.executable, str(metrics_only), str(path)])
        print(f"same metrics, RR read by numpy, no timeline (whole process): {lean:.3f} s ({theirs / lean:.1f}x)")

        from biofeedback.core.summary import analyze
        from biofeedback.core.timeline import rebuild
        from biofeedback.storage.recordings import load_recording, timeline_of
        from biofeedback.storage.session_file import SessionWriter, make_header

        t0 = time.perf_counter()
        data = load_recording(path, as_packets=False)
        t1 = time.perf_counter()
        timeline = timeline_of(data)  # as analyze does
        t2 = time.perf_counter()
        result = analyze(timeline)
        t3 = time.perf_counter()
        assert result["beats"] == len(day), result["beats"]  # the phases timed are the real work
        print(f"in-process phases: read RR text {t1 - t0:.3f} s, timeline {t2 - t1:.3f} s, metrics {t3 - t2:.3f} s")

        # The same day recorded by the app: one session file line per strap notification.
        session = Path(folder) / "day.bfs"
        with SessionWriter(session, make_header("bench", {}, {}, "bench")) as writer:
            for event in load_recording(path).events:
                writer.write_event(event)
        lines = sum(1 for _ in session.open())
        from_session = best_of([sys.executable, "-m", "biofeedback", "analyze", "--json", str(session)])
        print(f"biofeedback analyze --json of the same day as a session file ({lines} lines): {from_session:.3f} s ({theirs / from_session:.1f}x)")
        t0 = time.perf_counter()
        events = load_recording(session).events
        t1 = time.perf_counter()
        rebuild(events)
        t2 = time.perf_counter()
        print(f"in-process phases for the session file: read {t1 - t0:.3f} s, timeline rebuild {t2 - t1:.3f} s")


if __name__ == "__main__":
    main()
