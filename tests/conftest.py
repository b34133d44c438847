"""Shared test set-up: Qt renders offscreen; real recordings are found through the package."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np
import pytest

from biofeedback.resources import sample_stream


@pytest.fixture(scope="session")
def nsrdb_5min_rr() -> np.ndarray:
    """337 real RR intervals, ms (MIT-BIH NSRDB, see sample_streams/README.md)."""
    return np.loadtxt(sample_stream("nsrdb_5min_rr_ms.txt"))


@pytest.fixture(scope="session")
def nsrdb_60min_rr() -> np.ndarray:
    """4684 real RR intervals, ms (MIT-BIH NSRDB, see sample_streams/README.md)."""
    return np.loadtxt(sample_stream("nsrdb_60min_rr_ms.txt"))
