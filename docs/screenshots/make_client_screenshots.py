"""Render the client-view screenshots in docs/screenshots (run: python docs/screenshots/make_client_screenshots.py).

Each shot is the real ClientView, offscreen, at a fixed moment of a paced breath with a given
coherence level, so the pictures are reproducible.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication  # noqa: E402

from biofeedback.core.live import LiveMetrics  # noqa: E402
from biofeedback.core.pacer import PacerSettings, pacer_state  # noqa: E402
from biofeedback.qt.client_view import WARMTH_GLIDE_S, ClientView  # noqa: E402

HERE = Path(__file__).resolve().parent
SIZE = (1280, 720)
#: (file, theme, coherence level, seconds into a 4 s in / 6 s out breath, reduced motion)
SHOTS = (
    ("client-orb.png", "orb", "medium", 3.0, False),
    ("client-orb-coherent.png", "orb", "high", 3.0, False),
    ("client-waves.png", "waves", "high", 2.5, False),
    ("client-reduced-motion.png", "orb", "medium", 2.5, True),
)


def main() -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    pacer = PacerSettings(4.0, 6.0)
    for name, theme, level, into_breath, reduced in SHOTS:
        view = ClientView(theme)
        view.resize(*SIZE)
        view.set_reduced_motion(reduced)
        now = 100.0 + into_breath
        view.set_metrics(LiveMetrics(t=now - 30, coherence_level=level), now - WARMTH_GLIDE_S - 10)
        view.add_beats([now - 1.0 - 0.25], now - 1.0)  # a beat pulse just past its peak
        view.render_frame(now, pacer_state(pacer, into_breath))
        view.grab().save(str(HERE / name))
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())
