"""The command line: one parser, one module per command, and the checks every value gets.

Each command module (``record``, ``analyze``, ``scan``, ...) has ``add_parser(subparsers)``,
which sets ``handler=run``, and ``run(args) -> int``. Without a command the window opens
(``gui``). Bad input raises :class:`UsageError`: one line on stderr and exit code 2.
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path

from biofeedback import __version__
from biofeedback.core import words

USAGE_ERROR = 2

#: The session clock's speed for the demo and replays: from a quarter (slow review) to 200x
#: (a whole protocol in seconds). Beyond that the demo cannot keep up, and infinity is no speed.
SPEED_RANGE = (0.25, 200.0)

#: The FILE argument of the commands that read any recording.
RECORDING_HELP = "a session file or any recording 'biofeedback analyze' reads, or sample:NAME"

#: ``--column`` wherever a recording is read: which column of a CSV table holds the beats.
COLUMN_HELP = "for a recording that is a CSV table: the column of RR intervals or beat times (its header name or number)"


SPEED_HELP = "session clock speed for the demo and replays (default 1)"


#: Help of the options several commands share.
RECORDING_HELP = "a session file, RR text, or sample:NAME"
SCREENSHOT_HELP = "save a screenshot of the window, then quit (with --quit-after)"
QUIT_AFTER_HELP = "quit after S seconds of real time"
CLIENT_SCREEN_HELP = "show the calm view full screen on screen N"


def add_screenshot_options(parser: argparse.ArgumentParser) -> None:
    """``--screenshot PNG`` and ``--quit-after S``, for the commands that open a window."""
    parser.add_argument("--screenshot", metavar="PNG", help=SCREENSHOT_HELP)
    parser.add_argument("--quit-after", type=positive_float, default=None, metavar="S", help=QUIT_AFTER_HELP)


class UsageError(Exception):
    """Bad command-line input: one line on stderr, exit code 2."""

    exit_code = USAGE_ERROR


def finite_number(text: str, what: str = "value") -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"{what} must be a finite number, not {text!r}")
    return value


def positive_float(text: str) -> float:
    value = finite_number(text)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"{text!r} must be greater than 0")
    return value


def speed(text: str) -> float:
    """``--speed``: a finite factor within :data:`SPEED_RANGE`."""
    value = finite_number(text, "the speed")
    if not value > 0:
        raise argparse.ArgumentTypeError(f"the speed {text!r} must be greater than 0")
    lo, hi = SPEED_RANGE
    if not lo <= value <= hi:
        raise argparse.ArgumentTypeError(f"the speed {text!r} must be between {lo:g} and {hi:g}")
    return value


class Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, no usage dump, exit 2
        raise UsageError(f"{message}. See '{self.prog} --help'.")


def build_parser() -> argparse.ArgumentParser:
    from biofeedback.app import analyze, assess, bp, desktop, export, gui, importing, library, protocol, record, report, review, scan, sessions

    parser = Parser(prog="biofeedback", description="A calm biofeedback visualiser for heart rate and HRV.")
    parser.add_argument("--version", action="version", version=f"biofeedback {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log more detail")
    gui.add_arguments(parser)
    desktop.add_arguments(parser)
    sub = parser.add_subparsers(dest="command", parser_class=Parser, metavar="COMMAND")
    for command in (record, analyze, importing, export, report, scan, bp, sessions, review, library, assess, protocol):
        command.add_parser(sub)
    return parser


#: Options every command takes, wherever they are given.
_SHARED = {"-h", "--help", "-v", "--verbose", "--version"}


def check_option_places(parser: argparse.ArgumentParser, argv: list[str]) -> None:
    """Say plainly when an option is given to a command that does not have it.

    argparse would say "unrecognized arguments", or worse, take a window option given before a
    command and silently ignore it (``biofeedback --speed 10 analyze x``).
    """
    sub = next((a for a in parser._actions if isinstance(a, argparse._SubParsersAction)), None)
    if sub is None:
        return
    window = {o for o in parser._option_string_actions if o not in _SHARED}
    at = next((i for i, token in enumerate(argv) if token in sub.choices), None)
    if at is None:
        return
    command = argv[at]
    own = set(sub.choices[command]._option_string_actions)
    for token in argv[:at]:
        name = token.split("=", 1)[0]
        if name in window:
            if name in own:
                raise UsageError(f"Give {name} after the command: 'biofeedback {command} {name} ...'.")
            raise UsageError(f"{name} is an option of the window, not of 'biofeedback {command}'. See 'biofeedback {command} --help'.")
    for token in argv[at + 1 :]:
        name = token.split("=", 1)[0]
        if not name.startswith("--") or name in own or name in _SHARED:
            continue
        if name in window:
            raise UsageError(f"{name} is an option of the window, not of 'biofeedback {command}'. See 'biofeedback {command} --help'.")
        owner = next((other for other, p in sub.choices.items() if name in p._option_string_actions), None)
        if owner is not None:
            raise UsageError(f"{name} is an option of 'biofeedback {owner}', not of 'biofeedback {command}'. See 'biofeedback {command} --help'.")


# --------------------------------------------------------------------------- shared argument types


def new_file(out: str | None) -> Path | None:
    """``--out``: a new file in an existing folder (never overwritten)."""
    if out is None:
        return None
    path = Path(out).expanduser()
    if path.exists():
        raise UsageError(words.WOULD_OVERWRITE.format(path=path))
    if not path.parent.is_dir():
        raise UsageError(f"The folder {path.parent} does not exist.")
    return path


def rates(text: str) -> tuple[float, ...]:
    """``--rates 6.5,6,5.5``: breaths/min, in the order breathed."""
    try:
        values = tuple(finite_number(part.strip(), "a rate") for part in text.split(",") if part.strip())
    except argparse.ArgumentTypeError as exc:
        raise argparse.ArgumentTypeError(f"--rates takes numbers separated by commas: {exc}") from None
    return values


def seconds(text: str) -> float:
    value = finite_number(text, "a duration")
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a duration in seconds")
    return value
