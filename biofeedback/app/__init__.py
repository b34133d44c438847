"""The composition root: the command line, logging, the crash handler, and the wiring of concrete
classes. This package is the only place that chooses which source, storage and window classes to
build; each command lives in its own module (``record``, ``analyze``, ``scan``, ``gui``, ...).
"""

from __future__ import annotations

import os
import sys

from biofeedback.app.cli import USAGE_ERROR, UsageError, build_parser
from biofeedback.app.sources import default_source_spec, make_source
from biofeedback.sources.base import SourceError
from biofeedback.storage.session_file import SessionFileError

__all__ = ["USAGE_ERROR", "UsageError", "build_parser", "default_source_spec", "main", "make_source"]


def main(argv: list[str] | None = None) -> int:
    from biofeedback.app import gui, logs

    try:
        args = build_parser().parse_args(argv)
        logs.configure(args.verbose)
        handler = getattr(args, "handler", gui.run)
        return handler(args)
    except (UsageError, SourceError, SessionFileError) as exc:
        print(f"biofeedback: {exc}", file=sys.stderr)
        return getattr(exc, "exit_code", USAGE_ERROR)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # the reader went away (e.g. `analyze ... | head`): stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
