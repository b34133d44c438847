"""``biofeedback import FILE... [--person ALIAS]``: recordings from other apps become sessions.

Each file becomes a session file in the sessions folder, with its original bytes kept beside
it (:func:`biofeedback.storage.imports.import_as_session`). The session library indexes that
folder; the files stay the truth. One file that cannot be read does not stop the others: each
gets its one line, and the exit code is 2 if any failed.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from biofeedback import __version__
from biofeedback.app import cli
from biofeedback.storage.session_file import SessionFileError


def add_parser(sub) -> None:
    imp = sub.add_parser(
        "import",
        help="copy recordings from other apps into your sessions (the original kept beside each)",
        description="Formats, detected by content: Polar Sensor Logger (RR, PPI), Polar Flow RR, Elite HRV, HRV Logger, "
        "OpenHRV, Kubios (results text, RR series), Garmin FIT with HRV (needs the 'fit' extra), Empatica IBI.csv, "
        "RR text (one per line or on one line, ms or s), our CSV/Kubios/JSON exports, and any CSV table (--column).",
    )
    imp.add_argument("files", nargs="+", metavar="FILE", help="recordings to import")
    imp.add_argument("--person", default=None, metavar="ALIAS", help="whom the sessions are for (default: Me)")
    imp.add_argument("--column", metavar="NAME", help=cli.COLUMN_HELP)
    imp.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from biofeedback.storage.imports import import_as_session
    from biofeedback.storage.paths import sessions_dir
    from biofeedback.storage.session_file import DEFAULT_PERSON

    folder = sessions_dir()
    person = (args.person or DEFAULT_PERSON).strip() or DEFAULT_PERSON
    failed = 0
    for name in args.files:
        try:
            result = import_as_session(Path(name).expanduser(), folder, person, f"biofeedback {__version__}", args.column)
        except SessionFileError as exc:
            print(f"biofeedback: {exc}", file=sys.stderr)
            failed += 1
            continue
        print(f"Imported {name}: {result.format}, {result.beats} beats -> {result.session}")
        for warning in result.warnings:
            print(f"  {warning}")
    return cli.USAGE_ERROR if failed else 0
