"""Bluetooth LE heart-rate straps through bleak: the only module that imports bleak.

Any strap with the standard Heart Rate Service (0x180D) works: Polar H7/H9/H10, Garmin HRM,
Wahoo TICKR and others. The source

1. scans by the Heart Rate Service UUID (not by name), or for one given address;
2. connects with the ``BLEDevice`` from that scan (an address string would make bleak rescan
   behind our back);
3. reads Body Sensor Location (0x2A38) and Battery Level (0x2A19), subscribes to the battery where
   it notifies, and subscribes to Heart Rate Measurement (0x2A37);
4. when the link drops, emits ``RECONNECTING`` (so the timeline breaks and the recorder writes a
   gap), then rescans and reconnects with backoff for as long as the session runs, saying
   ``LOST`` once the strap has been away for a while. BlueZ removes the device object on
   disconnect, so every attempt starts with a fresh scan.

bleak runs on the asyncio loop that runs :meth:`BleSource.run` (the Qt bridge's worker thread, or
``asyncio.run`` for headless recording). Notification callbacks only enqueue; one consumer task
decodes and emits.

Errors a person can act on are typed :class:`BluetoothError` subclasses whose message says what
happened and what to do next.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass

from bleak import BleakClient, BleakScanner
from bleak.backends.device import BLEDevice
from bleak.exc import (
    BleakBluetoothNotAvailableError,
    BleakBluetoothNotAvailableReason,
    BleakDBusError,
    BleakDeviceNotFoundError,
    BleakError,
)

from biofeedback.core.samples import Battery, Contact, LinkState, SourceInfo, SourceKind, Status
from biofeedback.sources.base import Emit, Source, SourceError
from biofeedback.sources.clock import SessionClock
from biofeedback.sources.hrm import HrmDecodeError, decode_battery_level, decode_body_sensor_location, decode_hrm
from biofeedback.core import words

log = logging.getLogger(__name__)


def _uuid16(short: int) -> str:
    return f"0000{short:04x}-0000-1000-8000-00805f9b34fb"


#: Bluetooth SIG assigned numbers (Assigned Numbers, section 3.4 and 3.8).
HEART_RATE_SERVICE = _uuid16(0x180D)
HEART_RATE_MEASUREMENT = _uuid16(0x2A37)
BODY_SENSOR_LOCATION = _uuid16(0x2A38)
BATTERY_SERVICE = _uuid16(0x180F)
BATTERY_LEVEL = _uuid16(0x2A19)

#: How long a scan for the strap may take before it counts as not found, s. Straps advertise
#: every 20 ms to a few hundred ms, so a present strap is found well within this.
SCAN_TIMEOUT_S = 10.0
#: How long ``--source ble`` listens for straps before choosing, s (it must see them all).
AUTO_SCAN_S = 5.0
#: Connection set-up (connect + service discovery), s.
CONNECT_TIMEOUT_S = 20.0
#: Pauses between reconnection attempts, s; the last repeats for as long as the session runs.
RECONNECT_BACKOFF_S = (0.5, 1.0, 2.0, 4.0, 8.0)
#: After this long without the strap, the link counts as lost (still retried), s.
LOST_AFTER_S = 30.0
#: Failed attempts at the very first connection before giving up with an error.
FIRST_CONNECT_ATTEMPTS = 3


# --------------------------------------------------------------------------- errors


class BluetoothError(SourceError):
    """A Bluetooth problem a person can act on; the message says what to do next."""

    #: Exit status of the command line for this error (2 is kept for bad usage).
    exit_code = 1


class NoAdapterError(BluetoothError):
    pass


class BluetoothOffError(BluetoothError):
    pass


class PermissionDeniedError(BluetoothError):
    pass


class DeviceNotFoundError(BluetoothError):
    pass


class NoHeartRateServiceError(BluetoothError):
    pass


class SeveralDevicesError(BluetoothError):
    pass


NO_ADAPTER = "No Bluetooth adapter was found. Plug one in or turn Bluetooth on, or use the demo or open a recording instead."
NO_BLUETOOTH_SERVICE = (
    "The computer's Bluetooth service is not running. Start it (on Linux: 'systemctl start bluetooth'), "
    "or use the demo or open a recording instead."
)
BLUETOOTH_OFF = "Bluetooth is switched off. Turn it on in your system settings, then try again."
PERMISSION_DENIED = (
    "This app is not allowed to use Bluetooth. On macOS open System Settings > Privacy & Security > Bluetooth "
    "and allow it (or the terminal you started it from), then start it again."
)


def not_found_message(address: str | None) -> str:
    which = f"The strap {address} was not found" if address else "No heart-rate strap was found"
    return (
        f"{which}. {words.PUT_STRAP_ON}, "
        "keep it within a few metres, and try again."
    )


def still_looking_message(address: str | None) -> str:
    which = f"The strap {address} is" if address else "No heart-rate strap is"
    return (
        f"{which} in range yet. {words.PUT_STRAP_ON}; "
        "the app keeps looking."
    )


def no_heart_rate_message(name: str) -> str:
    return (
        f"{name} was found but does not offer the standard Heart Rate Service. "
        "Choose a heart-rate chest strap (for example Polar H10, Garmin HRM or Wahoo TICKR)."
    )


def translate_error(exc: BaseException) -> BluetoothError | None:
    """The typed error a person can act on for an exception from bleak or D-Bus, if there is one."""
    if isinstance(exc, BluetoothError):
        return exc
    if isinstance(exc, BleakBluetoothNotAvailableError):
        reason = exc.reason
        if reason is BleakBluetoothNotAvailableReason.POWERED_OFF:
            return BluetoothOffError(BLUETOOTH_OFF)
        if reason in (
            BleakBluetoothNotAvailableReason.DENIED_BY_USER,
            BleakBluetoothNotAvailableReason.DENIED_BY_SYSTEM,
            BleakBluetoothNotAvailableReason.DENIED_BY_UNKNOWN,
        ):
            return PermissionDeniedError(PERMISSION_DENIED)
        return NoAdapterError(NO_ADAPTER)
    if isinstance(exc, BleakDeviceNotFoundError):
        return DeviceNotFoundError(not_found_message(exc.identifier))
    if isinstance(exc, BleakDBusError):
        if exc.dbus_error in ("org.freedesktop.DBus.Error.ServiceUnknown", "org.freedesktop.DBus.Error.NameHasNoOwner"):
            return NoAdapterError(NO_BLUETOOTH_SERVICE)
        if exc.dbus_error == "org.bluez.Error.NotReady":
            return BluetoothOffError(BLUETOOTH_OFF)
        if exc.dbus_error in ("org.bluez.Error.NotAuthorized", "org.freedesktop.DBus.Error.AccessDenied"):
            return PermissionDeniedError(PERMISSION_DENIED)
        return None
    if isinstance(exc, BleakError) and "adapter" in str(exc) and "not found" in str(exc):
        return NoAdapterError(NO_ADAPTER)
    if isinstance(exc, (FileNotFoundError, ConnectionRefusedError)):
        # The system bus socket is missing: no Bluetooth stack to talk to.
        return NoAdapterError(NO_BLUETOOTH_SERVICE)
    if isinstance(exc, PermissionError):
        return PermissionDeniedError(PERMISSION_DENIED)
    return None


# --------------------------------------------------------------------------- scanning


@dataclass(frozen=True, slots=True)
class FoundDevice:
    """A heart-rate strap seen in a scan.

    Attributes
    ----------
    name : str
        Advertised name (or "Unnamed strap").
    address : str
        Bluetooth address (a UUID on macOS).
    rssi : int or None
        Signal strength, dBm (higher is closer).
    """

    name: str
    address: str
    rssi: int | None


async def scan(timeout: float = AUTO_SCAN_S) -> list[FoundDevice]:
    """Listen for heart-rate straps (Heart Rate Service 0x180D) for ``timeout`` s, strongest first.

    Raises
    ------
    BluetoothError
        No adapter, Bluetooth off, or permission denied.
    """
    try:
        found = await BleakScanner.discover(timeout=timeout, return_adv=True, service_uuids=[HEART_RATE_SERVICE])
    except Exception as exc:
        typed = translate_error(exc)
        if typed is None:
            raise
        raise typed from None
    devices = [FoundDevice(d.name or adv.local_name or "Unnamed strap", d.address, adv.rssi) for d, adv in found.values()]
    return sorted(devices, key=lambda d: -(d.rssi if d.rssi is not None else -999))


# --------------------------------------------------------------------------- the source


class _LinkDropped(Exception):
    """The strap disconnected after a working connection."""


class BleSource(Source):
    """Heartbeats from one Bluetooth LE heart-rate strap.

    Parameters
    ----------
    address : str or None
        The strap to use; None takes ``preferred`` if it is in range, else the only strap in range
        (an error if there are several).
    preferred : str or None
        The address of the strap used last time, for ``address=None``.
    keep_looking : bool
        If the strap is not found at the start, say so and keep looking (the window, where a
        person may put the strap on later) instead of failing (the command line).
    scan_timeout, auto_scan, connect_timeout, lost_after : float
        See the module constants, s.
    backoff : sequence of float
        Pauses between reconnection attempts, s; the last one repeats.
    """

    def __init__(
        self,
        address: str | None = None,
        *,
        preferred: str | None = None,
        keep_looking: bool = False,
        scan_timeout: float = SCAN_TIMEOUT_S,
        auto_scan: float = AUTO_SCAN_S,
        connect_timeout: float = CONNECT_TIMEOUT_S,
        backoff: Sequence[float] = RECONNECT_BACKOFF_S,
        lost_after: float = LOST_AFTER_S,
    ) -> None:
        self.address = address
        self.preferred = preferred
        self.keep_looking = keep_looking
        self.spec = f"ble:{address}" if address else "ble"
        self.scan_timeout = scan_timeout
        self.auto_scan = auto_scan
        self.connect_timeout = connect_timeout
        self.backoff = tuple(backoff) or (1.0,)
        self.lost_after = lost_after
        self.name: str | None = None
        self.location: str | None = None
        #: Notifications that could not be decoded (shorter than their flags promise).
        self.decode_errors = 0
        #: Notifications that carried stray bytes after their last whole RR interval.
        self.stray_byte_packets = 0
        self.notifications = 0
        self._queue: asyncio.Queue[tuple[float, bytes]] | None = None
        self._contact: Contact | None = None
        self._streaming = False

    def device_info(self) -> dict[str, str]:
        info = {"kind": "ble"}
        if self.address:
            info["address"] = self.address
        if self.name:
            info["name"] = self.name
        if self.location:
            info["location"] = self.location
        return info

    def describe(self) -> SourceInfo:
        name = self.name or (f"the strap {self.address}" if self.address else "your strap")
        return SourceInfo(SourceKind.STRAP, self.spec, live=True, recorded_by_default=True, device=self.device_info(), name=name)

    # ---- run

    async def run(self, emit: Emit, clock: SessionClock) -> None:
        connected_once = False
        failures = 0
        away_since: float | None = None
        said_lost = False
        while True:
            if not connected_once and failures == 0:
                emit(Status(clock.now(), LinkState.SCANNING, words.LOOKING_FOR_STRAP, self.device_info()))
            try:
                await self._session(emit, clock, first=not connected_once)
            except _LinkDropped:
                connected_once = True
                failures = 0
                away_since = clock.now()
                said_lost = False
                emit(Status(away_since, LinkState.RECONNECTING, "The strap's signal dropped. Reconnecting...", self.device_info()))
                continue
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                typed = translate_error(exc)
                if not connected_once and self.keep_looking and isinstance(typed, DeviceNotFoundError):
                    failures += 1
                    if failures == 1:
                        emit(Status(clock.now(), LinkState.SCANNING, still_looking_message(self.address), self.device_info()))
                elif not connected_once:
                    failures += 1
                    fatal = isinstance(typed, (NoAdapterError, BluetoothOffError, PermissionDeniedError, NoHeartRateServiceError, DeviceNotFoundError, SeveralDevicesError))
                    if fatal:
                        raise typed from None
                    if failures >= FIRST_CONNECT_ATTEMPTS:
                        log.debug("giving up connecting", exc_info=exc)
                        name = self.name or self.address or "the strap"
                        raise BluetoothError(
                            f"Could not connect to {name} ({_describe(exc)}). Move closer, check that no other app "
                            "or phone is connected to it, and try again."
                        ) from None
                else:
                    now = clock.now()
                    if not said_lost and away_since is not None and now - away_since >= self.lost_after:
                        said_lost = True
                        why = str(typed) if isinstance(typed, (BluetoothOffError, NoAdapterError)) else (
                            "The strap is out of reach. Put it back on or bring it closer; the app keeps trying."
                        )
                        emit(Status(now, LinkState.LOST, why, self.device_info()))
                    failures += 1
                log.info("Bluetooth attempt failed: %s", _describe(exc))
                pause = self.backoff[min(failures - 1, len(self.backoff) - 1)] if failures else self.backoff[0]
                await asyncio.sleep(pause)

    async def _session(self, emit: Emit, clock: SessionClock, first: bool) -> None:
        """Find, connect, subscribe and stream until the link drops (raises :class:`_LinkDropped`)."""
        device = await self._find(first)
        self.name = device.name or self.name or "Heart-rate strap"
        self.address = device.address
        if first:
            emit(Status(clock.now(), LinkState.CONNECTING, f"Connecting to {self.name}...", self.device_info()))
        dropped = asyncio.Event()
        self._queue = asyncio.Queue()
        self._streaming = False
        consumer = asyncio.create_task(self._consume(emit), name="ble-decoder")
        try:
            async with BleakClient(device, disconnected_callback=lambda _c: dropped.set(), timeout=self.connect_timeout) as client:
                await self._subscribe(client, emit, clock)
                emit(Status(clock.now(), LinkState.CONNECTED, f"Connected to {self.name}. Waiting for the first heartbeat.", self.device_info()))
                await dropped.wait()
        finally:
            try:
                if dropped.is_set():  # what arrived before the drop is still decoded and emitted
                    await asyncio.wait_for(self._queue.join(), 1.0)
            except asyncio.TimeoutError:
                pass
            finally:
                consumer.cancel()
                await asyncio.gather(consumer, return_exceptions=True)
        if dropped.is_set():
            raise _LinkDropped()

    async def _find(self, first: bool) -> BLEDevice:
        if self.address:
            device = await BleakScanner.find_device_by_address(self.address, timeout=self.scan_timeout)
            if device is None:
                raise DeviceNotFoundError(not_found_message(self.address))
            return device
        found = await BleakScanner.discover(timeout=self.auto_scan, return_adv=True, service_uuids=[HEART_RATE_SERVICE])
        devices = [d for d, _ in found.values()]
        for d in devices:
            if self.preferred and d.address.lower() == self.preferred.lower():
                return d
        if not devices:
            raise DeviceNotFoundError(not_found_message(None))
        if len(devices) > 1:
            names = ", ".join(f"{d.name or 'Unnamed'} ({d.address})" for d in devices)
            raise SeveralDevicesError(f"Several heart-rate straps are in range: {names}. Choose one with --source ble:ADDRESS.")
        return devices[0]

    async def _subscribe(self, client: BleakClient, emit: Emit, clock: SessionClock) -> None:
        services = client.services
        if services.get_service(HEART_RATE_SERVICE) is None or services.get_characteristic(HEART_RATE_MEASUREMENT) is None:
            raise NoHeartRateServiceError(no_heart_rate_message(self.name or "The device"))
        if services.get_characteristic(BODY_SENSOR_LOCATION) is not None:
            try:
                self.location = decode_body_sensor_location(await client.read_gatt_char(BODY_SENSOR_LOCATION))
            except BleakError as exc:
                log.info("Body sensor location unreadable: %s", exc)
        battery = services.get_characteristic(BATTERY_LEVEL)
        if battery is not None:
            try:
                self._battery(emit, clock, await client.read_gatt_char(battery))
                if "notify" in battery.properties:
                    await client.start_notify(battery, lambda _c, data: self._battery(emit, clock, data))
            except BleakError as exc:
                log.info("Battery level unreadable: %s", exc)
        queue = self._queue
        assert queue is not None

        def on_measurement(_char, data: bytearray) -> None:
            queue.put_nowait((clock.now(), bytes(data)))

        await client.start_notify(HEART_RATE_MEASUREMENT, on_measurement)

    def _battery(self, emit: Emit, clock: SessionClock, data: bytes | bytearray) -> None:
        percent = decode_battery_level(data)
        if percent is not None:
            emit(Battery(clock.now(), percent))

    async def _consume(self, emit: Emit) -> None:
        queue = self._queue
        assert queue is not None
        while True:
            t, data = await queue.get()
            try:
                self._handle(emit, t, data)
            finally:
                queue.task_done()

    def _handle(self, emit: Emit, t: float, data: bytes) -> None:
        try:
            m = decode_hrm(data)
        except HrmDecodeError as exc:
            self.decode_errors += 1
            if self.decode_errors <= 10 or self.decode_errors % 100 == 0:
                log.warning("Unreadable heart-rate notification #%d: %s", self.decode_errors, exc)
            return
        self.notifications += 1
        if m.stray_bytes:
            self.stray_byte_packets += 1
        if not self._streaming:
            self._streaming = True
            emit(Status(t, LinkState.STREAMING, f"Receiving heartbeats from {self.name}.", self.device_info()))
        if m.contact is not self._contact:
            if self._contact is not None or m.contact is Contact.NOT_DETECTED:
                log.info("Sensor contact: %s", m.contact.value)
            self._contact = m.contact
        emit(m.to_sample(t))


def _describe(exc: BaseException) -> str:
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
