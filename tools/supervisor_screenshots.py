"""Render the supervisor view (light and dark) after about 90 s of a demo session, to PNG.

Usage::

    python tools/supervisor_screenshots.py [--out docs/screenshots] [--session-s 90] [--speed 15]

The demo person follows the pacer and has an occasional ectopic beat, so the tachogram shows
its artefact marks; a marker is added half-way. Runs offscreen; the session clock runs
``--speed`` times faster than real time.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEventLoop, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from biofeedback.core.live import LiveAnalyzer  # noqa: E402
from biofeedback.qt.bridge import SourceBridge  # noqa: E402
from biofeedback.qt.main_window import MainWindow  # noqa: E402
from biofeedback.qt.session_controller import SessionController  # noqa: E402
from biofeedback.qt.settings import MemoryStore, Settings  # noqa: E402
from biofeedback.sources.clock import SessionClock  # noqa: E402
from biofeedback.sources.demo import DemoSource  # noqa: E402
from biofeedback.core.session import SessionCore  # noqa: E402


def run_until(app: QApplication, clock: SessionClock, t: float) -> None:
    loop = QEventLoop()
    timer = QTimer()
    timer.timeout.connect(lambda: loop.quit() if clock.now() >= t else None)
    timer.start(20)
    loop.exec()
    timer.stop()


def render(app: QApplication, appearance: str, out: Path, session_s: float, speed: float) -> None:
    clock = SessionClock(speed)
    source = DemoSource.from_query("seed=5&ectopic=0.02", "demo")
    controller = SessionController(clock, SessionCore(LiveAnalyzer()))
    bridge = SourceBridge(source, clock)
    bridge.event_received.connect(controller.on_event)
    controller.pacer_changed.connect(lambda pacer: source.follow_pacer(pacer, controller.pacer_start))
    window = MainWindow(controller, Settings(MemoryStore({"supervisor/appearance": appearance})))
    source.follow_pacer(controller.pacer, controller.pacer_start)
    window.resize(1366, 860)
    window.show()
    bridge.start()
    try:
        run_until(app, clock, session_s / 2)
        controller.add_marker("Eyes closed")
        run_until(app, clock, session_s)
        window.redraw()
        app.processEvents()
        path = out / f"supervisor-{appearance}.png"
        if not window.grab().save(str(path)):
            raise SystemExit(f"Could not save {path}")
        print(f"{path}: {clock.now():.0f} s of session, {controller.beat_count} beats")
    finally:
        bridge.stop()
        controller.close()
        window.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    parser.add_argument("--session-s", type=float, default=90.0)
    parser.add_argument("--speed", type=float, default=15.0)
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([sys.argv[0]])
    args.out.mkdir(parents=True, exist_ok=True)
    for appearance in ("dark", "light"):
        render(app, appearance, args.out, args.session_s, args.speed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
