"""``biofeedback analyze``: a recording's metrics, as a table or JSON."""

from __future__ import annotations

from biofeedback.app import cli

import argparse
import json
import sys
from dataclasses import asdict


def add_parser(sub) -> None:
    ana = sub.add_parser("analyze", help="print a recording's heart-rate metrics")
    from biofeedback.app.cli import RECORDING_HELP

    ana.add_argument("file", help=RECORDING_HELP)
    ana.add_argument("--json", action="store_true", help="print JSON")
    ana.add_argument("--column", metavar="NAME", help=cli.COLUMN_HELP)
    ana.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    # Only numpy-level modules: never Qt, never scipy (its import alone costs about 0.8 s).
    from biofeedback.app.sources import recording_path
    from biofeedback.core.analysis_table import format_table
    from biofeedback.core.summary import analyze
    from biofeedback.storage.recordings import load_recording, timeline_of

    data = load_recording(recording_path(args.file), as_packets=False, column=args.column)
    timeline = timeline_of(data)
    result = analyze(timeline)
    result["ended_cleanly"] = data.ended_cleanly
    result["skipped_lines"] = data.skipped_lines + int(data.truncated_tail)
    markers = [asdict(m) for m in data.markers]
    problems = data.problems()
    if data.imported is not None:
        result["imported_format"] = data.imported.format
        # the importer's own sentences already say how many lines were skipped, and where
        problems = [p for p in problems if "skipped" not in p] + [w.rstrip(".") for w in data.imported.warnings]
    for problem in problems:
        print(f"biofeedback: {args.file}: {problem}.", file=sys.stderr)
    if args.json:
        result["markers"] = markers
        print(json.dumps(result, indent=2))
        return 0
    print(format_table(args.file, result, markers, problems))
    return 0
