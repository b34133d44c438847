"""Plain RR text: one interval per line, in milliseconds or seconds (Kubios-style export)."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from biofeedback.core.constants import NOTIFY_INTERVAL_S
from biofeedback.core.samples import Sample
from biofeedback.storage.session_file import SessionFileError, read_recording_bytes

#: A median interval below this is taken to be in seconds (no heart beats 100 times a second).
_SECONDS_IF_MEDIAN_BELOW = 10.0


def read_rr_text(path: str | os.PathLike[str]) -> np.ndarray:
    """RR intervals in ms from a text file. Blank lines and ``#`` comments are ignored.

    Raises :class:`SessionFileError` naming the first bad line.
    """
    path = Path(path)
    try:
        text = read_recording_bytes(path).decode("utf-8")
    except UnicodeDecodeError:
        raise SessionFileError(f"{path} is neither a session file nor RR text (it is not text).") from None
    if not text.strip("\x00 \t\r\n"):  # only zero bytes: what a power cut can leave of a file
        raise SessionFileError(f"{path} is empty.")
    if any(ch < " " and ch not in "\t\r\n" for ch in text[:4096]):
        raise SessionFileError(f"{path} is neither a session file nor RR text (it is not text).")
    try:  # the common case, a clean column of numbers, in one call
        rr = np.array(text.replace(",", ".").split(), dtype=np.float64) if "#" not in text else None
    except ValueError:
        rr = None
    if rr is None or (len(rr) and not (np.all(np.isfinite(rr)) and np.all(rr > 0))):
        rr = _parse_lines(path, text)
    if not len(rr):
        raise SessionFileError(f"{path} holds no RR intervals.")
    if np.median(rr) < _SECONDS_IF_MEDIAN_BELOW:
        rr = rr * 1000.0
    return rr


def _parse_lines(path: Path, text: str) -> np.ndarray:
    """Line by line, to name the first bad line."""
    values = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.split("#", 1)[0].strip().replace(",", ".")
        if not line:
            continue
        try:
            value = float(line.split()[0])
        except ValueError:
            raise SessionFileError(
                f"{path} line {number} is not an RR interval ({line[:30]!r}); expected one number per line."
            ) from None
        if not np.isfinite(value) or value <= 0:
            raise SessionFileError(f"{path} line {number}: an RR interval must be a positive number.")
        values.append(value)
    return np.asarray(values, dtype=np.float64)


def rr_to_samples(rr_ms: np.ndarray, interval_s: float = NOTIFY_INTERVAL_S) -> list[Sample]:
    """Packetise an RR series like a strap: one notification per ``interval_s`` with the new beats.

    The first beat is at ``rr_ms[0]`` ms after session time 0.
    """
    rr_ms = np.asarray(rr_ms, dtype=np.float64)
    if not len(rr_ms):
        return []
    times = np.cumsum(rr_ms) / 1000.0
    n_packets = int(np.ceil(times[-1] / interval_s))
    packet_t = np.arange(1, n_packets + 1) * interval_s
    stops = np.searchsorted(times, packet_t, side="right")
    starts = np.concatenate(([0], stops[:-1]))
    # the strap's own heart rate: over its last four intervals
    csum = np.concatenate(([0.0], np.cumsum(rr_ms)))
    first = np.maximum(stops - 4, 0)
    recent_mean = (csum[stops] - csum[first]) / np.maximum(stops - first, 1)
    rr_list = rr_ms.tolist()
    return [
        Sample(t=float(t), hr_bpm=round(60000.0 / m), rr_ms=tuple(rr_list[a:b]))
        for t, a, b, m in zip(packet_t.tolist(), starts.tolist(), stops.tolist(), recent_mean.tolist())
        if b > a
    ]
