"""Render the library, a session review (mid-session, with markers), the end-of-session summary,
the trends and the rating dialog to PNG, from a made-up library of demo sessions.

Usage::

    python tools/library_screenshots.py [--out docs/screenshots] [--size 1280x720]

Two people: Robin, 14 sessions over five weeks, breathing nearer their resonance rate and
feeling better as the weeks go by; Sam, four sessions; and one recording imported as plain RR
text. Everything is written to a temporary folder; runs offscreen.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # the demo-session recorder the tests use

import numpy as np  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from biofeedback.core.annotations import Rating  # noqa: E402
from biofeedback.core.samples import BloodPressure  # noqa: E402
from biofeedback.qt.settings import MemoryStore, Settings  # noqa: E402
from biofeedback.resources import sample_stream  # noqa: E402
from biofeedback.storage.library import Library  # noqa: E402
from recorded import record_demo  # noqa: E402

#: The last day of the made-up library (screenshots do not depend on today's date).
TODAY = dt.datetime(2026, 11, 27, 18, 0, tzinfo=dt.timezone(dt.timedelta(hours=1)))


def pressure(i: int, progress: float, rng) -> tuple[BloodPressure | None, BloodPressure | None]:
    """Robin took a blood-pressure reading before and after from the fifth session on (a cuff
    lent by the clinic), easing a little more as the weeks went by."""
    if i < 4:
        return None, None
    systolic, diastolic = 138.0 - 8.0 * progress + rng.normal(0, 2), 88.0 - 4.0 * progress + rng.normal(0, 1.5)
    eased = 4.0 + 4.0 * progress
    return (
        BloodPressure(0.0, round(systolic), round(diastolic), pulse_bpm=round(74 - 4 * progress), origin="manual", when="before"),
        BloodPressure(600.0, round(systolic - eased), round(diastolic - eased / 2), pulse_bpm=round(68 - 4 * progress), origin="manual", when="after"),
    )


def make_library(folder: Path, robin_sessions: int = 14) -> Library:
    """A library of demo sessions in ``folder`` (sessions/, library.sqlite3, trash/)."""
    sessions = folder / "sessions"
    sessions.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(7)
    for i in range(robin_sessions):
        progress = i / max(robin_sessions - 1, 1)
        when = TODAY - dt.timedelta(days=int(round(35 * (1 - progress))), hours=int(rng.integers(0, 3)))
        pain_before = int(round(7 - 3 * progress + rng.normal(0, 0.6)))
        ratings = (
            Rating(0.0, "before", pain=min(max(pain_before, 0), 10), stress=min(max(int(round(7 - 3 * progress + rng.normal(0, 0.8))), 0), 10), mood=2 + int(progress * 2)),
            Rating(600.0, "after", pain=min(max(pain_before - 2 - int(progress > 0.5), 0), 10), stress=max(int(round(4 - 2 * progress)), 0), mood=3 + int(progress * 2)),
        )
        record_demo(
            sessions / f"{when:%Y-%m-%d_%H-%M-%S}.bfs",
            600.0,
            person="Robin",
            seed=10 + i,
            pace=float(np.clip(7.5 - 2.2 * progress + rng.normal(0, 0.3), 5.5, 8.0)),
            markers=((140.0, "phone rang"), (420.0, "eyes closed")) if i == robin_sessions - 1 else ((300.0, "sighed"),),
            pacer_change=None,
            drop=(250.0, 259.0) if i == robin_sessions - 1 else None,
            ratings=ratings,
            started=when,
            blood_pressure=pressure(i, progress, rng),
        )
    for i in range(4):
        when = TODAY - dt.timedelta(days=20 - 6 * i, hours=5)
        record_demo(sessions / f"{when:%Y-%m-%d_%H-%M-%S}.bfs", 420.0, person="Sam", seed=40 + i, pace=6.0, markers=(), pacer_change=None, drop=None, ratings=False, started=when)
    rr = np.loadtxt(sample_stream("nsrdb_5min_rr_ms.txt"))
    export = sessions / "kubios_export_2026-10-30.txt"
    np.savetxt(export, rr, fmt="%.0f")
    stamp = dt.datetime(2026, 10, 30, 11, 0, tzinfo=dt.timezone.utc).timestamp()  # RR text has no start: the file's date
    os.utime(export, (stamp, stamp))
    library = Library(sessions, folder / "library.sqlite3", folder / "trash")
    library.sync()
    newest = library.entries(person="Robin")[0]
    library.set_details(newest.path, title="Evening, after work", tags=["evening", "calm"], note="Felt the pacer was easy to follow today.")
    library.set_details(library.entries(person="Robin")[3].path, tags=["morning"])
    library.set_details(library.entries(text="kubios")[0].path, title="Kubios export from the clinic")
    return library


def grab(widget, path: Path) -> None:
    app = QApplication.instance()
    for _ in range(5):
        app.processEvents()
    if not widget.grab().save(str(path)):
        raise SystemExit(f"could not save {path}")
    print(f"wrote {path}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--size", default="1280x720", help="window size, WxH")
    args = parser.parse_args()
    width, height = (int(x) for x in args.size.split("x"))
    args.out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication([])
    from biofeedback.app.library import LibraryShell
    from biofeedback.app.review import open_review
    from biofeedback.qt.summary_dialog import SummaryDialog
    from biofeedback.qt.widgets.rating_dialog import RatingDialog

    settings = Settings(MemoryStore({"supervisor/appearance": "dark"}))
    with tempfile.TemporaryDirectory() as tmp:
        library = make_library(Path(tmp))
        shell = LibraryShell(library, settings)
        window = shell.window
        window.resize(width, height)
        window.show()
        window.refresh()
        grab(window, args.out / "library.png")

        newest = library.entries(person="Robin")[0]
        summary = SummaryDialog(newest.summary, parent=window)
        shell_palette = window.palette()
        summary.setPalette(shell_palette)
        summary.resize(560, 560)
        summary.show()
        grab(summary, args.out / "summary.png")
        summary.close()

        trends = shell.open_trends("Robin")
        trends.resize(width, height)
        trends.period_box.setCurrentIndex(0)  # the last 30 days: "your sessions this month"
        trends.refresh(now=TODAY.astimezone(dt.timezone.utc))
        grab(trends, args.out / "trends.png")

        view = open_review(newest.path, settings=settings)
        view.window.resize(max(width, 1280), max(height, 720) + (140 if height <= 720 else 0))
        view.review.seek(470.0)
        while not view.review.session.track.complete:
            view.review.session.fill_coherence(2000)
        view.review.seek(470.0)
        view.window.show()
        view.window.redraw()
        grab(view.window, args.out / "review.png")
        view.window.resize(width, height)
        view.window.redraw()
        grab(view.window, args.out / f"review-{width}x{height}.png")
        view.close()

        rating = RatingDialog("before", window)
        rating.setPalette(shell_palette)
        rating.pain.choose(6)
        rating.stress.choose(7)
        rating.mood.choose(2)
        rating.show()
        grab(rating, args.out / "rating.png")
        rating.close()
        shell.close()


if __name__ == "__main__":
    main()
