"""Logging: to stderr, and to an owner-only, rotated log file in the data folder for the window.

The log file is ``biofeedback.log`` in the data folder (``~/.local/share/biofeedback/biofeedback/``
on Linux), readable only by its owner. It is rotated at :data:`LOG_MAX_BYTES` with
:data:`LOG_BACKUPS` older files kept, so it never fills a disk. A message repeated many times a
second (a source failing in a loop, say) is written once, then once with a count when it stops
repeating or every :data:`REPEAT_WINDOW_S` seconds: the log stays readable and small.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import sys
import time
from pathlib import Path

LOG_NAME = "biofeedback.log"
#: Size at which the log file is rotated, bytes, and how many older files are kept.
LOG_MAX_BYTES = 1_000_000
LOG_BACKUPS = 3
#: A message repeated within this many seconds of its last writing is counted, not written, s.
REPEAT_WINDOW_S = 10.0


def configure(verbose: bool) -> None:
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(levelname)s %(name)s: %(message)s" if verbose else "%(message)s",
        stream=sys.stderr,
    )
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, RepeatFilter) for f in handler.filters):
            handler.addFilter(REPEATS)


class RepeatFilter(logging.Filter):
    """Lets a message through once, then counts its repeats for :data:`REPEAT_WINDOW_S` seconds.

    When the same message comes after the window, it is let through with "(repeated N times in
    the last T s)" appended, and counting starts again. ``clock`` is injectable for tests.
    """

    def __init__(self, window_s: float = REPEAT_WINDOW_S, clock=time.monotonic) -> None:
        super().__init__()
        self.window_s = window_s
        self.clock = clock
        #: (logger, level, message) -> (time first written in this window, repeats since)
        self._seen: dict[tuple[str, int, str], tuple[float, int]] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        verdict = getattr(record, "_repeat_verdict", None)
        if verdict is not None:  # the same record, at the next handler sharing this filter
            return verdict
        verdict = self._judge(record)
        record._repeat_verdict = verdict
        return verdict

    def _judge(self, record: logging.LogRecord) -> bool:
        try:
            key = (record.name, record.levelno, record.getMessage())
        except Exception:  # a record whose arguments do not format: let logging report it
            return True
        now = self.clock()
        seen = self._seen.get(key)
        if seen is None or now - seen[0] >= self.window_s:
            if seen is not None and seen[1]:
                record.msg = f"{record.getMessage()} (repeated {seen[1]} times in the last {now - seen[0]:.0f} s)"
                record.args = ()
            if len(self._seen) > 512:  # forget old messages: the filter never grows without bound
                self._seen = {k: v for k, v in self._seen.items() if now - v[0] < self.window_s}
            self._seen[key] = (now, 0)
            return True
        self._seen[key] = (seen[0], seen[1] + 1)
        return False


#: One filter shared by every handler, so a record is judged once, whatever handlers it reaches.
REPEATS = RepeatFilter()


class PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """A rotating log whose every file (the present one and each new one) is owner-only."""

    def _open(self):
        fd = os.open(self.baseFilename, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        os.chmod(self.baseFilename, 0o600)  # a file made before this version may be wider
        return os.fdopen(fd, self.mode if "a" in self.mode else "a", encoding=self.encoding, errors=self.errors)


def log_to_file(folder: Path) -> Path | None:
    """Also log to ``folder/biofeedback.log`` (owner-only, rotated), so a crash leaves its details behind."""
    path = folder / LOG_NAME
    try:
        handler = PrivateRotatingFileHandler(path, maxBytes=LOG_MAX_BYTES, backupCount=LOG_BACKUPS, encoding="utf-8")
    except OSError:
        return None
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(REPEATS)
    logging.getLogger().addHandler(handler)
    return path
