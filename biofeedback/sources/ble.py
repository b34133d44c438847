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

Blood-pressure cuffs (Blood Pressure Service 0x1810) are read by :class:`CuffSource` on the same
kind of loop: scan by 0x1810, connect, pair where the cuff requires it, subscribe to Blood
Pressure Measurement 0x2A35 indications (and Intermediate Cuff Pressure 0x2A36), collect the
stored and new readings the cuff sends, and disconnect. A strap and a cuff are separate
connections and can run at the same time.

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

from biofeedback.core import words
from biofeedback.core.samples import (
    Battery,
    BloodPressure,
    Contact,
    CuffPressure,
    DeviceNotice,
    LinkState,
    SourceInfo,
    SourceKind,
    Status,
)
from biofeedback.sources.base import Emit, Source, SourceError
from biofeedback.sources.bpm import BpmDecodeError, decode_bp_feature, decode_intermediate_cuff_pressure, reading_from_packet
from biofeedback.sources.clock import SessionClock
from biofeedback.sources.hrm import HrmDecodeError, decode_battery_level, decode_body_sensor_location, decode_hrm

log = logging.getLogger(__name__)


def _uuid16(short: int) -> str:
    return f"0000{short:04x}-0000-1000-8000-00805f9b34fb"


#: Bluetooth SIG assigned numbers (Assigned Numbers, section 3.4 and 3.8).
HEART_RATE_SERVICE = _uuid16(0x180D)
HEART_RATE_MEASUREMENT = _uuid16(0x2A37)
BODY_SENSOR_LOCATION = _uuid16(0x2A38)
BATTERY_SERVICE = _uuid16(0x180F)
BATTERY_LEVEL = _uuid16(0x2A19)
BLOOD_PRESSURE_SERVICE = _uuid16(0x1810)
BLOOD_PRESSURE_MEASUREMENT = _uuid16(0x2A35)
INTERMEDIATE_CUFF_PRESSURE = _uuid16(0x2A36)
BLOOD_PRESSURE_FEATURE = _uuid16(0x2A49)

#: What a scan can look for: the service that makes a device a strap or a cuff.
SERVICE_OF_KIND = {"strap": HEART_RATE_SERVICE, "cuff": BLOOD_PRESSURE_SERVICE}

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
#: How long ``biofeedback bp`` and the window wait for a cuff's first reading, s, finding and
#: connecting included. A cuff advertises only for a while after its Bluetooth button is pressed
#: or a measurement ends, and a measurement itself takes 30-60 s.
CUFF_TIMEOUT_S = 60.0
#: After the last reading (or cuff-pressure update), how long a cuff that stays connected may be
#: quiet before the transfer counts as done, s. Cuffs send their stored readings back to back,
#: each indication confirmed in well under a second, then disconnect by themselves.
CUFF_SETTLE_S = 5.0


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


class NoBloodPressureServiceError(BluetoothError):
    pass


class PairingRequiredError(BluetoothError):
    pass


class NoReadingError(BluetoothError):
    """The cuff sent nothing in time, or disconnected before sending anything."""


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


def cuff_not_found_message(address: str | None) -> str:
    which = f"The cuff {address} was not found" if address else "No blood-pressure cuff was found"
    return (
        f"{which}. Press the cuff's Bluetooth button, or take a measurement, so that it wakes up; keep it within "
        "a few metres, and try again."
    )


def no_blood_pressure_message(name: str) -> str:
    return (
        f"{name} was found but does not offer the standard Blood Pressure Service. Choose a cuff that does, "
        "or type its readings in."
    )


def pairing_message(name: str, address: str) -> str:
    return (
        f"{name} needs to be paired with this computer first. Put the cuff in pairing mode (on most cuffs: hold "
        "its Bluetooth button until a blinking P or Pr shows), then pair it: on Linux with bluetoothctl "
        f"(scan on, pair {address}, trust {address}), on macOS in System Settings > Bluetooth, on Windows in "
        "Settings > Bluetooth & devices > Add device. Then try again."
    )


#: D-Bus errors and words in error texts that mean the cuff wants a bonded (paired) link.
_PAIRING_ERRORS = ("org.bluez.Error.AuthenticationFailed", "org.bluez.Error.AuthenticationRejected", "org.bluez.Error.NotAuthorized")
_PAIRING_WORDS = ("not paired", "authentication", "encryption", "security")


def needs_pairing(exc: BaseException) -> bool:
    """Whether a failed GATT operation failed because the link is not paired (bonded)."""
    if isinstance(exc, BleakDBusError):
        if exc.dbus_error in _PAIRING_ERRORS:
            return True
        if exc.dbus_error != "org.bluez.Error.NotPermitted":
            return False
    text = str(exc).lower()
    return any(w in text for w in _PAIRING_WORDS)


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
    kind : str
        ``"strap"`` (Heart Rate Service 0x180D) or ``"cuff"`` (Blood Pressure Service 0x1810).
    """

    name: str
    address: str
    rssi: int | None
    kind: str = "strap"


async def scan(timeout: float = AUTO_SCAN_S, kinds: Sequence[str] = ("strap",)) -> list[FoundDevice]:
    """Listen for ``timeout`` s for heart-rate straps (0x180D) and, if asked, blood-pressure cuffs
    (0x1810); strongest first. ``kinds``: any of ``"strap"``, ``"cuff"``.

    Raises
    ------
    BluetoothError
        No adapter, Bluetooth off, or permission denied.
    """
    services = [SERVICE_OF_KIND[k] for k in kinds]
    try:
        found = await BleakScanner.discover(timeout=timeout, return_adv=True, service_uuids=services)
    except Exception as exc:
        typed = translate_error(exc)
        if typed is None:
            raise
        raise typed from None
    devices = []
    for d, adv in found.values():
        uuids = [u.lower() for u in adv.service_uuids]
        kind = "cuff" if BLOOD_PRESSURE_SERVICE in uuids and "cuff" in kinds else "strap"
        unnamed = "Unnamed cuff" if kind == "cuff" else "Unnamed strap"
        devices.append(FoundDevice(d.name or adv.local_name or unnamed, d.address, adv.rssi, kind))
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


# --------------------------------------------------------------------------- blood-pressure cuffs


class CuffSource:
    """Blood-pressure readings from one Bluetooth cuff with the standard Blood Pressure Service.

    It runs like a :class:`~biofeedback.sources.base.Source` (``run(emit, clock)`` on the Qt
    bridge's worker loop, or under :func:`asyncio.run` for ``biofeedback bp``), but it gives
    readings, not heartbeats. It emits, in order:

    - ``Status`` SCANNING, CONNECTING, CONNECTED (messages for people);
    - a :class:`~biofeedback.core.samples.BloodPressure` for each usable reading as it arrives
      (stored readings first, then any new measurement), a
      :class:`~biofeedback.core.samples.CuffPressure` while the cuff measures, and a
      :class:`~biofeedback.core.samples.DeviceNotice` for a reading it cannot use or a date it
      left out;
    - ``Status`` FINISHED when the cuff has disconnected by itself, or has been quiet for
      ``settle`` s after its last reading (then the app disconnects).

    Every reading is emitted the moment it is decoded, so a cuff that drops the link mid-transfer
    loses nothing already received. It raises :class:`NoReadingError` when the cuff sends nothing
    within ``timeout`` s, or disconnects before sending anything; :class:`PairingRequiredError`
    when the cuff wants a bonded link and pairing from here fails.

    Parameters
    ----------
    address : str or None
        The cuff to read; None takes the only cuff in range (an error if there are several).
    timeout : float
        How long to wait for the first reading, finding and connecting included, s.
    settle : float
        See :data:`CUFF_SETTLE_S`.
    pair : bool
        Pair (bond) with the cuff when it refuses an unpaired link.
    """

    def __init__(
        self,
        address: str | None = None,
        *,
        timeout: float = CUFF_TIMEOUT_S,
        settle: float = CUFF_SETTLE_S,
        connect_timeout: float = CONNECT_TIMEOUT_S,
        auto_scan: float = AUTO_SCAN_S,
        pair: bool = True,
    ) -> None:
        self.address = address
        self.spec = f"ble:{address}" if address else "ble"
        self.timeout = timeout
        self.settle = settle
        self.connect_timeout = connect_timeout
        self.auto_scan = auto_scan
        self.pair = pair
        self.name: str | None = None
        #: What the cuff can detect (Blood Pressure Feature 0x2A49), as words.
        self.features: tuple[str, ...] = ()
        #: Usable readings received, in order of arrival.
        self.readings: list[BloodPressure] = []
        #: Measurements received that could not be used (no values, impossible values).
        self.unusable = 0
        #: Packets that could not be decoded (shorter than their flags promise).
        self.decode_errors = 0
        self.paired_here = False
        self._queue: asyncio.Queue[tuple[str, float, bytes]] | None = None
        self._indications = 0
        self._last_activity = 0.0
        self._measuring = False

    def device_info(self) -> dict[str, str]:
        info = {"kind": "cuff"}
        if self.address:
            info["address"] = self.address
        if self.name:
            info["name"] = self.name
        if self.features:
            info["features"] = ",".join(self.features)
        return info

    async def run(self, emit: Emit, clock: SessionClock) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.timeout
        emit(Status(clock.now(), LinkState.SCANNING, words.BP_LOOKING_FOR_CUFF, self.device_info()))
        try:
            device = await self._find(deadline)
            self.name = device.name or self.name or "Blood-pressure cuff"
            self.address = device.address
            emit(Status(clock.now(), LinkState.CONNECTING, f"Connecting to {self.name}...", self.device_info()))
            dropped = await self._transfer(device, emit, clock, deadline)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            raise self._typed(exc) from None
        if self.decode_errors:
            emit(DeviceNotice(clock.now(), words.BP_UNREADABLE.format(count=self.decode_errors)))
        if not self._indications:
            raise NoReadingError(words.BP_DROPPED_BEFORE_READING if dropped else words.BP_NOTHING_IN_TIME.format(seconds=self.timeout))
        if dropped and self._measuring:
            emit(DeviceNotice(clock.now(), words.BP_DROPPED_WHILE_MEASURING))
        n = len(self.readings)
        emit(Status(clock.now(), LinkState.FINISHED, f"{self.name} sent {n} reading{'s' if n != 1 else ''}.", self.device_info()))

    def _typed(self, exc: BaseException) -> BluetoothError:
        if isinstance(exc, BluetoothError):
            return exc
        typed = translate_error(exc)
        if isinstance(typed, DeviceNotFoundError):
            return DeviceNotFoundError(cuff_not_found_message(self.address))
        if typed is not None:
            return typed
        log.info("Reading the cuff failed", exc_info=exc)
        name = self.name or self.address or "the cuff"
        return BluetoothError(
            f"Could not read {name} ({_describe(exc)}). Bring it closer, check that no phone or other app is "
            "connected to it, and try again."
        )

    async def _find(self, deadline: float) -> BLEDevice:
        loop = asyncio.get_running_loop()
        if self.address:
            device = await BleakScanner.find_device_by_address(self.address, timeout=max(deadline - loop.time(), 0.5))
            if device is None:
                raise DeviceNotFoundError(cuff_not_found_message(self.address))
            return device
        while True:  # a cuff advertises only now and then: keep listening until the deadline
            window = min(self.auto_scan, max(deadline - loop.time(), 0.5))
            found = await BleakScanner.discover(timeout=window, return_adv=True, service_uuids=[BLOOD_PRESSURE_SERVICE])
            devices = [d for d, _ in found.values()]
            if len(devices) > 1:
                names = ", ".join(f"{d.name or 'Unnamed'} ({d.address})" for d in devices)
                raise SeveralDevicesError(f"Several blood-pressure cuffs are in range: {names}. Choose one with --source ble:ADDRESS.")
            if devices:
                return devices[0]
            if loop.time() >= deadline:
                raise DeviceNotFoundError(cuff_not_found_message(None))

    async def _transfer(self, device: BLEDevice, emit: Emit, clock: SessionClock, deadline: float) -> bool:
        """Connect, subscribe and collect until the cuff is done; True if it disconnected by itself."""
        loop = asyncio.get_running_loop()
        dropped = asyncio.Event()
        self._queue = queue = asyncio.Queue()
        consumer = asyncio.create_task(self._consume(emit), name="cuff-decoder")
        ended_by_cuff = False
        try:
            async with BleakClient(device, disconnected_callback=lambda _c: dropped.set(), timeout=self.connect_timeout) as client:
                await self._subscribe(client, clock)
                emit(Status(clock.now(), LinkState.CONNECTED, words.BP_WAITING_FOR_READINGS.format(name=self.name), self.device_info()))
                self._last_activity = loop.time()
                while not dropped.is_set():
                    now = loop.time()
                    quiet_until = self._last_activity + self.settle
                    until = quiet_until if self._indications else max(deadline, quiet_until if self._measuring else deadline)
                    if now >= until:
                        break
                    try:
                        await asyncio.wait_for(dropped.wait(), min(until - now, 0.25))
                    except asyncio.TimeoutError:
                        pass
                ended_by_cuff = dropped.is_set()  # (leaving this block disconnects from our side)
        finally:
            try:  # what arrived is decoded and emitted, also after a drop
                await asyncio.wait_for(queue.join(), 2.0)
            except asyncio.TimeoutError:
                log.warning("The cuff's last packets were not decoded in time")
            consumer.cancel()
            await asyncio.gather(consumer, return_exceptions=True)
        return ended_by_cuff

    async def _subscribe(self, client: BleakClient, clock: SessionClock) -> None:
        services = client.services
        if services.get_service(BLOOD_PRESSURE_SERVICE) is None or services.get_characteristic(BLOOD_PRESSURE_MEASUREMENT) is None:
            raise NoBloodPressureServiceError(no_blood_pressure_message(self.name or "The device"))
        queue = self._queue
        assert queue is not None
        loop = asyncio.get_running_loop()

        def on(kind: str):
            def callback(_char, data: bytearray) -> None:
                self._last_activity = loop.time()
                if kind == "bpm":
                    self._indications += 1
                queue.put_nowait((kind, clock.now(), bytes(data)))

            return callback

        if services.get_characteristic(BLOOD_PRESSURE_FEATURE) is not None:
            try:
                data = await self._paired(client, lambda: client.read_gatt_char(BLOOD_PRESSURE_FEATURE))
                self.features = decode_bp_feature(data).words
            except (BleakError, BpmDecodeError) as exc:
                log.info("Blood Pressure Feature unreadable: %s", exc)
        if services.get_characteristic(INTERMEDIATE_CUFF_PRESSURE) is not None:
            try:
                await self._paired(client, lambda: client.start_notify(INTERMEDIATE_CUFF_PRESSURE, on("icp")))
            except BleakError as exc:
                log.info("Intermediate Cuff Pressure unavailable: %s", exc)
        # Indications: BlueZ's StartNotify (and bleak's start_notify elsewhere) subscribes to both.
        await self._paired(client, lambda: client.start_notify(BLOOD_PRESSURE_MEASUREMENT, on("bpm")))

    async def _paired(self, client: BleakClient, operation):
        """Run a GATT operation; if the cuff wants a bonded link, pair once and run it again."""
        try:
            return await operation()
        except PairingRequiredError:
            raise
        except Exception as exc:
            if not needs_pairing(exc):
                raise
            log.info("The cuff wants a paired link: %s", exc)
            if not self.pair or self.paired_here:
                raise PairingRequiredError(pairing_message(self.name or "The cuff", self.address or "ADDRESS")) from None
        try:
            await client.pair()
        except Exception as exc:  # no agent, refused, not supported on this platform
            log.info("Pairing failed: %s", exc)
            raise PairingRequiredError(pairing_message(self.name or "The cuff", self.address or "ADDRESS")) from None
        self.paired_here = True
        try:
            return await operation()
        except Exception as exc:
            if needs_pairing(exc):
                raise PairingRequiredError(pairing_message(self.name or "The cuff", self.address or "ADDRESS")) from None
            raise

    async def _consume(self, emit: Emit) -> None:
        queue = self._queue
        assert queue is not None
        while True:
            kind, t, data = await queue.get()
            try:
                if kind == "bpm":
                    self._handle_measurement(emit, t, data)
                else:
                    self._handle_cuff_pressure(emit, t, data)
            finally:
                queue.task_done()

    def _handle_measurement(self, emit: Emit, t: float, data: bytes) -> None:
        try:
            _m, judgement = reading_from_packet(data, t)
        except BpmDecodeError as exc:
            self.decode_errors += 1
            log.warning("Unreadable blood-pressure indication #%d: %s", self.decode_errors, exc)
            return
        self._measuring = False
        if judgement.dropped:
            log.info("Left out of a cuff reading as implausible: %s (packet %s)", ", ".join(judgement.dropped), data.hex(" "))
        for note in judgement.notes:
            emit(DeviceNotice(t, note))
        if judgement.reading is None:
            self.unusable += 1
            log.info("Unusable cuff reading: %s", data.hex(" "))
            return
        self.readings.append(judgement.reading)
        emit(judgement.reading)

    def _handle_cuff_pressure(self, emit: Emit, t: float, data: bytes) -> None:
        try:
            pressure = decode_intermediate_cuff_pressure(data).mmhg
        except BpmDecodeError as exc:
            self.decode_errors += 1
            log.warning("Unreadable cuff-pressure notification: %s", exc)
            return
        if pressure is not None:
            self._measuring = True
            emit(CuffPressure(t, pressure))
