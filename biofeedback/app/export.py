"""``biofeedback export FILE --to csv|kubios|json --out FILE``: a recording for a spreadsheet, Kubios or a program."""

from __future__ import annotations

from biofeedback.app import cli
from biofeedback.core import words

import argparse
import os
from pathlib import Path

from biofeedback import __version__
from biofeedback.app.cli import UsageError


def add_parser(sub) -> None:
    exp = sub.add_parser(
        "export",
        help="write a recording as CSV (one row per beat), Kubios RR text, or the analysis as JSON",
        description="CSV: time, RR, HR, artefact class, corrected RR and live coherence per beat. "
        "kubios: beat time and RR in seconds, for Kubios HRV. json: the analyze result with markers, ratings and beats. "
        "Each reads back through 'biofeedback analyze' with the same beats and metrics.",
    )
    exp.add_argument("file", help=cli.RECORDING_HELP)
    exp.add_argument("--to", required=True, choices=("csv", "kubios", "json"), help="the format to write")
    exp.add_argument("--out", required=True, help="the new file (never overwritten)")
    exp.add_argument("--column", metavar="NAME", help=cli.COLUMN_HELP)
    exp.set_defaults(handler=run)


def write_new(path: Path, text: str) -> None:
    """Write ``text`` to a new file, refusing to overwrite one."""
    if path.exists():
        raise UsageError(words.WOULD_OVERWRITE.format(path=path))
    if not path.parent.is_dir():
        raise UsageError(f"The folder {path.parent} does not exist.")
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # exports hold health data: owner only
    except OSError as exc:
        raise UsageError(f"Cannot create {path}: {exc.strerror}.") from None
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
        f.write(text)


def run(args: argparse.Namespace) -> int:
    from biofeedback.app.sources import recording_path
    from biofeedback.storage.formats.export import export_recording
    from biofeedback.storage.recordings import load_recording

    out = Path(args.out).expanduser()
    if out.exists():
        raise UsageError(words.WOULD_OVERWRITE.format(path=out))
    data = load_recording(recording_path(args.file), as_packets=False, column=args.column)
    text = export_recording(data, args.to, f"biofeedback {__version__}")
    write_new(out, text)
    print(f"Wrote {out} ({args.to})")
    return 0
