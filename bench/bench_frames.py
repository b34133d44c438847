"""Frame time and CPU of a live demo session with the supervisor and client views open, offscreen.

Usage::

    python bench/bench_frames.py [--seconds 60] [--baseline-seconds 10]

The GUI thread is driven frame by frame at 60 Hz, exactly as the windows' own display timers
would (those are stopped so nothing is counted twice). One frame is everything the GUI thread
does in that sixtieth of a second:

- the client view's frame (its animation and cues, every frame),
- the supervisor view's display tick on every third frame (its timer runs at 20 Hz and spreads
  the plots over the ticks, see ``DISPLAY_HZ`` in ``biofeedback/qt/main_window.py``),
- then ``processEvents()``: the source's beats and metrics arriving through the bridge, the
  pyqtgraph scene updates, and the painting of both windows into their offscreen backing stores.

The demo source runs at real speed on its own thread, so CPU time (``time.process_time``, all
threads of the process) over wall time is the CPU cost per second of session. The baseline, in
the same run, is an empty window of the same size driven by the same loop (an ``update()`` and
``processEvents()`` per frame): it is what the frame loop itself costs on this machine.

Targets (issue 5): p99 frame time under 8 ms, and under 15 % of one core.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
from PySide6.QtWidgets import QApplication, QMainWindow, QWidget  # noqa: E402

FRAME_HZ = 60
P99_TARGET_MS = 8.0
CPU_TARGET = 0.15


def drive(app: QApplication, seconds: float, frame) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """Call ``frame(i)`` then ``processEvents()`` at 60 Hz for ``seconds`` of wall time.

    Returns the frame times (s, wall clock), the GUI thread's CPU time per frame (s: the same
    work without the time other processes on this shared machine took the core away), a mask of
    frames that included a supervisor tick, and CPU seconds per wall second (whole process).
    """
    period = 1.0 / FRAME_HZ
    n = int(seconds * FRAME_HZ)
    times = np.empty(n)
    thread_cpu = np.empty(n)
    heavy = np.zeros(n, dtype=bool)
    cpu0, wall0 = time.process_time(), time.perf_counter()
    deadline = wall0
    for i in range(n):
        start, start_cpu = time.perf_counter(), time.thread_time()
        heavy[i] = frame(i)
        app.processEvents()
        times[i] = time.perf_counter() - start
        thread_cpu[i] = time.thread_time() - start_cpu
        deadline += period
        pause = deadline - time.perf_counter()
        if pause > 0:
            time.sleep(pause)
    cpu = (time.process_time() - cpu0) / (time.perf_counter() - wall0)
    return times, thread_cpu, heavy, cpu


def summary(name: str, times: np.ndarray, thread_cpu: np.ndarray, cpu: float) -> dict[str, float]:
    ms, cpu_ms = times * 1000.0, thread_cpu * 1000.0
    row = {
        "median_ms": float(np.median(ms)),
        "p99_ms": float(np.percentile(ms, 99)),
        "max_ms": float(ms.max()),
        "cpu_median_ms": float(np.median(cpu_ms)),
        "cpu_p99_ms": float(np.percentile(cpu_ms, 99)),
        "cpu": cpu,
    }
    print(
        f"{name:<34} wall median {row['median_ms']:6.2f} p99 {row['p99_ms']:6.2f} max {row['max_ms']:6.1f} ms | "
        f"GUI-thread CPU median {row['cpu_median_ms']:5.2f} p99 {row['cpu_p99_ms']:5.2f} ms | process {100 * cpu:5.1f} % of one core"
    )
    return row


def baseline(app: QApplication, seconds: float) -> dict[str, float]:
    window = QMainWindow()
    window.setCentralWidget(QWidget())
    window.resize(1366, 860)
    window.show()
    app.processEvents()

    def frame(_i: int) -> bool:
        window.centralWidget().update()
        return False

    times, thread_cpu, _heavy, cpu = drive(app, seconds, frame)
    window.close()
    return summary("baseline: empty window", times, thread_cpu, cpu)


def session(app: QApplication, seconds: float, views: str = "both", theme: str | None = None) -> tuple[dict[str, float], dict[str, float], bool]:
    from biofeedback.core.live import LiveAnalyzer
    from biofeedback.qt.bridge import SourceBridge
    from biofeedback.qt.main_window import DISPLAY_HZ, MainWindow
    from biofeedback.qt.session_controller import SessionController
    from biofeedback.qt.settings import MemoryStore, Settings
    from biofeedback.sources.clock import SessionClock
    from biofeedback.sources.demo import DemoSource
    from biofeedback.core.session import SessionCore

    try:
        from biofeedback.qt.client_view import open_client_window
    except ImportError:
        open_client_window = None

    clock = SessionClock(1.0)
    source = DemoSource()
    controller = SessionController(clock, SessionCore(LiveAnalyzer()))
    bridge = SourceBridge(source, clock)
    bridge.event_received.connect(controller.on_event)
    controller.pacer_changed.connect(lambda pacer: source.follow_pacer(pacer, controller.pacer_start))
    source.follow_pacer(controller.pacer, controller.pacer_start)
    values = {"window/mode": "clinic"}  # the therapist's dashboard (the home screen is the default now)
    if theme:
        values["client/theme"] = theme
    settings = Settings(MemoryStore(values))  # defaults otherwise, nothing persisted
    supervisor = MainWindow(controller, settings)
    supervisor.display_timer.stop()
    if views != "client":
        supervisor.show()
    client = None
    if open_client_window is not None and views != "supervisor":
        client = open_client_window(controller, None, settings)
        client._timer.stop()  # driven below, once per frame, like the supervisor
    app.processEvents()
    bridge.start()

    def frame(i: int) -> bool:
        if client is not None:
            client.redraw()
        if views != "client" and i % (FRAME_HZ // DISPLAY_HZ) == 0:
            supervisor.display_tick()
            return True
        return False

    try:
        times, thread_cpu, heavy, cpu = drive(app, seconds, frame)
    finally:
        bridge.stop()
        controller.close()
    shown = {"both": "supervisor + client", "supervisor": "supervisor only", "client": "client only"}[views]
    if client is not None:
        shown += f" ({client.view.theme_name})"
    if client is None and views != "supervisor":
        shown = "supervisor only (no client view yet)"
    all_frames = summary(f"session: {shown}", times, thread_cpu, cpu)
    tick_frames = summary("  frames with a supervisor tick", times[heavy], thread_cpu[heavy], cpu) if heavy.any() else {}
    print(f"  {controller.beat_count} beats in {clock.now():.0f} s of session, live metrics on every beat")
    if client is not None:
        client.close()
    supervisor.close()
    return all_frames, tick_frames, client is not None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="session length, s of real time (default 60)")
    parser.add_argument("--baseline-seconds", type=float, default=10.0, help="baseline length, s (default 10)")
    parser.add_argument("--theme", default=None, help="the client view's theme (default: the app's default)")
    parser.add_argument("--views", choices=("both", "supervisor", "client"), default="both", help="which views to open (default both)")
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([sys.argv[0]])
    print(f"{FRAME_HZ} Hz frame loop, offscreen ({app.platformName()}), {os.cpu_count()} CPUs")
    base = baseline(app, args.baseline_seconds)
    run, _ticks, _both = session(app, args.seconds, args.views, args.theme)
    print(
        f"ratio to baseline: median x{run['median_ms'] / base['median_ms']:.1f}, p99 x{run['p99_ms'] / base['p99_ms']:.1f}, "
        f"process CPU x{run['cpu'] / max(base['cpu'], 1e-9):.1f}"
    )
    print(f"load average now: {', '.join(f'{x:.2f}' for x in os.getloadavg())} (other work on this machine inflates wall-clock frame times)")
    def verdict(ok: bool) -> str:
        return "met" if ok else "NOT met"

    print(
        f"targets: p99 frame < {P99_TARGET_MS:.0f} ms wall {verdict(run['p99_ms'] < P99_TARGET_MS)}, "
        f"GUI-thread CPU {verdict(run['cpu_p99_ms'] < P99_TARGET_MS)}; "
        f"process CPU < {100 * CPU_TARGET:.0f} % of one core {verdict(run['cpu'] < CPU_TARGET)}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
