"""Listing a library of 1000 sessions, against reading them without an index.

Run: python bench/bench_library.py [--sessions 1000] [--window]

A library of ``--sessions`` 20-minute sessions (five people, over a year) is made in a temporary
data folder: twelve demo sessions recorded as the app records them, each copied with another
person and start time in its header. Then:

- **baseline, no index**: what listing would cost without the library index: every file read and
  summarised (this is also the index's first build, measured once);
- **list, in process**: open the index, bring it up to date (every file's size and time looked
  at, nothing changed), list every session; best and median of 5;
- **list, whole process**: ``biofeedback sessions --json`` as a person runs it (Python's start
  and imports included), and the table; best of 3;
- **filters**: one person's sessions, a text search;
- ``--window``: the library window built and filled with every session, offscreen.

Target: listing under 0.3 s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # the demo-session recorder the tests use

from biofeedback.storage.library import INDEX_NAME, Library  # noqa: E402
from recorded import record_demo  # noqa: E402

PEOPLE = ("Robin", "Sam", "K.L.", "Me", "Alex")


def make_sessions(folder: Path, count: int) -> None:
    base = Path(folder) / "base"
    base.mkdir()
    originals = [record_demo(base / f"{i}.bfs", 1200.0, seed=100 + i, pace=5.5 + 0.2 * (i % 5), markers=((300.0, "marker"),), pacer_change=None, drop=None) for i in range(12)]
    texts = [p.read_bytes().split(b"\n", 1) for p in originals]
    sessions = folder / "biofeedback" / "biofeedback" / "sessions"
    sessions.mkdir(parents=True)
    start = dt.datetime(2025, 12, 1, 8, 0, tzinfo=dt.timezone.utc)
    for n in range(count):
        header_line, body = texts[n % len(texts)]
        header = json.loads(header_line)
        when = start + dt.timedelta(hours=8.7 * n)
        header.update(person=PEOPLE[n % len(PEOPLE)], started_utc=when.isoformat(timespec="milliseconds"))
        (sessions / f"{when:%Y-%m-%d_%H-%M-%S}.bfs").write_bytes(json.dumps(header, separators=(",", ":")).encode() + b"\n" + body)


def best_of(fn, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, default=1000)
    parser.add_argument("--window", action="store_true")
    args = parser.parse_args()
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "biofeedback" / "biofeedback"
        t0 = time.perf_counter()
        make_sessions(Path(tmp), args.sessions)
        sessions = data / "sessions"
        size = sum(p.stat().st_size for p in sessions.iterdir())
        print(f"{args.sessions} sessions of 20 minutes ({size / 1e6:.0f} MB) made in {time.perf_counter() - t0:.0f} s")

        def open_library() -> Library:
            return Library(sessions, data / INDEX_NAME, data / "trash")

        library = open_library()
        start = time.perf_counter()
        report = library.sync()
        first = time.perf_counter() - start
        library.close()
        print(f"baseline, no index: reading and summarising every file (the index's first build): {first:.1f} s ({len(report.added)} sessions, {1000 * first / len(report.added):.0f} ms each)")

        listed = []

        def list_all() -> None:
            with open_library() as lib:
                lib.sync()
                listed.append(len(lib.entries()))

        runs = best_of(list_all, 5)
        assert listed[-1] == args.sessions, listed
        print(f"list, in process (open, check {args.sessions} files, list all): best {min(runs) * 1000:.0f} ms, median {statistics.median(runs) * 1000:.0f} ms; {first / min(runs):.0f}x faster than without the index")

        # as an installed app runs: its bytecode cached, whatever this environment says
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"} | {"XDG_DATA_HOME": tmp}
        command = [sys.executable, "-m", "biofeedback", "sessions"]
        runs_json = best_of(lambda: subprocess.run([*command, "--json"], check=True, env=env, stdout=subprocess.DEVNULL), 3)
        runs_table = best_of(lambda: subprocess.run(command, check=True, env=env, stdout=subprocess.DEVNULL), 3)
        runs_python = best_of(lambda: subprocess.run([sys.executable, "-c", "import biofeedback.storage.library"], check=True, env=env), 3)
        print(f"list, whole process: biofeedback sessions --json best {min(runs_json):.2f} s, the table {min(runs_table):.2f} s")
        print(f"  (of which starting Python and importing the library: {min(runs_python):.2f} s)")

        with open_library() as lib:
            person = best_of(lambda: lib.entries(person="Robin"), 5)
            text = best_of(lambda: lib.entries(text="robin"), 5)
            print(f"filters: one person's sessions {min(person) * 1000:.1f} ms, a text search {min(text) * 1000:.1f} ms")
            if args.window:
                os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
                from PySide6.QtWidgets import QApplication

                from biofeedback.qt.library_window import LibraryWindow

                app = QApplication.instance() or QApplication(sys.argv[:1])
                start = time.perf_counter()
                window = LibraryWindow(lib)
                window.show()
                app.processEvents()
                print(f"library window built, filled with {window.proxy.rowCount()} sessions and shown: {time.perf_counter() - start:.2f} s")
                window.close()
        print("target: listing under 0.3 s")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
