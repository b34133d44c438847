"""Frame cost of the client view per theme and size, offscreen, against an empty widget.

Usage::

    python bench/bench_client.py [--frames 600]

Each frame is what the client window's display timer does: ``render_frame(now, pacer_state)``
(cue levels, glides, scene) and the repaint it asks for, forced with ``repaint()`` so its cost is
counted inside the frame; beats arrive once a second as from a strap. The baseline, in the same
run and at the same size, is a widget that only fills its background on ``repaint()``: the cost
of a 60 Hz repaint itself on this machine. Times are the GUI thread's CPU time
(``time.thread_time``), so other processes on this shared machine do not inflate them.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
from PySide6.QtGui import QColor, QPainter  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from biofeedback.core.live import LiveMetrics  # noqa: E402
from biofeedback.core.pacer import PacerSettings, pacer_state  # noqa: E402
from biofeedback.qt.client_view import ClientView  # noqa: E402

FRAME_HZ = 60
SIZES = ((1024, 680), (1920, 1080))


class Empty(QWidget):
    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.fillRect(event.rect(), QColor("#17202b"))
        painter.end()


def measure(widget: QWidget, frames: int, frame) -> np.ndarray:
    widget.show()
    QApplication.processEvents()
    cpu = np.empty(frames)
    for i in range(frames):
        start = time.thread_time()
        frame(i)
        widget.repaint()
        QApplication.processEvents()
        cpu[i] = time.thread_time() - start
    widget.close()
    return cpu * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=600, help="frames per case (default 600: 10 s at 60 Hz)")
    args = parser.parse_args()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    pacer = PacerSettings(4.0, 6.0)
    print(f"{args.frames} frames per case, offscreen, GUI-thread CPU per frame (ms)")
    for size in SIZES:
        empty = Empty()
        empty.resize(*size)
        base = measure(empty, args.frames, lambda i: None)
        print(f"{size[0]}x{size[1]}  empty widget        median {np.median(base):5.2f}  p99 {np.percentile(base, 99):5.2f}")
        for theme in ("orb", "waves"):
            for reduced in (False, True):
                view = ClientView(theme)
                view.resize(*size)
                view.set_reduced_motion(reduced)
                view.set_metrics(LiveMetrics(t=0.0, coherence_level="medium"), 0.0)

                def frame(i: int, view=view) -> None:
                    now = i / FRAME_HZ
                    if i % FRAME_HZ == 0:
                        view.add_beats([now - 1.0], now)
                    view.render_frame(now, pacer_state(pacer, now))

                cpu = measure(view, args.frames, frame)
                label = f"{theme}{' reduced' if reduced else ''}"
                print(
                    f"{size[0]}x{size[1]}  {label:<18}  median {np.median(cpu):5.2f}  p99 {np.percentile(cpu, 99):5.2f}"
                    f"  (x{np.median(cpu) / np.median(base):.1f} the empty widget; {100 * np.mean(cpu) * FRAME_HZ / 1000:.1f} % of one core at {FRAME_HZ} Hz)"
                )
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())
