"""Render the main window (home screen and clinic view) on a 1280x720 and a 1920x1080 screen, to PNG.

Usage::

    python tools/supervisor_screenshots.py [--out docs/screenshots] [--session-s 90] [--speed 15]
                                           [--screens 1280x720,1920x1080]

The window is built and wired as ``biofeedback`` builds it (``app/gui.py``), on an offscreen
screen of each size, and sized as it sizes itself there. A demo person who follows the pacer
and has an occasional ectopic beat runs for ``--session-s`` seconds of session time (the clock
at ``--speed`` times real time); a marker is added half-way, and on the home screen a session
with a 10-minute goal runs for the second half. Each screen size runs in its own process, since
the offscreen platform takes its screen when it starts.

Files: ``home-WxH.png``, ``clinic-dark-WxH.png``, ``clinic-light-WxH.png``, and at 1280x720
``clinic-guided-1280x720.png``: a structured session (a 1-minute baseline) started from the side
panel's guided-protocol box 20 s in, shown in its training step, with the header strip's step and
time left and the phases on the heart-rate plot.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path


def render_on_this_screen(out: Path, session_s: float, speed: float, tag: str) -> None:
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from biofeedback.app import gui, make_source
    from biofeedback.app import window as window_kit
    from biofeedback.qt.devices import MemoryStrapStore
    from biofeedback.qt.settings import MemoryStore, Settings

    app = window_kit.qt_application()

    def run_until(clock, t: float) -> None:
        loop = QEventLoop()
        timer = QTimer()
        timer.timeout.connect(lambda: loop.quit() if clock.now() >= t else None)
        timer.start(20)
        loop.exec()
        timer.stop()

    shots = [("home", "dark"), ("clinic", "dark"), ("clinic", "light")]
    if tag == "1280x720":
        shots.append(("guided", "dark"))
    for mode, appearance in shots:
        settings = Settings(MemoryStore({"supervisor/appearance": appearance, "window/mode": "clinic" if mode == "guided" else mode, "home/goal_min": 10}))
        desktop = gui.build_window(settings, speed=speed, strap_store=MemoryStrapStore())  # as the app builds it
        window, controller, clock = desktop.window, desktop.controller, desktop.clock
        window.show()
        desktop.runner.switch(make_source("demo?seed=5&ectopic=0.02"), keep_recording=False)
        try:
            if mode == "guided":
                name = render_guided(desktop, run_until)
            else:
                run_until(clock, session_s / 2)
                marker = controller.add_marker("Eyes closed")
                if mode == "home":
                    window.begin_session()
                else:
                    controller.edit_marker(marker.id, "Eyes closed", "asked to rest the eyes")
                run_until(clock, session_s)
                name = f"home-{tag}.png" if mode == "home" else f"clinic-{appearance}-{tag}.png"
            window.redraw()
            app.processEvents()
            path = out / name
            if not window.grab().save(str(path)):
                raise SystemExit(f"Could not save {path}")
            print(f"{path}: {window.width()}x{window.height()} window, {clock.now():.0f} s of session, {controller.beat_count} beats")
        finally:
            desktop.close()
            window.close()


def render_guided(desktop, run_until) -> str:
    """A structured session from the side panel's box (1-minute baseline), 20 s into its training."""
    panel, clock = desktop.protocol_panel, desktop.clock
    run_until(clock, 20.0)
    panel.kind_box.setCurrentIndex(panel.kind_box.findData("session"))
    panel.baseline_box.setValue(1.0)
    desktop.protocol.start(panel.plan())  # the panel's Start, without the rating asked first
    run_until(clock, 20.0)
    run_until_training = desktop.protocol.state
    while run_until_training().phase != "training":
        run_until(clock, clock.now() + 1.0)
    run_until(clock, clock.now() + 25.0)
    desktop.window.side_scroll.ensureWidgetVisible(panel.progress_bar)  # the box shows its step
    return "clinic-guided-1280x720.png"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    parser.add_argument("--session-s", type=float, default=90.0)
    parser.add_argument("--speed", type=float, default=15.0)
    parser.add_argument("--screens", default="1280x720,1920x1080")
    parser.add_argument("--this-screen", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    if args.this_screen:
        render_on_this_screen(args.out, args.session_s, args.speed, args.this_screen)
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        for screen in args.screens.split(","):
            width, height = (int(x) for x in screen.split("x"))
            config = Path(tmp) / f"{screen}.json"
            config.write_text(json.dumps({"screens": [{"name": "s", "x": 0, "y": 0, "width": width, "height": height, "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]}))
            env = dict(os.environ, QT_QPA_PLATFORM=f"offscreen:configfile={config}", XDG_DATA_HOME=tmp, XDG_CONFIG_HOME=tmp)
            command = [sys.executable, __file__, "--out", str(args.out), "--session-s", str(args.session_s), "--speed", str(args.speed), "--this-screen", screen]
            subprocess.run(command, env=env, check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
