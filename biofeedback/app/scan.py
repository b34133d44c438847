"""``biofeedback scan``: the Bluetooth heart-rate straps and blood-pressure cuffs in range."""

from __future__ import annotations

import argparse
import sys

from biofeedback.app import cli
from biofeedback.core import words


def add_parser(sub) -> None:
    scan = sub.add_parser("scan", help="list nearby Bluetooth heart-rate straps and blood-pressure cuffs (name, kind, address, signal)")
    scan.add_argument("--timeout", type=cli.positive_float, default=5.0, metavar="S", help="listen for S seconds (default 5)")
    scan.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    import asyncio

    from biofeedback.sources.ble import scan

    devices = asyncio.run(scan(args.timeout, kinds=("strap", "cuff")))
    if not devices:
        print(words.NOTHING_FOUND_IN_SCAN.format(put_on=words.PUT_STRAP_ON), file=sys.stderr)
        return 1
    width = max(len(d.name) for d in devices)
    print(f"{'NAME':<{width}}  {'KIND':<5}  {'ADDRESS':<17}  RSSI")
    for d in devices:
        rssi = "?" if d.rssi is None else f"{d.rssi} dBm"
        print(f"{d.name:<{width}}  {d.kind:<5}  {d.address:<17}  {rssi}")
    return 0
