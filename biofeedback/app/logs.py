"""Logging: to stderr, and to an owner-only log file in the data folder for the window."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path


def configure(verbose: bool) -> None:
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(levelname)s %(name)s: %(message)s" if verbose else "%(message)s",
        stream=sys.stderr,
    )


def log_to_file(folder: Path) -> Path | None:
    """Also log to ``folder/biofeedback.log`` (owner-only), so a crash leaves its details behind."""
    path = folder / "biofeedback.log"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    except OSError:
        return None
    handler = logging.StreamHandler(os.fdopen(fd, "a", encoding="utf-8"))
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.getLogger().addHandler(handler)
    return path
