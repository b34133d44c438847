"""Plain RR text: one interval per line, in milliseconds or seconds (Kubios-style export)."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from biofeedback.core.constants import NOTIFY_INTERVAL_S
from biofeedback.core.samples import Sample
from biofeedback.storage.session_file import SessionFileError

#: A median interval below this is taken to be in seconds (no heart beats 100 times a second).
_SECONDS_IF_MEDIAN_BELOW = 10.0


def read_rr_text(path: str | os.PathLike[str]) -> np.ndarray:
    """RR intervals in ms from a text file. Blank lines and ``#`` comments are ignored.

    Raises :class:`SessionFileError` naming the first bad line.
    """
    path = Path(path)
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        raise SessionFileError(f"{path} is neither a session file nor RR text (it is not text).") from None
    except IsADirectoryError:
        raise SessionFileError(f"{path} is a folder, not a recording.") from None
    except FileNotFoundError:
        raise SessionFileError(f"{path} does not exist.") from None
    except OSError as exc:
        raise SessionFileError(f"Cannot read {path}: {exc.strerror}.") from None
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
    if not values:
        raise SessionFileError(f"{path} holds no RR intervals.")
    rr = np.asarray(values, dtype=np.float64)
    if np.median(rr) < _SECONDS_IF_MEDIAN_BELOW:
        rr = rr * 1000.0
    return rr


def rr_to_samples(rr_ms: np.ndarray, interval_s: float = NOTIFY_INTERVAL_S) -> list[Sample]:
    """Packetise an RR series like a strap: one notification per ``interval_s`` with the new beats.

    The first beat is at ``rr_ms[0]`` ms after session time 0.
    """
    times = np.cumsum(rr_ms) / 1000.0
    samples = []
    start = 0
    n_packets = int(np.ceil(times[-1] / interval_s)) if len(times) else 0
    for k in range(1, n_packets + 1):
        t = k * interval_s
        stop = int(np.searchsorted(times, t, side="right"))
        rr = tuple(float(r) for r in rr_ms[start:stop])
        if rr:
            recent = rr_ms[max(0, stop - 4) : stop]
            samples.append(Sample(t=t, hr_bpm=round(60000.0 / float(np.mean(recent))), rr_ms=rr))
        start = stop
    return samples
