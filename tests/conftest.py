"""Shared test set-up: Qt renders offscreen; real recordings are found through the package."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# Settings, sessions and logs of the app under test (in this process and in the subprocesses
# the tests start) go to a private folder, never to the real user's.
_PRIVATE_HOME = tempfile.mkdtemp(prefix="biofeedback-tests-")
atexit.register(shutil.rmtree, _PRIVATE_HOME, ignore_errors=True)
for _var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
    os.environ[_var] = os.path.join(_PRIVATE_HOME, _var.lower())

import numpy as np
import pytest

from biofeedback.resources import sample_stream
from biofeedback.sources.clock import SessionClock


class ManualClock(SessionClock):
    """A session clock the test sets by hand: ``clock.t = 12.0``."""

    def __init__(self) -> None:
        super().__init__()
        self.t = 0.0

    def now(self) -> float:
        return self.t


@pytest.fixture
def clock() -> ManualClock:
    """A session clock at 0 s that the test moves by setting ``clock.t``."""
    return ManualClock()


@pytest.fixture(scope="session")
def nsrdb_5min_rr() -> np.ndarray:
    """337 real RR intervals, ms (MIT-BIH NSRDB, see sample_streams/README.md)."""
    return np.loadtxt(sample_stream("nsrdb_5min_rr_ms.txt"))


@pytest.fixture(scope="session")
def nsrdb_60min_rr() -> np.ndarray:
    """4684 real RR intervals, ms (MIT-BIH NSRDB, see sample_streams/README.md)."""
    return np.loadtxt(sample_stream("nsrdb_60min_rr_ms.txt"))
