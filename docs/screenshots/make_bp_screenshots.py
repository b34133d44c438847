"""Render the blood-pressure screenshots in docs/screenshots (run: python docs/screenshots/make_bp_screenshots.py).

The real "Take blood pressure" dialog, offscreen, in the dark appearance, after a cuff has sent
two stored readings (the newest, with a body-movement flag, chosen); and the before -> after
summary of a session. The cuff's readings are handed to the dialog through the same signals a
real cuff reader emits, so the pictures are reproducible without Bluetooth.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication, QVBoxLayout, QWidget  # noqa: E402

from biofeedback.core.blood_pressure import tell  # noqa: E402
from biofeedback.core.samples import BloodPressure  # noqa: E402
from biofeedback.qt import palette  # noqa: E402
from biofeedback.qt.cuff import CuffReader  # noqa: E402
from biofeedback.qt.main_window import qt_palette  # noqa: E402
from biofeedback.qt.widgets.blood_pressure import BloodPressureDialog, BloodPressureSummary  # noqa: E402
from biofeedback.sources.clock import SessionClock  # noqa: E402

HERE = Path(__file__).resolve().parent

STORED = (
    BloodPressure(3.0, 140, 90, 107, "mmHg", 75, "2026-11-30T08:10:00"),
    BloodPressure(3.1, 132, 86, 101, "mmHg", 71, "2026-11-30T09:02:00", None, ("body_movement",)),
)


def main() -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setPalette(qt_palette(palette.DARK))
    clock = SessionClock()

    reader = CuffReader(lambda: None, clock)  # never started: its signals are emitted below
    dialog = BloodPressureDialog("before", clock.now, reader)
    reader.message_changed.emit("Connected to BP Cuff 7361T. Waiting for its readings; if none come, start a measurement on the cuff.")
    for reading in STORED:
        reader.reading_received.emit(reading)
    reader.finished.emit("")
    dialog.show()
    dialog.resize(640, dialog.sizeHint().height())
    app.processEvents()
    dialog.grab().save(str(HERE / "bp-dialog.png"))

    page = QWidget()
    page.setWindowTitle("End of session")
    layout = QVBoxLayout(page)
    layout.setContentsMargins(24, 20, 24, 20)
    summary = BloodPressureSummary(page)
    layout.addWidget(summary)
    summary.show_story(
        tell([BloodPressure(10.0, 132, 86, when="before", flags=("body_movement",)), BloodPressure(900.0, 124, 80, when="after")])
    )
    page.resize(640, 170)
    page.show()
    app.processEvents()
    page.grab().save(str(HERE / "bp-summary.png"))
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())
