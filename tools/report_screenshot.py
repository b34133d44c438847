"""Render the README's report screenshot: a 20-minute demo session with the pacer, markers and a gap.

    QT_QPA_PLATFORM=offscreen python tools/report_screenshot.py [OUT.png]

The session is recorded by the demo (the simulated person follows a 6/min pacer from 5:00 on,
so coherence rises), with a 40-s drop-out, two markers, ratings before and after and the phases
of a structured session, written as the app writes them. The person alias is made up.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path

from biofeedback.core.annotations import Marker, PhaseChange, Rating
from biofeedback.core.pacer import PacerSettings
from biofeedback.core.samples import LinkState, Sample, Status
from biofeedback.sources.clock import SessionClock
from biofeedback.sources.demo import DemoSource
from biofeedback.storage.session_file import SessionWriter, make_header

DURATION_S = 1200.0
PACE_FROM_S = 300.0
DROP = (700.0, 740.0)


async def _collect(source: DemoSource, clock: SessionClock) -> list:
    events = []
    task = asyncio.create_task(source.run(events.append, clock))
    while clock.now() < DURATION_S:
        await asyncio.sleep(0.05)
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    return events


def record(path: Path) -> Path:
    clock = SessionClock(200.0)
    source = DemoSource.from_query("seed=7&resonance=6&hr=66", "demo")
    pacer = PacerSettings(inhale_s=4.0, exhale_s=6.0)
    source.follow_pacer(pacer, PACE_FROM_S)
    events = [e for e in asyncio.run(_collect(source, clock)) if e.t <= DURATION_S]
    header = make_header("demo?seed=7", {"name": "Demo (simulated person)"}, {"speed": 1.0}, "biofeedback", 0.0)
    header["person"] = "river-42"
    # what the app writes besides the beats, each at its time: ratings, protocol phases, pacer, markers
    extra = [
        (0.5, Rating(0.5, "before", pain=6, stress=7, mood=2)),
        (0.6, PhaseChange(0.6, "session", "baseline", "Baseline, free breathing")),
        (240.0, Marker(240.0, "eyes closed", 1)),
        (PACE_FROM_S, "pacer"),
        (PACE_FROM_S, PhaseChange(PACE_FROM_S, "session", "training", "Breathing at 6/min", 6.0)),
        (900.0, Marker(900.0, "talked about work", 2)),
        (1080.0, PhaseChange(1080.0, "session", "recovery", "Recovery")),
        (DURATION_S - 1, Rating(DURATION_S - 1, "after", pain=4, stress=3, mood=4)),
    ]
    with SessionWriter(path, header) as writer:
        lost = False
        for e in events:
            while extra and extra[0][0] <= e.t:
                t, item = extra.pop(0)
                if item == "pacer":
                    writer.write_pacer(t, {"inhale_s": 4.0, "hold_in_s": 0.0, "exhale_s": 6.0, "hold_out_s": 0.0})
                else:
                    writer.write(item)
            if isinstance(e, Sample) and DROP[0] <= e.t < DROP[1]:
                if not lost:
                    writer.write_event(Status(e.t, LinkState.LOST, "The strap's signal was lost."))
                    lost = True
                continue
            writer.write_event(e)
        for _, item in extra:
            writer.write(item)
    return path


def main(out: str = "docs/screenshots/report.png") -> None:
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])  # noqa: F841 (fonts need an application)
    from biofeedback.qt.report import write_png
    from biofeedback.storage.recordings import load_recording
    from biofeedback.storage.report import build_report

    with tempfile.TemporaryDirectory() as folder:
        session = record(Path(folder) / "session.bfs")
        write_png(build_report(load_recording(session, as_packets=False)), out, dpi=150)
    print(f"wrote {out}")


if __name__ == "__main__":
    main(*sys.argv[1:])
