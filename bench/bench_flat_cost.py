"""A patient's hour costs what its first minute costs: CPU and frame time across a 1-hour session.

Usage::

    python bench/bench_flat_cost.py [--minutes 1,3,5,10,20,30,45,60] [--window-s 30]
                                    [--views clinic,clinic+calm,home] [--baseline-s 15]

The window is built as the app builds it (``app/gui.py``) and runs the demo. At each session age
in ``--minutes`` it is measured for ``--window-s`` seconds at real speed: the demo source on its
own thread, the GUI thread driven at 60 frames per second exactly as the windows' own timers
would (the calm view every frame, the clinic view's display tick every third frame), and every
frame timed. Between two measurements the session is fast-forwarded: the same demo person's
notifications go through the same controller, core, analyser and window slots as fast as they
can be computed (with a marker every five minutes, as a therapist might add), so when the next
measurement starts the session holds exactly what an hour of real time would have put there.
That is the "accelerated where it measures the same thing": what a frame costs depends on what
the session holds, not on how long it took to get there.

Figures per measurement: process CPU over wall time (% of one core, all threads: the cost per
second of session), frame wall time and GUI-thread CPU per frame (median and p99), and how many
points the plots were given. The baseline, in the same run, is an empty window driven by the
same loop. Runs offscreen unless ``QT_QPA_PLATFORM`` says otherwise (``xvfb-run -a python
bench/bench_flat_cost.py`` with ``QT_QPA_PLATFORM=xcb`` measures under a real X server).
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import tempfile

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
_HOME = tempfile.mkdtemp(prefix="bench-flat-")
for _var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME"):
    os.environ[_var] = _HOME  # nothing of the bench lands in the user's folders

import bench_frames as frames  # noqa: E402  (beside this file)
import numpy as np  # noqa: E402

#: A measurement is "flat" when its CPU is within this factor of the first measurement after the
#: plots' windows have filled (the trend's 10 minutes), and its p99 frame within this factor too.
FLAT_FACTOR = 1.25
#: A therapist's marker every so often, s of session.
MARKER_EVERY_S = 300.0


def drive(app, seconds: float, frame) -> dict[str, float]:
    """bench_frames' 60 Hz loop (``frame(i)`` then ``processEvents()``), summed up for this table."""
    gc.collect()
    wall, thread_cpu, _heavy, cpu = frames.drive(app, seconds, frame)
    ms, cpu_ms = wall * 1000.0, thread_cpu * 1000.0
    return {
        "cpu_pct": 100.0 * cpu,
        "wall_median_ms": float(np.median(ms)),
        "wall_p99_ms": float(np.percentile(ms, 99)),
        "cpu_median_ms": float(np.median(cpu_ms)),
        "cpu_p99_ms": float(np.percentile(cpu_ms, 99)),
    }


def baseline(app, seconds: float) -> dict[str, float]:
    from PySide6.QtWidgets import QMainWindow, QWidget

    window = QMainWindow()
    window.setCentralWidget(QWidget())
    window.resize(1600, 1000)
    window.show()
    app.processEvents()
    row = drive(app, seconds, lambda _i: window.centralWidget().update())
    window.close()
    return row


def session(app, views: str, minutes: list[float], window_s: float) -> list[dict[str, float]]:
    from biofeedback.app import gui
    from biofeedback.app import window as window_kit
    from biofeedback.app.session import follow_pacer, make_core
    from biofeedback.qt.bridge import SourceBridge
    from biofeedback.qt.devices import MemoryStrapStore
    from biofeedback.qt.main_window import DISPLAY_HZ, MainWindow
    from biofeedback.qt.session_controller import SessionController
    from biofeedback.qt.settings import MemoryStore, Settings
    from biofeedback.sources.clock import SessionClock
    from biofeedback.sources.demo import DemoSource

    clock = SessionClock(1.0)
    controller = SessionController(clock, make_core(1.0))
    mode = "home" if views == "home" else "clinic"
    window = MainWindow(controller, Settings(MemoryStore({"window/mode": mode, "supervisor/appearance": "dark"})))
    gui._attach_sources(window, controller, clock, strap_store=MemoryStrapStore())  # the strap panel, as in the app
    window_kit.attach_client_view(window, controller, None)
    window.show()
    window.display_timer.stop()  # driven below, frame by frame
    window.home.feed._timer.stop()
    calm = None
    if views == "clinic+calm":
        calm = window.client_launcher.show(None)
        calm._timer.stop()
    source = DemoSource.from_query("seed=11&ectopic=0.01", "demo")
    controller.source_started(source.describe(), keep_recording=False)
    follow_pacer(source, controller.core)
    notifications = source.notification_times()
    pending = [next(notifications)]
    every = frames.FRAME_HZ // DISPLAY_HZ
    home_feed = window.home.feed

    def frame(i: int) -> None:
        if calm is not None:
            calm.redraw()
        if views == "home":
            home_feed.redraw()
        if i % every == 0:
            window.display_tick()

    next_marker = [MARKER_EVERY_S]

    def fast_forward(to_s: float) -> None:
        """The demo person's notifications up to session time ``to_s``, as fast as they compute,
        with a marker about every :data:`MARKER_EVERY_S` (the first chance after each mark)."""
        while pending[0] < to_s:
            t = pending[0]
            clock.restart(t)
            controller.on_event(source.next_sample(t))
            if t >= next_marker[0]:
                controller.add_marker()
                next_marker[0] += MARKER_EVERY_S
            pending[0] = next(notifications)
        clock.restart(to_s)

    rows = []
    try:
        for minute in minutes:
            start_s = minute * 60.0
            fast_forward(start_s)
            window.redraw()
            bridge = SourceBridge(source, clock)  # live from here, the same person
            bridge.event_received.connect(controller.on_event)
            bridge.start()
            row = drive(app, window_s, frame)
            bridge.stop()
            app.processEvents()
            while pending[0] <= clock.now():  # what the live part sent is the person's past now
                pending[0] = next(notifications)
            hr_points = len(window.hr_plot._hr.getData()[0] if window.hr_plot._hr.getData()[0] is not None else [])
            trend_points = len(window.coherence_plot._trend.getData()[0] if window.coherence_plot._trend.getData()[0] is not None else [])
            row.update(minute=minute, beats=controller.beat_count, hr_points=hr_points, trend_points=trend_points, markers=len(controller.markers))
            rows.append(row)
            print(
                f"  {views:<12} {minute:>5.0f} min  {row['beats']:>5} beats {row['markers']:>2} markers | CPU {row['cpu_pct']:5.1f} % of a core | "
                f"frame wall {row['wall_median_ms']:5.2f} / p99 {row['wall_p99_ms']:5.2f} ms | GUI CPU {row['cpu_median_ms']:5.2f} / p99 {row['cpu_p99_ms']:5.2f} ms | "
                f"points: HR {hr_points}, trend {trend_points}",
                flush=True,
            )
    finally:
        controller.close()
        if calm is not None:
            calm.close()
        window.close()
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", default="1,3,5,10,20,30,45,60", help="session ages to measure at, minutes")
    parser.add_argument("--window-s", type=float, default=30.0, help="length of each measurement, s of real time (default 30)")
    parser.add_argument("--views", default="clinic,clinic+calm", help="clinic, clinic+calm and/or home (default clinic,clinic+calm)")
    parser.add_argument("--baseline-s", type=float, default=15.0)
    args = parser.parse_args()
    minutes = [float(m) for m in args.minutes.split(",")]

    from biofeedback.app import window as window_kit

    app = window_kit.qt_application()
    print(f"{frames.FRAME_HZ} Hz frame loop on {app.platformName()}, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}")
    base = baseline(app, args.baseline_s)
    print(
        f"  baseline: an empty window | CPU {base['cpu_pct']:5.1f} % of a core | frame wall {base['wall_median_ms']:5.2f} / p99 {base['wall_p99_ms']:5.2f} ms | "
        f"GUI CPU {base['cpu_median_ms']:5.2f} / p99 {base['cpu_p99_ms']:5.2f} ms"
    )
    verdicts = []
    for views in args.views.split(","):
        rows = session(app, views, minutes, args.window_s)
        filled = [r for r in rows if r["minute"] >= 10] or rows  # the trend's 10-minute window has filled
        first, last = filled[0], rows[-1]
        cpu_ratio = last["cpu_pct"] / first["cpu_pct"]
        p99_ratio = last["cpu_p99_ms"] / first["cpu_p99_ms"]
        flat = cpu_ratio <= FLAT_FACTOR and p99_ratio <= FLAT_FACTOR
        verdicts.append(flat)
        print(
            f"  {views}: minute {last['minute']:.0f} against minute {first['minute']:.0f}: CPU x{cpu_ratio:.2f}, GUI-thread p99 x{p99_ratio:.2f}, "
            f"CPU above the empty window {last['cpu_pct'] - base['cpu_pct']:.1f} vs {first['cpu_pct'] - base['cpu_pct']:.1f} points: "
            f"{'flat' if flat else 'NOT flat'} (within x{FLAT_FACTOR})"
        )
    print(f"load average at the end: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0 if all(verdicts) else 1


if __name__ == "__main__":
    sys.exit(main())
