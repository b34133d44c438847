"""Fixtures for the BLE tests: see :mod:`harness` (tests/ble/harness.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from .harness import CUFF_ADDRESS, CUFF_NAME, BlueZBus, MockStrap, open_bus

HERE = Path(__file__).parent


def pytest_collection_modifyitems(items):
    for item in items:
        if str(item.fspath).startswith(str(HERE)):
            item.add_marker(pytest.mark.ble)


@pytest.fixture
def bluez_bus(tmp_path, monkeypatch) -> Iterator[BlueZBus]:
    """A private system bus, also set for bleak in this process."""
    bus = open_bus(tmp_path, monkeypatch)
    try:
        yield bus
    finally:
        bus.close()


@pytest.fixture
def strap(bluez_bus) -> MockStrap:
    """A mock BlueZ with one powered adapter and one Polar-like strap in range."""
    return bluez_bus.start_mock()




@pytest.fixture
def strap_and_cuff(bluez_bus) -> MockStrap:
    """A mock BlueZ with the strap and a blood-pressure cuff in range (no pairing needed)."""
    return bluez_bus.start_mock("--cuff", f"{CUFF_ADDRESS}={CUFF_NAME}")
