"""``biofeedback protocol``: a structured session without a window.

Signal check, baseline with natural breathing (pacer hidden), training at the person's rate,
recovery; phases written to the session file as ``phase`` events; prints each phase against the
baseline (heart rate, RMSSD, coherence, heart-rate swing).
"""

from __future__ import annotations

import argparse
import json
import sys

from biofeedback.app import cli
from biofeedback.core.analysis_table import format_number
from biofeedback.app.sources import SOURCE_HELP


def add_parser(sub) -> None:
    p = sub.add_parser("protocol", help="a structured session: signal check, baseline, training, recovery")
    p.add_argument("--source", required=True, help=SOURCE_HELP)
    p.add_argument("--column", metavar="NAME", help=cli.COLUMN_HELP)
    p.add_argument("--out", required=True, help="the new session file")
    p.add_argument("--speed", type=cli.speed, default=1.0, help=cli.SPEED_HELP)
    p.add_argument("--person", default="Me", metavar="ALIAS", help="whom the protocol is for, an alias (default: Me)")
    p.add_argument("--rate", type=cli.positive_float, default=None, metavar="BPM", help="training rate (default: the person's assessed rate, else 6)")
    p.add_argument("--check", type=cli.seconds, default=None, metavar="S", help="shortest signal check (default 20; 0 skips it)")
    p.add_argument("--baseline", type=cli.seconds, default=None, metavar="S", help="baseline seconds (default 180)")
    p.add_argument("--training", type=cli.seconds, default=None, metavar="S", help="training seconds (default 600)")
    p.add_argument("--recovery", type=cli.seconds, default=None, metavar="S", help="recovery seconds (default 180; 0 skips it)")
    p.add_argument("--json", action="store_true", help="print the phase comparison as JSON")
    p.set_defaults(handler=run)


def plan_from(args: argparse.Namespace):
    from biofeedback.core.protocol import SessionPlan
    from biofeedback.storage.people import PeopleStore

    rate = args.rate if args.rate is not None else PeopleStore().assessed_bpm(args.person) or SessionPlan().rate_bpm
    kwargs = {"rate_bpm": rate}
    for arg, key in (("check", "check_s"), ("baseline", "baseline_s"), ("training", "training_s"), ("recovery", "recovery_s")):
        if getattr(args, arg) is not None:
            kwargs[key] = getattr(args, arg)
    try:
        return SessionPlan(**kwargs)
    except ValueError as exc:
        raise cli.UsageError(f"The session cannot be planned: {exc}.") from None


def run(args: argparse.Namespace) -> int:
    plan = plan_from(args)
    from biofeedback.app.guided import run_headless

    out = cli.new_file(args.out)
    runner, path, ended_early = run_headless(args, plan, out)
    stats = runner.result
    if ended_early:
        print("The session ended before the protocol was done; the phases so far are compared.", file=sys.stderr)
    elif runner.aborted and runner.message:
        print(runner.message, file=sys.stderr)
    if args.json:
        print(json.dumps({"session": str(path), "rate_bpm": plan.rate_bpm, "completed": not runner.aborted, "phases": [s.to_dict() for s in stats]}, indent=1))
    else:
        print(table(stats))
        print(f"Session saved to {path}")
    return 0 if not runner.aborted or ended_early else 1


COLUMNS = ("phase", "minutes", "HR bpm", "RMSSD ms", "coherence", "HR swing bpm")


def table(stats) -> str:
    """Each phase and its change from the baseline, as plain text."""
    rows = [COLUMNS]
    for s in stats:
        def cell(value, change, digits=1):
            return format_number(value, digits) + ("" if change is None else f" ({change:+.{digits}f})")

        rows.append(
            (
                s.label,
                f"{(s.end_s - s.start_s) / 60.0:.1f}",
                cell(s.hr_bpm, s.hr_change),
                cell(s.rmssd_ms, s.rmssd_change),
                cell(s.coherence, s.coherence_change, 2),
                cell(s.swing_bpm, s.swing_change),
            )
        )
    widths = [max(len(r[i]) for r in rows) for i in range(len(COLUMNS))]
    return "\n".join("  ".join(cell.ljust(w) if i == 0 else cell.rjust(w) for i, (cell, w) in enumerate(zip(row, widths))) for row in rows)
