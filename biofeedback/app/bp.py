"""``biofeedback bp``: blood-pressure readings from a Bluetooth cuff, or typed in.

Every reading is saved, as it arrives, to a small session file of its own in the sessions
folder (header ``person``, one ``bp`` event per reading), so the library lists it with the
person's sessions; ``--no-save`` only prints. Readings are spot values, told calmly: flags such
as an irregular pulse come with what to do.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from biofeedback.app import cli

#: What ``bp --json`` prints for each reading (docs/bluetooth.md).
JSON_KEYS = ("systolic_mmhg", "diastolic_mmhg", "map_mmhg", "pulse_bpm", "time", "user_id", "unit_sent", "flags")


def add_parser(sub) -> None:
    bp = sub.add_parser("bp", help="read a Bluetooth blood-pressure cuff, or add a reading typed in")
    bp.add_argument("--source", default="ble", help="ble (the only cuff in range) or ble:ADDRESS (default: ble)")
    bp.add_argument("--timeout", type=cli.positive_float, default=60.0, metavar="S", help="wait S seconds for the cuff's first reading (default 60)")
    bp.add_argument("--person", default="Me", metavar="ALIAS", help="whose readings these are (default: Me)")
    bp.add_argument("--when", choices=("before", "after"), default=None, help="the reading is from before or after a session")
    bp.add_argument("--json", action="store_true", help="print the readings as JSON")
    bp.add_argument("--add", metavar="SYS/DIA", help="add a reading typed in, in mmHg (for example 128/84), instead of reading a cuff (--source and --timeout then do not apply)")
    bp.add_argument("--pulse", type=cli.positive_float, default=None, metavar="BPM", help="the pulse of a reading typed in (with --add)")
    bp.add_argument("--no-save", action="store_true", help="print the readings without saving them")
    bp.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from biofeedback.sources.base import SourceError
    from biofeedback.sources.clock import SessionClock

    if args.pulse is not None and args.add is None:
        raise cli.UsageError("--pulse goes with --add (a reading typed in); a cuff sends its own pulse.")
    if args.add is not None and args.source != "ble":
        raise cli.UsageError("--add is a reading typed in: leave out --source.")
    clock = SessionClock()
    store = ReadingsFile(args.person, None if args.no_save else _sessions_folder())
    readings: list = []
    failure: SourceError | None = None
    try:
        if args.add is not None:
            readings.append(_typed(args, clock, store))
        else:
            _from_cuff(args, clock, store, readings)
    except SourceError as exc:  # said last, after what arrived before it: nothing received is lost
        failure = exc
    finally:
        store.close(clock.now())
    if args.json:
        print(json.dumps([reading_json(r) for r in readings], indent=2))
    if store.path is not None:
        n = len(readings)
        where = sys.stderr if args.json or failure is not None else sys.stdout
        print(f"Saved {n} reading{'s' if n != 1 else ''} for {args.person} to {store.path}", file=where)
    if failure is not None:
        raise failure
    return 0 if readings else 1


def _sessions_folder() -> Path:
    from biofeedback.storage import paths

    return paths.sessions_dir()


def _typed(args: argparse.Namespace, clock, store: ReadingsFile):
    from biofeedback.core.blood_pressure import parse_typed, typed_reading

    try:
        systolic, diastolic = parse_typed(args.add)
        reading = typed_reading(clock.now(), systolic, diastolic, args.pulse, args.when)
    except ValueError as exc:
        raise cli.UsageError(str(exc)) from None
    store.add(reading, "manual", {})
    if not args.json:
        _print_reading(reading)
    return reading


def _from_cuff(args: argparse.Namespace, clock, store: ReadingsFile, readings: list) -> None:
    """Read the cuff into ``readings``, saving and printing each reading as it arrives."""
    import asyncio
    import dataclasses

    from biofeedback.core.samples import BloodPressure, DeviceNotice, LinkState, Status
    from biofeedback.sources.ble import CuffSource

    spec = args.source.strip()
    if spec != "ble" and not spec.startswith("ble:"):
        raise cli.UsageError(f"A cuff is read over Bluetooth: use --source ble or ble:ADDRESS, not {spec!r}.")
    address = spec.partition(":")[2].strip() or None
    if spec.startswith("ble:") and address is None:
        raise cli.UsageError("Give the cuff's address after 'ble:' (see 'biofeedback scan'), or use --source ble.")
    source = CuffSource(address, timeout=args.timeout)

    def emit(event: Any) -> None:
        if isinstance(event, BloodPressure):
            reading = dataclasses.replace(event, when=args.when) if args.when else event
            readings.append(reading)
            store.add(reading, f"ble:{source.address}", source.device_info())
            if not args.json:
                _print_reading(reading)
        elif isinstance(event, DeviceNotice):
            print(f"biofeedback: {event.message}", file=sys.stderr)
        elif isinstance(event, Status) and not args.json and event.state is not LinkState.FINISHED:
            print(event.message, file=sys.stderr)

    asyncio.run(source.run(emit, clock))


def _print_reading(reading) -> None:
    from biofeedback.core.blood_pressure import explain_flags, reading_line

    print(reading_line(reading), flush=True)
    for text in explain_flags(reading.flags):
        print(f"  {text}", flush=True)


def _number(value: float | None) -> float | int | None:
    if value is None:
        return None
    value = round(value, 1)
    return int(value) if value.is_integer() else value


def reading_json(reading) -> dict[str, Any]:
    """One reading as ``bp --json`` prints it: pressures in mmHg (converted where sent in kPa)."""
    return {
        "systolic_mmhg": _number(reading.systolic_mmhg),
        "diastolic_mmhg": _number(reading.diastolic_mmhg),
        "map_mmhg": _number(reading.mean_arterial_mmhg),
        "pulse_bpm": _number(reading.pulse_bpm),
        "time": reading.measured_utc,
        "user_id": reading.user_id,
        "unit_sent": reading.unit,
        "flags": list(reading.flags),
    }


class ReadingsFile:
    """A session file of readings only, made at the first reading (no reading, no file).

    Header: ``person``, ``source`` (``ble:ADDRESS`` or ``manual``), ``device`` (the cuff's name,
    address and features; ``kind: cuff``); then one ``bp`` event per reading, each flushed and
    synced as it is written, and ``end``.
    """

    def __init__(self, person: str, folder: Path | None) -> None:
        self.person = person
        self.folder = folder
        self.path: Path | None = None
        self._writer = None

    def add(self, reading, source: str, device: dict[str, str]) -> None:
        if self.folder is None:
            return
        from biofeedback.app.session import SOFTWARE
        from biofeedback.storage.session_file import SessionFileError, SessionWriter, make_header, new_session_path

        if self._writer is None:
            path = new_session_path(self.folder)
            header = make_header(source, device, {}, SOFTWARE, reading.t, person=self.person)
            try:
                self._writer = SessionWriter(path, header)
            except SessionFileError as exc:
                raise cli.UsageError(str(exc)) from None
            self.path = path
        self._writer.write(reading)
        self._writer.sync()  # a reading is rare and precious: on the disk at once

    def close(self, t: float) -> None:
        if self._writer is not None:
            self._writer.close(t)
