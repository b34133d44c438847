"""Garmin FIT activity files with beat-to-beat (HRV) messages, through ``fitdecode`` (optional).

A FIT file starts with a 12- or 14-byte header::

    offset 0  header size (12 or 14)
           1  protocol version
           2  profile version, uint16 little-endian
           4  data size, uint32 little-endian
           8  ".FIT"
          12  header CRC, uint16 (14-byte headers only)

Garmin watches with "Log HRV" on, paired with a chest strap, write ``hrv`` messages (global
number 78): a ``time`` field holding up to five RR intervals in seconds (unused slots invalid).
They carry no timestamp: beats are placed by summing intervals from the first ``timer start``
event (else the file's creation time), which is also the session's start (UTC, FIT's epoch is
1989-12-31 00:00 UTC). Intervals of 65.535 s are FIT's "invalid" and are not beats.

Reading needs ``fitdecode`` (MIT), installed with the ``fit`` extra:
``pip install "biofeedback[fit]"``.
"""

from __future__ import annotations

import datetime as _dt
import io

import numpy as np

from biofeedback.storage.formats.base import FormatError, ImportedRecording, Segment
from biofeedback.storage.formats.sniff import Sniff

FIT = "Garmin FIT (HRV messages)"

#: FIT's invalid value for the hrv time field (uint16 0xFFFF at scale 1000), s.
_INVALID_S = 65.535


def detect_fit(sniff: Sniff) -> bool:
    head = sniff.data[:14]
    return len(head) >= 12 and head[0] in (12, 14) and head[8:12] == b".FIT"


def read_fit(sniff: Sniff) -> ImportedRecording:
    path = sniff.path
    try:
        import fitdecode
    except ImportError:
        raise FormatError(
            f"{path} is a Garmin FIT file; reading it needs the optional package fitdecode: pip install \"biofeedback[fit]\"."
        ) from None
    rr: list[float] = []
    start: _dt.datetime | None = None
    created: _dt.datetime | None = None
    device: dict[str, str] = {}
    warnings: list[str] = []
    skipped = 0
    try:
        # RAISE, not WARN: a damaged file ends the reading with an error we report (warnings would
        # escape as Python warnings), and the beats read before it are kept
        with fitdecode.FitReader(
            io.BytesIO(sniff.data),
            check_crc=fitdecode.CrcCheck.RAISE,
            error_handling=fitdecode.ErrorHandling.RAISE,
        ) as reader:
            for frame in reader:
                if not isinstance(frame, fitdecode.FitDataMessage):
                    continue
                name = frame.name
                if name == "hrv":
                    values = frame.get_value("time", fallback=None)
                    if values is None:
                        skipped += 1
                        continue
                    for v in values if isinstance(values, (tuple, list)) else (values,):
                        if isinstance(v, (int, float)) and 0 < v < _INVALID_S:
                            rr.append(float(v) * 1000.0)
                elif name == "event" and start is None:
                    if frame.get_value("event", fallback=None) == "timer" and frame.get_value("event_type", fallback=None) == "start":
                        start = frame.get_value("timestamp", fallback=None)
                elif name == "file_id":
                    created = frame.get_value("time_created", fallback=None)
                    product = frame.get_value("garmin_product", fallback=None) or frame.get_value("product", fallback=None)
                    device["name"] = f"{frame.get_value('manufacturer', fallback='')} {product or ''}".strip()
                elif name == "device_info":
                    product = frame.get_value("garmin_product", fallback=None)
                    if isinstance(product, str) and product.startswith("hrm"):
                        device["strap"] = product
    except fitdecode.FitError as exc:  # a damaged file: keep what was read before the damage
        if not rr:
            raise FormatError(f"{path} is a damaged FIT file ({exc}); no beats could be read.") from None
        warnings.append(f"The FIT file is damaged ({exc}); the {len(rr)} beats before the damage were read.")
    except Exception as exc:  # fitdecode raises plain errors on some corruptions; never crash on a file
        if not rr:
            raise FormatError(f"{path} could not be read as a FIT file ({type(exc).__name__}).") from None
        warnings.append(f"The FIT file could not be read to its end ({type(exc).__name__}); the {len(rr)} beats before were read.")
    if not rr:
        raise FormatError(f"{path} is a FIT file without beat-to-beat (HRV) messages; turn on 'Log HRV' on the watch to record them.")
    rec = ImportedRecording(FIT, [Segment(0.0, np.asarray(rr))], device=device, warnings=warnings, skipped_lines=skipped)
    when = start or created
    if isinstance(when, _dt.datetime):
        rec.started = when if when.tzinfo else when.replace(tzinfo=_dt.timezone.utc)
    return rec
