"""``biofeedback report FILE --out REPORT.pdf|png``: the one-page session report, drawn offscreen."""

from __future__ import annotations

from biofeedback.app import cli
from biofeedback.core import words

import argparse
import os
import sys
from pathlib import Path

from biofeedback.app.cli import UsageError


def add_parser(sub) -> None:
    rep = sub.add_parser("report", help="write a one-page A4 report of a session (PDF or PNG)")
    rep.add_argument("file", help=cli.RECORDING_HELP)
    rep.add_argument("--out", required=True, help="the new report: REPORT.pdf or REPORT.png (never overwritten)")
    rep.add_argument("--column", metavar="NAME", help=cli.COLUMN_HELP)
    rep.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from biofeedback.app.sources import recording_path
    from biofeedback.storage.recordings import load_recording
    from biofeedback.storage.report import build_report

    out = Path(args.out).expanduser()
    if out.suffix.lower() not in (".pdf", ".png"):
        raise UsageError(words.REPORT_FORMATS.format(path=out))
    if out.exists():
        raise UsageError(words.WOULD_OVERWRITE.format(path=out))
    if not out.parent.is_dir():
        raise UsageError(f"The folder {out.parent} does not exist.")
    content = build_report(load_recording(recording_path(args.file), as_packets=False, column=args.column))

    # Qt draws the page; no window is shown, so no display is needed
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    from biofeedback.qt.report import ReportError, write_report

    app = QGuiApplication.instance() or QGuiApplication([sys.argv[0]])  # noqa: F841 (fonts need it)
    try:
        write_report(content, out)
    except ReportError as exc:
        raise UsageError(str(exc)) from None
    os.chmod(out, 0o600)  # reports hold health data: owner only
    print(f"Wrote {out}")
    return 0
