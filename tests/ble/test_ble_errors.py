"""Every Bluetooth failure a person can act on becomes one typed error with a plain message.

The reasons that a mock BlueZ on Linux cannot produce (macOS permission prompts) are checked by
feeding bleak's own exception types to the translation.
"""

from __future__ import annotations

import pytest
from bleak.exc import (
    BleakBluetoothNotAvailableError,
    BleakBluetoothNotAvailableReason,
    BleakDBusError,
    BleakDeviceNotFoundError,
    BleakError,
)

from biofeedback.sources import ble

R = BleakBluetoothNotAvailableReason


@pytest.mark.parametrize(
    ("exc", "kind", "message"),
    [
        (BleakBluetoothNotAvailableError("x", R.NO_BLUETOOTH), ble.NoAdapterError, ble.NO_ADAPTER),
        (BleakBluetoothNotAvailableError("x", R.POWERED_OFF), ble.BluetoothOffError, ble.BLUETOOTH_OFF),
        (BleakBluetoothNotAvailableError("x", R.DENIED_BY_USER), ble.PermissionDeniedError, ble.PERMISSION_DENIED),
        (BleakBluetoothNotAvailableError("x", R.DENIED_BY_SYSTEM), ble.PermissionDeniedError, ble.PERMISSION_DENIED),
        (BleakBluetoothNotAvailableError("x", R.DENIED_BY_UNKNOWN), ble.PermissionDeniedError, ble.PERMISSION_DENIED),
        (BleakDBusError("org.freedesktop.DBus.Error.ServiceUnknown", []), ble.NoAdapterError, ble.NO_BLUETOOTH_SERVICE),
        (BleakDBusError("org.bluez.Error.NotReady", []), ble.BluetoothOffError, ble.BLUETOOTH_OFF),
        (BleakDBusError("org.freedesktop.DBus.Error.AccessDenied", []), ble.PermissionDeniedError, ble.PERMISSION_DENIED),
        (BleakError("adapter 'hci1' not found"), ble.NoAdapterError, ble.NO_ADAPTER),
        (FileNotFoundError(2, "No such file"), ble.NoAdapterError, ble.NO_BLUETOOTH_SERVICE),
        (BleakDeviceNotFoundError("AA:BB"), ble.DeviceNotFoundError, ble.not_found_message("AA:BB")),
    ],
)
def test_bleak_failures_become_typed_errors_with_advice(exc, kind, message):
    typed = ble.translate_error(exc)
    assert isinstance(typed, kind) and str(typed) == message
    assert typed.exit_code == 1


def test_the_permission_message_says_where_to_allow_bluetooth_on_macos():
    assert "System Settings > Privacy & Security > Bluetooth" in ble.PERMISSION_DENIED


@pytest.mark.parametrize("exc", [BleakDBusError("org.bluez.Error.Failed", ["Page Timeout"]), RuntimeError("?"), TimeoutError()])
def test_transient_failures_are_not_translated(exc):
    assert ble.translate_error(exc) is None


def test_every_message_says_what_to_do_next():
    messages = [ble.NO_ADAPTER, ble.NO_BLUETOOTH_SERVICE, ble.BLUETOOTH_OFF, ble.PERMISSION_DENIED, ble.not_found_message(None), ble.no_heart_rate_message("X")]
    for message in messages:
        assert message.endswith(".") and "!" not in message
        assert any(verb in message for verb in ("Turn", "Start", "Plug", "open", "put the strap on", "Choose")), message
