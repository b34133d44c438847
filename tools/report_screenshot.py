"""Render the README's report screenshot: a 20-minute demo session with the pacer, markers and a gap.

    QT_QPA_PLATFORM=offscreen python tools/report_screenshot.py [OUT.png]

The session is recorded by the demo (the simulated person follows a 6/min pacer from 5:00 on,
so coherence rises), with a 40-s drop-out and two markers written as the app writes them. The
person alias is a made-up one; ratings are shown once the session format records them.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path

from biofeedback.core.pacer import PacerSettings
from biofeedback.core.samples import LinkState, Sample, Status
from biofeedback.sources.clock import SessionClock
from biofeedback.sources.demo import DemoSource
from biofeedback.storage.session_file import Marker, SessionWriter, make_header

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
    events = asyncio.run(_collect(source, clock))
    header = make_header("demo?seed=7", {"name": "Demo (simulated person)"}, {"speed": 1.0}, "biofeedback", 0.0)
    header["person"] = "river-42"
    with SessionWriter(path, header) as writer:
        writer.write_pacer(PACE_FROM_S, {"inhale_s": 4.0, "hold_in_s": 0.0, "exhale_s": 6.0, "hold_out_s": 0.0})
        lost = False
        for e in events:
            if e.t > DURATION_S:
                break
            if isinstance(e, Sample) and DROP[0] <= e.t < DROP[1]:
                if not lost:
                    writer.write_event(Status(e.t, LinkState.LOST, "The strap's signal was lost."))
                    lost = True
                continue
            writer.write_event(e)
        writer.write_marker(Marker(240.0, "eyes closed"))
        writer.write_marker(Marker(900.0, "talked about work"))
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
