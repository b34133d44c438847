"""``biofeedback sessions``: the session library on the command line, as a table or JSON."""

from __future__ import annotations

import argparse
import json
import sys

from biofeedback.app import cli
from biofeedback.core import words


def add_parser(sub) -> None:
    p = sub.add_parser("sessions", help="list the sessions in the library")
    p.add_argument("--person", metavar="ALIAS", help="only this person's sessions")
    p.add_argument("--json", action="store_true", help="print JSON: one object per session")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from biofeedback.storage.library import Library, LibraryError

    try:
        with Library.default() as library:
            report = library.sync(progress=_progress if sys.stderr.isatty() else None)
            entries = library.entries(person=args.person)
            people = library.people()
    except LibraryError as exc:
        raise cli.UsageError(str(exc)) from None
    if report.rebuilt:
        print(f"biofeedback: {words.LIBRARY_REBUILT}", file=sys.stderr)
    if args.json:
        print(json.dumps([e.to_json() for e in entries], indent=2))
        return 0
    if not entries:
        if args.person and people:
            print(f"No sessions for {args.person}. People in the library: {', '.join(people)}.")
        else:
            print("No sessions yet. Sessions you record are listed here.")
        return 0
    print(format_table(entries))
    return 0


def _progress(done: int, total: int) -> None:
    if total >= 20:
        end = "\n" if done == total else "\r"
        print(f"Reading new sessions into the library: {done} of {total}", end=end, file=sys.stderr, flush=True)


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return ""
    s = int(round(seconds))
    return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}" if s >= 3600 else f"{s // 60}:{s % 60:02d}"


def _number(value: float | None, fmt: str) -> str:
    return "" if value is None else fmt.format(value)


def _before_after(ratings: dict, what: str) -> str:
    def one(when: str) -> str:
        r = ratings.get(when) or {}
        return "-" if r.get(what) is None else str(r[what])

    if not ratings.get("before") and not ratings.get("after"):
        return ""
    return f"{one('before')} -> {one('after')}"


def format_table(entries) -> str:
    """One line per session: date, person, duration, source, mean HR, RMSSD, coherence, ratings."""
    head = ("Date", "Person", "Length", "Source", "HR bpm", "RMSSD ms", "Coherence", "Pain", "Stress", "Title and tags")
    rows = []
    for e in entries:
        when = e.started_local
        date = when.strftime("%Y-%m-%d %H:%M") if when else ""
        if not e.readable:
            rows.append((date, e.person or "?", "", "", "", "", "", "", "", f"cannot be read: {e.error}"))
            continue
        title = " ".join([e.title, *(f"#{t}" for t in e.tags)]).strip() or e.path.name
        if e.problems:
            title += " (" + "; ".join(e.problems) + ")"
        rows.append(
            (
                date,
                e.person,
                _duration(e.duration_s),
                e.source_kind or "",
                _number(e.mean_hr_bpm, "{:.0f}"),
                _number(e.rmssd_ms, "{:.0f}"),
                _number(e.coherence_mean, "{:.2f}"),
                _before_after(e.ratings, "pain"),
                _before_after(e.ratings, "stress"),
                title,
            )
        )
    widths = [max(len(str(r[i])) for r in [head, *rows]) for i in range(len(head) - 1)]
    lines = []
    for r in [head, *rows]:
        lines.append("  ".join(str(c).ljust(w) for c, w in zip(r, widths)) + "  " + r[-1])
    return "\n".join(line.rstrip() for line in lines)
