"""``biofeedback assess``: a resonance-frequency assessment without a window.

Paced breathing at 6.5 ... 4.5 breaths/min (and a fine step around the best), recorded as a
session with its ``phase`` events; prints the criteria of each rate and the recommended rate with
its reason, or why none can be recommended, and keeps the result with the person's alias (their
own pacer preset).
"""

from __future__ import annotations

import argparse
import json
import logging
import sys

from biofeedback.app import cli
from biofeedback.core.analysis_table import format_number
from biofeedback.app.sources import SOURCE_HELP

log = logging.getLogger("biofeedback")


def add_parser(sub) -> None:
    p = sub.add_parser("assess", help="find the breathing rate at which your heart rate swings most (resonance)")
    p.add_argument("--source", required=True, help=SOURCE_HELP)
    p.add_argument("--column", metavar="NAME", help=cli.COLUMN_HELP)
    p.add_argument("--speed", type=cli.speed, default=1.0, help=cli.SPEED_HELP)
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.add_argument("--out", help="the session file (default: a new file in the sessions folder)")
    p.add_argument("--person", default="Me", metavar="ALIAS", help="whom the assessment is for, an alias (default: Me)")
    p.add_argument("--rates", type=cli.rates, default=None, metavar="R1,R2,...", help="breathing rates in the order breathed (default 6.5,6,5.5,5,4.5)")
    p.add_argument("--block", type=cli.seconds, default=None, metavar="S", help="seconds at each rate (default 120)")
    p.add_argument("--rest", type=cli.seconds, default=None, metavar="S", help="seconds of free breathing between rates (default 30)")
    p.add_argument("--no-fine", action="store_true", help="skip the fine step of +-0.25 breaths/min around the best rate")
    p.add_argument("--no-save", action="store_true", help="do not keep the result as the person's rate")
    p.set_defaults(handler=run)


def plan_from(args: argparse.Namespace):
    from biofeedback.core.protocol import AssessmentPlan

    kwargs = {}
    if args.rates is not None:
        kwargs["rates"] = args.rates
    if args.block is not None:
        kwargs["block_s"] = args.block
    if args.rest is not None:
        kwargs["rest_s"] = args.rest
    try:
        return AssessmentPlan(fine_step=not args.no_fine, **kwargs)
    except ValueError as exc:
        raise cli.UsageError(f"The assessment cannot be planned: {exc}.") from None


def run(args: argparse.Namespace) -> int:
    plan = plan_from(args)
    from biofeedback.app.guided import run_headless

    out = cli.new_file(args.out)
    runner, path, ended_early = run_headless(args, plan, out)
    result = runner.result
    data = result.to_dict()
    data.update(person=args.person, session=None if path is None else str(path), completed=not ended_early)
    if ended_early:
        print("The session ended before the assessment was done; the blocks breathed so far are judged.", file=sys.stderr)
    if not args.no_save:
        from biofeedback.storage.people import PeopleStore

        try:
            PeopleStore().save_assessment(args.person, data, path)
        except OSError as exc:
            print(f"The result could not be kept for {args.person}: {exc}", file=sys.stderr)
    if args.json:
        print(json.dumps(data, indent=1))
    else:
        print(table(result))
        print()
        if result.recommended_bpm is not None:
            print(f"Recommended: {result.recommended_bpm:g} breaths/min (runner-up {result.runner_up_bpm:g}).")
        print(result.reason)
        if path is not None:
            print(f"Session saved to {path}")
    return 0


COLUMNS = ("rate /min", "swing bpm", "phase deg", "LF ms2", "LF peak", "peak off", "peaks", "at pacer", "artefacts", "score")


def table(result) -> str:
    """The criteria per rate, as plain text."""
    rows = [COLUMNS]
    for c in sorted(result.rates, key=lambda c: -c.rate_bpm):
        rows.append(
            (
                f"{c.rate_bpm:g}",
                format_number(c.swing_bpm),
                format_number(c.phase_deg, 0, signed=True),
                format_number(c.lf_power_ms2, 0),
                format_number(None if c.lf_peak_hz is None else c.lf_peak_hz * 60.0, 2),
                format_number(c.peak_offset_bpm, 2),
                str(c.lf_peaks),
                "-" if c.pacer_share is None else f"{100 * c.pacer_share:.0f} %",
                f"{c.artifact_pct:.1f} %",
                format_number(c.score, 2),
            )
        )
    widths = [max(len(r[i]) for r in rows) for i in range(len(COLUMNS))]
    return "\n".join("  ".join(cell.rjust(w) for cell, w in zip(row, widths)) for row in rows)
